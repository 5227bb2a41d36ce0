"""`.waitForTaskToken` tasks: the call returns at once, the state waits for the token."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import Clock, RealClock, VirtualClock
from sfntui.engine.interpreter import LocalExecution
from sfntui.engine.mock_config import MockConfig
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import ResolverChain, Resource, TaskInvocation
from tests.deadline import awaited

APPROVAL = {
    "StartAt": "AskForApproval",
    "States": {
        "AskForApproval": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"},
            },
            "ResultPath": "$.approval",
            "Next": "Ship",
        },
        "Ship": {"Type": "Pass", "End": True},
    },
}


class Queue:
    """Sends the message and returns at once, as SQS does."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        self.messages.append(invocation.parameters.get("MessageBody"))
        return {"MessageId": "m-1"}


def start(clock: Clock, definition: dict = APPROVAL) -> tuple[LocalExecution, Queue, asyncio.Task]:
    queue = Queue()
    execution = LocalExecution(
        parse_state_machine(definition),
        {"order": 42},
        clock=clock,
        resolvers=ResolverChain([queue]),
    )
    return execution, queue, asyncio.ensure_future(execution.run())


async def until_submitted(execution: LocalExecution) -> None:
    for _ in range(1_000):
        if any(e["type"] == "TaskSubmitted" for e in execution.history.events):
            return
        await asyncio.sleep(0)
    raise AssertionError("the task was never submitted")


def types(execution: LocalExecution) -> list[str]:
    return [e["type"] for e in execution.history.events]


@pytest.mark.parametrize("clock", [RealClock(), VirtualClock()], ids=["real", "virtual"])
async def test_the_task_waits_until_send_task_success(clock: Clock) -> None:
    execution, queue, running = start(clock)
    await until_submitted(execution)
    # someone takes a moment to look at the message before answering
    await asyncio.sleep(0.02)

    assert not running.done()
    assert len(execution.waiting_tokens) == 1
    token = execution.waiting_tokens[0]
    assert queue.messages == [{"order": 42, "token": token}]

    execution.send_task_success(token, {"approved": True, "by": "ops"})
    result = await awaited(running)

    assert result.status == "SUCCEEDED"
    assert result.output == {"order": 42, "approval": {"approved": True, "by": "ops"}}
    assert types(execution) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    submitted = next(e for e in execution.history.events if e["type"] == "TaskSubmitted")
    assert json.loads(submitted["taskSubmittedEventDetails"]["output"]) == {"MessageId": "m-1"}
    assert execution.waiting_tokens == []


async def test_send_task_failure_fails_the_task_with_that_error() -> None:
    execution, _, running = start(RealClock())
    await until_submitted(execution)
    token = execution.waiting_tokens[0]

    execution.send_task_failure(token, "Approval.Rejected", "not in stock")
    result = await awaited(running)

    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Approval.Rejected",
        "not in stock",
    )
    failed = next(e for e in execution.history.events if e["type"] == "TaskFailed")
    assert failed["taskFailedEventDetails"]["error"] == "Approval.Rejected"
    assert failed["taskFailedEventDetails"]["cause"] == "not in stock"
    assert types(execution)[-2:] == ["TaskFailed", "ExecutionFailed"]


async def test_a_failure_sent_with_the_token_can_be_caught() -> None:
    definition = json.loads(json.dumps(APPROVAL))
    definition["States"]["AskForApproval"]["Catch"] = [
        {"ErrorEquals": ["Approval.Rejected"], "ResultPath": "$.rejected", "Next": "Ship"}
    ]
    execution, _, running = start(RealClock(), definition)
    await until_submitted(execution)

    execution.send_task_failure(execution.waiting_tokens[0], "Approval.Rejected", "too big")
    result = await awaited(running)

    assert result.status == "SUCCEEDED"
    assert result.output == {
        "order": 42,
        "rejected": {"Error": "Approval.Rejected", "Cause": "too big"},
    }


async def test_a_token_cannot_be_used_twice_or_made_up() -> None:
    execution, _, running = start(RealClock())
    await until_submitted(execution)
    token = execution.waiting_tokens[0]
    execution.send_task_success(token, "yes")
    await awaited(running)

    with pytest.raises(KeyError):
        execution.send_task_success(token, "again")
    with pytest.raises(KeyError):
        execution.send_task_failure("not-a-token", "E")


async def test_a_token_no_answer_came_for_times_out_and_is_no_longer_waiting() -> None:
    definition = json.loads(json.dumps(APPROVAL))
    definition["States"]["AskForApproval"]["TimeoutSeconds"] = 3600
    execution, _, running = start(VirtualClock(), definition)

    result = await awaited(running)

    assert result.error == "States.Timeout"
    assert "TaskTimedOut" in types(execution)
    assert execution.waiting_tokens == []


async def test_a_mock_answers_the_callback_itself(tmp_path: Path) -> None:
    mock_file = tmp_path / "MockConfigFile.json"
    mock_file.write_text(
        json.dumps(
            {
                "StateMachines": {
                    "Approval": {"TestCases": {"Approved": {"AskForApproval": "Yes"}}}
                },
                "MockedResponses": {"Yes": {"0": {"Return": {"approved": True}}}},
            }
        )
    )
    setup = RunSetup(
        mock_config=MockConfig.load(mock_file),
        machine_name="Approval",
        test_case="Approved",
        virtual_clock=True,
    )
    execution = prepare(parse_state_machine(APPROVAL), {"order": 7}, setup)

    result = await awaited(execution.run())

    assert result.status == "SUCCEEDED"
    assert result.output == {"order": 7, "approval": {"approved": True}}
    assert "TaskSubmitted" in types(execution)


async def test_no_token_is_left_waiting_after_a_sync_job_finishes() -> None:
    definition = {
        "StartAt": "Job",
        "States": {
            "Job": {
                "Type": "Task",
                "Resource": "arn:aws:states:::glue:startJobRun.sync",
                "Parameters": {"JobName": "nightly"},
                "End": True,
            }
        },
    }
    execution, _, running = start(VirtualClock(), definition)

    result = await awaited(running)

    assert result.status == "SUCCEEDED"
    assert execution.waiting_tokens == []
