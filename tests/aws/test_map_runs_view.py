"""The Map Runs screen against the project's fake endpoint in front of moto (moto has no Map
Runs): a run with its item counts, its children listed failed first, and a failed child opened
on its failing state. The children are real moto executions, so opening one reads moto."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.map_runs import MapRunsScreen
from tests.tui.steps import execution_view, main_screen, wait_until

from .conftest import PASS_DEFINITION, REGION, Moto, unique
from .endpoints import FakeEndpoint, Reply
from .test_overview import FAILING, wait_for_status


async def test_map_runs_with_counts_and_failed_children_first(moto: Moto, tmp_path: Path) -> None:
    parent_machine = moto.create_machine(PASS_DEFINITION, unique("fanout"))
    parent = moto.start(parent_machine)
    child_machine = moto.create_machine(FAILING, unique("item"))
    ok_machine = moto.create_machine(PASS_DEFINITION, unique("item-ok"))
    ok_child = moto.start(ok_machine)
    failed_child = moto.start(child_machine)
    wait_for_status(moto, failed_child, "FAILED")
    wait_for_status(moto, ok_child, "SUCCEEDED")
    wait_for_status(moto, parent, "SUCCEEDED")
    map_run = f"arn:aws:states:{REGION}:123456789012:mapRun:fanout/Items:1111"
    started = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    fake: FakeEndpoint

    def list_map_runs(body: dict[str, Any]) -> Reply:
        assert body["executionArn"] == parent
        run = {"executionArn": parent, "mapRunArn": map_run, "stateMachineArn": parent_machine}
        return 200, {"mapRuns": [run | {"startDate": started}]}

    def describe_map_run(body: dict[str, Any]) -> Reply:
        counts = {"total": 2, "succeeded": 1, "failed": 1, "pending": 0, "running": 0}
        counts |= {"timedOut": 0, "aborted": 0, "resultsWritten": 2}
        return 200, {
            "mapRunArn": body["mapRunArn"],
            "executionArn": parent,
            "status": "FAILED",
            "startDate": started,
            "maxConcurrency": 10,
            "toleratedFailurePercentage": 0,
            "toleratedFailureCount": 0,
            "itemCounts": counts,
            "executionCounts": counts,
        }

    def list_executions(body: dict[str, Any]) -> Reply:
        if body.get("mapRunArn") != map_run:
            return 200, fake.upstream_call("ListExecutions", body, REGION)
        children = [
            *fake.upstream_call("ListExecutions", {"stateMachineArn": ok_machine}, REGION)[
                "executions"
            ],
            *fake.upstream_call("ListExecutions", {"stateMachineArn": child_machine}, REGION)[
                "executions"
            ],
        ]
        return 200, {"executions": children}

    handlers = {
        "ListMapRuns": list_map_runs,
        "DescribeMapRun": describe_map_run,
        "ListExecutions": list_executions,
    }
    with FakeEndpoint(handlers, upstream=moto.url) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION, read_only=True)
        backend = AwsBackend(options, interval=PollInterval(0.1, 0.3))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(pilot)
            await wait_until(pilot, lambda: screen.machine is not None, "the app")
            summary = (await backend.list_executions(parent_machine))[0]
            screen.open_execution(summary, backend)
            view = execution_view(pilot)
            await wait_until(pilot, lambda: view.execution is not None, "the parent open")
            await pilot.press("M")
            await wait_until(pilot, lambda: isinstance(app.screen, MapRunsScreen), "the screen")
            runs_screen = app.screen
            assert isinstance(runs_screen, MapRunsScreen)
            await wait_until(
                pilot, lambda: runs_screen.child_executions is not None, "the children"
            )
            assert runs_screen.runs is not None
            assert [run.arn for run in runs_screen.runs] == [map_run]
            assert runs_screen.runs[0].item_counts["failed"] == 1
            children = runs_screen.child_executions
            assert children is not None
            assert [child.arn for child in children] == [failed_child, ok_child]

            await pilot.press("tab")  # to the children
            await pilot.press("enter")  # the first: the failed one
            await wait_until(
                pilot,
                lambda: view.graph is not None and view.graph.selected == "Boom",
                "the failed child open on its Fail state",
            )
            assert view.execution is not None and view.execution.arn == failed_child
