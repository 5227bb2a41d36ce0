"""What a person does in the app, as Pilot steps, and a backend whose runs look the same on
every test run (a virtual clock from a fixed date; executions listed as started then)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.widgets._toast import Toast

from sfntui.backends.local import LocalBackend
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup
from sfntui.tui.app import SfntuiApp, make_app
from sfntui.tui.screens.main import MainScreen
from sfntui.tui.screens.run_dialog import RunDialog
from sfntui.tui.widgets.execution_view import ExecutionView
from sfntui.tui.widgets.graph import GraphView
from sfntui.tui.widgets.sidebar import Sidebar
from tests.deadline import HANG_SECONDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORDER_INPUT = (EXAMPLES / "order.input.json").read_text()
#: Seconds before a wait for the app fails; generous, for a loaded CI machine.
WAIT_LIMIT = HANG_SECONDS


class ExamplesBackend(LocalBackend):
    """The examples, run on a virtual clock that starts on 2024-01-01."""

    label = "local: examples"  # type: ignore[assignment]  # not the checkout's path

    def __init__(self) -> None:
        super().__init__(
            [EXAMPLES], setup=lambda _name: RunSetup(virtual_clock=True, clock_start=DEFAULT_START)
        )


def examples_app() -> SfntuiApp:
    return make_app(ExamplesBackend(), examples_dir=EXAMPLES)


async def wait_until(pilot: Pilot[Any], done: Callable[[], bool], what: str) -> None:
    """Let the app process what it has pending until `done()` holds.

    Each round waits for the app to be idle (messages processed), never for a fixed time; the
    deadline only turns a hang into a failure that names what never happened.
    """
    deadline = time.monotonic() + WAIT_LIMIT
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()


async def wait_for_workers(pilot: Pilot[Any], group: str) -> None:
    """Wait until the main screen's workers of `group` are done, then for their messages."""
    workers = [worker for worker in pilot.app.workers if worker.group == group]
    if workers:  # (an empty list would mean every worker, the endless watches too)
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    """The main screen, under any dialog open over it."""
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def execution_view(pilot: Pilot[Any]) -> ExecutionView:
    return main_screen(pilot).query_one(ExecutionView)


def sidebar(pilot: Pilot[Any]) -> Sidebar:
    return main_screen(pilot).query_one(Sidebar)


def graph(pilot: Pilot[Any]) -> GraphView:
    view = execution_view(pilot).graph
    assert view is not None
    return view


def toasts(pilot: Pilot[Any]) -> list[str]:
    """The text of the notifications on screen."""
    return [str(toast.render()) for toast in pilot.app.screen.query(Toast)]


def steady_cursors(pilot: Pilot[Any]) -> None:
    """No blinking: a screenshot must not depend on when it is taken.

    A TextArea caches its drawn lines under a key that leaves the cursor out once blinking
    is off, so a line drawn in the blink's dark half would stay cursorless: the cache is
    emptied after the switch (one run in ten showed the run dialog without its cursor).
    """
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
        if isinstance(widget, TextArea):
            widget.notify_style_update()
            widget.refresh()


async def choose_machine(pilot: Pilot[Any], name: str) -> None:
    """Go to the sidebar, move the cursor to the machine, press Enter."""
    await wait_until(pilot, lambda: bool(pilot.app.screen_stack[0].query(Sidebar)), "the app")
    tree = sidebar(pilot)
    await wait_until(pilot, lambda: bool(tree.machines), "the state machines")
    await pilot.press("m")
    lines = [getattr(n.data, "name", "") for n in _visible_nodes(tree)]
    for _ in range(20):
        node = tree.cursor_node
        if node is not None and getattr(node.data, "name", None) == name:
            break
        await pilot.press("down" if lines.index(name) > tree.cursor_line else "up")
    await pilot.press("enter")
    screen = main_screen(pilot)
    await wait_until(pilot, lambda: graph_of(pilot) == name, f"the graph of {name}")
    assert screen.machine is not None and screen.machine.name == name


def _visible_nodes(tree: Sidebar) -> list[Any]:
    """The sidebar's lines, top to bottom: groups, their machines, open machines' executions."""
    nodes = []

    def add(children: Any) -> None:
        for node in children:
            nodes.append(node)
            if node.is_expanded:
                add(node.children)

    add(tree.root.children)
    return nodes


def machine_shown(pilot: Pilot[Any]) -> bool:
    """A machine shown whole: its graph, the inspector emptied after it, and last the pane's
    title (a test that puts data in the inspector earlier has it emptied under its feet)."""
    view = execution_view(pilot)
    title = view.query_one("#graph-pane").border_title
    return view.graph is not None and str(title) == view.machine_name


def graph_of(pilot: Pilot[Any]) -> str | None:
    view = execution_view(pilot)
    return view.machine_name if view.graph is not None else None


async def open_run_dialog(pilot: Pilot[Any]) -> RunDialog:
    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RunDialog), "the run dialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, RunDialog)
    return dialog


async def run_order(pilot: Pilot[Any]) -> None:
    """Select `order`, run it with examples/order.input.json, wait until it has succeeded."""
    await choose_machine(pilot, "order")
    dialog = await open_run_dialog(pilot)
    area = dialog.query_one("#run-input", TextArea)
    area.load_text(ORDER_INPUT)
    await pilot.press("ctrl+s")
    await wait_for_workers(pilot, "run")  # started; the execution is being followed
    view = execution_view(pilot)
    await wait_until(pilot, lambda: view.status == "SUCCEEDED", "the run to succeed")
    await wait_for_workers(pilot, "execution")  # followed to its end, every event shown
    screen = main_screen(pilot)
    await wait_until(
        pilot,
        lambda: (
            [e.status for e in sidebar(pilot).executions_of(screen.machine.arn)]  # type: ignore[union-attr]
            == ["SUCCEEDED"]
        ),
        "the sidebar to list the run as succeeded",
    )
    # While the run was live the graph scrolled to its running state at each redraw, and how
    # many redraws it got depends on the machine's speed: leave it at its origin.
    drawn = view.graph
    if drawn is not None:
        drawn.scroll_to(0, 0, animate=False, immediate=True)
        await pilot.pause()


async def select_state(pilot: Pilot[Any], name: str) -> None:
    """Go to the graph and Tab from state to state until `name` is selected."""
    await pilot.press("g")
    view = graph(pilot)
    # While a run is live the graph scrolls to its running state at each redraw, and how many
    # redraws a run gets depends on the machine's speed: start from the same place each time.
    view.scroll_to(0, 0, animate=False, immediate=True)
    await pilot.pause()
    for _ in range(30):
        if view.selected == name:
            break
        await pilot.press("tab")
    assert view.selected == name
    await pilot.pause()


async def type_filter(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("slash")
    box = main_screen(pilot).query_one("#jsonpath", Input)
    box.value = ""
    await pilot.press(*text)
    await pilot.pause()


def order_input() -> Any:
    return json.loads(ORDER_INPUT)
