"""The layout's geometry: every conformance definition (recorded against AWS) lays out with
no two boxes overlapping, every edge running from the bottom of its source box to the top of
its target box, and no line or label crossing a box; and layouts are cached."""

from __future__ import annotations

import gc
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.model import StateMachine
from sfntui.asl.parse import parse_state_machine
from sfntui.graph import END_KEY, START_KEY, GraphLayout, lay_out
from sfntui.graph.shapes import Box, Point

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT.parent / "shared" / "conformance" / "cases").glob("*.json"))


def _cells(points: tuple[Point, ...]) -> list[Point]:
    cells = [points[0]]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        assert x0 == x1 or y0 == y1, f"a slanted segment {(x0, y0)} -> {(x1, y1)}"
        dx, dy = (x1 > x0) - (x1 < x0), (y1 > y0) - (y1 < y0)
        x, y = x0, y0
        while (x, y) != (x1, y1):
            x, y = x + dx, y + dy
            cells.append((x, y))
    return cells


def _frames_around(laid_out: GraphLayout, box: Box) -> set[str]:
    found = set()
    parent = box.parent
    while parent is not None:
        found.add(parent)
        parent = laid_out.box(parent).parent
    return found


def assert_well_formed(machine: StateMachine, laid_out: GraphLayout) -> None:
    """No overlapping boxes, edges from box to box, nothing drawn across a box."""
    names = sorted(state.name for state, _chain in machine.walk())
    state_boxes = [b for b in laid_out.boxes if b.kind in ("state", "frame")]
    assert sorted(b.key for b in state_boxes) == names
    assert [b.kind for b in laid_out.boxes].count("start") == 1
    boxes = laid_out.boxes
    for box in boxes:
        assert box.x >= 0 and box.right <= laid_out.width
        assert box.y >= 0 and box.bottom <= laid_out.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom
            if not overlap:
                continue
            outer, inner = (a, b) if a.key in _frames_around(laid_out, b) else (b, a)
            assert outer.key in _frames_around(laid_out, inner), f"{a.key} overlaps {b.key}"
            assert outer.kind == "frame"
            # inside the frame's body: below its header, within its borders
            assert outer.x < inner.x and inner.right < outer.right
            assert outer.y + outer.header_height <= inner.y and inner.bottom < outer.bottom
    for edge in laid_out.edges:
        source, target = laid_out.box(edge.source), laid_out.box(edge.target)
        (x0, y0), (x1, y1) = edge.points[0], edge.points[-1]
        assert y0 == source.bottom and source.x <= x0 < source.right, edge
        assert y1 == target.y - 1 and target.x <= x1 < target.right, edge
        enclosing = _frames_around(laid_out, source)
        assert enclosing == _frames_around(laid_out, target)
        cells = _cells(edge.points)
        if edge.label_at is not None:
            lx, ly = edge.label_at
            cells += [(lx + i, ly) for i in range(edge.label_width)]
        for box in boxes:
            if box.key in enclosing:
                assert all(box.contains(x, y) for x, y in cells), f"{edge} leaves {box.key}"
            else:
                assert not any(box.contains(x, y) for x, y in cells), f"{edge} crosses {box.key}"


def test_the_conformance_corpus_is_there() -> None:
    assert len(CASES) > 700


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_conformance_definition_lays_out_cleanly(path: Path) -> None:
    machine = parse_state_machine(json.loads(path.read_text())["definition"])
    assert_well_formed(machine, lay_out(machine))


def _benchmark_definition() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("graph_benchmark", ROOT / "benchmarks/graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_definition()


def test_the_large_benchmark_machine_lays_out_cleanly() -> None:
    machine = parse_state_machine(_benchmark_definition())
    assert len(machine.walk()) == 300
    laid_out = lay_out(machine)
    assert_well_formed(machine, laid_out)
    assert laid_out.width < 160  # long lines into a shared handler are bundled, not spread


def test_narrower_labels_give_a_narrower_layout_of_the_same_shape() -> None:
    machine = parse_state_machine(_benchmark_definition())
    narrow = lay_out(machine, max_label=8)
    assert_well_formed(machine, narrow)
    assert narrow.width < lay_out(machine).width


def _machine() -> StateMachine:
    return parse_state_machine(
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Next": "B"},
                "B": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "C", "States": {"C": {"Type": "Pass", "End": True}}}],
                    "End": True,
                },
            },
        }
    )


def test_a_layout_is_cached_per_machine_and_per_definition() -> None:
    machine = _machine()
    first = lay_out(machine)
    assert lay_out(machine) is first
    assert lay_out(_machine()) is first  # the same definition parsed again
    assert lay_out(machine, max_label=8) is not first
    assert lay_out(machine, collapsed={"B"}) is not first


def test_a_cached_layout_does_not_keep_its_machine_alive() -> None:
    import weakref

    machine = _machine()
    lay_out(machine)
    ref = weakref.ref(machine)
    del machine
    gc.collect()
    assert ref() is None


def test_box_at_finds_the_innermost_box_and_markers_have_their_keys() -> None:
    laid_out = lay_out(_machine())
    frame, inner = laid_out.box("B"), laid_out.box("C")
    assert frame.kind == "frame" and inner.parent == "B"
    assert laid_out.box_at(inner.x + 1, inner.y + 1) is inner
    assert laid_out.box_at(frame.x + 1, frame.y + 1) is frame
    assert laid_out.box_at(laid_out.width + 5, 0) is None
    assert laid_out.box(START_KEY).kind == "start" and laid_out.box(END_KEY).kind == "end"


def test_a_collapsed_frame_is_an_ordinary_box_with_nothing_inside() -> None:
    laid_out = lay_out(_machine(), collapsed={"B"})
    box = laid_out.box("B")
    assert box.kind == "state" and box.collapsed
    assert laid_out.find("C") is None


def test_the_graph_package_never_loads_textual() -> None:
    probe = (
        "import sys; from sfntui.asl.parse import parse_state_machine; "
        "from sfntui.graph import render_rich, render_text; "
        "m = parse_state_machine({'StartAt': 'A', 'States': {'A': {'Type': 'Succeed'}}}); "
        "render_text(m, color=True); render_rich(m); "
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'textual' "
        "or n.startswith(('sfntui.tui', 'sfntui.engine', 'sfntui.aws'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
