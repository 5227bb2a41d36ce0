"""A Task's result over AWS's payload quota, and the credentials a Task runs with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskInvocation

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:big"
KIB = 1024


class Returns:
    """Answers every Task with one value, and keeps the invocations it saw."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.seen: list[TaskInvocation] = []

    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        self.seen.append(invocation)
        return self.value


async def run(
    definition: dict, execution_input: Any, resolver: Returns
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 3, 1, tzinfo=UTC)),
        resolvers=ResolverChain([resolver]),
    )
    return execution, await execution.run()


def types(execution: LocalExecution) -> list[str]:
    return [e["type"] for e in execution.history.events]


# Error handling (docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
# States.DataLimitExceeded is reported when "the output of a connector is larger than payload
# size quota", and States.ALL does not catch it. A ResultSelector that would shrink the result
# comes too late: the task's own result is over the quota.
BIG = {"blob": "x" * (300 * KIB), "id": 7}


async def test_a_lambda_result_over_256_kib_fails_the_task() -> None:
    definition = {
        "StartAt": "Fetch",
        "States": {
            "Fetch": {
                "Type": "Task",
                "Resource": LAMBDA,
                "ResultSelector": {"id.$": "$.id"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    execution, result = await run(definition, {}, Returns(BIG))

    assert result.status == "FAILED"
    assert result.error == "States.DataLimitExceeded"
    assert result.cause == (
        f"The state/task '{LAMBDA}' returned a result with a size exceeding the maximum "
        "number of bytes service limit."
    )
    assert types(execution) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "ExecutionFailed",
    ]
    failed = execution.history.events[4]["lambdaFunctionFailedEventDetails"]
    assert failed["error"] == "States.DataLimitExceeded"


async def test_a_service_result_over_256_kib_fails_the_task_and_a_named_catch_takes_it() -> None:
    definition = {
        "StartAt": "Fetch",
        "States": {
            "Fetch": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": LAMBDA},
                "ResultSelector": {"id.$": "$.id"},
                "Catch": [{"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    execution, result = await run(definition, {}, Returns(BIG))

    assert result.status == "SUCCEEDED"
    assert result.output == {
        "Error": "States.DataLimitExceeded",
        "Cause": "The state/task 'lambda' returned a result with a size exceeding the maximum "
        "number of bytes service limit.",
    }
    assert "TaskSucceeded" not in types(execution)
    failed = next(e for e in execution.history.events if e["type"] == "TaskFailed")
    assert failed["taskFailedEventDetails"]["resourceType"] == "lambda"
    assert failed["taskFailedEventDetails"]["error"] == "States.DataLimitExceeded"


# The API reference: TaskScheduledEventDetails and LambdaFunctionScheduledEventDetails carry
# `taskCredentials` ({"roleArn": ...}), "the credentials that Step Functions uses for the
# task", from the state's Credentials field (docs.aws.amazon.com/step-functions/latest/dg/
# state-task.html#task-state-fields, "Credentials").


async def test_credentials_appear_on_the_scheduled_event_and_reach_the_resolver() -> None:
    role = "arn:aws:iam::111122223333:role/Cross"
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": "q", "MessageBody": "hi"},
                "Credentials": {"RoleArn.$": "$.role"},
                "Next": "Direct",
            },
            "Direct": {
                "Type": "Task",
                "Resource": LAMBDA,
                "Credentials": {"RoleArn": role},
                "End": True,
            },
        },
    }
    resolver = Returns({"ok": True})
    execution, result = await run(definition, {"role": role}, resolver)

    assert result.status == "SUCCEEDED"
    scheduled = next(e for e in execution.history.events if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["taskCredentials"] == {"roleArn": role}
    direct = next(e for e in execution.history.events if e["type"] == "LambdaFunctionScheduled")
    assert direct["lambdaFunctionScheduledEventDetails"]["taskCredentials"] == {"roleArn": role}
    assert [i.credentials for i in resolver.seen] == [{"RoleArn": role}, {"RoleArn": role}]


async def test_a_task_without_credentials_has_no_task_credentials_detail() -> None:
    definition = {
        "StartAt": "Direct",
        "States": {"Direct": {"Type": "Task", "Resource": LAMBDA, "End": True}},
    }
    execution, _ = await run(definition, {}, Returns({"ok": True}))

    scheduled = next(e for e in execution.history.events if e["type"] == "LambdaFunctionScheduled")
    assert "taskCredentials" not in scheduled["lambdaFunctionScheduledEventDetails"]


async def test_a_lambda_function_scheduled_event_has_no_heartbeat_field() -> None:
    # LambdaFunctionScheduledEventDetails (API reference) has resource, input, inputDetails,
    # taskCredentials and timeoutInSeconds: no heartbeatInSeconds, unlike TaskScheduled.
    definition = {
        "StartAt": "Direct",
        "States": {
            "Direct": {
                "Type": "Task",
                "Resource": LAMBDA,
                "TimeoutSeconds": 30,
                "HeartbeatSeconds": 10,
                "End": True,
            }
        },
    }
    execution, _ = await run(definition, {}, Returns({"ok": True}))

    scheduled = next(e for e in execution.history.events if e["type"] == "LambdaFunctionScheduled")
    details = scheduled["lambdaFunctionScheduledEventDetails"]
    assert details["timeoutInSeconds"] == 30
    assert "heartbeatInSeconds" not in details
