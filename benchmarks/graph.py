"""How long the graph takes to lay out and draw a large state machine.

The machine has 300 states (nested ones counted): 20 Choices, each looping back to the start
of its stretch, going on, or failing by default; Tasks with Retry and Catch (to one shared
handler); 5 Parallels of 3 branches; and 5 nested Maps: a Map in a Map in a Map in one
Parallel branch, and a Map in a branch of two other Parallels. It is built here, parsed
once, then laid out (without the cache) and drawn as plain text, ANSI text and Rich Text.
Target: layout and drawing under 250 ms.

Then a Choice of 2,000 branches (each to its own Pass state) is laid out and drawn once:
layout must stay near-linear in states and edges (target: under 2 s; it took 58 s when
grandalf ranked large graphs). A Choice of 1,000 branches is timed beside it, so the ratio
shows how the time grows (2.0 is linear).

Run: .venv/bin/python benchmarks/graph.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.graph import render_rich, render_text
from sfntui.graph.layout import clear_cache, lay_out

TARGET_SECONDS = 0.250
WIDE_CHOICE = 2000
WIDE_TARGET_SECONDS = 2.0
TOTAL_STATES = 300
CHOICES = 20
PARALLELS = 5
REPEATS = 7
LAMBDA = "arn:aws:states:::lambda:invoke"


class _Machine:
    """Builds the definition stretch by stretch, every state's Next pointing at the next."""

    def __init__(self) -> None:
        self.count = 0

    def name(self, kind: str) -> str:
        self.count += 1
        return f"{kind}{self.count:03d}"

    def chain(self, length: int, states: dict[str, Any], last_next: str | None) -> list[str]:
        """`length` Pass/Task/Wait states in a row (Pass first); returns their names."""
        names = [self.name(("Step", "Call", "Pause")[i % 3]) for i in range(length)]
        for i, name in enumerate(names):
            follow = names[i + 1] if i + 1 < length else last_next
            kind = ("Pass", "Task", "Wait")[i % 3]
            state: dict[str, Any] = {"Type": kind}
            if kind == "Task":
                state["Resource"] = LAMBDA
                state["Retry"] = [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}]
            if kind == "Wait":
                state["Seconds"] = 1
            state.update({"Next": follow} if follow else {"End": True})
            states[name] = state
        return names

    def map_state(self, depth: int, states: dict[str, Any], follow: str | None) -> str:
        name = self.name("Map")
        inner: dict[str, Any] = {}
        tail = self.map_state(depth - 1, inner, None) if depth > 1 else None
        start = self.chain(4, inner, tail)[0]
        states[name] = {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 4,
            "ItemProcessor": {"StartAt": start, "States": inner},
            **({"Next": follow} if follow else {"End": True}),
        }
        return name

    def parallel(self, map_depth: int, states: dict[str, Any], follow: str) -> str:
        """Three branches of four states; the middle one ends in Maps `map_depth` deep."""
        name = self.name("Parallel")
        branches = []
        for index in range(3):
            inner: dict[str, Any] = {}
            tail = self.map_state(map_depth, inner, None) if map_depth and index == 1 else None
            start = self.chain(4 if tail is None else 3, inner, tail)[0]
            branches.append({"StartAt": start, "States": inner})
        states[name] = {
            "Type": "Parallel",
            "Branches": branches,
            "Next": follow,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "HandleError"}],
        }
        return name


