"""The overview against moto's server: a failed execution of one machine and a successful one
of another are listed as a person sees them (the failure alone in the table, counted under its
machine, both in the chart), and choosing the failure opens it on its failing state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.overview import OverviewScreen
from tests.tui.steps import execution_view, main_screen, wait_until

from .conftest import PASS_DEFINITION, Moto, unique
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
