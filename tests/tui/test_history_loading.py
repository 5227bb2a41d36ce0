"""An execution whose history arrives page by page: each page is drawn as it comes, a bar
counts the events loaded, and the keys answer meanwhile; and search in the event log."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from typing import Any

from textual.pilot import Pilot

from sfntui.backends import HistoryBatch
from sfntui.backends.protocol import Event, TroubleReport
from sfntui.tui.app import SfntuiApp, make_app
from sfntui.tui.screens.prompt import PromptScreen
from sfntui.tui.widgets.event_log import EventLog
from sfntui.tui.widgets.load_progress import LoadCount
from tests.tui.steps import (
    EXAMPLES,
    ExamplesBackend,
    execution_view,
    main_screen,
    run_order,
    sidebar,
    toasts,
    wait_for_workers,
    wait_until,
)

PAGE = 4


class PagedBackend(ExamplesBackend):
    """The examples; once `gate` is set, a history is handed out `PAGE` events at a time,
    the next page only when the test puts something in `gate`."""

    def __init__(self) -> None:
        super().__init__()
        self.gate: asyncio.Queue[None] | None = None

    async def follow(
        self, arn: str, *, on_trouble: TroubleReport | None = None
    ) -> AsyncIterator[list[Event]]:
        if self.gate is None:
            async for batch in super().follow(arn, on_trouble=on_trouble):
                yield batch
            return
        events = [event async for batch in super().follow(arn) for event in batch]
        for start in range(0, len(events), PAGE):
            if start:
                await self.gate.get()
            more = start + PAGE < len(events)
            yield HistoryBatch(events[start : start + PAGE], loading=more)


def paged_app() -> tuple[SfntuiApp, PagedBackend]:
    backend = PagedBackend()
    return make_app(backend, examples_dir=EXAMPLES), backend


async def open_paged(pilot: Pilot[Any], backend: PagedBackend) -> int:
    """Run `order`, then open its execution again with the history paged; the event count."""
    await run_order(pilot)
    view = execution_view(pilot)
    total = len(view.event_log.rows)
    backend.gate = asyncio.Queue()
    screen = main_screen(pilot)
    assert screen.machine is not None
    execution = sidebar(pilot).executions_of(screen.machine.arn)[0]
    screen.open_execution(execution, backend)
    await wait_until(pilot, lambda: len(view.event_log.rows) == PAGE, "the first page")
    return total


def marked_in_row(log: EventLog, row: int) -> str:
    """The characters of a row drawn in the search's match style."""
    y = row - int(log.scroll_y) + 1
    assert 1 <= y < log.size.height, "the row is on screen"
    match = log.get_component_rich_style("event-log--match", partial=True)
    strip = log.render_line(y)
    return "".join(s.text for s in strip if s.style and s.style.bgcolor == match.bgcolor)


def progress_text(pilot: Pilot[Any]) -> str:
    return str(execution_view(pilot).query_one("#events-progress LoadCount", LoadCount).render())


async def test_a_history_is_drawn_page_by_page_with_its_progress_and_keys_answer() -> None:
    app, backend = paged_app()
    async with app.run_test(size=(140, 40)) as pilot:
        total = await open_paged(pilot, backend)
        assert total > 3 * PAGE
        view = execution_view(pilot)
        progress = view.query_one("#events-progress")
        assert progress.display and view.loading
        assert progress_text(pilot) == f"Loading events… {PAGE} so far"
        assert view.query_one("#events-pane").border_subtitle == "loading…"
        # The keys work on what is there: into the log, up a row, the inspector follows.
        await pilot.press("e", "home", "down")
        assert view.event_log.cursor == 1
        await wait_until(pilot, lambda: view.inspector.state is not None, "the inspector")
        # The next page: drawn, counted.
        assert backend.gate is not None
        backend.gate.put_nowait(None)
        await wait_until(pilot, lambda: len(view.event_log.rows) == 2 * PAGE, "a second page")
        assert progress_text(pilot) == f"Loading events… {2 * PAGE} so far"
        assert view.event_log.cursor == 1  # where the person put it
        for _ in range(total):
            backend.gate.put_nowait(None)
        await wait_until(pilot, lambda: not view.loading, "the last page")
        assert len(view.event_log.rows) == total
        assert not progress.display
        assert view.status == "SUCCEEDED"


async def test_the_garbage_collector_rests_while_a_history_loads_and_comes_back_after() -> None:
    """Its full walks over every event read were a third of a big execution's opening."""
    assert gc.isenabled()
    app, backend = paged_app()
    async with app.run_test(size=(140, 40)) as pilot:
        total = await open_paged(pilot, backend)
        view = execution_view(pilot)
        assert view.loading and not gc.isenabled()
        assert backend.gate is not None
        for _ in range(total):
            backend.gate.put_nowait(None)
        await wait_until(pilot, lambda: not view.loading, "the last page")
        assert gc.isenabled()
        # A load given up half way (the execution opened again, whole) gives it back too.
        screen = main_screen(pilot)
        assert screen.machine is not None
        execution = sidebar(pilot).executions_of(screen.machine.arn)[0]
        backend.gate = asyncio.Queue()
        screen.open_execution(execution, backend)
        await wait_until(pilot, lambda: view.loading and not gc.isenabled(), "a paged load")
        backend.gate = None
        screen.open_execution(execution, backend)
        await wait_until(pilot, lambda: len(view.event_log.rows) == total, "the whole history")
        await wait_for_workers(pilot, "execution")
        assert gc.isenabled()
    assert gc.isenabled()


async def test_search_in_the_event_log_moves_to_each_match() -> None:
    app, backend = paged_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await run_order(pilot)
        log = execution_view(pilot).event_log
        await pilot.press("e", "home", "slash")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a prompt")
        await pilot.press(*"passstate", "enter")
        await wait_until(pilot, lambda: log.cursor > 0, "a match")
        matches = [i for i, row in enumerate(log.rows) if "passstate" in row.type.casefold()]
        assert len(matches) >= 2 and log.cursor == matches[0]
        # The matched text is marked in the rows on screen, the cursor's too; nothing else is.
        assert marked_in_row(log, matches[0]) == "PassState"
        assert marked_in_row(log, matches[1]) == "PassState"
        assert marked_in_row(log, 0) == ""  # ExecutionStarted
        await pilot.press("n")
        assert log.cursor == matches[1]
        await pilot.press("N")
        assert log.cursor == matches[0]
        await pilot.press("N")
        assert log.cursor == matches[-1]  # round the start to the last
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a prompt")
        await pilot.press(*"nothing-like-it", "enter")
        await wait_until(pilot, lambda: any("No event matches" in t for t in toasts(pilot)), "?")
        # Elsewhere, / is still the JSONPath filter.
        await pilot.press("g", "slash")
        assert main_screen(pilot).query_one("#jsonpath").has_focus
