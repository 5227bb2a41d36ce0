"""How the Line-API widgets render: each keeps its own cache of rendered rows (and is freed
when it goes), and takes its colours and emphasis from CSS component classes, so a
stylesheet can change them."""

from __future__ import annotations

import asyncio
import gc
import weakref
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.segment import Segment
from textual.app import App, ComposeResult

from sfntui.asl.definition import load_state_machine
from sfntui.history.projection import Projection
from sfntui.tui.widgets.event_log import EventLog
from sfntui.tui.widgets.graph import GraphView

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order.asl.json"
START = datetime(2024, 1, 1, tzinfo=UTC)


def history(types: list[str]) -> list[dict[str, Any]]:
    return [
        {"id": i, "previousEventId": i - 1, "type": kind, "timestamp": START + timedelta(seconds=i)}
        for i, kind in enumerate(types, start=1)
    ]


EVENTS = history(["ExecutionStarted", "PassStateEntered", "ExecutionFailed"])


class LogsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield EventLog(id="first")
        yield EventLog(id="second")


def fill(log: EventLog, events: list[dict[str, Any]]) -> None:
    log.add_events(events, Projection(events))


def styles_of(log: EventLog, y: int, text: str) -> list[Any]:
    """The styles of the segments of screen line `y` that hold `text`."""
    segments = [s for s in log.render_line(y) if isinstance(s, Segment)]
    return [s.style for s in segments if text in s.text]


async def test_each_event_log_keeps_its_own_rendered_rows() -> None:
    app = LogsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        first, second = app.query_one("#first", EventLog), app.query_one("#second", EventLog)
        fill(first, EVENTS)
        fill(second, EVENTS[:1])
        await pilot.pause()
        first_rows = [first.render_line(y) for y in range(4)]
        second.render_line(1)

        fill(second, EVENTS[1:])  # the second log changes: the first's rows stay cached
        assert [first.render_line(y) for y in range(4)] == first_rows
        assert all(
            a is b for a, b in zip(first_rows, map(first.render_line, range(4)), strict=True)
        )
        assert "ExecutionFailed" in "".join(s.text for s in second.render_line(3))


async def run_and_render() -> list[weakref.ref[Any]]:
    """Run an app whose event log and graph render rows; weak references to the three."""
    app = LogsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one("#first", EventLog)
        fill(log, EVENTS)
        graph = GraphView(load_state_machine(EXAMPLE).machine)
        await app.mount(graph)
        await pilot.pause()
        for y in range(4):
            log.render_line(y)
            graph.render_line(y)
        return [weakref.ref(log), weakref.ref(graph), weakref.ref(app)]


async def test_a_widget_is_freed_with_its_app_and_its_cache() -> None:
    # A cache shared by the class (functools.lru_cache on a method) would keep both alive.
    # The app runs in a task of its own: Textual leaves it in the context it ran in.
    gone = await asyncio.create_task(run_and_render())
    gc.collect()

    assert [ref() for ref in gone] == [None, None, None]


class RestyledApp(App[None]):
    CSS = """
    EventLog > .event-log--cursor { text-style: underline; }
    EventLog > .event-log--failure { color: ansi_magenta; text-style: italic; }
    GraphView > .graph-view--cursor { text-style: underline; }
    """

    def compose(self) -> ComposeResult:
        yield EventLog(id="log")
        yield GraphView(load_state_machine(EXAMPLE).machine, id="graph")


async def test_the_app_stylesheet_restyles_the_cursor_and_the_event_types() -> None:
    app = RestyledApp()
    async with app.run_test(size=(100, 40)) as pilot:
        log = app.query_one(EventLog)
        fill(log, EVENTS)
        log.show_event(2)
        await pilot.pause()

        [cursor_style] = styles_of(log, 2, "PassStateEntered")
        [failure_style] = styles_of(log, 3, "ExecutionFailed")
        assert cursor_style.underline and not cursor_style.reverse
        assert failure_style.italic and not failure_style.bold
        assert failure_style.color is not None and failure_style.color.number == 5  # magenta

        graph = app.query_one(GraphView)
        graph.selected = "ValidateOrder"
        await pilot.pause()
        box = graph.box_of("ValidateOrder")
        assert box is not None
        title = [s for s in graph.render_line(box.y + 1) if "ValidateOrder" in s.text]
        assert title and all(s.style.underline and not s.style.reverse for s in title)
