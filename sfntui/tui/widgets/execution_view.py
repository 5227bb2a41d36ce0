"""The main area: a machine's graph, and for an open execution its event log and inspector.

It owns the execution's `Projection`: `add_events` applies each batch incrementally, appends
the rows to the log at once, and recolours the graph and re-renders the inspector at most
ten times a second while events stream in (at once when the execution ends). While the
history already written is read page by page, a progress bar under the log counts the
events loaded (AWS does not say how many there are, so the bar shows activity, not a share).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.timer import Timer
from textual.widgets import Static

from sfntui.asl.model import StateMachine
from sfntui.asl.visible_text import visible
from sfntui.backends import ExecutionSummary
from sfntui.graph import GraphStatus, status_from_projection
from sfntui.history.events import ExecutionStatus
from sfntui.history.projection import Projection
from sfntui.tui.status_marks import status_label
from sfntui.tui.widgets.event_log import EventLog
from sfntui.tui.widgets.execution_summary import ExecutionSummaryHeader
from sfntui.tui.widgets.graph import GraphView
from sfntui.tui.widgets.inspector import Inspector
from sfntui.tui.widgets.load_progress import LoadCount, LoadProgress

#: Seconds between redraws of the graph and the inspector while events stream in.
REFRESH_INTERVAL = 0.1
#: Seconds between additions to the log while a history's pages are read.
PAGE_INTERVAL = 0.3
#: The graph's column is as wide as the drawing, within these shares of the main area
#: (narrow terminals share the top row between the graph and the inspector).
GRAPH_SHARE = {"-wide": (0.3, 0.6), "-narrow": (0.3, 0.5)}


class ExecutionView(Container):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.machine: StateMachine | None = None
        self.machine_name = ""
        self.execution: ExecutionSummary | None = None
        self.projection: Projection | None = None
        self._refresh_timer: Timer | None = None
        self._grid_columns = ""
        #: Events applied to the projection, not yet added to the log (pages coming fast).
        self._held: list[Mapping[str, Any]] = []
        self._more_coming = False
        self._drawn_at = 0.0
        self._rows_timer: Timer | None = None
        #: Pages of the history written so far are still being read.
        self.loading = False
        #: While the source cannot be reached: "reconnecting in 2 s, last update 12 s ago: ..."
        self.trouble: str | None = None

    def compose(self) -> ComposeResult:
        # Across the top while an execution is open (the class `-summary` makes room for it).
        yield ExecutionSummaryHeader(compact=True, id="execution-header")
        with Container(id="graph-pane"):
            yield Static("Loading the state machines…", id="graph-note")
        with Container(id="inspector-pane"):
            yield Inspector(id="inspector")
        with Container(id="events-pane"):
            yield EventLog(id="event-log")
            yield LoadProgress(id="events-progress")

    def on_mount(self) -> None:
        self.query_one("#graph-pane").border_title = "Graph"
        self._fit_graph_column()
        self._set_events_title()
        self.query_one("#inspector-pane").border_title = "Inspector"

    # -- parts ---------------------------------------------------------------------------

    @property
    def graph(self) -> GraphView | None:
        found = self.query("#graph-pane GraphView")
        return found.first(GraphView) if found else None

    @property
    def event_log(self) -> EventLog:
        return self.query_one(EventLog)

    @property
    def inspector(self) -> Inspector:
        return self.query_one(Inspector)

    @property
    def status(self) -> ExecutionStatus | None:
        return None if self.projection is None else self.projection.status

    # -- what is shown -------------------------------------------------------------------

    async def show_machine(
        self, name: str, machine: StateMachine | None, problem: str | None = None
    ) -> None:
        """A machine with no execution: its graph, uncoloured."""
        self._stop_refreshing()
        self._forget_held()
        self.execution = None
        self.projection = None
        await self._show_graph(name, machine, problem)
        self.event_log.reset()
        self.set_loading(False)
        self._set_events_title()
        self.inspector.show()
        self._set_titles()

    async def show_execution(
        self,
        execution: ExecutionSummary,
        name: str,
        machine: StateMachine | None,
        problem: str | None = None,
    ) -> None:
        """An execution about to be followed: an empty projection, filled by `add_events`."""
        self._stop_refreshing()
        self._forget_held()
        self.execution = execution
        self.projection = Projection()
        self.trouble = None
        await self._show_graph(name, machine, problem)
        self.event_log.reset()
        self.set_loading(True)  # until the first page says it is all there
        graph = self.graph  # the same machine keeps its graph, and the state chosen in it
        self.inspector.show(self.projection, graph.selected if graph is not None else None)
        self._set_titles()

    async def show_failure(self, title: str, sentence: str) -> None:
        """What could not be loaded, and how to try again, in place of a graph."""
        self._stop_refreshing()
        self.execution = None
        self.projection = None
        self.trouble = None
        await self._show_graph(title, None, sentence)
        self.event_log.reset()
        self._set_events_title()
        self.inspector.show()
        self._set_titles()

    def set_trouble(self, trouble: str | None) -> None:
        """Say the open execution is being reconnected to (None: it answers again)."""
        self.trouble = trouble
        self._set_titles()

    def update_execution(self, execution: ExecutionSummary) -> None:
        """A newer summary of the open execution (its status changed)."""
        if self.execution is not None and execution.arn == self.execution.arn:
            self.execution = execution
            self._set_titles()

    async def _show_graph(
        self, name: str, machine: StateMachine | None, problem: str | None
    ) -> None:
        self.machine_name = name
        pane = self.query_one("#graph-pane")
        current = self.graph
        if machine is not None and current is not None and current.machine is machine:
            current.update_status(GraphStatus())
            return
        self.inspector.show()  # the states chosen in the old graph are gone
        await pane.remove_children()
        self.machine = machine
        if machine is None:
            note = visible(problem) if problem else "No definition to draw."
            await pane.mount(Static(Text(note), id="graph-note"))
        else:
            await pane.mount(GraphView(machine, id="graph"))
        self._fit_graph_column()

    def on_resize(self) -> None:
        self._fit_graph_column()

    def _fit_graph_column(self) -> None:
        width = self.size.width
        if width <= 0:
            return
        graph = self.graph
        drawn = graph is not None and graph.is_drawn
        wanted = (
            graph.drawing.width + 3 if graph is not None and drawn else width // 2
        )  # border, bar
        low, high = GRAPH_SHARE["-narrow" if self.screen.has_class("-narrow") else "-wide"]
        column = max(int(width * low), min(wanted, int(width * high)))
        columns = f"{column} 1fr"
        if columns != self._grid_columns:  # (setting it lays the screen out again)
            self._grid_columns = columns
            self.styles.grid_columns = columns

    # -- live events ---------------------------------------------------------------------

    def add_events(self, events: Sequence[Mapping[str, Any]], *, loading: bool = False) -> None:
        """Apply a batch; `loading`: more pages of the history written so far are coming.

        The first page is drawn at once; while more are coming, the rows are added to the
        log at most every PAGE_INTERVAL (each addition lays the screen out again)."""
        if self.projection is None:
            return
        self.projection.add(events)
        self._held.extend(events)
        self._more_coming = loading
        if loading and time.monotonic() - self._drawn_at < PAGE_INTERVAL:
            if self._rows_timer is None:
                self._rows_timer = self.set_timer(PAGE_INTERVAL, self._draw_held)
            return
        self._draw_held()

    def _draw_held(self) -> None:
        if self._rows_timer is not None:
            self._rows_timer.stop()
            self._rows_timer = None
        if self.projection is None:
            return
        self._drawn_at = time.monotonic()
        held, self._held = self._held, []
        self.event_log.add_events(held, self.projection)
        self.set_loading(self._more_coming)
        if self.projection.status is not ExecutionStatus.RUNNING:
            self.refresh_views()
        elif self._refresh_timer is None:
            self._refresh_timer = self.set_timer(REFRESH_INTERVAL, self.refresh_views)

    def refresh_views(self) -> None:
        """Recolour the graph and re-render the inspector from the projection."""
        self._stop_refreshing()
        graph = self.graph
        if graph is not None and self.projection is not None:
            graph.update_status(status_from_projection(self.projection))
        self.inspector.refresh_data()
        self._set_titles()

    def _stop_refreshing(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None

    def _forget_held(self) -> None:
        """Another execution, or none: rows held for the log are dropped."""
        if self._rows_timer is not None:
            self._rows_timer.stop()
            self._rows_timer = None
        self._held = []
        self._drawn_at = 0.0

    # -- choosing a state ----------------------------------------------------------------

    def on_graph_view_state_selected(self, message: GraphView.StateSelected) -> None:
        message.stop()
        if self.inspector.state == message.state:
            return  # keep the run already shown (it may have been chosen in the log)
        self.inspector.show(self.projection, message.state)
        run = self.inspector.run
        if run is not None:
            self.event_log.show_event(run.entered_id)

    def on_event_log_event_chosen(self, message: EventLog.EventChosen) -> None:
        message.stop()
        if self.projection is None:
            return
        run = self.projection.run_for_event(message.event_id)
        if run is None:
            self.inspector.show(self.projection)
            return
        self.inspector.show(self.projection, run.name, run)
        graph = self.graph
        if graph is not None and graph.box_of(run.name) is not None:
            graph.selected = run.name

    # -- titles --------------------------------------------------------------------------

    def _set_titles(self) -> None:
        self._show_summary()
        pane = self.query_one("#graph-pane")
        if self.execution is None:
            pane.border_title = Text(visible(self.machine_name) if self.machine_name else "Graph")
            pane.border_subtitle = ""
            return
        pane.border_title = Text(visible(f"{self.machine_name} › {self.execution.name}"))
        status = str(self.projection.status) if self.projection else self.execution.status
        if status == ExecutionStatus.NOT_STARTED:
            status = self.execution.status
        subtitle = status_label(status)
        if self.trouble is not None:
            subtitle = Text.assemble(subtitle, " · ", (visible(self.trouble), "bold yellow"))
        pane.border_subtitle = subtitle

    def _show_summary(self) -> None:
        """The summary header of the open execution (ARN, status, times, redrives, parent)."""
        header = self.query_one("#execution-header", ExecutionSummaryHeader)
        shown = self.execution is not None and self.projection is not None
        if self.execution is not None and self.projection is not None:
            header.show(self.execution, self.projection)
        if header.display != shown:
            header.display = shown
            self.set_class(shown, "-summary")

    def set_loading(self, loading: bool) -> None:
        """Show (or hide) the progress of a history being read, with the count so far."""
        self.loading = loading
        progress = self.query_one(LoadProgress)
        if loading:
            progress.query_one(LoadCount).what = "Loading events"
            progress.show_count(len(self.event_log.event_ids))
        else:
            progress.done()
        self._set_events_title()

    def _set_events_title(self) -> None:
        count = len(self.event_log.event_ids)
        pane = self.query_one("#events-pane")
        pane.border_title = f"Events ({count:,})" if count else "Events"
        pane.border_subtitle = "loading…" if self.loading else ""
