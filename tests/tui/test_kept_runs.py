"""Local runs in the app: the built-in OrderFlow example runs with its mock file's test cases,
its runs are kept in the run store and reopened by a new app on the same data folder, two of
them compared, and one exported as a history file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Select, TextArea

from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.history.events import load_history_file
from sfntui.tui.app import make_app
from sfntui.tui.screens.compare import CompareScreen
from sfntui.tui.screens.confirm_dialog import ConfirmDialog
from sfntui.tui.screens.debugger import DebuggerScreen
from tests.tui.steps import (
    EXAMPLES,
    choose_machine,
    execution_view,
    main_screen,
    open_run_dialog,
    sidebar,
    wait_for_workers,
    wait_until,
)

SIZE = (110, 34)


def examples_app() -> Any:
    backend = LocalBackend([EXAMPLES], setup=MachineSetups(virtual_clock=True))
    return make_app(backend, examples_dir=EXAMPLES)


def statuses(pilot: Pilot[Any]) -> list[str]:
    machine = main_screen(pilot).machine
    assert machine is not None
    return [e.status for e in sidebar(pilot).executions_of(machine.arn)]


async def run_orderflow(pilot: Pilot[Any], case: str | None, expected: list[str]) -> None:
    dialog = await open_run_dialog(pilot)
    if case is not None:
        dialog.query_one("#run-test-case", Select).value = case
        await wait_until(pilot, lambda: dialog.test_case == case, f"the case {case}")
    await pilot.press("ctrl+s")
    await wait_for_workers(pilot, "run")
    await wait_for_workers(pilot, "execution")
    await wait_until(pilot, lambda: statuses(pilot) == expected, f"the runs {expected}")


async def test_orderflow_runs_in_the_app_with_the_mock_file_beside_it() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose_machine(pilot, "OrderFlow")
        dialog = await open_run_dialog(pilot)
        cases = dialog.query_one("#run-test-case", Select)
        assert [str(option[0]) for option in cases._options] == [
            "HappyPath",
            "BusyThenOk",
            "Declined",
        ]
        area = dialog.query_one("#run-input", TextArea)
        assert json.loads(area.text) == {"orderId": "A-1"}  # HappyPath's input
        cases.value = "Declined"
        await wait_until(pilot, lambda: json.loads(area.text) == {"orderId": "A-3"}, "input")
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot, "run")
        await wait_for_workers(pilot, "execution")
        await wait_until(pilot, lambda: statuses(pilot) == ["FAILED"], "the declined run")
        projection = execution_view(pilot).projection
        assert projection is not None and projection.error == "ChargeFailed"
        assert [run.name for run in projection.runs if run.name == "Refund"] == ["Refund"]


async def test_runs_are_reopened_after_a_restart_compared_and_exported(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    first = examples_app()
    async with first.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "OrderFlow")
        await run_orderflow(pilot, None, ["SUCCEEDED"])

    second = examples_app()  # a new app on the same data folder: a restart
    async with second.run_test(size=SIZE, notifications=True) as pilot:
        await choose_machine(pilot, "OrderFlow")
        await wait_until(pilot, lambda: statuses(pilot) == ["SUCCEEDED"], "the kept run")
        kept = sidebar(pilot).executions_of(main_screen(pilot).machine.arn)[0]  # type: ignore[union-attr]
        main_screen(pilot).open_execution(kept)
        await wait_for_workers(pilot, "execution")
        await wait_until(
            pilot, lambda: execution_view(pilot).status == "SUCCEEDED", "the kept run shown"
        )
        projection = execution_view(pilot).projection
        assert projection is not None and projection.output["charge"] == {"chargeId": "ch_1"}

        await pilot.press("w")  # the dialog offers <name>.history.json, here
        exported = tmp_path / f"{kept.name}.history.json"
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), "the dialog")
        await pilot.press("ctrl+s")
        await wait_for_workers(pilot, "act")
        events = load_history_file(exported)
        assert events[-1]["type"] == "ExecutionSucceeded"
        assert len(events) == len(projection.events)

        await run_orderflow(pilot, "Declined", ["FAILED", "SUCCEEDED"])
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen), "compare")
        screen = pilot.app.screen
        assert isinstance(screen, CompareScreen)
        await wait_until(pilot, lambda: screen.comparison is not None, "the comparison")
        summary = str(screen.query_one("#compare-summary", Label).render())
        assert "one ends FAILED, the other SUCCEEDED" in summary
        assert "The paths part at step 2: Refund / Ship" in summary
        table = screen.query_one("#compare-steps", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][1:3] == ["Charge (CAUGHT)", "Charge (SUCCEEDED)"]
        assert 'input $.orderId: "A-3" → "A-1"' in rows[0][3]
        assert rows[1][1:] == ["Refund (FAILED)", "Ship (SUCCEEDED)", "another state"]


async def test_the_run_dialog_starts_from_the_project_files_input(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from sfntui.backends.project_file import find_project_file

    (tmp_path / "order.json").write_text('{"order": {"id": "P-1"}}')
    (tmp_path / "sfntui.toml").write_text('[machines.order]\ninput = "order.json"\n')
    setups = MachineSetups(virtual_clock=True, project=find_project_file(tmp_path))
    app = make_app(LocalBackend([EXAMPLES], setup=setups), examples_dir=EXAMPLES)
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "order")
        dialog = await open_run_dialog(pilot)
        area = dialog.query_one("#run-input", TextArea)
        assert json.loads(area.text) == {"order": {"id": "P-1"}}
        assert "order.json" in str(dialog.query_one("#run-input-label", Label).render())


async def test_a_run_of_the_debugger_screen_is_kept_and_reopened_after_a_restart() -> None:
    from tests.tui.steps import examples_app as fixed_clock_app
    from tests.tui.test_debugger_screen import screen_of, select_on_graph, wait_for_stop

    first = fixed_clock_app()
    async with first.run_test(size=(140, 45)) as pilot:
        await choose_machine(pilot, "order")
        main = main_screen(pilot)
        await wait_until(pilot, lambda: main.can_debug, "the definition")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(first.screen, DebuggerScreen), "the debugger")
        await select_on_graph(pilot, "ShipItems")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        await pilot.press("c")
        await wait_until(pilot, lambda: screen_of(pilot).ended, "the end of the run")
        output = screen.result.output if screen.result is not None else None
        kept_arn = screen.kept_arn
        assert kept_arn is not None and kept_arn.endswith(":debug")
        await pilot.press("escape")
        await wait_until(pilot, lambda: first.screen is main, "the main screen again")
        # Listed at once among the machine's runs, as a run of the run dialog would be.
        await wait_until(pilot, lambda: statuses(pilot) == ["SUCCEEDED"], "the debug run listed")

    second = fixed_clock_app()  # a new app on the same data folder: a restart
    async with second.run_test(size=(140, 45)) as pilot:
        await choose_machine(pilot, "order")
        await wait_until(pilot, lambda: statuses(pilot) == ["SUCCEEDED"], "the kept run")
        [kept] = sidebar(pilot).executions_of(main_screen(pilot).machine.arn)  # type: ignore[union-attr]
        assert (kept.arn, kept.name) == (kept_arn, "debug")
        main_screen(pilot).open_execution(kept)
        await wait_for_workers(pilot, "execution")
        await wait_until(
            pilot, lambda: execution_view(pilot).status == "SUCCEEDED", "the kept run shown"
        )
        projection = execution_view(pilot).projection
        assert projection is not None and projection.output == output
        assert "ShipItems" in {run.name for run in projection.runs}
        # Its input and its stop are kept with it.
        backend = main_screen(pilot).machine_backend
        description = await backend.describe_execution(kept.arn)
        assert json.loads(description.input or "null")["order"]["id"]
        store = getattr(backend, "store", None)
        assert store is not None
        stops = store.stops(kept.arn)
        assert [(s["state"], s["moment"], s["reason"]) for s in stops] == [
            ("ShipItems", "enter", "breakpoint")
        ]


async def test_a_kept_debug_run_is_reopened_in_the_debugger_walked_and_restarted() -> None:
    from textual.widgets import Static, TabbedContent

    from sfntui.tui.widgets.data_flow import DataFlowPanel
    from tests.tui.steps import examples_app as fixed_clock_app
    from tests.tui.test_debugger_screen import (
        banner,
        edit_json,
        screen_of,
        select_on_graph,
        wait_for_stop,
    )

    first = fixed_clock_app()
    async with first.run_test(size=(140, 45)) as pilot:
        await choose_machine(pilot, "order")
        main = main_screen(pilot)
        await wait_until(pilot, lambda: main.can_debug, "the definition")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(first.screen, DebuggerScreen), "the debugger")
        await pilot.press("w", *"$.order.id", "enter")  # a watch, kept with each stop
        await select_on_graph(pilot, "ChargeCard")
        await pilot.press("b")
        await select_on_graph(pilot, "ShipItems")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        assert screen.snapshots[0].stop.watches == {"$.order.id": "A-1001"}
        first_input = screen.snapshots[0].stop.inspection["input"]
        await pilot.press("c")
        await wait_for_stop(pilot, 2)
        shipping_input = screen.snapshots[1].stop.inspection["input"]
        await pilot.press("c")
        await wait_until(pilot, lambda: screen_of(pilot).ended, "the end of the run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        kept_arn = screen.kept_arn
        await pilot.press("escape")
        await wait_until(pilot, lambda: first.screen is main, "the main screen again")

    second = fixed_clock_app()  # a new app on the same data folder: a restart
    async with second.run_test(size=(140, 45)) as pilot:
        await choose_machine(pilot, "order")
        await wait_until(pilot, lambda: statuses(pilot) == ["SUCCEEDED"], "the kept run")
        [kept] = sidebar(pilot).executions_of(main_screen(pilot).machine.arn)  # type: ignore[union-attr]
        assert kept.arn == kept_arn
        main = main_screen(pilot)
        main.open_execution(kept)
        await wait_for_workers(pilot, "execution")
        await pilot.press("d")  # on a kept debug run: reopened, not a fresh run
        await wait_until(pilot, lambda: isinstance(second.screen, DebuggerScreen), "the debugger")
        screen = screen_of(pilot)
        assert screen.target.kept is not None and screen.target.kept.arn == kept_arn
        assert not screen.running and len(screen.snapshots) == 2
        assert "stop 2 of 2" in banner(screen) and "reopened from the run store" in banner(screen)
        assert "ShipItems (Map) at enter, by breakpoint" in banner(screen)
        flow = screen.query_one(DataFlowPanel)
        assert shipping_input["charge"]["chargeId"] == "ch_A-1001"
        assert '"chargeId": "ch_A-1001"' in flow.rendered_text()
        # The breakpoints the stops were made by are set again and marked on the graph.
        assert screen.graph.status.breakpoints == {"ChargeCard", "ShipItems"}

        # Back to the first stop: the graph, the data and the context object as they were.
        await pilot.press("left_square_bracket")
        assert screen.viewing == 0
        assert "ChargeCard (Pass) at enter, by breakpoint" in banner(screen)
        assert "stop 1 of 2 (the past: ] goes forward)" in banner(screen)
        assert screen.graph.status.current == "ChargeCard"
        assert screen.graph.status.states.get("ValidateOrder") == "SUCCEEDED"
        assert "ShipItems" not in screen.graph.status.states
        assert flow.step_names() == ["input"]
        assert '"A-1001"' in flow.rendered_text() and "chargeId" not in flow.rendered_text()
        screen.query_one("#debug-tabs", TabbedContent).active = "tab-scope"
        await pilot.pause()
        scope = str(screen.query_one("#scope-text", Static).render())
        assert '"Name": "ChargeCard"' in scope
        assert '$.order.id = "A-1001"' in scope  # the watch, set again
        await pilot.press("right_square_bracket", "left_square_bracket")
        assert screen.viewing == 0

        # Restart a live run from that stop's state, with its input edited.
        await pilot.press("F")
        edited = json.loads(json.dumps(first_input))
        edited["order"]["id"] = "B-7"
        await edit_json(pilot, json.dumps(edited))
        screen = await wait_for_stop(pilot, 1)
        again = screen.snapshots[-1].stop
        assert (again.state, again.reason) == ("ChargeCard", "breakpoint")
        assert again.inspection["input"]["order"]["id"] == "B-7"
        assert "Restarted from ChargeCard" in banner(screen)
        assert screen.kept_arn is not None and screen.kept_arn != kept_arn
        await pilot.press("c")
        screen = await wait_for_stop(pilot, 2)
        assert screen.snapshots[-1].stop.state == "ShipItems"
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the restarted run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        assert "ValidateOrder" not in {run.name for run in screen.projection.runs}
