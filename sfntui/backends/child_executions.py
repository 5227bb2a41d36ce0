"""Nested executions on the local engine: a Task that starts another state machine
(`arn:aws:states:::states:startExecution`, `.sync`, `.sync:2`) runs the child locally when its
definition is known (`--child NAME_OR_ARN=FILE`, the project file's `[children]`, or a machine
of that name among the local backend's definitions).

What the Task returns is what AWS's integration returns (Step Functions developer guide,
"Start a new AWS Step Functions state machine from a running execution"):
- plain: StartExecution's response, `{"ExecutionArn", "StartDate"}`, the child left running;
- `.sync`: DescribeExecution's response once the child has ended, `Input` and `Output` as JSON
  text; `.sync:2`: the same with `Input` and `Output` as JSON. A child that fails, times out
  or is aborted fails the Task with `States.TaskFailed`, the DescribeExecution response as
  its cause.
The child is linked both ways: its ARN is in the parent's task result (and so its history),
and `on_start` hands the child to whoever keeps runs (the local backend lists it, the run
store keeps its parent's ARN). On a virtual clock the child runs on its own virtual clock
started at the parent's time (the parent's is held while a task call is in flight).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sfntui.asl.model import StateMachine
from sfntui.engine.clock import Clock, VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution, RunOptions
from sfntui.engine.runner import AskingResolver, RunSetup, unanswered_tasks
from sfntui.engine.tasks import NoResolverError, Resource, TaskFailure, TaskInvocation


@dataclass(frozen=True)
class ChildMachine:
    name: str
    machine: StateMachine
    definition: Any = None  # the definition as JSON, for the run store
    file: str | None = None


@dataclass
class ChildStart:
    """A child run about to start, as handed to `on_start`."""

    execution: LocalExecution
    machine: ChildMachine
    parent_arn: str
    setup: RunSetup


Location = tuple[tuple[str, str, int], ...]


class _PlacedFrame:
    """A child's frame seen from the parent: its location under the Task that started it."""

    def __init__(self, frame: Any, prefix: Location) -> None:
        self._frame = frame
        self.location: Location = (*prefix, *frame.location)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._frame, name)


class _PlacedRun:
    """A child's state run as the parent's debugger sees it (only its location differs)."""

    def __init__(self, run: Any, prefix: Location) -> None:
        self._run = run
        self.frame = _PlacedFrame(run.frame, prefix)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._run, name)


class ChildGate:
    """The parent's debugger, as the child execution is given it: every location in the child
    is placed under `("Execution", <Task state>, <invocation>)`, so step into at the Task
    enters the child, step out in the child returns to the parent, and breakpoints,
    pause and stop work across both. The child's events still go to the child's history."""

    def __init__(self, debugger: Any, prefix: Location) -> None:
        self.debugger = debugger
        self.prefix = prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self.debugger, name)

    async def gate(self, moment: Any, run: Any, data: Any = None) -> None:
        await self.debugger.gate(moment, _PlacedRun(run, self.prefix), data)

    def thread_done(self, location: Location) -> None:
        self.debugger.thread_done((*self.prefix, *location))

    def waiting_for_slot(self, location: Location) -> None:
        self.debugger.waiting_for_slot((*self.prefix, *location))


