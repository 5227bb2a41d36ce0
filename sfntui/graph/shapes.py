"""What a layout produces: positioned boxes and routed edges on a character grid.

Coordinates are cells: `x` counts columns from the left, `y` rows from the top. A box covers
columns `x .. x + width - 1` and rows `y .. y + height - 1`, its border included. An edge's
`points` are the corners of an orthogonal line: it starts in the cell just below its source's
bottom border and ends in the cell just above its target's top border (where the arrowhead
goes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Point = tuple[int, int]

#: The keys of the Start and End markers (a state name never holds a NUL).
START_KEY = "\x00start"
END_KEY = "\x00end"

BoxKind = Literal["state", "frame", "start", "end"]
EdgeKind = Literal["next", "choice", "default", "catch", "start", "end"]


@dataclass(frozen=True, slots=True)
class Box:
    #: The state's name, or START_KEY / END_KEY for the markers.
    key: str
    #: "state": an ordinary box (a collapsed Parallel or Map too); "frame": a Parallel or Map
    #: drawn open, its branches or processor inside; "start" / "end": the markers.
    kind: BoxKind
    x: int
    y: int
    width: int
    height: int
    #: The first line inside the box: the state's name (the renderer shortens it to fit).
    title: str
    #: The second line, in parts: the type and its markers ("Task", "retry"), or for a Map
    #: ("Map", "items $.xs", "max 5"). Drawn joined by " · ".
    details: tuple[str, ...] = ()
    state_type: str | None = None
    #: The frame this box sits in (its key), None at the top level.
    parent: str | None = None
    #: Frames: rows from the top border to the line under the header, inclusive.
    header_height: int = 0
    #: Parallel frames: the columns of the lines between branches.
    dividers: tuple[int, ...] = ()
    #: Parallel frames whose branches are stacked (to fit a width): the rows between them.
    row_dividers: tuple[int, ...] = ()
    #: A Parallel or Map drawn as one box.
    collapsed: bool = False
    has_retry: bool = False
    #: The state holds validator findings (the definition was drawn despite them).
    has_findings: bool = False

    @property
    def subtitle(self) -> str:
        return " · ".join(self.details)

    @property
    def right(self) -> int:
        """The first column right of the box."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """The first row below the box."""
        return self.y + self.height

    @property
    def center(self) -> int:
        """The column where edges enter and leave."""
        return self.x + self.width // 2

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    points: tuple[Point, ...]
    #: A Choice rule's condition (shortened by the renderer), "Default", or a Catch's errors.
    label: str = ""
    #: The first cell of the label; its width is `label_width`.
    label_at: Point | None = None
    label_width: int = 0
    #: A loop: drawn up the right-hand side, back to an earlier state.
    back: bool = False

    @property
    def dashed(self) -> bool:
        return self.kind == "catch"


@dataclass(frozen=True)
class GraphLayout:
    width: int
    height: int
    #: Every box; a frame comes before the boxes inside it.
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    #: The widest a title or an edge label was allowed to be.
    max_label: int = field(default=24)

    @cached_property
    def _by_key(self) -> dict[str, Box]:
        return {box.key: box for box in self.boxes}

    def box(self, key: str) -> Box:
        """The box of a state (or of START_KEY / END_KEY)."""
        return self._by_key[key]

    def find(self, key: str) -> Box | None:
        return self._by_key.get(key)

    def box_at(self, x: int, y: int) -> Box | None:
        """The innermost box covering a cell: what a click or the cursor selects."""
        found = None
        for box in self.boxes:
            if box.contains(x, y):
                found = box  # frames come first, so the last hit is the innermost
        return found
