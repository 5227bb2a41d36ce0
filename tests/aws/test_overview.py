"""The overview against moto's server: a failed execution of one machine and a successful one
of another are listed as a person sees them (the failure alone in the table, counted under its
machine, both in the chart), and choosing the failure opens it on its failing state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.overview import OverviewScreen
from tests.tui.steps import execution_view, main_screen, wait_until

from .conftest import PASS_DEFINITION, REGION, Moto, unique
from .fault_endpoint import FaultyStepFunctions, history
from .test_app_beside_local import aws_backend

FAILING = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "Boom"},
        "Boom": {"Type": "Fail", "Error": "Payment.Declined", "Cause": "card expired"},
    },
}


def wait_for_status(moto: Moto, arn: str, status: str) -> None:
    client = moto.client()
    waiter_deadline = datetime.now(UTC) + timedelta(seconds=60)
    while client.describe_execution(executionArn=arn)["status"] != status:
        assert datetime.now(UTC) < waiter_deadline, f"{arn} never became {status}"


async def test_the_overview_lists_failures_across_machines_and_opens_one_on_its_state(
    moto: Moto, tmp_path: Path
) -> None:
    failing_name = unique("payments")
    failing_arn = moto.create_machine(FAILING, failing_name)
    passing_arn = moto.create_machine(PASS_DEFINITION, unique("reports"))
    failed = moto.start(failing_arn)
    passed = moto.start(passing_arn)
    wait_for_status(moto, failed, "FAILED")
    wait_for_status(moto, passed, "SUCCEEDED")

    app = make_app(LocalBackend([tmp_path]), aws=aws_backend(moto, read_only=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: main_screen(pilot).machine is not None, "the app")
        await pilot.press("O")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen), "the overview")
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        await wait_until(pilot, lambda: overview.summary is not None, "the listing")
        summary = overview.summary
        assert summary is not None

        mine = [item for item in summary.problems if item.execution.arn == failed]
        assert len(mine) == 1 and mine[0].machine_name == failing_name
        assert all(item.execution.arn != passed for item in summary.problems)
        assert summary.per_machine[failing_name] == 1
        assert sum(summary.buckets["SUCCEEDED"]) >= 1
        assert sum(summary.buckets["FAILED"]) >= 1
        times = [item.execution.started for item in summary.problems]
        assert times == sorted(times, reverse=True)  # newest first

        # choose the failure: the main screen opens it with the Fail state selected
        row = [item.execution.arn for item in summary.problems].index(failed)
        overview.query_one("DataTable").move_cursor(row=row)  # type: ignore[attr-defined]
        await pilot.press("enter")
        view = execution_view(pilot)
        await wait_until(
            pilot,
            lambda: view.graph is not None and view.graph.selected == "Boom",
            "the failing state selected",
        )
        assert view.execution is not None and view.execution.arn == failed
        said = [note.message for note in app._notifications]  # noqa: SLF001 (what is said)
        assert "FAILED in Boom: Payment.Declined — card expired" in said


async def test_the_window_keys_narrow_the_overview(moto: Moto, tmp_path: Path) -> None:
    failing_arn = moto.create_machine(FAILING, unique("window"))
    failed = moto.start(failing_arn)
    wait_for_status(moto, failed, "FAILED")
    later = datetime.now(UTC) + timedelta(hours=3)
    backend = aws_backend(moto, read_only=True)
    app = make_app(LocalBackend([tmp_path]), aws=backend)
    async with app.run_test(size=(120, 40)) as pilot:
        overview = OverviewScreen([backend], now=lambda: later)
        await app.push_screen(overview)
        await wait_until(pilot, lambda: overview.summary is not None, "the listing")

        def listed() -> list[Any]:
            assert overview.summary is not None
            return [item.execution.arn for item in overview.summary.problems]

        assert failed not in listed()  # three hours ago: not in the last hour
        await pilot.press("2")  # the last 6 hours
        assert failed in listed()
        await pilot.press("1")
        assert failed not in listed()


def faulty_backend(endpoint: FaultyStepFunctions) -> AwsBackend:
    options = ConnectionOptions(endpoint_url=endpoint.url, region=REGION, read_only=True)
    return AwsBackend(options, interval=PollInterval(0.05))


async def test_the_overview_reads_a_busy_machine_past_its_first_thousand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SFNTUI_AWS_RETRY_DELAY", "0.01")
    endpoint = FaultyStepFunctions()
    machine = endpoint.add_machine("busy")
    for index in range(1200):  # all started at the endpoint's fixed time, all failed
        endpoint.add_execution(machine, f"run-{index:04}", history(4, ending="ExecutionFailed"))
    started = endpoint.executions[next(iter(endpoint.executions))].events[0]["timestamp"]
    at = datetime.fromtimestamp(started, UTC) + timedelta(minutes=10)
    with endpoint:
        backend = faulty_backend(endpoint)
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        async with app.run_test(size=(120, 40)) as pilot:
            overview = OverviewScreen([backend], now=lambda: at)
            await app.push_screen(overview)
            await wait_until(pilot, lambda: overview.summary is not None, "the listing")
            assert overview.summary is not None
            assert len(overview.summary.problems) == 1200
            assert overview.summary.per_machine["busy"] == 1200


async def test_the_overview_rides_out_an_outage_and_says_it_is_reconnecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SFNTUI_AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("SFNTUI_AWS_RETRY_DELAY", "0.01")
    endpoint = FaultyStepFunctions()
    machine = endpoint.add_machine("payments")
    failed = endpoint.add_execution(machine, "pay-1", history(4, ending="ExecutionFailed"))
    started = endpoint.executions[failed].events[0]["timestamp"]
    at = datetime.fromtimestamp(started, UTC) + timedelta(minutes=10)
    with endpoint:
        backend = faulty_backend(endpoint)
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: main_screen(pilot).machine is not None, "the app")
            # The endpoint goes down: the first listing and the first try again fail.
            endpoint.script["ListStateMachines"] = ["unavailable", "unavailable"]
            overview = OverviewScreen([backend], now=lambda: at, retry_first=0.3)
            await app.push_screen(overview)
            line = overview.query_one("#overview-trouble", Static)
            await wait_until(pilot, lambda: overview.trouble is not None, "the outage told")
            said = str(line.render())
            assert line.display and said.startswith("⚠ reconnecting in ")
            assert "last update never" in said
            assert overview.summary is None or not overview.summary.problems
            # It answers again: the failure is listed, the line gone, without a key pressed.
            await wait_until(
                pilot,
                lambda: overview.summary is not None and len(overview.summary.problems) == 1,
                "the listing once the endpoint answers",
            )
            assert not line.display and overview.trouble is None
            assert endpoint.faults("ListStateMachines") == ["unavailable", "unavailable"]
            # Down again: what was listed stays, and the line counts from the last update.
            endpoint.always["ListStateMachines"] = "unavailable"
            await pilot.press("R")
            await wait_until(pilot, lambda: overview.trouble is not None, "the second outage")
            assert "s ago" in str(line.render())
            assert overview.summary is not None and len(overview.summary.problems) == 1
