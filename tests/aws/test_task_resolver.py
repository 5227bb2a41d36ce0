"""The opt-in real AWS call for Task states, against moto: results and error names as
Step Functions gives them."""

from __future__ import annotations

from typing import Any

import pytest

from sfntui.asl.definition import build_state_machine
from sfntui.aws import AwsSession, ConnectionOptions
from sfntui.aws.task_resolver import (
    AwsTaskResolver,
    TaskCallFailed,
    sdk_error_name,
    service_error_prefix,
)
from sfntui.engine.clock import VirtualClock
from sfntui.engine.runner import RunSetup, run_local
from sfntui.engine.tasks import TaskInvocation, read_resource

from .conftest import PASS_DEFINITION, REGION, Moto, unique


@pytest.fixture
async def resolver(moto: Moto) -> Any:
    options = ConnectionOptions(endpoint_url=moto.url, region=REGION)
    async with AwsTaskResolver(options=options) as found:
        yield found


def invocation(resource: str, parameters: Any) -> TaskInvocation:
    return TaskInvocation("Call", read_resource(resource), parameters, 0, 0, VirtualClock())


def test_it_answers_only_request_response_calls_it_can_make() -> None:
    resolver = AwsTaskResolver(AwsSession(ConnectionOptions(region=REGION)))

    def handles(arn: str) -> bool:
        return resolver.handles("S", read_resource(arn))

    assert handles("arn:aws:states:::lambda:invoke")
    assert handles("arn:aws:lambda:us-east-1:123456789012:function:charge")
    assert handles("arn:aws:states:::aws-sdk:s3:getObject")
    assert not handles("arn:aws:states:::lambda:invoke.waitForTaskToken")
    assert not handles("arn:aws:states:::states:startExecution.sync:2")
    assert not handles("arn:aws:states:us-east-1:123456789012:activity:review")


def test_service_error_names_follow_step_functions() -> None:
    assert service_error_prefix("DynamoDB") == "DynamoDb"
    assert service_error_prefix("ACM PCA") == "AcmPca"
    assert service_error_prefix("SFN") == "Sfn"
    assert service_error_prefix("CloudWatch Logs") == "CloudWatchLogs"
    assert sdk_error_name("S3", "NoSuchKey") == "S3.NoSuchKeyException"
    assert sdk_error_name("Lambda", "ResourceNotFoundException") == (
        "Lambda.ResourceNotFoundException"
    )


async def test_sdk_calls_take_pascal_case_and_answer_in_it(
    moto: Moto, resolver: AwsTaskResolver
) -> None:
    bucket = unique("bucket")
    moto.client("s3").create_bucket(Bucket=bucket)

    await resolver.invoke(
        invocation(
            "arn:aws:states:::aws-sdk:s3:putObject",
            {"Bucket": bucket, "Key": "order.json", "Body": '{"id": 7}'},
        )
    )
    got = await resolver.invoke(
        invocation("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "order.json"})
    )
    machine = moto.create_machine(PASS_DEFINITION)
    describe = "arn:aws:states:::aws-sdk:sfn:describeStateMachine"
    described = await resolver.invoke(invocation(describe, {"StateMachineArn": machine}))

    assert got["Body"] == '{"id": 7}'
    assert got["ContentLength"] == 9
    assert described["StateMachineArn"] == machine  # camelCase API, PascalCase answer
    assert isinstance(described["CreationDate"], str)


async def test_a_service_error_is_named_as_step_functions_names_it(
    moto: Moto, resolver: AwsTaskResolver
) -> None:
    bucket = unique("bucket")
    moto.client("s3").create_bucket(Bucket=bucket)

    with pytest.raises(TaskCallFailed) as missing_key:
        await resolver.invoke(
            invocation("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": bucket, "Key": "none"})
        )
    with pytest.raises(TaskCallFailed) as missing_function:
        await resolver.invoke(
            invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "nothing", "Payload": {}})
        )

    assert missing_key.value.error == "S3.NoSuchKeyException"
    assert "(Service: S3, Status Code: 404" in (missing_key.value.cause or "")
    assert missing_function.value.error == "Lambda.ResourceNotFoundException"


async def test_a_local_run_makes_the_real_calls(moto: Moto, resolver: AwsTaskResolver) -> None:
    bucket = unique("bucket")
    moto.client("s3").create_bucket(Bucket=bucket)
    definition = {
        "StartAt": "Save",
        "States": {
            "Save": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                "Parameters": {"Bucket": bucket, "Key": "a.txt", "Body.$": "$.text"},
                "ResultPath": None,
                "Next": "Load",
            },
            "Load": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": bucket, "Key": "missing.txt"},
                "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "Next": "Missing"}],
                "End": True,
            },
            "Missing": {"Type": "Pass", "Result": "no such key", "End": True},
        },
    }
    machine, _ = build_state_machine(definition)

    _, result = await run_local(
        machine, {"text": "hello"}, RunSetup(extra_resolvers=[resolver], virtual_clock=True)
    )

    stored = moto.client("s3").get_object(Bucket=bucket, Key="a.txt")["Body"].read()
    assert (result.status, result.output) == ("SUCCEEDED", "no such key")
    assert stored == b"hello"
