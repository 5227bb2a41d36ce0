"""Long listings show their progress while their pages arrive: the Map Runs screen's child
executions, the overview's executions and the sidebar's (its first page, an older one), each
counted page by page under a moving bar, gone when the listing is in. The endpoint holds the
last page back until the test lets it go."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from sfntui.aws import ConnectionOptions
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.map_runs import MapRunsScreen
from sfntui.tui.screens.overview import OverviewScreen
from sfntui.tui.widgets.load_progress import LoadCount, LoadProgress
from tests.tui.steps import main_screen, wait_until

from .conftest import REGION
from .endpoints import FakeEndpoint, Reply

ACCOUNT = "123456789012"
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:fanout"
PARENT = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:fanout:run-1"
MAP_RUN = f"arn:aws:states:{REGION}:{ACCOUNT}:mapRun:fanout/Items:1111"
CHILDREN = 250
NOW = datetime(2026, 1, 1, tzinfo=UTC).timestamp()


def execution(index: int) -> dict[str, Any]:
    status = "FAILED" if index % 50 == 0 else "SUCCEEDED"
    arn = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:fanout:child-{index:04d}"
    return {
        "executionArn": arn,
        "stateMachineArn": MACHINE,
        "name": f"child-{index:04d}",
        "status": status,
        "startDate": NOW - index,
        "stopDate": NOW - index + 1,
    }


def held_pages(release: threading.Event, total: int = CHILDREN) -> dict[str, Any]:
    """ListExecutions of `total` in pages as asked (100), the last one only once `release` is
    set."""

    def list_executions(body: dict[str, Any]) -> Reply:
        start = int(body.get("nextToken") or 0)
        size = int(body["maxResults"])
        if start + size >= total:
            release.wait(60)
        reply: dict[str, Any] = {"executions": [execution(i) for i in range(start, start + size)]}
        reply["executions"] = reply["executions"][: max(0, total - start)]
        if start + size < total:
            reply["nextToken"] = str(start + size)
        return 200, reply

    def list_map_runs(body: dict[str, Any]) -> Reply:
        run = {"executionArn": PARENT, "mapRunArn": MAP_RUN, "stateMachineArn": MACHINE}
        return 200, {"mapRuns": [run | {"startDate": NOW}]}

    def describe_map_run(body: dict[str, Any]) -> Reply:
        counts = {"total": CHILDREN, "succeeded": CHILDREN - 5, "failed": 5}
        return 200, {
            "mapRunArn": MAP_RUN,
            "executionArn": PARENT,
            "status": "FAILED",
            "startDate": NOW,
            "maxConcurrency": 10,
            "toleratedFailurePercentage": 0,
            "toleratedFailureCount": 0,
            "itemCounts": counts,
            "executionCounts": counts,
        }

    def list_state_machines(body: dict[str, Any]) -> Reply:
        machine = {"stateMachineArn": MACHINE, "name": "fanout", "type": "STANDARD"}
        return 200, {"stateMachines": [machine | {"creationDate": NOW}]}

    def describe_state_machine(body: dict[str, Any]) -> Reply:
        definition = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}'
        return 200, {
            "stateMachineArn": MACHINE,
            "name": "fanout",
            "type": "STANDARD",
            "definition": definition,
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
            "creationDate": NOW,
        }

    return {
        "ListExecutions": list_executions,
        "ListMapRuns": list_map_runs,
        "DescribeMapRun": describe_map_run,
        "ListStateMachines": list_state_machines,
        "DescribeStateMachine": describe_state_machine,
    }


def progress_of(screen: Any) -> tuple[bool, str]:
    progress = screen.query_one(LoadProgress)
    return bool(progress.display), str(progress.query_one(LoadCount).render())


async def test_the_map_runs_screen_counts_child_executions_as_their_pages_arrive(
    tmp_path: Path,
) -> None:
    release = threading.Event()
    with FakeEndpoint(held_pages(release)) as fake:
        backend = AwsBackend(ConnectionOptions(endpoint_url=fake.url, region=REGION))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                screen = MapRunsScreen(backend, PARENT, "run-1")
                await app.push_screen(screen)
                shown = ("Listing child executions… 200 so far",)
                await wait_until(pilot, lambda: progress_of(screen) == (True, *shown), "200")
                children = screen.query_one("#map-run-children", DataTable)
                assert children.row_count == 0
                release.set()
                await wait_until(pilot, lambda: children.row_count == CHILDREN, "every child")
                assert not progress_of(screen)[0]
        finally:
            release.set()
            await backend.aclose()


async def test_the_overview_counts_executions_as_their_pages_arrive(tmp_path: Path) -> None:
    release = threading.Event()
    with FakeEndpoint(held_pages(release)) as fake:
        backend = AwsBackend(ConnectionOptions(endpoint_url=fake.url, region=REGION))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                screen = OverviewScreen([backend])
                await app.push_screen(screen)
                shown = ("Listing executions… 200 so far",)
                await wait_until(pilot, lambda: progress_of(screen) == (True, *shown), "200")
                assert screen.listed is None
                release.set()
                await wait_until(pilot, lambda: screen.listed is not None, "the listing")
                assert len(screen.listed or []) == CHILDREN
                await wait_until(pilot, lambda: not progress_of(screen)[0], "the bar gone")
        finally:
            release.set()
            await backend.aclose()


def listing_progress(pilot: Pilot[Any]) -> tuple[bool, str]:
    """(shown, its words) of the main screen's bar under the sidebar's executions."""
    progress = main_screen(pilot).query_one("#executions-progress", LoadProgress)
    return bool(progress.display), str(progress.query_one(LoadCount).render())


async def test_the_sidebar_shows_a_machines_executions_being_listed(tmp_path: Path) -> None:
    release = threading.Event()
    with FakeEndpoint(held_pages(release, total=100)) as fake:  # (the first page held)
        backend = AwsBackend(ConnectionOptions(endpoint_url=fake.url, region=REGION))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                shown = (True, "Listing executions…")
                await wait_until(pilot, lambda: listing_progress(pilot) == shown, "the bar")
                sidebar = main_screen(pilot).sidebar
                assert sidebar.executions_of(MACHINE) == []
                release.set()
                await wait_until(
                    pilot, lambda: len(sidebar.executions_of(MACHINE)) == 100, "the executions"
                )
                await wait_until(pilot, lambda: not listing_progress(pilot)[0], "the bar gone")
        finally:
            release.set()
            await backend.aclose()


async def test_the_sidebar_counts_an_older_page_as_it_is_listed(tmp_path: Path) -> None:
    release = threading.Event()
    with FakeEndpoint(held_pages(release, total=200)) as fake:  # (the older page's 2nd held)
        backend = AwsBackend(ConnectionOptions(endpoint_url=fake.url, region=REGION))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                sidebar = main_screen(pilot).sidebar
                await wait_until(
                    pilot, lambda: len(sidebar.executions_of(MACHINE)) == 100, "the newest page"
                )
                assert not listing_progress(pilot)[0]
                sidebar.focus()
                await pilot.press("end")  # onto the "more" leaf: the older page is read
                shown = (True, "Listing older executions… 100 so far")
                await wait_until(pilot, lambda: listing_progress(pilot) == shown, "200")
                await pilot.press("home")  # the keys answer meanwhile
                await wait_until(pilot, lambda: sidebar.cursor_line == 0, "the cursor at the top")
                release.set()
                await wait_until(
                    pilot, lambda: len(sidebar.executions_of(MACHINE)) == 200, "all of them"
                )
                await wait_until(pilot, lambda: not listing_progress(pilot)[0], "the bar gone")
        finally:
            release.set()
            await backend.aclose()


def test_a_map_run_listing_its_children_snapshot(
    snap_compare: Any, tmp_path: Path, utc: None
) -> None:
    release = threading.Event()
    with FakeEndpoint(held_pages(release)) as fake:
        backend = AwsBackend(ConnectionOptions(endpoint_url=fake.url, region=REGION))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        app.animation_level = "none"  # the bar stands still for the picture

        async def run_before(pilot: Pilot[Any]) -> None:
            screen = MapRunsScreen(backend, PARENT, "run-1")
            await app.push_screen(screen)
            shown = ("Listing child executions… 200 so far",)
            await wait_until(pilot, lambda: progress_of(screen) == (True, *shown), "200")

        try:
            assert snap_compare(app, terminal_size=(120, 24), run_before=run_before)
        finally:
            release.set()
