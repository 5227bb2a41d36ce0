"""The execution's summary header: ARN, status, start, stop, duration, redrive count, and the
parent execution when another execution started this one (the input's
`AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`, as the console reads it); then the execution's
error and cause when it failed. Drawn from the projection: it never talks to a backend."""

from __future__ import annotations

import io
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from sfntui.asl.visible_text import visible
from sfntui.history.projection import Projection
from sfntui.history.records import ExecutionSummary
from sfntui.tui.status_marks import status_label

PARENT_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def parent_of(projection: Projection) -> str | None:
    """The ARN of the execution that started this one, if one did."""
    value = projection.input
    parent = value.get(PARENT_KEY) if isinstance(value, dict) else None
    return parent if isinstance(parent, str) else None


def summary_table(
    execution: ExecutionSummary, projection: Projection, now: datetime | None = None
) -> Table:
    status = str(projection.status)
    if status == "NOT_STARTED":
        status = execution.status
    started = projection.started or execution.started
    stopped = projection.ended or execution.stopped
    until = stopped or now
    duration = "—"
    if started is not None and until is not None:
        seconds = (until - started).total_seconds()
        duration = f"{seconds:.3f} s" + ("" if stopped else " so far")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("Execution", Text(visible(execution.arn)))
    grid.add_row("Status", status_label(status))
    grid.add_row("Started", _when(started))
    grid.add_row("Stopped", _when(stopped))
    grid.add_row("Duration", duration)
    grid.add_row("Redrives", str(projection.redrive_count))
    parent = parent_of(projection)
    if parent is not None:
        grid.add_row("Parent", Text(visible(parent)))
    if projection.error or projection.cause:
        grid.add_row("Error", Text(visible(projection.error or ""), style="bold red"))
        grid.add_row("Cause", Text(visible(projection.cause or ""), style="red"))
    return grid


class ExecutionSummaryHeader(Static):
    """See the module; `show` redraws it."""

    table: Table | None = None

    def show(
        self, execution: ExecutionSummary, projection: Projection, now: datetime | None = None
    ) -> None:
        self.table = summary_table(execution, projection, now)
        self.update(self.table)

    @property
    def plain(self) -> str:
        """What the header says, as text (for tests and copying)."""
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        if self.table is not None:
            console.print(self.table)
        return console.export_text()
