"""A Task nothing answers, under the debugger: the run starts, stops there to ask for the
Task's result, and goes on with the result, or the error, given through the API."""

from __future__ import annotations

from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.debugger import DebugSession
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError
from tests.deadline import awaited

DEFINITION: dict[str, Any] = {
    "StartAt": "Price",
    "States": {
        "Price": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "price", "Payload.$": "$"},
            "ResultSelector": {"total.$": "$.Payload.total"},
            "ResultPath": "$.price",
            "Catch": [{"ErrorEquals": ["Price.Unknown"], "Next": "NoPrice"}],
            "End": True,
        },
        "NoPrice": {"Type": "Pass", "Result": "none", "ResultPath": "$.price", "End": True},
    },
}


def session() -> DebugSession:
    machine = parse_state_machine(DEFINITION)
    setup = RunSetup(virtual_clock=True)
    return DebugSession(lambda debugger: prepare(machine, {"sku": "mug"}, setup, debugger=debugger))


def test_without_a_debugger_the_run_refuses_to_start() -> None:
    with pytest.raises(NoResolverError, match="'Price'"):
        prepare(parse_state_machine(DEFINITION), {}, RunSetup())


async def test_the_result_given_at_the_stop_is_the_tasks_result() -> None:
    debug = session()
    debug.start()
    stop = await awaited(debug.next_stop())
    assert stop is not None
    assert (stop.state, stop.reason) == ("Price", "needs_task_result")
    assert stop.task == {
        "resource": "arn:aws:states:::lambda:invoke",
        "parameters": {"FunctionName": "price", "Payload": {"sku": "mug"}},
    }
    assert stop.as_json()["task"]["parameters"]["FunctionName"] == "price"
    debug.debugger.give_task_result({"Payload": {"total": 12}})
    debug.debugger.continue_()
    assert await awaited(debug.next_stop()) is None
    result = await debug.wait()
    assert result is not None and result.status == "SUCCEEDED"
    assert result.output == {"sku": "mug", "price": {"total": 12}}


async def test_an_error_given_at_the_stop_fails_the_task_and_catch_handles_it() -> None:
    debug = session()
    debug.start()
    await awaited(debug.next_stop())
    debug.debugger.fail_task("Price.Unknown", "no price for mugs")
    debug.debugger.continue_()
    assert await awaited(debug.next_stop()) is None
    result = await debug.wait()
    assert result is not None and result.status == "SUCCEEDED"
    # (Catch with no ResultPath: the error output replaces the input.)
    caught = {"Error": "Price.Unknown", "Cause": "no price for mugs"}
    assert result.output == {**caught, "price": "none"}
    assert debug.execution is not None
    failed = [e for e in debug.execution.history.events if e["type"] == "TaskFailed"]
    assert failed[0]["taskFailedEventDetails"]["cause"] == "no price for mugs"


async def test_continued_with_no_answer_the_task_fails_saying_why() -> None:
    debug = session()
    debug.start()
    await awaited(debug.next_stop())
    debug.debugger.continue_()
    assert await awaited(debug.next_stop()) is None
    result = await debug.wait()
    assert result is not None and result.status == "FAILED"
    assert result.error == "States.TaskFailed"
    assert "no result was given" in (result.cause or "")


async def test_go_on_after_an_answer_keeps_stepping_when_the_run_was_stepped() -> None:
    debug = session()
    debug.debugger.pause()
    debug.start()
    first = await awaited(debug.next_stop())
    assert first is not None and (first.state, first.moment) == ("Price", "enter")
    debug.debugger.step()
    asked = await awaited(debug.next_stop())
    assert asked is not None and asked.reason == "needs_task_result"
    debug.debugger.give_task_result({"Payload": {"total": 12}})
    debug.debugger.go_on()
    after = await awaited(debug.next_stop())
    assert after is not None and after.reason == "step"  # not run to the end
    assert (after.state, after.moment) == ("Price", "result")
    debug.debugger.go_on()  # stepping still
    following = await awaited(debug.next_stop())
    assert following is not None and following.reason == "step"
    debug.debugger.continue_()
    while await awaited(debug.next_stop()) is not None:
        debug.debugger.continue_()
    result = await debug.wait()
    assert result is not None and result.output == {"sku": "mug", "price": {"total": 12}}
