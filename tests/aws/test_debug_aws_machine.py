"""`d` on an AWS state machine (moto's server): its definition debugged on the local engine,
with the input of the execution chosen, and the run kept in the local run store, where a new
app lists it under the machine's name among the local machines and reopens it."""

from __future__ import annotations

import json
from pathlib import Path

from sfntui.tui.app import make_app
from sfntui.tui.screens.debugger import DebuggerScreen
from tests.tui.steps import execution_view, main_screen, sidebar, wait_until
from tests.tui.test_debugger_screen import screen_of, select_on_graph, wait_for_stop

from .conftest import Moto, unique
from .test_app_beside_local import aws_backend, choose, local_backend

GREET = {
    "StartAt": "Greet",
    "States": {
        "Greet": {"Type": "Pass", "Parameters": {"hello.$": "$.who"}, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


async def test_d_debugs_an_aws_machine_locally_with_the_chosen_executions_input(
    moto: Moto, tmp_path: Path
) -> None:
    name = unique("greet")
    machine_arn = moto.create_machine(GREET, name)
    first = moto.start(machine_arn, {"who": "first"}, name="first")
    moto.start(machine_arn, {"who": "second"}, name="second")
    app = make_app(local_backend(tmp_path), aws=aws_backend(moto))
    async with app.run_test(size=(140, 45)) as pilot:
        tree = sidebar(pilot)
        await wait_until(pilot, lambda: tree.machine_node(machine_arn) is not None, "listed")
        await choose(pilot, machine_arn)
        await wait_until(pilot, lambda: tree.execution_node(first) is not None, "its runs")
        await choose(pilot, first)
        view = execution_view(pilot)
        await wait_until(pilot, lambda: view.status == "SUCCEEDED", "the AWS run's history")
        main = main_screen(pilot)
        assert main.can_debug

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        screen = screen_of(pilot)
        assert screen.target.name == name and screen.target.input == {"who": "first"}
        await select_on_graph(pilot, "Done")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        stop = screen.snapshots[-1].stop
        assert (stop.state, stop.inspection["input"]) == ("Done", {"hello": "first"})
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the local run")
        assert screen.result is not None and screen.result.status == "SUCCEEDED"
        assert screen.result.output == {"hello": "first"}

        # Run locally, kept locally: the AWS account got no new execution.
        local = app.local
        assert local is not None and local.store is not None and screen.kept_arn is not None
        kept = local.store.run(screen.kept_arn)
        assert kept is not None and kept.machine_name == name
        assert (json.loads(kept.input), kept.status) == ({"who": "first"}, "SUCCEEDED")
        listed = moto.client().list_executions(stateMachineArn=machine_arn)["executions"]
        assert sorted(e["name"] for e in listed) == ["first", "second"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "the main screen again")


async def test_a_kept_debug_run_of_an_aws_machine_is_listed_and_reopened_after_a_restart(
    moto: Moto, tmp_path: Path
) -> None:
    name = unique("greet")
    machine_arn = moto.create_machine(GREET, name)
    first = moto.start(machine_arn, {"who": "first"}, name="first")
    app = make_app(local_backend(tmp_path), aws=aws_backend(moto))
    async with app.run_test(size=(140, 45)) as pilot:
        tree = sidebar(pilot)
        await wait_until(pilot, lambda: tree.machine_node(machine_arn) is not None, "listed")
        await choose(pilot, machine_arn)
        await wait_until(pilot, lambda: tree.execution_node(first) is not None, "its runs")
        await choose(pilot, first)
        await wait_until(pilot, lambda: execution_view(pilot).status == "SUCCEEDED", "its run")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        await select_on_graph(pilot, "Done")
        await pilot.press("b", "c")
        screen = await wait_for_stop(pilot, 1)
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the local run")
        kept_arn = screen.kept_arn
        assert kept_arn is not None
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DebuggerScreen), "left")

    again = make_app(local_backend(tmp_path), aws=aws_backend(moto))  # a restart
    async with again.run_test(size=(140, 45)) as pilot:
        tree = sidebar(pilot)
        local_arn = f"arn:aws:states:local:123456789012:stateMachine:{name}"
        await wait_until(pilot, lambda: tree.machine_node(local_arn) is not None, "kept machine")
        node = tree.machine_node(local_arn)
        assert node is not None and str(node.label) == f"{name} (from kept runs)"
        assert [m.name for m in tree.machines_in(0)] == ["flow", name]  # beside the files'
        await choose(pilot, local_arn)
        await wait_until(pilot, lambda: tree.execution_node(kept_arn) is not None, "its run")
        await choose(pilot, kept_arn)
        await wait_until(pilot, lambda: execution_view(pilot).status == "SUCCEEDED", "shown")

        await pilot.press("d")  # the kept debug run, reopened with its stop
        await wait_until(pilot, lambda: isinstance(again.screen, DebuggerScreen), "the debugger")
        screen = screen_of(pilot)
        assert screen.target.kept is not None and screen.target.name == name
        [snapshot] = screen.snapshots
        assert (snapshot.stop.state, snapshot.stop.inspection["input"]) == (
            "Done",
            {"hello": "first"},
        )
        await pilot.press("c")  # a new local run of the kept definition, on the kept input
        screen = await wait_for_stop(pilot, 1)
        assert screen.running and screen.snapshots[-1].stop.state == "Done"
        await pilot.press("c")
        await wait_until(pilot, lambda: screen.ended, "the end of the new run")
        assert screen.result is not None and screen.result.output == {"hello": "first"}
        listed = moto.client().list_executions(stateMachineArn=machine_arn)["executions"]
        assert [e["name"] for e in listed] == ["first"]
