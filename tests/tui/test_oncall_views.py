"""The overview and the definition view on the local engine, and their snapshots: runs of two
machines on a virtual clock (one fails, one succeeds), the overview a few minutes later, and a
definition with a finding marked at its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from sfntui.backends.local import LocalBackend
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup
from sfntui.tui.app import SfntuiApp, make_app
from sfntui.tui.screens.definition_view import DefinitionScreen, shown_definition
from sfntui.tui.screens.overview import OverviewScreen, sparkline
from tests.tui.steps import choose_machine, main_screen, wait_until

MACHINES = Path(__file__).parent / "overview_machines"


class OverviewBackend(LocalBackend):
    label = "local: overview"  # type: ignore[assignment]  # not the checkout's path

    def __init__(self) -> None:
        super().__init__(
            [MACHINES],
            setup=lambda _name: RunSetup(virtual_clock=True, clock_start=DEFAULT_START),
        )


def overview_app() -> SfntuiApp:
    return make_app(OverviewBackend(), examples_dir=MACHINES)


def yes(_action: object) -> bool:
    return True


async def run_both(pilot: Pilot[Any]) -> None:
    """One run of each machine, to its end."""
    app = pilot.app
    assert isinstance(app, SfntuiApp)
    await wait_until(pilot, lambda: main_screen(pilot).machine is not None, "the app")
    backend = app.local
    machines = await backend.list_state_machines()
    arns = {machine.name: machine.arn for machine in machines}
    for name, run in (("payments", "pay-1"), ("reports", "report-1"), ("payments", "pay-2")):
        await backend.start_execution(arns[name], name=run, execution_input={}, confirm=yes)

    async def ended() -> bool:
        listed = [e for m in machines for e in await backend.list_executions(m.arn)]
        return len(listed) == 3 and all(e.status != "RUNNING" for e in listed)

    for _ in range(10_000):
        if await ended():
            break
        await pilot.pause()
    assert await ended()


async def open_overview(pilot: Pilot[Any]) -> OverviewScreen:
    app = pilot.app
    assert isinstance(app, SfntuiApp)
    overview = OverviewScreen(app.backends, now=lambda: DEFAULT_START + timedelta(minutes=10))
    await app.push_screen(overview)
    await wait_until(pilot, lambda: overview.summary is not None, "the overview's listing")
    return overview


def test_a_sparkline_scales_to_the_busiest_slice() -> None:
    assert sparkline([0, 1, 4, 8], 8) == " ▁▄█"
    assert sparkline([0, 0], 0) == "  "


def test_a_one_line_definition_is_indented_and_its_finding_placed_on_its_line() -> None:
    text = (MACHINES / "broken.asl.json").read_text()
    one_line = text.replace("\n", " ")
    shown = shown_definition(one_line)
    lines = shown.text.splitlines()
    assert len(lines) > 5
    marked = [d for d in shown.findings if d.line is not None]
    assert marked, shown.findings
    assert "InputPath" in lines[marked[0].line - 1]  # type: ignore[operator]


def test_a_definition_that_is_not_json_says_so() -> None:
    shown = shown_definition('{"StartAt": ')
    assert shown.problem is not None and shown.problem.startswith("The definition is not valid")


async def test_the_overview_on_local_runs_lists_the_failures_and_counts_them() -> None:
    app = overview_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await run_both(pilot)
        overview = await open_overview(pilot)
        summary = overview.summary
        assert summary is not None
        assert [item.execution.name for item in summary.problems] == ["pay-2", "pay-1"]
        assert dict(summary.per_machine) == {"payments": 2}
        assert sum(summary.buckets["SUCCEEDED"]) == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, OverviewScreen)


async def test_d_shows_the_definition_and_its_findings_and_goes_back() -> None:
    app = overview_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_machine(pilot, "broken")
        await wait_until(pilot, lambda: main_screen(pilot).shown_definition is not None, "def")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, DefinitionScreen), "the text")
        screen = app.screen
        assert isinstance(screen, DefinitionScreen)
        assert screen.machine_name == "broken"
        assert any("InputPath" in d.pointer for d in screen.shown.findings)
        await pilot.press("D")
        await wait_until(pilot, lambda: not isinstance(app.screen, DefinitionScreen), "back")


def test_the_overview(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await run_both(pilot)
        await open_overview(pilot)
        await pilot.pause()

    assert snap_compare(overview_app(), terminal_size=(120, 32), run_before=run_before)


def test_the_definition_view(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await choose_machine(pilot, "broken")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DefinitionScreen), "it")

    assert snap_compare(overview_app(), terminal_size=(100, 32), run_before=run_before)
