"""`sfntui app --history FILE`: an exported history opened offline (graph, events, inspector),
replayed with P on the definition beside it; a missing or bad file is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from sfntui.cli import main
from sfntui.tui.app import SfntuiApp
from sfntui.tui.screens.debugger import DebuggerScreen
from sfntui.tui.widgets.execution_view import ExecutionView
from tests.replay.recordings import record
from tests.replay.test_replay import CATCH, catch_script
from tests.tui.steps import toasts, wait_until
from tests.tui.test_replay_debugger import banner, headless_app

DISTRIBUTED = Path(__file__).parents[1] / "replay" / "histories" / "distributed"


async def opened(app: SfntuiApp, pilot: Pilot[Any]) -> ExecutionView:
    view = app.screen_stack[0].query_one(ExecutionView)
    await wait_until(
        pilot,
        lambda: view.status is not None and view.projection is not None and not view.loading,
        "the history shown",
    )
    return view


def test_a_history_file_opens_offline_and_p_replays_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)  # Orders.asl.json beside it
    seen: dict[str, Any] = {}

    async def drive(app: SfntuiApp, pilot: Pilot[Any]) -> None:
        view = await opened(app, pilot)
        assert view.graph is not None and view.projection is not None
        seen["graph"] = view.graph.machine.states.keys()
        seen["status"] = str(view.status)
        seen["events"] = len(view.event_log.event_ids)
        seen["titles"] = app.screen.sub_title
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        screen = app.screen
        assert isinstance(screen, DebuggerScreen)
        await pilot.press("c")
        await wait_until(pilot, lambda: bool(screen.snapshots), "the first stop")
        stop = screen.snapshots[-1].stop
        seen["stop"] = (stop.state, stop.error, stop.cause)
        seen["banner"] = banner(screen)

    headless_app(monkeypatch, drive)
    assert main(["app", "--history", str(recorded.history_file)]) == 0

    assert set(seen["graph"]) == {"Charge", "Ship", "Refund", "ChargeFailed"}
    assert seen["status"] == "FAILED"
    assert seen["events"] == len(recorded.events)
    assert "history: exec-1.json" in seen["titles"]
    assert seen["stop"] == ("Charge", "Payment.Declined", "Card declined.")
    assert "Error: Payment.Declined  Cause: Card declined." in seen["banner"]


def test_without_a_definition_the_history_shows_and_p_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    recorded.definition_file.unlink()
    seen: dict[str, Any] = {}

    async def drive(app: SfntuiApp, pilot: Pilot[Any]) -> None:
        view = await opened(app, pilot)
        seen["events"] = len(view.event_log.event_ids)
        await pilot.press("P")
        await wait_until(pilot, lambda: bool(toasts(pilot)), "the refusal")
        seen["said"] = toasts(pilot)
        seen["screen"] = app.screen

    headless_app(monkeypatch, drive)
    assert main(["app", "--history", str(recorded.history_file)]) == 0

    assert seen["events"] == len(recorded.events)
    assert not isinstance(seen["screen"], DebuggerScreen)
    assert any(
        "exec-1 cannot be replayed: No definition is known for exec-1.json (no *.asl.json "
        "there, none named after its machine): give the one that ran with --definition." in said
        for said in seen["said"]
    ), seen["said"]


def test_a_distributed_map_history_replays_with_its_children(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    async def drive(app: SfntuiApp, pilot: Pilot[Any]) -> None:
        await opened(app, pilot)
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        screen = app.screen
        assert isinstance(screen, DebuggerScreen)
        await pilot.press("c")
        await wait_until(pilot, lambda: bool(screen.snapshots), "the first stop")
        stop = screen.snapshots[-1].stop
        seen["stop"] = (stop.state, stop.error)

    headless_app(monkeypatch, drive)
    argv = ["app", "--history", str(DISTRIBUTED / "fan-out.json")]
    assert main([*argv, "--children", str(DISTRIBUTED / "children")]) == 0

    # The child that failed on AWS fails here, answered by its own recorded history.
    assert seen["stop"] == ("Work", "Work.Failed")


def test_a_distributed_map_history_without_its_children_says_so_on_p(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    async def drive(app: SfntuiApp, pilot: Pilot[Any]) -> None:
        await opened(app, pilot)
        await pilot.press("P")
        await wait_until(
            pilot, lambda: any("cannot" in t or "not in" in t for t in toasts(pilot)), "why not"
        )
        seen["said"] = toasts(pilot)
        seen["screen"] = app.screen

    headless_app(monkeypatch, drive)
    assert main(["app", "--history", str(DISTRIBUTED / "fan-out.json")]) == 0

    assert not isinstance(seen["screen"], DebuggerScreen)
    assert any(
        "The child executions of the distributed Map 'Fan' are not in fan-out.json: open it "
        "with --children DIR (a folder of their histories)." in said
        for said in seen["said"]
    ), seen["said"]


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        (None, [], "History file {file} does not exist."),
        ("{nope", [], "History file {file}"),
        ('{"items": []}', [], 'History file {file} holds neither an "events" list'),
        (json.dumps({"events": []}), ["--aws"], "--history opens a file offline: leave out --aws"),
        (json.dumps({"events": []}), ["--definition", "{dir}/gone.asl.json"], "no such file"),
    ],
    ids=["missing", "not-json", "not-a-history", "with-aws", "no-definition-file"],
)
def test_a_bad_history_option_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    argv: list[str],
    message: str,
) -> None:
    history = tmp_path / "exec.json"
    if content is not None:
        history.write_text(content)
    extra = [arg.format(dir=tmp_path) for arg in argv]

    code = main(["app", "--history", str(history), *extra])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("sfntui: ")
    assert message.format(file=history) in captured.err
    assert len(captured.err.splitlines()) == 1
    assert "Traceback" not in captured.err
