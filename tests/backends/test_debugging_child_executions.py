"""A debugged run whose Task starts a child execution: step into at the Task enters the
child, step out returns to the parent; the child's events go to the child's own history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.engine.debugger import DebugSession, Stop
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.runner import prepare
from tests.deadline import awaited

PARENT = {
    "StartAt": "Start",
    "States": {
        "Start": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {
                "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Kid",
                "Input": {"n.$": "$.n"},
            },
            "ResultSelector": {"kid.$": "$.Output"},
            "Next": "After",
        },
        "After": {"Type": "Pass", "End": True},
    },
}
KID = {
    "StartAt": "One",
    "States": {
        "One": {"Type": "Pass", "Parameters": {"m.$": "States.MathAdd($.n, 1)"}, "Next": "Two"},
        "Two": {"Type": "Pass", "End": True},
    },
}


async def next_stop(session: DebugSession) -> Stop:
    stop = await awaited(session.next_stop())
    assert stop is not None
    return stop


def where(stop: Stop) -> tuple[str, str, list[Any]]:
    return stop.state, stop.moment, [list(step) for step in stop.location]


async def debug_session(tmp_path: Path) -> tuple[DebugSession, LocalBackend]:
    (tmp_path / "Parent.asl.json").write_text(json.dumps(PARENT))
    (tmp_path / "Kid.asl.json").write_text(json.dumps(KID))
    backend = LocalBackend([tmp_path], setup=MachineSetups(virtual_clock=True))
    machines = {m.name: m for m in await backend.list_state_machines()}
    assert set(machines) == {"Parent", "Kid"}
    parent = backend.run_setup("Parent")
    machine = backend.machine_named("Parent")
    assert machine is not None
    options = RunOptions(name="debugged", state_machine_name="Parent")
    session = DebugSession(lambda debugger: prepare(machine, {"n": 1}, parent, options, debugger))
    return session, backend


async def test_step_into_the_child_and_out_again(tmp_path: Path) -> None:
    session, backend = await debug_session(tmp_path)
    session.debugger.add_breakpoint("Start")
    session.start()
    assert where(await next_stop(session)) == ("Start", "enter", [])

    session.debugger.step_into()
    inside = [["Execution", "Start", 0]]
    first = await next_stop(session)
    assert where(first) == ("One", "enter", inside)
    assert first.inspection["input"] == {"n": 1}
    session.debugger.step()
    assert where(await next_stop(session)) == ("One", "exit", inside)
    session.debugger.step()
    assert where(await next_stop(session)) == ("Two", "enter", inside)

    session.debugger.step_out()
    back = await next_stop(session)
    assert back.state == "Start" and back.location == ()  # in the parent again
    assert back.moment in ("result", "exit")
    session.debugger.continue_()
    assert await awaited(session.next_stop()) is None
    result = await session.wait()
    assert result is not None and result.status == "SUCCEEDED"
    assert result.output == {"kid": {"m": 2}}

    assert session.execution is not None
    parent_states = {
        e["stateEnteredEventDetails"]["name"]
        for e in session.execution.history.events
        if e["type"].endswith("StateEntered")
    }
    assert parent_states == {"Start", "After"}  # the child's states are not the parent's
    machines = {m.name: m.arn for m in await backend.list_state_machines()}
    kids = await backend.list_executions(machines["Kid"])
    assert len(kids) == 1
    history = await backend.get_history(kids[0].arn)
    child_states = [
        e["stateEnteredEventDetails"]["name"] for e in history if e["type"].endswith("Entered")
    ]
    assert child_states == ["One", "Two"]


async def test_step_over_the_task_runs_the_child_without_stopping_in_it(tmp_path: Path) -> None:
    session, _ = await debug_session(tmp_path)
    session.debugger.add_breakpoint("Start")
    session.start()
    await next_stop(session)
    seen = []
    for _ in range(6):
        session.debugger.step()
        stop = await awaited(session.next_stop())
        if stop is None:
            break
        seen.append(where(stop))
    assert all(location == [] for _, _, location in seen)  # never inside the child
    assert ("After", "enter", []) in seen
