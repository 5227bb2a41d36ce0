"""The dialog that answers a Task nothing answers: a JSON result, or an error and a cause,
handed to the debugger of a run paused at a "needs_task_result" stop."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Input, TextArea

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.debugger import DebugSession
from sfntui.engine.runner import RunSetup, prepare
from sfntui.tui.screens.task_result_dialog import TaskAnswer, TaskResultDialog
from tests.deadline import awaited
from tests.tui.steps import toasts, wait_until

DEFINITION = {
    "StartAt": "Price",
    "States": {
        "Price": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:price",
            "End": True,
        }
    },
}


class DialogApp(App[None]):
    def __init__(self, dialog: TaskResultDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[TaskAnswer | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


async def paused_session() -> tuple[DebugSession, Any]:
    machine = parse_state_machine(DEFINITION)
    session = DebugSession(
        lambda debugger: prepare(machine, {"sku": "mug"}, RunSetup(), debugger=debugger)
    )
    session.start()
    stop = await awaited(session.next_stop())
    assert stop is not None and stop.reason == "needs_task_result"
    return session, stop


async def test_a_json_result_typed_in_the_dialog_is_the_tasks_result() -> None:
    session, stop = await paused_session()
    app = DialogApp(TaskResultDialog.for_stop(stop))
    async with app.run_test(notifications=True) as pilot:
        area = app.dialog.query_one("#task-result", TextArea)
        area.load_text('{"total": ')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(toasts(pilot)), "the JSON error")
        assert "not valid JSON" in toasts(pilot)[0] and app.answers == []
        area.load_text('{"total": 12}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(app.answers), "the answer")
    [answer] = app.answers
    assert answer == TaskAnswer(result={"total": 12})
    assert answer is not None
    answer.give_to(session.debugger)
    session.debugger.continue_()
    result = await session.wait()
    assert result is not None and result.output == {"total": 12}


async def test_an_error_and_cause_typed_in_the_dialog_fail_the_task() -> None:
    session, stop = await paused_session()
    app = DialogApp(TaskResultDialog.for_stop(stop))
    async with app.run_test() as pilot:
        assert "function:price" in str(app.dialog.query_one("#task-result-title").render())
        app.dialog.query_one("#task-error", Input).value = "Price.Unknown"
        app.dialog.query_one("#task-cause", Input).value = "no price for mugs"
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: bool(app.answers), "the answer")
    [answer] = app.answers
    assert answer is not None and answer.failed
    answer.give_to(session.debugger)
    session.debugger.continue_()
    result = await session.wait()
    assert result is not None
    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Price.Unknown",
        "no price for mugs",
    )
