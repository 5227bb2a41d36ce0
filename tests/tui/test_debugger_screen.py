"""The debugger screen driven with Pilot: a whole debugging run, from breakpoints set on the
graph to a restart from an earlier state, and what the screen looks like at a stop."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup, prepare
from sfntui.tui.screens.debugger import DebuggerScreen, DebugTarget
from sfntui.tui.screens.json_editor import JsonEditor
from sfntui.tui.widgets.data_flow import DataFlowPanel
from tests.tui.steps import steady_cursors, wait_until

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
SHOP = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {
            "Type": "Pass",
            "Result": {"currency": "EUR"},
            "ResultPath": "$.meta",
            "Next": "Lookup",
        },
        "Lookup": {
            "Type": "Task",
            "Resource": LAMBDA + "lookup-book",
            "InputPath": "$.order",
            "Parameters": {"title.$": "$.book", "year": 2024},
            "ResultSelector": {"id.$": "$.id", "title.$": "$.title"},
            "ResultPath": "$.found",
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.order.lines",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "StartAt": "Price",
                "States": {"Price": {"Type": "Task", "Resource": LAMBDA + "price", "End": True}},
            },
            "ResultPath": "$.prices",
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}
SHOP_INPUT = {"order": {"book": "Dune", "lines": [{"sku": "a"}, {"sku": "b"}]}}


def lookup_book(event: Any, context: Any) -> Any:
    return {"id": 7, "title": event["title"], "shelf": "B2"}


def price(event: Any, context: Any) -> Any:
    return {"sku": event["sku"], "price": 10}


def shop_target(one_at_a_time: bool = True) -> DebugTarget:
    definition = json.loads(json.dumps(SHOP))
    if not one_at_a_time:
        del definition["States"]["Each"]["MaxConcurrency"]
    setup = RunSetup(
        handlers={"lookup-book": lookup_book, "price": price},
        virtual_clock=True,
        clock_start=DEFAULT_START,
    )
    return DebugTarget(
        name="Shop",
        machine=parse_state_machine(definition),
        input=SHOP_INPUT,
        make_execution=lambda machine, value, debugger: prepare(
            machine, value, setup, debugger=debugger
        ),
    )


class DebuggerApp(App[None]):
    CSS_PATH = "../../sfntui/tui/app.tcss"

    def __init__(self, target: DebugTarget) -> None:
        super().__init__()
        self.target = target

    def on_mount(self) -> None:
        self.push_screen(DebuggerScreen(self.target))


def screen_of(pilot: Pilot[Any]) -> DebuggerScreen:
    screen = pilot.app.screen_stack[-1]
    if isinstance(screen, JsonEditor):
        screen = pilot.app.screen_stack[-2]
    assert isinstance(screen, DebuggerScreen)
    return screen


async def wait_for_stop(pilot: Pilot[Any], count: int) -> DebuggerScreen:
    screen = screen_of(pilot)
    await wait_until(
        pilot, lambda: len(screen.snapshots) >= count and screen.paused, f"stop {count}"
    )
    return screen


async def select_on_graph(pilot: Pilot[Any], state: str) -> None:
    """Tab through the graph's states until `state` is selected."""
    screen = screen_of(pilot)
    screen.graph.focus()
    for _ in range(20):
        if screen.graph.selected == state:
            return
        await pilot.press("tab")
    raise AssertionError(f"{state} was never selected")


def banner(screen: DebuggerScreen) -> str:
    return str(screen.query_one("#stop-banner", Static).render())


async def edit_json(pilot: Pilot[Any], text: str) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, JsonEditor), "the JSON editor")
    area = pilot.app.screen.query_one(TextArea)
    area.load_text(text)
    await pilot.press("ctrl+s")


