"""Express tails that see no ExecutionStarted: at log level ERROR or FATAL Step Functions logs
only failures, and CloudWatch Logs delivery is best effort, so a succeeded execution may leave
nothing at all in the log group. Its tail must still end (an Express execution runs five
minutes at most), not poll forever."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest

from sfntui.aws import AwsSession, ConnectionOptions, PollInterval, StepFunctions
from tests.deadline import awaited

from .conftest import REGION, Moto, unique
from .endpoints import FakeEndpoint, error

PASS = {"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", "End": True}}}


def express_machine_logging_errors(moto: Moto) -> str:
    group = f"/aws/vendedlogs/states/{unique('errors-only')}"
    moto.client("logs").create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:{REGION}:123456789012:log-group:{group}:*"
    return moto.create_machine(
        PASS,
        type="EXPRESS",
        loggingConfiguration={
            "level": "ERROR",
            "includeExecutionData": True,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}],
        },
    )


async def test_a_tail_of_an_express_run_that_logged_nothing_ends(
    moto: Moto, sfn: StepFunctions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # five minutes and a bit in production; a fraction of a second here
    monkeypatch.setattr("sfntui.aws.express.EXPRESS_MAX_DURATION", timedelta(seconds=0.4))
    machine = express_machine_logging_errors(moto)
    prefix = machine.rsplit(":stateMachine:", 1)[0]
    execution = f"{prefix}:express:{machine.rsplit(':', 1)[-1]}:{unique('run')}:{uuid.uuid4()}"
    tail = await sfn.tail(execution, interval=PollInterval(0.05, 0.1))

    async def follow() -> list[int]:
        return [event["id"] async for batch in tail.follow() for event in batch]

    followed = await awaited(follow())

    assert followed == []
    assert tail.status == "ENDED"


async def test_an_express_child_of_a_map_run_is_described_by_step_functions() -> None:
    # "Executions of an EXPRESS state machine aren't supported by DescribeExecution unless a
    # Map Run dispatched them" (API reference): a Map Run's children have no log group of
    # their own to be read from, and their ARN names the machine as `machine/MapLabel`, a
    # name no state machine can have ('/' is not allowed in one).
    child = "arn:aws:states:us-east-1:123456789012:express:orders/Each:child-1:0f1e2d3c"
    map_run = "arn:aws:states:us-east-1:123456789012:mapRun:orders/Each:4b5a6978"
    described = {
        "executionArn": child,
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders/Each",
        "name": "child-1",
        "status": "SUCCEEDED",
        "startDate": 1.7e9,
        "stopDate": 1.7e9 + 1,
        "output": '{"ok":true}',
        "mapRunArn": map_run,
    }
    handlers = {"DescribeExecution": lambda body: (200, described)}
    with FakeEndpoint(handlers) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION)
        async with AwsSession(options) as session:
            found = await StepFunctions(session).describe_execution(child)

    assert (found.status, found.output, found.map_run_arn) == ("SUCCEEDED", '{"ok":true}', map_run)
    assert [request.body for request in fake.requests] == [{"executionArn": child}]


async def test_odd_messages_in_the_log_group_are_skipped(moto: Moto) -> None:
    # A log group may hold other writers' JSON too (or Step Functions' own, cut short): the
    # listing and the history read skip what is not a history event instead of failing.
    group = f"/aws/vendedlogs/states/{unique('shared')}"
    moto.client("logs").create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:{REGION}:123456789012:log-group:{group}:*"
    machine = moto.create_machine(
        PASS,
        type="EXPRESS",
        loggingConfiguration={
            "level": "ALL",
            "includeExecutionData": True,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}],
        },
    )
    prefix = machine.rsplit(":stateMachine:", 1)[0]
    execution = f"{prefix}:express:{machine.rsplit(':', 1)[-1]}:{unique('run')}:{uuid.uuid4()}"
    now = int(time.time() * 1000)
    good = {
        "id": "1",
        "previous_event_id": "0",
        "type": "ExecutionStarted",
        "details": {"input": "{}"},
        "event_timestamp": str(now),
        "execution_arn": execution,
    }
    odd = [
        {"type": "ExecutionStarted", "id": "1", "execution_arn": None},
        {"type": "ExecutionStarted", "id": "1", "execution_arn": 7},
        {**good, "id": "2", "event_timestamp": "99999999999999999999"},
        {**good, "id": "3", "type": ["ExecutionSucceeded"]},
        {**good, "id": "4", "type": None},
        {**good, "id": float("inf")},
    ]
    stream = unique("stream")
    logs = moto.client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": now, "message": json.dumps(m)} for m in [good, *odd]],
    )
    unsupported = error("StateMachineTypeNotSupported", "This operation is not supported")
    proxy = FakeEndpoint({"ListExecutions": lambda body: unsupported}, upstream=moto.url)
    with proxy:
        async with AwsSession(ConnectionOptions(endpoint_url=proxy.url, region=REGION)) as session:
            sfn = StepFunctions(session)
            listed = await sfn.list_executions(machine)
            history = await sfn.get_history(execution)

    assert [(e.arn, e.status) for e in listed] == [(execution, "RUNNING")]
    assert [(e["id"], e["type"]) for e in history] == [(1, "ExecutionStarted")]
