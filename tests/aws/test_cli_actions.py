"""`sfntui start | stop | redrive` end to end: against moto's server (start, stop) and a fake
endpoint (redrive, which moto lacks); --yes, --json, asking on a terminal, --read-only."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from sfntui.cli import main

from .conftest import Moto, unique
from .endpoints import FakeEndpoint

WAITS = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 30, "End": True}}}
FAILED_RUN = "arn:aws:states:us-east-1:123456789012:execution:orders:run-7"


class Terminal(io.StringIO):
    """stdin as a terminal the person types `answer` into."""

    def isatty(self) -> bool:
        return True


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_start_with_yes_and_json_starts_it_with_the_input_and_name(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    name = unique("orders")
    machine = moto.create_machine(WAITS, name)

    code, out, err = run(
        capsys, "start", name, "--input", '{"order": 7}', "--name", "first",
        "--yes", "--json", "--endpoint-url", moto.url,
    )  # fmt: skip

    assert (code, err) == (0, "")
    arn = json.loads(out)["executionArn"]
    assert arn.endswith(":first")
    described = moto.client().describe_execution(executionArn=arn)
    assert json.loads(described["input"]) == {"order": 7}
    assert described["stateMachineArn"] == machine
    moto.client().stop_execution(executionArn=arn)


def test_start_asks_on_a_terminal_and_does_nothing_unless_told_yes(
    moto: Moto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = unique("orders")
    machine = moto.create_machine(WAITS, name)

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    declined = run(capsys, "start", name, "--endpoint-url", moto.url)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    accepted = run(capsys, "start", name, "--endpoint-url", moto.url)

    assert declined[0] == 1
    assert "[y/N]" in declined[2] and "not confirmed" in declined[2]
    assert accepted[0] == 0 and accepted[1].startswith("started arn:aws:states:")
    listed = moto.client().list_executions(stateMachineArn=machine)["executions"]
    assert len(listed) == 1
    moto.client().stop_execution(executionArn=listed[0]["executionArn"])


def test_without_a_terminal_or_yes_nothing_is_started(
    moto: Moto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = unique("orders")
    machine = moto.create_machine(WAITS, name)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    code, _, err = run(capsys, "start", name, "--endpoint-url", moto.url)

    assert code == 1
    assert "--yes" in err
    assert moto.client().list_executions(stateMachineArn=machine)["executions"] == []


def test_bad_input_is_one_sentence(moto: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    name = unique("orders")
    moto.create_machine(WAITS, name)

    code, _, err = run(
        capsys, "start", name, "--input", "{oops", "--yes", "--endpoint-url", moto.url
    )

    assert code == 2
    assert err.startswith("sfntui: The input is not JSON") and "Traceback" not in err


def test_stop_with_an_error_and_a_cause(moto: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    machine = moto.create_machine(WAITS, unique("orders"))
    execution = moto.start(machine)

    code, out, err = run(
        capsys, "stop", execution, "--error", "Ops.Stopped", "--cause", "bad deploy",
        "--yes", "--json", "--endpoint-url", moto.url,
    )  # fmt: skip

    assert (code, err) == (0, "")
    assert json.loads(out)["executionArn"] == execution
    described = moto.client().describe_execution(executionArn=execution)
    assert described["status"] == "ABORTED"


def test_read_only_refuses_to_stop_before_asking(
    moto: Moto, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    machine = moto.create_machine(WAITS, unique("orders"))
    execution = moto.start(machine)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))

    code, out, err = run(
        capsys, "stop", execution, "--yes", "--read-only", "--endpoint-url", moto.url
    )

    assert code == 2 and out == ""
    assert "read-only" in err and "[y/N]" not in out + err
    assert moto.client().describe_execution(executionArn=execution)["status"] == "RUNNING"
    moto.client().stop_execution(executionArn=execution)


def test_redrive_with_yes_prints_the_date_and_read_only_refuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def redrive(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {"redriveDate": 1_700_000_123.5}

    with FakeEndpoint({"RedriveExecution": redrive}) as fake:
        code, out, err = run(
            capsys, "redrive", FAILED_RUN, "--yes", "--json", "--endpoint-url", fake.url
        )
        refused = run(
            capsys, "redrive", FAILED_RUN, "--yes", "--read-only", "--endpoint-url", fake.url
        )

    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert answer["executionArn"] == FAILED_RUN and answer["redriveDate"].startswith("2023-11-14")
    assert len(fake.actions("RedriveExecution")) == 1
    assert refused[0] == 2 and "read-only" in refused[2]