async def test_a_whole_debugging_run() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        # Nothing runs yet: continue starts, pause has nothing to pause.
        assert screen.check_action("continue", ()) is True
        assert screen.check_action("pause", ()) is None

        # Two breakpoints, set from the graph; both are marked on it and listed.
        await select_on_graph(pilot, "Lookup")
        await pilot.press("b")
        await select_on_graph(pilot, "Each")
        await pilot.press("b")
        assert [p.describe() for p in screen.debugger.breakpoints.values()] == [
            "Lookup:enter",
            "Each:enter",
        ]
        assert screen.graph.status.breakpoints == {"Lookup", "Each"}

        # Run: the first breakpoint stops it; the footer offers continue, not pause.
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 1)
        stop = screen.snapshots[-1].stop
        assert (stop.state, stop.moment, stop.reason) == ("Lookup", "enter", "breakpoint")
        assert screen.graph.status.current == "Lookup"
        assert screen.check_action("continue", ()) is True
        assert screen.check_action("pause", ()) is None
        assert "Lookup (Task) at enter, by breakpoint" in banner(screen)

        # A step to the task's result: the data-flow steps with their TestState names.
        await pilot.press("n")
        screen = await wait_for_stop(pilot, 2)
        flow = screen.query_one(DataFlowPanel)
        assert flow.step_names() == ["input", "afterInputPath", "afterParameters", "result"]
        text = flow.rendered_text()
        assert '"shelf": "B2"' in text and "changed" in text

        # A JSONPath narrows every step at once; a step it finds nothing in says so.
        await pilot.press("slash")
        await pilot.press(*"$.title")
        await wait_until(pilot, lambda: flow.filter is not None, "the filter")
        text = flow.rendered_text()
        assert '"Dune"' in text and '"shelf"' not in text
        assert "No results for path" in text  # the raw input has no title
        await pilot.press("enter")

        # On to the Map, then into its first iteration.
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 3)
        assert screen.snapshots[-1].stop.state == "Each"
        await pilot.press("s")
        screen = await wait_for_stop(pilot, 4)
        inside = screen.snapshots[-1].stop
        assert (inside.state, inside.path) == ("Price", "Each[0]")

        # What if the price task had answered otherwise? Bad JSON first: kept, and said.
        await pilot.press("n")
        screen = await wait_for_stop(pilot, 5)
        assert screen.snapshots[-1].stop.moment == "result"
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, JsonEditor), "the JSON editor")
        app.screen.query_one(TextArea).load_text('{"sku": "a", "price": ')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, JsonEditor)
        assert "Not JSON" in str(app.screen.query_one("#json-editor-error", Static).render())
        assert app.screen.query_one(TextArea).text == '{"sku": "a", "price": '
        await edit_json(pilot, '{"sku": "a", "price": 99}')
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the editor closed")

        # Continue to the end: the edited result is in the output.
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        assert screen.result.output["prices"] == [
            {"sku": "a", "price": 99},
            {"sku": "b", "price": 10},
        ]
        assert screen.check_action("pause", ()) is None

        # Back two stops: the data as it was then.
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.viewing == 2
        assert screen.shown is not None and screen.shown.stop.state == "Each"
        assert screen.graph.status.current == "Each"
        assert "stop 3 of 5" in banner(screen)

        # Restart from that state, with its input edited: a new run starts at Each.
        await pilot.press("F")
        edited = dict(screen.shown.stop.inspection["input"])
        edited["order"] = {"lines": [{"sku": "z"}]}
        await edit_json(pilot, json.dumps(edited))
        screen = await wait_for_stop(pilot, 1)
        again = screen.snapshots[-1].stop
        assert (again.state, again.reason) == ("Each", "breakpoint")
        assert again.inspection["input"]["order"] == {"lines": [{"sku": "z"}]}
        assert "Restarted from Each" in banner(screen)
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the restarted run")
        assert screen.result is not None
        assert screen.result.output["prices"] == [{"sku": "z", "price": 10}]


async def test_breakpoints_panel_conditions_are_checked_as_typed() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await select_on_graph(pilot, "Price")
        await pilot.press("b")
        field = screen.query_one("#breakpoint-condition", Input)
        field.focus()
        await pilot.press(*"$.sku", "space", "=")
        error = screen.query_one("#breakpoint-condition-error", Static)
        assert str(error.render()) != ""
        await pilot.press("space", *'"b"', "enter")
        point = next(iter(screen.debugger.breakpoints.values()))
        assert point.describe() == 'Price:enter when $.sku = "b"'
        assert str(error.render()) == ""
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 1)
        assert screen.snapshots[-1].stop.inspection["input"] == {"sku": "b"}
        # Switched off, it no longer stops the run.
        screen.breakpoints_panel.option_list.focus()
        await pilot.press("space")
        assert not point.enabled
        assert screen.graph.status.breakpoints == frozenset()
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")


