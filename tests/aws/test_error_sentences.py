"""The error paths: every throttle Step Functions answers slows down, refusals
name the permission of the service that refused, and nothing but the sentence reaches stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sfntui.aws import AwsError, AwsSession, ConnectionOptions, StepFunctions

from .endpoints import FakeEndpoint, Reply, error

REGION = "us-east-1"
UNUSED = "http://127.0.0.1:9"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"
HISTORY: Reply = (
    200,
    {"events": [{"id": 1, "previousEventId": 0, "timestamp": 1.7e9, "type": "ExecutionStarted"}]},
)


def quick_options(url: str) -> ConnectionOptions:
    return ConnectionOptions(endpoint_url=url, region=REGION, throttle_delay=0.02)


async def test_a_kms_throttle_slows_down_like_any_other() -> None:
    # GetExecutionHistory (and DescribeExecution, ...) of a machine encrypted with a customer
    # managed key answers KmsThrottlingException when KMS throttles Step Functions' calls.
    handlers = {"GetExecutionHistory": _kms_throttle_then(2, HISTORY)}
    with FakeEndpoint(handlers) as fake:
        async with AwsSession(quick_options(fake.url)) as session:
            events = await StepFunctions(session).get_history(EXECUTION)
            throttles = session.budget.throttles.get("GetExecutionHistory", 0)

    assert [e["type"] for e in events] == ["ExecutionStarted"]
    assert throttles == 2


def _kms_throttle_then(times: int, reply: Reply) -> Any:
    left = [times]

    def handle(body: dict[str, Any]) -> Reply:
        if left[0] > 0:
            left[0] -= 1
            return error("KmsThrottlingException", "KMS is throttling")
        return reply

    return handle


async def test_a_kms_key_that_refuses_says_so() -> None:
    refusing = {"GetExecutionHistory": lambda body: error("KmsAccessDeniedException", "denied")}
    with FakeEndpoint(refusing) as fake, pytest.raises(AwsError) as raised:
        async with AwsSession(quick_options(fake.url)) as session:
            await StepFunctions(session).get_history(EXECUTION)

    assert "KMS key" in raised.value.message
    assert "kms:Decrypt" in raised.value.message
    assert "\n" not in raised.value.message


async def test_access_denied_to_the_logs_names_the_logs_permission() -> None:
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:fast"
    express_run = "arn:aws:states:us-east-1:123456789012:express:fast:run-1:abc"
    group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/fast:*"
    described = {
        "stateMachineArn": machine,
        "name": "fast",
        "definition": "{}",
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "type": "EXPRESS",
        "creationDate": 1.7e9,
        "loggingConfiguration": {
            "level": "ALL",
            "includeExecutionData": True,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}],
        },
    }
    handlers = {
        "DescribeStateMachine": lambda body: (200, described),
        "FilterLogEvents": lambda body: error("AccessDeniedException", "not authorized"),
    }
    with FakeEndpoint(handlers) as fake, pytest.raises(AwsError) as raised:
        async with AwsSession(quick_options(fake.url)) as session:
            await StepFunctions(session).get_history(express_run)

    assert "logs:FilterLogEvents" in raised.value.message
    assert "states:FilterLogEvents" not in raised.value.message


async def test_a_request_refused_as_too_old_points_at_the_clock() -> None:
    too_old = "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z"
    handlers = {"GetExecutionHistory": lambda body: error("InvalidSignatureException", too_old)}
    with FakeEndpoint(handlers) as fake, pytest.raises(AwsError) as raised:
        async with AwsSession(quick_options(fake.url)) as session:
            await StepFunctions(session).get_history(EXECUTION)

    assert "clock" in raised.value.message
    assert "rejected your credentials" not in raised.value.message


def test_an_sso_session_that_is_missing_is_one_line_on_stderr(tmp_path: Path) -> None:
    # aiobotocore logs a WARNING with the traceback when an SSO token cannot be refreshed;
    # with no logging set up, Python prints it to stderr (and over the TUI's screen).
    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\n"
        "sso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = Admin\n"
        "region = us-east-1\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") or key == "AWS_EC2_METADATA_DISABLED"
    }
    environment.update(
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
    )
    done = subprocess.run(
        # the endpoint is never reached: the credentials fail first
        [sys.executable, "-m", "sfntui", "ls", "--profile", "dev", "--endpoint-url", UNUSED],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "sfntui: Your AWS SSO session has expired or is missing: run `aws sso login --profile dev`."
    ]
