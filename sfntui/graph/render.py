"""A laid-out graph drawn as text: plain, ANSI-coloured, or Rich `Text`.

`render_text` and `render_rich` take a parsed machine and do everything (layout, status,
drawing); `draw` is the step the TUI widget uses: a `Drawing` it can read line by line, and
`Drawing.restyle` brings to a new status (a debugger stop, a live run's progress) by drawing
again only the boxes whose marks changed, so a graph of hundreds of states costs a step what
its few changed boxes cost.
Each box shows its status by colour and by a symbol before its name, and a legend under the
graph names the symbols, so the drawing reads the same without colour.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from sfntui.asl.model import StateMachine
from sfntui.asl.visible_text import visible
from sfntui.graph.canvas import Canvas
from sfntui.graph.glyphs import (
    ASCII,
    DOWN,
    LEFT,
    RIGHT,
    STATUS_STYLES,
    STATUS_WORDS,
    UNICODE,
    UP,
    Glyphs,
)
from sfntui.graph.labels import cut_middle
from sfntui.graph.layout import DEFAULT_MAX_LABEL, lay_out
from sfntui.graph.shapes import Box, GraphLayout
from sfntui.graph.status import STATUSES, GraphStatus, status_from_projection

if TYPE_CHECKING:
    from sfntui.history.projection import Projection

#: Names and labels are drawn whole unless the drawing must fit a width.
_UNCUT = 1_000
#: What is tried, in turn, to make a graph fit a `width`: (the widest name or label, how deep
#: Parallels stack their branches). Names stay readable (24 cells) before branches stack, and
#: branches stack before names shrink further.
_FITTING = (
    *((label, 0) for label in (_UNCUT, 48, 40, 32, DEFAULT_MAX_LABEL)),
    *((label, 1) for label in (_UNCUT, 40, DEFAULT_MAX_LABEL)),
    *((label, 99) for label in (_UNCUT, 40, DEFAULT_MAX_LABEL)),
    *((label, 99) for label in (18, 14, 10, 6)),
)
_BREAKPOINT_STYLE = "bold red"
_FINDING_STYLE = "bold yellow"


@dataclass
class Drawing:
    """A graph drawn on a grid: `height` rows of `width` cells (the legend rows included)."""

    layout: GraphLayout
    canvas: Canvas
    #: The rows under the graph that hold the legend.
    legend_rows: int = 0
    statuses_shown: tuple[str, ...] = field(default_factory=tuple)
    #: What it shows, and how it was drawn (what `restyle` needs to draw a box again).
    status: GraphStatus = field(default_factory=GraphStatus)
    glyphs: Glyphs = UNICODE
    legend: bool = True
    wrap: int | None = None
    #: The cells of box borders that edges leave from.
    ports: frozenset[tuple[int, int]] = frozenset()
    legend_lines: list[list[tuple[str, str | None]]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return self.canvas.width

    @property
    def height(self) -> int:
        return self.canvas.height

    def line(self, y: int) -> str:
        return self.canvas.line(y)

    def rich_line(self, y: int) -> Text:
        """One row as Rich Text: what a widget's `render_line` needs."""
        return self.canvas.rich_line(y)

    def plain(self) -> str:
        return self.canvas.plain()

    def rich(self) -> Text:
        return self.canvas.rich()

    def restyle(self, status: GraphStatus) -> set[int]:
        """Show `status` instead, in place: only the boxes whose marks (status, current stop,
        breakpoint, finding, Map counts) differ are drawn again, and the legend if it
        changed; the layout and the other boxes stay. Returns the rows that changed. The
        drawing never narrows: a shorter legend leaves blank columns at the right, so the
        rows not drawn again stay as they are (a wider one pads them with blanks)."""
        old, self.status = self.status, status
        canvas = self.canvas
        rows: set[int] = set()
        if status is old:
            return rows
        for box in self.layout.boxes:
            if box.kind not in ("state", "frame") or _marks(old, box) == _marks(status, box):
                continue
            canvas.erase(box.key, range(box.y, box.bottom))
            for y in (box.y + 1, box.y + 2):  # the title and subtitle rows
                canvas.blank(box.x + 1, box.right - 1, y)
            canvas.owner = box.key
            _draw_state(canvas, box, status, self.glyphs, self.ports)
            canvas.owner = None
            rows.update(range(box.y, box.bottom))
        self.statuses_shown = _statuses_drawn(self.layout, status)
        lines = _legend_lines(self.layout, status, self.statuses_shown, self)
        if lines == self.legend_lines:
            return rows
        self.legend_lines, self.legend_rows = lines, _legend_height(lines)
        graph_rows, height = self.layout.height, canvas.height
        width = max(canvas.width, _canvas_width(self.layout, lines))
        canvas.resize(width, graph_rows)  # the old legend goes
        canvas.resize(width, graph_rows + self.legend_rows)
        _draw_legend(canvas, graph_rows + 1, lines)
        return rows | set(range(graph_rows, max(height, canvas.height)))


