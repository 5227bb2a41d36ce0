"""Replay in the debugger screen: `sfntui replay FILE --definition F` without `--batch` opens
the screen on the replayed run, break on error set, its Tasks answered as recorded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from sfntui.cli import main
from sfntui.tui.app import SfntuiApp, make_app
from sfntui.tui.screens.debugger import DebuggerScreen
from tests.replay.recordings import record
from tests.replay.test_replay import CATCH, catch_script
from tests.tui.steps import wait_until

Drive = Callable[[SfntuiApp, Pilot[Any]], Awaitable[None]]


def headless_app(monkeypatch: pytest.MonkeyPatch, drive: Drive) -> None:
    """The app's terminal loop replaced by a headless one that `drive` steps through."""

    def run_app(local: Any = None, **options: Any) -> int:
        async def run() -> None:
            app = make_app(local, **options)
            async with app.run_test(size=(140, 44), notifications=True) as pilot:
                await drive(app, pilot)

        asyncio.run(run())
        return 0

    monkeypatch.setattr("sfntui.tui.app.run_app", run_app)


def banner(screen: DebuggerScreen) -> str:
    return str(screen.query_one("#stop-banner", Static).render())


async def run_to_the_error(app: SfntuiApp, pilot: Pilot[Any]) -> DebuggerScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
    screen = app.screen
    assert isinstance(screen, DebuggerScreen)
    await pilot.press("c")
    await wait_until(pilot, lambda: bool(screen.snapshots), "the first stop")
    return screen


async def continue_once(pilot: Pilot[Any], screen: DebuggerScreen) -> None:
    """`c`, then wait for the next stop or the run's end."""
    count = len(screen.snapshots)
    await pilot.press("c")
    await wait_until(
        pilot, lambda: screen.ended or len(screen.snapshots) > count, "a stop or the end"
    )


async def continue_to_the_end(pilot: Pilot[Any], screen: DebuggerScreen) -> list[str]:
    """Continue from stop to stop until the run ends; the states it stopped at."""
    stops = [screen.snapshots[-1].stop.state]
    while True:
        await continue_once(pilot, screen)
        if screen.ended:
            return stops
        stops.append(screen.snapshots[-1].stop.state)


def test_replay_without_batch_stops_at_the_recorded_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    seen: dict[str, Any] = {}

    async def drive(app: SfntuiApp, pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        screen = app.screen
        assert isinstance(screen, DebuggerScreen)
        seen["before"] = banner(screen)
        screen = await run_to_the_error(app, pilot)
        stop = screen.snapshots[-1].stop
        seen["stop"] = (stop.state, stop.reason, stop.error, stop.cause)
        seen["at error"] = banner(screen)
        seen["stops"] = await continue_to_the_end(pilot, screen)
        seen["end"] = banner(screen)

    headless_app(monkeypatch, drive)
    argv = ["replay", str(recorded.history_file), "--definition", str(recorded.definition_file)]
    assert main(argv) == 0

    assert "Replay of exec-1" in seen["before"]
    assert "on AWS it ended FAILED: ChargeFailed (The card could not be charged.)" in seen["before"]
    assert "Breaks on any error." in seen["before"]
    # The recorded failure of Charge, as the history file holds it.
    assert seen["stop"] == ("Charge", "error", "Payment.Declined", "Card declined.")
    assert "Error: Payment.Declined  Cause: Card declined." in seen["at error"]
    # Continued, the Catch goes to Refund (answered as recorded) and the Fail state.
    assert seen["stops"] == ["Charge", "ChargeFailed"]
    assert "The run ended: FAILED. ChargeFailed: The card could not be charged." in seen["end"]


def test_a_changed_definition_stops_where_the_path_leaves_the_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    changed = json.loads(json.dumps(CATCH))
    changed["States"]["Charge"]["Catch"][0]["Next"] = "Ship"
    changed["States"]["Ship"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}]
    fixed = tmp_path / "changed.asl.json"
    fixed.write_text(json.dumps(changed))
    seen: list[str] = []

    async def drive(app: SfntuiApp, pilot: Pilot[Any]) -> None:
        screen = await run_to_the_error(app, pilot)
        await continue_to_the_end(pilot, screen)
        seen.append(banner(screen))

    headless_app(monkeypatch, drive)
    assert main(["replay", str(recorded.history_file), "--definition", str(fixed)]) == 0

    (end,) = seen
    assert "The run ended: ABORTED. Replay.Diverged: The local run called the Task state " in end
    assert "'Ship'" in end


def test_the_replay_stopped_at_its_recorded_error(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    from sfntui.asl.parse import parse_state_machine
    from sfntui.engine.interpreter import RunOptions
    from sfntui.replay import read_recording
    from sfntui.tui.replay_target import replay_target
    from tests.tui.steps import steady_cursors
    from tests.tui.test_debugger_screen import DebuggerApp

    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    target = replay_target(
        "exec-1",
        parse_state_machine(CATCH),
        read_recording(recorded.events),
        options=RunOptions(name="exec-1", state_machine_name="Orders"),
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DebuggerScreen), "screen")
        screen = pilot.app.screen
        assert isinstance(screen, DebuggerScreen)
        await pilot.press("c")
        await wait_until(pilot, lambda: bool(screen.snapshots), "the recorded error")
        steady_cursors(pilot)

    assert snap_compare(DebuggerApp(target), terminal_size=(130, 40), run_before=run_before)
