"""A failing branch or iteration stops the others, as AWS stops them, and nothing of a run
goes on writing history after the run's last event.

AWS's Parallel state page (docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html,
"Parallel State Error Handling"): "If any branch fails, because of an unhandled error or by
transitioning to a Fail state, the entire Parallel state is considered to have failed and all
its branches are stopped." The Map state stops its iterations the same way. The history event
types for what was stopped are in the API reference (API_HistoryEvent.html): TaskStateAborted,
WaitStateAborted, ParallelStateAborted, MapStateAborted and MapIterationAborted.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.debugger import DebugSession
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.runner import RunSetup, prepare
from tests.deadline import awaited

START = datetime(2024, 3, 1, tzinfo=UTC)


async def run(
    definition: dict, execution_input: Any = None
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition), execution_input, clock=VirtualClock(START)
    )
    return execution, await execution.run()


def types(execution: LocalExecution) -> list[str]:
    return [e["type"] for e in execution.history.events]


def wait_then(seconds: int, then: dict) -> dict:
    return {
        "StartAt": "Wait",
        "States": {"Wait": {"Type": "Wait", "Seconds": seconds, "Next": "Then"}, "Then": then},
    }


FAIL = {"Type": "Fail", "Error": "Broken", "Cause": "branch 0 gave up"}
DONE = {"Type": "Pass", "End": True}


async def test_a_failing_branch_aborts_the_wait_running_in_the_other_branch() -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "End": True,
                "Branches": [wait_then(1, FAIL), wait_then(60, DONE)],
            }
        },
    }
    execution, result = await run(definition, {})

    assert (result.status, result.error) == ("FAILED", "Broken")
    seen = types(execution)
    # Branch 1 was in its 60-second Wait when branch 0 failed: it is stopped, not finished.
    assert seen.count("WaitStateAborted") == 1
    assert seen.count("WaitStateExited") == 1  # branch 0's own Wait only
    assert seen.index("WaitStateAborted") < seen.index("ParallelStateFailed")
    assert seen[-2:] == ["ParallelStateFailed", "ExecutionFailed"]
    # ...and stopped at once: the run ends 1 second in, not 60.
    assert execution.history.events[-1]["timestamp"] == START.replace(second=1)


async def test_a_nested_parallel_in_the_stopped_branch_is_aborted_too() -> None:
    inner = {
        "StartAt": "Inner",
        "States": {
            "Inner": {
                "Type": "Parallel",
                "End": True,
                "Branches": [wait_then(60, DONE)],
            }
        },
    }
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Parallel", "End": True, "Branches": [wait_then(1, FAIL), inner]}
        },
    }
    execution, result = await run(definition, {})

    assert result.status == "FAILED"
    seen = types(execution)
    assert seen.count("WaitStateAborted") == 1
    assert seen.count("ParallelStateAborted") == 1
    assert seen.index("WaitStateAborted") < seen.index("ParallelStateAborted")
    assert seen.index("ParallelStateAborted") < seen.index("ParallelStateFailed")


async def test_a_failing_iteration_aborts_the_iterations_still_running() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {
                    "StartAt": "Pick",
                    "States": {
                        "Pick": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Give up"}],
                            "Default": "Wait",
                        },
                        "Give up": FAIL,
                        "Wait": {"Type": "Wait", "Seconds": 60, "End": True},
                    },
                },
            }
        },
    }
    execution, result = await run(definition, [0, 1, 2])

    assert (result.status, result.error) == ("FAILED", "Broken")
    events = execution.history.events
    aborted = [
        e["mapIterationAbortedEventDetails"] for e in events if e["type"] == "MapIterationAborted"
    ]
    assert aborted == [{"name": "Each", "index": 1}, {"name": "Each", "index": 2}]
    seen = types(execution)
    assert seen.count("WaitStateAborted") == 2
    assert "MapIterationSucceeded" not in seen
    assert seen[-2:] == ["MapStateFailed", "ExecutionFailed"]


async def test_stopping_a_run_stops_every_branch_before_the_run_ends() -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "End": True,
                "Branches": [wait_then(1, DONE), wait_then(2, DONE)],
            }
        },
    }
    machine = parse_state_machine(definition)
    setup = RunSetup(virtual_clock=True)
    session = DebugSession(lambda debugger: prepare(machine, {}, setup, debugger=debugger))
    session.debugger.add_breakpoint("Then", "enter", branch=0)
    session.start()
    stop = await awaited(session.next_stop())
    assert stop is not None and stop.path == "Fan[0]"
    session.debugger.stop()
    result = await awaited(session.wait())
    # Give a branch left running every chance to write more history: an idle event loop
    # lets the virtual clock reach the end of branch 1's Wait.
    await asyncio.sleep(0.1)

    assert result is not None and result.status == "ABORTED"
    assert session.execution is not None
    seen = types(session.execution)
    assert seen[-1] == "ExecutionAborted"
    assert seen.count("WaitStateExited") == 1  # branch 1 never leaves its Wait
