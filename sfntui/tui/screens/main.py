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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, WorkerState

from sfntui.asl.model import StateMachine
from sfntui.backends import (
    Action,
    Backend,
    BackendError,
    ExecutionSummary,
    StateMachineDescription,
    StateMachineSummary,
)
from sfntui.history.invocation import lambda_invocation
from sfntui.history.nested import child_execution, parent_execution
from sfntui.history.runs import RunStatus
from sfntui.tui.callback_token import callback_token, find_state
from sfntui.tui.definitions import UnreadableDefinition, machine_from_definition
from sfntui.tui.example_inputs import read_example_input
from sfntui.tui.failing_state import failing_state
from sfntui.tui.screens.definition_view import DefinitionScreen
from sfntui.tui.screens.lambda_logs import LambdaLogsScreen, event_time
from sfntui.tui.screens.map_runs import MapRunsScreen
from sfntui.tui.screens.overview import OverviewScreen
from sfntui.tui.screens.run_dialog import RunDialog
from sfntui.tui.screens.task_panel import TaskPanel
from sfntui.tui.widgets.execution_view import ExecutionView
from sfntui.tui.widgets.sidebar import Sidebar

#: The runs `F` steps through.
FAILED_RUN_STATUSES = (RunStatus.FAILED, RunStatus.CAUGHT, RunStatus.ABORTED)


def confirmed_by_dialog(_action: Action) -> bool:
    """The run dialog was the confirmation: the person pressed Run."""
    return True


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
            "e",
            "focus_pane('event-log')",
            "Events",
            show=False,
            tooltip="Go to the event log",
            id="main.focus_events",
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

    @dataclass
    class ExecutionStarted(Message):
        execution: ExecutionSummary
        backend: Backend

    # -- set-up --------------------------------------------------------------------------

    def __init__(self, backends: Sequence[Backend], *, input_folders: Sequence[Path] = ()) -> None:
        super().__init__()
        #: One sidebar group each, in this order.
        self.backends = list(backends)
        self.input_folders = list(input_folders)
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
        #: An execution opened from the overview: select its failing state once it is known.
        self._show_failure_of: str | None = None
        #: (name, definition text) of what the execution view shows, for `D`.
        self.shown_definition: tuple[str, str] | None = None
        #: The backend of the open execution.
        self.execution_backend: Backend | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            yield ExecutionView(id="workspace")
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

    # -- errors --------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, BackendError):
            self.notify(error.message, severity="error", timeout=8, markup=False)
        else:
            message = f"Unexpected error: {error!r}"
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
            self.post_message(self.MachinesListed(group, [], error.message))
            raise  # and the worker's error becomes a notification
        self.post_message(self.MachinesListed(group, machines))

    async def on_main_screen_machines_listed(self, message: MachinesListed) -> None:
        sidebar = self.sidebar
        backend = self.backends[message.group]
        note = "Could not list them." if message.problem else "No state machines found."
        sidebar.set_machines(message.group, message.machines, note)
        listed = {machine.arn: machine for machine in message.machines}
        if self.machine is not None and self.machine_backend is backend:
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
        if self.opened_arn != message.summary.arn:
            return  # an execution was opened meanwhile
        self.shown_definition = (message.description.name, message.description.definition)
        await self.workspace.show_machine(message.summary.name, message.machine, message.problem)

    @work(exclusive=True, group="executions", exit_on_error=False)
    async def watch_executions(self, machine: StateMachineSummary, backend: Backend) -> None:
        async for executions in backend.watch_executions(machine.arn):
            self.post_message(self.ExecutionsListed(machine.arn, executions))

    def on_main_screen_executions_listed(self, message: ExecutionsListed) -> None:
        self.sidebar.set_executions(message.machine_arn, message.executions)
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
        self.execution_backend = backend or self.machine_backend
        self.follow_execution(execution, self.execution_backend)

    @work(exclusive=True, group="execution", exit_on_error=False)
    async def follow_execution(self, execution: ExecutionSummary, backend: Backend) -> None:
        description = await backend.definition_for_execution(execution.arn)
        machine, problem = await parse_definition(description.definition)
        self.shown_definition = (description.name, description.definition)
        self.post_message(self.ExecutionLoaded(execution, description.name, machine, problem))
        async for batch in backend.follow(execution.arn):
            self.post_message(self.HistoryArrived(execution.arn, batch))

    async def on_main_screen_execution_loaded(self, message: ExecutionLoaded) -> None:
        if self.opened_arn != message.execution.arn:
            return
        await self.workspace.show_execution(
            message.execution, message.machine_name, message.machine, message.problem
        )

    def on_main_screen_history_arrived(self, message: HistoryArrived) -> None:
        execution = self.workspace.execution
        if execution is not None and execution.arn == message.execution_arn:
            self.workspace.add_events(message.events)
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
        return True

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
        draft = self._run_drafts.get(machine.arn)
        if draft is not None:
            dialog = RunDialog(machine.name, draft[1], execution_name=draft[0])
        else:
            definition_file = description.description if description is not None else None
            text, source = await asyncio.to_thread(
                read_example_input, machine.name, definition_file, self.input_folders
            )
            dialog = RunDialog(machine.name, text, source=source)
        request = await self.app.push_screen_wait(dialog)
        self._run_drafts[machine.arn] = dialog.draft
        if request is None:
            return
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
        self.app.push_screen(TaskPanel(backend, token, run.name, view.execution.name))

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
