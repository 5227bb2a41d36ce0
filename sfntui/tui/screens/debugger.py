"""The debugger screen: a local run paused on breakpoints, stepped, inspected and rewound.

It is one client of `sfntui.engine.debugger.DebugSession` (the `--batch` CLI is another). What
it runs comes in as a `DebugTarget`: a machine, its input, and a factory that builds a
`LocalExecution` of any machine and input with a debugger attached. So the CLI, the `d` key
of the main screen, and later a run reopened from a store all open the same screen.

The screen does nothing while the run is paused or running: a worker awaits the session's
next stop and posts it (`StopReached`); only then is the stop drawn. Each stop is kept as a
`StopSnapshot` (the stop's own data, which the engine never changes afterwards, the graph
colouring and the number of events at that moment), so `[` and `]` walk back and forth
through the stops already passed, and `F` restarts the run from the viewed state with the
input it had there. The engine has no "start at" entry point, so a restart from a state runs
the definition with its `StartAt` changed to that state (top-level states only), as AWS's
TestState and redrive flows start mid-machine.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static, TabbedContent, TabPane

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.model import StateMachine
from sfntui.asl.parse import parse_state_machine
from sfntui.engine.debugger import MOMENTS, Debugger, DebugSession, Expression, Moment, Stop
from sfntui.engine.tasks import NoResolverError
from sfntui.graph import GraphStatus
from sfntui.history.projection import Projection
from sfntui.tui.kept_debug_runs import KeptDebugRun, RunKeeping
from sfntui.tui.screens.json_editor import JsonEditor
from sfntui.tui.screens.task_result_dialog import TaskResultDialog
from sfntui.tui.widgets.breakpoints_panel import BreakpointsPanel
from sfntui.tui.widgets.data_flow import (
    DataFlowPanel,
    FilterInput,
    json_lines,
    ordered_steps,
    visible_text,
)
from sfntui.tui.widgets.event_log import EventLog
from sfntui.tui.widgets.footer import QuickFooter
from sfntui.tui.widgets.graph import GraphView

if TYPE_CHECKING:
    from sfntui.engine.interpreter import ExecutionResult, LocalExecution

#: Builds a run of `machine` on `input` with `debugger` at its gates.
ExecutionFactory = Callable[[StateMachine, Any, Debugger], "LocalExecution"]
#: The moments `B` cycles through, per state type (a result exists only for these types).
RESULT_TYPES = ("Task", "Parallel", "Map")
#: Seconds a resumed run goes on before the screen says it runs (see `_resume`).
RUNNING_DELAY = 0.05


@dataclass
class DebugTarget:
    """What the debugger screen runs."""

    name: str
    machine: StateMachine
    input: Any
    make_execution: ExecutionFactory
    #: Breakpoints to set before the first run: (state, moment, condition).
    breakpoints: Sequence[tuple[str, Moment, str | None]] = ()
    watches: Sequence[str] = ()
    break_on_error: bool = False
    #: Called when the screen closes (e.g. to close the task resolvers' connections).
    on_close: Callable[[], Any] | None = None
    #: Keeps each run and its stops in the run store (None: runs are not kept).
    keeping: RunKeeping | None = None
    #: What the screen says before the first run (a replay says what it replays).
    note: str | None = None
    title: str = "sfntui debug"
    #: A kept run to show again (its stops to walk through; no run is live until one starts).
    kept: KeptDebugRun | None = None


@dataclass
class StopSnapshot:
    """A stop as it was: the data then, the graph's colours then, the events so far."""

    stop: Stop
    graph: GraphStatus
    event_count: int
    #: Every attempt of the stop's state so far: (error, cause).
    failures: list[tuple[str | None, str | None]] = field(default_factory=list)
    #: The status last drawn for it, by (breakpoint marks, current state): drawn once.
    views: dict[tuple[frozenset[str], str | None], GraphStatus] = field(default_factory=dict)


