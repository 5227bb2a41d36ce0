"""The history of one execution, one row per event: id, time since the start, type, state.

Rows are added in bulk as batches arrive (a `DataTable` has no lazy loading, and one call per
batch keeps a 25,000-event history quick to show). Moving the cursor over a row, or choosing
one, posts `EventLog.EventChosen` with the event's id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from sfntui.history.events import details, event_time
from sfntui.history.projection import Projection

_FAILURE_ENDINGS = ("Failed", "TimedOut", "Aborted", "ScheduleFailed", "StartFailed")


def event_type_text(event_type: str) -> Text:
    if event_type.endswith(_FAILURE_ENDINGS):
        return Text(event_type, style="bold red")
    if event_type == "ExecutionSucceeded":
        return Text(event_type, style="bold green")
    if event_type.startswith("Execution"):
        return Text(event_type, style="bold")
    return Text(event_type)


def elapsed_label(seconds: float) -> str:
    return f"{seconds:.3f}s"


def state_label(event: Mapping[str, Any], projection: Projection) -> str:
    """The state an event belongs to; Map iterations as `Map[index]`."""
    run = projection.run_for_event(event["id"])
    if run is not None:
        return run.name
    found = details(event)
    name = found.get("name")
    if isinstance(name, str) and "index" in found:
        return f"{name}[{found['index']}]"
    return name if isinstance(name, str) else ""


class EventLog(DataTable[Any]):
    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Inspect",
            show=False,
            tooltip="Show the run the event belongs to in the inspector (moving there does too)",
            id="event_log.inspect",
        ),
    ]

    @dataclass
    class EventChosen(Message):
        event_log: EventLog
        event_id: int

        @property
        def control(self) -> EventLog:
            return self.event_log

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.event_ids: list[int] = []
        self._start: datetime | None = None

    def on_mount(self) -> None:
        self.add_column("#", key="id")
        self.add_column("time", key="time")
        self.add_column("type", key="type")
        self.add_column("state", key="state")

    def reset(self) -> None:
        self.clear()
        self.event_ids = []
        self._start = None

    def add_events(self, events: Iterable[Mapping[str, Any]], projection: Projection) -> None:
        """Append events (already applied to `projection`); the view follows the newest
        unless the person is in the log."""
        rows = []
        last_id = self.event_ids[-1] if self.event_ids else 0
        for event in sorted(events, key=lambda e: e["id"]):
            if event["id"] <= last_id:
                continue  # already shown (a batch can overlap the one before)
            last_id = event["id"]
            when = event_time(event)
            if self._start is None:
                self._start = when
            rows.append(
                (
                    Text(str(event["id"]), justify="right"),
                    Text(elapsed_label((when - self._start).total_seconds()), style="dim"),
                    event_type_text(str(event.get("type", ""))),
                    state_label(event, projection),
                )
            )
            self.event_ids.append(event["id"])
        if not rows:
            return
        self.add_rows(rows)
        if not self.has_focus:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    def show_event(self, event_id: int) -> None:
        """Move the cursor to an event's row (without posting EventChosen)."""
        if event_id in self.event_ids:
            self.move_cursor(row=self.event_ids.index(event_id))

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self.event_ids):
            self.post_message(self.EventChosen(self, self.event_ids[row]))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self.has_focus:  # the person moved the cursor, not a batch arriving
            self._chosen(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._chosen(event.cursor_row)
