"""AWS's quotas hold locally: 256 KiB payloads, 25,000 history events, execution timeouts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution, RunOptions
from sfntui.engine.recorder import MAX_EVENTS

START = datetime(2024, 2, 1, tzinfo=UTC)
KIB = 1024


async def run(
    definition: dict, execution_input: Any = None, options: RunOptions | None = None
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(START),
        options=options,
    )
    return execution, await execution.run()


def types(execution: LocalExecution) -> list[str]:
    return [e["type"] for e in execution.history.events]


# -- the 256 KiB payload quota ------------------------------------------------------------


async def test_a_state_output_over_256_kib_fails_with_data_limit_exceeded() -> None:
    definition = {
        "StartAt": "Blow",
        "States": {"Blow": {"Type": "Pass", "Result": {"blob": "a" * (257 * KIB)}, "End": True}},
    }
    execution, result = await run(definition, {})

    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"
    assert result.cause == (
        "The state/task 'Blow' returned a result with a size exceeding the maximum number "
        "of bytes service limit."
    )
    assert types(execution) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    assert execution.history.events[-1]["executionFailedEventDetails"]["error"] == (
        "States.DataLimitExceeded"
    )


async def test_the_quota_counts_utf8_bytes_not_characters() -> None:
    # 100,000 characters, but 300,000 bytes in UTF-8: over the quota
    definition = {
        "StartAt": "Copy",
        "States": {"Copy": {"Type": "Pass", "Parameters": {"text": "€" * 100_000}, "End": True}},
    }
    _, result = await run(definition, {})

    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"


async def test_an_output_just_under_the_quota_passes() -> None:
    definition = {
        "StartAt": "Fit",
        "States": {"Fit": {"Type": "Pass", "Result": "b" * (255 * KIB), "End": True}},
    }
    _, result = await run(definition, {})

    assert result.status == "SUCCEEDED"
    assert len(result.output) == 255 * KIB


# -- the 25,000-event history quota ------------------------------------------------------

LOOP = {
    "StartAt": "Tick",
    "States": {
        "Tick": {"Type": "Pass", "Next": "Again?"},
        "Again?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "Done"}],
            "Default": "Tick",
        },
        "Done": {"Type": "Succeed"},
    },
}


@pytest.mark.parametrize("limit", [40, 41])
async def test_a_loop_that_outgrows_the_history_fails_with_execution_failed_as_last_event(
    limit: int,
) -> None:
    execution, result = await run(LOOP, {}, RunOptions(history_limit=limit))
    events = execution.history.events

    assert result.status == "FAILED"
    # AWS: when event 25,000 would not be ExecutionSucceeded, ExecutionFailed is that event
    assert len(events) == limit
    assert events[-1]["type"] == "ExecutionFailed"
    assert events[-1]["id"] == limit


async def test_a_run_whose_last_allowed_event_is_execution_succeeded_succeeds() -> None:
    chain = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}},
    }
    # ExecutionStarted, 2 x (Entered, Exited), ExecutionSucceeded: 6 events
    execution, result = await run(chain, {"x": 1}, RunOptions(history_limit=6))

    assert result.status == "SUCCEEDED"
    assert types(execution)[-1] == "ExecutionSucceeded"


async def test_a_run_one_event_over_ends_failed_not_with_an_exception() -> None:
    chain = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}},
    }
    execution, result = await run(chain, {"x": 1}, RunOptions(history_limit=5))

    assert result.status == "FAILED"
    assert types(execution) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "PassStateEntered",
        "ExecutionFailed",
    ]


async def test_the_real_limit_of_25000_events_stops_an_endless_loop() -> None:
    started = time.perf_counter()
    execution, result = await run(LOOP, {})

    assert MAX_EVENTS == 25_000
    assert result.status == "FAILED"
    assert len(execution.history.events) == 25_000
    assert execution.history.events[-1]["type"] == "ExecutionFailed"
    assert time.perf_counter() - started < 5


# -- the execution's TimeoutSeconds ------------------------------------------------------


async def test_an_execution_over_its_timeout_seconds_times_out_at_that_time() -> None:
    definition = {
        "TimeoutSeconds": 90,
        "StartAt": "Nap",
        "States": {
            "Nap": {"Type": "Wait", "Seconds": 60, "Next": "Sleep"},
            "Sleep": {"Type": "Wait", "Seconds": 3600, "End": True},
        },
    }
    started = time.perf_counter()
    execution, result = await run(definition, {})

    assert result.status == "TIMED_OUT"
    assert result.output is None
    assert types(execution) == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "WaitStateEntered",
        "ExecutionTimedOut",
    ]
    assert execution.history.events[-1]["timestamp"] == START + timedelta(seconds=90)
    assert time.perf_counter() - started < 1


async def test_an_execution_within_its_timeout_succeeds() -> None:
    definition = {
        "TimeoutSeconds": 90,
        "StartAt": "Nap",
        "States": {"Nap": {"Type": "Wait", "Seconds": 89, "End": True}},
    }
    execution, result = await run(definition, {"ok": True})

    assert result.status == "SUCCEEDED"
    assert result.output == {"ok": True}
    assert execution.history.events[-1]["timestamp"] == START + timedelta(seconds=89)
