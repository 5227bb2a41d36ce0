"""The table view (key `t`) of an AWS execution: the summary header (ARN, status, times,
redrives, the parent execution), one row per state run with its attempts and a timeline
drawing the retries and their back-off, and every failed attempt with its error and cause.
The history is the fault-injecting endpoint's, written by hand so that its times are fixed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.table_view import TableScreen
from sfntui.tui.widgets.execution_summary import ExecutionSummaryHeader
from sfntui.tui.widgets.execution_table import ExecutionTable
from tests.tui.steps import execution_view, sidebar, wait_until

from .fault_endpoint import ACCOUNT, REGION, FaultyStepFunctions

T0 = 1_764_979_200.0  # 2025-12-06T00:00:00Z
PARENT = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:checkout:p-1"
SIZE = (130, 36)


def event(event_id: int, seconds: float, kind: str, **details: Any) -> dict[str, Any]:
    return {"id": event_id, "previousEventId": event_id - 1, "timestamp": T0 + seconds,
            "type": kind, **details}  # fmt: skip


def entered(name: str) -> dict[str, Any]:
    return {"stateEnteredEventDetails": {"name": name, "input": "{}"}}


def exited(name: str) -> dict[str, Any]:
    return {"stateExitedEventDetails": {"name": name, "output": "{}"}}


LAMBDA = {"resource": "invoke", "resourceType": "lambda"}
DECLINED = {"taskFailedEventDetails": {**LAMBDA, "error": "Card.Declined", "cause": "busy"}}
SCHEDULED = {"taskScheduledEventDetails": {**LAMBDA, "region": REGION, "parameters": "{}"}}
STARTED = {"taskStartedEventDetails": LAMBDA}
CHARGE_TWICE = [
    event(1, 0.0, "ExecutionStarted", executionStartedEventDetails={
        "input": json.dumps({"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": PARENT}),
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/r"}),
    event(2, 0.1, "PassStateEntered", **entered("Validate")),
    event(3, 0.2, "PassStateExited", **exited("Validate")),
    event(4, 0.3, "TaskStateEntered", **entered("Charge")),
    event(5, 0.3, "TaskScheduled", **SCHEDULED),
    event(6, 0.4, "TaskStarted", **STARTED),
    event(7, 1.0, "TaskFailed", **DECLINED),
    event(8, 3.0, "TaskScheduled", **SCHEDULED),
    event(9, 3.1, "TaskStarted", **STARTED),
    event(10, 4.0, "TaskFailed", **DECLINED),
    event(11, 4.0, "TaskStateExited", **exited("Charge")),
    event(12, 4.1, "FailStateEntered", **entered("Reject")),
    event(13, 4.1, "ExecutionFailed", executionFailedEventDetails={
        "error": "Order.Rejected", "cause": "card declined twice"}),
]  # fmt: skip


@pytest.fixture
def faulty() -> Iterator[FaultyStepFunctions]:
    with FaultyStepFunctions() as endpoint:
        machine = endpoint.add_machine("orders")
        endpoint.add_execution(machine, "declined", CHARGE_TWICE)
        yield endpoint


def app_on(faulty: FaultyStepFunctions, folder: Path) -> Any:
    options = ConnectionOptions(endpoint_url=faulty.url, region=REGION)
    return make_app(LocalBackend([folder]), aws=AwsBackend(options, interval=PollInterval(0.05)))


async def open_table(pilot: Pilot[Any], faulty: FaultyStepFunctions) -> TableScreen:
    [machine] = faulty.machines
    [execution] = faulty.executions
    await wait_until(pilot, lambda: bool(pilot.app.screen.query("Sidebar")), "the sidebar")
    tree = sidebar(pilot)
    await wait_until(pilot, lambda: tree.machine_node(machine) is not None, "listed")
    tree.select_node(tree.machine_node(machine))
    await wait_until(pilot, lambda: tree.execution_node(execution) is not None, "its run")
    tree.select_node(tree.execution_node(execution))
    view = execution_view(pilot)
    await wait_until(pilot, lambda: view.status == "FAILED", "the whole history")
    view.event_log.focus()
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TableScreen), "the table")
    screen = pilot.app.screen
    assert isinstance(screen, TableScreen)
    return screen


async def test_the_table_shows_each_run_its_attempts_timeline_and_failures(
    faulty: FaultyStepFunctions, tmp_path: Path, utc: None
) -> None:
    async with app_on(faulty, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_table(pilot, faulty)
        table = screen.query_one(ExecutionTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        summary = screen.query_one(ExecutionSummaryHeader).plain
        failures = str(screen.query_one("#execution-failures").render())

        assert [row[:2] for row in rows] == [["Validate", "Pass"], ["Charge", "Task"],
                                             ["Reject", "Fail"]]  # fmt: skip
        charge = rows[1]
        assert charge[5] == "2" and charge[4] == "3.7 s"
        assert "·" in charge[6] and "━" in charge[6]  # two attempts, the back-off between
        assert charge[7] == "Card.Declined: busy"
        assert "Charge (attempt 1): Card.Declined: busy" in failures
        assert "Charge (attempt 2): Card.Declined: busy" in failures
        assert "Order.Rejected" in summary and "card declined twice" in summary
        assert PARENT in summary and "Redrives" in summary and "4.100 s" in summary

        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, TableScreen)


def test_the_table_view_snapshot(
    snap_compare: Any, faulty: FaultyStepFunctions, tmp_path: Path, utc: None
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_table(pilot, faulty)

    assert snap_compare(app_on(faulty, tmp_path), terminal_size=SIZE, run_before=run_before)
