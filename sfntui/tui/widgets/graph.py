"""The graph of a state machine as a Textual widget: only the rows on screen are rendered.

A Line-API `ScrollView` over `sfntui.graph`'s drawing: `render_line(y)` turns one canvas row
into a `Strip`, kept in an LRU cache of this view's own (cleared on every redraw and style
change), so a graph of hundreds of states scrolls as fast as a small one. The cursor's look
is the `graph-view--cursor` component class.
Arrow keys and the mouse wheel pan; Tab and Shift+Tab move the cursor from state to state;
a click selects the state under the pointer; Enter or Space collapses a Parallel or Map
frame to one box, or opens it again. Selecting a state posts `GraphView.StateSelected`.

A machine of more than `THREADED_STATES` states is laid out and drawn in a thread (a worker
awaiting `asyncio.to_thread`), so the screen keeps answering while a graph of thousands of
states is placed; until then the view is blank. Small ones are drawn at once, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sfntui.asl.model import StateMachine
from sfntui.graph import Box, Drawing, GraphStatus, draw, lay_out
from sfntui.graph.status import RUNNING

#: More states than this and the layout runs in a thread (see the module's docstring).
THREADED_STATES = 200
#: The worker group of the threaded layout (tests wait for it).
LAYOUT_GROUP = "graph-layout"


def _drawn(
    machine: StateMachine,
    collapsed: frozenset[str],
    status: GraphStatus,
    plain: bool,
) -> Drawing:
    return draw(lay_out(machine, collapsed=collapsed), status, ascii=plain)


class GraphView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"graph-view--cursor"}
    DEFAULT_CSS = """
    GraphView {
        background: $surface;
        scrollbar-size: 1 1;
    }
    GraphView > .graph-view--cursor { text-style: bold reverse; }
    """

    BINDINGS = [
        Binding("left,h", "pan(-4, 0)", "Pan", show=False),
        Binding("right,l", "pan(4, 0)", "Pan", show=False),
        Binding("up,k", "pan(0, -2)", "Pan", show=False),
        Binding("down,j", "pan(0, 2)", "Pan", show=False),
        Binding("tab", "select_next", "Next state", id="graph.next"),
        Binding("shift+tab", "select_previous", "Previous state", id="graph.previous"),
        Binding("enter,space", "toggle_frame", "Collapse/expand", id="graph.toggle"),
        Binding("a", "toggle_ascii", "ASCII", show=False),
    ]

    selected: reactive[str | None] = reactive(None)

    @dataclass
    class StateSelected(Message):
        view: GraphView
        state: str

        @property
        def control(self) -> GraphView:
            return self.view

    def __init__(
        self,
        machine: StateMachine,
        status: GraphStatus | None = None,
        *,
        ascii: bool = False,  # noqa: A002 - the same flag as the CLI's
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.machine = machine
        self.status = status or GraphStatus()
        self.ascii = ascii
        self.collapsed: set[str] = set()
        self._drawing: Drawing | None = None
        #: Rendered canvas rows: (y, selected state) -> Strip; this view's own.
        self._rows: LRUCache[tuple[int, str | None], Strip] = LRUCache(1024)
        #: Recent drawings by status object, kept with it (ids are reused once it is gone).
        self._drawings: LRUCache[int, tuple[GraphStatus, tuple[frozenset[str], bool], Drawing]]
        self._drawings = LRUCache(16)
        #: The state the view last scrolled to follow the run (see `update_status`).
        self._followed: str | None = None
        self.threaded = len(machine.walk()) > THREADED_STATES
        if not self.threaded:
            self._redraw()

    def on_mount(self) -> None:
        if self.threaded and self._drawing is None:
            self._redraw()

    # -- the drawing -------------------------------------------------------------------

    @property
    def drawing(self) -> Drawing:
        assert self._drawing is not None
        return self._drawing

    @property
    def is_drawn(self) -> bool:
        """False while a threaded layout has not given its first drawing."""
        return self._drawing is not None

    @property
    def state_boxes(self) -> list[Box]:
        """The boxes a cursor can stop on, top to bottom, left to right."""
        if self._drawing is None:
            return []
        boxes = [b for b in self.drawing.layout.boxes if b.kind in ("state", "frame")]
        return sorted(boxes, key=lambda b: (b.y, b.x))

    def box_of(self, state: str) -> Box | None:
        if self._drawing is None:
            return None
        return next((b for b in self.drawing.layout.boxes if b.key == state), None)

    def _redraw(self) -> None:
        collapsed = frozenset(self.collapsed)
        key = id(self.status)
        kept = self._drawings.get(key)
        if kept is not None and kept[0] is self.status and kept[1] == (collapsed, self.ascii):
            self._show(kept[2])  # the same status object again (a debugger stop revisited)
            return
        if self.threaded:
            self.run_worker(
                self._draw_in_thread(collapsed, self.status, self.ascii),
                group=LAYOUT_GROUP,
                exclusive=True,
                exit_on_error=False,
            )
            return
        self._keep(collapsed, self.status, _drawn(self.machine, collapsed, self.status, self.ascii))

    async def _draw_in_thread(
        self, collapsed: frozenset[str], status: GraphStatus, plain: bool
    ) -> None:
        drawing = await asyncio.to_thread(_drawn, self.machine, collapsed, status, plain)
        self._keep(collapsed, status, drawing)

    def _keep(self, collapsed: frozenset[str], status: GraphStatus, drawing: Drawing) -> None:
        self._drawings.set(id(status), (status, (collapsed, self.ascii), drawing))
        self._show(drawing)

    def _show(self, drawing: Drawing) -> None:
        self._drawing = drawing
        self._rows.clear()
        self.virtual_size = Size(self._drawing.width, self._drawing.canvas.height)
        self.refresh()

    def update_status(self, status: GraphStatus) -> None:
        """New run data (a live tail, a debugger stop): colours change, the layout does not.

        The view follows the run: when the debugger's current state, or else the newest
        running state, changes, it is scrolled into view (once: the person may pan away)."""
        self.status = status
        self._redraw()
        target = followed_state(status)
        if target is not None and target != self._followed:
            box = self.box_of(target)
            if box is not None:
                self.scroll_to_region(
                    Region(box.x, box.y, box.width, box.height), animate=False, immediate=True
                )
        self._followed = target

    def set_collapsed(self, frames: Collection[str]) -> None:
        self.collapsed = set(frames)
        self._redraw()

    # -- rendering ---------------------------------------------------------------------

    def _row(self, y: int, selected: str | None) -> Strip:
        cached = self._rows.get((y, selected))
        if cached is not None:
            return cached
        text = self.drawing.canvas.rich_line(y)
        box = self.box_of(selected) if selected else None
        if box is not None and box.y <= y < box.bottom:
            cursor = self.get_component_rich_style("graph-view--cursor", partial=True)
            text.stylize(cursor, box.x, box.right)
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        base = self.rich_style  # the widget's background under every cell of the drawing
        strip = Strip(Segment.apply_style(segments, style=base), self.drawing.width)
        self._rows.set((y, selected), strip)
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rows.clear()  # a theme or stylesheet change: the background is read again

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        if self._drawing is None or row >= self.drawing.canvas.height:
            return Strip.blank(width, self.rich_style)
        # Only the rows through the selected box differ with the selection: the others are
        # cached once for every selection, so moving it re-renders those rows alone.
        box = self.box_of(self.selected) if self.selected else None
        inside = box is not None and box.y <= row < box.bottom
        strip = self._row(row, self.selected if inside else None)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def watch_selected(self, old: str | None, new: str | None) -> None:
        self.refresh()
        box = self.box_of(new) if new else None
        if box is not None:
            self.scroll_to_region(Region(box.x, box.y, box.width, box.height), animate=False)
            self.post_message(self.StateSelected(self, box.key))

    # -- actions -----------------------------------------------------------------------

    def action_pan(self, dx: int, dy: int) -> None:
        self.scroll_to(self.scroll_x + dx, self.scroll_y + dy, animate=False)

    def _step(self, direction: int) -> None:
        boxes = self.state_boxes
        if not boxes:
            return
        keys = [b.key for b in boxes]
        if self.selected not in keys:
            self.selected = keys[0 if direction > 0 else -1]
            return
        index = (keys.index(self.selected) + direction) % len(keys)
        self.selected = keys[index]

    def action_select_next(self) -> None:
        self._step(1)

    def action_select_previous(self) -> None:
        self._step(-1)

    def action_toggle_frame(self) -> None:
        box = self.box_of(self.selected) if self.selected else None
        if box is None or box.state_type not in ("Parallel", "Map"):
            return
        self.collapsed.symmetric_difference_update({box.key})
        self._redraw()

    def action_toggle_ascii(self) -> None:
        self.ascii = not self.ascii
        self._redraw()

    def on_click(self, event: events.Click) -> None:
        x = event.x + int(self.scroll_x)
        y = event.y + int(self.scroll_y)
        inside = [b for b in self.state_boxes if b.contains(x, y)]
        if inside:
            # The innermost box under the pointer: a state inside a frame, not the frame.
            self.selected = min(inside, key=lambda b: b.width * b.height).key


def followed_state(status: GraphStatus) -> str | None:
    """The state a view following the run keeps on screen: the debugger's stop, or else the
    state that most recently started running."""
    if status.current is not None:
        return status.current
    if status.states is None:
        return None
    running = [name for name, value in status.states.items() if value == RUNNING]
    return running[-1] if running else None


def strip_text(strip: Strip) -> str:
    """A strip's characters, for tests and screenshots."""
    return "".join(segment.text for segment in strip if isinstance(segment, Segment))
