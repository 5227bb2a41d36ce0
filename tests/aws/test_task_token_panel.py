"""A Task waiting for a callback, answered from the app: the fake endpoint in front of moto
serves a history where a `.waitForTaskToken` Task waits (moto cannot keep one waiting), the
person selects it, presses T, sees its token, types an output, confirms, and the endpoint
receives SendTaskSuccess with that token and output; read-only hides the answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import TextArea

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.confirm_dialog import ConfirmDialog
from sfntui.tui.screens.task_panel import TaskPanel
from tests.tui.steps import execution_view, main_screen, wait_until

from .conftest import REGION, Moto, unique
from .endpoints import FakeEndpoint, Reply

TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAT0k-token-of-the-waiting-task"
WAITING = {
    "StartAt": "Approve",
    "States": {
        "Approve": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                "MessageBody": {"order.$": "$.order", "token.$": "$$.Task.Token"},
            },
            "End": True,
        }
    },
}


def waiting_history(execution_arn: str) -> list[dict[str, Any]]:
    at = datetime(2026, 12, 6, 3, 0, tzinfo=UTC).timestamp()
    parameters = {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {"order": 7, "token": TOKEN},
    }
    return [
        {
            "id": 1,
            "timestamp": at,
            "type": "ExecutionStarted",
            "executionStartedEventDetails": {"input": '{"order": 7}', "roleArn": "r"},
        },
        {
            "id": 2,
            "previousEventId": 1,
            "timestamp": at,
            "type": "TaskStateEntered",
            "stateEnteredEventDetails": {"name": "Approve", "input": '{"order": 7}'},
        },
        {
            "id": 3,
            "previousEventId": 2,
            "timestamp": at,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {
                "resourceType": "sqs",
                "resource": "sendMessage.waitForTaskToken",
                "region": REGION,
                "parameters": json.dumps(parameters),
            },
        },
        {
            "id": 4,
            "previousEventId": 3,
            "timestamp": at,
            "type": "TaskStarted",
            "taskStartedEventDetails": {"resourceType": "sqs", "resource": "sendMessage"},
        },
    ]


async def test_a_callback_token_answered_with_success_from_the_app(
    moto: Moto, tmp_path: Path
) -> None:
    machine = moto.create_machine(WAITING, unique("approvals"))
    execution = moto.start(machine, {"order": 7})
    history = waiting_history(execution)
    running = {"executionArn": execution, "stateMachineArn": machine, "name": "x"}
    running |= {"status": "RUNNING", "startDate": history[0]["timestamp"], "input": "{}"}

    def get_history(body: dict[str, Any]) -> Reply:
        events = list(reversed(history)) if body.get("reverseOrder") else history
        return 200, {"events": events}

    handlers = {
        "GetExecutionHistory": get_history,
        "DescribeExecution": lambda _body: (200, running),
        "SendTaskSuccess": lambda _body: (200, {}),
    }
    with FakeEndpoint(handlers, upstream=moto.url) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION)
        backend = AwsBackend(options, interval=PollInterval(0.1, 0.3))
        app = make_app(LocalBackend([tmp_path]), aws=backend)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(pilot)
            await wait_until(pilot, lambda: screen.machine is not None, "the app")
            summary = next(
                e for e in await backend.list_executions(machine) if e.arn == execution
            )
            screen.open_execution(summary, backend)
            view = execution_view(pilot)
            await wait_until(
                pilot,
                lambda: view.projection is not None and len(view.projection.events) == 4,
                "the waiting Task's history",
            )
            graph = view.graph
            assert graph is not None
            graph.selected = "Approve"
            await pilot.press("T")
            await wait_until(pilot, lambda: isinstance(app.screen, TaskPanel), "the task panel")
            panel = app.screen
            assert isinstance(panel, TaskPanel)
            assert panel.token == TOKEN
            panel.query_one("#task-output", TextArea).text = '{"approved": true}'
            await pilot.click("#send-heartbeat")  # asked first: Escape sends nothing
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "asked")
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is panel, "back to the panel")
            assert not fake.actions("SendTaskHeartbeat") and panel.sent == []
            await pilot.click("#send-success")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), "confirm")
            dialog = app.screen
            assert isinstance(dialog, ConfirmDialog)  # the app's one confirmation dialog
            assert "the task Approve of the execution" in dialog.question
            assert execution in dialog.question  # named by its ARN
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: panel.sent == ["success"], "the answer sent")
            sent = fake.actions("SendTaskSuccess")
            assert len(sent) == 1
            assert sent[0].body["taskToken"] == TOKEN
            assert json.loads(sent[0].body["output"]) == {"approved": True}
