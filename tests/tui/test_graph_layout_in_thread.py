"""A graph of thousands of states is laid out in a thread: the screen answers meanwhile."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding

from sfntui.asl.parse import parse_state_machine
from sfntui.tui.widgets.graph import LAYOUT_GROUP, GraphView, strip_text
from tests.tui.steps import wait_for_workers

BRANCHES = 600


def wide_choice(branches: int) -> dict[str, Any]:
    states: dict[str, Any] = {
        "Pick": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericEquals": i, "Next": f"Branch{i:04d}"}
                for i in range(branches)
            ],
            "Default": "Otherwise",
        },
        "Otherwise": {"Type": "Succeed"},
    }
    for i in range(branches):
        states[f"Branch{i:04d}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "Pick", "States": states}


class WideGraphApp(App[None]):
    BINDINGS = [Binding("x", "note_key", "Note the key")]

    def __init__(self) -> None:
        super().__init__()
        self.machine = parse_state_machine(wide_choice(BRANCHES))
        self.answered_while_drawing: list[bool] = []

    def compose(self) -> ComposeResult:
        yield GraphView(self.machine, id="graph")

    def action_note_key(self) -> None:
        self.answered_while_drawing.append(not self.query_one(GraphView).is_drawn)


async def test_a_large_graph_is_drawn_off_the_ui_loop_and_keys_are_answered_meanwhile() -> None:
    app = WideGraphApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(GraphView)
        await pilot.press("x")
        assert app.answered_while_drawing == [True]
        assert "Pick" not in strip_text(view.render_line(0)) + strip_text(view.render_line(3))
        await wait_for_workers(pilot, LAYOUT_GROUP)
        await pilot.pause()
        assert view.is_drawn
        assert len(view.state_boxes) == BRANCHES + 2
        await pilot.press("tab")  # the cursor to the first state, scrolled into view
        await pilot.pause()
        assert view.selected == "Pick"
        text = "\n".join(strip_text(view.render_line(y)) for y in range(view.size.height))
        assert "Pick" in text
