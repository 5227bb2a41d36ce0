"""The `sfntui` command as a user meets it: exit codes, what lands on stdout and stderr."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sfntui import __version__
from sfntui.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ORDER = EXAMPLES / "order.asl.json"
MOCKS = EXAMPLES / "mocks"

#: `file:line:col: error: <state>: <sentence>`, as a compiler prints it.
FINDING = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<rest>.+)$")

ORDER_OUTPUT = {
    "order": {
        "id": "A-1001",
        "total": 42.5,
        "items": [{"sku": "book"}, {"sku": "lamp"}, {"sku": "mug"}],
    },
    "charge": {"orderId": "A-1001", "amount": 42.5, "chargeId": "ch_A-1001"},
    "shipments": [
        {"sku": "book", "label": "box-0"},
        {"sku": "lamp", "label": "box-1"},
        {"sku": "mug", "label": "box-2"},
    ],
    "notifications": ["email sent", "sms sent"],
}

BROKEN_NEXT = """{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "Missing"},
    "B": {"Type": "Succeed"}
  }
}
"""

GREET = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet",
            "End": True,
        }
    },
}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def write(path: Path, content: str | dict) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# -- validate ----------------------------------------------------------------------------


def test_validate_a_valid_definition_exits_0_and_prints_nothing(capsys) -> None:
    code, out, err = run_cli(capsys, "validate", str(ORDER))

    assert code == 0
    assert out.strip() == ""
    assert err.strip() == ""


def test_validate_an_invalid_definition_prints_compiler_style_findings_and_exits_1(
    capsys, tmp_path: Path
) -> None:
    bad = write(tmp_path / "bad.asl.json", BROKEN_NEXT)
    code, out, _ = run_cli(capsys, "validate", str(bad))

    assert code == 1
    findings = [FINDING.match(line) for line in out.strip().splitlines()]
    assert findings
    assert all(findings), out
    next_finding = next(f for f in findings if f and "Missing" in f["rest"])
    assert next_finding["file"] == str(bad)
    assert next_finding["line"] == "4"
    line_text = BROKEN_NEXT.splitlines()[3]
    key_start = line_text.index('"Next"') + 1
    value_end = line_text.index('"Missing"') + len('"Missing"')
    assert key_start <= int(next_finding["col"]) <= value_end
    assert next_finding["rest"].startswith("A: ")


def test_validate_exits_1_when_one_of_several_files_is_invalid(capsys, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.asl.json", BROKEN_NEXT)
    code, out, _ = run_cli(capsys, "validate", str(ORDER), str(bad))

    assert code == 1
    assert str(ORDER) not in out


def test_validate_a_file_that_is_not_json_is_one_line_with_its_position_and_exits_2(
    capsys, tmp_path: Path
) -> None:
    broken = write(tmp_path / "broken.asl.json", '{\n  "StartAt": "A",\n  "States": {\n')
    code, out, err = run_cli(capsys, "validate", str(broken))

    assert code == 2
    line = one_line(err)
    assert re.match(rf"^{re.escape(str(broken))}:\d+:\d+: ", line), line


def test_validate_a_missing_file_exits_2_with_one_line(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "validate", str(tmp_path / "nowhere.asl.json"))

    assert code == 2
    assert "nowhere.asl.json" in one_line(err)


def test_validate_an_unreadable_file_wins_over_an_invalid_one(capsys, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.asl.json", BROKEN_NEXT)
    broken = write(tmp_path / "broken.asl.json", "{")
    code, _, _ = run_cli(capsys, "validate", str(bad), str(broken))

    assert code == 2


def test_validate_json_prints_the_findings_as_a_list(capsys, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.asl.json", BROKEN_NEXT)
    code, out, _ = run_cli(capsys, "validate", "--json", str(bad))

    assert code == 1
    findings = json.loads(out)
    finding = next(f for f in findings if f["state"] == "A")
    assert finding["severity"] == "error"
    assert finding["file"] == str(bad)
    assert finding["line"] == 4
    assert finding["pointer"] == "/States/A/Next"
    assert "Missing" in finding["message"]


def test_validate_json_of_a_valid_file_is_an_empty_list(capsys) -> None:
    code, out, _ = run_cli(capsys, "validate", "--json", str(ORDER))

    assert code == 0
    assert json.loads(out) == []


# -- run ---------------------------------------------------------------------------------


def test_run_prints_the_output_and_exits_0(capsys) -> None:
    code, out, err = run_cli(
        capsys,
        "run",
        str(ORDER),
        "--input-file",
        str(EXAMPLES / "order.input.json"),
        "--virtual-clock",
    )

    assert code == 0
    assert json.loads(out) == ORDER_OUTPUT
    assert err == ""


def test_run_prints_the_error_and_cause_and_exits_1(capsys) -> None:
    code, out, _ = run_cli(capsys, "run", str(ORDER), "--input", '{"order": {}}')

    assert code == 1
    assert "OrderRejected" in out
    assert "The order has no items or no total." in out


def test_run_json_prints_one_object_with_status_and_output(capsys) -> None:
    code, out, _ = run_cli(
        capsys,
        "run",
        str(ORDER),
        "--input-file",
        str(EXAMPLES / "order.input.json"),
        "--virtual-clock",
        "--json",
    )

    assert code == 0
    assert json.loads(out) == {"status": "SUCCEEDED", "output": ORDER_OUTPUT}


def test_run_json_of_a_failure_has_error_and_cause(capsys) -> None:
    code, out, _ = run_cli(capsys, "run", str(ORDER), "--input", '{"order": {}}', "--json")

    assert code == 1
    assert json.loads(out) == {
        "status": "FAILED",
        "error": "OrderRejected",
        "cause": "The order has no items or no total.",
    }


def test_run_json_with_history_includes_aws_shaped_events(capsys) -> None:
    code, out, _ = run_cli(
        capsys,
        "run",
        str(ORDER),
        "--input-file",
        str(EXAMPLES / "order.input.json"),
        "--virtual-clock",
        "--json",
        "--history",
    )
    report = json.loads(out)
    events = report["events"]

    assert code == 0
    assert report["status"] == "SUCCEEDED"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "ExecutionStarted"
    assert events[0]["previousEventId"] == 0
    assert events[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == ORDER_OUTPUT
    entered = events[1]
    assert entered["type"] == "ChoiceStateEntered"
    assert entered["stateEnteredEventDetails"]["name"] == "ValidateOrder"
    assert isinstance(entered["stateEnteredEventDetails"]["input"], str)
    for event in events:
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", event["timestamp"]), event
    wait_exit = next(e for e in events if e["type"] == "WaitStateExited")
    wait_enter = next(e for e in events if e["type"] == "WaitStateEntered")
    assert wait_exit["timestamp"] > wait_enter["timestamp"]
    assert sum(e["type"] == "MapIterationStarted" for e in events) == 3


def test_run_json_without_history_has_no_events(capsys) -> None:
    _, out, _ = run_cli(capsys, "run", str(ORDER), "--input", '{"order": {}}', "--json")

    assert "events" not in json.loads(out)


def test_run_with_input_that_is_not_json_exits_2_with_one_line(capsys) -> None:
    code, out, err = run_cli(capsys, "run", str(ORDER), "--input", "{oops")

    assert code == 2
    assert out == ""
    assert "--input" in one_line(err)


def test_run_refuses_a_definition_with_errors_and_exits_2(capsys, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.asl.json", BROKEN_NEXT)
    code, out, err = run_cli(capsys, "run", str(bad), "--input", "{}")

    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert any(FINDING.match(line) and "Missing" in line for line in lines)
    assert "not run" in lines[-1]
    assert "Traceback" not in err


def test_run_names_a_task_nothing_answers_and_exits_2(capsys, tmp_path: Path) -> None:
    definition = write(tmp_path / "greet.asl.json", GREET)
    code, out, err = run_cli(capsys, "run", str(definition))

    assert code == 2
    assert out == ""
    assert "'Greet'" in one_line(err)


def test_run_with_a_mock_config_and_test_case(capsys) -> None:
    code, out, _ = run_cli(
        capsys,
        "run",
        str(MOCKS / "OrderFlow.asl.json"),
        "--mock-config",
        str(MOCKS / "MockConfigFile.json"),
        "--test-case",
        "BusyThenOk",
        "--input",
        '{"orderId": "A-2"}',
        "--virtual-clock",
    )

    assert code == 0
    assert json.loads(out) == {
        "orderId": "A-2",
        "charge": {"chargeId": "ch_2"},
        "shipping": "shipped",
    }


def test_run_a_mocked_case_that_fails_exits_1(capsys) -> None:
    code, out, _ = run_cli(
        capsys,
        "run",
        str(MOCKS / "OrderFlow.asl.json"),
        "--mock-config",
        str(MOCKS / "MockConfigFile.json"),
        "--test-case",
        "Declined",
        "--virtual-clock",
        "--json",
    )

    assert code == 1
    assert json.loads(out) == {
        "status": "FAILED",
        "error": "ChargeFailed",
        "cause": "The card could not be charged.",
    }


def test_run_with_an_unknown_test_case_exits_2_with_one_line(capsys) -> None:
    code, _, err = run_cli(
        capsys,
        "run",
        str(MOCKS / "OrderFlow.asl.json"),
        "--mock-config",
        str(MOCKS / "MockConfigFile.json"),
        "--test-case",
        "Nope",
    )

    assert code == 2
    line = one_line(err)
    assert "'Nope'" in line
    assert "HappyPath" in line


def test_run_with_a_malformed_mock_file_exits_2_with_one_line(capsys, tmp_path: Path) -> None:
    mock = write(tmp_path / "MockConfigFile.json", '{"StateMachines": ')
    code, _, err = run_cli(
        capsys,
        "run",
        str(MOCKS / "OrderFlow.asl.json"),
        "--mock-config",
        str(mock),
        "--test-case",
        "HappyPath",
    )

    assert code == 2
    assert str(mock) in one_line(err)


def test_run_with_a_handler_from_a_module(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    write(
        tmp_path / "cli_greeters.py",
        "def hello(event, context):\n    return {'greeting': 'Hello, ' + event['who'] + '!'}\n",
    )
    definition = write(tmp_path / "greet.asl.json", GREET)
    code, out, err = run_cli(
        capsys,
        "run",
        str(definition),
        "--handler",
        "greet=cli_greeters:hello",
        "--input",
        '{"who": "Ada"}',
    )

    assert (code, err) == (0, "")
    assert json.loads(out) == {"greeting": "Hello, Ada!"}


def test_run_with_handlers_mapping_a_whole_module(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    write(tmp_path / "cli_functions.py", "def greet(event, context):\n    return 'hi ' + event\n")
    definition = write(tmp_path / "greet.asl.json", GREET)
    code, out, _ = run_cli(
        capsys, "run", str(definition), "--handlers", "cli_functions", "--input", '"Bo"'
    )

    assert code == 0
    assert json.loads(out) == "hi Bo"


def test_run_with_a_handler_module_that_does_not_import_exits_2_with_one_line(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    write(tmp_path / "cli_broken_handlers.py", "import a_package_that_is_not_there\n")
    definition = write(tmp_path / "greet.asl.json", GREET)
    code, out, err = run_cli(
        capsys, "run", str(definition), "--handler", "greet=cli_broken_handlers:hello"
    )

    assert code == 2
    assert out == ""
    assert "cli_broken_handlers" in one_line(err)


def test_run_with_a_handler_that_raises_reports_the_lambda_error(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    write(
        tmp_path / "cli_raising.py",
        "def hello(event, context):\n    raise KeyError('who')\n",
    )
    definition = write(tmp_path / "greet.asl.json", GREET)
    code, out, _ = run_cli(
        capsys, "run", str(definition), "--handler", "greet=cli_raising:hello", "--json"
    )
    report = json.loads(out)

    assert code == 1
    assert report["error"] == "KeyError"
    assert json.loads(report["cause"])["errorType"] == "KeyError"


# -- test --------------------------------------------------------------------------------


def test_test_runs_every_case_of_the_example_mock_file(capsys) -> None:
    code, out, _ = run_cli(capsys, "test", str(MOCKS / "MockConfigFile.json"))
    lines = out.strip().splitlines()

    assert code == 0
    assert lines[-1] == "3 passed, 0 failed"
    assert sorted(line.split(" ")[1] for line in lines[:-1]) == [
        "OrderFlow.BusyThenOk",
        "OrderFlow.Declined",
        "OrderFlow.HappyPath",
    ]
    assert all(line.startswith("PASS ") for line in lines[:-1])


@pytest.fixture
def failing_mocks(tmp_path: Path) -> Path:
    """The example mocks, with an expectation that HappyPath charges ch_9."""
    for name in ("MockConfigFile.json", "OrderFlow.asl.json"):
        shutil.copy(MOCKS / name, tmp_path / name)
    expectations = {
        "StateMachines": {
            "OrderFlow": {
                "TestCases": {
                    "HappyPath": {
                        "input": {"orderId": "A-1"},
                        "output": {
                            "orderId": "A-1",
                            "charge": {"chargeId": "ch_9"},
                            "shipping": "shipped",
                        },
                    },
                    "Declined": {
                        "input": {"orderId": "A-3"},
                        "status": "FAILED",
                        "error": "ChargeFailed",
                    },
                }
            }
        }
    }
    write(tmp_path / "MockConfigFile.expectations.json", expectations)
    return tmp_path / "MockConfigFile.json"


def test_test_a_failing_expectation_exits_1_and_says_why(capsys, failing_mocks: Path) -> None:
    code, out, _ = run_cli(capsys, "test", str(failing_mocks))
    lines = out.strip().splitlines()

    assert code == 1
    assert lines[-1] == "2 passed, 1 failed"
    fail = next(line for line in lines if line.startswith("FAIL "))
    assert "OrderFlow.HappyPath" in fail
    assert "ch_9" in fail
    assert "ch_1" in fail
    assert "output" in fail


def test_test_junit_report_is_valid_xml_with_the_counts(
    capsys, failing_mocks: Path, tmp_path: Path
) -> None:
    report = tmp_path / "reports" / "junit.xml"
    report.parent.mkdir()
    code, _, _ = run_cli(capsys, "test", str(failing_mocks), "--junit", str(report))
    suite = ElementTree.parse(report).getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}

    assert code == 1
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    assert set(cases) == {"HappyPath", "BusyThenOk", "Declined"}
    assert all(case.get("classname") == "OrderFlow" for case in cases.values())
    failure = cases["HappyPath"].find("failure")
    assert failure is not None
    assert "ch_9" in (failure.get("message") or "")
    assert cases["Declined"].find("failure") is None


def test_test_with_a_mock_file_that_does_not_exist_exits_2(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "test", str(tmp_path / "MockConfigFile.json"))

    assert code == 2
    assert "MockConfigFile.json" in one_line(err)


# -- the installed command ---------------------------------------------------------------


def test_the_console_script_prints_version_and_help_quickly() -> None:
    script = Path(sys.executable).parent / "sfntui"
    assert script.exists()

    started = time.perf_counter()
    version = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, check=False
    )
    version_seconds = time.perf_counter() - started
    started = time.perf_counter()
    usage = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    help_seconds = time.perf_counter() - started

    assert version.returncode == 0
    assert version.stdout.strip() == f"sfntui {__version__}"
    assert usage.returncode == 0
    for command in ("validate", "run", "test"):
        assert re.search(rf"^\s+{command}\s", usage.stdout, re.MULTILINE), usage.stdout
    assert version_seconds < 1.0
    assert help_seconds < 1.0