def render_text(
    machine: StateMachine,
    *,
    projection: Projection | None = None,
    status: GraphStatus | Mapping[str, str] | None = None,
    current: str | None = None,
    breakpoints: Collection[str] = (),
    ascii: bool = False,  # noqa: A002 - the CLI flag's name
    width: int | None = None,
    color: bool = False,
    collapsed: Collection[str] = (),
    legend: bool = True,
    findings: Collection[str] = (),
) -> str:
    """The graph of `machine` as text, for `sfntui graph`.

    `projection` (a history projection) or `status` (a GraphStatus, or a plain mapping of
    state name -> status string such as "SUCCEEDED") colours the boxes; `current` marks the
    debugger's stop (a double border) and `breakpoints` put a dot on their boxes. `ascii`
    draws with plain ASCII instead of box-drawing characters. `width` (columns) makes the
    graph fit: names and labels are shortened further, then, if it is still too wide, lines
    are cut. `color` adds ANSI colour codes (for a terminal; leave it off in a pipe).
    `findings` names states that hold validator findings: their boxes are marked.
    """
    drawing = _drawing(
        machine, projection, status, current, breakpoints, ascii, width, collapsed, legend,
        findings,
    )
    if not color:
        text = drawing.plain()
        if width is not None:
            text = "\n".join(_cut(line, width) for line in text.split("\n"))
        return text
    rich = drawing.rich()
    if width is not None:
        rich = Text("\n").join(_crop(line, width) for line in rich.split("\n"))
    return _ansi(rich, width or drawing.width)


def render_rich(
    machine: StateMachine,
    *,
    projection: Projection | None = None,
    status: GraphStatus | Mapping[str, str] | None = None,
    current: str | None = None,
    breakpoints: Collection[str] = (),
    ascii: bool = False,  # noqa: A002
    width: int | None = None,
    collapsed: Collection[str] = (),
    legend: bool = True,
    findings: Collection[str] = (),
) -> Text:
    """The graph of `machine` as Rich Text (one Text, rows joined by newlines); the options
    are `render_text`'s. Print it with `Console.print(text, crop=False)` or in a Static."""
    drawing = _drawing(
        machine, projection, status, current, breakpoints, ascii, width, collapsed, legend,
        findings,
    )
    rich = drawing.rich()
    if width is not None and drawing.width > width:
        rich = Text("\n").join(_crop(line, width) for line in rich.split("\n"))
    return rich


def fitted_layout(
    machine: StateMachine, width: int | None, collapsed: Collection[str] = ()
) -> GraphLayout:
    """The layout of `machine` with the widest labels that keep it within `width` columns
    (the narrowest tried if none does); with no `width`, names and labels are whole."""
    if width is None:
        return lay_out(machine, max_label=_UNCUT, collapsed=collapsed)
    for max_label, stack_depth in _FITTING:
        laid_out = lay_out(
            machine, max_label=max_label, collapsed=collapsed, stack_depth=stack_depth
        )
        if laid_out.width <= width:
            break
    return laid_out


def as_status(
    projection: Projection | None = None,
    status: GraphStatus | Mapping[str, str] | None = None,
    current: str | None = None,
    breakpoints: Collection[str] = (),
    findings: Collection[str] = (),
) -> GraphStatus:
    """One GraphStatus from the ways a caller may give it."""
    if status is None:
        status = status_from_projection(projection, current=current, breakpoints=breakpoints)
    elif not isinstance(status, GraphStatus):
        status = GraphStatus(states=dict(status))
    if current is not None or breakpoints or findings:
        status = GraphStatus(
            status.states,
            status.map_iterations,
            current if current is not None else status.current,
            status.breakpoints | frozenset(breakpoints),
            status.findings | frozenset(findings),
        )
    return status


def _drawing(
    machine: StateMachine,
    projection: Projection | None,
    status: GraphStatus | Mapping[str, str] | None,
    current: str | None,
    breakpoints: Collection[str],
    ascii: bool,  # noqa: A002
    width: int | None,
    collapsed: Collection[str],
    legend: bool,
    findings: Collection[str] = (),
) -> Drawing:
    laid_out = fitted_layout(machine, width, collapsed)
    graph_status = as_status(projection, status, current, breakpoints, findings)
    return draw(laid_out, graph_status, ascii=ascii, legend=legend, width=width)


