"""Hostile text through every command's inputs: no traceback, no escape reaches the terminal.

Strings with terminal escapes, carriage returns, right-to-left overrides and lone surrogates,
integers of thousands of digits and values nested thousands deep are put where a user, a
definition, a history file, a mock file or an expectations file can put them: state names,
inputs, outputs, errors and causes. Whatever a command makes of them, what it prints holds no
control character but the newline, encodes as UTF-8, and its exit code is 0, 1 or 2.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfntui.cli import main

#: What a terminal would act on: C0 but the newline, DEL, C1, bidi overrides, lone surrogates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

ATTACKS = st.sampled_from(
    [
        "\x1b]0;pwned\x07",
        "\x1b[2J\x1b[H",
        "\x1b[?1049h",
        "ok\rFAKE",
        "\x9b31m",
        "\u202etxt.exe",
        "\ud800",
        "\udfff tail",
        "\x00\x08\x7f",
        "plain",
    ]
)
HOSTILE_TEXT = st.builds(lambda a, b, c: a + b + c, st.text(max_size=5), ATTACKS, ATTACKS)
HOSTILE_VALUE = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=10**4999, max_value=10**5000),
    st.integers(min_value=0, max_value=600).map(lambda depth: _nested(depth)),
    st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=2),
)
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _nested(depth: int) -> Any:
    value: Any = "bottom\x1b[31m"
    for _ in range(depth):
        value = [value]
    return value


def _text(value: Any) -> str:
    """JSON text as a hostile producer would write it (surrogates and big ints included)."""
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return json.dumps(value)
    finally:
        sys.set_int_max_str_digits(old)


def _run(arguments: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(arguments)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    printed = out.getvalue() + err.getvalue()
    assert "Traceback" not in printed, printed
    assert code in (0, 1, 2), (code, printed)
    found = UNSAFE.search(printed)
    assert found is None, f"{found.group()!r} reached the terminal: {printed[:500]!r}"
    printed.encode("utf-8")
    return code, printed


def _machine(name: str, result: Any) -> dict[str, Any]:
    return {
        "StartAt": name,
        "States": {
            name: {"Type": "Pass", "Result": result, "Next": "Fail"},
            "Fail": {"Type": "Fail", "Error": name, "Cause": name},
        },
    }


def _history(name: str, value: Any) -> dict[str, Any]:
    payload = _text(value)
    return {
        "events": [
            {
                "id": 1,
                "type": "ExecutionStarted",
                "timestamp": 0,
                "executionStartedEventDetails": {"input": payload},
            },
            {
                "id": 2,
                "previousEventId": 1,
                "type": "PassStateEntered",
                "timestamp": 1,
                "stateEnteredEventDetails": {"name": name, "input": payload},
            },
            {
                "id": 3,
                "previousEventId": 2,
                "type": "ExecutionFailed",
                "timestamp": 2,
                "executionFailedEventDetails": {"error": name, "cause": name},
            },
        ]
    }


@SETTINGS
@given(name=HOSTILE_TEXT, value=HOSTILE_VALUE)
def test_a_hostile_definition_and_input(tmp_path: Path, name: str, value: Any) -> None:
    definition = tmp_path / "machine.asl.json"
    definition.write_text(_text(_machine(name, value)), encoding="utf-8")
    _run(["validate", str(definition)])
    _run(["validate", "--json", str(definition)])
    _run(["graph", str(definition), "--color", "never"])
    _run(["run", str(definition), "--input", _text(value)])
    _run(["run", str(definition), "--json", "--history", "--input", _text({"v": value})])
    _run(["debug", str(definition), "--batch", "--step", "--input", _text(value)])


@SETTINGS
@given(name=HOSTILE_TEXT, value=HOSTILE_VALUE)
def test_a_hostile_history_file(tmp_path: Path, name: str, value: Any) -> None:
    history = tmp_path / "execution.json"
    history.write_text(_text(_history(name, value)), encoding="utf-8")
    definition = tmp_path / "machine.asl.json"
    definition.write_text(json.dumps(_machine("P", 1)), encoding="utf-8")
    _run(["history", str(history)])
    _run(["history", str(history), "--json"])
    _run(["tail", str(history)])
    _run(["tail", str(history), "--json"])
    _run(["graph", str(definition), "--execution", str(history), "--color", "never"])
    _run(["replay", str(history), "--definition", str(definition), "--batch"])


@SETTINGS
@given(name=HOSTILE_TEXT, value=HOSTILE_VALUE, key=HOSTILE_TEXT)
def test_hostile_mock_and_expectations_files(
    tmp_path: Path, name: str, value: Any, key: str
) -> None:
    machine = {
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
        },
    }
    (tmp_path / "Machine.asl.json").write_text(json.dumps(machine), encoding="utf-8")
    mocks = {
        "StateMachines": {"Machine": {"TestCases": {"Case": {"Call": "Answer"}}}},
        "MockedResponses": {
            "Answer": {
                "0": {"Return": value},
                "1": {"Throw": {"Error": name, "Cause": name}},
            }
        },
    }
    mock_file = tmp_path / "MockConfigFile.json"
    mock_file.write_text(_text(mocks), encoding="utf-8")
    expectations = {"StateMachines": {"Machine": {"TestCases": {"Case": {key: value}}}}}
    (tmp_path / "MockConfigFile.expectations.json").write_text(
        _text(expectations), encoding="utf-8"
    )
    _run(["test", str(mock_file)])
    definition = str(tmp_path / "Machine.asl.json")
    _run(["run", definition, "--mock-config", str(mock_file), "--test-case", "Case", "--json"])
