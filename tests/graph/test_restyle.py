"""`Drawing.restyle`: a drawing brought to a new status in place reads, cell by cell and style
by style, as the drawing made for that status from scratch; only the changed boxes' rows move."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sfntui.asl.parse import parse_state_machine
from sfntui.graph import Drawing, GraphStatus, draw, lay_out
from tests.graph.test_drawings import CATCH, CHOICE, LOOP, MAP, PARALLEL

ORDER = json.loads((Path(__file__).parents[2] / "examples" / "order.asl.json").read_text())
CONSOLE = Console()


def cells(drawing: Drawing) -> list[list[tuple[str, str]]]:
    """Every cell: its character and the style it ends up with (blank cells at the right of
    a row left out: a restyled drawing keeps the width of its widest legend)."""
    rows = []
    for y in range(drawing.height):
        text = drawing.rich_line(y)
        row = [
            (char, str(text.get_style_at_offset(CONSOLE, i))) for i, char in enumerate(text.plain)
        ]
        while row and row[-1] == (" ", "none"):
            row.pop()
        rows.append(row)
    return rows


def statuses(names: list[str], maps: list[str]) -> list[GraphStatus]:
    """A run going on: nothing, a first stop, states done one by one, a failure, breakpoints
    set and taken away, Map counts growing, a finding; and back to nothing."""
    first, *rest = names
    done = {first: "SUCCEEDED"}
    counts = {name: {"SUCCEEDED": 1, "RUNNING": 2} for name in maps}
    more = {name: {"SUCCEEDED": 3, "FAILED": 1} for name in maps}
    last = rest[-1] if rest else first
    return [
        GraphStatus(),
        GraphStatus(breakpoints=frozenset({last})),
        GraphStatus({first: "RUNNING"}, counts, first, frozenset({last})),
        GraphStatus(done, more, last, frozenset({last})),
        GraphStatus({**done, last: "FAILED"}, more, last, frozenset()),
        GraphStatus({name: "CAUGHT" for name in names}, {}, None, frozenset(names[:2])),
        GraphStatus(done, counts, first, frozenset(), frozenset({last})),
        GraphStatus(),
    ]


MACHINES = {
    "catch": CATCH,
    "choice": CHOICE,
    "loop": LOOP,
    "map": MAP,
    "parallel": PARALLEL,
    "order": ORDER,
}


def _names(definition: dict[str, Any]) -> tuple[list[str], list[str]]:
    machine = parse_state_machine(definition)
    states = [state for state, _ in machine.walk()]
    return [s.name for s in states], [s.name for s in states if s.type == "Map"]


@pytest.mark.parametrize("name", sorted(MACHINES))
@pytest.mark.parametrize("plain", [False, True])
@pytest.mark.parametrize("collapsed", [False, True])
def test_restyled_drawing_reads_as_one_drawn_afresh(
    name: str, plain: bool, collapsed: bool
) -> None:
    definition = MACHINES[name]
    machine = parse_state_machine(definition)
    names, maps = _names(definition)
    frames = frozenset(s.name for s, _ in machine.walk() if s.type in ("Map", "Parallel"))
    layout = lay_out(machine, collapsed=frames if collapsed else frozenset())
    steps = statuses(names, maps)
    drawing = draw(layout, steps[0], ascii=plain)
    for status in steps[1:]:
        before = cells(drawing)
        changed = drawing.restyle(status)
        afresh = draw(layout, status, ascii=plain)
        assert cells(drawing) == cells(afresh), status
        assert drawing.width >= afresh.width
        assert drawing.legend_rows == afresh.legend_rows
        assert drawing.statuses_shown == afresh.statuses_shown
        now = cells(drawing)  # rows left out of the answer did not change
        for y in range(min(len(before), len(now))):
            if y not in changed:
                assert before[y] == now[y], (status, y)


def test_a_step_redraws_only_the_boxes_it_changed() -> None:
    chain = {
        "StartAt": "S0",
        "States": {
            f"S{i}": {"Type": "Pass", **({"Next": f"S{i + 1}"} if i < 29 else {"End": True})}
            for i in range(30)
        },
    }
    layout = lay_out(parse_state_machine(chain))
    done = {f"S{i}": "SUCCEEDED" for i in range(10)}
    drawing = draw(layout, GraphStatus(done, {}, "S10", frozenset({"S20"})))
    changed = drawing.restyle(
        GraphStatus({**done, "S10": "SUCCEEDED"}, {}, "S11", frozenset({"S20"}))
    )
    assert changed == set(range(layout.box("S10").y, layout.box("S11").bottom)) - set(
        range(layout.box("S10").bottom, layout.box("S11").y)
    )
