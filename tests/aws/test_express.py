"""Express executions, read from CloudWatch Logs as Step Functions writes them there.

moto runs Express machines but writes no logs for them, so each test writes the log
messages itself, in the format AWS uses (ids and times as strings, `details` holding what
the API calls `<type>EventDetails`).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import pytest

from sfntui.aws import AwsError, AwsSession, ConnectionOptions, PollInterval, StepFunctions
from sfntui.aws.express import event_from_log_message
from sfntui.history.projection import Projection

from .conftest import REGION, Moto, unique
from .endpoints import FakeEndpoint, error

PASS = {"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", "End": True}}}


def express_machine(moto: Moto, *, logging: bool = True) -> tuple[str, str]:
    """An Express machine logging to a fresh log group: (machine ARN, log group name)."""
    group = f"/aws/vendedlogs/states/{unique('express')}"
    moto.client("logs").create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:{REGION}:123456789012:log-group:{group}:*"
    extra: dict[str, Any] = {"type": "EXPRESS"}
    if logging:
        extra["loggingConfiguration"] = {
            "level": "ALL",
            "includeExecutionData": True,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}],
        }
    return moto.create_machine(PASS, **extra), group


def express_run_arn(machine_arn: str) -> str:
    name = machine_arn.rsplit(":", 1)[-1]
    prefix = machine_arn.rsplit(":stateMachine:", 1)[0]
    return f"{prefix}:express:{name}:{unique('run')}:{uuid.uuid4()}"


def log_messages(execution: str, start_id: int, types: list[str]) -> list[dict[str, Any]]:
    now = int(time.time() * 1000)
    details = {
        "ExecutionStarted": {"input": '{"who":"world"}', "inputDetails": {"truncated": False}},
        "PassStateEntered": {"name": "Greet", "input": '{"who":"world"}'},
        "PassStateExited": {"name": "Greet", "output": '{"who":"world"}'},
        "ExecutionSucceeded": {"output": '{"who":"world"}', "outputDetails": {"truncated": False}},
        "ExecutionFailed": {"error": "Boom", "cause": "bad"},
    }
    return [
        {
            "id": str(start_id + offset),
            "type": kind,
            "details": details[kind],
            "previous_event_id": str(start_id + offset - 1),
            "event_timestamp": str(now + offset),
            "execution_arn": execution,
            "redrive_count": "0",
        }
        for offset, kind in enumerate(types)
    ]


def put_logs(moto: Moto, group: str, messages: list[dict[str, Any]]) -> None:
    logs = moto.client("logs")
    stream = unique("stream")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[
            {"timestamp": int(m["event_timestamp"]), "message": json.dumps(m)} for m in messages
        ],
    )


def test_a_log_message_becomes_a_history_event() -> None:
    message = log_messages("arn:aws:states:us-east-1:1:express:M:r:1", 2, ["PassStateEntered"])[0]

    event = event_from_log_message(json.dumps(message))

    assert event is not None
    assert (event["id"], event["previousEventId"], event["type"]) == (2, 1, "PassStateEntered")
    assert event["stateEnteredEventDetails"] == {"name": "Greet", "input": '{"who":"world"}'}
    assert event["timestamp"].timestamp() == pytest.approx(int(message["event_timestamp"]) / 1000)
    assert event_from_log_message("START RequestId: not a history event") is None


async def test_an_express_history_is_read_from_its_log_group(
    moto: Moto, sfn: StepFunctions
) -> None:
    machine, group = express_machine(moto)
    execution = express_run_arn(machine)
    other = express_run_arn(machine)
    kinds = ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    put_logs(moto, group, log_messages(execution, 1, kinds))
    put_logs(moto, group, log_messages(other, 1, ["ExecutionStarted", "ExecutionFailed"]))

    events = await sfn.get_history(execution)
    described = await sfn.describe_execution(execution)

    assert [e["type"] for e in events] == kinds
    projection = Projection(events)
    assert projection.status.name == "SUCCEEDED"
    assert projection.output == {"who": "world"}
    assert (described.status, described.machine_arn) == ("SUCCEEDED", machine)


async def test_an_express_execution_is_tailed_from_its_logs(moto: Moto, sfn: StepFunctions) -> None:
    machine, group = express_machine(moto)
    execution = express_run_arn(machine)
    put_logs(moto, group, log_messages(execution, 1, ["ExecutionStarted", "PassStateEntered"]))
    tail = await sfn.tail(execution, interval=PollInterval(0.1, 0.3))

    async def finish_later() -> None:
        await asyncio.sleep(0.5)
        put_logs(moto, group, log_messages(execution, 3, ["PassStateExited", "ExecutionFailed"]))

    writer = asyncio.create_task(finish_later())
    batches = [[e["id"] for e in batch] async for batch in tail.follow()]
    await writer

    assert [i for batch in batches for i in batch] == [1, 2, 3, 4]
    assert len(batches) >= 2
    assert tail.status == "FAILED"


async def test_express_executions_are_listed_from_the_logs_when_aws_will_not(moto: Moto) -> None:
    machine, group = express_machine(moto)
    done, running = express_run_arn(machine), express_run_arn(machine)
    put_logs(moto, group, log_messages(done, 1, ["ExecutionStarted", "ExecutionSucceeded"]))
    put_logs(moto, group, log_messages(running, 1, ["ExecutionStarted"]))
    # AWS answers ListExecutions for an Express machine with StateMachineTypeNotSupported;
    # moto lists nothing, so a proxy gives AWS's answer and forwards the rest to moto.
    unsupported = error("StateMachineTypeNotSupported", "This operation is not supported")
    proxy = FakeEndpoint({"ListExecutions": lambda body: unsupported}, upstream=moto.url)
    with proxy:
        async with AwsSession(ConnectionOptions(endpoint_url=proxy.url, region=REGION)) as session:
            sfn = StepFunctions(session)
            everything = await sfn.list_executions(machine)
            still_running = await sfn.list_executions(machine, status="RUNNING")

    assert {(e.arn, e.status) for e in everything} == {(done, "SUCCEEDED"), (running, "RUNNING")}
    assert [e.arn for e in still_running] == [running]


async def test_an_express_machine_without_logging_says_so(moto: Moto, sfn: StepFunctions) -> None:
    machine, _ = express_machine(moto, logging=False)

    with pytest.raises(AwsError, match="keeps no history for Express executions"):
        await sfn.get_history(express_run_arn(machine))
