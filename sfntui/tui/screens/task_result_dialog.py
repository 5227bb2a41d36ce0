"""The dialog that answers a Task nothing else answers, at a debugger stop "needs_task_result".

The person types the Task's result as JSON (Ctrl+S returns it), or an error name and a cause
(Ctrl+F fails the Task with them). JSON that does not parse gets a notification saying where
and the dialog stays open. Escape closes it with no answer (the stop stays where it is).

For the debugger screen:

    answer = await app.push_screen_wait(TaskResultDialog.for_stop(stop))
    if answer is not None:
        answer.give_to(session.debugger)   # then continue or step
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from sfntui.tui.screens.run_dialog import json_input_area


class AnswersTasks(Protocol):
    def give_task_result(self, value: Any) -> None: ...

    def fail_task(self, error: str | None, cause: str | None = None) -> None: ...


@dataclass(frozen=True)
class TaskAnswer:
    """A result to return, or (`failed`) an error and a cause to fail the Task with."""

    result: Any = None
    failed: bool = False
    error: str | None = None
    cause: str | None = None

    def give_to(self, debugger: AnswersTasks) -> None:
        if self.failed:
            debugger.fail_task(self.error, self.cause)
        else:
            debugger.give_task_result(self.result)


class TaskResultDialog(ModalScreen[TaskAnswer | None]):
    BINDINGS = [
        Binding("ctrl+s", "give_result", "Return result", id="task_result.give", priority=True),
        Binding("ctrl+f", "fail", "Fail the task", id="task_result.fail", priority=True),
        Binding("escape", "cancel", "Cancel", id="task_result.cancel"),
    ]

    def __init__(self, state: str, resource: str, parameters: Any, result_text: str = "{}"):
        super().__init__()
        self.state = state
        self.resource = resource
        self.parameters = parameters
        self.result_text = result_text

    @classmethod
    def for_stop(cls, stop: Any) -> TaskResultDialog:
        """The dialog for a debugger `Stop` whose reason is "needs_task_result"."""
        task = stop.task or {}
        return cls(stop.state, str(task.get("resource", "")), task.get("parameters"))

    def compose(self) -> ComposeResult:
        with Vertical(id="task-result-dialog"):
            yield Label(
                f"Nothing answers [b]{escape(self.state)}[/b] ({escape(self.resource)})",
                id="task-result-title",
            )
            called = json.dumps(self.parameters, ensure_ascii=False)
            if len(called) > 200:
                called = called[:199] + "…"
            yield Label(escape(f"Called with: {called}"), id="task-result-parameters")
            yield Label("Its result (JSON)", id="task-result-label")
            yield json_input_area(self.result_text, "task-result")
            yield Label("…or fail it with an error and a cause", id="task-error-label")
            with Horizontal(id="task-error-row"):
                yield Input(placeholder="error name", id="task-error")
                yield Input(placeholder="cause", id="task-cause")
            with Horizontal(id="task-result-buttons"):
                yield Button("Cancel", id="task-result-cancel")
                yield Button("Fail  ^f", variant="error", id="task-result-fail")
                yield Button("Return  ^s", variant="primary", id="task-result-give")

    def on_mount(self) -> None:
        self.query_one("#task-result-dialog").border_title = "A task result is needed"
        self.query_one("#task-result", TextArea).focus()

    def action_give_result(self) -> None:
        area = self.query_one("#task-result", TextArea)
        try:
            value = json.loads(area.text) if area.text.strip() else {}
        except json.JSONDecodeError as error:
            self.notify(
                f"The result is not valid JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno}).",
                title="Not given",
                severity="error",
                markup=False,
            )
            area.move_cursor((error.lineno - 1, error.colno - 1))
            area.focus()
            return
        self.dismiss(TaskAnswer(result=value))

    def action_fail(self) -> None:
        error = self.query_one("#task-error", Input).value.strip()
        if not error:
            self.notify(
                "Type the error name to fail the task with.",
                title="Not failed",
                severity="error",
            )
            self.query_one("#task-error", Input).focus()
            return
        cause = self.query_one("#task-cause", Input).value.strip() or None
        self.dismiss(TaskAnswer(failed=True, error=error, cause=cause))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "task-result-give":
            self.action_give_result()
        elif event.button.id == "task-result-fail":
            self.action_fail()
        else:
            self.action_cancel()
