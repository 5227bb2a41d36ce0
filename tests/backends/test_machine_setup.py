"""What answers a machine's Tasks: the project file (sfntui.toml or [tool.sfntui]), a mock
file beside the definition, the command line; errors in the project file as one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.backends.project_file import ProjectFileError, find_project_file
from sfntui.cli import main
from sfntui.history.actions import always

FLOW = {
    "StartAt": "Quote",
    "States": {
        "Quote": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "quote", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "End": True,
        }
    },
}
HANDLER = "def quote(event, context):\n    return {'price': 3 * event['count']}\n"


def project(tmp_path: Path, settings: str, *, pyproject: bool = False) -> Path:
    (tmp_path / "machines").mkdir()
    (tmp_path / "machines" / "Quotes.asl.json").write_text(json.dumps(FLOW))
    (tmp_path / "quote_handlers.py").write_text(HANDLER)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "three.json").write_text('{"count": 3}')
    name = "pyproject.toml" if pyproject else "sfntui.toml"
    (tmp_path / name).write_text(settings)
    return tmp_path


SETTINGS = """
[machines.Quotes]
handlers = ["quote_handlers"]
input = "inputs/three.json"
"""


async def test_the_project_file_gives_handlers_and_input(tmp_path: Path) -> None:
    folder = project(tmp_path, SETTINGS)
    (folder / "sub").mkdir()
    found = find_project_file(folder / "sub")  # found from a folder below
    assert found is not None and found.file == (folder / "sfntui.toml").resolve()
    setups = MachineSetups(project=found, virtual_clock=True)
    assert setups.input_file("Quotes") == folder / "inputs" / "three.json"
    backend = LocalBackend([folder / "machines"], setup=setups)
    [machine] = await backend.list_state_machines()
    run = await backend.start_execution(machine.arn, execution_input={"count": 2}, confirm=always)
    [_ async for _ in backend.follow(run.arn)]
    assert json.loads((await backend.describe_execution(run.arn)).output or "") == {"price": 6}


def test_tool_sfntui_in_pyproject_is_read_and_sfntui_run_uses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = (
        '[project]\nname = "x"\n[tool.sfntui.machines.Quotes]\nhandlers = ["quote_handlers"]\n'
    )
    folder = project(tmp_path, settings, pyproject=True)
    monkeypatch.chdir(folder)
    code = main(["run", "machines/Quotes.asl.json", "--input", '{"count": 5}'])
    assert code == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out) == {"price": 15}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("[machines.Quotes\n", "is not valid TOML"),
        ("[machines.Quotes]\nmocks = 'x.json'\n", "machines.Quotes.mocks is not a machine setting"),
        ("[machines.Quotes]\nhandlers = 3\n", "machines.Quotes.handlers must be a list"),
        ("[machines.Quotes]\nhandler = {quote = 'nocolon'}\n", '"MODULE:FUNCTION"'),
        ("colour = 'blue'\n", "colour is not a project setting"),
    ],
)
def test_a_bad_project_file_is_one_sentence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: str,
    message: str,
) -> None:
    folder = project(tmp_path, settings)
    with pytest.raises(ProjectFileError, match="sfntui.toml"):
        find_project_file(folder)
    monkeypatch.chdir(folder)
    code = main(["run", "machines/Quotes.asl.json"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_mock_file_beside_the_definition_gives_its_test_cases() -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    flow = str(examples / "mocks" / "OrderFlow.asl.json")
    setups = MachineSetups()
    assert setups.test_cases("OrderFlow", flow) == ["HappyPath", "BusyThenOk", "Declined"]
    assert setups.case_inputs("OrderFlow", flow)["Declined"] == {"orderId": "A-3"}
    assert MachineSetups(test_case="Declined").test_cases("OrderFlow", flow)[0] == "Declined"
    assert setups.test_cases("order", str(examples / "order.asl.json")) == []


def test_sfntui_run_takes_the_project_files_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(tmp_path, SETTINGS)
    monkeypatch.chdir(folder / "machines")  # the project file is found in the folder above
    assert main(["run", "Quotes.asl.json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"price": 9}  # inputs/three.json


def test_the_app_reports_a_bad_project_file_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project(tmp_path, "[machines.Quotes]\nhandlers = 3\n")
    monkeypatch.chdir(folder)
    assert main(["app", "machines"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sfntui: ") and "machines.Quotes.handlers must be a list" in err
    assert main(["app", "machines", "--test-case", "HappyPath"]) == 2
    assert "--test-case needs --mock-config" in capsys.readouterr().err
