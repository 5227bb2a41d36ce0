"""The open execution as a table (key `t`): its summary header above, the table of state runs
with their timelines below, and every failed attempt with its error and cause (Fail states
included) under it. It reads the main screen's live projection, so it follows a running
execution: it redraws twice a second while the execution runs. Escape or `t` goes back."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sfntui.asl.visible_text import visible
from sfntui.history.events import ExecutionStatus
from sfntui.history.projection import Projection
from sfntui.history.records import ExecutionSummary
from sfntui.tui.widgets.execution_summary import ExecutionSummaryHeader
from sfntui.tui.widgets.execution_table import ExecutionTable

REDRAW_SECONDS = 0.5


def failures_text(projection: Projection) -> Text:
    """Every failed attempt, in order: `State (attempt 2): Error: cause`."""
    text = Text()
    for run in projection.runs:
        failures = list(run.failures)
        if not failures and run.state_type == "Fail" and (run.error or run.cause):
            text.append(f"{visible(run.name)} (Fail state): ", style="bold")
            text.append(visible(f"{run.error or ''}: {run.cause or ''}") + "\n", style="red")
        for attempt, failure in enumerate(failures, 1):
            text.append(f"{visible(run.name)} (attempt {attempt}): ", style="bold")
            text.append(visible(f"{failure.error or ''}: {failure.cause or ''}") + "\n", "red")
    return text if text.plain else Text("No failures.", style="dim")


class TableScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,t", "app.pop_screen", "Back", id="table.back"),
    ]

    def __init__(
        self, execution: ExecutionSummary, projection: Projection, machine_name: str = ""
    ) -> None:
        super().__init__()
        self.execution = execution
        self.projection = projection
        self.machine_name = machine_name

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="table-body"):
            yield ExecutionSummaryHeader(id="execution-summary")
            yield ExecutionTable(id="execution-table")
            yield Static(id="execution-failures")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.machine_name} › {self.execution.name}"
        self.query_one("#execution-summary").border_title = "Execution"
        self.query_one("#execution-table").border_title = "States"
        self.query_one("#execution-failures").border_title = "Failures"
        self.redraw()
        self.set_interval(REDRAW_SECONDS, self._redraw_while_running)
        self.query_one(ExecutionTable).focus()

    def _redraw_while_running(self) -> None:
        if self.projection.status in (ExecutionStatus.RUNNING, ExecutionStatus.NOT_STARTED):
            self.redraw(datetime.now(UTC))

    def redraw(self, now: datetime | None = None) -> None:
        self.query_one(ExecutionSummaryHeader).show(self.execution, self.projection, now)
        self.query_one(ExecutionTable).show(self.projection, now)
        self.query_one("#execution-failures", Static).update(failures_text(self.projection))
