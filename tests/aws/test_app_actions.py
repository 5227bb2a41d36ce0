"""Acting on an open execution from the app: stop (with an error and a cause), redrive,
export; each asks first in a dialog naming the execution, and a read-only connection hides
them and refuses them if called. Against moto's server (stop) and the fault-injecting
endpoint (redrive, which moto lacks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.confirm_dialog import ConfirmDialog
from sfntui.tui.screens.run_dialog import RunDialog
from tests.tui.steps import execution_view, main_screen, sidebar, toasts, wait_until

from .conftest import REGION, Moto, unique
from .fault_endpoint import FaultyStepFunctions, history

SIZE = (110, 32)
WAITS = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 30, "End": True}}}


def backend_at(url: str, *, read_only: bool = False) -> AwsBackend:
    options = ConnectionOptions(endpoint_url=url, region=REGION, read_only=read_only)
    return AwsBackend(options, interval=PollInterval(0.05, 0.2))


async def open_execution(pilot: Pilot[Any], machine_arn: str, execution_arn: str) -> None:
    tree = sidebar(pilot)
    await wait_until(pilot, lambda: tree.machine_node(machine_arn) is not None, "listed")
    node = tree.machine_node(machine_arn)
    assert node is not None
    tree.select_node(node)
    await wait_until(pilot, lambda: tree.execution_node(execution_arn) is not None, "its run")
    run = tree.execution_node(execution_arn)
    assert run is not None
    tree.select_node(run)
    view = execution_view(pilot)
    await wait_until(pilot, lambda: view.status is not None and view.execution is not None, "open")
    await wait_until(pilot, lambda: len(view.event_log.event_ids) > 0, "its events")


async def dialog(pilot: Pilot[Any]) -> ConfirmDialog:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), "the dialog")
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmDialog)
    return screen


async def test_stop_asks_naming_the_execution_and_stops_it_with_an_error_and_cause(
    moto: Moto, tmp_path: Path
) -> None:
    machine = moto.create_machine(WAITS, unique("orders"))
    execution = moto.start(machine, name="live")
    app = make_app(LocalBackend([tmp_path]), aws=backend_at(moto.url))
    async with app.run_test(size=SIZE) as pilot:
        await open_execution(pilot, machine, execution)
        screen = main_screen(pilot)
        assert screen.check_action("stop_execution", ()) is True

        await pilot.press("x")
        cancelled = await dialog(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the dialog closed")
        still = moto.client().describe_execution(executionArn=execution)["status"]

        await pilot.press("x")
        asked = await dialog(pilot)
        asked.query_one("#confirm-error", Input).value = "Ops.ManualStop"
        asked.query_one("#confirm-cause", Input).value = "bad deploy"
        await pilot.press("ctrl+s")
        status = lambda: moto.client().describe_execution(executionArn=execution)["status"]  # noqa: E731
        await wait_until(pilot, lambda: status() == "ABORTED", "stopped on AWS")

        assert execution in cancelled.question and "live" in cancelled.question
        assert still == "RUNNING"  # escape changed nothing


async def test_read_only_hides_stop_and_refuses_it_if_called(moto: Moto, tmp_path: Path) -> None:
    machine = moto.create_machine(WAITS, unique("orders"))
    execution = moto.start(machine, name="live")
    app = make_app(LocalBackend([tmp_path]), aws=backend_at(moto.url, read_only=True))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_execution(pilot, machine, execution)
        screen = main_screen(pilot)
        hidden = [
            screen.check_action(name, ())
            for name in ("stop_execution", "redrive_execution", "start_again")
        ]

        await pilot.press("x")  # hidden: the key does nothing
        no_dialog = not isinstance(pilot.app.screen, ConfirmDialog)
        screen.action_stop_execution()  # as a command palette or a script would
        screen.action_redrive_execution()
        await wait_until(pilot, lambda: len(toasts(pilot)) >= 2, "the refusals")

        assert hidden == [False, False, False] and no_dialog
        assert all("read-only" in toast for toast in toasts(pilot))
        assert not isinstance(pilot.app.screen, ConfirmDialog)
        assert moto.client().describe_execution(executionArn=execution)["status"] == "RUNNING"
        moto.client().stop_execution(executionArn=execution)


async def test_redrive_asks_then_redrives_a_failed_execution(tmp_path: Path) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("orders")
        execution = faulty.add_execution(machine, "broke", history(9, ending="ExecutionFailed"))
        redriven: list[dict[str, Any]] = []

        def redrive(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            redriven.append(body)
            return 200, {"redriveDate": 1_764_979_300.0}

        faulty.endpoint.handlers["RedriveExecution"] = redrive
        app = make_app(LocalBackend([tmp_path]), aws=backend_at(faulty.url))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await open_execution(pilot, machine, execution)
            view = execution_view(pilot)
            await wait_until(pilot, lambda: view.status == "FAILED", "the failure")

            await pilot.press("R")
            asked = await dialog(pilot)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: bool(redriven), "the redrive sent")

            assert "broke" in asked.question and "Redrive" in asked.question
            assert redriven[0]["executionArn"] == execution


async def test_export_writes_the_whole_history_to_the_file_named(tmp_path: Path) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("orders")
        execution = faulty.add_execution(machine, "done", history(9))
        target = tmp_path / "exported.json"
        app = make_app(LocalBackend([tmp_path]), aws=backend_at(faulty.url, read_only=True))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await open_execution(pilot, machine, execution)

            await pilot.press("w")
            asked = await dialog(pilot)
            asked.query_one("#confirm-path", Input).value = str(target)
            await pilot.press("ctrl+s")
            wrote = lambda: any("Wrote 9 events" in t for t in toasts(pilot))  # noqa: E731
            await wait_until(pilot, wrote, "the file written")

            assert "done" in asked.question
            written = json.loads(target.read_text(encoding="utf-8"))["events"]
            assert [event["id"] for event in written] == list(range(1, 10))


async def test_start_again_offers_the_input_to_edit_and_starts_the_machine_with_it(
    moto: Moto, tmp_path: Path
) -> None:
    machine = moto.create_machine(WAITS, unique("orders"))
    execution = moto.start(machine, {"order": 7}, name="first")
    app = make_app(LocalBackend([tmp_path]), aws=backend_at(moto.url))
    async with app.run_test(size=SIZE) as pilot:
        await open_execution(pilot, machine, execution)

        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RunDialog), "the dialog")
        run_dialog = pilot.app.screen
        assert isinstance(run_dialog, RunDialog)
        offered = json.loads(run_dialog.text)
        run_dialog.query_one("#run-input", TextArea).text = '{"order": 8}'
        await pilot.press("ctrl+s")
        listed = lambda: moto.client().list_executions(stateMachineArn=machine)["executions"]  # noqa: E731
        await wait_until(pilot, lambda: len(listed()) == 2, "the new execution")

        assert offered == {"order": 7}
        again = next(e for e in listed() if e["executionArn"] != execution)
        described = moto.client().describe_execution(executionArn=again["executionArn"])
        assert json.loads(described["input"]) == {"order": 8}
        for run in listed():
            moto.client().stop_execution(executionArn=run["executionArn"])
