"""The graph widget driven with Pilot: panning, the cursor, clicks, collapsing a frame."""

from __future__ import annotations

import json
from pathlib import Path

from rich.style import Style
from textual.app import App, ComposeResult

from sfntui.asl.definition import load_state_machine
from sfntui.graph import GraphStatus
from sfntui.tui.widgets.graph import GraphView, strip_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order.asl.json"


class GraphApp(App[None]):
    def __init__(self, status: GraphStatus | None = None) -> None:
        super().__init__()
        self.machine = load_state_machine(EXAMPLE).machine
        self.status = status
        self.selections: list[str] = []

    def compose(self) -> ComposeResult:
        yield GraphView(self.machine, self.status, id="graph")

    def on_graph_view_state_selected(self, message: GraphView.StateSelected) -> None:
        self.selections.append(message.state)


def screen_text(view: GraphView) -> str:
    return "\n".join(strip_text(view.render_line(y)) for y in range(view.size.height))


def screen_cells(view: GraphView) -> list[list[tuple[str, Style | None]]]:
    """Each cell on screen: its character and its style."""
    rows = view.render_line
    return [[(c, s.style) for s in rows(y) for c in s.text] for y in range(view.size.height)]


async def test_the_view_shows_the_top_of_the_graph() -> None:
    app = GraphApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(GraphView)
        await pilot.pause()
        text = screen_text(view)
        assert "Start" in text and "ValidateOrder" in text
        assert "Notify" not in text  # further down: not rendered until scrolled to


async def test_tab_moves_the_cursor_and_scrolls_to_the_state() -> None:
    app = GraphApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(GraphView)
        await pilot.press("tab")
        assert view.selected == "ValidateOrder"
        for _ in range(6):  # ChargeCard, RejectOrder, WaitForSettlement, ShipItems, PackItem
            await pilot.press("tab")
        await pilot.pause()
        assert view.selected == "Notify"
        assert "Notify" in screen_text(view)
        assert app.selections[:3] == ["ValidateOrder", "ChargeCard", "RejectOrder"]
        await pilot.press("shift+tab")
        assert view.selected == "PackItem"


async def test_collapsing_a_map_frame_hides_its_processor() -> None:
    app = GraphApp()
    async with app.run_test(size=(80, 60)) as pilot:
        view = app.query_one(GraphView)
        view.selected = "ShipItems"
        await pilot.pause()
        tall = view.virtual_size.height
        assert "PackItem" in view.drawing.plain()
        await pilot.press("enter")
        assert "PackItem" not in view.drawing.plain()
        assert view.virtual_size.height < tall
        await pilot.press("enter")
        assert "PackItem" in view.drawing.plain()


async def test_a_click_selects_the_innermost_state() -> None:
    app = GraphApp()
    async with app.run_test(size=(100, 80)) as pilot:
        view = app.query_one(GraphView)
        box = view.box_of("PackItem")
        assert box is not None
        await pilot.click(GraphView, offset=(box.x + 2, box.y + 1))
        assert view.selected == "PackItem"


async def test_panning_moves_the_view() -> None:
    app = GraphApp()
    async with app.run_test(size=(30, 10)) as pilot:
        view = app.query_one(GraphView)
        await pilot.press("right", "right", "down")
        assert (view.scroll_x, view.scroll_y) == (8, 2)


async def test_status_colours_come_with_symbols() -> None:
    status = GraphStatus(states={"ValidateOrder": "SUCCEEDED", "ChargeCard": "FAILED"})
    app = GraphApp(status)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app.query_one(GraphView))
        assert "✓ ValidateOrder" in text
        assert "✗ ChargeCard" in text or "✕ ChargeCard" in text


async def test_new_run_data_restyles_the_view_as_if_drawn_with_it() -> None:
    first = GraphStatus(states={"ValidateOrder": "SUCCEEDED"}, breakpoints=frozenset({"Notify"}))
    then = GraphStatus(
        states={"ValidateOrder": "SUCCEEDED", "ChargeCard": "FAILED", "RejectOrder": "CAUGHT"},
        breakpoints=frozenset({"ChargeCard"}),
    )
    app = GraphApp(first)
    async with app.run_test(size=(80, 40)) as pilot:
        view = app.query_one(GraphView)
        await pilot.pause()
        drawing = view.drawing
        view.update_status(then)
        await pilot.pause()
        assert view.drawing is drawing  # restyled in place: not laid out or drawn again
        restyled = screen_cells(view)
    fresh = GraphApp(then)
    async with fresh.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        view = fresh.query_one(GraphView)
        assert restyled == screen_cells(view)
        assert "✗ ChargeCard" in screen_text(view) or "✕ ChargeCard" in screen_text(view)


def test_the_graph_view_snapshot(snap_compare) -> None:  # noqa: ANN001 - the plugin's fixture
    status = GraphStatus(
        states={
            "ValidateOrder": "SUCCEEDED",
            "ChargeCard": "SUCCEEDED",
            "WaitForSettlement": "RUNNING",
        }
    )
    assert snap_compare(GraphApp(status), terminal_size=(80, 40))


def test_the_example_definition_is_valid_json() -> None:
    assert json.loads(EXAMPLE.read_text())["StartAt"] == "ValidateOrder"
