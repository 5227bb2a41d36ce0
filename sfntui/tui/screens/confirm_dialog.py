"""The dialog that asks before acting on an execution (stop, redrive, export).

It names the execution and what will happen; fields (a stop's error and cause, an export's
file) are typed into it. Enter on the button or Ctrl+S confirms, Escape cancels: nothing
happens unless the person confirms. It returns the fields' values, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from sfntui.asl.visible_text import visible


@dataclass(frozen=True)
class Field:
    """A value typed into the dialog: `key` names it in the answer."""

    key: str
    label: str
    value: str = ""
    placeholder: str = ""


class ConfirmDialog(ModalScreen[dict[str, str] | None]):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm", id="confirm_dialog.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="confirm_dialog.cancel"),
    ]

    def __init__(
        self, title: str, question: str, button: str, fields: Sequence[Field] = ()
    ) -> None:
        super().__init__()
        self.title_text = title
        #: One sentence naming the execution: "Stop the execution 'run-7' of orders?"
        self.question = question
        self.button = button
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(visible(self.question), id="confirm-question", markup=False)
            for field in self.fields:
                yield Label(field.label, classes="confirm-label", markup=False)
                yield Input(field.value, placeholder=field.placeholder, id=f"confirm-{field.key}")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button(f"{self.button}  ^s", variant="error", id="confirm-ok")

    def on_mount(self) -> None:
        self.query_one("#confirm-dialog").border_title = self.title_text
        first = self.query(Input)
        (first.first() if first else self.query_one("#confirm-cancel", Button)).focus()

    def action_confirm(self) -> None:
        values = {f.key: self.query_one(f"#confirm-{f.key}", Input).value for f in self.fields}
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm-ok":
            self.action_confirm()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()