def draw(
    laid_out: GraphLayout,
    status: GraphStatus | None = None,
    *,
    ascii: bool = False,  # noqa: A002
    legend: bool = True,
    width: int | None = None,
) -> Drawing:
    """Draw a layout. The legend (under the graph) is there only when `status` marks
    something; `width` is where it wraps."""
    glyphs = ASCII if ascii else UNICODE
    status = status or GraphStatus()
    shown = _statuses_drawn(laid_out, status)
    drawing = Drawing(laid_out, Canvas(0, 0), 0, shown, status, glyphs, legend, width)
    lines = _legend_lines(laid_out, status, shown, drawing)
    canvas = Canvas(_canvas_width(laid_out, lines), laid_out.height + _legend_height(lines))
    ports = _draw_edges(canvas, laid_out, glyphs)
    for box in laid_out.boxes:
        canvas.owner = box.key  # so `Drawing.restyle` can draw this box again alone
        if box.kind in ("start", "end"):
            _draw_marker(canvas, box, glyphs)
        else:
            _draw_state(canvas, box, status, glyphs, ports)
    canvas.owner = None
    for edge in laid_out.edges:
        if edge.label_at is not None:
            x, y = edge.label_at
            text = _fit(edge.label, edge.label_width, glyphs.ellipsis)
            canvas.put(x, y, text, "italic dim" if edge.dashed else "italic")
    _draw_legend(canvas, laid_out.height + 1, lines)
    drawing.canvas, drawing.ports = canvas, frozenset(ports)
    drawing.legend_lines, drawing.legend_rows = lines, _legend_height(lines)
    return drawing


def _marks(status: GraphStatus, box: Box) -> tuple[object, ...]:
    """Everything of `status` that a state's box shows."""
    key = box.key
    counts = status.iterations_of(key) if box.state_type == "Map" and status.shows_run else None
    return (
        status.of(key),
        status.current == key,
        key in status.breakpoints,
        key in status.findings,
        dict(counts) if counts is not None else None,
    )


def _legend_lines(
    laid_out: GraphLayout, status: GraphStatus, shown: tuple[str, ...], drawing: Drawing
) -> list[list[tuple[str, str | None]]]:
    if not drawing.legend:
        return []
    items = _legend_items(laid_out, status, shown, drawing.glyphs)
    return _wrap(items, drawing.wrap or max(72, laid_out.width))


def _legend_height(lines: list[list[tuple[str, str | None]]]) -> int:
    return len(lines) + 1 if lines else 0  # a blank row between the graph and the legend


def _canvas_width(laid_out: GraphLayout, lines: list[list[tuple[str, str | None]]]) -> int:
    legend_width = max((sum(cell_len(t) for t, _ in line) for line in lines), default=0)
    return max(laid_out.width, legend_width)


def _draw_legend(canvas: Canvas, top: int, lines: list[list[tuple[str, str | None]]]) -> None:
    for row, line in enumerate(lines):
        x = 0
        for text, style in line:
            x += canvas.put(x, top + row, text, style)


# --- edges ---


def _draw_edges(canvas: Canvas, laid_out: GraphLayout, glyphs: Glyphs) -> set[tuple[int, int]]:
    """Draw every edge's line and arrowhead; return the cells of box borders they leave from.

    Lines that meet join (a fan-out, a fan-in); where two lines only cross, neither turning
    there, the vertical one is drawn whole so the crossing does not read as a junction."""
    solid: dict[tuple[int, int], int] = {}
    dashed: dict[tuple[int, int], int] = {}
    turns: set[tuple[int, int]] = set()
    ports: set[tuple[int, int]] = set()
    arrows: list[tuple[int, int]] = []
    # The straight runs of the lines, per row (horizontal) or column (vertical): edges of a
    # fan-out share long runs, so the runs are merged first and each cell is marked once.
    solid_runs: dict[tuple[bool, int], list[tuple[int, int]]] = {}
    dashed_runs: dict[tuple[bool, int], list[tuple[int, int]]] = {}
    for edge in laid_out.edges:
        points = edge.points
        if not points:
            continue
        masks = dashed if edge.dashed else solid
        first = points[0]
        ports.add((first[0], first[1] - 1))
        masks[first] = masks.get(first, 0) | UP
        turns.update(points[1:-1])
        runs = dashed_runs if edge.dashed else solid_runs
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if y0 == y1 and x0 != x1:
                runs.setdefault((True, y0), []).append((min(x0, x1), max(x0, x1)))
            elif x0 == x1 and y0 != y1:
                runs.setdefault((False, x0), []).append((min(y0, y1), max(y0, y1)))
        arrows.append(points[-1])
    _mark_runs(solid, solid_runs)
    _mark_runs(dashed, dashed_runs)
    lines = glyphs.lines
    for cell in solid.keys() | dashed.keys():
        solid_mask = solid.get(cell, 0)
        mask = solid_mask | dashed.get(cell, 0)
        if mask == _ALL and cell not in turns:  # a crossing
            char = lines[UP | DOWN] if solid_mask & UP else glyphs.dashed_vertical
        elif solid_mask:
            char = lines[mask]
        elif mask & (LEFT | RIGHT) == 0:
            char = glyphs.dashed_vertical
        elif mask & (UP | DOWN) == 0:
            char = glyphs.dashed_horizontal
        else:
            char = lines[mask]
        canvas.set(cell[0], cell[1], char)
    for x, y in arrows:
        canvas.set(x, y, glyphs.arrow)
    return ports


