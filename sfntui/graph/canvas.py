"""A grid of character cells with styled spans, turned into plain text or Rich `Text`.

A wide character (CJK, in a state name) takes two cells: the second holds "" so each row
still joins to a string as wide as the grid. Each style span remembers who drew it (`owner`,
a box's key while the box is drawn), so one box can be drawn again alone (`erase`).
"""

from __future__ import annotations

from rich.cells import get_character_cell_size
from rich.text import Span, Text


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.cells = [[" "] * width for _ in range(height)]
        #: Per row: (first cell, cell after the last, style, owner).
        self.spans: list[list[tuple[int, int, str, str | None]]] = [[] for _ in range(height)]
        self._irregular: set[int] = set()  # rows holding wide or zero-width characters
        #: Who the spans set from now on belong to (see `erase`).
        self.owner: str | None = None

    def set(self, x: int, y: int, char: str, style: str | None = None) -> None:
        """One single-cell character."""
        if 0 <= y < self.height and 0 <= x < self.width:
            self.cells[y][x] = char
            if style:
                self.spans[y].append((x, x + 1, style, self.owner))

    def put(self, x: int, y: int, text: str, style: str | None = None) -> int:
        """Text from (x, y) on; returns the cells it took. It is cut at the grid's edge."""
        if not 0 <= y < self.height:
            return 0
        row = self.cells[y]
        start = x
        for char in text:
            size = get_character_cell_size(char)
            if size == 1 and 0 <= x < self.width:
                row[x] = char
            elif size == 2 and 0 <= x < self.width - 1:
                row[x] = char
                row[x + 1] = ""
                self._irregular.add(y)
            elif size == 0 and 0 < x <= self.width:
                row[x - 1] += char
                self._irregular.add(y)
            x += size
        if style and x > start:
            self.spans[y].append((max(0, start), min(x, self.width), style, self.owner))
        return x - start

    def paint(self, x0: int, x1: int, y: int, style: str) -> None:
        """Style the cells x0 .. x1 - 1 of a row without changing them."""
        if 0 <= y < self.height and x1 > x0:
            self.spans[y].append((max(0, x0), min(x1, self.width), style, self.owner))

    def erase(self, owner: str, rows: range) -> None:
        """Forget the styles `owner` set on these rows (its box is about to be drawn again)."""
        for y in rows:
            if 0 <= y < self.height:
                self.spans[y] = [span for span in self.spans[y] if span[3] != owner]

    def blank(self, x0: int, x1: int, y: int) -> None:
        """Spaces in the cells x0 .. x1 - 1 of a row (their styles stay: see `erase`)."""
        if 0 <= y < self.height:
            row = self.cells[y]
            for x in range(max(0, x0), min(x1, self.width)):
                row[x] = " "

    def resize(self, width: int, height: int) -> None:
        """Blank rows added or dropped at the bottom; every row padded to a wider `width`
        (a grid never narrows here: the rows kept stay as they are)."""
        if width > self.width:
            pad = [" "] * (width - self.width)
            for row in self.cells:
                row.extend(pad)
            self.width = width
        del self.cells[height:]
        del self.spans[height:]
        self.cells += [[" "] * self.width for _ in range(height - len(self.cells))]
        self.spans += [[] for _ in range(height - len(self.spans))]
        self._irregular = {y for y in self._irregular if y < height}
        self.height = height

    def line(self, y: int) -> str:
        return "".join(self.cells[y])

    def plain(self) -> str:
        return "\n".join("".join(row).rstrip() for row in self.cells)

    def rich_line(self, y: int) -> Text:
        row = self.cells[y]
        text = "".join(row)
        if y in self._irregular:  # cell offsets -> string offsets
            offsets = [0]
            for cell in row:
                offsets.append(offsets[-1] + len(cell))
            spans = [Span(offsets[a], offsets[b], style) for a, b, style, _ in self.spans[y]]
        else:
            spans = [Span(a, b, style) for a, b, style, _ in self.spans[y]]
        return Text(text, spans=spans, no_wrap=True, overflow="crop", end="")

    def rich(self) -> Text:
        """Every row, as one Text with a newline between rows (trailing blanks removed)."""
        plain_rows: list[str] = []
        spans: list[Span] = []
        offset = 0
        for y in range(self.height):
            line = self.rich_line(y)
            kept = len(line.plain.rstrip())
            plain_rows.append(line.plain[:kept])
            for span in line.spans:
                if span.start < kept:
                    spans.append(
                        Span(offset + span.start, offset + min(span.end, kept), span.style)
                    )
            offset += kept + 1
        return Text("\n".join(plain_rows), spans=spans, no_wrap=True, overflow="crop", end="")
