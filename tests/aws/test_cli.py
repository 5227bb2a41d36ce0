"""`sfntui ls | executions | history | tail` end to end against moto's server."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from sfntui.cli import main
from sfntui.history.events import load_history_file

from .conftest import Moto, unique

WAIT_THEN_PASS = {
    "StartAt": "Hold",
    "States": {
        "Hold": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": {"ok": True}, "End": True},
    },
}
FAILS = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Pass", "Next": "Broken"},
        "Broken": {"Type": "Fail", "Error": "Order.Invalid", "Cause": "no items"},
    },
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_ls_lists_state_machines(moto: Moto, capsys: pytest.CaptureFixture[str]) -> None:
    name = unique("listed")
    arn = moto.create_machine(WAIT_THEN_PASS, name)

    code, out, err = run(capsys, "ls", "--endpoint-url", moto.url)
    json_code, json_out, _ = run(capsys, "ls", "--json", "--endpoint-url", moto.url)

    assert (code, err) == (0, "")
    line = next(line for line in out.splitlines() if line.startswith(name))
    assert "STANDARD" in line and line.endswith(arn)
    listed = json.loads(json_out)["stateMachines"]
    assert json_code == 0
    assert {"stateMachineArn": arn, "name": name, "type": "STANDARD"}.items() <= next(
        m for m in listed if m["name"] == name
    ).items()


def test_executions_by_name_with_a_status_filter(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    name = unique("orders")
    machine = moto.create_machine(FAILS, name)
    failed = [moto.start(machine, name=f"bad-{i}") for i in range(3)]

    code, out, err = run(
        capsys, "executions", name, "--status", "FAILED", "--limit", "2", "--endpoint-url", moto.url
    )
    json_code, json_out, _ = run(
        capsys, "executions", machine, "--json", "--endpoint-url", moto.url
    )

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("FAILED") for line in lines)
    assert {line.split()[-1] for line in lines} <= set(failed)
    assert json_code == 0
    assert sorted(e["executionArn"] for e in json.loads(json_out)["executions"]) == sorted(failed)


def test_history_json_round_trips_through_a_file(
    moto: Moto, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    execution = moto.start(moto.create_machine(FAILS))
    moto.client().get_execution_history(executionArn=execution)  # moto has run it by now

    code, out, err = run(capsys, "history", execution, "--json", "--endpoint-url", moto.url)
    saved = tmp_path / "history.json"
    saved.write_text(out, encoding="utf-8")
    text_code, text_out, _ = run(capsys, "history", str(saved))

    assert (code, err) == (0, "")
    events = load_history_file(saved)
    assert list(json.loads(out)) == ["events"]
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "FailStateEntered",
        "ExecutionFailed",
    ]
    assert events[-1]["executionFailedEventDetails"] == {
        "error": "Order.Invalid",
        "cause": "no items",
    }
    assert text_code == 0
    assert text_out.splitlines()[-1].split(maxsplit=3)[2:] == [
        "ExecutionFailed",
        "Order.Invalid: no items",
    ]


def test_tail_prints_events_as_they_come_and_exits_0_on_success(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    execution = moto.start(moto.create_machine(WAIT_THEN_PASS))

    code, out, err = run(capsys, "tail", execution, "--interval", "0.2", "--endpoint-url", moto.url)

    assert (code, err) == (0, "")
    types = [line.split()[2] for line in out.splitlines()]
    assert types == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert out.splitlines()[1].split()[3] == "Hold"


def test_tail_json_prints_one_object_per_line_and_exits_1_on_failure(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    execution = moto.start(moto.create_machine(FAILS))

    code, out, _ = run(
        capsys, "tail", execution, "--json", "--interval", "0.2", "--endpoint-url", moto.url
    )

    events = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [e["id"] for e in events] == [1, 2, 3, 4, 5]
    assert events[-1]["type"] == "ExecutionFailed"
    assert events[0]["timestamp"].endswith("+00:00") or "T" in events[0]["timestamp"]


def test_an_endpoint_that_is_down_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    code, out, err = run(capsys, "ls", "--endpoint-url", f"http://127.0.0.1:{port}")

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"sfntui: Could not connect to http://127.0.0.1:{port}")
    assert "Traceback" not in err


def test_a_missing_execution_is_one_line_and_exit_2(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:execution:nothing:here"

    code, _, err = run(capsys, "history", missing, "--endpoint-url", moto.url)

    assert code == 2
    assert err.startswith("sfntui: There is no execution")
    assert err.count("\n") == 1


def test_graph_of_an_execution_read_from_aws(
    moto: Moto, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    machine = moto.create_machine(FAILS, unique("graphed"))
    execution = moto.start(machine, name="graph-run")
    code, _, _ = run(capsys, "tail", execution, "--endpoint-url", moto.url)
    definition = tmp_path / "fails.asl.json"
    definition.write_text(json.dumps(FAILS))

    code, out, err = run(
        capsys,
        "graph",
        str(definition),
        "--execution",
        execution,
        "--endpoint-url",
        moto.url,
        "--color",
        "never",
    )

    assert (code, err) == (0, "")
    assert "✓ Check" in out
    assert "✗ Broken" in out


def test_run_with_aws_makes_the_real_sdk_call(
    moto: Moto, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bucket = unique("bucket")
    moto.client("s3").create_bucket(Bucket=bucket)
    definition = tmp_path / "buckets.asl.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "List",
                "States": {
                    "List": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets",
                        "ResultSelector": {"names.$": "$.Buckets[*].Name"},
                        "End": True,
                    }
                },
            }
        )
    )

    code, out, err = run(
        capsys, "run", str(definition), "--aws", "--endpoint-url", moto.url, "--json"
    )

    assert (code, err) == (0, "")
    assert bucket in json.loads(out)["output"]["names"]


def test_run_without_aws_names_the_task_nothing_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    definition = tmp_path / "buckets.asl.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "List",
                "States": {
                    "List": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets",
                        "End": True,
                    }
                },
            }
        )
    )

    code, _, err = run(capsys, "run", str(definition))

    assert code == 2
    assert "'List'" in err and err.count("\n") == 1