def build_definition() -> dict[str, Any]:
    machine = _Machine()
    states: dict[str, Any] = {
        "HandleError": {"Type": "Pass", "Next": "Failed"},
        "Failed": {"Type": "Fail", "Error": "Broken"},
    }
    machine.count = 2
    # Built from the end backwards, so each stretch knows the state after it.
    follow = machine.name("Done")
    states[follow] = {"Type": "Succeed"}
    map_depths = {1: 3, 5: 1, 9: 1}  # a Map in a Map in a Map, and two more Maps
    for index in range(CHOICES):
        if index % 4 == 1:
            follow = machine.parallel(map_depths.get(index, 0), states, follow)
        choice = machine.name("Choice")
        stretch = machine.chain(5, states, choice)
        fail = machine.name("Reject")
        states[fail] = {"Type": "Fail", "Error": "Rejected"}
        states[choice] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.again", "BooleanEquals": True, "Next": stretch[0]},
                {"Variable": "$.n", "NumericGreaterThan": index, "Next": follow},
            ],
            "Default": fail,
        }
        states[stretch[1]]["Catch"] = [
            {"ErrorEquals": ["States.TaskFailed"], "Next": "HandleError"}
        ]
        follow = stretch[0]
    missing = TOTAL_STATES - machine.count
    head = machine.chain(missing, states, follow)[0] if missing > 0 else follow
    return {"StartAt": head, "States": states}


def _time(run: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    machine = parse_state_machine(build_definition())
    walked = machine.walk()
    kinds = [state.type for state, _chain in walked]
    nested_maps = sum(1 for state, chain in walked if state.type == "Map" and len(chain) > 1)
    print(
        f"machine: {len(walked)} states, {kinds.count('Choice')} Choices, "
        f"{kinds.count('Parallel')} Parallels, {kinds.count('Map')} Maps "
        f"({nested_maps} nested in another Map or Parallel)"
    )

    def cold_layout() -> Any:
        clear_cache()
        return lay_out(machine)

    def cold_text() -> str:
        clear_cache()
        return render_text(machine)

    laid_out = cold_layout()
    print(f"drawing: {laid_out.width} x {laid_out.height} cells, {len(laid_out.edges)} edges")
    rows = [
        ("layout (uncached)", cold_layout),
        ("layout (cached)", lambda: lay_out(machine)),
        ("layout + plain text", cold_text),
        ("plain text, layout cached", lambda: render_text(machine)),
        ("ANSI text, layout cached", lambda: render_text(machine, color=True)),
        ("Rich Text, layout cached", lambda: render_rich(machine)),
    ]
    worst = 0.0
    for label, run in rows:
        best, median = _time(run)
        print(f"{label:28} best {best * 1000:7.1f} ms   median {median * 1000:7.1f} ms")
        if label == "layout + plain text":
            worst = median
    verdict = "within" if worst <= TARGET_SECONDS else "OVER"
    target = TARGET_SECONDS * 1000
    print(f"layout + drawing: {worst * 1000:.1f} ms, {verdict} the {target:.0f} ms target")
    _wide_choice()


def wide_choice(branches: int) -> dict[str, Any]:
    """A Choice of `branches` rules, each to a Pass state of its own, and a Default."""
    states: dict[str, Any] = {
        "Pick": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericEquals": i, "Next": f"Branch{i:04d}"}
                for i in range(branches)
            ],
            "Default": "Otherwise",
        },
        "Otherwise": {"Type": "Succeed"},
    }
    for i in range(branches):
        states[f"Branch{i:04d}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "Pick", "States": states}


def _once(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _wide_choice() -> None:
    times = {}
    for branches in (WIDE_CHOICE // 2, WIDE_CHOICE):
        machine = parse_state_machine(wide_choice(branches))
        clear_cache()
        layout_seconds = _once(lambda machine=machine: lay_out(machine))
        clear_cache()
        drawing_seconds = _once(lambda machine=machine: render_text(machine))
        times[branches] = layout_seconds
        print(
            f"Choice of {branches} branches: layout {layout_seconds:.2f} s, "
            f"layout + plain text {drawing_seconds:.2f} s"
        )
    growth = times[WIDE_CHOICE] / times[WIDE_CHOICE // 2]
    verdict = "within" if times[WIDE_CHOICE] <= WIDE_TARGET_SECONDS else "OVER"
    print(
        f"{WIDE_CHOICE}-branch Choice layout: {times[WIDE_CHOICE]:.2f} s, {verdict} the "
        f"{WIDE_TARGET_SECONDS:.0f} s target; x{growth:.1f} for twice the branches"
    )


if __name__ == "__main__":
    main()
