"""Regenerate screenshots/*.svg from the real app and widgets, on the built-in examples.

    .venv/bin/python scripts/screenshots.py            # all of them
    .venv/bin/python scripts/screenshots.py on-call    # the AWS screens alone

Runs use the local engine on a virtual clock, so the Wait in `order` costs nothing. The AWS
screens (Map Runs, a Lambda Task's log, a Task waiting for a callback) come from the tests'
fault-injecting endpoint with its fixed data (tests/aws/test_oncall_snapshots.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from sfntui.asl.definition import load_state_machine
from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup, run_local
from sfntui.graph import status_from_projection
from sfntui.history.projection import Projection
from sfntui.tui.app import SfntuiApp, make_app
from sfntui.tui.screens.debugger import DebuggerScreen
from sfntui.tui.screens.run_dialog import RunDialog
from sfntui.tui.widgets.execution_view import ExecutionView
from sfntui.tui.widgets.graph import GraphView
from sfntui.tui.widgets.sidebar import Sidebar

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHOTS = ROOT / "screenshots"


class GraphScreenshot(App[None]):
    TITLE = "sfntui: examples/order.asl.json"

    def __init__(self, view: GraphView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


async def graph_of_a_run() -> None:
    loaded = load_state_machine(EXAMPLES / "order.asl.json")
    order = json.loads((EXAMPLES / "order.input.json").read_text())
    execution, _ = await run_local(
        loaded.machine, order, RunSetup(virtual_clock=True, clock_start=DEFAULT_START)
    )
    status = status_from_projection(Projection(execution.history.events))
    app = GraphScreenshot(GraphView(loaded.machine, status))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("tab", "tab")
        await pilot.pause()
        app.save_screenshot("graph-of-a-run.svg", str(SHOTS))


# -- the app ----------------------------------------------------------------------------------


def examples_app() -> SfntuiApp:
    # A relative folder (from ROOT, see main), so the header does not show this checkout's path.
    folder = Path("examples")
    backend = LocalBackend(
        [folder], setup=lambda _name: RunSetup(virtual_clock=True, clock_start=DEFAULT_START)
    )
    return make_app(backend, examples_dir=folder)


async def settle(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    for _ in range(250):
        if done():
            break
        await pilot.pause(0.02)
    await pilot.pause(0.1)


def steady_cursors(app: App[Any]) -> None:
    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


async def run_order(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await settle(pilot, lambda: bool(app.screen.query(ExecutionView)))
    await pilot.press("r")
    await settle(pilot, lambda: isinstance(app.screen, RunDialog))
    await pilot.press("ctrl+s")
    view = app.screen_stack[0].query_one(ExecutionView)
    await settle(pilot, lambda: view.status == "SUCCEEDED")


async def choose_charge_card(pilot: Pilot[Any]) -> None:
    await pilot.press("g", "tab", "tab")
    await pilot.pause(0.1)


async def shoot(
    name: str, size: tuple[int, int], steps: Callable[[Pilot[Any]], Awaitable[None]]
) -> None:
    app = examples_app()
    async with app.run_test(size=size) as pilot:
        await steps(pilot)
        steady_cursors(app)
        await pilot.pause(0.1)
        app.save_screenshot(name, str(SHOTS))


async def after_a_run(pilot: Pilot[Any]) -> None:
    await run_order(pilot)
    await choose_charge_card(pilot)


async def narrowed_by_a_jsonpath(pilot: Pilot[Any]) -> None:
    await after_a_run(pilot)
    await pilot.press("slash", *"$.charge")
    await pilot.pause(0.1)


async def a_map_iteration(pilot: Pilot[Any]) -> None:
    await run_order(pilot)
    await pilot.press("g", *["tab"] * 6)  # PackItem, inside ShipItems
    await pilot.press("left_square_bracket")  # its run before the latest: iteration 1
    await pilot.pause(0.1)


async def the_run_dialog(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await settle(pilot, lambda: bool(app.screen.query(ExecutionView)))
    await pilot.press("r")
    await settle(pilot, lambda: isinstance(app.screen, RunDialog))


async def the_keys(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.2)
    await pilot.press("question_mark")
    await pilot.pause(0.2)


async def the_debugger_at_a_stop(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await settle(pilot, lambda: bool(app.screen.query(ExecutionView)))
    main_screen = app.screen
    await settle(pilot, lambda: getattr(main_screen, "can_debug", False))
    await pilot.press("d")
    await settle(pilot, lambda: isinstance(app.screen, DebuggerScreen))
    screen = app.screen
    assert isinstance(screen, DebuggerScreen)
    await pilot.press("tab", "tab")  # ChargeCard
    await pilot.press("B")  # break as it exits: every processing step recorded
    await pilot.press("c")
    await settle(pilot, lambda: bool(screen.snapshots))


async def the_debugger_filtered(pilot: Pilot[Any]) -> None:
    await the_debugger_at_a_stop(pilot)
    await pilot.press("slash", *"$.charge")
    await pilot.pause(0.1)


async def two_runs_compared() -> None:
    """OrderFlow run with two of its mock file's test cases, then compared (C)."""
    folder = Path("examples")
    setups = MachineSetups(virtual_clock=True, clock_start=DEFAULT_START)
    app = make_app(LocalBackend([folder], setup=setups), examples_dir=folder)
    async with app.run_test(size=(130, 30)) as pilot:
        await settle(pilot, lambda: bool(app.screen.query(ExecutionView)))
        screen = app.screen_stack[0]
        sidebar = screen.query_one(Sidebar)
        await settle(pilot, lambda: bool(sidebar.machines))
        flow = next(machine for machine in sidebar.machines if machine.name == "OrderFlow")
        screen.open_machine(flow)  # type: ignore[attr-defined]
        await settle(pilot, lambda: getattr(screen.machine, "name", "") == "OrderFlow")  # type: ignore[attr-defined]
        await settle(pilot, lambda: getattr(screen, "machine_description", None) is not None)
        view = screen.query_one(ExecutionView)
        for case, ending in (("HappyPath", "SUCCEEDED"), ("Declined", "FAILED")):
            await pilot.press("r")
            await settle(pilot, lambda: isinstance(app.screen, RunDialog))
            app.screen.query_one("#run-test-case", Select).value = case
            await pilot.pause(0.1)
            await pilot.press("ctrl+s")
            await settle(pilot, lambda ending=ending: view.status == ending)  # type: ignore[misc]
        await pilot.press("C")
        await settle(pilot, lambda: getattr(app.screen, "comparison", None) is not None)
        app.save_screenshot("app-compare-runs.svg", str(SHOTS))


