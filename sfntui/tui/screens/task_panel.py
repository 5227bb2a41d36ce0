"""Answering a Task that waits for a callback: its token, and success (a JSON output), failure
(an error and a cause) or a heartbeat sent from the app, each after the app's confirmation
dialog (`ConfirmDialog`, as stop and redrive ask) naming the state and the execution.

Reached with `T` on the selected state of an execution whose backend has `task_tokens`, when
that state's latest run is a `.waitForTaskToken` Task still waiting.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from sfntui.backends import Action, Backend, BackendError
from sfntui.tui.screens.confirm_dialog import ConfirmDialog

#: What each answer does, as the confirmation says it.
ANSWERS = {
    "success": ("Send success", "with the output typed"),
    "failure": ("Send failure", "with the error and cause typed"),
    "heartbeat": ("Send heartbeat", "(it keeps waiting)"),
}


class TaskPanel(ModalScreen[None]):
    """The token of a waiting Task, and the three answers AWS takes for it."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Close", id="task_panel.close")]

    def __init__(
        self,
        backend: Backend,
        token: str,
        state_name: str,
        execution_name: str,
        execution_arn: str = "",
    ) -> None:
        super().__init__()
        self.backend = backend
        self.token = token
        self.state_name = state_name
        self.execution_name = execution_name
        self.execution_arn = execution_arn
        #: What was sent, once sent: "success", "failure" or "heartbeat".
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="task-panel"):
            yield Static(Text(f"{self.state_name} waits for a callback"), id="task-title")
            yield Label("Task token")
            yield Static(Text(self.token, overflow="fold"), id="task-token")
            yield Label("Output (JSON), for success")
            yield TextArea("{}", id="task-output", language="json")
            yield Label("Error and cause, for failure")
            yield Input(placeholder="Error", id="task-error")
            yield Input(placeholder="Cause", id="task-cause")
            with Horizontal(id="task-buttons"):
                yield Button("Send success", id="send-success", variant="success")
                yield Button("Send failure", id="send-failure", variant="error")
                yield Button("Send heartbeat", id="send-heartbeat")

    def on_mount(self) -> None:
        self.query_one("#task-output", TextArea).focus()

    @on(Button.Pressed)
    def on_button(self, event: Button.Pressed) -> None:
        kind = (event.button.id or "").removeprefix("send-")
        if kind == "success":
            text = self.query_one("#task-output", TextArea).text
            try:
                output = json.loads(text)
            except ValueError as error:
                self.notify(f"The output is not valid JSON: {error}.", severity="error")
                return
            self.send(kind, output)
        elif kind in ("failure", "heartbeat"):
            self.send(kind, None)

    @work(exclusive=True, group="task-answer", exit_on_error=False)
    async def send(self, kind: str, output: Any) -> None:
        button, how = ANSWERS[kind]
        execution = self.execution_name
        if self.execution_arn:
            execution += f" ({self.execution_arn})"
        question = f"{button} {how} to the task {self.state_name} of the execution {execution}?"
        dialog = ConfirmDialog(f"Answer {self.state_name}", question, button)
        if await self.app.push_screen_wait(dialog) is None:
            return

        def confirmed(_action: Action) -> bool:
            return True

        try:
            if kind == "success":
                await self.backend.send_task_success(self.token, output, confirm=confirmed)
            elif kind == "failure":
                error = self.query_one("#task-error", Input).value or None
                cause = self.query_one("#task-cause", Input).value or None
                await self.backend.send_task_failure(
                    self.token, error=error, cause=cause, confirm=confirmed
                )
            else:
                await self.backend.send_task_heartbeat(self.token, confirm=confirmed)
        except BackendError as error:
            self.notify(error.message, severity="error", timeout=8, markup=False)
            return
        self.sent.append(kind)
        self.notify(f"Sent {kind} to {self.state_name}.", markup=False)
        if kind != "heartbeat":
            self.dismiss()
