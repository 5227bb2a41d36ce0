"""`sfntui` and `sfntui app`: which backend the app opens on, and bad paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sfntui import cli
from sfntui.backends import AwsBackend, LocalBackend
from sfntui.builtin_examples import EXAMPLES_DIR


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    """The app's run loop replaced: what it would have opened, recorded."""
    calls: list[tuple[Any, Any]] = []

    def run_app(backend: Any = None, *, examples_dir: Any = None) -> int:
        calls.append((backend, examples_dir))
        return 0

    monkeypatch.setattr("sfntui.tui.app.run_app", run_app)
    return calls


def test_no_command_opens_the_app_on_the_built_in_examples(opened: list) -> None:
    assert cli.main([]) == 0
    ((backend, folder),) = opened
    assert isinstance(backend, LocalBackend)
    assert backend.sources == [EXAMPLES_DIR]
    assert (folder / "order.asl.json").is_file()


def test_app_on_given_files(opened: list, tmp_path: Path) -> None:
    definition = tmp_path / "flow.asl.json"
    definition.write_text('{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}')
    assert cli.main(["app", str(definition)]) == 0
    ((backend, folder),) = opened
    assert backend.sources == [definition]
    assert folder == tmp_path


def test_app_on_aws(opened: list) -> None:
    assert cli.main(["app", "--aws", "--region", "eu-west-1", "--read-only"]) == 0
    ((backend, _),) = opened
    assert isinstance(backend, AwsBackend)
    assert backend.read_only


def test_a_missing_path_is_one_line(opened: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["app", "/no/such/flow.asl.json"]) == 2
    err = capsys.readouterr().err
    assert "/no/such/flow.asl.json" in err and err.count("\n") == 1
    assert opened == []
