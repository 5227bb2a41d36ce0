"""The app following a live AWS execution through an outage of the endpoint and back: it
says "reconnecting" meanwhile, clears it when the endpoint answers, and shows every event
once (the fault-injecting endpoint of tests/aws/fault_endpoint.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from sfntui.aws import ConnectionOptions, PollInterval
from sfntui.backends.aws import AwsBackend
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from tests.tui.steps import execution_view, main_screen, sidebar, wait_until

from .fault_endpoint import FaultyStepFunctions, history

SIZE = (110, 32)


def faulty_backend(faulty: FaultyStepFunctions) -> AwsBackend:
    options = ConnectionOptions(endpoint_url=faulty.url, region="us-east-1")
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


def subtitle(pilot: Pilot[Any]) -> str:
    return str(execution_view(pilot).query_one("#graph-pane").border_subtitle)


async def test_a_live_execution_is_followed_through_an_outage_with_every_event_once(
    tmp_path: Path,
) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("orders")
        events = history(41)
        execution = faulty.add_execution(machine, "live", events, visible=3, events_per_read=2)
        app = make_app(LocalBackend([tmp_path]), aws=faulty_backend(faulty))
        async with app.run_test(size=SIZE) as pilot:
            await open_execution(pilot, machine, execution)
            view = execution_view(pilot)
            await wait_until(pilot, lambda: len(view.event_log.event_ids) >= 5, "some events")

            faulty.always["GetExecutionHistory"] = "unavailable"
            await wait_until(pilot, lambda: view.trouble is not None, "the outage noticed")
            shown_during = subtitle(pilot)
            still_running = view.status
            del faulty.always["GetExecutionHistory"]
            await wait_until(pilot, lambda: view.status == "SUCCEEDED", "the end of the run")
            await wait_until(pilot, lambda: view.trouble is None, "the reconnection")

            assert "reconnecting" in shown_during and "last update" in shown_during
            assert "RUNNING" in shown_during and still_running == "RUNNING"
            assert view.event_log.event_ids == list(range(1, 42))  # each once, in order
            assert "reconnecting" not in subtitle(pilot)
            assert faulty.faults("GetExecutionHistory")  # the outage was met


async def test_an_execution_that_cannot_be_loaded_says_why_and_f5_loads_it(
    tmp_path: Path,
) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("orders")
        execution = faulty.add_execution(machine, "done", history(9))
        faulty.always["DescribeStateMachineForExecution"] = "denied"
        app = make_app(LocalBackend([tmp_path]), aws=faulty_backend(faulty))
        async with app.run_test(size=SIZE) as pilot:
            await open_execution(pilot, machine, execution)
            view = execution_view(pilot)
            note = lambda: str(view.query_one("#graph-note").render())  # noqa: E731
            await wait_until(pilot, lambda: bool(view.query("#graph-note")), "a note")
            await wait_until(pilot, lambda: "Could not load" in note(), "why it failed")
            said = note()

            del faulty.always["DescribeStateMachineForExecution"]
            main_screen(pilot).focus()
            await pilot.press("f5")
            await wait_until(pilot, lambda: view.status == "SUCCEEDED", "loaded after F5")

            assert "denied access" in said and "F5" in said and "Loading" not in said
            assert view.event_log.event_ids == list(range(1, 10))


async def test_the_executions_list_says_reconnecting_through_an_outage_and_recovers(
    tmp_path: Path,
) -> None:
    with FaultyStepFunctions() as faulty:
        machine = faulty.add_machine("orders")
        faulty.add_execution(machine, "first", history(5))
        app = make_app(LocalBackend([tmp_path]), aws=faulty_backend(faulty))
        async with app.run_test(size=SIZE) as pilot:
            tree = sidebar(pilot)
            await wait_until(pilot, lambda: tree.machine_node(machine) is not None, "listed")
            tree.select_node(tree.machine_node(machine))
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 1, "its run")

            faulty.always["ListExecutions"] = "internal"
            said = lambda: str(tree.border_subtitle or "")  # noqa: E731
            await wait_until(pilot, lambda: "reconnecting" in said(), "the outage noticed")
            during = said()
            faulty.add_execution(machine, "second", history(5))
            del faulty.always["ListExecutions"]
            await wait_until(pilot, lambda: len(tree.executions_of(machine)) == 2, "the new run")
            await wait_until(pilot, lambda: said() == "", "the reconnection")

            assert "last update" in during
