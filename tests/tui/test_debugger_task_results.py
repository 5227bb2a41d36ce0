"""The debugger screen at a Task nothing answers: the task result dialog asks for its result
(JSON, or an error and a cause) and the run goes on with it; cancelled, the run stays paused
there until `i` asks again."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup, prepare
from sfntui.tui.screens.debugger import DebuggerScreen, DebugTarget
from sfntui.tui.screens.task_result_dialog import TaskResultDialog
from tests.tui.steps import toasts, wait_until
from tests.tui.test_debugger_screen import DebuggerApp, banner, screen_of

DEFINITION = {
    "StartAt": "Price",
    "States": {
        "Price": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:price",
            "Parameters": {"sku.$": "$.sku"},
            "ResultPath": "$.price",
            "Catch": [{"ErrorEquals": ["Price.Unknown"], "ResultPath": "$.why", "Next": "NoPrice"}],
            "Next": "Done",
        },
        "NoPrice": {"Type": "Pass", "Result": "none", "ResultPath": "$.price", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def unanswered_target() -> DebugTarget:
    setup = RunSetup(virtual_clock=True, clock_start=DEFAULT_START)  # nothing answers Price
    return DebugTarget(
        name="Unanswered",
        machine=parse_state_machine(DEFINITION),
        input={"sku": "mug"},
        make_execution=lambda machine, value, debugger: prepare(
            machine, value, setup, debugger=debugger
        ),
    )


async def the_dialog(pilot: Any) -> TaskResultDialog:
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, TaskResultDialog), "the task result dialog"
    )
    dialog = pilot.app.screen
    assert isinstance(dialog, TaskResultDialog)
    return dialog


async def test_the_result_typed_in_the_dialog_is_the_tasks_and_the_run_goes_on() -> None:
    app = DebuggerApp(unanswered_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await pilot.press("c")
        dialog = await the_dialog(pilot)
        assert "Nothing answers Price" in str(dialog.query_one("#task-result-title").render())
        assert '"sku": "mug"' in str(dialog.query_one("#task-result-parameters").render())
        dialog.query_one("#task-result", TextArea).load_text('{"total": 12}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        assert screen.result.output == {"sku": "mug", "price": {"total": 12}}


async def test_cancelled_the_run_stays_paused_and_an_error_given_later_fails_the_task() -> None:
    app = DebuggerApp(unanswered_target())
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await pilot.press("c")
        await the_dialog(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the dialog closed")
        await wait_until(pilot, lambda: bool(toasts(pilot)), "the note")
        assert "The run stays paused at Price" in toasts(pilot)[-1]
        assert screen.paused and not screen.ended
        assert "Price (Task) at result, by needs_task_result" in banner(screen)

        await pilot.press("i")  # asks again
        dialog = await the_dialog(pilot)
        dialog.query_one("#task-error", Input).value = "Price.Unknown"
        dialog.query_one("#task-cause", Input).value = "no price for mugs"
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        assert screen.result.output["price"] == "none"  # the Catch saw the error given
        assert screen.result.output["why"] == {
            "Error": "Price.Unknown",
            "Cause": "no price for mugs",
        }


async def test_after_the_answer_a_stepped_run_stops_at_the_next_step() -> None:
    app = DebuggerApp(unanswered_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await pilot.press("n")  # stops at the first state
        await wait_until(pilot, lambda: len(screen.snapshots) == 1 and screen.paused, "stop 1")
        await pilot.press("n")  # a step: into the Task nothing answers
        dialog = await the_dialog(pilot)
        dialog.query_one("#task-result", TextArea).load_text('{"total": 12}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(screen.snapshots) == 3 and screen.paused, "stop 3")
        assert not screen.ended
        stop = screen.snapshots[-1].stop
        assert (stop.state, stop.moment, stop.reason) == ("Price", "result", "step")
        assert stop.inspection["result"] == {"total": 12}
        assert "Price (Task) at result, by step" in banner(screen)
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.result is not None
        assert screen.result.output == {"sku": "mug", "price": {"total": 12}}
