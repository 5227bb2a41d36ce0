"""Recorded executions for the replay tests, made by the local engine in AWS's history shape.

The engine writes exactly the events GetExecutionHistory returns (tests/engine/
test_history_shape.py and the conformance corpus hold it to AWS's recorded sequences), so a
run here, with a scripted service answering its Tasks after a chosen time, stands in for an
execution recorded on AWS. The history goes through a file, written as `sfntui history --json`
writes it and read back as `sfntui replay` reads it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution, RunOptions
from sfntui.engine.tasks import ResolverChain, Resource, TaskFailure, TaskInvocation
from sfntui.history.events import dump_history, load_history_file

START = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
LAMBDA = "arn:aws:states:::lambda:invoke"


class Fails(Exception):
    """What a scripted call raises: the service's error and cause."""

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(error)
        self.error, self.cause = error, cause


#: A scripted service: (state, parameters, attempt) -> (seconds it takes, result or Fails).
Script = Callable[[str, Any, int], tuple[float, Any]]


class ScriptedService:
    """Answers every Task from a script, after the time the script says the call takes."""

    def __init__(self, script: Script) -> None:
        self.script = script

    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        seconds, answer = self.script(invocation.state, invocation.parameters, invocation.attempt)
        if seconds:
            await invocation.clock.sleep(seconds)
        if isinstance(answer, Fails):
            raise TaskFailure(answer.error, answer.cause)
        return answer


@dataclass
class Recorded:
    definition_file: Path
    history_file: Path
    events: list[dict[str, Any]]
    result: ExecutionResult
    definition: dict[str, Any]


def record(
    folder: Path,
    definition: dict[str, Any],
    execution_input: Any,
    script: Script,
    *,
    machine: str = "Orders",
    name: str = "exec-1",
) -> Recorded:
    """Run `definition` with the scripted service; its history file and definition file."""
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(START),
        resolvers=ResolverChain([ScriptedService(script)]),
        options=RunOptions(name=name, state_machine_name=machine),
    )
    result = asyncio.run(execution.run())
    definition_file = folder / f"{machine}.asl.json"
    definition_file.write_text(json.dumps(definition, indent=2), encoding="utf-8")
    history_file = folder / f"{name}.json"
    history_file.write_text(dump_history(execution.history.events), encoding="utf-8")
    return Recorded(
        definition_file,
        history_file,
        load_history_file(history_file),
        result,
        definition,
    )


def state_events(events: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """(type, state name) of every state event, in history order."""
    found = []
    for event in events:
        kind = event["type"]
        if kind.endswith(("StateEntered", "StateExited")) or kind.startswith("MapIteration"):
            details = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
            found.append((kind, details.get("name")))
    return found


def lambda_task(function: str, **fields: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": LAMBDA,
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "ResultSelector": {"value.$": "$.Payload"},
        **fields,
    }
