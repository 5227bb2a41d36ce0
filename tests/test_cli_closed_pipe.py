"""`sfntui ... | head`: when the reader of a pipe goes away, the command ends quietly.

As a Unix tool killed by SIGPIPE does: nothing on stderr (no traceback, no "Exception ignored"
at exit) and the status a shell shows for it, 141 (128 + SIGPIPE). Each test uses a real pipe
to a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SFNTUI = [sys.executable, "-m", "sfntui"]
SIGPIPE_STATUS = 141

#: More than a pipe holds (64 KiB on Linux), so the writer is still writing when it closes.
CHAIN = 1_000


def chain_of_passes(count: int, comment: object = "step") -> dict[str, object]:
    states: dict[str, object] = {
        f"S{i}": {"Type": "Pass", "Comment": comment, "Next": f"S{i + 1}"} for i in range(count)
    }
    states[f"S{count}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S0", "States": states}


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    path = tmp_path / "chain.asl.json"
    path.write_text(json.dumps(chain_of_passes(CHAIN)), encoding="utf-8")
    return path


def read_two_lines_then_close(*args: str) -> tuple[int, list[str], str]:
    """`sfntui ARGS | head -2`: two lines read, then the pipe closed while sfntui writes."""
    process = subprocess.Popen(
        [*SFNTUI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    lines = [process.stdout.readline(), process.stdout.readline()]
    process.stdout.close()
    stderr = process.stderr.read()
    return process.wait(timeout=120), lines, stderr


def write_to_a_pipe_nobody_reads(*args: str) -> tuple[int, str]:
    """`sfntui ARGS | head -0`: the pipe's reader is gone before sfntui writes a byte."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        completed = subprocess.run(
            [*SFNTUI, *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(write_end)
    return completed.returncode, completed.stderr


def test_run_into_head_ends_quietly_with_the_sigpipe_status(chain: Path) -> None:
    code, lines, stderr = read_two_lines_then_close("run", str(chain), "--json", "--history")

    assert lines == ["{\n", '  "status": "SUCCEEDED",\n']
    assert stderr == ""
    assert code == SIGPIPE_STATUS


def test_validate_json_into_head_ends_quietly(tmp_path: Path) -> None:
    # A Comment must be a string: one finding per state, a long JSON list.
    bad = tmp_path / "bad.asl.json"
    bad.write_text(json.dumps(chain_of_passes(CHAIN, comment=5)), encoding="utf-8")

    code, lines, stderr = read_two_lines_then_close("validate", "--json", str(bad))

    assert lines == ["[\n", "  {\n"]
    assert stderr == ""
    assert code == SIGPIPE_STATUS


def test_graph_into_head_ends_quietly(chain: Path) -> None:
    code, lines, stderr = read_two_lines_then_close("graph", str(chain))

    assert "Start" in lines[1]
    assert stderr == ""
    assert code == SIGPIPE_STATUS


def test_history_of_an_exported_file_into_head_ends_quietly(chain: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [*SFNTUI, "run", str(chain), "--json", "--history"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    exported = tmp_path / "history.json"
    exported.write_text(json.dumps({"events": json.loads(run.stdout)["events"]}))

    code, lines, stderr = read_two_lines_then_close("history", str(exported))

    assert "ExecutionStarted" in lines[0]
    assert stderr == ""
    assert code == SIGPIPE_STATUS


def test_a_short_output_into_a_closed_pipe_ends_quietly_too(tmp_path: Path) -> None:
    # Short output waits in Python's buffer until exit, where a closed pipe would otherwise
    # print "Exception ignored ... BrokenPipeError" and exit 120.
    one = tmp_path / "one.asl.json"
    one.write_text(json.dumps(chain_of_passes(0)), encoding="utf-8")

    for args in (["run", str(one)], ["validate", "--json", str(one)], ["graph", str(one)]):
        code, stderr = write_to_a_pipe_nobody_reads(*args)

        assert stderr == "", args
        assert code == SIGPIPE_STATUS, args


def test_output_that_fits_the_pipe_is_written_whole_and_exits_0(tmp_path: Path) -> None:
    one = tmp_path / "one.asl.json"
    one.write_text(json.dumps(chain_of_passes(0)), encoding="utf-8")

    completed = subprocess.run(
        [*SFNTUI, "run", str(one)], capture_output=True, text=True, timeout=120, check=False
    )

    assert completed.returncode == 0
    assert completed.stdout == "{}\n"
    assert completed.stderr == ""
