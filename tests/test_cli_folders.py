"""A folder wherever the CLI takes a definition file, as `sfntui app FOLDER` takes it.

`validate` checks every definition in it; `run`, `debug`, `graph` and `test` take a folder
that holds exactly one, and name them when it holds several (`--state-machine` picks one).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sfntui.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MOCKS = EXAMPLES / "mocks"

GREETING = {"StartAt": "Hi", "States": {"Hi": {"Type": "Pass", "Result": "hello", "End": True}}}
BROKEN_NEXT = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, content: str | dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# -- validate: every definition of the folder --------------------------------------------


def test_validate_the_examples_folder_the_app_opens(capsys) -> None:
    code, out, err = run_cli(capsys, "validate", str(EXAMPLES))

    assert (code, out, err) == (0, "", "")


def test_validate_a_folder_reports_each_file_and_goes_on_past_an_unreadable_one(
    capsys, tmp_path: Path
) -> None:
    write(tmp_path / "a_broken.asl.json", "{")
    bad = write(tmp_path / "sub" / "bad.asl.json", BROKEN_NEXT)
    write(tmp_path / "good.asl.yaml", "StartAt: S\nStates: {S: {Type: Succeed}}\n")
    write(tmp_path / "notes.json", '{"not": "a definition"}')

    code, out, err = run_cli(capsys, "validate", str(tmp_path))

    assert code == 2  # unreadable wins over invalid, as for files
    assert re.match(rf"^{re.escape(str(tmp_path / 'a_broken.asl.json'))}:\d+:\d+: ", one_line(err))
    assert out.startswith(f"{bad}:1:")
    assert "Missing" in out
    assert "good.asl.yaml" not in out + err
    assert "notes.json" not in out + err


def test_validate_json_of_a_folder_names_each_finding_s_file(capsys, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.asl.json", BROKEN_NEXT)
    write(tmp_path / "good.asl.json", GREETING)

    code, out, _ = run_cli(capsys, "validate", "--json", str(tmp_path))

    assert code == 1
    findings = json.loads(out)
    assert {finding["file"] for finding in findings} == {str(bad)}
    assert {finding["machine"] for finding in findings} == {"bad"}


def test_validate_a_folder_without_definitions_exits_2_with_one_line(
    capsys, tmp_path: Path
) -> None:
    write(tmp_path / "readme.txt", "nothing")

    code, out, err = run_cli(capsys, "validate", str(tmp_path))

    assert code == 2
    assert out == ""
    assert one_line(err) == (
        f"{tmp_path}: the folder holds no definition: no *.asl.json or *.asl.yaml file, no CDK "
        "*.template.json and no SAM template.yaml"
    )


# -- run, debug, graph: the folder's one definition ----------------------------------------


def test_run_a_folder_with_one_definition_runs_it(capsys, tmp_path: Path) -> None:
    write(tmp_path / "greeting.asl.json", GREETING)

    code, out, err = run_cli(capsys, "run", str(tmp_path), "--json")

    assert code == 0
    assert err == ""
    report = json.loads(out)
    assert (report["status"], report["output"]) == ("SUCCEEDED", "hello")


def test_run_a_folder_with_several_definitions_names_them_and_exits_2(capsys) -> None:
    code, out, err = run_cli(capsys, "run", str(EXAMPLES))

    assert code == 2
    assert out == ""
    assert one_line(err) == (
        f"sfntui: {EXAMPLES}: the folder holds 2 definitions (mocks/OrderFlow.asl.json, "
        "order.asl.json); name the file of the one to use, or choose one with --state-machine "
        "NAME"
    )


def test_run_picks_one_of_a_folder_s_definitions_by_name(capsys, tmp_path: Path) -> None:
    write(tmp_path / "greeting.asl.json", GREETING)
    write(tmp_path / "other" / "farewell.asl.json", GREETING | {"Comment": "bye"})

    code, out, _ = run_cli(capsys, "run", str(tmp_path), "--state-machine", "greeting")

    assert code == 0
    assert json.loads(out) == "hello"


def test_graph_a_folder_with_one_definition_draws_it(capsys, tmp_path: Path) -> None:
    write(tmp_path / "greeting.asl.json", GREETING)

    code, out, err = run_cli(capsys, "graph", str(tmp_path), "--color", "never")

    assert code == 0
    assert err == ""
    assert "Hi" in out
    assert "Start" in out


def test_graph_a_folder_with_several_definitions_exits_2_with_one_line(capsys) -> None:
    code, out, err = run_cli(capsys, "graph", str(EXAMPLES))

    assert code == 2
    assert out == ""
    assert "the folder holds 2 definitions" in one_line(err)


def test_debug_a_folder_with_one_definition(capsys, tmp_path: Path) -> None:
    write(tmp_path / "greeting.asl.json", GREETING)

    code, out, _ = run_cli(capsys, "debug", str(tmp_path), "--batch", "--break", "Hi")

    assert code == 0
    stops = [json.loads(line) for line in out.strip().splitlines()]
    assert stops[0]["state"] == "Hi"
    assert stops[-1]["result"]["status"] == "SUCCEEDED"


def test_run_a_folder_that_does_not_exist_exits_2_with_one_line(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "run", str(tmp_path / "nowhere"))

    assert code == 2
    assert "nowhere" in one_line(err)


# -- test: the folder's definition, matched to the mock file -------------------------------


def test_test_takes_a_folder_of_definitions(capsys, tmp_path: Path) -> None:
    for name in ("MockConfigFile.json", "MockConfigFile.expectations.yaml"):
        shutil.copy(MOCKS / name, tmp_path / name)
    (tmp_path / "definitions").mkdir()
    shutil.copy(MOCKS / "OrderFlow.asl.json", tmp_path / "definitions" / "OrderFlow.asl.json")

    code, out, _ = run_cli(
        capsys, "test", str(tmp_path / "MockConfigFile.json"), str(tmp_path / "definitions")
    )

    assert code == 0
    assert out.strip().splitlines()[-1] == "3 passed, 0 failed"
