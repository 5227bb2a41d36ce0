"""Snapshots of the on-call screens an AWS execution leads to: its Map Runs (`M`), a Lambda
Task's log lines (`L`) and the task panel of a Task waiting for a callback (`T`).

Everything comes from the project's fault-injecting endpoint with fixed data (no moto: its
ARNs and times change from run to run), answering the Map Run and CloudWatch Logs actions as
well, so each picture is the same on every machine."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import SfntuiApp, make_app
from sfntui.tui.screens.lambda_logs import LambdaLogsScreen
from sfntui.tui.screens.map_runs import MapRunsScreen
from sfntui.tui.screens.task_panel import TaskPanel
from tests.tui.steps import execution_view, main_screen, steady_cursors, wait_until

from .endpoints import Reply
from .fault_endpoint import ACCOUNT, REGION, FaultyStepFunctions
from .test_lambda_logs_view import AT, INVOKE, REQUEST, failed_history
from .test_task_token_panel import WAITING, waiting_history

SIZE = (120, 34)
MAP_RUN = f"arn:aws:states:{REGION}:{ACCOUNT}:mapRun:fanout/Items:7f3a"
FANOUT = {
    "StartAt": "Items",
    "States": {
        "Items": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Work",
                "States": {"Work": {"Type": "Pass", "End": True}},
            },
            "End": True,
        }
    },
}


def fanout_history() -> list[dict[str, Any]]:
    def event(event_id: int, seconds: float, kind: str, **details: Any) -> dict[str, Any]:
        return {"id": event_id, "previousEventId": event_id - 1, "timestamp": AT + seconds,
                "type": kind, **details}  # fmt: skip

    return [
        event(1, 0, "ExecutionStarted",
              executionStartedEventDetails={"input": "{}", "roleArn": "r"}),
        event(2, 0, "MapStateEntered",
              stateEnteredEventDetails={"name": "Items", "input": "{}"}),
        event(3, 0, "MapRunStarted", mapRunStartedEventDetails={"mapRunArn": MAP_RUN}),
        event(4, 9, "MapRunFailed",
              mapRunFailedEventDetails={"error": "States.ExceedToleratedFailureThreshold"}),
        event(5, 9, "ExecutionFailed",
              executionFailedEventDetails={"error": "States.ExceedToleratedFailureThreshold"}),
    ]  # fmt: skip


def item_history(index: int, ending: str) -> list[dict[str, Any]]:
    start = AT + index
    details = {"executionFailedEventDetails": {"error": "Item.Bad"}} if ending == "Failed" else {}
    return [
        {"id": 1, "timestamp": start, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}", "roleArn": "r"}},
        {"id": 2, "previousEventId": 1, "timestamp": start + 2, "type": f"Execution{ending}",
         **details},
    ]  # fmt: skip


class Account:
    """The endpoint with three executions to look into, and the children of a Map Run."""

    def __init__(self, endpoint: FaultyStepFunctions) -> None:
        self.endpoint = endpoint
        self.definitions: dict[str, dict[str, Any]] = {}
        self.fanout = self._add("fanout", "nightly", fanout_history(), FANOUT)
        self.charge = self._add("charges", "order-7", failed_history(), INVOKE)
        approvals = endpoint.add_machine("approvals")
        self.approval = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:approvals:order-8"
        endpoint.add_execution(approvals, "order-8", waiting_history(self.approval))
        self.definitions[approvals] = WAITING
        items = endpoint.add_machine("fanout-items")
        self.children = [
            endpoint.add_execution(items, f"item-{index}", item_history(index, ending))
            for index, ending in enumerate(("Succeeded", "Failed", "Succeeded", "Failed"), 1)
        ]
        handlers = endpoint.endpoint.handlers
        listing = handlers["ListExecutions"]
        handlers["ListExecutions"] = lambda body: (
            self._children() if body.get("mapRunArn") == MAP_RUN else listing(body)
        )
        for action in ("DescribeStateMachine", "DescribeStateMachineForExecution"):
            handlers[action] = self._with_definition(handlers[action])
        handlers["ListMapRuns"] = self._list_map_runs
        handlers["DescribeMapRun"] = self._describe_map_run
        handlers["FilterLogEvents"] = self._filter_log_events

    def _add(
        self, machine: str, name: str, events: list[dict[str, Any]], definition: dict[str, Any]
    ) -> str:
        arn = self.endpoint.add_machine(machine)
        self.definitions[arn] = definition
        return self.endpoint.add_execution(arn, name, events)

    def _with_definition(self, answer: Callable[[dict[str, Any]], Any]) -> Callable[..., Any]:
        def describe(body: dict[str, Any]) -> Any:
            reply = answer(body)
            if isinstance(reply, tuple) and reply[0] == 200:
                found = self.definitions.get(reply[1]["stateMachineArn"])
                if found is not None:
                    return 200, {**reply[1], "definition": json.dumps(found)}
            return reply

        return describe

    def _children(self) -> Reply:
        executions = self.endpoint.executions
        return 200, {"executions": [executions[arn].summary() for arn in self.children]}

    def _list_map_runs(self, body: dict[str, Any]) -> Reply:
        run = {"executionArn": self.fanout, "mapRunArn": MAP_RUN, "startDate": AT}
        runs = [run | {"stateMachineArn": run["executionArn"]}]
        return 200, {"mapRuns": runs if body["executionArn"] == self.fanout else []}

    def _describe_map_run(self, body: dict[str, Any]) -> Reply:
        counts = {"total": 4, "succeeded": 2, "failed": 2, "pending": 0, "running": 0}
        counts |= {"timedOut": 0, "aborted": 0, "resultsWritten": 4}
        return 200, {
            "mapRunArn": body["mapRunArn"],
            "executionArn": self.fanout,
            "status": "FAILED",
            "startDate": AT,
            "stopDate": AT + 9,
            "maxConcurrency": 10,
            "toleratedFailurePercentage": 0,
            "toleratedFailureCount": 0,
            "itemCounts": counts,
            "executionCounts": counts,
        }

    def _filter_log_events(self, body: dict[str, Any]) -> Reply:
        lines = [
            (AT + 1, f"START RequestId: {REQUEST} Version: 3"),
            (AT + 1.2, f"2026-12-06T03:00:01.200Z\t{REQUEST}\tINFO\tcharging order 7: 42.50 EUR"),
            (AT + 1.5, f"2026-12-06T03:00:01.500Z\t{REQUEST}\tERROR\tcard expired (2026-11)"),
            (AT + 2, f"END RequestId: {REQUEST}"),
            (AT + 2, f"REPORT RequestId: {REQUEST}\tDuration: 812.40 ms\tMax Memory Used: 91 MB"),
        ]
        events = [{"timestamp": int(at * 1000), "message": line + "\n"} for at, line in lines]
        return 200, {"events": events if REQUEST in body.get("filterPattern", "") else []}


@pytest.fixture
def account() -> Iterator[Account]:
    with FaultyStepFunctions() as endpoint:
        yield Account(endpoint)


class FixedLabels(AwsBackend):
    label = "AWS us-east-1"  # type: ignore[assignment]  # not the endpoint's port


class NoMachines(LocalBackend):
    label = "local"  # type: ignore[assignment]  # not the test's folder


def app_on(account: Account, folder: Path) -> SfntuiApp:
    options = ConnectionOptions(endpoint_url=account.endpoint.url, region=REGION)
    backend = FixedLabels(options, interval=PollInterval(0.05))
    return make_app(NoMachines([folder]), aws=backend)


async def open_on(pilot: Pilot[Any], arn: str, state: str | None, events: int) -> None:
    """Open the execution `arn` (from the AWS backend) and select `state` in its graph."""
    app = pilot.app
    assert isinstance(app, SfntuiApp)
    screen = main_screen(pilot)
    await wait_until(pilot, lambda: screen.machine is not None, "the app")
    backend = app.backends[-1]
    machine = arn.split(":")[-2]
    [summary] = [
        e
        for e in await backend.list_executions(f"arn:aws:states:{REGION}:{ACCOUNT}:"
                                               f"stateMachine:{machine}")
        if e.arn == arn
    ]  # fmt: skip
    screen.open_execution(summary, backend)
    view = execution_view(pilot)
    await wait_until(
        pilot,
        lambda: view.projection is not None and len(view.projection.events) == events,
        "the execution's history",
    )
    if state is not None:
        graph = view.graph
        assert graph is not None
        graph.selected = state


def test_the_map_runs_screen(
    snap_compare: Any, account: Account, tmp_path: Path, utc: None
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_on(pilot, account.fanout, None, 5)
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MapRunsScreen), "Map Runs")
        screen = pilot.app.screen
        assert isinstance(screen, MapRunsScreen)
        await wait_until(pilot, lambda: screen.child_executions is not None, "the children")
        await pilot.pause()

    assert snap_compare(app_on(account, tmp_path), terminal_size=SIZE, run_before=run_before)


def test_the_lambda_log_screen(
    snap_compare: Any, account: Account, tmp_path: Path, utc: None
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_on(pilot, account.charge, "Charge", 6)
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LambdaLogsScreen), "logs")
        screen = pilot.app.screen
        assert isinstance(screen, LambdaLogsScreen)
        await wait_until(pilot, lambda: screen.lines is not None, "the log lines")
        await pilot.pause()

    assert snap_compare(app_on(account, tmp_path), terminal_size=SIZE, run_before=run_before)


def test_the_task_panel_with_its_callback_token(
    snap_compare: Any, account: Account, tmp_path: Path, utc: None
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_on(pilot, account.approval, "Approve", 4)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TaskPanel), "the panel")
        steady_cursors(pilot)
        await pilot.pause()

    assert snap_compare(app_on(account, tmp_path), terminal_size=SIZE, run_before=run_before)