def _mark_runs(
    masks: dict[tuple[int, int], int], runs: dict[tuple[bool, int], list[tuple[int, int]]]
) -> None:
    """Mark the cells of straight runs with the directions a line leaves them in: a cell
    joins its right neighbour when some run covers both, and so on for each side."""
    for (horizontal, fixed), spans in runs.items():
        spans.sort()
        merged: list[list[int]] = []
        for low, high in spans:
            if merged and low <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        forward, backward = (RIGHT, LEFT) if horizontal else (DOWN, UP)
        for low, high in merged:
            for at in range(low, high + 1):
                cell = (at, fixed) if horizontal else (fixed, at)
                bits = (forward if at < high else 0) | (backward if at > low else 0)
                masks[cell] = masks.get(cell, 0) | bits


_ALL = UP | DOWN | LEFT | RIGHT


# --- boxes ---


def _draw_state(
    canvas: Canvas,
    box: Box,
    status: GraphStatus,
    glyphs: Glyphs,
    ports: Collection[tuple[int, int]],
) -> None:
    state_status = status.of(box.key)
    is_current = status.current == box.key
    chars = glyphs.current if is_current else glyphs.box
    color = STATUS_STYLES.get(state_status or "")
    if is_current:
        border_style: str | None = f"bold {color or ''}".strip()
        title_style: str | None = f"reverse bold {color or ''}".strip()
    elif color:
        border_style = color
        title_style = color if state_status == "NOT_REACHED" else f"bold {color}"
    else:
        border_style = None
        title_style = "bold"
    _border(canvas, box, chars, border_style)
    if box.kind == "frame":
        left, right, line = tuple(glyphs.current_separator if is_current else glyphs.separator)
        row = box.y + box.header_height - 1
        canvas.put(box.x, row, left + line * (box.width - 2) + right, border_style)
        for column in box.dividers:
            for y in range(box.y + box.header_height, box.bottom - 1):
                canvas.set(column, y, glyphs.divider, "dim")
        for row in box.row_dividers:
            canvas.put(box.x + 2, row, glyphs.dashed_horizontal * (box.width - 4), "dim")
    inner = box.width - 4
    if state_status is not None:
        symbol = glyphs.status[state_status]
        title = f"{symbol} {_fit(box.title, inner - 2, glyphs.ellipsis)}"
    else:
        title = _fit(box.title, inner, glyphs.ellipsis)
    _centered(canvas, box, box.y + 1, title, title_style)
    subtitle_style = "dim" if state_status in (None, "NOT_REACHED") else f"dim {color}"
    subtitle = glyphs.joiner.join(box.details)
    _centered(canvas, box, box.y + 2, _fit(subtitle, inner, glyphs.ellipsis), subtitle_style)
    if box.key in status.breakpoints:
        canvas.set(box.x, box.y + 1, glyphs.breakpoint, _BREAKPOINT_STYLE)
    if (box.has_findings or box.key in status.findings) and box.width >= 5:
        canvas.put(box.x + 1, box.y, f" {glyphs.finding} ", _FINDING_STYLE)
    bottom = box.bottom - 1
    for x in range(box.x + 1, box.right - 1):
        if (x, bottom) in ports:
            canvas.set(x, bottom, glyphs.port, border_style)
    if box.state_type == "Map" and status.shows_run:
        counts = _iteration_counts(status.iterations_of(box.key), glyphs)
        if counts and cell_len(counts) + 2 <= box.width - 4:
            canvas.put(box.x + 2, bottom, f" {counts} ", border_style)


