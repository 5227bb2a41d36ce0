"""The execution as a table, like the console's Table view: one row per state run (state,
type, status, started, duration, attempts, error), and a timeline column drawing each run's
span on the execution's time axis: its attempts as bars (red when they failed) and the
back-off between them as dots, so retries and their waits show at a glance.

`ExecutionTable` is given a `Projection` and redraws from it (`refresh_rows`); it never
talks to a backend. Times are offsets from the execution's start, so the table reads the
same in any time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from sfntui.asl.visible_text import visible
from sfntui.history.events import event_time
from sfntui.history.projection import Projection
from sfntui.history.runs import RunStatus, StateRun
from sfntui.tui.status_marks import status_label

#: Cells of the timeline column.
TIMELINE_WIDTH = 30
_ATTEMPT_START = ("Scheduled", "StateStarted")
_ATTEMPT_END = ("Failed", "TimedOut", "Succeeded", "Aborted", "SubmitFailed")


@dataclass(frozen=True)
class Span:
    """One attempt of a run, from its start to its end (None: still going)."""

    start: datetime
    end: datetime | None
    failed: bool


def attempt_spans(run: StateRun) -> list[Span]:
    """The run's attempts in order (one span for a state without attempts, such as a Pass)."""
    spans: list[Span] = []
    start: datetime | None = None
    for event in run.events:
        kind = str(event.get("type", ""))
        if kind.endswith(_ATTEMPT_START) and not kind.startswith("Execution"):
            start = event_time(event)
        elif start is not None and kind.endswith(_ATTEMPT_END):
            spans.append(Span(start, event_time(event), not kind.endswith("Succeeded")))
            start = None
    if start is not None:
        spans.append(Span(start, None, False))
    if not spans:
        spans.append(Span(run.started, run.ended, run.status is RunStatus.FAILED))
    return spans


def timeline(run: StateRun, begin: datetime, finish: datetime, width: int = TIMELINE_WIDTH) -> Text:
    """`width` cells for [begin, finish]: attempts as bars, back-off between them as dots."""
    total = max((finish - begin).total_seconds(), 1e-6)

    def cell(when: datetime) -> int:
        return min(width - 1, max(0, int((when - begin).total_seconds() / total * width)))

    cells = [(" ", "")] * width
    spans = attempt_spans(run)
    for earlier, later in zip(spans, spans[1:], strict=False):
        if earlier.end is not None:
            for index in range(cell(earlier.end), cell(later.start) + 1):
                cells[index] = ("·", "yellow")
    for span in spans:
        style = "red" if span.failed else ("green" if span.end is not None else "yellow")
        for index in range(cell(span.start), cell(span.end or finish) + 1):
            cells[index] = ("━", style)
    text = Text(no_wrap=True)
    for glyph, style in cells:
        text.append(glyph, style)
    return text


def _seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.1f} s"
    return f"{value / 60:.1f} min"


def _error_of(run: StateRun) -> str:
    failure = run.failures[-1] if run.failures else None
    error = run.error or (failure.error if failure else None)
    cause = run.cause or (failure.cause if failure else None)
    if not error and not cause:
        return ""
    return visible(f"{error or ''}{': ' if error and cause else ''}{cause or ''}")


class ExecutionTable(DataTable[str | Text]):
    """One row per state run, newest last; see the module."""

    COLUMNS = ("State", "Type", "Status", "Started", "Duration", "Attempts", "Timeline", "Error")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.projection: Projection | None = None

    def on_mount(self) -> None:
        for label in self.COLUMNS:
            self.add_column(label, key=label.lower())

    def show(self, projection: Projection | None, now: datetime | None = None) -> None:
        self.projection = projection
        self.refresh_rows(now)

    def refresh_rows(self, now: datetime | None = None) -> None:
        """Redraw every row from the projection (the cursor stays on its row)."""
        row = self.cursor_row
        self.clear()
        projection = self.projection
        if projection is None or projection.started is None:
            return
        begin = projection.started
        runs = list(projection.runs)
        ends = [run.ended for run in runs if run.ended is not None]
        finish = projection.ended or max([*ends, now or begin, begin])
        for index, run in enumerate(runs):
            path = "".join(f"{step.state}[{step.index}] › " for step in run.path)
            ended = run.ended
            duration = _seconds((ended - run.started).total_seconds()) if ended else "…"
            self.add_row(
                visible(path + run.name),
                run.state_type,
                status_label(str(run.status)),
                "+" + _seconds((run.started - begin).total_seconds()),
                duration,
                str(max(run.attempts, 1)),
                timeline(run, begin, finish),
                Text(_error_of(run), style="red"),
                key=str(index),
            )
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))
