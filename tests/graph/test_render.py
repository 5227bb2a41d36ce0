"""Rendering: colours as Rich styles and ANSI codes, fitting a width, and the line-by-line
`Drawing` the TUI widget reads."""

from __future__ import annotations

import re

from rich.console import Console
from rich.text import Text

from sfntui.asl.parse import parse_state_machine
from sfntui.graph import GraphStatus, draw, lay_out, render_rich, render_text

MACHINE = parse_state_machine(
    {
        "StartAt": "Validate the incoming order",
        "States": {
            "Validate the incoming order": {"Type": "Pass", "Next": "Charge"},
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Apologise"}],
                "Next": "Ship",
            },
            "Ship": {"Type": "Pass", "End": True},
            "Apologise": {"Type": "Fail"},
        },
    }
)
RUN = {"Validate the incoming order": "SUCCEEDED", "Charge": "FAILED"}
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


def _style_at(text: Text, needle: str) -> str:
    offset = text.plain.index(needle)
    return str(text.get_style_at_offset(Console(), offset))


def test_boxes_are_coloured_by_status() -> None:
    text = render_rich(MACHINE, status=RUN)
    assert "red" in _style_at(text, "✗ Charge")
    assert "green" in _style_at(text, "✓ Validate")
    assert "dim" in _style_at(text, "○ Ship")


def test_the_current_stop_is_reversed_and_a_breakpoint_red() -> None:
    text = render_rich(MACHINE, status=RUN, current="Charge", breakpoints={"Ship"})
    assert "reverse" in _style_at(text, "✗ Charge")
    line = next(line for line in text.split("\n") if "Ship" in line.plain)
    assert "red" in _style_at(line, "●")


def test_colour_as_ansi_codes_says_the_same_as_the_plain_text() -> None:
    coloured = render_text(MACHINE, status=RUN, color=True)
    assert "\x1b[" in coloured
    assert ANSI_CODE.sub("", coloured) == render_text(MACHINE, status=RUN)


def test_without_a_run_there_are_no_symbols_and_no_legend() -> None:
    text = render_text(MACHINE)
    assert "○" not in text and "✓" not in text
    assert "not reached" not in text
    assert "Charge" in text


def test_a_width_shortens_names_then_cuts_lines() -> None:
    wide = render_text(MACHINE)
    assert "Validate the incoming order" in wide
    narrow = render_text(MACHINE, width=30)
    assert "Validate the incoming order" not in narrow
    assert "Valida… order" in narrow  # cut in the middle, fitted to a narrower box
    assert max(len(line) for line in narrow.splitlines()) <= 30
    cut = render_text(MACHINE, width=20, status=RUN, color=True)
    assert max(len(ANSI_CODE.sub("", line)) for line in cut.splitlines()) <= 20


def test_a_projection_colours_the_graph_through_its_adapter() -> None:
    from sfntui.history.projection import Projection

    events = [
        {"id": 1, "previousEventId": 0, "type": "ExecutionStarted", "timestamp": 0},
        {
            "id": 2,
            "previousEventId": 1,
            "type": "PassStateEntered",
            "timestamp": 0,
            "stateEnteredEventDetails": {"name": "Validate the incoming order", "input": "{}"},
        },
        {
            "id": 3,
            "previousEventId": 2,
            "type": "PassStateExited",
            "timestamp": 0,
            "stateExitedEventDetails": {"name": "Validate the incoming order", "output": "{}"},
        },
    ]
    text = render_text(MACHINE, projection=Projection(events))
    assert "✓ Validate" in text and "○ Charge" in text
    assert "✓ succeeded  ○ not reached" in text


def test_a_drawing_gives_each_line_as_plain_and_rich_text() -> None:
    laid_out = lay_out(MACHINE)
    drawing = draw(laid_out, GraphStatus(RUN))
    assert drawing.width >= laid_out.width
    assert drawing.height == laid_out.height + drawing.legend_rows
    rows = drawing.plain().split("\n")
    charge = laid_out.box("Charge")
    title_row = charge.y + 1
    assert drawing.line(title_row).rstrip() == rows[title_row]
    line = drawing.rich_line(title_row)
    assert line.plain == drawing.line(title_row)
    assert "red" in _style_at(line, "✗ Charge")
    assert drawing.statuses_shown == ("SUCCEEDED", "FAILED", "NOT_REACHED")


def test_wide_characters_in_names_keep_the_box_square() -> None:
    machine = parse_state_machine({"StartAt": "注文", "States": {"注文": {"Type": "Succeed"}}})
    lines = render_text(machine).split("\n")
    box_lines = [line for line in lines if "注文" in line or "Succeed" in line]
    top = next(line for line in lines if "┌" in line)
    from rich.cells import cell_len

    assert {cell_len(line.rstrip()) for line in box_lines} == {cell_len(top.rstrip())}
