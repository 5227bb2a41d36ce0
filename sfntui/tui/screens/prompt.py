"""A one-line question at the bottom of the screen (a search term, a file to save to), as
`less` asks: enter answers, escape cancels (the answer is then None)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]
    DEFAULT_CSS = """
    PromptScreen {
        align: center bottom;
        background: $background 30%;
    }
    #prompt {
        height: 2;
        width: 100%;
        border-top: solid $primary;
        background: $surface;
        padding: 0 1;
    }
    #prompt Label {
        padding: 0 1 0 0;
        text-style: bold;
    }
    #prompt-hint {
        color: $text-muted;
        padding: 0 0 0 1;
    }
    #prompt Input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
    }
    """

    def __init__(self, question: str, answer: str = "", action: str = "OK") -> None:
        super().__init__()
        self.question = question
        self.answer = answer
        self.action = action

    def compose(self) -> ComposeResult:
        with Horizontal(id="prompt"):
            yield Label(f"{self.question}:")
            yield Input(self.answer, id="prompt-answer", select_on_focus=True)
            yield Label(f"enter: {self.action} · escape: cancel", id="prompt-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
