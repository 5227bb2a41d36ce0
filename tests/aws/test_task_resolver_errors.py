"""Error names and causes of the real AWS call, checked against what AWS recorded (the
conformance corpus in ../shared/conformance/):

- an aws-sdk error the service's model does not declare takes the service's generic name:
  `DynamoDb.DynamoDbException` for DynamoDB's ValidationException, and
  `SecretsManager.SecretsManagerException` likewise (test_aws_sdk__*_dynamodb_invalid_param,
  *_invalid_secret_name);
- `lambda:invoke` reports Lambda's errors in the Java SDK v1 form: `(Service: AWSLambda;
  Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ...; Proxy: null)`
  (test_task_service_lambda__*_no_such_function_catch), with `Lambda.AWSLambdaException` and
  `Lambda.SdkClientException` for the undeclared and the client-side failures (the developer
  guide's "Handle Lambda service exceptions").
"""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.session import get_session

from sfntui.aws import ConnectionOptions
from sfntui.aws.task_resolver import AwsTaskResolver, TaskCallFailed, _service_failure
from sfntui.engine.clock import VirtualClock
from sfntui.engine.tasks import TaskInvocation, read_resource

from .conftest import REGION, Moto, unique


@pytest.fixture
async def resolver(moto: Moto) -> Any:
    options = ConnectionOptions(endpoint_url=moto.url, region=REGION)
    async with AwsTaskResolver(options=options) as found:
        yield found


def invocation(resource: str, parameters: Any) -> TaskInvocation:
    return TaskInvocation("Call", read_resource(resource), parameters, 0, 0, VirtualClock())


async def test_an_error_the_model_does_not_declare_takes_the_generic_name(
    moto: Moto, resolver: AwsTaskResolver
) -> None:
    table = unique("orders")
    moto.client("dynamodb").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    put = "arn:aws:states:::aws-sdk:dynamodb:putItem"

    with pytest.raises(TaskCallFailed) as raised:
        await resolver.invoke(invocation(put, {"TableName": table, "Item": {"x": {"S": "1"}}}))

    assert raised.value.error == "DynamoDb.DynamoDbException"
    assert re.fullmatch(
        r".+ \(Service: DynamoDb, Status Code: 400, Request ID: [^)]+\)", raised.value.cause or ""
    )


async def test_lambda_invoke_errors_read_as_aws_records_them(resolver: AwsTaskResolver) -> None:
    with pytest.raises(TaskCallFailed) as raised:
        await resolver.invoke(
            invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "nothing", "Payload": {}})
        )

    assert raised.value.error == "Lambda.ResourceNotFoundException"
    assert re.fullmatch(
        r".+ \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; "
        r"Request ID: [^;]*; Proxy: null\)",
        raised.value.cause or "",
    ), raised.value.cause


async def test_lambda_unreachable_is_an_sdk_client_exception() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = ConnectionOptions(endpoint_url=f"http://127.0.0.1:{port}", region=REGION)

    async with AwsTaskResolver(options=options) as resolver:
        with pytest.raises(TaskCallFailed) as raised:
            await resolver.invoke(
                invocation("arn:aws:states:::lambda:invoke", {"FunctionName": "f", "Payload": {}})
            )

    assert raised.value.error == "Lambda.SdkClientException"
    assert "Could not connect" in (raised.value.cause or "")


def test_an_s3_cause_carries_the_extended_request_id() -> None:
    # S3's recordings end the cause with the x-amz-id-2 header botocore reads as HostId
    # (test_aws_sdk__*_s3_no_such_key); moto's server sends none, so the answer is built here.
    answer: Any = {
        "Error": {"Code": "NoSuchKey", "Message": "The specified key does not exist."},
        "ResponseMetadata": {"HTTPStatusCode": 404, "RequestId": "R1", "HostId": "H1"},
    }
    failure = _service_failure(
        ClientError(answer, "GetObject"), get_session().get_service_model("s3")
    )

    assert failure.error == "S3.NoSuchKeyException"
    assert failure.cause == (
        "The specified key does not exist. "
        "(Service: S3, Status Code: 404, Request ID: R1, Extended Request ID: H1)"
    )
