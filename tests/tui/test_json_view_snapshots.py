"""What the JSON view and a loading history look like: the inspector folded a level deep
with the cursor's path under it, an execution whose history is still arriving (its first
page drawn, the bar counting the events), and a search in the event log with its matches
marked. Update with `pytest tests/tui --snapshot-update`
and look at the SVGs before committing them."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from sfntui.tui.screens.prompt import PromptScreen
from tests.tui.steps import examples_app, run_order, select_state, steady_cursors, wait_until
from tests.tui.test_history_loading import open_paged, paged_app
from tests.tui.test_json_view import JsonApp


def test_the_inspector_folded_a_level_deep(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await run_order(pilot)
        await select_state(pilot, "ChargeCard")
        await pilot.press("i", "minus", "down", "down")
        await pilot.pause()
        steady_cursors(pilot)

    assert snap_compare(examples_app(), terminal_size=(120, 32), run_before=run_before)


def test_a_history_still_loading(snap_compare, utc) -> None:  # noqa: ANN001
    app, backend = paged_app()
    app.animation_level = "none"  # the bar stands still for the picture

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_paged(pilot, backend)
        steady_cursors(pilot)

    assert snap_compare(app, terminal_size=(140, 40), run_before=run_before)


def test_a_search_in_the_event_log_marks_its_matches(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await run_order(pilot)
        await pilot.press("e", "home", "slash")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a prompt")
        await pilot.press(*"charge", "enter")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, PromptScreen), "it")
        await pilot.pause()
        steady_cursors(pilot)

    assert snap_compare(examples_app(), terminal_size=(170, 32), run_before=run_before)


def test_a_long_string_in_pieces_as_wide_as_the_view(snap_compare) -> None:  # noqa: ANN001
    log = "".join(f"line {i:05d} of the log\n" for i in range(400)) + "THE-END"
    app = JsonApp({"log": log, "after": 1})

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("end")
        await pilot.pause()
        steady_cursors(pilot)

    assert snap_compare(app, terminal_size=(80, 16), run_before=run_before)
