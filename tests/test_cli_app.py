"""`sfntui` and `sfntui app`: which backend the app opens on, and bad paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sfntui import cli
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.builtin_examples import EXAMPLES_DIR


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any, Any]]:
    """The app's run loop replaced: what it would have opened (local, AWS, input folder)."""
    calls: list[tuple[Any, Any, Any]] = []

    def run_app(local: Any = None, *, aws: Any = None, examples_dir: Any = None) -> int:
        calls.append((local, aws, examples_dir))
        return 0

    monkeypatch.setattr("sfntui.tui.app.run_app", run_app)
    return calls


def test_no_command_opens_the_app_on_the_built_in_examples(opened: list) -> None:
    assert cli.main([]) == 0
    ((backend, aws, folder),) = opened
    assert isinstance(backend, LocalBackend)
    assert aws is None
    assert backend.sources == [EXAMPLES_DIR]
    assert (folder / "order.asl.json").is_file()


def test_app_on_given_files(opened: list, tmp_path: Path) -> None:
    definition = tmp_path / "flow.asl.json"
    definition.write_text('{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}')
    assert cli.main(["app", str(definition)]) == 0
    ((backend, _, folder),) = opened
    assert backend.sources == [definition]
    assert folder == tmp_path


def test_app_on_aws_keeps_the_local_engine_beside_it(opened: list) -> None:
    assert cli.main(["app", "--aws", "--region", "eu-west-1", "--read-only"]) == 0
    ((local, aws, _),) = opened
    assert isinstance(aws, AwsBackend)
    assert aws.label == "AWS eu-west-1"
    assert not (aws.capabilities.start or aws.capabilities.stop or aws.capabilities.redrive)
    assert isinstance(local, LocalBackend)
    assert local.sources == []  # no built-in examples beside an AWS account


def test_app_on_aws_and_local_files(opened: list, tmp_path: Path) -> None:
    assert cli.main(["app", str(tmp_path), "--aws", "--region", "eu-west-1"]) == 0
    ((local, aws, folder),) = opened
    assert local.sources == [tmp_path]
    assert folder == tmp_path
    assert aws.capabilities.start and aws.capabilities.replay


def test_a_missing_path_is_one_line(opened: list, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["app", "/no/such/flow.asl.json"]) == 2
    err = capsys.readouterr().err
    assert "/no/such/flow.asl.json" in err and err.count("\n") == 1
    assert opened == []
