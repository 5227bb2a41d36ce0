"""The app with an AWS account (moto) beside the local engine: both listed, one group each,
each machine and execution asked of its own backend, and the controls following what that
backend can do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.widgets.sidebar import Sidebar
from tests.tui.steps import execution_view, graph_of, main_screen, sidebar, toasts, wait_until

from .conftest import PASS_DEFINITION, REGION, Moto, unique

SIZE = (100, 32)


def local_backend(folder: Path) -> LocalBackend:
    (folder / "flow.asl.json").write_text(json.dumps(PASS_DEFINITION), encoding="utf-8")
    return LocalBackend([folder])


def aws_backend(moto: Moto, *, read_only: bool = False) -> AwsBackend:
    options = ConnectionOptions(endpoint_url=moto.url, region=REGION, read_only=read_only)
    return AwsBackend(options, interval=PollInterval(0.1, 0.3))


def group_labels(tree: Sidebar) -> list[str]:
    return [str(node.label) for node in tree.root.children]


async def choose(pilot: Pilot[Any], arn: str) -> None:
    """Select the sidebar node of a machine or an execution, as Enter on it would."""
    tree = sidebar(pilot)
    node = tree.execution_node(arn) or tree.machine_node(arn)
    assert node is not None
    tree.select_node(node)
    await pilot.pause()


async def test_both_backends_are_listed_and_each_machine_asks_its_own(
    moto: Moto, tmp_path: Path
) -> None:
    name = unique("remote")
    remote_arn = moto.create_machine(PASS_DEFINITION, name)
    app = make_app(local_backend(tmp_path), aws=aws_backend(moto, read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        tree = sidebar(pilot)
        await wait_until(pilot, lambda: bool(tree.machines_in(0)), "the local machines")
        await wait_until(pilot, lambda: bool(tree.machines_in(1)), "the AWS machines")
        screen = main_screen(pilot)

        assert group_labels(tree) == [f"local: {tmp_path}", f"AWS {REGION} at {moto.url}"]
        assert [m.name for m in tree.machines_in(0)] == ["flow"]
        assert name in [m.name for m in tree.machines_in(1)]
        assert "local: " in screen.sub_title and f"AWS {REGION}" in screen.sub_title

        await choose(pilot, remote_arn)
        await wait_until(pilot, lambda: graph_of(pilot) == name, "the AWS machine's graph")
        assert screen.machine_backend is app.aws
        assert not screen.can_run  # read-only: Run is dimmed
        assert screen.check_action("run", ()) is None

        local_arn = tree.machines_in(0)[0].arn
        await choose(pilot, local_arn)
        await wait_until(pilot, lambda: graph_of(pilot) == "flow", "the local machine's graph")
        assert screen.machine_backend is app.local
        assert screen.can_run


async def test_an_aws_execution_is_followed_from_its_group(moto: Moto, tmp_path: Path) -> None:
    name = unique("remote")
    remote_arn = moto.create_machine(PASS_DEFINITION, name)
    execution_arn = moto.start(remote_arn, {"from": "aws"}, name="on-aws")
    app = make_app(local_backend(tmp_path), aws=aws_backend(moto))
    async with app.run_test(size=SIZE) as pilot:
        tree = sidebar(pilot)
        await wait_until(pilot, lambda: tree.machine_node(remote_arn) is not None, "AWS listed")
        await choose(pilot, remote_arn)
        await wait_until(pilot, lambda: tree.execution_node(execution_arn) is not None, "its run")

        await choose(pilot, execution_arn)
        view = execution_view(pilot)
        await wait_until(pilot, lambda: view.status == "SUCCEEDED", "the AWS run's history")

        assert view.execution is not None and view.execution.name == "on-aws"
        assert main_screen(pilot).can_run  # not read-only


async def test_an_aws_account_that_cannot_be_reached_leaves_the_local_group_working(
    tmp_path: Path,
) -> None:
    aws = AwsBackend(ConnectionOptions(profile="no-such-profile", region=REGION))
    app = make_app(local_backend(tmp_path), aws=aws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        tree = sidebar(pilot)
        await wait_until(pilot, lambda: any("no-such-profile" in t for t in toasts(pilot)), "why")
        await wait_until(pilot, lambda: graph_of(pilot) == "flow", "the local machine drawn")

        aws_group = tree.root.children[1]
        [note] = [str(node.label) for node in aws_group.children]
        assert "no-such-profile" in note and note.endswith("F5 to retry.")
        assert [m.name for m in tree.machines] == ["flow"]
