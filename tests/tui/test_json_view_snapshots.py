"""What the JSON view and a loading history look like: the inspector folded a level deep
with the cursor's path under it, and an execution whose history is still arriving (its first
page drawn, the bar counting the events). Update with `pytest tests/tui --snapshot-update`
and look at the SVGs before committing them."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.steps import examples_app, run_order, select_state, steady_cursors
from tests.tui.test_history_loading import open_paged, paged_app


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
