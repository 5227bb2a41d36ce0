"""A state machine laid out top to bottom on a character grid, as the AWS console draws it.

Each machine (the top level, a Parallel branch, a Map's processor) is laid out on its own
by `sfntui.graph.layers`: its states are nodes, and a Choice rule, a Default or a Catch is a
small node of its own holding the edge's label, so labels get room like boxes do and never
sit on a line or a box. A Parallel or a Map is a frame: a header (name, type, markers) over
its branches side by side, or its processor, laid out first so the frame knows its size.
The top level gets a Start marker above `StartAt` and an End marker below the states that end
the execution successfully (`End: true`, Succeed); a Fail state is the end of its own path,
and lines from every Fail down to one End would only cross the graph.

Layouts are cached per definition and options: laying out a large definition takes tens of
milliseconds, and the graph is redrawn on every history event.
"""

from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rich.cells import cell_len

from sfntui.asl.model import ChoiceState, MapState, ParallelState, State, StateMachine
from sfntui.asl.visible_text import visible
from sfntui.graph.labels import kept_whole
from sfntui.graph.layers import Link, Node, corners, place
from sfntui.graph.shapes import END_KEY, START_KEY, Box, Edge, EdgeKind, GraphLayout, Point

#: The widest a state's name or an edge label is drawn by default (longer ones are shortened).
DEFAULT_MAX_LABEL = 24
BOX_HEIGHT = 4
MARKER_HEIGHT = 3
#: A frame's header: top border, name, type, and the line under them.
FRAME_HEADER = 4
#: A subtitle may be this much wider than a title before it is shortened.
_SUBTITLE_EXTRA = 8
_CACHE_SIZE = 64
#: How much more a Next pulls its states into line than a branch (see `layers.Link`).
MAIN_PATH_WEIGHT = 4


def lay_out(
    machine: StateMachine,
    *,
    max_label: int = DEFAULT_MAX_LABEL,
    collapsed: Collection[str] = (),
    stack_depth: int = 0,
) -> GraphLayout:
    """Lay out `machine`. `collapsed` names Parallel and Map states to draw as one box.
    Parallels nested less than `stack_depth` deep stack their branches one above the other
    instead of side by side: narrower, so names keep their room in a narrow terminal.

    The result is cached: by the machine object (instant), and by the definition's JSON,
    so the same definition parsed again (a reload) is not laid out again either."""
    from sfntui.graph.drawable import marked_states

    options: _Options = (
        max(4, max_label),
        frozenset(collapsed),
        marked_states(machine),
        max(0, stack_depth),
    )
    key = (id(machine), options)
    hit = _by_machine.get(key)
    if hit is not None and hit[0]() is machine:
        return hit[1]
    content = _content_key(machine, options)
    if content is not None and content in _by_content:
        result = _by_content[content]
        _by_content.move_to_end(content)
    else:
        builder = _Builder(options[0], options[1], machine, options[2], options[3])
        block = builder.block(machine, top=True)
        result = GraphLayout(block.width, block.height, block.boxes, block.edges, options[0])
        if content is not None:
            _by_content[content] = result
            while len(_by_content) > _CACHE_SIZE:
                _by_content.popitem(last=False)
    while len(_by_machine) >= _CACHE_SIZE:
        del _by_machine[next(iter(_by_machine))]
    _by_machine[key] = (weakref.ref(machine, lambda _ref: _by_machine.pop(key, None)), result)
    return result


#: (max_label, collapsed, states marked as holding findings, stack_depth)
_Options = tuple[int, frozenset[str], frozenset[str], int]
_by_machine: dict[tuple[int, _Options], tuple[weakref.ref, GraphLayout]] = {}
_by_content: OrderedDict[tuple[str, _Options], GraphLayout] = OrderedDict()


def _content_key(machine: StateMachine, options: _Options) -> tuple[str, _Options] | None:
    if not machine.raw:
        return None
    try:
        text = json.dumps(machine.raw, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):
        return None
    return (text, options)


def clear_cache() -> None:
    """Forget every cached layout (benchmarks time the layout itself with this)."""
    _by_machine.clear()
    _by_content.clear()


@dataclass(frozen=True)
class _Block:
    """One machine laid out, at the origin."""

    width: int
    height: int
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]