async def test_the_breakpoints_list_keeps_its_height_and_scrolls_to_the_one_set() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        listed = screen.breakpoints_panel.option_list
        graph_height = screen.graph.size.height
        heights = []
        for state in ("Prepare", "Lookup", "Each", "Price", "Done"):
            await select_on_graph(pilot, state)
            await pilot.press("b")
            await wait_until(pilot, lambda: listed.option_count == len(heights) + 1, state)
            heights.append((listed.size.height, screen.graph.size.height))
        assert set(heights) == {(listed.size.height, graph_height)}
        # Five breakpoints in four rows: the list scrolls to the one just set.
        assert listed.highlighted == 4
        await wait_until(pilot, lambda: listed.show_vertical_scrollbar, "the list's scrollbar")
        await wait_until(pilot, lambda: listed.scroll_y > 0, "the list scrolled to Done")


async def test_step_before_the_start_stops_at_the_first_state_and_moments_cycle() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await select_on_graph(pilot, "Lookup")
        await pilot.press("B")
        assert [p.moment for p in screen.debugger.breakpoints.values()] == ["result"]
        await pilot.press("B")
        assert [p.moment for p in screen.debugger.breakpoints.values()] == ["exit"]
        await pilot.press("n")
        screen = await wait_for_stop(pilot, 1)
        assert screen.snapshots[-1].stop.state == "Prepare"
        assert screen.check_action("step_out", ()) is None  # not inside a branch
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 2)
        stop = screen.snapshots[-1].stop
        assert (stop.state, stop.moment) == ("Lookup", "exit")
        assert stop.inspection["output"]["found"] == {"id": 7, "title": "Dune"}
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.ended, "the stopped run")
        assert screen.result is not None and screen.result.status == "ABORTED"


def test_the_screen_at_a_stop(snap_compare) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DebuggerScreen), "screen")
        await select_on_graph(pilot, "Lookup")
        await pilot.press("B")
        await pilot.press("c")
        await wait_for_stop(pilot, 1)
        steady_cursors(pilot)

    assert snap_compare(DebuggerApp(shop_target()), terminal_size=(130, 40), run_before=run_before)


async def test_d_on_a_local_machine_debugs_it_with_its_example_input() -> None:
    from tests.tui.steps import choose_machine, examples_app, main_screen

    app = examples_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await choose_machine(pilot, "order")
        main = main_screen(pilot)
        await wait_until(pilot, lambda: main.can_debug, "the definition")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        screen = screen_of(pilot)
        assert screen.target.input["order"]["id"]  # examples/order.input.json
        await select_on_graph(pilot, "ShipItems")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        assert screen.snapshots[-1].stop.state == "ShipItems"
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "the main screen again")


async def test_the_graph_follows_the_stop_off_screen() -> None:
    """A long chain: a breakpoint far below the first screenful scrolls the graph to it."""
    states: dict[str, Any] = {
        f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(40)
    }
    states["S40"] = {"Type": "Succeed"}
    setup = RunSetup(virtual_clock=True, clock_start=DEFAULT_START)
    target = DebugTarget(
        name="Chain",
        machine=parse_state_machine({"StartAt": "S0", "States": states}),
        input={},
        make_execution=lambda machine, value, debugger: prepare(
            machine, value, setup, debugger=debugger
        ),
        breakpoints=[("S35", "enter", None)],
    )
    app = DebuggerApp(target)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        graph = screen.graph
        box = graph.box_of("S35")
        assert box is not None and box.y > graph.size.height  # off screen at first
        assert graph.scroll_y == 0
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 1)
        await pilot.pause()
        assert graph.scroll_y <= box.y and box.bottom <= graph.scroll_y + graph.size.height


def test_the_scope_at_a_stop_inside_a_map_iteration(snap_compare) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DebuggerScreen), "screen")
        screen = screen_of(pilot)
        screen.debugger.add_watch("$.sku")
        await select_on_graph(pilot, "Price")
        await pilot.press("b", "c")
        await wait_for_stop(pilot, 1)
        await pilot.press("w")
        steady_cursors(pilot)

    assert snap_compare(DebuggerApp(shop_target()), terminal_size=(100, 30), run_before=run_before)


