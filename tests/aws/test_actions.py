"""Start, stop and redrive: each confirmed first, all refused when read-only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sfntui.aws import (
    Action,
    ActionDeclined,
    AwsError,
    AwsSession,
    ConnectionOptions,
    ReadOnlyError,
    StepFunctions,
    always,
)

from .conftest import REGION, Moto
from .endpoints import FakeEndpoint, error
from .test_listing import wait_for_status

HOLD = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "End": True}}}
ECHO = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
FAILED_RUN = "arn:aws:states:us-east-1:123456789012:execution:orders:run-7"


class Recorder:
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[Action] = []

    async def __call__(self, action: Action) -> bool:
        self.asked.append(action)
        return self.answer


async def test_start_asks_then_starts_with_name_and_input(moto: Moto, sfn: StepFunctions) -> None:
    machine = moto.create_machine(ECHO)
    confirm = Recorder(True)

    started = await sfn.start_execution(
        machine, name="order-42", execution_input={"id": 42}, confirm=confirm
    )
    await wait_for_status(sfn, started.arn, "SUCCEEDED")
    described = await sfn.describe_execution(started.arn)

    assert [(a.verb, a.target, a.details["name"]) for a in confirm.asked] == [
        ("start", machine, "order-42")
    ]
    assert started.name == "order-42"
    assert json.loads(described.output or "null") == {"id": 42}


async def test_a_declined_start_sends_nothing(moto: Moto, sfn: StepFunctions) -> None:
    machine = moto.create_machine(ECHO)

    with pytest.raises(ActionDeclined, match="it was not confirmed"):
        await sfn.start_execution(machine, name="never", confirm=Recorder(False))

    assert await sfn.list_executions(machine) == []


async def test_stop_passes_error_and_cause(moto: Moto, sfn: StepFunctions) -> None:
    execution = moto.start(moto.create_machine(HOLD))
    confirm = Recorder(True)

    await sfn.stop_execution(execution, error="Ops.Cancelled", cause="by hand", confirm=confirm)
    await wait_for_status(sfn, execution, "ABORTED")

    assert confirm.asked[0].verb == "stop"
    assert confirm.asked[0].details == {"error": "Ops.Cancelled", "cause": "by hand"}


async def test_read_only_refuses_every_action_without_asking(moto: Moto) -> None:
    machine = moto.create_machine(HOLD)
    execution = moto.start(machine)
    confirm = Recorder(True)
    options = ConnectionOptions(endpoint_url=moto.url, region=REGION, read_only=True)
    async with AwsSession(options) as session:
        sfn = StepFunctions(session)
        with pytest.raises(ReadOnlyError, match="connected read-only, so it will not start"):
            await sfn.start_execution(machine, confirm=confirm)
        with pytest.raises(ReadOnlyError, match="will not stop"):
            await sfn.stop_execution(execution, confirm=confirm)
        with pytest.raises(ReadOnlyError, match="will not redrive"):
            await sfn.redrive_execution(execution, confirm=confirm)
        still = await sfn.describe_execution(execution)

    assert confirm.asked == []
    assert still.status == "RUNNING"
    moto.client().stop_execution(executionArn=execution)


async def test_redrive_sends_the_execution_and_reads_the_date() -> None:
    # moto has no RedriveExecution: a fake endpoint answers as AWS does.
    def redrive(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"redriveDate": 1_700_000_123.5}

    with FakeEndpoint({"RedriveExecution": redrive}) as fake:
        async with AwsSession(ConnectionOptions(endpoint_url=fake.url)) as session:
            when = await StepFunctions(session).redrive_execution(FAILED_RUN, confirm=always)

    sent = fake.actions("RedriveExecution")[0].body
    assert sent["executionArn"] == FAILED_RUN
    assert sent["clientToken"]  # idempotency token, so a retried redrive is not doubled
    assert when is not None and when.timestamp() == 1_700_000_123.5


async def test_an_execution_that_cannot_be_redriven_is_one_sentence() -> None:
    refuse = {
        "RedriveExecution": lambda body: error(
            "ExecutionNotRedrivable", "Execution cannot be redriven: it succeeded."
        )
    }
    with FakeEndpoint(refuse) as fake:
        async with AwsSession(ConnectionOptions(endpoint_url=fake.url)) as session:
            with pytest.raises(AwsError) as raised:
                await StepFunctions(session).redrive_execution(FAILED_RUN, confirm=always)

    assert raised.value.message == (
        "Execution cannot be redriven: it succeeded: only executions that failed, timed out "
        "or were aborted in the last 14 days can be redriven."
    )
