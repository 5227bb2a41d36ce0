"""Listing and describing against moto's server: pages, status filters, Map Runs."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from sfntui.aws import AwsError, AwsSession, ConnectionOptions, StepFunctions

from .conftest import ROLE, Moto, unique
from .endpoints import FakeEndpoint

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


async def wait_for_status(sfn: StepFunctions, arn: str, status: str, seconds: float = 8) -> None:
    deadline = time.monotonic() + seconds
    while (found := (await sfn.describe_execution(arn)).status) != status:
        assert time.monotonic() < deadline, f"{arn} is {found}, not {status}"
        await asyncio.sleep(0.1)


async def test_every_state_machine_is_listed_across_pages(moto: Moto, sfn: StepFunctions) -> None:
    prefix = unique("paged")
    names = [f"{prefix}-{index:02}" for index in range(12)]
    for name in names:
        moto.create_machine(PASS, name)

    machines = await sfn.list_state_machines(page_size=5)

    listed = [m.name for m in machines if m.name.startswith(prefix)]
    assert sorted(listed) == names
    assert len({m.arn for m in machines}) == len(machines)  # no page read twice
    requests = sfn.session.budget.calls["ListStateMachines"]
    assert requests >= 3  # 12 of ours alone need three pages of five


async def test_machines_are_found_by_name_and_described(moto: Moto, sfn: StepFunctions) -> None:
    name = unique("described")
    arn = moto.create_machine(PASS, name)

    assert await sfn.find_state_machine(name) == arn
    described = await sfn.describe_state_machine(arn)

    assert described.name == name
    assert json.loads(described.definition) == PASS
    assert described.type == "STANDARD"
    with pytest.raises(AwsError, match="no state machine named 'nothing-by-this-name'"):
        await sfn.find_state_machine("nothing-by-this-name")


async def test_aliases_are_listed_and_described_through_their_version(
    moto: Moto, sfn: StepFunctions
) -> None:
    client = moto.client()
    created = client.create_state_machine(
        name=unique("versioned"), definition=json.dumps(PASS), roleArn=ROLE, publish=True
    )
    version = created["stateMachineVersionArn"]
    alias = client.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}]
    )["stateMachineAliasArn"]

    aliases = await sfn.list_aliases(created["stateMachineArn"])
    described = await sfn.describe_state_machine(alias)

    assert [(a.name, a.kind, a.parent_arn) for a in aliases] == [
        ("live", "ALIAS", created["stateMachineArn"])
    ]
    assert json.loads(described.definition) == PASS


async def test_versions_are_listed_from_every_page() -> None:
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
    pages = {
        "": {
            "stateMachineVersions": [{"stateMachineVersionArn": f"{machine}:2"}],
            "nextToken": "p2",
        },
        "p2": {"stateMachineVersions": [{"stateMachineVersionArn": f"{machine}:1"}]},
    }
    handlers = {"ListStateMachineVersions": lambda b: (200, pages[b.get("nextToken", "")])}
    with FakeEndpoint(handlers) as fake:
        async with AwsSession(ConnectionOptions(endpoint_url=fake.url)) as session:
            versions = await StepFunctions(session).list_versions(machine)

    assert [(v.name, v.kind) for v in versions] == [("2", "VERSION"), ("1", "VERSION")]
    assert [r.body.get("nextToken") for r in fake.requests] == [None, "p2"]


MIXED = {
    "StartAt": "Pick",
    "States": {
        "Pick": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.outcome", "StringEquals": "fail", "Next": "F"},
                {"Variable": "$.outcome", "StringEquals": "wait", "Next": "W"},
            ],
            "Default": "P",
        },
        "P": {"Type": "Pass", "End": True},
        "F": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"},
        "W": {"Type": "Wait", "Seconds": 60, "End": True},
    },
}


@pytest.fixture(scope="module")
def runs_of_each_status(moto: Moto) -> Any:
    """Two machines whose executions ended every way (module-wide: they take a second)."""
    mixed = moto.create_machine(MIXED)
    timed = moto.create_machine({**MIXED, "TimeoutSeconds": 1})
    runs = {
        "SUCCEEDED": moto.start(mixed, {"outcome": "pass"}),
        "FAILED": moto.start(mixed, {"outcome": "fail"}),
        "RUNNING": moto.start(mixed, {"outcome": "wait"}),
        "ABORTED": moto.start(mixed, {"outcome": "wait"}),
        "TIMED_OUT": moto.start(timed, {"outcome": "wait"}),
    }
    timed_success = moto.start(timed, {"outcome": "pass"})
    moto.client().stop_execution(executionArn=runs["ABORTED"])
    time.sleep(1.5)  # the timeout takes its second
    yield {"mixed": mixed, "timed": timed, "runs": runs, "timed_success": timed_success}
    moto.client().stop_execution(executionArn=runs["RUNNING"])


@pytest.mark.parametrize("status", ["SUCCEEDED", "FAILED", "RUNNING", "TIMED_OUT", "ABORTED"])
async def test_each_status_filter_lists_only_that_status(
    sfn: StepFunctions, runs_of_each_status: Any, status: str
) -> None:
    machine = runs_of_each_status["timed" if status == "TIMED_OUT" else "mixed"]

    listed = await sfn.list_executions(machine, status=status)
    unfiltered = await sfn.list_executions(machine)

    assert [(e.arn, e.status) for e in listed] == [(runs_of_each_status["runs"][status], status)]
    assert len(unfiltered) == (2 if status == "TIMED_OUT" else 4)


async def test_execution_details_say_how_it_ended(
    sfn: StepFunctions, runs_of_each_status: Any
) -> None:
    runs = runs_of_each_status["runs"]

    failed = await sfn.describe_execution(runs["FAILED"])
    succeeded = await sfn.describe_execution(runs["SUCCEEDED"])
    running = await sfn.describe_execution(runs["RUNNING"])

    assert (failed.status, failed.error, failed.cause) == ("FAILED", "Boom", "it broke")
    assert (succeeded.status, json.loads(succeeded.output or "null")) == (
        "SUCCEEDED",
        {"outcome": "pass"},
    )
    assert running.is_running and not failed.is_running


async def test_limit_stops_reading_pages(moto: Moto, sfn: StepFunctions) -> None:
    machine = moto.create_machine(PASS)
    for _ in range(7):
        moto.start(machine)

    newest = await sfn.list_executions(machine, limit=3, page_size=2)
    everything = await sfn.list_executions(machine, page_size=2)

    assert len(newest) == 3
    assert len(everything) == 7
    assert [e.arn for e in newest] == [e.arn for e in everything[:3]]


async def test_an_unknown_status_is_one_sentence(sfn: StepFunctions) -> None:
    with pytest.raises(AwsError, match="'DONE' is not an execution status"):
        await sfn.list_executions("arn:aws:states:us-east-1:1:stateMachine:x", status="DONE")


async def test_definition_for_execution_is_the_one_it_ran(moto: Moto, sfn: StepFunctions) -> None:
    machine = moto.create_machine(PASS)
    execution = moto.start(machine)

    described = await sfn.describe_state_machine_for_execution(execution)

    assert json.loads(described.definition) == PASS


async def test_map_runs_are_listed_and_described(moto: Moto, sfn: StepFunctions) -> None:
    machine = moto.create_machine(
        {
            "StartAt": "Each",
            "States": {
                "Each": {
                    "Type": "Map",
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                        "StartAt": "P",
                        "States": {"P": {"Type": "Pass", "End": True}},
                    },
                    "End": True,
                }
            },
        }
    )
    execution = moto.start(machine, [1, 2, 3])
    await wait_for_status(sfn, execution, "SUCCEEDED")

    runs = await sfn.list_map_runs(execution)
    described = await sfn.describe_map_run(runs[0].arn)

    assert [r.execution_arn for r in runs] == [execution]
    assert described.status == "SUCCEEDED"
    assert described.item_counts["succeeded"] == 3
    assert described.execution_counts["total"] == 3


async def test_map_run_child_executions_are_listed_by_map_run_arn() -> None:
    map_run = "arn:aws:states:us-east-1:123456789012:mapRun:orders/Each:abc"
    child = {
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:orders/Each:1",
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders/Each",
        "name": "1",
        "status": "SUCCEEDED",
        "startDate": 1_700_000_000,
        "mapRunArn": map_run,
    }
    with FakeEndpoint({"ListExecutions": lambda body: (200, {"executions": [child]})}) as fake:
        async with AwsSession(ConnectionOptions(endpoint_url=fake.url)) as session:
            children = await StepFunctions(session).list_executions(
                map_run_arn=map_run, status="PENDING_REDRIVE"
            )

    assert [(c.name, c.map_run_arn) for c in children] == [("1", map_run)]
    sent = fake.actions("ListExecutions")[0].body
    assert sent["mapRunArn"] == map_run
    assert sent["statusFilter"] == "PENDING_REDRIVE"  # moto has no redrive: checked here
    assert "stateMachineArn" not in sent