def flaky_stock() -> Any:
    calls = {"count": 0}

    def stock(event: Any, context: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 1:
            raise ConnectionError("the warehouse did not answer")
        return {"left": 3}

    return stock


async def test_a_retried_task_shows_each_attempt_and_a_fail_state_its_error() -> None:
    definition = {
        "StartAt": "Reserve",
        "States": {
            "Reserve": {
                "Type": "Task",
                "Resource": LAMBDA + "stock",
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                "Next": "Refuse",
            },
            "Refuse": {"Type": "Fail", "Error": "OutOfStock", "Cause": "only 3 left"},
        },
    }
    setup = RunSetup(handlers={"stock": flaky_stock()}, virtual_clock=True)
    target = DebugTarget(
        name="Stock",
        machine=parse_state_machine(definition),
        input={},
        make_execution=lambda machine, value, debugger: prepare(
            machine, value, setup, debugger=debugger
        ),
        breakpoints=[("Reserve", "exit", None), ("Refuse", "enter", None)],
    )
    app = DebuggerApp(target)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 1)
        assert "Attempt 1 failed: ConnectionError" in banner(screen)
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 2)
        assert "Error: OutOfStock  Cause: only 3 left" in banner(screen)
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert "FAILED" in banner(screen)


@pytest.mark.parametrize("one_at_a_time", [False, True])
async def test_pick_the_map_iteration_that_step_into_follows(one_at_a_time: bool) -> None:
    # With MaxConcurrency 1, iteration 2 starts only once 0 and 1 have ended: step into lets
    # them run instead of holding them.
    target = shop_target(one_at_a_time=one_at_a_time)
    target.input = {"order": {"book": "Dune", "lines": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}}
    app = DebuggerApp(target)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        await select_on_graph(pilot, "Each")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        await pilot.press("f")
        await edit_json(pilot, "2")
        await wait_until(pilot, lambda: screen.following == "Each[2]", "the iteration picked")
        assert "Step into follows Each[2]" in banner(screen)
        await pilot.press("s")
        screen = await wait_for_stop(pilot, 2)
        stop = screen.snapshots[-1].stop
        assert (stop.state, stop.path, stop.inspection["input"]) == (
            "Price",
            "Each[2]",
            {"sku": "c"},
        )
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the run")
        assert screen.result is not None
        assert [p["sku"] for p in screen.result.output["prices"]] == ["a", "b", "c"]


async def test_a_watch_is_evaluated_at_every_stop_and_restart_keeps_it() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await select_on_graph(pilot, "Price")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        await pilot.press("w", *"$.sku", "enter")
        scope = screen.query_one("#scope-text", Static)
        await wait_until(pilot, lambda: '$.sku = "a"' in str(scope.render()), "the watch")
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 2)
        assert screen.snapshots[-1].stop.watches == {"$.sku": "b"}
        assert '$.sku = "b"' in str(scope.render())
        # R: the run starts again from the top, breakpoints and watches kept.
        await pilot.press("R")
        screen = await wait_for_stop(pilot, 1)
        assert len(screen.snapshots) == 1
        assert screen.snapshots[-1].stop.watches == {"$.sku": "a"}
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.ended, "the stopped run")


async def test_escape_leaves_a_text_field_first_then_the_debugger() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        screen = screen_of(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        assert app.screen is screen and app.focused is screen.graph


async def test_the_graph_follows_a_running_state_off_screen() -> None:
    """The main screen's live view: the newest running state is scrolled into view once."""
    from textual.app import ComposeResult

    from sfntui.graph import GraphStatus
    from sfntui.tui.widgets.graph import GraphView

    states: dict[str, Any] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(40)}
    states["S40"] = {"Type": "Succeed"}
    view = GraphView(parse_state_machine({"StartAt": "S0", "States": states}))

    class OneGraph(App[None]):
        def compose(self) -> ComposeResult:
            yield view

    async with OneGraph().run_test(size=(80, 30)) as pilot:
        box = view.box_of("S30")
        assert box is not None and view.scroll_y == 0 and box.y > view.size.height
        done = {f"S{i}": "SUCCEEDED" for i in range(30)}
        view.update_status(GraphStatus({**done, "S30": "RUNNING"}))
        await pilot.pause()
        assert view.scroll_y <= box.y and box.bottom <= view.scroll_y + view.size.height
        # The person pans away: the same running state does not pull the view back.
        view.scroll_to(0, 0, animate=False, immediate=True)
        view.update_status(GraphStatus({**done, "S30": "RUNNING"}))
        await pilot.pause()
        assert view.scroll_y == 0
