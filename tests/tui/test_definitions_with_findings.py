"""The app draws a local definition that has findings, its states that hold them marked."""

from __future__ import annotations

import json
from pathlib import Path

from sfntui.backends.local import LocalBackend
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup
from sfntui.tui.app import make_app
from tests.tui.steps import graph, machine_shown, wait_until

DEFINITION = {
    "StartAt": "Fetch Status",
    "States": {
        "Fetch Status": {"Type": "Pass", "InputPath": "$$$broken", "Next": "Report"},
        "Report": {"Type": "Pass", "End": True},
    },
}


async def test_a_definition_with_findings_is_drawn_and_marked(tmp_path: Path) -> None:
    (tmp_path / "polling.asl.json").write_text(json.dumps(DEFINITION))
    backend = LocalBackend(
        [tmp_path],
        setup=lambda _name: RunSetup(virtual_clock=True, clock_start=DEFAULT_START),
    )
    app = make_app(backend, examples_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: machine_shown(pilot), "a machine shown")
        drawing = graph(pilot).drawing.plain()
        lines = drawing.splitlines()
        assert "Fetch Status" in drawing and "Report" in drawing
        title_rows = [i for i, line in enumerate(lines) if "Fetch Status" in line]
        assert "┌ ! " in lines[title_rows[0] - 1]
        report_row = next(i for i, line in enumerate(lines) if " Report " in line)
        assert "!" not in lines[report_row - 1]
