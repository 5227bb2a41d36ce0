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


def summary_fields(
    execution: ExecutionSummary, projection: Projection, now: datetime | None = None
) -> list[tuple[str, Text | str]]:
    """(label, value) of the header, in order; a running execution's duration runs to `now`
    (without `now`, it is not given)."""
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
    fields: list[tuple[str, Text | str]] = [
        ("Execution", Text(visible(execution.arn))),
        ("Status", status_label(status)),
        ("Started", _when(started)),
        ("Stopped", _when(stopped)),
        ("Duration", duration),
        ("Redrives", str(projection.redrive_count)),
    ]
    parent = parent_of(projection)
    if parent is not None:
        fields.append(("Parent", Text(visible(parent))))
    return fields


def summary_table(
    execution: ExecutionSummary, projection: Projection, now: datetime | None = None
) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in summary_fields(execution, projection, now):
        grid.add_row(label, value)
    if projection.error or projection.cause:
        grid.add_row("Error", Text(visible(projection.error or ""), style="bold red"))
        grid.add_row("Cause", Text(visible(projection.cause or ""), style="red"))
    return grid


def summary_lines(
    execution: ExecutionSummary, projection: Projection, now: datetime | None = None
) -> Text:
    """The same fields in two or three lines, for above the graph: the ARN; the status, start
    → stop (its time alone on the day it started), duration and redrives; the parent when
    there is one. Lines are cut at the edge (app.tcss), never wrapped, so the header keeps
    its height while the execution runs."""
    fields = summary_fields(execution, projection, now)
    value = dict(fields)
    started, stopped = str(value["Started"]), str(value["Stopped"])
    if stopped[:10] == started[:10]:
        stopped = stopped[11:]  # the same day
    text = Text()
    text.append("Execution ", style="bold")
    text.append_text(Text(str(value["Execution"])))
    text.append("\n")
    status = value["Status"]
    text.append_text(status if isinstance(status, Text) else Text(status))
    if started != "—":
        text.append(f"   {started} → {stopped}")
    if value["Duration"] != "—":
        text.append(f" ({value['Duration']})")
    text.append(f"   redrives {value['Redrives']}")
    if "Parent" in value:
        text.append("\nParent ", style="bold")
        text.append_text(Text(str(value["Parent"])))
    return text


class ExecutionSummaryHeader(Static):
    """See the module; `show` redraws it (`compact`: as `summary_lines`, for the main view)."""

    table: Table | Text | None = None

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.compact = compact

    def show(
        self, execution: ExecutionSummary, projection: Projection, now: datetime | None = None
    ) -> None:
        make = summary_lines if self.compact else summary_table
        shown = make(execution, projection, now)
        if self.table is not None and self.compact and shown == self.table:
            return  # the same (a redraw while events stream in): no new layout
        self.table = shown
        self.update(shown)

    @property
    def plain(self) -> str:
        """What the header says, as text (for tests and copying)."""
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        if self.table is not None:
            console.print(self.table)
        return console.export_text()
