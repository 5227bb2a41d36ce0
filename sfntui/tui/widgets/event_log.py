"""The history of one execution, one row per event: id, time since the start, type, state.

A Line-API `ScrollView` (as toolong's log view): a row is kept as four short strings (made
when the log is next drawn or searched, not as events are added) and rendered to a `Strip`
only when it is on screen, so a 25,000-event history is added in milliseconds and scrolls as
fast as a short one. Rendered rows are kept in an LRU cache of
this log's own (cleared when rows, size or styles change). The header row stays at the top.
Moving the cursor over a row, or choosing one, posts `EventLog.EventChosen` with the event's
id. `/` searches the rows (id, type, state; any case) as `less` does, `n`/`N` go to the next
and previous match; the app-wide `/` (the JSONPath filter) works from the other panes. Its
colours and emphasis come from the component classes below, styled in `DEFAULT_CSS`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sfntui.asl.visible_text import visible
from sfntui.history.events import details, event_time
from sfntui.history.projection import Projection
from sfntui.tui.screens.prompt import PromptScreen
from sfntui.tui.widgets.virtual_size import set_virtual_size

_FAILURE_ENDINGS = ("Failed", "TimedOut", "Aborted", "ScheduleFailed", "StartFailed")


def event_type_kind(event_type: str) -> str | None:
    """How an event type is marked: "failure", "success", "execution", or not at all."""
    if event_type.endswith(_FAILURE_ENDINGS):
        return "failure"
    if event_type == "ExecutionSucceeded":
        return "success"
    if event_type.startswith("Execution"):
        return "execution"
    return None


def elapsed_label(seconds: float) -> str:
    return f"{seconds:.3f}s"


_by_id = itemgetter("id")


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


class Row(NamedTuple):
    id: str
    time: str
    type: str
    state: str


class EventLog(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "event-log--header",
        "event-log--cursor",
        "event-log--time",
        "event-log--failure",
        "event-log--success",
        "event-log--execution",
    }
    DEFAULT_CSS = """
    EventLog {
        height: 1fr;
        overflow-x: hidden;
    }
    EventLog > .event-log--header { text-style: bold reverse; }
    EventLog > .event-log--cursor { text-style: reverse; }
    EventLog > .event-log--time { text-style: dim; }
    EventLog > .event-log--failure { color: ansi_red; text-style: bold; }
    EventLog > .event-log--success { color: ansi_green; text-style: bold; }
    EventLog > .event-log--execution { text-style: bold; }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding(
            "enter",
            "choose",
            "Inspect",
            show=False,
            tooltip="Show the run the event belongs to in the inspector (moving there does too)",
            id="event_log.inspect",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            show=False,
            tooltip="Search the events (in the log and the JSON; elsewhere / filters)",
            id="event_log.search",
        ),
        Binding("n", "search_next(1)", "Next match", show=False, tooltip="Next match"),
        Binding("N", "search_next(-1)", "Previous match", show=False, tooltip="Previous match"),
    ]

    cursor: reactive[int] = reactive(-1)

    @dataclass
    class EventChosen(Message):
        event_log: EventLog
        event_id: int

        @property
        def control(self) -> EventLog:
            return self.event_log

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._rows: list[Row] = []
        #: Events added whose rows are not made yet, and the projection they were applied to.
        self._pending: list[Mapping[str, Any]] = []
        self._projection: Projection | None = None
        self.event_ids: list[int] = []
        self._start: datetime | None = None
        # Column widths grow with what they hold, as a table's would.
        self._id_width = 3
        self._time_width = 6
        self._type_width = 4
        # Whether the view keeps the newest row in sight: until a row is shown on purpose
        # (a state chosen elsewhere, the cursor moved up), and again after End.
        self._following = True
        #: What `/` last looked for.
        self.search_term = ""
        #: Rendered rows: (row, selected, width) -> Strip; this log's own.
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(512)

    # -- content -----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.event_ids)

    def get_row_at(self, index: int) -> Row:
        return self.rows[index]

    def reset(self) -> None:
        self._rows = []
        self._pending = []
        self._projection = None
        self.event_ids = []
        self._start = None
        self._id_width, self._time_width, self._type_width = 3, 6, 4
        self.cursor = -1
        self._following = True
        self._changed()

    def add_events(self, events: Iterable[Mapping[str, Any]], projection: Projection) -> None:
        """Append events (already applied to `projection`); the view follows the newest
        unless the person is in the log. Their rows are made when first needed (shown,
        searched): a debugger's first stop takes in ten thousand events with the log in a
        tab behind."""
        if self._pending and projection is not self._projection:
            self._make_rows()
        self._projection = projection
        last_id = self.event_ids[-1] if self.event_ids else 0
        first = len(self.event_ids)
        for event in sorted(events, key=_by_id):
            if event["id"] <= last_id:
                continue  # already shown (a batch can overlap the one before)
            last_id = event["id"]
            self.event_ids.append(last_id)
            self._pending.append(event)
        if len(self.event_ids) == first:
            return
        self._changed()
        if self._following and not self.has_focus:
            # After the next refresh, when the layout knows the new height: scrolling at
            # once raced the layout and sometimes stopped short of the end.
            self.call_after_refresh(self._scroll_to_newest)

    @property
    def rows(self) -> list[Row]:
        if self._pending:
            self._make_rows()
        return self._rows

    def _make_rows(self) -> None:
        """The rows of the events added since, and the column widths they need."""
        pending, self._pending = self._pending, []
        projection = self._projection
        if projection is None or not pending:  # set with the events, never without
            return
        rows, start = self._rows, self._start
        first = len(rows)
        new_row, label = Row._make, state_label
        for event in pending:
            when = event_time(event)
            if start is None:
                start = self._start = when
            elapsed = elapsed_label((when - start).total_seconds())
            kind = str(event.get("type", ""))
            rows.append(new_row((str(event["id"]), elapsed, kind, label(event, projection))))
        added = rows[first:]
        self._time_width = max(self._time_width, *(len(row.time) for row in added))
        self._type_width = max(self._type_width, *(len(row.type) for row in added))
        self._id_width = max(3, len(rows[-1].id))

    def _scroll_to_newest(self) -> None:
        if self._following:
            self.scroll_end(animate=False, immediate=True)

    def _changed(self) -> None:
        self._strips.clear()
        # No new layout of the whole screen (the rows of a history arriving page by page
        # would each lay it out again).
        set_virtual_size(self, Size(self.size.width, len(self.event_ids) + 1))
        self.refresh()

    def show_event(self, event_id: int) -> None:
        """Move the cursor to an event's row (without posting EventChosen)."""
        row = bisect_left(self.event_ids, event_id)  # ids are in ascending order
        if row < len(self.event_ids) and self.event_ids[row] == event_id:
            self._following = False
            self.set_reactive(EventLog.cursor, row)
            self._scroll_to_cursor()
            self.refresh()

    # -- rendering ---------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"event-log--{name}", partial=True)

    def _line(self, cells: tuple[str, str, Text, str], width: int) -> Text:
        number, time, kind, state = cells
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(number.rjust(self._id_width) + " ")
        time_style = self._style("time") if number != "#" else ""
        line.append(time.rjust(self._time_width) + "  ", style=time_style)
        kind.truncate(self._type_width, overflow="ellipsis", pad=True)
        line.append_text(kind)
        line.append("  " + state)
        line.truncate(width, overflow="ellipsis", pad=True)
        return line

    def _strip(self, row: int, selected: bool, width: int) -> Strip:
        key = (row, selected, width)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        if row < 0:
            text = self._line(("#", "time", Text("type"), "state"), width)
            text.stylize(self._style("header"))
        else:
            cells = self.rows[row]
            marked = event_type_kind(cells.type)
            kind = Text(visible(cells.type), style=self._style(marked) if marked else "")
            text = self._line((cells.id, cells.time, kind, visible(cells.state)), width)
            if selected:
                text.stylize(self._style("cursor"))
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        strip = Strip(segments, width).apply_style(self.rich_style)
        self._strips.set(key, strip)
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        rows = self.rows  # made now if new events wait (the header needs their widths)
        if y == 0:
            return self._strip(-1, False, width)
        row = int(self.scroll_y) + y - 1
        if row >= len(rows):
            return Strip.blank(width, self.rich_style)
        return self._strip(row, row == self.cursor, width)

    def on_resize(self) -> None:
        self._changed()
        if self._following:
            self.call_after_refresh(self._scroll_to_newest)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme or stylesheet change: colours are read again

    # -- the cursor --------------------------------------------------------------------

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        if self.has_focus and 0 <= new < len(self.event_ids):
            self.post_message(self.EventChosen(self, self.event_ids[new]))

    def action_move(self, delta: int) -> None:
        if self.rows:
            self.cursor = min(max(self.cursor + delta, 0), len(self.rows) - 1)
            self._following = self.cursor == len(self.rows) - 1

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        if self.rows:
            self.cursor = row if row >= 0 else len(self.rows) - 1
            self._following = self.cursor == len(self.rows) - 1

    def action_choose(self) -> None:
        if 0 <= self.cursor < len(self.event_ids):
            self.post_message(self.EventChosen(self, self.event_ids[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= row < len(self.rows):
            self.focus()
            self.cursor = row
            self._following = row == len(self.rows) - 1
            self.action_choose()

    # -- search ------------------------------------------------------------------------

    def action_search(self) -> None:
        def start(answer: str | None) -> None:
            if answer:
                self.search_term = answer
                self.action_search_next(1, from_here=True)

        self.app.push_screen(PromptScreen("Search events", self.search_term, "Find"), start)

    def find_row(self, term: str, start: int, direction: int) -> int | None:
        """The next row after `start` whose id, type or state holds `term` (any case)."""
        wanted = term.casefold()
        count = len(self.rows)
        for offset in range(1, count + 1):
            row = (start + direction * offset) % count
            cells = self.rows[row]
            if wanted in cells.type.casefold() or wanted in cells.state.casefold():
                return row
            if wanted == cells.id:
                return row
        return None

    def action_search_next(self, direction: int, from_here: bool = False) -> None:
        if not self.search_term:
            self.notify("Nothing to look for yet: / starts a search.")
            return
        if not self.rows:
            return
        start = max(self.cursor, 0) - (direction if from_here else 0)
        found = self.find_row(self.search_term, start, direction)
        if found is None:
            self.notify(f"No event matches: {self.search_term}", markup=False)
            return
        self._following = found == len(self.rows) - 1
        self.cursor = found
