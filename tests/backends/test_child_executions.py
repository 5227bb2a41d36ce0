"""Nested executions on the local engine: startExecution (plain, .sync, .sync:2) runs the
child's definition locally, returns what AWS's integration returns, and links both runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.history.actions import always

CHILD = {
    "StartAt": "Double",
    "States": {
        "Double": {
            "Type": "Pass",
            "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"},
            "End": True,
        }
    },
}
FAILING_CHILD = {"StartAt": "No", "States": {"No": {"Type": "Fail", "Error": "Child.Bad"}}}


def parent(resource: str, machine: str = "Doubler") -> dict[str, Any]:
    arn = f"arn:aws:states:us-east-1:123456789012:stateMachine:{machine}"
    started_by = {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}
    return {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {
                    "StateMachineArn": arn,
                    "Input": {"n.$": "$.n", **started_by},
                    "Name": "the-child",
                },
                "End": True,
            }
        },
    }


def folder_with(tmp_path: Path, resource: str, machine: str = "Doubler") -> Path:
    (tmp_path / "Parent.asl.json").write_text(json.dumps(parent(resource, machine)))
    (tmp_path / "Doubler.asl.json").write_text(json.dumps(CHILD))
    (tmp_path / "Failer.asl.json").write_text(json.dumps(FAILING_CHILD))
    return tmp_path


async def run_parent(backend: LocalBackend) -> tuple[Any, Any]:
    machines = {m.name: m for m in await backend.list_state_machines()}
    started = await backend.start_execution(
        machines["Parent"].arn, execution_input={"n": 21}, confirm=always
    )
    [_ async for _ in backend.follow(started.arn)]
    return started, await backend.describe_execution(started.arn)


async def test_sync_2_returns_the_childs_output_as_json_and_links_both_runs(
    tmp_path: Path,
) -> None:
    backend = LocalBackend(
        [folder_with(tmp_path, "arn:aws:states:::states:startExecution.sync:2")],
        setup=MachineSetups(virtual_clock=True),
    )
    started, described = await run_parent(backend)
    output = json.loads(described.output or "")
    assert described.status == "SUCCEEDED"
    assert output["Status"] == "SUCCEEDED" and output["Output"] == {"doubled": 42}
    assert output["Name"] == "the-child"
    assert output["StateMachineArn"].endswith(":stateMachine:Doubler")
    [child_arn] = backend.children_of(started.arn)
    assert output["ExecutionArn"] == child_arn
    child = await backend.describe_execution(child_arn)
    assert json.loads(child.input)["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"] == started.arn
    machines = {m.name: m for m in await backend.list_state_machines()}
    listed = await backend.list_executions(machines["Doubler"].arn)
    assert [e.arn for e in listed] == [child_arn]  # the child is listed under its machine
    assert backend.store is not None
    kept = backend.store.run(child_arn)
    assert kept is not None and kept.parent_arn == started.arn
    history = await backend.get_history(child_arn)
    assert history[-1]["type"] == "ExecutionSucceeded"


async def test_sync_returns_output_as_text_and_a_failed_child_fails_the_task(
    tmp_path: Path,
) -> None:
    backend = LocalBackend(
        [folder_with(tmp_path, "arn:aws:states:::states:startExecution.sync")],
        setup=MachineSetups(virtual_clock=True),
    )
    _, described = await run_parent(backend)
    output = json.loads(described.output or "")
    assert output["Output"] == json.dumps({"doubled": 42})

    failing = LocalBackend(
        [folder_with(tmp_path, "arn:aws:states:::states:startExecution.sync", "Failer")],
        setup=MachineSetups(virtual_clock=True),
    )
    _, described = await run_parent(failing)
    assert (described.status, described.error) == ("FAILED", "States.TaskFailed")
    cause = json.loads(described.cause or "")
    assert (cause["Status"], cause["Error"]) == ("FAILED", "Child.Bad")


async def test_plain_start_returns_the_arn_and_start_date(tmp_path: Path) -> None:
    backend = LocalBackend(
        [folder_with(tmp_path, "arn:aws:states:::states:startExecution")],
        setup=MachineSetups(virtual_clock=True),
    )
    started, described = await run_parent(backend)
    output = json.loads(described.output or "")
    assert set(output) == {"ExecutionArn", "StartDate"}
    assert isinstance(output["StartDate"], int)
    assert backend.children_of(started.arn) == [output["ExecutionArn"]]


async def test_a_child_given_with_a_file_runs_and_an_unknown_one_fails_clearly(
    tmp_path: Path,
) -> None:
    resource = "arn:aws:states:::states:startExecution.sync:2"
    (tmp_path / "machines").mkdir()
    (tmp_path / "machines" / "Parent.asl.json").write_text(json.dumps(parent(resource)))
    (tmp_path / "elsewhere.json").write_text(json.dumps(CHILD))
    unknown = LocalBackend([tmp_path / "machines"], setup=MachineSetups(virtual_clock=True))
    _, described = await run_parent(unknown)
    assert described.error == "StepFunctions.StateMachineDoesNotExistException"
    assert "--child" in (described.cause or "")

    given = MachineSetups(virtual_clock=True, children={"Doubler": tmp_path / "elsewhere.json"})
    backend = LocalBackend([tmp_path / "machines"], setup=given)
    _, described = await run_parent(backend)
    assert json.loads(described.output or "")["Output"] == {"doubled": 42}


def test_sfntui_run_finds_the_child_beside_the_parent_or_given_with_child(
    tmp_path: Path, capsys: Any
) -> None:
    from sfntui.cli import main

    folder = folder_with(tmp_path, "arn:aws:states:::states:startExecution.sync:2")
    (tmp_path / "other.json").write_text(json.dumps(FAILING_CHILD))
    parent_file = str(folder / "Parent.asl.json")
    assert main(["run", parent_file, "--input", '{"n": 2}']) == 0
    assert json.loads(capsys.readouterr().out)["Output"] == {"doubled": 4}
    other = f"Doubler={tmp_path / 'other.json'}"
    assert main(["run", parent_file, "--input", '{"n": 2}', "--child", other]) == 1
    assert "States.TaskFailed" in capsys.readouterr().out
    assert main(["run", parent_file, "--child", "Doubler"]) == 2
    assert "must read NAME_OR_ARN=FILE" in capsys.readouterr().err
