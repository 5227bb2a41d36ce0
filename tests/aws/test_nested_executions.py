"""Nested executions in the app: from a parent's `states:startExecution` Task, N opens the
child; from the child, N opens the parent (named in its input). The child is a real moto
execution; the parent's history, which moto cannot write, comes from the fake endpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.history.nested import STARTED_BY
from sfntui.tui.app import make_app
from tests.tui.steps import execution_view, main_screen, wait_until

from .conftest import PASS_DEFINITION, REGION, Moto, unique
from .endpoints import FakeEndpoint, Reply
from .test_overview import wait_for_status

AT = datetime(2026, 12, 6, 3, 0, tzinfo=UTC).timestamp()


def parent_definition(child_machine: str) -> dict[str, Any]:
    return {
        "StartAt": "RunChild",
        "States": {
            "RunChild": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": {
                    "StateMachineArn": child_machine,
                    "Input": {f"{STARTED_BY}.$": "$$.Execution.Id"},
                },
                "End": True,
            }
        },
    }


def parent_history(child: str) -> list[dict[str, Any]]:
    output = json.dumps({"ExecutionArn": child, "StartDate": AT})
    states = {"resourceType": "states", "resource": "startExecution"}
    return [
        {"id": 1, "timestamp": AT, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}", "roleArn": "r"}},
        {"id": 2, "previousEventId": 1, "timestamp": AT, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "RunChild", "input": "{}"}},
        {"id": 3, "previousEventId": 2, "timestamp": AT, "type": "TaskScheduled",
         "taskScheduledEventDetails": states | {"region": REGION, "parameters": "{}"}},
        {"id": 4, "previousEventId": 3, "timestamp": AT, "type": "TaskStarted",
         "taskStartedEventDetails": states},
        {"id": 5, "previousEventId": 4, "timestamp": AT, "type": "TaskSucceeded",
         "taskSucceededEventDetails": states | {"output": output}},
        {"id": 6, "previousEventId": 5, "timestamp": AT, "type": "TaskStateExited",
         "stateExitedEventDetails": {"name": "RunChild", "output": output}},
        {"id": 7, "previousEventId": 6, "timestamp": AT, "type": "ExecutionSucceeded",
         "executionSucceededEventDetails": {"output": output}},
    ]  # fmt: skip


async def test_n_opens_the_child_from_the_task_and_the_parent_from_the_child(
    moto: Moto, tmp_path: Path
) -> None:
    child_machine = moto.create_machine(PASS_DEFINITION, unique("child"))
    parent_machine = moto.create_machine(parent_definition(child_machine), unique("parent"))
    parent = moto.start(parent_machine)
    child = moto.start(child_machine, {STARTED_BY: parent})
    wait_for_status(moto, child, "SUCCEEDED")
    history = parent_history(child)
    parent_description = {"executionArn": parent, "stateMachineArn": parent_machine}
    parent_description |= {"name": parent.rsplit(":", 1)[-1], "status": "SUCCEEDED"}
    parent_description |= {"startDate": AT, "stopDate": AT, "input": "{}"}
    fake: FakeEndpoint

    def get_history(body: dict[str, Any]) -> Reply:
        if body["executionArn"] != parent:
            return 200, fake.upstream_call("GetExecutionHistory", body, REGION)
        events = list(reversed(history)) if body.get("reverseOrder") else history
        return 200, {"events": events}

    def describe_execution(body: dict[str, Any]) -> Reply:
        if body["executionArn"] != parent:
            return 200, fake.upstream_call("DescribeExecution", body, REGION)
        return 200, parent_description

    handlers = {"GetExecutionHistory": get_history, "DescribeExecution": describe_execution}
    with FakeEndpoint(handlers, upstream=moto.url) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION, read_only=True)
        backend = AwsBackend(options, interval=PollInterval(0.1, 0.3))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(pilot)
            await wait_until(pilot, lambda: screen.machine is not None, "the app")
            summary = next(e for e in await backend.list_executions(parent_machine))
            screen.open_execution(summary, backend)
            view = execution_view(pilot)
            await wait_until(
                pilot,
                lambda: view.projection is not None and len(view.projection.events) == 7,
                "the parent's history",
            )
            assert view.graph is not None
            view.graph.selected = "RunChild"
            await pilot.press("N")
            await wait_until(
                pilot,
                lambda: view.execution is not None and view.execution.arn == child,
                "the child open",
            )
            await wait_until(
                pilot,
                lambda: view.projection is not None and view.projection.input is not None,
                "the child's history",
            )
            await pilot.press("N")
            await wait_until(
                pilot,
                lambda: view.execution is not None and view.execution.arn == parent,
                "the parent open again",
            )