@dataclass
class _Frame:
    """A Parallel or Map drawn open: where its inner blocks go."""

    blocks: list[_Block]
    #: Where each block's origin goes, relative to the frame's top-left corner.
    offsets: list[Point]


@dataclass
class _PendingEdge:
    source: str
    target: str
    kind: EdgeKind
    links: list[int]
    label: str = ""
    label_key: str | None = None


@dataclass
class _Graph:
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    edges: list[_PendingEdge] = field(default_factory=list)
    labels: dict[str, tuple[str, int]] = field(default_factory=dict)

    def connect(
        self, source: str, target: str, kind: EdgeKind, label: str = "", width: int = 0
    ) -> None:
        if not label:
            self.edges.append(_PendingEdge(source, target, kind, [len(self.links)]))
            self.links.append(Link(source, target, MAIN_PATH_WEIGHT if kind != "end" else 1))
            return
        label_key = f"{source}\x00{len(self.edges)}"
        self.nodes.append(Node(label_key, width, 1))
        self.labels[label_key] = (label, width)
        first = len(self.links)
        self.links.append(Link(source, label_key))
        self.links.append(Link(label_key, target))
        self.edges.append(_PendingEdge(source, target, kind, [first, first + 1], label, label_key))


class _Builder:
    def __init__(
        self,
        max_label: int,
        collapsed: frozenset[str],
        machine: StateMachine,
        marked: frozenset[str] = frozenset(),
        stack_depth: int = 0,
    ) -> None:
        self.max_label = max_label
        self.collapsed = collapsed
        self.marked = marked
        self.stack_depth = stack_depth
        #: How many Parallel or Map frames enclose the machine being laid out.
        self.depth = 0
        states = [state for state, _ in machine.walk()]
        labels = [text for state in states for text, _ in _edge_labels(state)]
        #: Names and labels that would read like another once cut: they are drawn whole.
        self.whole = kept_whole((visible(state.name) for state in states), max_label) | kept_whole(
            labels, max_label
        )

    def block(self, machine: StateMachine, *, top: bool) -> _Block:
        states = machine.states
        graph = _Graph()
        frames: dict[str, _Frame] = {}
        boxes: dict[str, Box] = {}
        raw_states = machine.raw.get("States") if isinstance(machine.raw, Mapping) else None
        raw_states = raw_states if isinstance(raw_states, Mapping) else {}
        order = list(states)
        if machine.start_at in states:  # the entry goes first: it roots the layering
            order.remove(machine.start_at)
            order.insert(0, machine.start_at)
        if top:
            graph.nodes.append(Node(START_KEY, _odd(cell_len("Start") + 4), MARKER_HEIGHT))
        for name in order:
            raw = raw_states.get(name)
            box, frame = self._state_box(states[name], raw if isinstance(raw, Mapping) else {})
            boxes[name] = box
            if frame is not None:
                frames[name] = frame
            graph.nodes.append(Node(name, box.width, box.height))
        if top and machine.start_at in states:
            graph.connect(START_KEY, machine.start_at, "start")
        ends = []
        for name in order:
            self._connect_state(graph, states[name], states)
            if top and states[name].is_terminal and states[name].type != "Fail":
                ends.append(name)
        if ends:
            graph.nodes.append(Node(END_KEY, _odd(cell_len("End") + 4), MARKER_HEIGHT))
            for name in ends:
                graph.connect(name, END_KEY, "end")

        placement = place(graph.nodes, graph.links)
        positions = placement.positions
        out_boxes: list[Box] = []
        out_edges: list[Edge] = []
        for node in graph.nodes:
            if node.key in graph.labels:
                continue
            x, y = positions[node.key]
            if node.key == START_KEY:
                out_boxes.append(Box(node.key, "start", x, y, node.width, node.height, "Start"))
                continue
            if node.key == END_KEY:
                out_boxes.append(Box(node.key, "end", x, y, node.width, node.height, "End"))
                continue
            out_boxes.append(_moved_box(boxes[node.key], x, y, None))
            open_frame = frames.get(node.key)
            if open_frame is not None:
                for block, (dx, dy) in zip(open_frame.blocks, open_frame.offsets, strict=True):
                    out_boxes.extend(_moved_box(b, x + dx, y + dy, node.key) for b in block.boxes)
                    out_edges.extend(_moved_edge(e, x + dx, y + dy) for e in block.edges)
        for pending in graph.edges:
            points: list[Point] = list(placement.routes[pending.links[0]])
            label_at = None
            label_width = 0
            if pending.label_key is not None:
                lx, ly = positions[pending.label_key]
                label_width = graph.labels[pending.label_key][1]
                label_at = (lx, ly)
                points.extend(placement.routes[pending.links[1]])
            back = any(li in placement.back for li in pending.links)
            edge = Edge(
                pending.source,
                pending.target,
                pending.kind,
                corners(points),
                pending.label,
                label_at,
                label_width,
                back,
            )
            out_edges.append(edge)
        return _Block(placement.width, placement.height, tuple(out_boxes), tuple(out_edges))

    # --- states as boxes ---

    def _state_box(self, state: State, raw: Mapping[str, Any]) -> tuple[Box, _Frame | None]:
        """The state's box at the origin, and for an open Parallel or Map its insides."""
        has_retry = bool(getattr(state, "retry", ()))
        nested = isinstance(state, ParallelState | MapState)
        is_open = nested and state.name not in self.collapsed
        details: list[str] = []
        if isinstance(state, MapState):
            details.append("Map (distributed)" if state.mode == "DISTRIBUTED" else "Map")
            details.extend(_map_details(raw))
        elif isinstance(state, ParallelState):
            details.append("Parallel")
            if not is_open:
                count = len(state.branches)
                details.append(f"{count} branch" if count == 1 else f"{count} branches")
        else:
            details.append(state.type)
        if has_retry:
            details.append("retry")
        title = visible(state.name)
        details = [visible(detail) for detail in details]
        text_width = self._text_width(title, " · ".join(details))
        box = Box(
            state.name,
            "frame" if is_open else "state",
            0,
            0,
            _odd(text_width + 4),
            BOX_HEIGHT,
            title,
            tuple(details),
            state.type,
            collapsed=nested and not is_open,
            has_retry=has_retry,
            has_findings=state.name in self.marked,
        )
        if not is_open:
            return box, None
        return self._frame(state, box, text_width)

    def _text_width(self, title: str, subtitle: str) -> int:
        limit = cell_len(title) if title in self.whole else self.max_label
        return max(
            min(cell_len(title), limit) + 2,  # room for a status symbol
            min(cell_len(subtitle), self.max_label + _SUBTITLE_EXTRA),
        )

    def _frame(self, state: State, box: Box, text_width: int) -> tuple[Box, _Frame]:
        """A frame around the state's branches side by side, or its processor."""
        if isinstance(state, ParallelState):
            machines = list(state.branches)
        else:
            assert isinstance(state, MapState)
            machines = [state.processor]
        self.depth += 1
        try:
            blocks = [self.block(machine, top=False) for machine in machines]
        finally:
            self.depth -= 1
        if len(blocks) > 1 and self.depth < self.stack_depth:
            return self._stacked_frame(box, text_width, blocks)
        inner_width = sum(b.width for b in blocks) + 3 * max(0, len(blocks) - 1)
        inner_height = max((b.height for b in blocks), default=0)
        width = _odd(max(inner_width, text_width) + 4)
        x = (width - inner_width) // 2
        offsets: list[Point] = []
        dividers: list[int] = []
        for i, block in enumerate(blocks):
            offsets.append((x, FRAME_HEADER + 1))
            x += block.width
            if i < len(blocks) - 1:
                dividers.append(x + 1)
                x += 3
        # header, a blank row, the branches, a blank row, the bottom border
        height = FRAME_HEADER + 1 + inner_height + 1 + 1
        framed = replace(
            box, width=width, height=height, header_height=FRAME_HEADER, dividers=tuple(dividers)
        )
        return framed, _Frame(blocks, offsets)

    def _stacked_frame(self, box: Box, text_width: int, blocks: list[_Block]) -> tuple[Box, _Frame]:
        """A Parallel's branches one above the other, a dashed line between each two."""
        inner_width = max(b.width for b in blocks)
        width = _odd(max(inner_width, text_width) + 4)
        offsets: list[Point] = []
        rows: list[int] = []
        y = FRAME_HEADER + 1
        for i, block in enumerate(blocks):
            offsets.append(((width - block.width) // 2, y))
            y += block.height
            if i < len(blocks) - 1:
                rows.append(y + 1)
                y += 3
        height = y + 1 + 1  # a blank row, the bottom border
        framed = replace(
            box,
            width=width,
            height=height,
            header_height=FRAME_HEADER,
            row_dividers=tuple(rows),
        )
        return framed, _Frame(blocks, offsets)

    # --- transitions as edges ---

    def _connect_state(self, graph: _Graph, state: State, states: Mapping[str, State]) -> None:
        name = state.name
        labelled = _edge_labels(state)
        for text, (kind, target) in labelled[: len(labelled) - len(getattr(state, "catch", ()))]:
            if target in states:
                graph.connect(name, target, kind, text, self._label_width(text))
        if state.next and state.next in states:
            graph.connect(name, state.next, "next")
        for text, (kind, target) in labelled[len(labelled) - len(getattr(state, "catch", ())) :]:
            if target in states:
                graph.connect(name, target, kind, text, self._label_width(text))

    def _label_width(self, text: str) -> int:
        if text in self.whole:
            return cell_len(text)
        return min(cell_len(text), self.max_label)


def _edge_labels(state: State) -> list[tuple[str, tuple[EdgeKind, str]]]:
    """(label, (kind, target)) of a state's labelled edges: Choice rules and Default, then
    catchers, in that order."""
    labelled: list[tuple[str, tuple[EdgeKind, str]]] = []
    if isinstance(state, ChoiceState):
        for i, branch in enumerate(state.choices):
            text = _condition_text(branch.text) or f"rule {i + 1}"
            labelled.append((visible(text), ("choice", branch.next)))
        if state.default:
            labelled.append(("Default", ("default", state.default)))
    for catcher in getattr(state, "catch", ()):
        text = ", ".join(catcher.error_equals) or "catch"
        labelled.append((visible(text), ("catch", catcher.next)))
    return labelled


def _map_details(raw: Mapping[str, Any]) -> list[str]:
    """The items and the concurrency of a Map, as its raw definition gives them."""
    details = []
    if isinstance(raw.get("ItemsPath"), str) and raw["ItemsPath"] != "$":
        details.append(f"items {raw['ItemsPath']}")
    elif isinstance(raw.get("Items"), str):
        details.append(f"items {_condition_text(raw['Items'])}")
    elif isinstance(raw.get("Items"), list):
        details.append(f"{len(raw['Items'])} items")
    elif isinstance(raw.get("ItemReader"), Mapping):
        resource = str(raw["ItemReader"].get("Resource", ""))
        details.append(f"items from {resource.rsplit(':', 1)[-1] or 'reader'}")
    concurrency = raw.get("MaxConcurrency")
    if isinstance(concurrency, int) and not isinstance(concurrency, bool) and concurrency > 0:
        details.append(f"max {concurrency}")
    elif isinstance(concurrency, str):
        details.append(f"max {_condition_text(concurrency)}")
    elif isinstance(raw.get("MaxConcurrencyPath"), str):
        details.append(f"max {raw['MaxConcurrencyPath']}")
    return details


def _condition_text(text: str) -> str:
    """A JSONata `{% expression %}` shown as its expression; whitespace runs made single."""
    stripped = text.strip()
    if stripped.startswith("{%") and stripped.endswith("%}"):
        stripped = stripped[2:-2].strip()
    return " ".join(stripped.split())


def _odd(width: int) -> int:
    """Boxes have an odd width, so their middle column is exact and lines meet it straight."""
    return width | 1


def _moved_box(box: Box, dx: int, dy: int, parent: str | None) -> Box:
    return replace(
        box,
        x=box.x + dx,
        y=box.y + dy,
        parent=box.parent if box.parent is not None else parent,
        dividers=tuple(d + dx for d in box.dividers),
        row_dividers=tuple(r + dy for r in box.row_dividers),
    )


def _moved_edge(edge: Edge, dx: int, dy: int) -> Edge:
    label_at = edge.label_at
    if label_at is not None:
        label_at = (label_at[0] + dx, label_at[1] + dy)
    points = tuple((x + dx, y + dy) for x, y in edge.points)
    return replace(edge, points=points, label_at=label_at)
