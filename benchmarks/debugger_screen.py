"""How fast the debugger screen answers at a stop, with a big machine and a long history.

The machine has 300 states: a Map of one Pass over 2,450 items (9,800 events), then a chain of
Pass states; a breakpoint in the chain stops the run with more than 10,000 events so far. The
app runs headless (`run_test`); each key is measured from the moment it is sent to the last
time the screen was painted for it (the compositor's update done: what a terminal would show),
once the app is idle again. The CPU time the process spent meanwhile is printed beside it: the
machine may be shared, and wall time then counts the others' work too.

Targets (issue 11): every key at a stop under 50 ms; the data-flow panel filled under
100 ms (the stop drawn: graph, steps, scope, events), the first stop included, which also
takes in every event so far (timed from there to its last paint; `R` runs to it again, for a
median of `FIRST_STOPS`); a paused run costs nothing (CPU time while the screen idles at a
stop, against the wall time). Two peers are measured in the same run: the engine running the
same machine with no debugger (what the screen costs next to the run itself), and a key
nothing is bound to (Textual's own handling of a key on this machine: the floor under every
key's CPU time; it paints nothing).

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
REPEATS = 7
#: Runs to the first stop (each takes in every event so far again).
FIRST_STOPS = 5
#: Seconds a key is left to settle after it is answered (any later paint is still its own).
SETTLE = 0.25


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


#: (wall time to the last paint, None when nothing was painted; CPU time), in seconds.
Measure = tuple[float | None, float]


class Paints:
    """When the screen was last painted: its compositor refresh wrapped (headless, the update
    is composed as for a terminal, then not written)."""

    def __init__(self, screen: DebuggerScreen) -> None:
        self.last = 0.0
        refresh = screen._compositor_refresh

        def painted() -> None:
            refresh()
            self.last = time.perf_counter()

        screen._compositor_refresh = painted  # type: ignore[method-assign]


async def timed(paints: Paints, act: Any, done: Any = None) -> Measure:
    """(wall time from `act` to the last paint, or None if nothing was painted; CPU time).

    The app is left alone meanwhile: no Pilot pause (it walks every widget and forces a
    paint), only sleeps until `done` holds and `SETTLE` seconds more."""
    cpu, started = time.process_time(), time.perf_counter()
    await act()
    while done is not None and not done():  # noqa: ASYNC110 - the app's state, from outside
        await asyncio.sleep(0.002)
    await asyncio.sleep(SETTLE)
    painted = paints.last - started if paints.last > started else None
    return painted, time.process_time() - cpu


async def timed_key(app: App[None], paints: Paints, key: str, done: Any = None) -> Measure:
    """A key sent as the terminal driver sends it (what `Pilot.press` does first)."""
    return await timed(paints, lambda: app._press_keys([key]), done)


def median(measures: list[Measure]) -> Measure:
    painted = [wall for wall, _ in measures if wall is not None]
    wall = statistics.median(painted) if painted else None
    return wall, statistics.median(cpu for _, cpu in measures)


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
        paints = Paints(screen)
        taken: list[tuple[float, float]] = []
        take_events = screen._take_events

        def take_and_note() -> None:
            taken.append((time.perf_counter(), time.process_time()))
            take_events()

        async def first_stop(key: str) -> tuple[Measure, Measure]:
            """(the run to its first stop, the first stop alone: from taking in the
            events so far to its last paint)."""
            taken.clear()
            screen._take_events = take_and_note  # type: ignore[method-assign]
            run = await timed_key(app, paints, key, lambda: bool(screen.snapshots))
            screen._take_events = take_events  # type: ignore[method-assign]
            wall, cpu = taken[0]
            return run, (paints.last - wall, time.process_time() - cpu)

        run, stop = await first_stop("c")
        results["run to the stop (engine + first fill)"] = run
        stops = [stop]
        for _ in range(FIRST_STOPS - 1):  # R runs it again from the start, to the same stop
            stops.append((await first_stop("R"))[1])
        results["first stop"] = median(stops)
        results["events so far"] = screen.snapshots[-1].event_count

        async def fill() -> None:
            screen._show()  # the whole stop drawn again: graph, steps, scope, events

        results["data-flow fill"] = median([await timed(paints, fill) for _ in range(REPEATS)])
        keys: dict[str, list[Measure]] = {}
        for _ in range(REPEATS):
            count = len(screen.snapshots)
            step = await timed_key(app, paints, "n", lambda n=count: len(screen.snapshots) > n)
            keys.setdefault("n (step)", []).append(step)
        screen.graph.focus()
        await asyncio.sleep(SETTLE)  # the focus moved: its repaint is no key's
        for name, key in (
            ("z (no binding: the peer)", "z"),
            ("[ (back)", "left_square_bracket"),
            ("] (forward)", "right_square_bracket"),
            ("tab (select)", "tab"),
            ("b (breakpoint)", "b"),
            ("B (moment)", "B"),
            ("e (on error)", "e"),
        ):
            keys[name] = [await timed_key(app, paints, key) for _ in range(REPEATS)]
        await pilot.press("slash")
        await asyncio.sleep(SETTLE)
        keys["/ filter, one character"] = [await timed_key(app, paints, char) for char in "$.step1"]
        results["keys"] = {name: median(measures) for name, measures in keys.items()}
        await pilot.press("escape")  # out of the filter, to the graph
        assert screen.paused and app.screen is screen
        # Idle at a stop: the engine waits on a future; the screen does nothing.
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(1.0)
        results["idle CPU share"] = (time.process_time() - cpu) / (time.perf_counter() - wall)
        screen.debugger.stop()
    return results


def figure(measure: Measure, target: float) -> str:
    wall, cpu = measure
    shown = "nothing painted" if wall is None else f"{wall * 1000:6.1f} ms to the paint"
    ratio = "" if wall is None else f", {wall / target:.2f}x the {target * 1000:.0f} ms budget"
    return f"{shown} (CPU {cpu * 1000:5.1f} ms{ratio})"


def main() -> None:
    results = asyncio.run(measure())
    peer = results["peer run"]
    print(f"machine: {TOTAL_STATES} states; the whole run: {results['events']} events")
    print(f"peer: the engine alone runs it in {peer * 1000:.0f} ms")
    first, _ = results["run to the stop (engine + first fill)"]
    print(
        f"run to the stop at S150 ({results['events so far']} events so far), engine and "
        f"first draw: {first * 1000:.0f} ms ({first / peer:.2f}x the peer run)"
    )
    print(
        f"the first stop drawn, every event so far taken in: "
        f"{figure(results['first stop'], FILL_TARGET)}"
    )
    print(
        f"data-flow panel (the stop drawn again): {figure(results['data-flow fill'], FILL_TARGET)}"
    )
    for name, key in results["keys"].items():
        print(f"key {name:<26} {figure(key, KEY_TARGET)}")
    print(f"CPU while paused and idle: {results['idle CPU share'] * 100:.1f}% of one core")


if __name__ == "__main__":
    main()
