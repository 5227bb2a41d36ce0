"""The history of one execution, one row per event: id, time since the start, type, state.

A Line-API `ScrollView` (as toolong's log view): a row is made (four short strings) when it
is first drawn or searched, and rendered to a `Strip` only when it is on screen, so a
25,000-event history is added in milliseconds and scrolls as fast as a short one. Rendered
rows are kept in an LRU cache of this log's own (cleared when rows, size or styles change).
The header row stays at the top.
Choosing a row (Enter, a click) posts `EventLog.EventChosen` with the event's id at once;
moving the cursor posts it once the cursor has rested `FOLLOW_DELAY` on a row, so a run of
keys moves only the cursor, and the inspector and graph follow where it stops. `/` searches
the rows (id, type, state; any case) as `less` does, `n`/`N` go to the next and previous
match, and the matches on screen are marked (`line_search`, as in the JSON view); the
app-wide `/` (the JSONPath filter) works from the other panes. Its
colours and emphasis come from the component classes below, styled in `DEFAULT_CSS`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, overload

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer

from sfntui.asl.visible_text import visible
from sfntui.history.events import details, event_time
from sfntui.history.projection import Projection
from sfntui.tui.widgets.line_search import SearchableView, match_spans, search_bindings
from sfntui.tui.widgets.virtual_size import set_virtual_size

#: Seconds the cursor rests on a row before the rest of the screen is told (see the module).
FOLLOW_DELAY = 0.08

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


def _event_id(event: Mapping[str, Any]) -> int:
    return int(event["id"])


class EventRows(Sequence[Row]):
    """The log's rows, each made from its event the first time it is asked for (drawn,
    searched): 25,000 events are added without formatting 25,000 rows nobody may look at."""

    def __init__(self) -> None:
        self._events: list[Mapping[str, Any]] = []
        self._made: list[Row | None] = []
        self._projection = Projection()
        self._start: datetime | None = None

    def add(self, events: Sequence[Mapping[str, Any]], projection: Projection) -> None:
        """Events in id order, after those already here, applied to `projection`."""
        if self._start is None and events:
            self._start = event_time(events[0])
        self._events.extend(events)
        self._made.extend([None] * len(events))
        self._projection = projection

    def time_label(self, when: datetime) -> str:
        """`when` as the time column shows it: seconds since the first event."""
        start = self._start or when
        return elapsed_label((when - start).total_seconds())

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = self._made[index]
        if row is None:
            event = self._events[index]
            row = self._made[index] = Row(
                str(event["id"]),
                self.time_label(event_time(event)),
                str(event.get("type", "")),
                state_label(event, self._projection),
            )
        return row


class EventLog(SearchableView, can_focus=True):
    COMPONENT_CLASSES = {
        "event-log--header",
        "event-log--cursor",
        "event-log--time",
        "event-log--failure",
        "event-log--success",
        "event-log--execution",
        "event-log--match",
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
    EventLog > .event-log--match { background: $warning 40%; }
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
        *search_bindings(
            "Search the events (in the log and the JSON; elsewhere / filters)",
            id="event_log.search",
        ),
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
        self.rows = EventRows()
        self.event_ids: list[int] = []
        # Column widths grow with what they hold, as a table's would.
        self._id_width = 3
        self._time_width = 6
        self._type_width = 4
        # Whether the view keeps the newest row in sight: until a row is shown on purpose
        # (a state chosen elsewhere, the cursor moved up), and again after End.
        self._following = True
        #: Rendered rows: (row, selected, width) -> Strip; this log's own.
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(512)
        #: Posts EventChosen for the row the cursor rests on (restarted by each move).
        self._follow_timer: Timer | None = None

    # -- content -----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def get_row_at(self, index: int) -> Row:
        return self.rows[index]

    def reset(self) -> None:
        self.rows = EventRows()
        self.event_ids = []
        self._id_width, self._time_width, self._type_width = 3, 6, 4
        self.cursor = -1
        self._following = True
        self._changed()

    def add_events(self, events: Iterable[Mapping[str, Any]], projection: Projection) -> None:
        """Append events (already applied to `projection`); the view follows the newest
        unless the person is in the log. (Their rows are made when first drawn or searched.)"""
        last_id = self.event_ids[-1] if self.event_ids else 0
        fresh = [event for event in sorted(events, key=_event_id) if event["id"] > last_id]
        if not fresh:
            return  # already shown (a batch can overlap the one before)
        rows = self.rows
        rows.add(fresh, projection)
        self.event_ids.extend(event["id"] for event in fresh)
        latest = max(event_time(event) for event in fresh)
        self._time_width = max(self._time_width, len(rows.time_label(latest)))
        kinds = max(len(str(event.get("type", ""))) for event in fresh)
        self._type_width = max(self._type_width, kinds)
        self._id_width = max(3, len(str(self.event_ids[-1])))
        self._changed()
        if self._following and not self.has_focus:
            # After the next refresh, when the layout knows the new height: scrolling at
            # once raced the layout and sometimes stopped short of the end.
            self.call_after_refresh(self._scroll_to_newest)

    def _scroll_to_newest(self) -> None:
        if self._following:
            self.scroll_end(animate=False, immediate=True)

    def _changed(self) -> None:
        self._strips.clear()
        # No new layout of the whole screen (the rows of a history arriving page by page
        # would each lay it out again).
        set_virtual_size(self, Size(self.size.width, len(self.rows) + 1))
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
            state = visible(cells.state)
            text = self._line((cells.id, cells.time, kind, state), width)
            if selected:
                text.stylize(self._style("cursor"))
            if self.search_term:
                self._mark_matches(text, cells.id, kind.plain, state)
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        strip = Strip(segments, width).apply_style(self.rich_style)
        self._strips.set(key, strip)
        return strip

    def _mark_matches(self, text: Text, number: str, kind: str, state: str) -> None:
        """Mark where the row holds the search term, in the cells `/` searches."""
        term = self.search_term.casefold()
        style = self._style("match")
        if number == term:
            text.stylize(style, self._id_width - len(number), self._id_width)
        kind_at = self._id_width + 1 + self._time_width + 2
        state_at = kind_at + self._type_width + 2
        for at, cell in ((kind_at, kind), (state_at, state)):  # (the kind cut to its column)
            for start, end in match_spans(cell, term):
                text.stylize(style, at + start, at + end)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._strip(-1, False, width)
        row = int(self.scroll_y) + y - 1
        if row >= len(self.rows):
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
            if self._follow_timer is not None:
                self._follow_timer.stop()
            self._follow_timer = self.set_timer(FOLLOW_DELAY, self._cursor_rested)

    def _cursor_rested(self) -> None:
        self._follow_timer = None
        if 0 <= self.cursor < len(self.event_ids):
            self.post_message(self.EventChosen(self, self.event_ids[self.cursor]))

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
        if self._follow_timer is not None:  # told now: not again when the timer fires
            self._follow_timer.stop()
            self._follow_timer = None
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

    search_title = "Search events"
    not_found = "No event matches"

    def search_changed(self) -> None:
        self._strips.clear()
        self.refresh()

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

    def go_to_match(self, term: str, direction: int, from_here: bool) -> bool:
        if not self.rows:
            return False
        start = max(self.cursor, 0) - (direction if from_here else 0)
        found = self.find_row(term, start, direction)
        if found is None:
            return False
        self._following = found == len(self.rows) - 1
        self.cursor = found
        return True
