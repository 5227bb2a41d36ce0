"""A JSON editor in a dialog: the debugger's what-if (a state's input, a task's result) and
the input of a restart from a state.

The text is checked as JSON when the person applies it (Ctrl+S): bad JSON keeps the dialog
open, says what is wrong and where, and loses nothing typed. Escape closes it without
applying; `draft` keeps the text so the caller can offer it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea


@dataclass(frozen=True)
class EditedJson:
    """The value the person applied (None is JSON null, so it is wrapped)."""

    value: Any


def json_problem(text: str) -> str | None:
    """Why `text` is not JSON, in one sentence, or None."""
    try:
        json.loads(text)
    except ValueError as error:
        message = getattr(error, "msg", str(error))
        line, column = getattr(error, "lineno", 0), getattr(error, "colno", 0)
        return f"Not JSON: {message} (line {line}, column {column})."
    return None


class JsonEditor(ModalScreen[EditedJson | None]):
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="json_editor.apply"),
        Binding("escape", "cancel", "Cancel", id="json_editor.cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.draft = text

    def compose(self) -> ComposeResult:
        with Vertical(id="json-editor"):
            yield Label(self.title_text, id="json-editor-title", markup=False)
            yield TextArea(self.draft, id="json-editor-text", show_line_numbers=True)
            yield Static("", id="json-editor-error")
            with Horizontal(id="json-editor-buttons"):
                yield Button("Apply (ctrl+s)", variant="primary", id="json-editor-apply")
                yield Button("Cancel (esc)", id="json-editor-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.draft = event.text_area.text
        self.query_one("#json-editor-error", Static).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "json-editor-apply":
            self.action_apply()
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        problem = json_problem(self.text)
        if problem is not None:
            self.query_one("#json-editor-error", Static).update(problem)
            return
        self.dismiss(EditedJson(json.loads(self.text)))

    def action_cancel(self) -> None:
        self.draft = self.text
        self.dismiss(None)
