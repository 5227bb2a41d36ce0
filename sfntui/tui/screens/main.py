"""The main screen: the sidebar of machines and executions, and the execution view.

The screen holds every backend the app has (the local engine first, an AWS account beside it
when one is given), one sidebar group each; a machine or an execution is asked of the backend
of the group it is listed in, and what the screen offers (Run, ...) comes from that backend's
`capabilities`, never from which kind it is. Everything that talks to a backend runs in an
async worker and sends its results back as messages (nested below); opening something new
cancels the worker of what it replaces. A `BackendError` in any worker becomes an error
notification, and the app goes on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, WorkerState

from sfntui.asl.model import StateMachine
from sfntui.asl.visible_text import visible
from sfntui.backends import (
    Action,
    Backend,
    BackendError,
    ExecutionSummary,
    StateMachineDescription,
    StateMachineSummary,
    TroubleReport,
)
from sfntui.backends.protocol import TestCaseChoice
from sfntui.history.events import ExecutionStatus, dump_history
from sfntui.history.invocation import lambda_invocation
from sfntui.history.listing_progress import watching
from sfntui.history.nested import child_execution, parent_execution
from sfntui.history.runs import RunStatus
from sfntui.tui.callback_token import callback_token, find_state
from sfntui.tui.collector_pause import CollectorPause
from sfntui.tui.definitions import UnreadableDefinition, machine_from_definition
from sfntui.tui.example_inputs import indented, read_example_input
from sfntui.tui.failing_state import failing_state
from sfntui.tui.screens.compare import CompareScreen
from sfntui.tui.screens.confirm_dialog import ConfirmDialog, Field
from sfntui.tui.screens.definition_view import DefinitionScreen
from sfntui.tui.screens.lambda_logs import LambdaLogsScreen, event_time
from sfntui.tui.screens.map_runs import MapRunsScreen
from sfntui.tui.screens.overview import OverviewScreen
from sfntui.tui.screens.run_dialog import RunDialog
from sfntui.tui.screens.table_view import TableScreen
from sfntui.tui.screens.task_panel import TaskPanel
from sfntui.tui.widgets.execution_view import ExecutionView
from sfntui.tui.widgets.load_progress import LoadProgress
from sfntui.tui.widgets.sidebar import Sidebar

#: The statuses of an execution not ended yet.
RUNNING = (ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE)

#: A worker in one of these states is done.
_ENDED = (WorkerState.ERROR, WorkerState.CANCELLED, WorkerState.SUCCESS)

#: How many executions the sidebar lists at first, and how many more each time it reaches
#: the end of them (ListExecutions pages of 100, read with their nextToken). Only the newest
#: page is polled; older pages are read once, when the person scrolls to them, and then only
#: their running executions are described again, every `OLDER_RUNNING_POLL` seconds (at most
#: `OLDER_RUNNING_MOST` of them a round), so one that ends is seen to end.
EXECUTIONS_PAGE = 100
OLDER_RUNNING_POLL = 5.0
OLDER_RUNNING_MOST = 20

#: The app's actions on an open execution, and the capability each needs of its backend.
ACTION_CAPABILITY = {
    "stop_execution": "stop",
    "redrive_execution": "redrive",
    "start_again": "start",
}

#: The runs `F` steps through.
FAILED_RUN_STATUSES = (RunStatus.FAILED, RunStatus.CAUGHT, RunStatus.ABORTED)


def confirmed_by_dialog(_action: Action) -> bool:
    """The run dialog was the confirmation: the person pressed Run."""
    return True


def write_history(path: Path, events: list[dict[str, Any]]) -> None:
    """The history as `aws stepfunctions get-execution-history` writes it (off the UI loop)."""
    path.expanduser().write_text(dump_history(events), encoding="utf-8")


async def parse_definition(text: str) -> tuple[StateMachine | None, str | None]:
    """(the machine, or None and why not); parsed off the UI loop, as it may be big."""
    try:
        return await asyncio.to_thread(machine_from_definition, text), None
    except UnreadableDefinition as error:
        return None, error.message


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "run", "Run", tooltip="Run the selected state machine", id="main.run"),
        Binding(
            "d",
            "debug",
            "Debug",
            tooltip="Open the machine in the debugger (an AWS one with the open execution's input,"
            " a kept debug run with its stops)",
            id="main.debug",
        ),
        Binding(
            "P",
            "replay",
            "Replay",
            show=False,
            tooltip="Replay the open execution locally in the debugger: its Tasks answered as "
            "recorded, stopping at its error",
            id="main.replay",
        ),
        Binding(
            "C",
            "compare",
            "Compare",
            show=False,
            tooltip="Compare two runs of the machine: where they part, how their data differs",
            id="main.compare",
        ),
        Binding(
            "slash",
            "filter",
            "JSONPath",
            tooltip="Type a JSONPath that narrows the inspector's JSON",
            id="main.filter",
        ),
        Binding(
            "left_square_bracket",
            "step_run(-1)",
            "Previous run",
            show=False,
            tooltip="The state's previous run (retries, Map iterations)",
            id="main.previous_run",
        ),
        Binding(
            "right_square_bracket",
            "step_run(1)",
            "Next run",
            show=False,
            tooltip="The state's next run",
            id="main.next_run",
        ),
        Binding(
            "m",
            "focus_pane('sidebar')",
            "Machines",
            show=False,
            tooltip="Go to the state machines and executions",
            id="main.focus_sidebar",
        ),
        Binding(
            "g",
            "focus_pane('graph')",
            "Graph",
            show=False,
            tooltip="Go to the graph",
            id="main.focus_graph",
        ),
        Binding(
            "i",
            "focus_pane('inspector-body')",
            "Inspector",
            show=False,
            tooltip="Go to the inspector's JSON",
            id="main.focus_inspector",
        ),
        Binding(
            "e",
            "focus_pane('event-log')",
            "Events",
            show=False,
            tooltip="Go to the event log",
            id="main.focus_events",
        ),
        Binding(
            "f5",
            "retry",
            "Retry",
            show=False,
            tooltip="Load again what could not be loaded",
            id="main.retry",
        ),
        Binding(
            "f",
            "filter_executions",
            "Filter",
            show=False,
            tooltip="Filter the executions by status and name as you type (failed order-)",
            id="main.filter_executions",
        ),
        Binding(
            "t",
            "table_view",
            "Table",
            show=False,
            tooltip="The open execution as a table: summary, states with timelines, failures",
            id="main.table_view",
        ),
        Binding(
            "x",
            "stop_execution",
            "Stop",
            show=False,
            tooltip="Stop the open execution (asks first, with an error and a cause)",
            id="main.stop",
        ),
        Binding(
            "R",
            "redrive_execution",
            "Redrive",
            show=False,
            tooltip="Redrive the open execution from where it failed (asks first)",
            id="main.redrive",
        ),
        Binding(
            "a",
            "start_again",
            "Again",
            show=False,
            tooltip="Start the open execution's machine again with its input (editable first)",
            id="main.start_again",
        ),
        Binding(
            "w",
            "export_history",
            "Export",
            show=False,
            tooltip="Write the open execution's history to a JSON file (asks where)",
            id="main.export",
        ),
        Binding(
            "O",
            "overview",
            "Overview",
            show=False,
            tooltip="Failed, timed-out and aborted executions across every state machine",
            id="main.overview",
        ),
        Binding(
            "M",
            "map_runs",
            "Map Runs",
            show=False,
            tooltip="The open execution's distributed Map Runs and their child executions",
            id="main.map_runs",
        ),
        Binding(
            "T",
            "task_panel",
            "Answer task",
            show=False,
            tooltip="Answer the selected Task waiting for a callback (its task token)",
            id="main.task_panel",
        ),
        Binding(
            "L",
            "lambda_logs",
            "Lambda log",
            show=False,
            tooltip="The selected Lambda Task's log lines for its invocation (CloudWatch Logs)",
            id="main.lambda_logs",
        ),
        Binding(
            "N",
            "nested",
            "Child/parent",
            show=False,
            tooltip="Open the execution the selected Task started, or else the one that "
            "started this execution",
            id="main.nested",
        ),
        Binding(
            "F",
            "next_failed_run",
            "Next failed run",
            show=False,
            tooltip="The selected state's next failed run (an inline Map's failed iterations)",
            id="main.next_failed_run",
        ),
        Binding(
            "D",
            "definition",
            "Definition",
            show=False,
            tooltip="The definition as text, highlighted, with the validator's findings",
            id="main.definition",
        ),
        Binding(
            "s",
            "toggle_sidebar",
            "Sidebar",
            show=False,
            tooltip="Hide or show the sidebar (more room on a small terminal)",
            id="main.toggle_sidebar",
        ),
    ]

    # -- worker results ------------------------------------------------------------------

    @dataclass
    class MachinesListed(Message):
        group: int
        machines: list[StateMachineSummary]
        #: Why there are none to list (the backend failed), if it failed.
        problem: str | None = None

    @dataclass
    class MachineLoaded(Message):
        summary: StateMachineSummary
        description: StateMachineDescription
        machine: StateMachine | None
        problem: str | None

    @dataclass
    class ExecutionsListed(Message):
        machine_arn: str
        executions: list[ExecutionSummary]
        #: Older executions than these are not listed yet.
        more: bool = False

    @dataclass
    class OlderListed(Message):
        """A machine's executions down to an older page, read once (the sidebar scrolled)."""

        machine_arn: str
        executions: list[ExecutionSummary]
        more: bool

    @dataclass
    class ExecutionLoaded(Message):
        execution: ExecutionSummary
        machine_name: str
        machine: StateMachine | None
        problem: str | None

    @dataclass
    class HistoryArrived(Message):
        execution_arn: str
        events: list[dict[str, Any]] = field(repr=False)
        #: More of the history already written is on its way (its pages are being read).
        loading: bool = False

    @dataclass
    class Troubled(Message):
        """Following `arn` meets faults (a sentence saying so), or no longer does (None)."""

        arn: str
        #: "execution" (the open one) or "executions" (the sidebar's list of a machine).
        what: str
        trouble: str | None

    @dataclass
    class ExecutionUnavailable(Message):
        """An execution could not be loaded at all: say so, and how to retry."""

        execution: ExecutionSummary
        backend: Backend
        problem: str

    @dataclass
    class ExecutionStarted(Message):
        execution: ExecutionSummary
        backend: Backend

    # -- set-up --------------------------------------------------------------------------

    def __init__(
        self,
        backends: Sequence[Backend],
        *,
        input_folders: Sequence[Path] = (),
        open_at_start: tuple[Backend, ExecutionSummary] | None = None,
    ) -> None:
        super().__init__()
        #: One sidebar group each, in this order.
        self.backends = list(backends)
        self.input_folders = list(input_folders)
        #: An execution shown at once (`sfntui app --history FILE`), and its backend.
        self.open_at_start = open_at_start
        #: The machine whose executions the sidebar lists (and `r` runs), and its backend.
        self.machine: StateMachineSummary | None = None
        self.machine_backend: Backend = self.backends[0]
        self.machine_description: StateMachineDescription | None = None
        #: The ARN of what the execution view should show: a machine or an execution.
        self.opened_arn: str | None = None
        #: A run just started: put the sidebar's cursor on it once it is listed.
        self._reveal_arn: str | None = None
        #: Per machine ARN, the (execution name, input text) last typed in its run dialog.
        self._run_drafts: dict[str, tuple[str, str]] = {}
        #: The test case last chosen in the run dialog, by machine.
        self._run_cases: dict[str, str] = {}
        #: Per machine ARN, how many of its newest executions the sidebar lists (a page more
        #: each time the cursor reaches the end), and the limit at which more was last asked.
        self._execution_limits: dict[str, int] = {}
        self._asked_limit: dict[str, int] = {}
        #: Per machine ARN, its newest page as last polled, and the older pages read once.
        self._newest: dict[str, list[ExecutionSummary]] = {}
        self._older: dict[str, tuple[list[ExecutionSummary], bool]] = {}
        #: The backend of the open execution (what stop, redrive and again ask).
        self.execution_backend: Backend | None = None
        #: The execution that could not be loaded (F5 tries it again), with its backend.
        self._unavailable: tuple[ExecutionSummary, Backend] | None = None
        #: The sidebar groups whose machines could not be listed (F5 lists them again).
        self._unlisted: set[int] = set()
        #: An execution opened from the overview: select its failing state once it is known.
        self._show_failure_of: str | None = None
        #: (name, definition text) of what the execution view shows, for `D`.
        self.shown_definition: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            yield ExecutionView(id="workspace")
        yield LoadProgress(id="executions-progress")
        yield LoadProgress(id="replay-progress")
        yield Input(
            placeholder="filter executions: a status (failed, running, ...) and/or part of a name",
            id="execution-filter",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = " · ".join(backend.label for backend in self.backends)
        sidebar = self.sidebar
        sidebar.border_title = "State machines"
        sidebar.set_groups([backend.label for backend in self.backends])
        sidebar.focus()
        self.load_machines()

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def workspace(self) -> ExecutionView:
        return self.query_one(ExecutionView)

    @property
    def listing_progress(self) -> LoadProgress:
        """The bar under the body while a machine's executions (or an older page) are listed."""
        return self.query_one("#executions-progress", LoadProgress)

    # -- errors --------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if (
            event.worker.group == "execution"
            and event.state in _ENDED
            and not any(
                worker.group == "execution" and worker.state not in _ENDED
                for worker in self.workers
            )
        ):
            self.workspace.set_loading(False)  # (a failed or cancelled load shows no progress)
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, BackendError):
            self.notify(visible(error.message), severity="error", timeout=8, markup=False)
        else:
            message = visible(f"Unexpected error: {error!r}")
            self.notify(message, severity="error", timeout=12, markup=False)

    # -- state machines ------------------------------------------------------------------

    def load_machines(self) -> None:
        """List every backend's machines again (reading local folders again too)."""
        for group in range(len(self.backends)):
            self.list_machines(group)

    def list_machines(self, group: int) -> None:
        self.run_worker(
            self._list_machines(group),
            group=f"machines-{group}",
            exclusive=True,
            exit_on_error=False,
        )

    async def _list_machines(self, group: int) -> None:
        try:
            machines = await self.backends[group].list_state_machines()
        except BackendError as error:
            self._unlisted.add(group)
            self.post_message(self.MachinesListed(group, [], f"{error.message} F5 to retry."))
            raise  # and the worker's error becomes a notification
        self.post_message(self.MachinesListed(group, machines))

    async def on_main_screen_machines_listed(self, message: MachinesListed) -> None:
        sidebar = self.sidebar
        backend = self.backends[message.group]
        note = message.problem or "No state machines found."
        sidebar.set_machines(message.group, message.machines, note)
        listed = {machine.arn: machine for machine in message.machines}
        if self.open_at_start is not None and self.open_at_start[0] is backend:
            execution = self.open_at_start[1]
            self.open_at_start = None
            machine = listed.get(execution.machine_arn)
            if machine is not None:
                self.open_machine(machine, backend)
            self.open_execution(execution, backend)
        elif self.machine is not None and self.machine_backend is backend:
            # A reload of the open machine's group: the same machine again (its definition
            # and executions read afresh), or the group's first if it has gone.
            in_group = sidebar.machines_in(message.group)
            again = listed.get(self.machine.arn) or (in_group[0] if in_group else None)
            self.machine = None
            if again is not None:
                self.open_machine(again, backend)
            else:
                await self.workspace.show_machine("", None, "No state machines found.")
        elif self.machine is None and listed:
            self.open_machine(sidebar.machines_in(message.group)[0], backend)
        elif self.machine is None and not sidebar.machines:
            await self.workspace.show_machine("", None, "No state machines found.")

    def open_machine(self, machine: StateMachineSummary, backend: Backend | None = None) -> None:
        """Show a machine's graph, and list its executions under it from now on.

        `backend` is the one it is listed under (by default, the open machine's)."""
        backend = backend or self.machine_backend
        self.workers.cancel_group(self, "execution")
        self.opened_arn = machine.arn
        if self.machine is None or self.machine.arn != machine.arn:
            self.machine = machine
            self.machine_backend = backend
            self.machine_description = None
            self.sidebar.collapse_others(machine.arn)
            self.watch_executions(machine, backend)
        self.load_machine(machine, backend)
        self.refresh_bindings()

    @work(exclusive=True, group="machine", exit_on_error=False)
    async def load_machine(self, summary: StateMachineSummary, backend: Backend) -> None:
        description = await backend.describe_state_machine(summary.arn)
        machine, problem = await parse_definition(description.definition)
        self.post_message(self.MachineLoaded(summary, description, machine, problem))

    async def on_main_screen_machine_loaded(self, message: MachineLoaded) -> None:
        if self.machine is not None and self.machine.arn == message.summary.arn:
            self.machine_description = message.description
            self.refresh_bindings()
        if self.opened_arn != message.summary.arn:
            return  # an execution was opened meanwhile
        self.shown_definition = (message.description.name, message.description.definition)
        await self.workspace.show_machine(message.summary.name, message.machine, message.problem)

    @work(exclusive=True, group="executions", exit_on_error=False)
    async def watch_executions(self, machine: StateMachineSummary, backend: Backend) -> None:
        """Poll the newest page of the machine's executions (older pages: `read_older`)."""
        self._execution_limits.setdefault(machine.arn, EXECUTIONS_PAGE)
        listing = backend.watch_executions(
            machine.arn,
            limit=EXECUTIONS_PAGE,
            on_trouble=self._reporter(machine.arn, "executions"),
        )
        progress = self.listing_progress
        ticket = progress.start("Listing executions")
        listed = False

        count = progress.counting(ticket)

        def first_pages(pages: int) -> None:  # (the polls that follow go unseen)
            if not listed:
                count(pages)

        try:
            with watching(first_pages):
                async for executions in listing:
                    if not listed:
                        listed = True
                        progress.done(ticket)
                    self.post_message(
                        self.ExecutionsListed(
                            machine.arn, executions, len(executions) >= EXECUTIONS_PAGE
                        )
                    )
        finally:
            if not listed:
                progress.done(ticket)

    def on_sidebar_more_wanted(self, message: Sidebar.MoreWanted) -> None:
        """The next page of the open machine's executions: read down to it, once."""
        if self.machine is None or self.machine.arn != message.machine_arn:
            return
        limit = self._execution_limits.get(message.machine_arn, EXECUTIONS_PAGE)
        if self._asked_limit.get(message.machine_arn) == limit:
            return  # already asked for this page
        self._asked_limit[message.machine_arn] = limit
        self._execution_limits[message.machine_arn] = limit + EXECUTIONS_PAGE
        self.read_older(self.machine.arn, self.machine_backend, limit + EXECUTIONS_PAGE)

    @work(exclusive=True, group="older-executions", exit_on_error=False)
    async def read_older(self, machine_arn: str, backend: Backend, limit: int) -> None:
        progress = self.listing_progress
        ticket = progress.start("Listing older executions")
        try:
            with watching(progress.counting(ticket)):
                executions = await backend.list_executions(machine_arn, limit=limit)
        finally:
            progress.done(ticket)
        more = len(executions) >= limit
        self.post_message(self.OlderListed(machine_arn, executions, more))
        while self.machine is not None and self.machine.arn == machine_arn:
            running = [e for e in executions if e.status in RUNNING][:OLDER_RUNNING_MOST]
            if not running:
                return
            await asyncio.sleep(OLDER_RUNNING_POLL)
            now = {}
            for execution in running:
                try:
                    found = await backend.describe_execution(execution.arn)
                except BackendError:
                    continue  # (the newest page's poll says what is wrong with the endpoint)
                if found.status != execution.status:
                    now[execution.arn] = replace(
                        execution, status=found.status, stopped=found.stopped
                    )
            if now:
                executions = [now.get(e.arn, e) for e in executions]
                self.post_message(self.OlderListed(machine_arn, executions, more))

    def on_main_screen_older_listed(self, message: OlderListed) -> None:
        self._older[message.machine_arn] = (message.executions, message.more)
        self._show_executions(message.machine_arn)

    def _show_executions(self, machine_arn: str) -> None:
        """The newest page as polled, then the older ones read as the sidebar scrolled."""
        newest = self._newest.get(machine_arn, [])
        polled = {execution.arn for execution in newest}
        more = len(newest) >= EXECUTIONS_PAGE
        shown = list(newest)
        if machine_arn in self._older:
            older, more = self._older[machine_arn]
            shown += [execution for execution in older if execution.arn not in polled]
        self.sidebar.set_executions(machine_arn, shown, more=more)

    def _reporter(self, arn: str, what: str) -> TroubleReport:
        def report(trouble: str | None) -> None:
            self.post_message(self.Troubled(arn, what, trouble))

        return report

    def on_main_screen_troubled(self, message: Troubled) -> None:
        if message.what == "execution":
            execution = self.workspace.execution
            if execution is not None and execution.arn == message.arn:
                self.workspace.set_trouble(message.trouble)
        elif self.machine is not None and self.machine.arn == message.arn:
            self.sidebar.border_subtitle = (
                "" if message.trouble is None else f"⚠ {visible(message.trouble)}"
            )

    def on_main_screen_executions_listed(self, message: ExecutionsListed) -> None:
        self._newest[message.machine_arn] = message.executions
        self._show_executions(message.machine_arn)
        for execution in message.executions:
            self.workspace.update_execution(execution)
        if self._reveal_arn is not None and self.sidebar.execution_node(self._reveal_arn):
            self.sidebar.show_execution(self._reveal_arn)
            self._reveal_arn = None
        elif self.opened_arn is not None and not self.sidebar.has_focus:
            self.sidebar.show_execution(self.opened_arn)

    # -- executions ----------------------------------------------------------------------

    def open_execution(self, execution: ExecutionSummary, backend: Backend | None = None) -> None:
        """Show an execution and follow it until it ends.

        `backend` is the one it is listed under (by default, the open machine's)."""
        self.opened_arn = execution.arn
        self._unavailable = None
        self.execution_backend = backend or self.machine_backend
        self.follow_execution(execution, self.execution_backend)
        self.refresh_bindings()

    @work(exclusive=True, group="execution", exit_on_error=False)
    async def follow_execution(self, execution: ExecutionSummary, backend: Backend) -> None:
        try:
            description = await backend.definition_for_execution(execution.arn)
        except BackendError as error:
            self.post_message(self.ExecutionUnavailable(execution, backend, error.message))
            raise
        machine, problem = await parse_definition(description.definition)
        self.shown_definition = (description.name, description.definition)
        self.post_message(self.ExecutionLoaded(execution, description.name, machine, problem))
        report = self._reporter(execution.arn, "execution")
        arrived = False
        pause = CollectorPause()  # until the history written so far is in
        try:
            async for batch in backend.follow(execution.arn, on_trouble=report):
                arrived = True
                # Page by page while the history written so far is read (`HistoryBatch`): the
                # execution view draws them as they come, and the keys answer in between.
                loading = bool(getattr(batch, "loading", False))
                if not loading:
                    pause.resume()
                self.post_message(self.HistoryArrived(execution.arn, batch, loading))
        except BackendError as error:
            if not arrived:
                self.post_message(self.ExecutionUnavailable(execution, backend, error.message))
            raise
        finally:
            pause.resume()

    async def on_main_screen_execution_unavailable(self, message: ExecutionUnavailable) -> None:
        if self.opened_arn != message.execution.arn:
            return
        self._unavailable = (message.execution, message.backend)
        await self.workspace.show_failure(
            message.execution.name,
            f"Could not load {message.execution.name}: {message.problem}\n\nPress F5 to retry.",
        )

    def action_retry(self) -> None:
        """F5: the execution that failed to load, and every group that failed to list."""
        if self._unavailable is not None:
            execution, backend = self._unavailable
            self._unavailable = None
            self.open_execution(execution, backend)
        for group in sorted(self._unlisted):
            self.list_machines(group)
        self._unlisted.clear()

    async def on_main_screen_execution_loaded(self, message: ExecutionLoaded) -> None:
        if self.opened_arn != message.execution.arn:
            return
        await self.workspace.show_execution(
            message.execution, message.machine_name, message.machine, message.problem
        )
        self.refresh_bindings()

    def on_main_screen_history_arrived(self, message: HistoryArrived) -> None:
        execution = self.workspace.execution
        if execution is not None and execution.arn == message.execution_arn:
            self.workspace.add_events(message.events, loading=message.loading)
            if self._show_failure_of == execution.arn:
                self._select_failing_state()

    def _select_failing_state(self) -> None:
        """Select the state the execution failed in, and say its error (from the overview)."""
        projection = self.workspace.projection
        failure = failing_state(projection) if projection is not None else None
        if failure is None:
            return
        self._show_failure_of = None
        graph = self.workspace.graph
        if graph is not None and failure.state is not None and graph.box_of(failure.state):
            graph.selected = failure.state
            graph.focus()
        where = f" in {failure.state}" if failure.state else ""
        because = f" — {failure.cause}" if failure.cause else ""
        self.notify(
            f"{failure.status}{where}: {failure.error}{because}",
            severity="error",
            timeout=12,
            markup=False,
        )

    # -- the sidebar ---------------------------------------------------------------------

    def on_sidebar_machine_chosen(self, message: Sidebar.MachineChosen) -> None:
        self.open_machine(message.machine, self.backends[message.group])

    def on_sidebar_execution_chosen(self, message: Sidebar.ExecutionChosen) -> None:
        self.open_execution(message.execution, self.backends[message.group])

    # -- running -------------------------------------------------------------------------

    @property
    def can_run(self) -> bool:
        """A machine is open, and its backend can start executions (not read-only)."""
        return self.machine is not None and self.machine_backend.capabilities.start

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run":
            # Shown, but dimmed, when there is nothing to run or the backend cannot start one.
            return True if self.can_run else None
        if action == "debug":
            return True if self.can_debug else None
        if action == "replay":
            # Hidden where executions run on this machine (d debugs them); dimmed with none open.
            backend = self.execution_backend or self.machine_backend
            if not backend.capabilities.replay:
                return False
            return True if self.workspace.execution is not None else None
        if action in ACTION_CAPABILITY:
            # Hidden when the backend cannot (read-only); dimmed with no execution open.
            if not self._may(action):
                return False
            return True if self.workspace.execution is not None else None
        return True

    @property
    def can_debug(self) -> bool:
        """A machine is open, and it runs locally, or an AWS execution of it is open."""
        if self.machine is None or self.machine_description is None:
            return False
        return self.machine_backend.capabilities.debug or self.workspace.execution is not None

    def action_debug(self) -> None:
        if self.can_debug:
            self.open_debugger(self.machine_description, self.machine_backend)

    @work(exclusive=True, group="debug", exit_on_error=False)
    async def open_debugger(
        self, description: StateMachineDescription | None, backend: Backend
    ) -> None:
        from sfntui.tui.debug_targets import debug_target, kept_debug_target
        from sfntui.tui.screens.debugger import DebuggerScreen

        local = self.backends[0]
        open_run = self.workspace.execution
        if backend is local and open_run is not None:  # a kept debug run: reopened
            kept = await kept_debug_target(open_run.arn, local)
            if kept is not None:
                await self.app.push_screen(DebuggerScreen(kept))
                return
        execution = None if backend.capabilities.debug else self.workspace.execution
        if execution is not None:  # an AWS execution: its definition, its input
            description = await backend.definition_for_execution(execution.arn)
            execution_input = (await backend.describe_execution(execution.arn)).input or "{}"
        elif description is not None:
            execution_input, _ = await asyncio.to_thread(
                read_example_input, description.name, description.description, self.input_folders
            )
        if description is None:
            return
        target = await debug_target(description, execution_input or "{}", local)
        await self.app.push_screen(DebuggerScreen(target))

    def action_replay(self) -> None:
        execution, backend = self.workspace.execution, self.execution_backend
        if execution is None or backend is None:
            self.notify("Open an execution first.", severity="warning")
            return
        if not backend.capabilities.replay:
            self.notify(
                visible(f"{execution.name} ran on this machine: d opens it in the debugger."),
                severity="warning",
                markup=False,
            )
            return
        self.open_replay(execution, backend)

    @work(exclusive=True, group="debug", exit_on_error=False)
    async def open_replay(self, execution: ExecutionSummary, backend: Backend) -> None:
        """The execution's recording, run again locally in the debugger (break on error)."""
        from sfntui.tui.replay_target import execution_replay_target
        from sfntui.tui.screens.debugger import DebuggerScreen

        progress = self.query_one("#replay-progress", LoadProgress)
        ticket = progress.start("Reading the history to replay it")
        try:
            with watching(progress.counting(ticket)):
                target = await execution_replay_target(execution, backend)
        finally:
            progress.done(ticket)
        await self.app.push_screen(DebuggerScreen(target))

    def _may(self, action: str) -> bool:
        backend = self.execution_backend or self.machine_backend
        return bool(getattr(backend.capabilities, ACTION_CAPABILITY[action]))

    def _open_for(self, action: str) -> tuple[ExecutionSummary, Backend] | None:
        """The open execution and its backend, if `action` may be done on it; else say why."""
        execution, backend = self.workspace.execution, self.execution_backend
        if execution is None or backend is None:
            self.notify("Open an execution first.", severity="warning")
            return None
        if not self._may(action):
            self.notify(
                f"{backend.label} is connected read-only: sfntui will not "
                f"{ACTION_CAPABILITY[action]} {execution.name}.",
                severity="error",
                markup=False,
            )
            return None
        return execution, backend

    def _status_of_open(self) -> str:
        execution = self.workspace.execution
        status = str(self.workspace.status or "")
        if execution is not None and status in ("", ExecutionStatus.NOT_STARTED):
            status = execution.status
        return status

    def action_stop_execution(self) -> None:
        found = self._open_for("stop_execution")
        if found is None:
            return
        if self._status_of_open() != "RUNNING":
            self.notify(f"{found[0].name} is not running.", severity="warning", markup=False)
            return
        self.stop_open(*found)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def stop_open(self, execution: ExecutionSummary, backend: Backend) -> None:
        dialog = ConfirmDialog(
            "Stop an execution",
            f"Stop the execution {execution.name} ({execution.arn})?",
            "Stop",
            [
                Field("error", "Error (optional)", placeholder="e.g. Ops.ManualStop"),
                Field("cause", "Cause (optional)", placeholder="why it is stopped"),
            ],
        )
        answer = await self.app.push_screen_wait(dialog)
        if answer is None:
            return
        await backend.stop_execution(
            execution.arn,
            error=answer["error"].strip() or None,
            cause=answer["cause"].strip() or None,
            confirm=confirmed_by_dialog,
        )
        self.notify(f"Stopped {execution.name}.", markup=False)

    def action_redrive_execution(self) -> None:
        found = self._open_for("redrive_execution")
        if found is None:
            return
        if self._status_of_open() not in ("FAILED", "TIMED_OUT", "ABORTED"):
            self.notify(
                f"{found[0].name} has not failed, timed out or been aborted: "
                "there is nothing to redrive.",
                severity="warning",
                markup=False,
            )
            return
        self.redrive_open(*found)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def redrive_open(self, execution: ExecutionSummary, backend: Backend) -> None:
        dialog = ConfirmDialog(
            "Redrive an execution",
            f"Redrive the execution {execution.name} ({execution.arn}) from where it stopped?",
            "Redrive",
        )
        if await self.app.push_screen_wait(dialog) is None:
            return
        await backend.redrive_execution(execution.arn, confirm=confirmed_by_dialog)
        self.notify(f"Redriven {execution.name}: following it again.", markup=False)
        if self.opened_arn == execution.arn:
            self.open_execution(execution, backend)

    def action_start_again(self) -> None:
        found = self._open_for("start_again")
        if found is not None:
            self.start_again(*found)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def start_again(self, execution: ExecutionSummary, backend: Backend) -> None:
        described = await backend.describe_execution(execution.arn)
        text = described.input or "{}"
        try:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except json.JSONDecodeError:
            pass  # shown as it was, for the person to mend
        machine_name = self.workspace.machine_name or execution.machine_arn.rsplit(":", 1)[-1]
        dialog = RunDialog(machine_name, text, source=f"{execution.name}'s input")
        request = await self.app.push_screen_wait(dialog)
        if request is None:
            return
        started = await backend.start_execution(
            execution.machine_arn,
            name=request.name,
            execution_input=request.input,
            confirm=confirmed_by_dialog,
        )
        self.post_message(self.ExecutionStarted(started, backend))

    def action_filter_executions(self) -> None:
        """`f`: show the filter box and type into it (again: hide it, the filter cleared)."""
        box = self.query_one("#execution-filter", Input)
        if box.has_class("-shown") and box.has_focus:
            box.remove_class("-shown")
            box.value = ""
            self.sidebar.focus()
            return
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#execution-filter")
    def filter_executions(self, event: Input.Changed) -> None:
        self.sidebar.set_filter(event.value)

    @on(Input.Submitted, "#execution-filter")
    def filter_done(self, event: Input.Submitted) -> None:
        self.sidebar.focus()

    def action_table_view(self) -> None:
        execution, projection = self.workspace.execution, self.workspace.projection
        if execution is None or projection is None:
            self.notify("Open an execution first.", severity="warning")
            return
        self.app.push_screen(TableScreen(execution, projection, self.workspace.machine_name))

    def action_export_history(self) -> None:
        execution, backend = self.workspace.execution, self.execution_backend
        if execution is None or backend is None:
            self.notify("Open an execution first.", severity="warning")
            return
        self.export_open(execution, backend)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def export_open(self, execution: ExecutionSummary, backend: Backend) -> None:
        dialog = ConfirmDialog(
            "Export a history",
            f"Write the whole history of the execution {execution.name} ({execution.arn}) "
            "to a file, as `aws stepfunctions get-execution-history` writes it?",
            "Write",
            [Field("path", "File", value=f"{execution.name}.history.json")],
        )
        answer = await self.app.push_screen_wait(dialog)
        if answer is None or not answer["path"].strip():
            return
        path = Path(answer["path"].strip())
        events = await backend.get_history(execution.arn)
        try:
            await asyncio.to_thread(write_history, path, events)
        except OSError as error:
            self.notify(
                f"Could not write {path}: {error.strerror}.", severity="error", markup=False
            )
            return
        self.notify(f"Wrote {len(events)} events to {path}.", markup=False)

    def action_run(self) -> None:
        if self.machine is not None and self.can_run:
            self.start_run(self.machine, self.machine_description, self.machine_backend)

    @work(exclusive=True, group="run", exit_on_error=False)
    async def start_run(
        self,
        machine: StateMachineSummary,
        description: StateMachineDescription | None,
        backend: Backend,
    ) -> None:
        cases: list[str] = []
        case_inputs: dict[str, object] = {}
        chooser = cast(TestCaseChoice, backend) if backend.capabilities.test_cases else None
        if chooser is not None:
            cases = await chooser.test_cases(machine.arn)
            case_inputs = await chooser.case_inputs(machine.arn) if cases else {}
        chosen = self._run_cases.get(machine.arn)
        draft = self._run_drafts.get(machine.arn)
        if draft is not None:
            dialog = RunDialog(
                machine.name,
                draft[1],
                execution_name=draft[0],
                test_cases=cases,
                case_inputs=case_inputs,
                test_case=chosen,
            )
        else:
            definition_file = description.description if description is not None else None
            given = await chooser.project_input_text(machine.arn) if chooser else None
            source: str | None
            if given is not None:
                text, source = indented(given[0]), given[1]
            else:
                text, source = await asyncio.to_thread(
                    read_example_input, machine.name, definition_file, self.input_folders
                )
            dialog = RunDialog(
                machine.name, text, source=source, test_cases=cases, case_inputs=case_inputs
            )
        request = await self.app.push_screen_wait(dialog)
        self._run_drafts[machine.arn] = dialog.draft
        if dialog.test_case is not None:
            self._run_cases[machine.arn] = dialog.test_case
        if request is None:
            return
        if chooser is not None and request.test_case is not None:
            execution = await chooser.start_execution(
                machine.arn,
                name=request.name,
                execution_input=request.input,
                confirm=confirmed_by_dialog,
                test_case=request.test_case,
            )
        else:
            execution = await backend.start_execution(
                machine.arn,
                name=request.name,
                execution_input=request.input,
                confirm=confirmed_by_dialog,
            )
        # Started: the input stays for the next run, the name (used up) does not.
        self._run_drafts[machine.arn] = ("", dialog.draft[1])
        self.post_message(self.ExecutionStarted(execution, backend))

    def on_main_screen_execution_started(self, message: ExecutionStarted) -> None:
        self.open_execution(message.execution, message.backend)
        self._reveal_arn = message.execution.arn
        self.sidebar.show_execution(message.execution.arn)

    # -- compare and export --------------------------------------------------------------

    def action_compare(self) -> None:
        execution = self.workspace.execution
        name = self.machine.name if self.machine is not None else None
        if name is None:
            self.notify("Open a state machine first.", title="Compare", severity="warning")
            return
        first = execution.arn if execution is not None else None
        self.app.push_screen(CompareScreen(self.backends, name, first))

    # -- other keys ----------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#jsonpath", Input).focus()

    def action_step_run(self, direction: int) -> None:
        inspector = self.workspace.inspector
        inspector.step_run(direction)
        if inspector.run is not None:
            self.workspace.event_log.show_event(inspector.run.entered_id)

    def action_focus_pane(self, widget_id: str) -> None:
        found = self.query(f"#{widget_id}")
        if found:
            found.first().focus()

    def action_definition(self) -> None:
        if self.shown_definition is None:
            self.notify("No definition is loaded yet.", severity="warning")
            return
        self.app.push_screen(DefinitionScreen(*self.shown_definition))

    def action_map_runs(self) -> None:
        execution = self.workspace.execution
        backend = self.execution_backend
        if execution is None or backend is None or not backend.capabilities.map_runs:
            self.notify("Open an AWS execution to see its Map Runs.", severity="warning")
            return
        self.app.push_screen(MapRunsScreen(backend, execution.arn, execution.name))

    def on_map_runs_screen_child_picked(self, message: MapRunsScreen.ChildPicked) -> None:
        if message.execution.status in ("FAILED", "TIMED_OUT", "ABORTED"):
            self._show_failure_of = message.execution.arn
        self.open_execution(message.execution, message.backend)

    def action_task_panel(self) -> None:
        view = self.workspace
        graph, backend = view.graph, self.execution_backend
        run = None
        if view.projection is not None and graph is not None and graph.selected:
            run = view.projection.latest_run(graph.selected)
        token = None
        if run is not None and self.shown_definition is not None and backend is not None:
            try:
                state = find_state(json.loads(self.shown_definition[1]), run.name)
            except ValueError:
                state = None
            token = callback_token(run, state) if state is not None else None
        if token is None or run is None or backend is None or view.execution is None:
            self.notify("Select a Task that waits for a callback.", severity="warning")
            return
        if not backend.capabilities.task_tokens:
            self.notify("This backend cannot answer task tokens (read-only?).", severity="warning")
            return
        execution = view.execution
        self.app.push_screen(TaskPanel(backend, token, run.name, execution.name, execution.arn))

    def action_lambda_logs(self) -> None:
        view = self.workspace
        graph, backend = view.graph, self.execution_backend
        run = None
        if view.projection is not None and graph is not None and graph.selected:
            run = view.projection.latest_run(graph.selected)
        invocation = lambda_invocation(run.events) if run is not None else None
        if run is None or invocation is None or backend is None:
            self.notify("Select a Task that invoked a Lambda function.", severity="warning")
            return
        if not backend.capabilities.logs:
            self.notify("This backend has no CloudWatch Logs.", severity="warning")
            return
        if invocation.request_id is None:
            self.notify("Its events do not say the invocation's request id.", severity="warning")
            return
        start = event_time(run.entered_event.get("timestamp"))
        end = event_time(run.end_event.get("timestamp")) if run.end_event else event_time(None)
        screen = LambdaLogsScreen(
            backend, invocation, run.name, (start, end), (run.error, run.cause)
        )
        self.app.push_screen(screen)

    def action_nested(self) -> None:
        view = self.workspace
        graph, backend = view.graph, self.execution_backend
        if view.projection is None or backend is None:
            self.notify("Open an execution first.", severity="warning")
            return
        run = view.projection.latest_run(graph.selected) if graph and graph.selected else None
        target = child_execution(run.events) if run is not None else None
        target = target or parent_execution(view.projection.input)
        if target is None:
            self.notify(
                "Neither the selected Task started an execution, nor was this one started by "
                "another.",
                severity="warning",
            )
            return
        self.open_nested(target, backend)

    @work(exclusive=True, group="nested", exit_on_error=False)
    async def open_nested(self, arn: str, backend: Backend) -> None:
        found = await backend.describe_execution(arn)
        summary = ExecutionSummary(
            found.arn,
            found.name,
            found.machine_arn,
            found.status,
            found.started,
            found.stopped,
            found.map_run_arn,
            found.redrive_count,
        )
        self.post_message(self.NestedFound(summary, backend))

    @dataclass
    class NestedFound(Message):
        execution: ExecutionSummary
        backend: Backend

    def on_main_screen_nested_found(self, message: NestedFound) -> None:
        self.open_execution(message.execution, message.backend)

    def action_next_failed_run(self) -> None:
        inspector = self.workspace.inspector
        runs = inspector.runs
        failed = [i for i, run in enumerate(runs) if run.status in FAILED_RUN_STATUSES]
        if not failed:
            self.notify("The selected state has no failed run.", severity="information")
            return
        current = inspector.run_index if inspector.run_index is not None else -1
        inspector.run_index = next((i for i in failed if i > current), failed[0])
        inspector.refresh_data()
        if inspector.run is not None:
            self.workspace.event_log.show_event(inspector.run.entered_id)

    def action_overview(self) -> None:
        self.app.push_screen(OverviewScreen(self.backends))

    def on_overview_screen_execution_picked(self, message: OverviewScreen.ExecutionPicked) -> None:
        self._show_failure_of = message.execution.arn
        self.open_execution(message.execution, message.backend)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if not sidebar.display and sidebar.has_focus:
            self.action_focus_pane("graph")
