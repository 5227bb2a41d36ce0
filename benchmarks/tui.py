"""How fast the app is where an on-call engineer waits: headless (`App.run_test()`).

- start to the machines list, with 500 state machines (local definition files);
- opening an execution of 25,000 events (the projection benchmark's recorded history, served
  by a backend that hands it out whole, as a finished AWS history arrives): graph and event
  log ready;
- each cursor key on it (the event log), and five PgUp sent at once moving five pages;
- the inspector and the graph following the cursor once it rests on a row;
- the process's peak memory.

The peer measured in the same run is the projection alone on the same events (no screen), so
the ratio says what the screen adds. Targets: 1 s, 2 s, 50 ms, 300 MB.

Run: .venv/bin/python benchmarks/tui.py
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from projection import build_history  # noqa: E402  (the benchmark next to this one)
from textual import events  # noqa: E402
from textual.worker import WorkerState  # noqa: E402

from sfntui.backends import (  # noqa: E402
    ExecutionSummary,
    StateMachineDescription,
    TroubleReport,
)
from sfntui.backends.local import LocalBackend  # noqa: E402
from sfntui.history.projection import Projection  # noqa: E402
from sfntui.tui.app import make_app  # noqa: E402
from sfntui.tui.screens.main import MainScreen  # noqa: E402
from sfntui.tui.widgets.event_log import FOLLOW_DELAY, EventLog  # noqa: E402
from sfntui.tui.widgets.execution_view import ExecutionView  # noqa: E402

MACHINES = 500
SIZE = (160, 50)
DEFINITION = {
    "StartAt": "Load",
    "States": {
        "Load": {"Type": "Pass", "Next": "Items"},
        "Items": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Prepare",
                "States": {
                    "Prepare": {"Type": "Pass", "Next": "Work"},
                    "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:w",
                             "Next": "Record"},
                    "Record": {"Type": "Pass", "End": True},
                },
            },
            "Next": "Tail",
        },
        "Tail": {"Type": "Pass", "End": True},
    },
}  # fmt: skip
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:big:recorded"


class RecordedBackend(LocalBackend):
    """The local backend, with one recorded 25,000-event execution handed out whole."""

    def __init__(self, folder: Path, events: list[dict[str, Any]]) -> None:
        super().__init__([folder])
        self.events = events

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        if arn != EXECUTION:
            return await super().definition_for_execution(arn)
        return StateMachineDescription(arn, "big", json.dumps(DEFINITION))

    async def follow(
        self, arn: str, *, on_trouble: TroubleReport | None = None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        if arn != EXECUTION:
            async for batch in super().follow(arn, on_trouble=on_trouble):
                yield batch
            return
        yield self.events


async def until(pilot: Any, done: Any, what: str) -> None:
    """Wait for `done`; a worker that failed ends the benchmark at once (nothing will come)."""
    while not done():
        failed = [w for w in pilot.app.workers if w.state is WorkerState.ERROR]
        if failed:
            raise SystemExit(f"Waiting for {what}: {failed[0].name} failed: {failed[0].error!r}")
        await pilot.pause()


class Frames:
    """Keys sent as a terminal sends them, timed to the frame that shows what they did.

    `pilot.press` waits for the app to go idle with two sleeps of 20 ms per key at least
    (textual's `wait_for_idle`), so it cannot time a key in tens of milliseconds. Here the
    key goes to the driver, and the time runs until the app draws a frame (`App._display`,
    called headless too, with the screen update computed) in which `shown()` holds."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.drawn = asyncio.Event()
        self.shown: Any = lambda: False
        display = app._display

        def draw(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None and self.shown():
                self.drawn.set()

        app._display = draw

    async def send(self, key: str, shown: Any) -> None:
        await self.send_all([key], shown)

    async def send_all(self, keys: list[str], shown: Any) -> None:
        self.drawn.clear()
        self.shown = shown
        for key in keys:
            self.app._driver.send_message(events.Key(key, None))
        await asyncio.wait_for(self.drawn.wait(), timeout=30)
        self.shown = lambda: False


async def start_with_machines(folder: Path) -> float:
    started = time.perf_counter()
    app = make_app(LocalBackend([folder]))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen_stack[0]
        assert isinstance(screen, MainScreen)
        await until(pilot, lambda: len(screen.sidebar.machines_in(0)) == MACHINES, "machines")
        return time.perf_counter() - started


async def open_and_move(folder: Path, events: list[dict[str, Any]]) -> dict[str, float]:
    app = make_app(RecordedBackend(folder, events))
    figures: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen_stack[0]
        assert isinstance(screen, MainScreen)
        await until(pilot, lambda: screen.machine is not None, "the machine")
        view = screen.query_one(ExecutionView)
        log = screen.query_one(EventLog)
        summary = ExecutionSummary(EXECUTION, "recorded", "big", "SUCCEEDED")
        started = time.perf_counter()
        screen.open_execution(summary)
        await until(
            pilot,
            lambda: view.graph is not None
            and view.projection is not None
            and len(view.projection.events) == len(events)
            and log.row_count == len(events),
            "the execution",
        )
        await pilot.pause()
        figures["open"] = time.perf_counter() - started
        log.focus()
        await pilot.press("home")
        frames = Frames(app)
        # Keys one after another, each as soon as the one before is on screen (a held key
        # repeats about every 30 ms: the cursor never rests, the inspector is not redrawn).
        keys, cpu = [], []
        for key in ["down"] * 60 + ["up"] * 20 + ["pagedown"] * 10 + ["pageup"] * 5:
            before, cpu_before, at = time.perf_counter(), time.process_time(), log.cursor
            await frames.send(key, lambda at=at: log.cursor != at)
            keys.append(time.perf_counter() - before)
            cpu.append(time.process_time() - cpu_before)
        figures["key_median"] = statistics.median(keys)
        figures["key_worst"] = max(keys)
        # The CPU time of a key: what it costs, whatever else the machine is doing.
        figures["key_cpu_median"] = statistics.median(cpu)
        # A key, then a rest: the inspector and the graph follow once the cursor rests (one
        # redraw, after the log's FOLLOW_DELAY): from the key to that redraw on screen.
        projection = view.projection
        assert projection is not None
        follows = []
        for _ in range(10):
            before = time.perf_counter()
            run = projection.run_for_event(log.event_ids[log.cursor + 1])
            await frames.send("down", lambda run=run: view.inspector.run is run)
            follows.append(time.perf_counter() - before)
        figures["follow_median"] = statistics.median(follows)
        # Five PgUp sent at once, from the end: five pages up, none dropped.
        await pilot.press("end")
        bottom = log.cursor
        await pilot.press("pageup")
        page = bottom - log.cursor
        at = log.cursor
        before = time.perf_counter()
        await frames.send_all(["pageup"] * 5, lambda: log.cursor == at - 5 * page)
        figures["five_pageup"] = time.perf_counter() - before
        await pilot.press("pageup")  # and one more after them: no key left in a queue
        figures["five_pageup_pages"] = (at - log.cursor) / page - 1
    return figures


def main() -> None:
    events = build_history()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # A run store of its own: runs kept by the person (or tests) would be listed too.
        os.environ["XDG_DATA_HOME"] = str(folder / "data")
        for index in range(MACHINES):
            machine = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
            (folder / f"machine-{index:03}.asl.json").write_text(json.dumps(machine))
        start = asyncio.run(start_with_machines(folder))
        small = folder / "one"
        small.mkdir()
        (small / "big.asl.json").write_text(json.dumps(DEFINITION))
        figures = asyncio.run(open_and_move(small, events))
    peer_started = time.perf_counter()
    Projection().add(events)
    peer = time.perf_counter() - peer_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"start to {MACHINES} machines listed:  {start * 1000:7.0f} ms  (target 1000 ms)")
    print(
        f"open {len(events)} events:             {figures['open'] * 1000:7.0f} ms  "
        f"(target 2000 ms; the projection alone {peer * 1000:.0f} ms, "
        f"x{figures['open'] / peer:.1f})"
    )
    print(
        f"cursor key to its frame: median {figures['key_median'] * 1000:.1f} ms, "
        f"worst {figures['key_worst'] * 1000:.1f} ms, CPU time median "
        f"{figures['key_cpu_median'] * 1000:.1f} ms  (target 50 ms)"
    )
    print(
        f"inspector and graph following the cursor once it rests: median "
        f"{figures['follow_median'] * 1000:.0f} ms  (the log waits {FOLLOW_DELAY * 1000:.0f} ms "
        "for the cursor to rest)"
    )
    print(
        f"five PgUp sent at once moved {figures['five_pageup_pages']:.1f} pages  (target 5), "
        f"on screen in {figures['five_pageup'] * 1000:.0f} ms"
    )
    print(f"peak memory: {peak_mb:.0f} MB  (target 300 MB)")


if __name__ == "__main__":
    main()