def _draw_marker(canvas: Canvas, box: Box, glyphs: Glyphs) -> None:
    _border(canvas, box, glyphs.marker, None)
    _centered(canvas, box, box.y + 1, box.title, "bold")


def _border(canvas: Canvas, box: Box, chars: str, style: str | None) -> None:
    top_left, top_right, bottom_left, bottom_right, horizontal, vertical = tuple(chars)
    middle = horizontal * (box.width - 2)
    canvas.put(box.x, box.y, top_left + middle + top_right, style)
    canvas.put(box.x, box.bottom - 1, bottom_left + middle + bottom_right, style)
    for y in range(box.y + 1, box.bottom - 1):
        canvas.set(box.x, y, vertical, style)
        canvas.set(box.right - 1, y, vertical, style)


def _centered(canvas: Canvas, box: Box, y: int, text: str, style: str | None) -> None:
    if text:
        room = box.width - 4
        canvas.put(box.x + 2 + max(0, (room - cell_len(text)) // 2), y, text, style)


def _iteration_counts(counts: Mapping[str, int], glyphs: Glyphs) -> str:
    return " ".join(
        f"{glyphs.status[s]}{counts[s]}" for s in STATUSES if counts.get(s) and s in glyphs.status
    )


# --- legend ---


def _statuses_drawn(laid_out: GraphLayout, status: GraphStatus) -> tuple[str, ...]:
    """The statuses some box (or Map iteration count) shows, in legend order."""
    seen: set[str] = set()
    for box in laid_out.boxes:
        if box.kind in ("state", "frame"):
            state_status = status.of(box.key)
            if state_status is not None:
                seen.add(state_status)
            if box.state_type == "Map":
                seen.update(s for s, n in status.iterations_of(box.key).items() if n)
    return tuple(name for name in STATUSES if name in seen)


def _legend_items(
    laid_out: GraphLayout, status: GraphStatus, shown: tuple[str, ...], glyphs: Glyphs
) -> list[tuple[str, str | None]]:
    if not status.marks_anything and not any(box.has_findings for box in laid_out.boxes):
        return []
    items: list[tuple[str, str | None]] = [
        (f"{glyphs.status[name]} {STATUS_WORDS[name]}", STATUS_STYLES[name]) for name in shown
    ]
    keys = {box.key for box in laid_out.boxes}
    if status.current in keys:
        corners = glyphs.current[0] + glyphs.current[1]
        items.append((f"{corners} stopped here", "bold"))
    if status.breakpoints & keys:
        items.append((f"{glyphs.breakpoint} breakpoint", _BREAKPOINT_STYLE))
    if status.findings & keys or any(box.has_findings for box in laid_out.boxes):
        items.append((f"{glyphs.finding} has findings (sfntui validate)", _FINDING_STYLE))
    if any(edge.dashed for edge in laid_out.edges):
        items.append((f"{glyphs.dashed_horizontal * 2} catch", "dim"))
    return items


def _wrap(items: list[tuple[str, str | None]], width: int) -> list[list[tuple[str, str | None]]]:
    lines: list[list[tuple[str, str | None]]] = []
    used = 0
    for text, style in items:
        size = cell_len(text)
        if lines and used + 2 + size <= width:
            lines[-1].append(("  ", None))
            lines[-1].append((text, style))
            used += 2 + size
        else:
            lines.append([(text, style)])
            used = size
    return lines


# --- text ---


def _fit(text: str, width: int, ellipsis: str) -> str:
    """`text` in at most `width` cells, cut in the middle (see `labels.cut_middle`)."""
    if width <= 0:
        return ""
    return cut_middle(visible(text), width, ellipsis)


def _cut(line: str, width: int) -> str:
    if len(line) <= width and cell_len(line) <= width:
        return line
    kept: list[str] = []
    used = 0
    for char in line:
        size = get_character_cell_size(char)
        if used + size > width:
            break
        kept.append(char)
        used += size
    return "".join(kept)


def _crop(line: Text, width: int) -> Text:
    line = line.copy()
    line.truncate(width, overflow="crop")
    return line


def _ansi(text: Text, width: int) -> str:
    """Text with ANSI colour codes, as a terminal shows it."""
    from rich.console import Console  # here: ~15 ms to import, and only colour needs it

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        width=max(width, 1) + 1,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    console.print(text, crop=False, soft_wrap=True, end="")
    return buffer.getvalue()
