"""`sfntui test` never passes on an expectations file it did not fully understand.

A misspelt key, a key in the wrong case or a case name the mock file lacks would each make a
check silently not run; each is an error (exit 2) naming the key or case, never a pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.cli import main

MACHINE = {
    "StartAt": "Charge",
    "States": {
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    },
}
MOCKS = {
    "StateMachines": {
        "Orders": {"TestCases": {"HappyPath": {"Charge": "Charged"}}},
    },
    "MockedResponses": {"Charged": {"0": {"Return": {"charged": True}}}},
}


def _write(tmp_path: Path, expectations: Any, suffix: str = ".json") -> Path:
    (tmp_path / "Orders.asl.json").write_text(json.dumps(MACHINE))
    mock_file = tmp_path / "MockConfigFile.json"
    mock_file.write_text(json.dumps(MOCKS))
    text = expectations if isinstance(expectations, str) else json.dumps(expectations)
    (tmp_path / f"MockConfigFile.expectations{suffix}").write_text(text)
    return mock_file


def _case(expect: dict[str, Any], case: str = "HappyPath") -> dict[str, Any]:
    return {"StateMachines": {"Orders": {"TestCases": {case: expect}}}}


def test_a_right_expectation_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mock_file = _write(tmp_path, _case({"status": "SUCCEEDED", "output": {"charged": True}}))
    assert main(["test", str(mock_file)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_a_wrong_output_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mock_file = _write(tmp_path, _case({"output": {"charged": False}}))
    assert main(["test", str(mock_file)]) == 1
    assert "FAIL Orders.HappyPath" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("expect", "words"),
    [
        ({"ouput": {"charged": False}}, ["unknown key 'ouput'", "did you mean output"]),
        ({"Output": {"charged": False}}, ["unknown key 'Output'", "it is spelt output"]),
        ({"Status": "FAILED"}, ["unknown key 'Status'", "it is spelt status"]),
        ({"status": "FAIL"}, ["status is 'FAIL'", "SUCCEEDED"]),
        ({"entered": "Charge"}, ["entered must be a list of state names"]),
    ],
    ids=["misspelt", "wrongly-cased", "wrongly-cased-status", "unknown-status", "not-a-list"],
)
def test_a_key_it_does_not_know_is_an_error_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expect: dict[str, Any], words: list[str]
) -> None:
    mock_file = _write(tmp_path, _case(expect))
    assert main(["test", str(mock_file)]) == 2
    captured = capsys.readouterr()
    assert "passed" not in captured.out
    for word in words:
        assert word in captured.err
    assert "Traceback" not in captured.err


def test_a_case_the_mock_file_lacks_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_file = _write(tmp_path, _case({"output": {"charged": False}}, case="HapyPath"))
    assert main(["test", str(mock_file)]) == 2
    err = capsys.readouterr().err
    assert "no test case 'HapyPath'" in err and "did you mean HappyPath" in err


def test_a_machine_the_mock_file_lacks_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_file = _write(tmp_path, {"StateMachines": {"Order": {"TestCases": {}}}})
    assert main(["test", str(mock_file)]) == 2
    assert "no state machine 'Order'" in capsys.readouterr().err


def test_a_wrongly_cased_top_key_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mock_file = _write(tmp_path, {"stateMachines": {"Orders": {}}})
    assert main(["test", str(mock_file)]) == 2
    assert "it is spelt StateMachines" in capsys.readouterr().err


def test_yaml_expectations_are_checked_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "StateMachines:\n  Orders:\n    TestCases:\n      HappyPath:\n        Ouput: {}\n"
    mock_file = _write(tmp_path, text, suffix=".yaml")
    assert main(["test", str(mock_file)]) == 2
    assert "unknown key 'Ouput'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"StateMachines": {"Orders": {"TestCases": {"HappyPath": {"input": NaN}}}}}', "NaN"),
        ("[" * 10_000 + "]" * 10_000, "nested too deeply"),
        ('{"a": ' + "7" * 5000 + "}", "5000 digits"),
        ('{"a": "\\ud800"}', "lone surrogate"),
    ],
    ids=["nan", "deep", "huge-integer", "lone-surrogate"],
)
def test_hostile_expectations_are_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    mock_file = _write(tmp_path, text)
    assert main(["test", str(mock_file)]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert len(err.strip().splitlines()) == 1
