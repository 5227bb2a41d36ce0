"""Every file sfntui reads stops at its size limit with one sentence: `/dev/zero` never ends,
and reading it whole would take the machine's memory before the kernel kills the process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.cli import main

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["validate", "/dev/zero"], "32 MiB, sfntui's limit for a definition"),
        (["graph", "/dev/zero"], "limit for a definition"),
        (["run", "{definition}", "--input-file", "/dev/zero"], "limit for an input"),
        (
            ["run", "{definition}", "--mock-config", "/dev/zero", "--test-case", "One"],
            "limit for a mock file",
        ),
        (["history", "/dev/zero"], "limit for a history file"),
        (["replay", "/dev/zero", "--definition", "{definition}"], "limit for a history file"),
        (["test", "{mocks}", "--expectations", "/dev/zero"], "limit for an expectations"),
    ],
    ids=["validate", "graph", "input", "mock-file", "history", "replay", "expectations"],
)
def test_an_endless_file_stops_at_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], words: str
) -> None:
    definition = tmp_path / "Machine.asl.json"
    definition.write_text(json.dumps(PASS))
    mocks = tmp_path / "MockConfigFile.json"
    mocks.write_text(json.dumps({"StateMachines": {"Machine": {"TestCases": {"One": {}}}}}))
    filled = [a.format(definition=definition, mocks=mocks) for a in arguments]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert words in err
    assert len(err.strip().splitlines()) == 1