def moments_for(state_type: str) -> tuple[Moment, ...]:
    if state_type in RESULT_TYPES:
        return ("enter", "result", "exit")
    return ("enter", "exit")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a stop takes in the events since the last one (ten
    thousand at a first stop): the objects the projection and the event log keep would each
    few hundred start a young collection, and enough of those a full one over the whole heap
    (tens of milliseconds, at the stop). Resumed, one young collection sees them all."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class DebuggerScreen(Screen[None]):
    BINDINGS = [
        Binding(
            "f5,c",
            "continue",
            "Continue",
            tooltip="Run to the next breakpoint",
            id="debug.continue",
        ),
        Binding("f10,n", "step", "Step", tooltip="To the next state", id="debug.step"),
        Binding(
            "f11,s",
            "step_into",
            "Step into",
            tooltip="Into the branch or iteration",
            id="debug.step_into",
        ),
        Binding(
            "shift+f11,o",
            "step_out",
            "Step out",
            tooltip="Out of the branch or iteration",
            id="debug.step_out",
        ),
        Binding("p", "pause", "Pause", tooltip="Stop at the next transition", id="debug.pause"),
        Binding("x", "stop", "Stop", tooltip="End the run (aborted)", id="debug.stop"),
        Binding("R", "restart", "Restart", tooltip="Run again from the start", id="debug.restart"),
        Binding(
            "b",
            "toggle_breakpoint",
            "Breakpoint",
            tooltip="On the selected state, at entry",
            id="debug.breakpoint",
        ),
        Binding(
            "B",
            "cycle_moment",
            "Moment",
            show=False,
            tooltip="Break at entry, result or exit",
            id="debug.moment",
        ),
        Binding(
            "e",
            "toggle_break_on_error",
            "On error",
            show=False,
            tooltip="Break on any error",
            id="debug.break_on_error",
        ),
        Binding(
            "i",
            "edit",
            "Edit data",
            tooltip="What if: edit the input or the result",
            id="debug.edit",
        ),
        Binding(
            "f",
            "follow",
            "Follow",
            show=False,
            tooltip="Pick the iteration or branch to step into",
            id="debug.follow",
        ),
        Binding(
            "left_square_bracket", "travel(-1)", "Back", tooltip="The stop before", id="debug.back"
        ),
        Binding(
            "right_square_bracket",
            "travel(1)",
            "Forward",
            tooltip="The stop after",
            id="debug.forward",
        ),
        Binding(
            "F",
            "restart_here",
            "Restart here",
            show=False,
            tooltip="Run again from the viewed state",
            id="debug.restart_here",
        ),
        Binding("slash", "filter", "JSONPath", tooltip="Narrow every step", id="debug.filter"),
        Binding(
            "w", "watch", "Watch", show=False, tooltip="Add a watch expression", id="debug.watch"
        ),
        Binding("escape", "leave", "Back to the app", show=False, id="debug.leave"),
    ]

    @dataclass
    class StopReached(Message):
        reached: Stop

    @dataclass
    class RunEnded(Message):
        result: ExecutionResult | None

    def __init__(self, target: DebugTarget) -> None:
        super().__init__()
        self.target = target
        self.session = DebugSession(self._factory(target.machine, target.input))
        debugger = self.session.debugger
        for state, moment, condition in target.breakpoints:
            debugger.add_breakpoint(state, moment, condition=condition)
        for text in target.watches:
            debugger.add_watch(text)
        debugger.break_on_error = target.break_on_error
        self.snapshots: list[StopSnapshot] = []
        #: Which snapshot is shown (the newest unless the person went back).
        self.viewing: int = -1
        self.started = False
        self.ended = False
        self.result: ExecutionResult | None = None
        self.projection = Projection()
        self._events_seen = 0
        self._final_status: GraphStatus | None = None
        #: The graph's colours as of the last events taken in: state -> status, Map ->
        #: iteration counts.
        self._states: dict[str, str] = {}
        self._iterations: dict[str, dict[str, int]] = {}
        #: What the footer offered when last drawn (see `_refresh_footer`).
        self._offered: tuple[bool | None, ...] = ()
        #: The iteration or branch `step into` follows, as shown to the person.
        self.following: str | None = None
        self._drafts: dict[str, str] = {}
        #: Where this run began when not at StartAt (a restart from a state).
        self.restarted_from: str | None = None
        #: The ARN the current run is kept under in the run store (None: not kept).
        self.kept_arn: str | None = None
        self.note = target.note or (
            "Not started: c runs to the first breakpoint, n stops at the first state."
        )

    def _factory(self, machine: StateMachine, execution_input: Any) -> Callable[[Debugger], Any]:
        make = self.target.make_execution
        return lambda debugger: make(machine, execution_input, debugger)

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="debug-body"):
            with Vertical(id="debug-left"):
                yield GraphView(self.target.machine, id="debug-graph")
                yield BreakpointsPanel(self.session.debugger, self.target.machine, id="breakpoints")
            with Vertical(id="debug-right"):
                yield Static(id="stop-banner")
                yield FilterInput(
                    "data-flow", placeholder="/ JSONPath filter on every step", id="flow-filter"
                )
                with TabbedContent(id="debug-tabs"):
                    with TabPane("Data flow", id="tab-flow"):
                        yield DataFlowPanel(id="data-flow")
                    with TabPane("Scope", id="tab-scope"):
                        yield Input(
                            placeholder="add a watch: JSONPath or JSONata", id="watch-input"
                        )
                        with VerticalScroll(id="scope-scroll"):
                            yield Static(id="scope-text")
                    with TabPane("Events", id="tab-events"):
                        yield EventLog(id="debug-events")
        yield QuickFooter()

    def on_mount(self) -> None:
        self.title = self.target.title
        self.sub_title = visible_text(self.target.name)
        self.query_one("#debug-left").border_title = "Graph"
        self.query_one("#breakpoints").border_title = "Breakpoints"
        self._redraw_graph()
        self._show()
        self.graph.focus()
        if self.target.kept is not None:
            self._reopen(self.target.kept)

    @property
    def graph(self) -> GraphView:
        return self.query_one("#debug-graph", GraphView)

    @property
    def data_flow(self) -> DataFlowPanel:
        return self.query_one(DataFlowPanel)

    @property
    def breakpoints_panel(self) -> BreakpointsPanel:
        return self.query_one(BreakpointsPanel)

    @property
    def debugger(self) -> Debugger:
        return self.session.debugger

    @property
    def shown(self) -> StopSnapshot | None:
        if not self.snapshots:
            return None
        return self.snapshots[self.viewing]

    @property
    def paused(self) -> bool:
        return self.started and not self.ended and self.debugger.paused

    @property
    def running(self) -> bool:
        return self.started and not self.ended

    @property
    def at_live_stop(self) -> bool:
        return self.paused and self.viewing == len(self.snapshots) - 1

    # -- the run -------------------------------------------------------------------------

    def _start(self, paused: bool = False) -> bool:
        """Start a new run (`paused`: stopped at its first state); False if it cannot."""
        if self.started:
            self.debugger.reset()
        if paused:
            self.debugger.pause()  # stops at the very first gate
        try:
            self.session.start()
        except NoResolverError as error:
            self.debugger.continue_()
            self.notify(f"The run cannot start: {error}.", severity="error", markup=False)
            return False
        self._begin()
        return True

    def _begin(self) -> None:
        self.started, self.ended, self.result = True, False, None
        self.snapshots.clear()
        self.viewing = -1
        self.projection = Projection()
        self._events_seen = 0
        self._final_status = None
        self._states.clear()
        self._iterations.clear()
        self.query_one(EventLog).reset()
        self._keep_run()
        self.note = "Running…"
        self.wait_for_stops()
        self._show()

    @work(exclusive=True, group="debug-stops", exit_on_error=False)
    async def wait_for_stops(self) -> None:
        while (stop := await self.session.next_stop()) is not None:
            self.post_message(self.StopReached(stop))
        self.post_message(self.RunEnded(self.session.result))

    def _take_events(self) -> None:
        """Bring the projection and the event log up to the engine's history (new events only)."""
        execution = self.session.execution
        if execution is None:
            return
        events = execution.history.events
        if len(events) > self._events_seen:
            fresh = events[self._events_seen :]
            self._events_seen = len(events)
            with _collector_paused():
                for run in self.projection.add(fresh):
                    self._note_status(run.name)
                self.query_one(EventLog).add_events(fresh, self.projection)

    def _note_status(self, name: str) -> None:
        """Keep the graph's colours up to date for one state (only changed states are
        looked at, so a stop costs the same after ten events or ten thousand)."""
        run = self.projection.latest_run(name)
        if run is None:
            return
        self._states[name] = str(run.status)
        if run.state_type == "Map":
            counts = Counter(str(frame.status) for frame in run.iterations)
            self._iterations[name] = dict(counts)

    def _status_now(self, current: str | None) -> GraphStatus:
        marks = self._breakpoint_states()
        return GraphStatus(dict(self._states), dict(self._iterations), current, marks)

    def _attempts(self, state: str) -> list[tuple[str | None, str | None]]:
        attempts: list[tuple[str | None, str | None]] = []
        for run in self.projection.runs_of(state):
            attempts.extend((f.error, f.cause) for f in run.failures)
        return attempts

    def on_debugger_screen_stop_reached(self, message: StopReached) -> None:
        self._take_events()
        stop = message.reached
        graph = self._status_now(stop.state)
        self.snapshots.append(
            StopSnapshot(stop, graph, self._events_seen, self._attempts(stop.state))
        )
        self.viewing = len(self.snapshots) - 1
        self.note = ""
        if self.kept_arn is not None and self.target.keeping is not None:
            self.target.keeping.keep_stop(self.kept_arn, stop.as_kept(self._events_seen))
        self._show()
        if stop.reason == "needs_task_result":
            self.answer_task(stop)

    @work(exclusive=True, group="debug-task", exit_on_error=False)
    async def answer_task(self, stop: Stop) -> None:
        """The task result dialog for a Task nothing answers: what is given is the Task's
        result (or its error) and the run goes on as it was going (stepping or running);
        cancelled, the run stays paused there."""
        answer = await self.app.push_screen_wait(TaskResultDialog.for_stop(stop))
        shown = self.shown
        if not self.at_live_stop or shown is None or shown.stop is not stop:
            return
        if answer is None:
            self.notify(
                f"The run stays paused at {stop.state}: i asks for its result again.",
                markup=False,
            )
            return
        answer.give_to(self.debugger)
        self._resume(self.debugger.go_on)  # stepping, the next step stops it

    async def on_debugger_screen_run_ended(self, message: RunEnded) -> None:
        self._take_events()
        self.ended = True
        self.result = message.result
        status = message.result.status if message.result is not None else "ended"
        self.note = f"The run ended: {status}."
        if message.result is not None and message.result.error:
            self.note += f" {message.result.error}: {message.result.cause or ''}"
        self.viewing = len(self.snapshots) - 1
        self._show()

    def _reopen(self, kept: KeptDebugRun) -> None:
        """A kept run's stops as they were, graph and events included: `[` and `]` walk
        them and `F` restarts from one, as after a live run's end."""
        log, seen = self.query_one(EventLog), 0
        for stop, count in [*kept.stops, (None, len(kept.events))]:
            fresh = kept.events[seen:count]
            seen = max(seen, count)
            with _collector_paused():
                for run in self.projection.add(fresh):
                    self._note_status(run.name)
                log.add_events(fresh, self.projection)
            if stop is not None:
                snapshot = StopSnapshot(
                    stop, self._status_now(stop.state), count, self._attempts(stop.state)
                )
                self.snapshots.append(snapshot)
        self.started = self.ended = True
        self.viewing = len(self.snapshots) - 1
        self.note = (
            f"{kept.name} ({kept.status}), reopened from the run store: [ and ] walk its"
            " stops, F restarts from the one shown, c runs it again."
        )
        self._show()

    def _keep_run(self) -> None:
        """Keep the run just started (called before it takes its first step)."""
        keeping, execution = self.target.keeping, self.session.execution
        self.kept_arn = None
        if keeping is not None and execution is not None:
            self.kept_arn = keeping.keep_run(execution)

    async def on_unmount(self) -> None:
        if self.running:
            self.debugger.stop()
        if self.target.on_close is not None:
            outcome = self.target.on_close()
            if hasattr(outcome, "__await__"):
                await outcome

    # -- drawing -------------------------------------------------------------------------

    def _breakpoint_states(self) -> frozenset[str]:
        return frozenset(p.state for p in self.debugger.breakpoints.values() if p.enabled)

    def _redraw_graph(self) -> None:
        shown = self.shown
        marks = self._breakpoint_states()
        live = self.viewing == len(self.snapshots) - 1
        if self.ended and live:
            status = self._ended_status(marks)
        elif shown is not None:
            current = shown.stop.state if (self.paused or not live) else None
            key = (marks, current)
            kept = shown.views.get(key)  # the same status again: the graph restyles nothing
            if kept is None:
                graph = shown.graph
                kept = GraphStatus(graph.states, graph.map_iterations, current, marks)
                shown.views = {key: kept}
            status = kept
        elif self.started:
            status = self._status_now(None)
        else:
            status = GraphStatus(breakpoints=marks)
        self.graph.update_status(status)

    def _ended_status(self, marks: frozenset[str]) -> GraphStatus:
        kept = self._final_status
        if kept is None or kept.breakpoints != marks:
            kept = self._status_now(None)
            self._final_status = kept
        return kept

    def _banner(self) -> Content:
        shown = self.shown
        parts: list[Content] = []
        if self.restarted_from is not None:
            line = f"Restarted from {self.restarted_from} (StartAt changed, its input given)."
            parts.append(Content.styled(visible_text(line), "dim"))
        if self.note:
            parts.append(Content(visible_text(self.note)))
        if shown is not None:
            stop = shown.stop
            where = f"{stop.state} ({stop.state_type}) at {stop.moment}, by {stop.reason}"
            if stop.path:
                where += f"  in {stop.path}"
            label = Content.styled(visible_text(where), "bold")
            count = f"  stop {self.viewing + 1} of {len(self.snapshots)}"
            if self.viewing != len(self.snapshots) - 1:
                count += " (the past: ] goes forward)"
            parts.append(label + Content.styled(count, "dim"))
            error, cause = self._error_of(stop)
            if error is not None:
                line = f"Error: {error}" + (f"  Cause: {cause}" if cause else "")
                parts.append(Content.styled(visible_text(line), "$text-error"))
            for number, (failed, why) in enumerate(shown.failures, 1):
                line = f"Attempt {number} failed: {failed or 'an error'}: {why or ''}"
                parts.append(Content.styled(visible_text(line), "$text-warning"))
        if self.following:
            parts.append(Content.styled(f"Step into follows {self.following}", "dim"))
        if self.debugger.break_on_error:
            parts.append(Content.styled("Breaks on any error.", "dim"))
        return Content("\n").join(parts)

    def _error_of(self, stop: Stop) -> tuple[str | None, str | None]:
        if stop.error is not None:
            return stop.error, stop.cause
        if stop.state_type == "Fail":
            state = self._find_state(stop.state)
            error = getattr(state, "error", None)
            cause = getattr(state, "cause", None)
            if error is not None or cause is not None:
                return _template_text(error), _template_text(cause)
        return None, None

    def _find_state(self, name: str) -> Any:
        for state, _ in self.target.machine.walk():
            if state.name == name:
                return state
        return None

    def _scope(self, shown: StopSnapshot | None) -> Content:
        if shown is None:
            return Content.styled("The variables, context and watches show at a stop.", "dim")
        stop = shown.stop
        parts = [Content.styled("Watches", "bold $text-accent")]
        if not stop.watches and not self.debugger.watches:
            parts.append(Content.styled("none: w adds one", "dim italic"))
        data = self._data_of(stop)
        for watch in self.debugger.watches:
            value = stop.watches.get(watch.text)
            if watch.text not in stop.watches:
                value = watch.safe_value(data, stop.context, stop.variables)
            parts.append(Content(visible_text(f"{watch.text} = {json.dumps(value, default=str)}")))
        parts.append(Content.styled("Variables", "bold $text-accent"))
        parts.append(Content(json_lines(stop.variables)))
        parts.append(Content.styled("Context object", "bold $text-accent"))
        parts.append(Content(json_lines(stop.context)))
        return Content("\n").join(parts)

    @staticmethod
    def _data_of(stop: Stop) -> Any:
        steps = ordered_steps(stop.inspection)
        return steps[-1][1] if steps else None

    def _show(self) -> None:
        """Draw the shown stop (or the note) everywhere."""
        shown = self.shown
        self.query_one("#stop-banner", Static).update(self._banner(), layout=False)
        if shown is None:
            self.data_flow.show_steps([], note=self.note)
        else:
            stop = shown.stop
            self.data_flow.show_steps(ordered_steps(stop.inspection), stop.context, stop.variables)
            self.query_one(EventLog).show_event(shown.event_count)
        self._update_scope()
        self._redraw_graph()
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        """Redraw the footer's keys only when what they offer changed: dimmed or lit in place
        now, so in the frame of the stop (rebuilt only if other keys show)."""
        offered = tuple(
            self.check_action(action, parameters)
            for action, parameters in (
                ("continue", ()),
                ("step_out", ()),
                ("pause", ()),
                ("stop", ()),
                ("edit", ()),
            )
        )
        if offered != self._offered:
            self._offered = offered
            self.query_one(QuickFooter).restate_keys()
            self.refresh_bindings()

    def _update_scope(self) -> None:
        """The scope tab, drawn only while it is the one shown (it is drawn again when
        picked)."""
        if self.query_one("#debug-tabs", TabbedContent).active == "tab-scope":
            self.query_one("#scope-text", Static).update(self._scope(self.shown))

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._update_scope()

    # -- what the footer offers ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("continue", "step", "step_into"):
            return True if (self.paused or not self.running) else None
        if action == "step_out":
            return True if self.paused and self._shown_location() else None
        if action == "pause":
            return True if self.running and not self.paused else None
        if action == "stop":
            return True if self.running else None
        if action == "edit":
            shown = self.shown
            ok = (
                self.at_live_stop and shown is not None and shown.stop.moment in ("enter", "result")
            )
            return True if ok else None
        # Travel, restart here and follow stay offered (they say so when there is nothing to
        # do): dimming them at each stop would rebuild the footer on every key.
        return True

    def _shown_location(self) -> tuple[tuple[str, str, int], ...]:
        shown = self.shown
        return shown.stop.location if shown is not None else ()

    # -- controls ------------------------------------------------------------------------

    def _go_live(self) -> None:
        if self.snapshots:
            self.viewing = len(self.snapshots) - 1

    def _resume(self, control: Callable[[], None]) -> None:
        """Let the run go on: the stop stays shown until the next one. The banner and the
        footer say the run is going only if it still is a moment later: a step reaching its
        next stop first is drawn once, at that stop (a second frame costs a step ~20 ms)."""
        going_back = self.viewing != len(self.snapshots) - 1
        self._go_live()
        self.note = "Running…"
        control()
        if going_back:
            self._show()
        else:
            self.set_timer(RUNNING_DELAY, self._show_running)

    def _show_running(self) -> None:
        if self.running and not self.paused:
            self.query_one("#stop-banner", Static).update(self._banner(), layout=False)
            self._refresh_footer()

    def action_continue(self) -> None:
        if not self.running:
            self._start()
        elif self.paused:
            self._resume(self.debugger.continue_)

    def action_step(self) -> None:
        if not self.running:
            self._start(paused=True)
        elif self.paused:
            self._resume(self.debugger.step)

    def action_step_into(self) -> None:
        if not self.running:
            self._start(paused=True)
        elif self.paused:
            self._resume(self.debugger.step_into)

    def action_step_out(self) -> None:
        if self.paused:
            self._resume(self.debugger.step_out)

    def action_pause(self) -> None:
        if self.running and not self.paused:
            self.debugger.pause()
            self.note = "Pausing at the next transition…"
            self._show()

    def action_stop(self) -> None:
        if self.running:
            self.note = "Stopping…"
            self.debugger.stop()
            self._show()

    async def action_restart(self) -> None:
        self.restarted_from = None
        await self._restart(self.target.machine, self.target.input)

    async def _restart(self, machine: StateMachine, execution_input: Any) -> None:
        self.workers.cancel_group(self, "debug-stops")
        self.session.make_execution = self._factory(machine, execution_input)
        self.following = None
        if self.started and not self.ended:
            try:
                await self.session.restart()
            except NoResolverError as error:
                self.notify(f"The run cannot start: {error}.", severity="error", markup=False)
                self.ended = True
                self._show()
                return
            self._begin()
        else:
            self._start()

    # -- breakpoints ---------------------------------------------------------------------

    def _selected_state(self) -> str | None:
        selected = self.graph.selected
        if selected is None:
            self.notify("Select a state in the graph first (Tab moves from state to state).")
        return selected

    def _points_on(self, state: str) -> list[int]:
        return [p.id for p in self.debugger.breakpoints.values() if p.state == state]

    def action_toggle_breakpoint(self) -> None:
        state = self._selected_state()
        if state is None:
            return
        existing = self._points_on(state)
        if existing:
            for point_id in existing:
                self.debugger.remove_breakpoint(point_id)
        else:
            point = self.debugger.add_breakpoint(state, "enter")
            self.breakpoints_panel.refresh_list()
            self.breakpoints_panel.select_breakpoint(point.id)
        self._breakpoints_changed()

    def action_cycle_moment(self) -> None:
        state = self._selected_state()
        if state is None:
            return
        found = self._find_state(state)
        moments = moments_for(found.type if found is not None else "")
        existing = self._points_on(state)
        if not existing:
            point = self.debugger.add_breakpoint(state, moments[1])
        else:
            point = self.debugger.breakpoints[existing[0]]
            now = moments.index(point.moment) if point.moment in moments else -1
            point.moment = moments[(now + 1) % len(moments)]
        self.breakpoints_panel.refresh_list()
        self.breakpoints_panel.select_breakpoint(point.id)
        self._breakpoints_changed()

    def action_toggle_break_on_error(self) -> None:
        self.debugger.break_on_error = not self.debugger.break_on_error
        self.query_one("#stop-banner", Static).update(self._banner(), layout=False)

    def _breakpoints_changed(self) -> None:
        self.breakpoints_panel.refresh_list()
        self._redraw_graph()
        self.query_one("#stop-banner", Static).update(self._banner(), layout=False)

    def on_breakpoints_panel_changed(self, message: BreakpointsPanel.Changed) -> None:
        self._redraw_graph()

    # -- the data ------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#debug-tabs", TabbedContent).active = "tab-flow"
        self.query_one("#flow-filter", Input).focus()

    def action_watch(self) -> None:
        self.query_one("#debug-tabs", TabbedContent).active = "tab-scope"
        self.query_one("#watch-input", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "flow-filter":
            error = self.data_flow.set_filter(event.value)
            event.input.set_class(error is not None, "-invalid")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "watch-input":
            text = event.value.strip()
            if not text:
                return
            try:
                self.debugger.add_watch(text)
            except ExpressionSyntaxError as error:
                self.notify(
                    f"The watch does not compile: {error.message}", severity="error", markup=False
                )
                return
            event.input.value = ""
            self._update_scope()
            self.graph.focus()  # the debugger's keys work again
        elif event.input.id == "flow-filter":
            self.data_flow.focus()

    # -- what-if -------------------------------------------------------------------------

    @work(exclusive=True, group="debug-edit", exit_on_error=False)
    async def action_edit(self) -> None:
        shown = self.shown
        if shown is None or not self.at_live_stop:
            return
        stop = shown.stop
        if stop.reason == "needs_task_result":
            self.answer_task(stop)
            return
        field_name = "input" if stop.moment == "enter" else "result"
        value = stop.inspection.get(field_name)
        key = f"{len(self.snapshots)}:{field_name}"
        text = self._drafts.get(key) or json.dumps(value, indent=2, ensure_ascii=False, default=str)
        title = f"What if {stop.state}'s {field_name} were… (ctrl+s applies, the run stays paused)"
        editor = JsonEditor(visible_text(title), text)
        edited = await self.app.push_screen_wait(editor)
        self._drafts[key] = editor.draft
        if edited is None or not self.at_live_stop:
            return
        if field_name == "input":
            self.debugger.set_input(edited.value)
        else:
            self.debugger.set_result(edited.value)
        stop.inspection[field_name] = edited.value
        self.notify(
            f"{stop.state}'s {field_name} is changed: continue or step to use it.", markup=False
        )
        self._show()

    @work(exclusive=True, group="debug-edit", exit_on_error=False)
    async def action_follow(self) -> None:
        shown = self.shown
        if shown is None or not self.at_live_stop:
            self.notify("Pick what to follow at the run's current stop.")
            return
        stop = shown.stop
        found = self._find_state(stop.state)
        if stop.moment == "enter" and found is not None and found.type in ("Map", "Parallel"):
            parent, kind, state = stop.location, found.type, stop.state
        elif stop.location:
            parent = stop.location[:-1]
            kind, state = stop.location[-1][0], stop.location[-1][1]
        else:
            self.notify("Stop at a Map or Parallel state (or inside one) to pick what to follow.")
            return
        word = "iteration" if kind == "Map" else "branch"
        editor = JsonEditor(
            f"Which {word} of {visible_text(state)} should step into follow? (a number from 0)", "0"
        )
        edited = await self.app.push_screen_wait(editor)
        if edited is None:
            return
        if not isinstance(edited.value, int) or edited.value < 0:
            self.notify(f"The {word} is a number from 0.", severity="error")
            return
        self.debugger.follow((*parent, (kind, state, edited.value)))
        self.following = f"{state}[{edited.value}]"
        self._show()

    # -- back in time --------------------------------------------------------------------

    def action_travel(self, direction: int) -> None:
        target = self.viewing + direction
        if self.snapshots and 0 <= target < len(self.snapshots):
            self.viewing = target
            self._show()
        else:
            edge = "first" if direction < 0 else "latest"
            self.notify(f"This is the {edge} stop.", timeout=2)

    @work(exclusive=True, group="debug-edit", exit_on_error=False)
    async def action_restart_here(self) -> None:
        shown = self.shown
        if shown is None:
            self.notify("Restart here needs a stop: run to one first.")
            return
        stop = shown.stop
        if stop.location:
            self.notify(
                f"{stop.state} is inside {stop.path}: restart from the Map or Parallel around it.",
                severity="warning",
                markup=False,
            )
            return
        value = stop.inspection.get("input")
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
        editor = JsonEditor(f"Restart from {visible_text(stop.state)} with this input", text)
        edited = await self.app.push_screen_wait(editor)
        if edited is None:
            return
        await self.restart_from(stop.state, edited.value)

    async def restart_from(self, state: str, execution_input: Any) -> None:
        """Run the definition again, starting at `state` with `execution_input`."""
        raw = dict(self.target.machine.raw)
        raw["StartAt"] = state
        try:
            machine = parse_state_machine(raw)
        except Exception as error:  # a definition that only runs from its own StartAt
            self.notify(f"Cannot start at {state}: {error}", severity="error", markup=False)
            return
        self.restarted_from = state
        await self._restart(machine, execution_input)

    # -- leaving -------------------------------------------------------------------------

    async def action_leave(self) -> None:
        """Escape: out of a text field first (to the graph), then out of the debugger."""
        if isinstance(self.focused, Input):
            self.graph.focus()
            return
        if self.running:
            self.debugger.stop()
            await self.session.wait()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()


def _template_text(template: Any) -> str | None:
    """A Fail state's Error or Cause as written, or a note when it is computed at run time."""
    if template is None:
        return None
    if getattr(template, "dynamic", True):
        return "(computed when the state runs)"
    value = getattr(template, "value", None)
    return value if isinstance(value, str) else json.dumps(value, default=str)


def breakpoint_specs(specs: Iterable[str]) -> list[tuple[str, Moment]]:
    """`STATE[:moment]` specs as (state, moment); a colon inside a name is kept."""
    points: list[tuple[str, Moment]] = []
    for spec in specs:
        state, _, moment = spec.rpartition(":")
        if not state or moment not in MOMENTS:
            points.append((spec, "enter"))
        else:
            points.append((state, moment))  # type: ignore[arg-type]
    return points


__all__ = ["DebugTarget", "DebuggerScreen", "Expression", "breakpoint_specs"]
