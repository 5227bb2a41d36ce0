"""What the new dialogs look like: the run dialog with a mock file's test cases, two runs
compared, and the dialog that asks for a task result. Update with `--snapshot-update`, and
look at the SVGs before committing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Label

import sfntui.tui
from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.engine.clock import DEFAULT_START
from sfntui.tui.app import make_app
from sfntui.tui.screens.compare import CompareScreen
from sfntui.tui.screens.task_result_dialog import TaskResultDialog
from tests.tui.steps import (
    EXAMPLES,
    choose_machine,
    open_run_dialog,
    steady_cursors,
    wait_for_workers,
    wait_until,
)


class KeptExamples(LocalBackend):
    label = "local: examples"  # type: ignore[assignment]  # not the checkout's path

    def __init__(self) -> None:
        setups = MachineSetups(virtual_clock=True, clock_start=DEFAULT_START)
        super().__init__([EXAMPLES], setup=setups)


def test_the_run_dialog_with_test_cases(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await choose_machine(pilot, "OrderFlow")
        await open_run_dialog(pilot)
        await pilot.pause()
        steady_cursors(pilot)

    app = make_app(KeptExamples(), examples_dir=EXAMPLES)
    assert snap_compare(app, terminal_size=(100, 34), run_before=run_before)


def test_two_runs_compared(snap_compare, utc) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await choose_machine(pilot, "OrderFlow")
        for case in ("HappyPath", "Declined"):
            dialog = await open_run_dialog(pilot)
            dialog.query_one("#run-test-case").value = case  # type: ignore[attr-defined]
            await wait_until(pilot, lambda: dialog.test_case == case, case)  # noqa: B023
            await pilot.press("ctrl+s")
            await wait_for_workers(pilot, "run")
            await wait_for_workers(pilot, "execution")
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen), "compare")
        screen = pilot.app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.comparison is not None, "the comparison")
        label = screen.query_one("#compare-summary", Label)
        await wait_until(pilot, lambda: "part" in str(label.render()), "the summary")

    app = make_app(KeptExamples(), examples_dir=EXAMPLES)
    assert snap_compare(app, terminal_size=(130, 30), run_before=run_before)


class DialogApp(App[None]):
    CSS_PATH = str(Path(sfntui.tui.__file__).parent / "app.tcss")  # the app's styles

    def on_mount(self) -> None:
        dialog = TaskResultDialog(
            "Charge",
            "arn:aws:states:::lambda:invoke",
            {"FunctionName": "charge-card", "Payload": {"orderId": "A-1"}},
        )
        self.push_screen(dialog)


def test_the_task_result_dialog(snap_compare) -> None:  # noqa: ANN001
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        steady_cursors(pilot)

    assert snap_compare(DialogApp(), terminal_size=(100, 30), run_before=run_before)
