"""Regenerate screenshots/*.svg from the real widgets, on the built-in examples.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App, ComposeResult

from sfntui.asl.definition import load_state_machine
from sfntui.engine.runner import RunSetup, run_local
from sfntui.graph import status_from_projection
from sfntui.history.projection import Projection
from sfntui.tui.widgets.graph import GraphView

ROOT = Path(__file__).resolve().parents[1]


class GraphScreenshot(App[None]):
    TITLE = "sfntui: examples/order.asl.json"

    def __init__(self, view: GraphView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


async def graph_of_a_run() -> None:
    loaded = load_state_machine(ROOT / "examples" / "order.asl.json")
    order = (ROOT / "examples" / "order.input.json").read_text()
    import json

    execution, _ = await run_local(loaded.machine, json.loads(order), RunSetup(virtual_clock=True))
    status = status_from_projection(Projection(execution.history.events))
    app = GraphScreenshot(GraphView(loaded.machine, status))
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("tab", "tab")
        await pilot.pause()
        app.save_screenshot("graph-of-a-run.svg", str(ROOT / "screenshots"))


if __name__ == "__main__":
    (ROOT / "screenshots").mkdir(exist_ok=True)
    asyncio.run(graph_of_a_run())
    print("wrote", ", ".join(sorted(p.name for p in (ROOT / "screenshots").glob("*.svg"))))
