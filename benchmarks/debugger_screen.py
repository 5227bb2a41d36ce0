"""How fast the debugger screen answers at a stop, with a big machine and a long history.

The machine has 300 states: a Map of one Pass over 2,450 items (9,800 events), then a chain of
Pass states; a breakpoint in the chain stops the run with more than 10,000 events so far. The
app runs headless (`run_test`); each measure is from the key press to the app being idle
again (every message handled, the screen refreshed).

Targets (issue 11): every key at a stop under 50 ms; the data-flow panel filled under
100 ms (the stop drawn: graph, steps, scope, events; the first stop also takes in every event
so far); a paused run costs nothing (CPU time while the screen idles at a stop, against the
wall time). Two peers are measured in the same run: the engine running the same machine with
no debugger (what the screen costs next to the run itself), and a key nothing is bound to
(Textual's own round trip on this machine: the floor under every key).

Run: .venv/bin/python benchmarks/debugger_screen.py
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.runner import RunSetup, prepare, run_local
from sfntui.tui.screens.debugger import DebuggerScreen, DebugTarget

TOTAL_STATES = 300
ITEMS = 2450
KEY_TARGET = 0.050
FILL_TARGET = 0.100
REPEATS = 5


def definition() -> dict[str, Any]:
    chain = TOTAL_STATES - 2  # the Map and its Pass are the other two
    states: dict[str, Any] = {
        "Items": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "Each",
                "States": {"Each": {"Type": "Pass", "End": True}},
            },
            "ResultPath": "$.done",
            "Next": "S000",
        }
    }
    for i in range(chain):
        state: dict[str, Any] = {"Type": "Pass", "ResultPath": f"$.step{i % 5}"}
        state["Result"] = {"index": i}
        if i + 1 < chain:
            state["Next"] = f"S{i + 1:03d}"
        else:
            state["End"] = True
        states[f"S{i:03d}"] = state
    return {"StartAt": "Items", "States": states}


EXECUTION_INPUT = {"items": [{"n": i, "name": f"item {i}"} for i in range(ITEMS)]}


class BenchApp(App[None]):
    CSS_PATH = "../sfntui/tui/app.tcss"

    def __init__(self, target: DebugTarget) -> None:
        super().__init__()
        self.target = target

    def on_mount(self) -> None:
        self.push_screen(DebuggerScreen(self.target))


async def until(pilot: Pilot[Any], done: Any) -> None:
    while not done():
        await pilot.pause()


async def timed_key(pilot: Pilot[Any], *keys: str) -> float:
    started = time.perf_counter()
    await pilot.press(*keys)
    await pilot.pause()
    return time.perf_counter() - started


async def measure() -> dict[str, Any]:
    machine = parse_state_machine(definition())
    setup = RunSetup(virtual_clock=True)
    started = time.perf_counter()
    execution, _ = await run_local(machine, EXECUTION_INPUT, setup)
    peer = time.perf_counter() - started
    target = DebugTarget(
        name="Big",
        machine=machine,
        input=EXECUTION_INPUT,
        make_execution=lambda m, value, debugger: prepare(m, value, setup, debugger=debugger),
        breakpoints=[("S150", "enter", None)],
    )
    app = BenchApp(target)
    results: dict[str, Any] = {"peer run": peer, "events": len(execution.history.events)}
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DebuggerScreen))
        screen = app.screen
        assert isinstance(screen, DebuggerScreen)
        started = time.perf_counter()
        await pilot.press("c")
        await until(pilot, lambda: bool(screen.snapshots))
        await pilot.pause()
        results["run to the stop (engine + first fill)"] = time.perf_counter() - started
        results["events so far"] = screen.snapshots[-1].event_count
        fills = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            screen._show()  # the whole stop drawn again: graph, steps, scope, events
            await pilot.pause()
            fills.append(time.perf_counter() - started)
        results["data-flow fill"] = statistics.median(fills)
        keys: dict[str, list[float]] = {}
        for _ in range(REPEATS):
            count = len(screen.snapshots)
            started = time.perf_counter()
            await pilot.press("n")
            await until(pilot, lambda count=count: len(screen.snapshots) > count)
            await pilot.pause()
            keys.setdefault("n (step)", []).append(time.perf_counter() - started)
        screen.graph.focus()
        for name, key in (
            ("z (no binding: the peer)", "z"),
            ("[ (back)", "left_square_bracket"),
            ("] (forward)", "right_square_bracket"),
            ("tab (select)", "tab"),
            ("b (breakpoint)", "b"),
            ("B (moment)", "B"),
            ("e (on error)", "e"),
        ):
            keys[name] = [await timed_key(pilot, key) for _ in range(REPEATS)]
        await pilot.press("slash")
        keys["/ filter, one character"] = [
            await timed_key(pilot, char) for char in "$.step1"
        ]
        results["keys"] = {name: statistics.median(times) for name, times in keys.items()}
        await pilot.press("escape")  # out of the filter, to the graph
        assert screen.paused and app.screen is screen
        # Idle at a stop: the engine waits on a future; the screen does nothing.
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(1.0)
        results["idle CPU share"] = (time.process_time() - cpu) / (time.perf_counter() - wall)
        screen.debugger.stop()
    return results


def main() -> None:
    results = asyncio.run(measure())
    peer = results["peer run"]
    print(f"machine: {TOTAL_STATES} states; the whole run: {results['events']} events")
    print(f"peer: the engine alone runs it in {peer * 1000:.0f} ms")
    first = results["run to the stop (engine + first fill)"]
    print(
        f"run to the stop at S150 ({results['events so far']} events so far), engine and "
        f"first draw: {first * 1000:.0f} ms ({first / peer:.2f}x the peer run)"
    )
    fill = results["data-flow fill"]
    print(
        f"data-flow panel (the stop drawn again): {fill * 1000:.1f} ms "
        f"(target {FILL_TARGET * 1000:.0f} ms: {fill / FILL_TARGET:.2f}x the budget)"
    )
    floor = results["keys"]["z (no binding: the peer)"]
    for name, seconds in results["keys"].items():
        print(
            f"key {name:<26} {seconds * 1000:6.1f} ms "
            f"({seconds / KEY_TARGET:.2f}x the {KEY_TARGET * 1000:.0f} ms budget, "
            f"{seconds / floor:.2f}x a key nothing answers)"
        )
    print(f"CPU while paused and idle: {results['idle CPU share'] * 100:.1f}% of one core")


if __name__ == "__main__":
    main()
