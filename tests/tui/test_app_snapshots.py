"""What the main screens look like (pytest-textual-snapshot): after a run of `order` with a
state chosen, the inspector narrowed by a JSONPath on a small terminal, and the run dialog.

Update after a deliberate change with `pytest tests/tui --snapshot-update`, and look at the
SVGs before committing them.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.steps import (
    choose_machine,
    examples_app,
    open_run_dialog,
    run_order,
    select_state,
    steady_cursors,
    type_filter,
)


def test_a_finished_run_with_a_state_chosen(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await run_order(pilot)
        await select_state(pilot, "ChargeCard")
        steady_cursors(pilot)

    assert snap_compare(examples_app(), terminal_size=(140, 40), run_before=run_before)


def test_the_inspector_narrowed_by_a_jsonpath_at_80_by_24(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await run_order(pilot)
        await select_state(pilot, "ChargeCard")
        await type_filter(pilot, "$.charge")
        steady_cursors(pilot)

    assert snap_compare(examples_app(), terminal_size=(80, 24), run_before=run_before)


def test_the_run_dialog(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await choose_machine(pilot, "order")
        await open_run_dialog(pilot)
        await pilot.pause()
        steady_cursors(pilot)

    assert snap_compare(examples_app(), terminal_size=(100, 32), run_before=run_before)
