"""HeartbeatSeconds on a task that waits for its token: beats keep it alive, silence ends it."""

from __future__ import annotations

import asyncio
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskInvocation

DEFINITION = {
    "StartAt": "Approve",
    "States": {
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "HeartbeatSeconds": 10,
            "TimeoutSeconds": 100,
            "End": True,
        }
    },
}


class SendsMessage:
    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        return {"MessageId": "m-1"}


def execution() -> tuple[LocalExecution, VirtualClock]:
    clock = VirtualClock()
    run = LocalExecution(
        parse_state_machine(DEFINITION), {}, clock=clock, resolvers=ResolverChain([SendsMessage()])
    )
    return run, clock


async def test_heartbeats_keep_a_waiting_task_alive_until_its_token_answers() -> None:
    run, clock = execution()
    started = clock.now()
    task = asyncio.ensure_future(run.run())
    for wait in (5, 7, 6):  # beats at 5 s and 12 s; the answer at 18 s, past one window
        await clock.sleep(wait)
        (token,) = run.waiting_tokens
        if wait == 6:
            run.send_task_success(token, {"approved": True})
        else:
            run.send_task_heartbeat(token)
    result = await task
    assert result.status == "SUCCEEDED"
    assert result.output == {"approved": True}
    assert (clock.now() - started).total_seconds() == 18


async def test_silence_past_heartbeat_seconds_times_the_task_out() -> None:
    run, clock = execution()
    started = clock.now()
    result = await run.run()
    assert (result.status, result.error) == ("FAILED", "States.HeartbeatTimeout")
    assert (clock.now() - started).total_seconds() == 10
    types = [e["type"] for e in run.history.events]
    assert types[-3:] == ["TaskSubmitted", "TaskTimedOut", "ExecutionFailed"]
