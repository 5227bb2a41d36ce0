"""`sfntui graph`: the drawing of a definition, coloured by an exported history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "order.asl.json")
INPUT = str(Path(__file__).resolve().parents[1] / "examples" / "order.input.json")


def test_graph_draws_every_state(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", EXAMPLE, "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    for name in ("ValidateOrder", "ChargeCard", "ShipItems", "PackItem", "Email", "RejectOrder"):
        assert name in drawing
    assert "┌" in drawing


def test_graph_in_ascii_uses_no_box_drawing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", EXAMPLE, "--ascii", "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    assert "ChargeCard" in drawing
    assert all(ord(ch) < 128 for ch in drawing)


def test_graph_marks_states_from_an_exported_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["run", EXAMPLE, "--input-file", INPUT, "--virtual-clock", "--json", "--history"]) == 0
    )
    events = json.loads(capsys.readouterr().out)["events"]
    history = tmp_path / "history.json"
    history.write_text(json.dumps({"events": events}))
    assert main(["graph", EXAMPLE, "--execution", str(history), "--color", "never"]) == 0
    drawing = capsys.readouterr().out
    assert "✓ ChargeCard" in drawing
    assert "○ RejectOrder" in drawing


def test_a_history_file_that_is_not_json_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["graph", EXAMPLE, "--execution", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sfntui: ") and err.count("\n") == 1


def test_width_fits_the_drawing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", EXAMPLE, "--width", "40", "--color", "never"]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 40
