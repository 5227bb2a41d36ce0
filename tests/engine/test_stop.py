"""StopExecution on a local run: the history ends once, with the given error and cause."""

from __future__ import annotations

import asyncio

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import RealClock
from sfntui.engine.interpreter import LocalExecution

WAITS = parse_state_machine(
    {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}}
)


async def test_stop_aborts_a_running_execution_with_error_and_cause() -> None:
    execution = LocalExecution(WAITS, {}, clock=RealClock())
    task = asyncio.ensure_future(execution.run())
    await asyncio.sleep(0.01)

    assert execution.stop("Ops.Stop", "by hand")
    with pytest.raises(asyncio.CancelledError):
        await task

    types = [e["type"] for e in execution.history.events]
    assert types == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    assert execution.history.events[-1]["executionAbortedEventDetails"] == {
        "error": "Ops.Stop",
        "cause": "by hand",
    }
    assert execution.result is not None
    assert (execution.result.status, execution.result.error) == ("ABORTED", "Ops.Stop")


async def test_stop_after_the_end_does_nothing() -> None:
    execution = LocalExecution(
        parse_state_machine({"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}), {}
    )
    await execution.run()
    assert not execution.stop()
    assert execution.history.events[-1]["type"] == "ExecutionSucceeded"
