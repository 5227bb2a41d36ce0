"""A local Python handler cannot hang, end or write into the command that runs it.

`sys.exit`, `os._exit` and other BaseExceptions fail the Task as a crashed Lambda runtime
would (Runtime.ExitError) and the run's exit code says so; what a handler prints goes to
stderr, never into `--json`; a sleeping handler runs in a thread, so TimeoutSeconds fires and
one Ctrl-C ends the command.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sfntui.cli import main

HANDLERS = textwrap.dedent(
    """
    import os, sys, time
    print("chatter while imported")

    def exits(event, context):
        print("chatter from the handler")
        sys.exit(0)

    def hard_exit(event, context):
        os._exit(0)

    def raises_base(event, context):
        raise BaseException("boom")

    async def exits_async(event, context):
        sys.exit(3)

    def not_a_number(event, context):
        return {"x": float("nan")}

    def sleeps(event, context):
        print("sleeping", flush=True)
        time.sleep(600)

    def answers(event, context):
        print("chatter from the handler")
        return {"ok": True}
    """
)


def _task(timeout: int | None = None) -> dict[str, object]:
    state: dict[str, object] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"},
        "End": True,
    }
    if timeout is not None:
        state["TimeoutSeconds"] = timeout
    return {"StartAt": "Call", "States": {"Call": state}}


@pytest.fixture
def setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Callable[..., list[str]]:
    module = f"handlers_{abs(hash(request.node.nodeid))}"
    (tmp_path / f"{module}.py").write_text(HANDLERS)
    monkeypatch.syspath_prepend(str(tmp_path))
    definition = tmp_path / "task.asl.json"

    def arguments(function: str, timeout: int | None = None) -> list[str]:
        definition.write_text(json.dumps(_task(timeout)))
        return ["run", str(definition), "--handler", f"f={module}:{function}", "--json"]

    return arguments


@pytest.mark.parametrize(
    ("function", "words"),
    [
        ("exits", "exit status 0 (sys.exit(0) in the handler)"),
        ("hard_exit", "exit status 0 (os._exit(0) in the handler)"),
        ("raises_base", "exit status 1 (BaseException in the handler)"),
        ("exits_async", "exit status 3 (sys.exit(3) in the handler)"),
    ],
)
def test_a_handler_that_ends_the_function_fails_the_task_not_sfntui(
    setup: Callable[..., list[str]], capsys: pytest.CaptureFixture[str], function: str, words: str
) -> None:
    exit_function = os._exit
    assert main(setup(function)) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # stdout is the JSON report alone
    assert report["status"] == "FAILED"
    assert report["error"] == "Runtime.ExitError"
    assert words in report["cause"]
    assert os._exit is exit_function  # given back once no handler runs
    assert "chatter" not in captured.out


def test_what_a_handler_prints_goes_to_stderr(
    setup: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(setup("answers")) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["output"]["Payload"] == {"ok": True}
    assert "chatter while imported" in captured.err
    assert "chatter from the handler" in captured.err


def test_a_result_holding_nan_fails_the_task_with_a_sentence(
    setup: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(setup("not_a_number")) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["error"] == "Lambda.InvalidResponse"
    assert "not a JSON number" in report["cause"]


def test_timeout_seconds_fires_while_a_handler_sleeps(
    setup: Callable[..., list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert main(setup("sleeps", timeout=1)) == 1
    assert json.loads(capsys.readouterr().out)["error"] == "States.Timeout"
    assert time.monotonic() - started < 60  # the handler sleeps 600 s


def test_one_ctrl_c_ends_a_run_whose_handler_sleeps(tmp_path: Path) -> None:
    (tmp_path / "sleepy.py").write_text(HANDLERS)
    definition = tmp_path / "task.asl.json"
    definition.write_text(json.dumps(_task()))
    command = [sys.executable, "-m", "sfntui", "run", str(definition)]
    command += ["--handler", "f=sleepy:sleeps"]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # the handler has started when it says so
            if "sleeping" in line:
                break
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    finally:
        process.kill()
    assert code == 130
    assert "interrupted" in process.stderr.read()
