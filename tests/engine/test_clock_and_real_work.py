"""The virtual clock and real work: a handler or an AWS call that takes real time must not let
virtual time leap to a Task's or the execution's TimeoutSeconds meanwhile.

The Task state page (docs.aws.amazon.com/step-functions/latest/dg/state-task.html,
TimeoutSeconds): "If the task runs longer than the specified seconds, this state fails with a
States.Timeout error name." A call that answers in 50 ms has not run for 5 seconds.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskInvocation

START = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:lookup"


class NetworkCall:
    """Answers after some real time (as an HTTP call does), then after some virtual time."""

    def __init__(self, real_seconds: float, virtual_seconds: float = 0) -> None:
        self.real_seconds = real_seconds
        self.virtual_seconds = virtual_seconds

    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        await asyncio.sleep(self.real_seconds)
        if self.virtual_seconds:
            await invocation.clock.sleep(self.virtual_seconds)
        return {"found": True}


async def run(definition: dict, service: NetworkCall) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        {},
        clock=VirtualClock(START),
        resolvers=ResolverChain([service]),
    )
    return execution, await execution.run()


async def test_real_time_spent_in_a_call_does_not_count_against_task_timeout() -> None:
    definition = {
        "StartAt": "Lookup",
        "States": {
            "Lookup": {"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 5, "End": True}
        },
    }
    execution, result = await run(definition, NetworkCall(real_seconds=0.05))

    assert result.status == "SUCCEEDED"
    assert result.output == {"found": True}
    assert execution.history.events[-1]["timestamp"] == START


async def test_real_time_spent_in_a_call_does_not_count_against_the_execution_timeout() -> None:
    definition = {
        "TimeoutSeconds": 5,
        "StartAt": "Lookup",
        "States": {"Lookup": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    _, result = await run(definition, NetworkCall(real_seconds=0.05))

    assert result.status == "SUCCEEDED"


async def test_virtual_time_a_call_spends_still_counts_against_its_timeout() -> None:
    definition = {
        "StartAt": "Lookup",
        "States": {
            "Lookup": {"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 5, "End": True}
        },
    }
    execution, result = await run(definition, NetworkCall(real_seconds=0.01, virtual_seconds=60))

    assert (result.status, result.error) == ("FAILED", "States.Timeout")
    timed_out = next(e for e in execution.history.events if e["type"] == "LambdaFunctionTimedOut")
    assert timed_out["timestamp"] == START + timedelta(seconds=5)
