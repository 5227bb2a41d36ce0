"""A breakpoint limited from the breakpoints panel to one Map iteration or Parallel branch:
the field for it shows only for a state inside one, takes an index, and the run stops there
only."""

from __future__ import annotations

import json

from textual.widgets import Input

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup, prepare
from sfntui.tui.screens.debugger import DebuggerScreen, DebugTarget
from tests.tui.steps import wait_until
from tests.tui.test_debugger_screen import (
    DebuggerApp,
    screen_of,
    select_on_graph,
    shop_target,
    wait_for_stop,
)

THREE_LINES = {"order": {"book": "Dune", "lines": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}}
FAN = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Parallel",
            "End": True,
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Right",
                    "States": {
                        "Right": {"Type": "Pass", "Next": "Again"},
                        "Again": {"Type": "Pass", "End": True},
                    },
                },
            ],
        }
    },
}


async def test_a_breakpoint_limited_to_one_map_iteration() -> None:
    target = shop_target(one_at_a_time=False)
    target.input = THREE_LINES
    app = DebuggerApp(target)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        where = screen.query_one("#breakpoint-where", Input)
        await select_on_graph(pilot, "Lookup")
        await pilot.press("b")
        assert not where.display  # Lookup is in no Map or Parallel
        await select_on_graph(pilot, "Price")
        await pilot.press("b")
        await wait_until(pilot, lambda: where.display, "the iteration field")
        assert where.placeholder == "iteration #"
        screen.breakpoints_panel.option_list.focus()
        await pilot.press("up")  # Lookup's breakpoint: off, so the run goes to Price
        await pilot.press("space", "down")
        where.focus()
        await pilot.press("x", "2", "enter")  # only digits are taken
        points = [p.describe() for p in screen.debugger.breakpoints.values()]
        assert points == ["Lookup:enter", "Price:enter iteration 2"]
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 1)
        stop = screen.snapshots[-1].stop
        assert (stop.state, stop.path, stop.inspection["input"]) == (
            "Price",
            "Each[2]",
            {"sku": "c"},
        )
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert len(screen.snapshots) == 1  # iterations 0 and 1 went by

        # Emptied, the field lifts the limit: the next run stops in every iteration.
        screen.breakpoints_panel.select_breakpoint(2)
        where.focus()
        await pilot.press("backspace", "enter")
        assert screen.debugger.breakpoints[2].describe() == "Price:enter"


async def test_a_breakpoint_limited_to_one_parallel_branch() -> None:
    setup = RunSetup(virtual_clock=True, clock_start=DEFAULT_START)
    target = DebugTarget(
        name="Fan",
        machine=parse_state_machine(json.loads(json.dumps(FAN))),
        input={"n": 1},
        make_execution=lambda machine, value, debugger: prepare(
            machine, value, setup, debugger=debugger
        ),
    )
    app = DebuggerApp(target)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await select_on_graph(pilot, "Again")
        await pilot.press("b")
        where = screen.query_one("#breakpoint-where", Input)
        await wait_until(pilot, lambda: where.display, "the branch field")
        assert where.placeholder == "branch #"
        where.focus()
        await pilot.press("0", "enter")  # Again is in branch 1: it never stops
        assert screen.debugger.breakpoints[1].describe() == "Again:enter branch 0"
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.snapshots == []
        where.focus()
        await pilot.press("backspace", "1", "enter")
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 1)
        assert (screen.snapshots[-1].stop.state, screen.snapshots[-1].stop.path) == (
            "Again",
            "Fan[1]",
        )
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.ended, "the stopped run")
