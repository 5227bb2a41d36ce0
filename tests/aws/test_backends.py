"""One Backend interface: the same script works on AWS (moto) and on the local engine."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from sfntui.aws import ConnectionOptions, PollInterval, always
from sfntui.backends import ActionCancelled, Backend, BackendError
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.engine.runner import RunSetup
from tests.deadline import awaited

from .conftest import REGION, Moto, unique

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GREETING = {
    "StartAt": "Hello",
    "States": {
        "Hello": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('hi {}', $.who)"},
            "Next": "Pause",
        },
        "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}
GATED = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "Gate"},
        "Gate": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:gate",
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}


def write_definition(folder: Path, name: str, definition: dict[str, Any]) -> None:
    (folder / f"{name}.asl.json").write_text(json.dumps(definition), encoding="utf-8")


@pytest.fixture(params=["aws", "local"])
async def greeting_backend(
    request: pytest.FixtureRequest, moto: Moto, tmp_path: Path
) -> AsyncIterator[tuple[Backend, str]]:
    name = unique("greeting")
    backend: Backend
    if request.param == "aws":
        moto.create_machine(GREETING, name)
        backend = AwsBackend(
            ConnectionOptions(endpoint_url=moto.url, region=REGION),
            interval=PollInterval(0.1, 0.3),
        )
    else:
        write_definition(tmp_path, name, GREETING)
        backend = LocalBackend([tmp_path])
    try:
        yield backend, name
    finally:
        await backend.aclose()


async def test_the_same_script_runs_on_either_backend(greeting_backend: Any) -> None:
    backend, name = greeting_backend
    machines = {m.name: m.arn for m in await backend.list_state_machines()}

    started = await backend.start_execution(
        machines[name], name="first", execution_input={"who": "ann"}, confirm=always
    )
    followed = [event async for batch in backend.follow(started.arn) for event in batch]
    history = await backend.get_history(started.arn)
    described = await backend.describe_execution(started.arn)
    listed = await backend.list_executions(machines[name])
    definition = await backend.definition_for_execution(started.arn)

    assert [e["id"] for e in followed] == [e["id"] for e in history]
    assert [e["id"] for e in followed] == list(range(1, len(followed) + 1))
    assert "SucceedStateEntered" in [e["type"] for e in followed]
    assert followed[-1]["type"] == "ExecutionSucceeded"
    assert described.status == "SUCCEEDED"
    assert json.loads(described.output or "null") == {"greeting": "hi ann"}
    assert [(e.name, e.status) for e in listed] == [("first", "SUCCEEDED")]
    assert json.loads(definition.definition) == GREETING


async def test_errors_reach_the_app_as_one_kind(greeting_backend: Any) -> None:
    backend, name = greeting_backend
    machines = {m.name: m.arn for m in await backend.list_state_machines()}
    missing = machines[name].replace(":stateMachine:", ":execution:") + ":nothing"

    with pytest.raises(BackendError) as raised:
        await backend.describe_execution(missing)
    with pytest.raises(ActionCancelled, match="not confirmed"):
        await backend.start_execution(machines[name], confirm=lambda action: False)

    assert "\n" not in raised.value.message


def test_the_examples_folder_is_listed() -> None:
    backend = LocalBackend([EXAMPLES])

    names = sorted(m.name for m in asyncio.run(backend.list_state_machines()))

    assert names == ["OrderFlow", "order"]


class Gate:
    """A local handler for the Lambda `gate` that waits until the test opens it."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.entered = asyncio.Event()

    async def __call__(self, event: Any, context: Any) -> Any:
        self.entered.set()
        await self.opened.wait()
        return {"through": True}


@pytest.fixture
def gated(tmp_path: Path) -> tuple[LocalBackend, Gate]:
    write_definition(tmp_path, "gated", GATED)
    gate = Gate()
    return LocalBackend([tmp_path], setup=lambda name: RunSetup(handlers={"gate": gate})), gate


async def test_a_running_local_execution_is_followed_as_it_goes(
    gated: tuple[LocalBackend, Gate],
) -> None:
    backend, gate = gated
    machine = (await backend.list_state_machines())[0].arn
    started = await backend.start_execution(machine, confirm=always)
    await gate.entered.wait()

    batches = backend.follow(started.arn)
    first = await anext(batches)
    while_running = (await backend.describe_execution(started.arn)).status
    gate.opened.set()
    rest = [batch async for batch in batches]

    assert first[0]["type"] == "ExecutionStarted"
    assert first[-1]["type"] == "LambdaFunctionStarted"
    assert while_running == "RUNNING"
    followed = [e["id"] for batch in [first, *rest] for e in batch]
    assert followed == list(range(1, len(await backend.get_history(started.arn)) + 1))
    assert rest[-1][-1]["type"] == "ExecutionSucceeded"


async def test_a_local_execution_can_be_stopped(gated: tuple[LocalBackend, Gate]) -> None:
    backend, gate = gated
    machine = (await backend.list_state_machines())[0].arn
    started = await backend.start_execution(machine, name="held", confirm=always)
    await gate.entered.wait()
    follower = asyncio.create_task(_collect(backend.follow(started.arn)))
    await asyncio.sleep(0)

    await backend.stop_execution(started.arn, error="Ops.Stop", cause="by hand", confirm=always)
    followed = await awaited(follower)
    described = await backend.describe_execution(started.arn)

    assert followed[-1]["type"] == "ExecutionAborted"
    assert followed[-1]["executionAbortedEventDetails"] == {"error": "Ops.Stop", "cause": "by hand"}
    assert (described.status, described.error, described.cause) == (
        "ABORTED",
        "Ops.Stop",
        "by hand",
    )


