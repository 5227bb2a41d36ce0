"""The sfntui app, and the factory that builds it around its backends.

The app always holds the local engine (`local`), and beside it an AWS account (`aws`) when
one is given: both are listed in the sidebar, so an AWS execution and a local run of its
machine sit in the same window. `make_app()` with no backend opens the built-in examples on
the local engine; tests and the CLI hand in the backends they want
(`make_app(LocalBackend(...), aws=AwsBackend(...))`).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sfntui.backends import Backend, ExecutionSummary
from sfntui.backends.local import LocalBackend
from sfntui.builtin_examples import EXAMPLES_DIR
from sfntui.tui.commands import SfntuiCommands
from sfntui.tui.screens.debugger import DebuggerScreen
from sfntui.tui.screens.definition_view import DefinitionScreen
from sfntui.tui.screens.help import HelpScreen, KeyGroup
from sfntui.tui.screens.json_editor import JsonEditor
from sfntui.tui.screens.lambda_logs import LambdaLogsScreen
from sfntui.tui.screens.main import MainScreen
from sfntui.tui.screens.map_runs import MapRunsScreen
from sfntui.tui.screens.overview import OverviewScreen
from sfntui.tui.screens.run_dialog import RunDialog
from sfntui.tui.screens.task_panel import TaskPanel
from sfntui.tui.widgets.breakpoints_panel import BreakpointsPanel
from sfntui.tui.widgets.event_log import EventLog
from sfntui.tui.widgets.graph import GraphView
from sfntui.tui.widgets.inspector import Inspector
from sfntui.tui.widgets.json_view import JsonView
from sfntui.tui.widgets.sidebar import Sidebar


class SfntuiApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "sfntui"
    COMMANDS = App.COMMANDS | {SfntuiCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", tooltip="This list of keys", id="app.help"),
    ]
    #: Below 120 columns the panes stack tighter (see app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(
        self,
        local: Backend,
        *,
        aws: Backend | None = None,
        input_folders: Iterable[Path] = (),
        first_screen: Callable[[], Screen[None]] | None = None,
        open_at_start: tuple[Backend, ExecutionSummary] | None = None,
    ) -> None:
        super().__init__()
        #: An execution the main screen shows at once (`sfntui app --history FILE`).
        self.open_at_start = open_at_start
        #: A screen opened over the main one at start (`sfntui debug` opens the debugger).
        self.first_screen = first_screen
        #: The local engine: always there, to run, debug and replay on this machine.
        self.local = local
        #: The AWS account, when one was given.
        self.aws = aws
        self.input_folders = list(input_folders)

    @property
    def backends(self) -> list[Backend]:
        """Every backend, in the sidebar's order: the local engine first."""
        return [self.local] if self.aws is None else [self.local, self.aws]

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(
            self.backends, input_folders=self.input_folders, open_at_start=self.open_at_start
        )

    def on_mount(self) -> None:
        if self.first_screen is not None:
            self.push_screen(self.first_screen())
        # SIGTERM (kill, a closing terminal multiplexer) and SIGHUP (the terminal went away)
        # end the app as `q` does, so the terminal is given back: the alternate screen left,
        # mouse reporting turned off. Without this Python dies at once and leaves both on.
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            try:
                loop.add_signal_handler(number, self._end_on_signal, number)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                pass

    def _end_on_signal(self, number: int) -> None:
        # After the screen's pending mounts, so a signal during start-up ends it cleanly too.
        self.call_after_refresh(self.exit, return_code=128 + number)

    async def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            try:
                loop.remove_signal_handler(number)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        for backend in self.backends:
            await backend.aclose()

    # -- help ----------------------------------------------------------------------------

    def key_groups(self) -> list[KeyGroup]:
        return [
            ("Anywhere", [*self.BINDINGS, *MainScreen.BINDINGS]),
            ("State machines and executions", Sidebar.BINDINGS),
            ("Graph", GraphView.BINDINGS),
            ("Event log", [*EventLog.BINDINGS]),
            ("Inspector", Inspector.BINDINGS),
            ("JSON in the inspector", JsonView.BINDINGS),
            ("Run dialog", RunDialog.BINDINGS),
            ("Debugger", DebuggerScreen.BINDINGS),
            ("Debugger: breakpoints", BreakpointsPanel.BINDINGS),
            ("Debugger: JSON editor", JsonEditor.BINDINGS),
            ("Overview", OverviewScreen.BINDINGS),
            ("Map Runs", MapRunsScreen.BINDINGS),
            ("Definition", DefinitionScreen.BINDINGS),
            ("Answering a task", TaskPanel.BINDINGS),
            ("Lambda log", LambdaLogsScreen.BINDINGS),
        ]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        extra = [
            ("Anywhere", self.get_key_display(Binding("ctrl+p", "")), "Command palette"),
            ("Anywhere", "tab shift+tab", "Move the focus (in the graph: from state to state)"),
        ]
        self.push_screen(HelpScreen(self.key_groups(), extra))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command
        yield SystemCommand("Keys", "Every key and what it does", self.action_help)


def make_app(
    local: Backend | None = None,
    *,
    aws: Backend | None = None,
    examples_dir: Path | None = None,
    first_screen: Callable[[], Screen[None]] | None = None,
    open_at_start: tuple[Backend, ExecutionSummary] | None = None,
) -> SfntuiApp:
    """The app over the local backend `local` (by default, the engine over the examples
    folder) and, beside it, `aws` if given.

    `examples_dir` is also where the run dialog looks for `<machine>.input.json`.
    """
    folder = examples_dir if examples_dir is not None else EXAMPLES_DIR
    if local is None:
        local = LocalBackend([folder])
    return SfntuiApp(
        local,
        aws=aws,
        input_folders=[folder],
        first_screen=first_screen,
        open_at_start=open_at_start,
    )


def run_app(
    local: Backend | None = None,
    *,
    aws: Backend | None = None,
    examples_dir: Path | None = None,
    first_screen: Callable[[], Screen[None]] | None = None,
    open_at_start: tuple[Backend, ExecutionSummary] | None = None,
) -> int:
    """Run the app in the terminal until the person quits; the exit code."""
    app = make_app(
        local,
        aws=aws,
        examples_dir=examples_dir,
        first_screen=first_screen,
        open_at_start=open_at_start,
    )
    app.run()
    return app.return_code or 0
