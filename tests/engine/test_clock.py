"""The virtual clock: Waits, back-offs and timeouts cost no real time, yet the history's
timestamps move as they would on AWS."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import RealClock, VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskFailure, TaskInvocation

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


class SlowService:
    """Answers every Task after `seconds` on the execution's clock, or fails `failures` times."""

    def __init__(self, seconds: float = 0, failures: int = 0, error: str = "Service.Busy") -> None:
        self.seconds = seconds
        self.failures = failures
        self.error = error
        self.calls_at: list[datetime] = []

    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        self.calls_at.append(invocation.clock.now())
        if len(self.calls_at) <= self.failures:
            raise TaskFailure(self.error, "try later")
        await invocation.clock.sleep(self.seconds)
        return {"answeredAfter": self.seconds}


async def run(
    definition: dict, execution_input: Any = None, service: SlowService | None = None
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(START),
        resolvers=ResolverChain([service] if service else []),
    )
    return execution, await execution.run()


def at(execution: LocalExecution, event_type: str, index: int = 0) -> datetime:
    return [e["timestamp"] for e in execution.history.events if e["type"] == event_type][index]


async def test_a_wait_of_a_day_takes_no_real_time_but_a_day_of_history() -> None:
    definition = {
        "StartAt": "Sleep",
        "States": {"Sleep": {"Type": "Wait", "Seconds": 86_400, "End": True}},
    }
    started = time.perf_counter()
    execution, result = await run(definition, {"n": 1})
    elapsed = time.perf_counter() - started

    assert result.status == "SUCCEEDED"
    assert result.output == {"n": 1}
    assert elapsed < 1.0
    assert at(execution, "WaitStateEntered") == START
    assert at(execution, "WaitStateExited") == START + timedelta(days=1)
    assert at(execution, "ExecutionSucceeded") == START + timedelta(days=1)


async def test_a_wait_until_a_timestamp_ends_at_that_timestamp() -> None:
    definition = {
        "StartAt": "Until",
        "States": {"Until": {"Type": "Wait", "TimestampPath": "$.when", "End": True}},
    }
    execution, result = await run(definition, {"when": "2024-03-03T08:30:00Z"})

    assert result.status == "SUCCEEDED"
    assert at(execution, "WaitStateExited") == datetime(2024, 3, 3, 8, 30, tzinfo=UTC)


async def test_two_concurrent_sleeps_wake_in_time_order_at_their_own_times() -> None:
    clock = VirtualClock(START)
    woke: list[tuple[str, datetime]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    started = time.perf_counter()
    await asyncio.gather(sleeper("late", 3_600), sleeper("early", 120))

    assert woke == [
        ("early", START + timedelta(seconds=120)),
        ("late", START + timedelta(seconds=3_600)),
    ]
    assert time.perf_counter() - started < 1.0


async def test_parallel_waits_exit_in_time_order_and_the_state_ends_with_the_longest() -> None:
    definition = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {
                        "StartAt": "Long",
                        "States": {"Long": {"Type": "Wait", "Seconds": 600, "End": True}},
                    },
                    {
                        "StartAt": "Short",
                        "States": {"Short": {"Type": "Wait", "Seconds": 45, "End": True}},
                    },
                ],
            }
        },
    }
    execution, result = await run(definition, {})

    exits = [
        (e["stateExitedEventDetails"]["name"], e["timestamp"])
        for e in execution.history.events
        if e["type"] == "WaitStateExited"
    ]
    assert result.status == "SUCCEEDED"
    assert exits == [
        ("Short", START + timedelta(seconds=45)),
        ("Long", START + timedelta(seconds=600)),
    ]
    assert at(execution, "ParallelStateExited") == START + timedelta(seconds=600)
    stamps = [e["timestamp"] for e in execution.history.events]
    assert stamps == sorted(stamps)


async def test_a_task_slower_than_its_timeout_times_out_at_the_timeout() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "slow"},
                "TimeoutSeconds": 5,
                "End": True,
            }
        },
    }
    execution, result = await run(definition, {}, SlowService(seconds=60))

    assert result.status == "FAILED"
    assert result.error == "States.Timeout"
    timed_out = [e for e in execution.history.events if e["type"] == "TaskTimedOut"]
    assert len(timed_out) == 1
    assert timed_out[0]["timestamp"] == START + timedelta(seconds=5)
    assert timed_out[0]["taskTimedOutEventDetails"]["error"] == "States.Timeout"
    assert [e["type"] for e in execution.history.events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskTimedOut",
        "ExecutionFailed",
    ]
    assert execution.history.events[-1]["timestamp"] == START + timedelta(seconds=5)


async def test_a_task_faster_than_its_timeout_succeeds_when_it_answers() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:quick",
                "TimeoutSeconds": 5,
                "End": True,
            }
        },
    }
    execution, result = await run(definition, {}, SlowService(seconds=3))

    assert result.status == "SUCCEEDED"
    assert result.output == {"answeredAfter": 3}
    assert at(execution, "LambdaFunctionSucceeded") == START + timedelta(seconds=3)


async def test_a_lambda_that_times_out_writes_lambda_function_timed_out() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:slow",
                "TimeoutSeconds": 2,
                "End": True,
            }
        },
    }
    execution, result = await run(definition, {}, SlowService(seconds=30))

    assert result.error == "States.Timeout"
    assert at(execution, "LambdaFunctionTimedOut") == START + timedelta(seconds=2)


async def test_retry_back_off_appears_in_the_timestamps_of_each_attempt() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "flaky"},
                "Retry": [
                    {
                        "ErrorEquals": ["Service.Busy"],
                        "IntervalSeconds": 10,
                        "BackoffRate": 2,
                        "MaxAttempts": 3,
                    }
                ],
                "End": True,
            }
        },
    }
    service = SlowService(failures=3)
    started = time.perf_counter()
    execution, result = await run(definition, {}, service)

    assert result.status == "SUCCEEDED"
    # attempts at 0 s, then 10, 20 and 40 seconds after each failure
    assert service.calls_at == [START + timedelta(seconds=s) for s in (0, 10, 30, 70)]
    scheduled = [e["timestamp"] for e in execution.history.events if e["type"] == "TaskScheduled"]
    assert scheduled == service.calls_at
    assert time.perf_counter() - started < 1.0


async def test_advance_moves_time_forward_without_waking_sleepers_early() -> None:
    clock = VirtualClock(START)
    clock.advance(30)
    assert clock.now() == START + timedelta(seconds=30)
    await clock.sleep(0)
    assert clock.now() == START + timedelta(seconds=30)


async def test_the_real_clock_really_sleeps() -> None:
    clock = RealClock()
    before = clock.now()
    await clock.sleep(0.02)
    assert clock.now() - before >= timedelta(seconds=0.015)
    assert before.tzinfo is not None