async def test_the_local_execution_list_follows_runs(gated: tuple[LocalBackend, Gate]) -> None:
    backend, gate = gated
    machine = (await backend.list_state_machines())[0].arn
    watch = backend.watch_executions(machine)

    before = await anext(watch)
    started = await backend.start_execution(machine, name="watched", confirm=always)
    during = await anext(watch)
    gate.opened.set()
    after = await anext(watch)

    assert before == []
    assert [(e.arn, e.status) for e in during] == [(started.arn, "RUNNING")]
    assert [(e.arn, e.status) for e in after] == [(started.arn, "SUCCEEDED")]


async def test_a_local_machine_that_cannot_run_says_why(tmp_path: Path) -> None:
    write_definition(tmp_path, "broken", {"StartAt": "Missing", "States": {}})
    write_definition(tmp_path, "unanswered", GATED)
    backend = LocalBackend([tmp_path])
    machines = {m.name: m.arn for m in await backend.list_state_machines()}

    with pytest.raises(BackendError, match="broken cannot run: .*") as broken:
        await backend.start_execution(machines["broken"], confirm=always)
    with pytest.raises(BackendError, match="unanswered cannot run: no mock, handler or AWS call"):
        await backend.start_execution(machines["unanswered"], confirm=always)

    assert "\n" not in broken.value.message


async def _collect(batches: AsyncIterator[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [event async for batch in batches for event in batch]


async def test_a_stopped_local_execution_ends_its_history_once(
    gated: tuple[LocalBackend, Gate],
) -> None:
    backend, gate = gated
    machine = (await backend.list_state_machines())[0].arn
    started = await backend.start_execution(machine, name="stopped-once", confirm=always)
    await gate.entered.wait()

    await backend.stop_execution(started.arn, error="Ops.Stop", cause="by hand", confirm=always)
    history = await backend.get_history(started.arn)

    assert [e["type"] for e in history].count("ExecutionAborted") == 1
    assert history[-1]["executionAbortedEventDetails"] == {"error": "Ops.Stop", "cause": "by hand"}


async def test_each_backend_says_what_it_can_do(moto: Moto) -> None:
    local = LocalBackend([])
    aws = AwsBackend(ConnectionOptions(endpoint_url=moto.url, region=REGION))
    read_only = AwsBackend(ConnectionOptions(endpoint_url=moto.url, region=REGION, read_only=True))
    try:
        assert (local.capabilities.start, local.capabilities.debug) == (True, True)
        assert (local.capabilities.redrive, local.capabilities.map_runs) == (False, False)
        assert (aws.capabilities.start, aws.capabilities.redrive) == (True, True)
        assert (aws.capabilities.replay, aws.capabilities.map_runs) == (True, True)
        assert not aws.capabilities.debug  # the app debugs an AWS machine on the local engine
        refused = read_only.capabilities
        assert not (refused.start or refused.stop or refused.redrive)
    finally:
        await aws.aclose()
        await read_only.aclose()


async def test_a_read_only_refusal_is_an_action_cancelled_with_no_translation(moto: Moto) -> None:
    machine = moto.create_machine(GREETING)
    backend = AwsBackend(ConnectionOptions(endpoint_url=moto.url, region=REGION, read_only=True))
    try:
        with pytest.raises(ActionCancelled, match="connected read-only") as raised:
            await backend.start_execution(machine, confirm=always)
    finally:
        await backend.aclose()

    assert isinstance(raised.value, BackendError)
    assert "\n" not in raised.value.message


async def test_a_local_listing_sees_new_and_edited_definition_files(tmp_path: Path) -> None:
    write_definition(tmp_path, "greeting", GREETING)
    backend = LocalBackend([tmp_path])
    [before] = await backend.list_state_machines()
    started = await backend.start_execution(
        before.arn, execution_input={"who": "a"}, confirm=always
    )
    await _collect(backend.follow(started.arn))

    edited = {"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}}
    write_definition(tmp_path, "greeting", edited)
    write_definition(tmp_path, "added", GREETING)
    after = {m.name: m.arn for m in await backend.list_state_machines()}
    described = await backend.describe_state_machine(before.arn)
    ran = await backend.definition_for_execution(started.arn)

    assert sorted(after) == ["added", "greeting"]
    assert after["greeting"] == before.arn  # the same machine, read again
    assert json.loads(described.definition) == edited
    assert json.loads(ran.definition) == GREETING  # what the earlier run ran
    assert [e.arn for e in await backend.list_executions(before.arn)] == [started.arn]


async def test_a_local_listing_drops_a_deleted_definition_file(tmp_path: Path) -> None:
    write_definition(tmp_path, "greeting", GREETING)
    write_definition(tmp_path, "doomed", GREETING)
    backend = LocalBackend([tmp_path])
    doomed = {m.name: m.arn for m in await backend.list_state_machines()}["doomed"]

    (tmp_path / "doomed.asl.json").unlink()
    names = [m.name for m in await backend.list_state_machines()]

    assert names == ["greeting"]
    with pytest.raises(BackendError, match="no local state machine"):
        await backend.describe_state_machine(doomed)
