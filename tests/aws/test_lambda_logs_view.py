"""A Lambda Task's failure with its log lines: the fake endpoint in front of moto serves a
history where a `lambda:invoke` Task failed (its cause holds the request id) and answers
FilterLogEvents for `/aws/lambda/<function>`; L on the Task shows the error and the lines of
that invocation alone, asked by request id within the Task's time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.history.invocation import lambda_invocation
from sfntui.tui.app import make_app
from sfntui.tui.screens.lambda_logs import LambdaLogsScreen
from tests.tui.steps import execution_view, main_screen, wait_until

from .conftest import REGION, Moto, unique
from .endpoints import FakeEndpoint, Reply

REQUEST = "6f1c2b9e-0c8a-4c1e-9d0e-2b1f3a4c5d6e"
FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:charge-card:live"
INVOKE = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": FUNCTION, "Payload.$": "$"},
            "End": True,
        }
    },
}
AT = datetime(2026, 12, 6, 3, 0, tzinfo=UTC).timestamp()
CAUSE = {
    "errorMessage": "card expired",
    "errorType": "CardError",
    "requestId": REQUEST,
    "stackTrace": [],
}


def failed_history() -> list[dict[str, Any]]:
    parameters = {"FunctionName": FUNCTION, "Payload": {}}
    return [
        {"id": 1, "timestamp": AT, "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": "{}", "roleArn": "r"}},
        {"id": 2, "previousEventId": 1, "timestamp": AT, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "Charge", "input": "{}"}},
        {"id": 3, "previousEventId": 2, "timestamp": AT, "type": "TaskScheduled",
         "taskScheduledEventDetails": {"resourceType": "lambda", "resource": "invoke",
                                       "region": REGION, "parameters": json.dumps(parameters)}},
        {"id": 4, "previousEventId": 3, "timestamp": AT + 1, "type": "TaskStarted",
         "taskStartedEventDetails": {"resourceType": "lambda", "resource": "invoke"}},
        {"id": 5, "previousEventId": 4, "timestamp": AT + 2, "type": "TaskFailed",
         "taskFailedEventDetails": {"resourceType": "lambda", "resource": "invoke",
                                    "error": "CardError", "cause": json.dumps(CAUSE)}},
        {"id": 6, "previousEventId": 5, "timestamp": AT + 2, "type": "ExecutionFailed",
         "executionFailedEventDetails": {"error": "CardError", "cause": json.dumps(CAUSE)}},
    ]  # fmt: skip


def test_the_request_id_is_read_from_the_failure_cause() -> None:
    invocation = lambda_invocation(failed_history())
    assert invocation is not None
    assert invocation.function == FUNCTION and invocation.request_id == REQUEST


async def test_a_lambda_failure_with_its_log_lines(moto: Moto, tmp_path: Path) -> None:
    machine = moto.create_machine(INVOKE, unique("charges"))
    execution = moto.start(machine)
    history = failed_history()
    failed = {"executionArn": execution, "stateMachineArn": machine, "name": "x"}
    failed |= {"status": "FAILED", "startDate": AT, "stopDate": AT + 2, "input": "{}"}
    lines = [
        (AT + 1, f"START RequestId: {REQUEST} Version: 3"),
        (AT + 1.5, f"2026-12-06T03:00:01.5Z\t{REQUEST}\tERROR\tcard expired for order 7"),
        (AT + 2, f"END RequestId: {REQUEST}"),
    ]

    def get_history(body: dict[str, Any]) -> Reply:
        events = list(reversed(history)) if body.get("reverseOrder") else history
        return 200, {"events": events}

    def filter_log_events(body: dict[str, Any]) -> Reply:
        group, pattern = body["logGroupName"], body["filterPattern"]
        if group != "/aws/lambda/charge-card" or REQUEST not in pattern:
            return 200, {"events": []}
        inside = [
            {"timestamp": int(at * 1000), "message": message + "\n"}
            for at, message in lines
            if body["startTime"] <= at * 1000 <= body["endTime"]
        ]
        return 200, {"events": inside}

    handlers = {
        "GetExecutionHistory": get_history,
        "DescribeExecution": lambda _body: (200, failed),
        "FilterLogEvents": filter_log_events,
    }
    with FakeEndpoint(handlers, upstream=moto.url) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION, read_only=True)
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
                lambda: view.projection is not None and len(view.projection.events) == 6,
                "the failed Task's history",
            )
            graph = view.graph
            assert graph is not None
            graph.selected = "Charge"
            await pilot.press("L")
            await wait_until(pilot, lambda: isinstance(app.screen, LambdaLogsScreen), "logs")
            logs = app.screen
            assert isinstance(logs, LambdaLogsScreen)
            await wait_until(pilot, lambda: logs.lines is not None, "the log lines")
            assert [line for _at, line in logs.lines or []] == [m for _at, m in lines]
            assert logs.failure[0] == "CardError"
            asked = fake.actions("FilterLogEvents")
            assert asked and asked[0].body["startTime"] <= AT * 1000
            assert asked[0].body["endTime"] >= (AT + 2) * 1000
