"""The characters the graph is drawn with: box drawing, or plain ASCII for terminals and
files that cannot show it. Every status has a symbol as well as a colour, so the drawing
reads without colour."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sfntui.graph.status import (
    ABORTED,
    CAUGHT,
    FAILED,
    NOT_REACHED,
    RETRIED,
    RUNNING,
    SUCCEEDED,
)

# Line directions out of a cell, combined as bits.
UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8


@dataclass(frozen=True)
class Glyphs:
    #: Corners and lines of a box: top-left, top-right, bottom-left, bottom-right, -, |.
    box: str
    #: The same for the box the debugger stopped at.
    current: str
    #: The same for the Start and End markers.
    marker: str
    #: A frame's line under its header: left end, right end, the line.
    separator: str
    #: The same in the frame the debugger stopped at.
    current_separator: str
    #: Lines by their directions (a bit set of UP, DOWN, LEFT, RIGHT).
    lines: Mapping[int, str]
    dashed_vertical: str
    dashed_horizontal: str
    arrow: str
    #: Where an edge leaves a box's bottom border.
    port: str
    #: Between the branches of a Parallel.
    divider: str
    breakpoint: str
    #: On the top border of a state that holds validator findings.
    finding: str
    ellipsis: str
    #: Between the parts of a box's second line: "Task · retry".
    joiner: str
    status: Mapping[str, str]


def _lines(
    vertical: str, horizontal: str, corners: str, tees: str, cross: str
) -> Mapping[int, str]:
    down_right, down_left, up_right, up_left = tuple(corners)
    right_tee, left_tee, down_tee, up_tee = tuple(tees)
    table = {
        UP: vertical,
        DOWN: vertical,
        UP | DOWN: vertical,
        LEFT: horizontal,
        RIGHT: horizontal,
        LEFT | RIGHT: horizontal,
        DOWN | RIGHT: down_right,
        DOWN | LEFT: down_left,
        UP | RIGHT: up_right,
        UP | LEFT: up_left,
        UP | DOWN | RIGHT: right_tee,
        UP | DOWN | LEFT: left_tee,
        DOWN | LEFT | RIGHT: down_tee,
        UP | LEFT | RIGHT: up_tee,
        UP | DOWN | LEFT | RIGHT: cross,
    }
    return MappingProxyType(table)


UNICODE = Glyphs(
    box="┌┐└┘─│",
    current="╔╗╚╝═║",
    marker="╭╮╰╯─│",
    separator="├┤╌",
    current_separator="╟╢╌",
    lines=_lines("│", "─", "╭╮╰╯", "├┤┬┴", "┼"),
    dashed_vertical="╎",
    dashed_horizontal="╌",
    arrow="▼",
    port="┬",
    divider="╎",
    breakpoint="●",
    finding="!",
    ellipsis="…",
    joiner=" · ",
    status=MappingProxyType(
        {
            SUCCEEDED: "✓",
            FAILED: "✗",
            CAUGHT: "↪",
            RETRIED: "↻",
            RUNNING: "◐",
            ABORTED: "⊘",
            NOT_REACHED: "○",
        }
    ),
)

ASCII = Glyphs(
    box="++++-|",
    current="####=#",
    marker="..''-|",
    separator="++-",
    current_separator="##-",
    lines=_lines("|", "-", "++++", "++++", "+"),
    dashed_vertical=":",
    dashed_horizontal=".",
    arrow="v",
    port="+",
    divider=":",
    breakpoint="*",
    finding="!",
    ellipsis="..",
    joiner=" - ",
    status=MappingProxyType(
        {
            SUCCEEDED: "+",
            FAILED: "x",
            CAUGHT: "!",
            RETRIED: "r",
            RUNNING: "~",
            ABORTED: "-",
            NOT_REACHED: ".",
        }
    ),
)

#: Colours by status (Rich styles, from the 16 standard colours so any terminal shows them).
STATUS_STYLES: Mapping[str, str] = MappingProxyType(
    {
        SUCCEEDED: "green",
        FAILED: "bold red",
        CAUGHT: "yellow",
        RETRIED: "magenta",
        RUNNING: "bold cyan",
        ABORTED: "bright_black",
        NOT_REACHED: "dim",
    }
)

STATUS_WORDS: Mapping[str, str] = MappingProxyType(
    {
        SUCCEEDED: "succeeded",
        FAILED: "failed",
        CAUGHT: "caught",
        RETRIED: "retried",
        RUNNING: "running",
        ABORTED: "aborted",
        NOT_REACHED: "not reached",
    }
)
