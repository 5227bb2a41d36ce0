"""`sfntui tail`: one line per event whatever the event holds, and the exit code of how the
execution ended even when the history lags behind DescribeExecution (which the API reference
calls eventually consistent)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sfntui.cli import main

from .conftest import Moto
from .endpoints import FakeEndpoint, Reply

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_error_name_with_a_line_break_still_prints_one_line_per_event(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = {
        "StartAt": "Broken",
        "States": {"Broken": {"Type": "Fail", "Error": "Order\nInvalid", "Cause": "no\nitems"}},
    }
    execution = moto.start(moto.create_machine(failing))

    code, out, err = run(capsys, "tail", execution, "--interval", "0.2", "--endpoint-url", moto.url)

    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert [line.split()[2] for line in lines] == [
        "ExecutionStarted",
        "FailStateEntered",
        "ExecutionFailed",
    ]
    assert lines[-1].endswith("Order Invalid: no items")


def event(event_id: int, kind: str) -> dict[str, Any]:
    return {"id": event_id, "previousEventId": event_id - 1, "timestamp": 1.7e9, "type": kind}


def test_a_tail_waits_for_the_last_events_when_the_history_lags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = [event(1, "ExecutionStarted"), event(2, "PassStateEntered")]
    ended = [*started, event(3, "PassStateExited"), event(4, "ExecutionSucceeded")]
    described = [0]

    def describe(body: dict[str, Any]) -> Reply:
        described[0] += 1
        status = "SUCCEEDED"
        return 200, {
            "executionArn": EXECUTION,
            "stateMachineArn": EXECUTION.replace("execution", "stateMachine").rsplit(":", 1)[0],
            "status": status,
            "startDate": 1.7e9,
        }

    history_reads_after_end = [0]

    def history(body: dict[str, Any]) -> Reply:
        # the history shows the end only on the second read after DescribeExecution did
        if described[0]:
            history_reads_after_end[0] += 1
        events = ended if history_reads_after_end[0] >= 2 else started
        ordered = list(reversed(events)) if body.get("reverseOrder") else events
        return 200, {"events": ordered}

    handlers = {"DescribeExecution": describe, "GetExecutionHistory": history}
    with FakeEndpoint(handlers) as fake:
        code, out, err = run(
            capsys, "tail", EXECUTION, "--json", "--interval", "0.05", "--endpoint-url", fake.url
        )

    assert err == ""
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1, 2, 3, 4]
    assert code == 0


def test_a_tail_exits_as_described_when_the_history_never_shows_the_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = [event(1, "ExecutionStarted")]
    handlers = {
        "DescribeExecution": lambda body: (
            200,
            {
                "executionArn": EXECUTION,
                "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
                "status": "SUCCEEDED",
                "startDate": 1.7e9,
            },
        ),
        "GetExecutionHistory": lambda body: (200, {"events": started}),
    }
    with FakeEndpoint(handlers) as fake:
        code, out, _ = run(
            capsys, "tail", EXECUTION, "--interval", "0.05", "--endpoint-url", fake.url
        )

    assert len(out.splitlines()) == 1
    assert code == 0
