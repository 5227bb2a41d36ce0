"""The dialog that starts a run: an optional execution name, the input as JSON text, and,
when the machine has a mock file, which of its test cases answers the Tasks (choosing a case
that comes with an input puts that input in the editor).

Ctrl+S (or the Run button) checks the JSON; text that does not parse gets a notification
saying where, the cursor moves there, and the dialog stays open with everything typed in it.
Escape cancels. The dialog is the confirmation: what it returns is run as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea
from textual.widgets.text_area import LanguageDoesNotExist

from sfntui.asl.strict_json import JsonValueError, parse_json
from sfntui.asl.visible_text import visible


@dataclass(frozen=True)
class RunRequest:
    name: str | None
    input: Any
    test_case: str | None = None


def json_input_area(text: str, area_id: str = "run-input") -> TextArea:
    """A JSON editor: highlighted where tree-sitter's JSON grammar is installed."""
    try:
        return TextArea(text, language="json", tab_behavior="focus", id=area_id)
    except LanguageDoesNotExist:
        return TextArea(text, tab_behavior="focus", id=area_id)


class RunDialog(ModalScreen[RunRequest | None]):
    BINDINGS = [
        Binding("ctrl+s", "run", "Run", id="run_dialog.run", priority=True),
        Binding("escape", "cancel", "Cancel", id="run_dialog.cancel"),
    ]

    def __init__(
        self,
        machine_name: str,
        input_text: str,
        *,
        source: str | None = None,
        execution_name: str = "",
        test_cases: list[str] | None = None,
        case_inputs: dict[str, Any] | None = None,
        test_case: str | None = None,
    ) -> None:
        """`test_cases`: the mock file's cases, the default first; `case_inputs`: the input
        each case comes with; `test_case`: the one chosen last time."""
        super().__init__()
        self.test_cases = list(test_cases or [])
        self.case_inputs = dict(case_inputs or {})
        self.test_case = test_case if test_case in self.test_cases else None
        if self.test_case is None and self.test_cases:
            self.test_case = self.test_cases[0]
            if self.test_case in self.case_inputs and not execution_name:
                input_text = json.dumps(self.case_inputs[self.test_case], indent=2)
        self.machine_name = machine_name
        self.input_text = input_text
        self.source = source
        self.execution_name = execution_name
        #: What was in the name box and the editor when the dialog closed, however it closed:
        #: the next dialog for the machine starts from it, so nothing typed is lost.
        self.draft: tuple[str, str] = (execution_name, input_text)

    def compose(self) -> ComposeResult:
        with Vertical(id="run-dialog"):
            yield Label(f"Run [b]{escape(visible(self.machine_name))}[/b]", id="run-title")
            yield Input(
                self.execution_name, placeholder="execution name (optional)", id="run-name"
            )
            if self.test_cases:
                yield Label("Test case (what answers the Tasks)", id="run-case-label")
                yield Select(
                    [(case, case) for case in self.test_cases],
                    value=self.test_case,
                    allow_blank=False,
                    id="run-test-case",
                )
            note = "Input (JSON)"
            if self.source:
                note = f"Input (JSON, from {PurePath(self.source).name})"
            yield Label(escape(note), id="run-input-label")
            yield json_input_area(self.input_text)
            with Horizontal(id="run-buttons"):
                yield Button("Cancel", id="run-cancel")
                yield Button("Run  ^s", variant="primary", id="run-start")

    def on_mount(self) -> None:
        self.query_one("#run-dialog").border_title = "Start an execution"
        self.query_one("#run-input", TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one("#run-input", TextArea).text

    def _keep_draft(self) -> None:
        self.draft = (self.query_one("#run-name", Input).value, self.text)

    def action_run(self) -> None:
        area = self.query_one("#run-input", TextArea)
        try:
            value = parse_json(area.text, "The input") if area.text.strip() else {}
        except JsonValueError as error:
            self.notify(f"{error}.", title="Not started", severity="error", markup=False)
            if error.line:
                area.move_cursor((error.line - 1, error.column - 1))
            area.focus()
            return
        name = self.query_one("#run-name", Input).value.strip() or None
        self._keep_draft()
        self.dismiss(RunRequest(name, value, self.test_case))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id != "run-test-case" or not isinstance(event.value, str):
            return
        if event.value == self.test_case:
            return
        self.test_case = event.value
        if event.value in self.case_inputs:
            area = self.query_one("#run-input", TextArea)
            area.text = json.dumps(self.case_inputs[event.value], indent=2, ensure_ascii=False)

    def action_cancel(self) -> None:
        self._keep_draft()
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run-start":
            self.action_run()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#run-input", TextArea).focus()