class ChildExecutions:
    """A task resolver for `states:startExecution`, running known children locally.

    Under a debugger (`for_debugger`), the child runs under the same debugger (`ChildGate`)."""

    def __init__(
        self,
        find: Callable[[str], ChildMachine | None],
        setup_of: Callable[[str], RunSetup],
        on_start: Callable[[ChildStart], None] | None = None,
    ) -> None:
        """`find`: the machine for a StateMachineArn or name (None when unknown);
        `setup_of`: what answers the child's Tasks, by machine name."""
        self.find = find
        self.setup_of = setup_of
        self.on_start = on_start
        self.running: set[asyncio.Task[Any]] = set()
        self.debugger: Any = None

    def for_debugger(self, debugger: Any) -> ChildExecutions:
        """The same resolver for a debugged run: its children run under `debugger` too."""
        bound = ChildExecutions(self.find, self.setup_of, self.on_start)
        bound.running = self.running
        bound.debugger = debugger
        return bound

    def handles(self, state: str, resource: Resource) -> bool:
        return resource.service == "states" and resource.action == "startExecution" and (
            resource.pattern in ("", "sync", "sync:2")
        )

    async def invoke(self, invocation: TaskInvocation) -> Any:
        parameters = invocation.parameters if isinstance(invocation.parameters, dict) else {}
        target = parameters.get("StateMachineArn")
        if not isinstance(target, str) or not target:
            raise TaskFailure("States.Runtime", "startExecution needs a StateMachineArn.")
        child = self.find(target)
        if child is None:
            raise TaskFailure(
                "StepFunctions.StateMachineDoesNotExistException",
                f"No local definition is known for {target}: give it with "
                "--child NAME_OR_ARN=FILE or the project file's [children].",
            )
        child_input = parameters.get("Input", {})
        if isinstance(child_input, str):
            try:
                child_input = json.loads(child_input)
            except ValueError:
                raise TaskFailure(
                    "StepFunctions.InvalidExecutionInputException",
                    "The Input given to startExecution is not valid JSON.",
                ) from None
        execution = self._child_execution(invocation, child, child_input, parameters)
        started = execution.clock.now()
        pattern = invocation.resource.pattern
        if pattern == "":
            task = asyncio.ensure_future(execution.run())
            self.running.add(task)
            task.add_done_callback(self.running.discard)
            return {"ExecutionArn": execution.execution_arn, "StartDate": _millis(started)}
        result = await execution.run()
        described = _described(execution, child, child_input, result, started, pattern)
        if result.status != "SUCCEEDED":
            raise TaskFailure("States.TaskFailed", json.dumps(_as_text(described)))
        return described

    def _child_execution(
        self,
        invocation: TaskInvocation,
        child: ChildMachine,
        child_input: Any,
        parameters: Mapping[str, Any],
    ) -> LocalExecution:
        parent_arn = _parent_arn(invocation)
        region, account = _region_and_account(parent_arn)
        name = parameters.get("Name")
        if not isinstance(name, str) or not name:
            name = f"{invocation.execution_name or 'child'}-{secrets.token_hex(4)}"
        setup = self.setup_of(child.name)
        chain = setup.resolvers(child.machine)
        gate = None
        if self.debugger is not None:
            where = getattr(invocation, "location", ())
            prefix = (*where, ("Execution", invocation.state, invocation.invocation))
            gate = ChildGate(self.debugger, prefix)
        chain.resolvers.append(self if gate is None else self.for_debugger(gate))  # grandchildren
        if gate is not None and hasattr(self.debugger, "ask_task_result"):
            chain.resolvers.append(AskingResolver(gate.ask_task_result))
        missing = unanswered_tasks(child.machine, chain)
        if missing:
            raise TaskFailure("States.Runtime", f"{child.name}: {NoResolverError(missing)}.")
        options = RunOptions(
            name=name, state_machine_name=child.name, region=region, account=account
        )
        execution = LocalExecution(
            child.machine,
            child_input,
            clock=_child_clock(invocation.clock),
            resolvers=chain,
            options=options,
            debugger=gate,
        )
        if self.on_start is not None:
            self.on_start(ChildStart(execution, child, parent_arn, setup))
        return execution


def _parent_arn(invocation: TaskInvocation) -> str:
    context = invocation.context if isinstance(invocation.context, dict) else {}
    execution = context.get("Execution", {})
    return str(execution.get("Id", "")) if isinstance(execution, dict) else ""


def _region_and_account(arn: str) -> tuple[str, str]:
    parts = arn.split(":")
    if len(parts) > 4 and parts[3] and parts[4]:
        return parts[3], parts[4]
    return "us-east-1", "123456789012"


def _child_clock(parent: Clock) -> Clock:
    if isinstance(parent, VirtualClock):
        return VirtualClock(parent.now())
    return parent


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _described(
    execution: LocalExecution,
    child: ChildMachine,
    child_input: Any,
    result: ExecutionResult,
    started: datetime,
    pattern: str,
) -> dict[str, Any]:
    """DescribeExecution's response as the `.sync` (text) or `.sync:2` (JSON) Task returns it."""
    as_json = pattern == "sync:2"
    machine_arn = execution.execution_arn.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0]
    described: dict[str, Any] = {
        "ExecutionArn": execution.execution_arn,
        "Input": child_input if as_json else json.dumps(child_input),
        "InputDetails": {"Included": True},
        "Name": execution.options.name,
        "StartDate": _millis(started),
        "StateMachineArn": machine_arn,
        "Status": result.status,
        "StopDate": _millis(execution.clock.now()),
    }
    if result.status == "SUCCEEDED":
        described["Output"] = result.output if as_json else json.dumps(result.output)
        described["OutputDetails"] = {"Included": True}
    else:
        if result.error is not None:
            described["Error"] = result.error
        if result.cause is not None:
            described["Cause"] = result.cause
    return described


def _as_text(described: dict[str, Any]) -> dict[str, Any]:
    """The cause of a failed child: DescribeExecution with Input/Output as text, as AWS has it."""
    text = dict(described)
    for key in ("Input", "Output"):
        if key in text and not isinstance(text[key], str):
            text[key] = json.dumps(text[key])
    return text