async def on_call_screens() -> None:
    """Map Runs (M), a Lambda Task's log (L) and the task panel (T), from the fixed endpoint."""
    sys.path.insert(0, str(ROOT))  # the tests' endpoint and steps
    from sfntui.tui.screens.lambda_logs import LambdaLogsScreen
    from sfntui.tui.screens.map_runs import MapRunsScreen
    from sfntui.tui.screens.task_panel import TaskPanel
    from tests.aws.fault_endpoint import FaultyStepFunctions
    from tests.aws.test_oncall_snapshots import SIZE, Account, app_on, open_on

    os.environ["TZ"] = "UTC"  # the endpoint's times, as the snapshots show them
    time.tzset()
    # The endpoint on 127.0.0.1 takes any keys: the tests' dummy ones, no profile, no files.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    empty = tempfile.mkdtemp(prefix="sfntui-shots-aws-")
    # A run store of their own: the local shots' kept runs would be listed beside AWS's.
    os.environ["XDG_DATA_HOME"] = f"{empty}/data"
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=f"{empty}/config",
        AWS_SHARED_CREDENTIALS_FILE=f"{empty}/credentials",
        AWS_EC2_METADATA_DISABLED="true",
    )
    with FaultyStepFunctions() as endpoint:
        account = Account(endpoint)
        shots = (
            ("aws-map-runs.svg", account.fanout, None, 5, "M", MapRunsScreen),
            ("aws-lambda-log.svg", account.charge, "Charge", 6, "L", LambdaLogsScreen),
            ("aws-task-token.svg", account.approval, "Approve", 4, "T", TaskPanel),
        )
        for name, arn, state, events, key, kind in shots:
            with tempfile.TemporaryDirectory() as folder:
                app = app_on(account, Path(folder))
                async with app.run_test(size=SIZE) as pilot:
                    await open_on(pilot, arn, state, events)
                    await pilot.press(key)
                    await settle(pilot, lambda app=app, kind=kind: isinstance(app.screen, kind))
                    screen = app.screen
                    await settle(
                        pilot,
                        lambda screen=screen: getattr(screen, "child_executions", 1) is not None
                        and getattr(screen, "lines", 1) is not None,
                    )
                    steady_cursors(app)
                    await pilot.pause(0.1)
                    app.save_screenshot(name, str(SHOTS))


async def main() -> None:
    os.chdir(ROOT)
    # Runs are kept in a run store: a throwaway one, not the user's.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="sfntui-shots-")
    SHOTS.mkdir(exist_ok=True)
    if sys.argv[1:] == ["on-call"]:
        await on_call_screens()
        return
    await graph_of_a_run()
    await shoot("app-after-a-run.svg", (140, 40), after_a_run)
    await shoot("app-jsonpath-filter.svg", (100, 32), narrowed_by_a_jsonpath)
    await shoot("app-map-iteration.svg", (100, 32), a_map_iteration)
    await shoot("app-80x24.svg", (80, 24), after_a_run)
    await shoot("app-run-dialog.svg", (100, 32), the_run_dialog)
    await shoot("app-keys.svg", (100, 40), the_keys)
    await shoot("debugger-at-a-stop.svg", (140, 40), the_debugger_at_a_stop)
    await shoot("debugger-jsonpath-filter.svg", (100, 32), the_debugger_filtered)
    await two_runs_compared()
    await on_call_screens()


if __name__ == "__main__":
    asyncio.run(main())
    print("wrote", ", ".join(sorted(p.name for p in SHOTS.glob("*.svg"))))
