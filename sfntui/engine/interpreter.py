"""The local interpreter: runs a state machine model as AWS Step Functions would.

`LocalExecution(machine, input, ...).run()` walks the states, writes an AWS-shaped history
(`execution.history.events`) and per-state inspection data, and returns the final status
with the output or the error and cause. It is async and deterministic under a virtual clock;
Parallel branches and Map iterations are asyncio tasks, bounded by MaxConcurrency.

This module is the engine's composition root: it owns the table of state runners (one per
state type, in `flow_states`, `task_state`, `parallel_state` and `map_state`) and imports
them; they see a `LocalExecution` only under TYPE_CHECKING, and start child runs through its
public methods (`run_branch` for a Parallel branch or a Map iteration, `child_execution` and
`run_child` for a distributed Map's child executions). A debugger is attached as a `Gate`.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import ChainMap
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import StatesError
from sfntui.asl.templates import to_json
from sfntui.asl.timestamps import format_timestamp
from sfntui.engine.clock import Clock, RealClock
from sfntui.engine.error_handling import with_retry_and_catch
from sfntui.engine.flow_states import run_choice, run_fail, run_pass, run_succeed, run_wait
from sfntui.engine.gate import ExecutionStopped, Gate, Location
from sfntui.engine.inspection import Inspection
from sfntui.engine.map_state import run_map
from sfntui.engine.outcome import (
    ExecutionFrame,
    ExecutionResult,
    StateFailed,
    error_details,
    in_state_cause,
    too_big,
)
from sfntui.engine.parallel_state import run_parallel
from sfntui.engine.recorder import HistoryLimitExceeded, HistoryRecorder, Thread
from sfntui.engine.state_execution import MAX_VARIABLES_TOTAL_BYTES, StateExecution, StateRunner
from sfntui.engine.task_state import run_task
from sfntui.engine.tasks import ResolverChain, TaskFailure

#: How each type of state runs. Task, Parallel and Map do work that can fail, be retried and
#: be caught; the others move data and control.
STATE_RUNNERS: dict[str, StateRunner] = {
    "Pass": run_pass,
    "Succeed": run_succeed,
    "Wait": run_wait,
    "Fail": run_fail,
    "Choice": run_choice,
    "Task": with_retry_and_catch(run_task),
    "Parallel": with_retry_and_catch(run_parallel),
    "Map": with_retry_and_catch(run_map),
}

#: The state types that take time, and so have a `<Type>StateAborted` event when stopped.
_ABORTABLE = frozenset({"Task", "Wait", "Parallel", "Map"})


@dataclass
class RunOptions:
    name: str = "local"
    state_machine_name: str = "StateMachine"
    region: str = "us-east-1"
    account: str = "123456789012"
    role_arn: str | None = None
    #: Seeds the randomness of jitter, UUIDs and task tokens, for repeatable runs.
    seed: int | None = 0
    history_limit: int | None = 25_000
    #: STANDARD or EXPRESS: an Express execution's ARN and context object differ slightly.
    execution_type: str = "STANDARD"
    extra_context: dict[str, Any] = field(default_factory=dict)


class LocalExecution:
    def __init__(
        self,
        machine: m.StateMachine,
        execution_input: Any = None,
        *,
        clock: Clock | None = None,
        resolvers: ResolverChain | None = None,
        options: RunOptions | None = None,
        debugger: Gate | None = None,
    ) -> None:
        self.machine = machine
        self.input = {} if execution_input is None else execution_input
        self.clock = clock or RealClock()
        self.resolvers = resolvers or ResolverChain()
        self.options = options or RunOptions()
        self.debugger = debugger
        self.history = HistoryRecorder(self.clock.now, self.options.history_limit)
        self.inspections: list[Inspection] = []
        self.result: ExecutionResult | None = None
        self._random = random.Random(self.options.seed)
        self._invocations: dict[str, int] = {}
        self._task_tokens: dict[str, asyncio.Future[Any]] = {}
        self._variable_bytes: dict[int, dict[str, int]] = {}
        self._task: asyncio.Task[Any] | None = None
        self._stopped_with: tuple[str | None, str | None] = (None, None)
        #: When each waiting token last had a heartbeat sent for it.
        self.heartbeats: dict[str, datetime] = {}
        self._started: datetime | None = None
        #: Child executions of distributed Maps, kept for inspection unless told otherwise.
        self.keep_child_runs = True
        #: States entered by this run and, for distributed Maps, by its child runs.
        self.transitions = 0
        self._last_time: datetime | None = None
        self._shared_context: dict[str, Any] | None = None
        self._last_time_text = ""
        self.child_runs: list[LocalExecution] = []
        #: Where this run sits in its parent's: a distributed Map's child is one iteration.
        self.root_location: Location = ()
        opts = self.options
        self.state_machine_arn = (
            f"arn:aws:states:{opts.region}:{opts.account}:stateMachine:{opts.state_machine_name}"
        )
        self.execution_arn = (
            f"arn:aws:states:{opts.region}:{opts.account}:execution:"
            f"{opts.state_machine_name}:{opts.name}"
        )
        if opts.execution_type == "EXPRESS":
            run_id = uuid.UUID(int=self._random.getrandbits(128), version=4)
            self.execution_arn = (
                f"arn:aws:states:{opts.region}:{opts.account}:express:"
                f"{opts.state_machine_name}:{opts.name}:{run_id}"
            )

    # -- the public API ---------------------------------------------------------------

    async def run(self) -> ExecutionResult:
        self._task = asyncio.current_task()
        self._started = self.clock.now()
        root = ExecutionFrame(Thread(), ChainMap({}), self.root_location)
        input_text = to_json(self.input)
        details: dict[str, Any] = {
            "input": input_text,
            "inputDetails": {"truncated": False},
            "roleArn": self.options.role_arn
            or f"arn:aws:iam::{self.options.account}:role/StepFunctionsRole",
        }
        self.history.emit(root.thread, "ExecutionStarted", details)
        try:
            if too_big(input_text):
                raise StateFailed(
                    names.DATA_LIMIT_EXCEEDED,
                    "The state/task input size exceeds the maximum number of bytes service limit.",
                )
            body = self.run_branch(self.machine, self.input, root)
            if self.machine.timeout_seconds or self.debugger is not None:
                output = await self._bounded(body, self.machine.timeout_seconds)
            else:
                output = await body
        except ExecutionStopped:
            self.history.emit(
                root.thread, "ExecutionAborted", {"error": "Debugger.Stopped", "cause": "Stopped"}
            )
            self.result = ExecutionResult("ABORTED", error="Debugger.Stopped", cause="Stopped")
            return self.result
        except asyncio.CancelledError:
            # Stopped from outside (`stop`, or a distributed Map's child when the Map is
            # stopped): the history still ends, as an aborted execution's does.
            error, cause = self._stopped_with
            details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
            self.history.emit(root.thread, "ExecutionAborted", details)
            self.result = ExecutionResult("ABORTED", error=error, cause=cause)
            raise
        except _ExecutionTimedOut:
            self.history.emit(root.thread, "ExecutionTimedOut", {})
            self.result = ExecutionResult("TIMED_OUT")
            return self.result
        except StateFailed as failure:
            return self._fail_execution(root, failure)
        except HistoryLimitExceeded as exc:
            return self._fail_execution(root, StateFailed(exc.error, exc.cause))
        self.history.emit(
            root.thread,
            "ExecutionSucceeded",
            {"output": to_json(output), "outputDetails": {"truncated": False}},
        )
        self.result = ExecutionResult("SUCCEEDED", output=output)
        return self.result

    def _fail_execution(self, root: ExecutionFrame, failure: StateFailed) -> ExecutionResult:
        self.history.emit(root.thread, "ExecutionFailed", error_details(failure))
        self.result = ExecutionResult("FAILED", error=failure.error, cause=failure.cause or None)
        return self.result

    def stop(self, error: str | None = None, cause: str | None = None) -> bool:
        """StopExecution: abort the run with this error and cause (False if it is not running).

        The task running `run()` is cancelled; awaiting it raises CancelledError once the
        history ends with ExecutionAborted.
        """
        if self._task is None or self._task.done() or self.result is not None:
            return False
        self._stopped_with = (error, cause)
        self._task.cancel()
        return True

    def send_task_success(self, token: str, output: Any) -> None:
        future = self._task_tokens.get(token)
        if future is None or future.done():
            raise KeyError(f"no task waits on the token {token!r}")
        future.set_result(output)

    def send_task_failure(self, token: str, error: str, cause: str | None = None) -> None:
        future = self._task_tokens.get(token)
        if future is None or future.done():
            raise KeyError(f"no task waits on the token {token!r}")
        future.set_exception(TaskFailure(error, cause))

    def send_task_heartbeat(self, token: str) -> None:
        """Tell a task waiting on its token that its worker is alive (HeartbeatSeconds)."""
        future = self._task_tokens.get(token)
        if future is None or future.done():
            raise KeyError(f"no task waits on the token {token!r}")
        self.heartbeats[token] = self.clock.now()

    @property
    def waiting_tokens(self) -> list[str]:
        return [t for t, f in self._task_tokens.items() if not f.done()]

    # -- the limits of a run ------------------------------------------------------------

    async def _bounded(self, body: Any, seconds: int | None) -> Any:
        """The run, ended early by the machine's TimeoutSeconds or the debugger's stop, which
        abort whatever is in flight (a task waiting for its token, a long Wait)."""
        work = asyncio.ensure_future(body)
        timer = asyncio.ensure_future(self.clock.sleep(seconds)) if seconds else None
        stop = asyncio.ensure_future(self.debugger.stopped()) if self.debugger else None
        guards = {g for g in (timer, stop) if g is not None}
        done: set[asyncio.Future[Any]] = set()
        try:
            done, _ = await asyncio.wait({work, *guards}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # Also when this run is itself cancelled (a distributed Map's child whose Map
            # is stopped): nothing it started may go on running.
            for guard in guards:
                guard.cancel()
            if work not in done:
                work.cancel()
                try:
                    await work
                except (asyncio.CancelledError, Exception):
                    pass
        if work in done:
            return work.result()
        if stop is not None and stop in done:
            raise ExecutionStopped()
        raise _ExecutionTimedOut()

    # -- child runs --------------------------------------------------------------------

    async def run_branch(
        self, machine: m.StateMachine, branch_input: Any, frame: ExecutionFrame
    ) -> Any:
        """Run `machine`'s states in `frame`, a thread of this history: the execution itself,
        a Parallel branch or a Map iteration. Returns the last state's output."""
        name: str | None = machine.start_at
        data = branch_input
        text = None  # a state's output text is the next state's input text
        states = machine.states
        while name is not None:
            name, data, text = await self._run_state(states[name], data, text, frame)
        return data

    def child_execution(
        self,
        machine: m.StateMachine,
        execution_input: Any,
        *,
        name: str,
        state_machine_name: str,
        location: Location,
        seed_offset: int,
    ) -> LocalExecution:
        """A child execution with a history of its own (a distributed Map's iteration), on this
        run's clock, resolvers and gate, counting task invocations with this run."""
        opts = self.options
        child = LocalExecution(
            machine,
            execution_input,
            clock=self.clock,
            resolvers=self.resolvers,
            options=RunOptions(
                name=name,
                state_machine_name=state_machine_name,
                region=opts.region,
                account=opts.account,
                seed=None if opts.seed is None else opts.seed + seed_offset,
                history_limit=opts.history_limit,
            ),
            debugger=self.debugger,
        )
        child._invocations = self._invocations
        child.root_location = location
        if self.keep_child_runs:
            self.child_runs.append(child)  # at once: a screen may follow it live
        return child

    async def run_child(self, child: LocalExecution) -> ExecutionResult:
        """Run a child execution to its end; its transitions count as this run's too."""
        try:
            outcome = await child.run()
        finally:
            if self.debugger is not None:
                self.debugger.thread_done(child.root_location)
        self.transitions += child.transitions
        return outcome

    def thread_done(self, frame: ExecutionFrame) -> None:
        """A Parallel branch or Map iteration has ended: its variables are gone, and the
        debugger may release the threads it held."""
        self._variable_bytes.pop(id(frame.variables.maps[0]), None)
        if self.debugger is not None:
            self.debugger.thread_done(frame.location)

    # -- one state -----------------------------------------------------------------------

    def _format_time(self, moment: datetime) -> str:
        if moment != self._last_time:
            self._last_time, self._last_time_text = moment, format_timestamp(moment)
        return self._last_time_text

    def context_object(self, state: m.State, entered: datetime) -> dict[str, Any]:
        """A state's context object: the execution's part is built once and shared (no step
        changes a JSON value in place); the State part is the state's own."""
        if self._shared_context is None:
            self._shared_context = {
                "Execution": {
                    "Id": self.execution_arn,
                    "Input": self.input,
                    "StartTime": self._format_time(self._started or entered),
                    "Name": self.options.name,
                    "RoleArn": self.options.role_arn
                    or f"arn:aws:iam::{self.options.account}:role/StepFunctionsRole",
                    "RedriveCount": 0,
                },
                "StateMachine": {
                    "Id": self.state_machine_arn,
                    "Name": self.options.state_machine_name,
                },
            }
            if self.options.execution_type == "EXPRESS":
                del self._shared_context["Execution"]["RedriveCount"]
        context: dict[str, Any] = {
            **self._shared_context,
            "State": {"EnteredTime": self._format_time(entered), "Name": state.name},
        }
        if state.type in ("Task", "Parallel", "Map"):
            context["State"]["RetryCount"] = 0
        context.update(self.options.extra_context)
        return context

    async def _run_state(
        self, state: m.State, raw_input: Any, input_text: str | None, frame: ExecutionFrame
    ) -> tuple[str | None, Any, str]:
        """Run one state on its input (`input_text`: its JSON, when the caller has it); give
        the next state's name, the output and the output's JSON."""
        entered_at = self.clock.now()
        self.transitions += 1
        entered = self.history.emit(
            frame.thread,
            f"{state.type}StateEntered",
            {
                "name": state.name,
                "input": to_json(raw_input) if input_text is None else input_text,
                "inputDetails": {"truncated": False},
            },
            entered_at,
        )
        inspection = Inspection(
            state.name, state.type, state.query_language, entered["id"], frame.location
        )
        inspection.data["input"] = raw_input
        self.inspections.append(inspection)
        run = StateExecution(self, state, frame, inspection, entered_at)
        debugger = self.debugger
        try:
            if debugger is not None:
                if debugger.active:
                    await debugger.gate("enter", run, raw_input)
                edited, value = debugger.take_input_edit()
                if edited:
                    raw_input = inspection.data["input"] = value
            next_state, output = await STATE_RUNNERS[state.type](run, raw_input)
        except asyncio.CancelledError:
            if state.type in _ABORTABLE and frame.is_aborted():
                self.history.emit(frame.thread, f"{state.type}StateAborted")
            raise
        except StatesError as exc:
            cause = exc.cause
            if exc.in_state:
                cause = in_state_cause(state.name, entered["id"], cause)
            failure = StateFailed(exc.error, cause)
            await run.error_gate(failure.error, failure.cause)
            self._state_failed(state, frame, failure, inspection, evaluated=run.evaluated_failure)
            raise failure from None
        except StateFailed as failure:
            await run.error_gate(failure.error, failure.cause)
            self._state_failed(state, frame, failure, inspection, evaluated=run.evaluated_failure)
            raise
        output_text = to_json(output)
        if too_big(output_text):
            raise StateFailed(
                names.DATA_LIMIT_EXCEEDED,
                f"The state/task '{state.name}' returned a result with a size exceeding "
                "the maximum number of bytes service limit.",
            )
        if run.assigned:
            run.commit_assignments()
        inspection.data["output"] = output
        inspection.next_state = next_state
        exited: dict[str, Any] = {
            "name": state.name,
            "output": output_text,
            "outputDetails": {"truncated": False},
        }
        if run.assigned:
            exited["assignedVariables"] = run.assigned_texts
            exited["assignedVariablesDetails"] = {"truncated": False}
        self.history.emit(frame.thread, f"{state.type}StateExited", exited)
        if debugger is not None and debugger.active:
            await debugger.gate("exit", run, output)
        return next_state, output, output_text

    def _state_failed(
        self,
        state: m.State,
        frame: ExecutionFrame,
        failure: StateFailed,
        inspection: Inspection,
        evaluated: bool,
    ) -> None:
        """The events AWS writes when a state fails for good: EvaluationFailed for an error
        in evaluating the state's own fields, and the abort of a Task inside a branch."""
        inspection.error, inspection.cause = failure.error, failure.cause
        if failure.error == names.QUERY_EVALUATION_ERROR and not evaluated:
            # (Map and Parallel write theirs, with their StateFailed, in error_handling.)
            self.evaluation_failed(frame, state.name, failure.error, failure.cause)
        elif state.type == "Task" and frame.location and frame.location[-1][0] == "Parallel":
            self.history.emit(frame.thread, "TaskStateAborted")

    def evaluation_failed(
        self, frame: ExecutionFrame, state: str, error: str | None, cause: str | None
    ) -> None:
        """EvaluationFailed: a state's own field (not its work) could not be evaluated."""
        details: dict[str, Any] = {"error": error, "state": state}
        if cause is not None:
            details["cause"] = cause
        self.history.emit(frame.thread, "EvaluationFailed", details)

    # -- tasks -------------------------------------------------------------------------

    def next_invocation(self, state_name: str) -> int:
        count = self._invocations.get(state_name, 0)
        self._invocations[state_name] = count + 1
        return count

    def track_variables(self, frame: ExecutionFrame, sizes: dict[str, int]) -> None:
        """Keep the bytes of every variable held; past AWS's 10 MiB the state fails."""
        scope = id(frame.variables.maps[0])
        held = self._variable_bytes.setdefault(scope, {})
        held.update(sizes)
        total = sum(sum(s.values()) for s in self._variable_bytes.values())
        if total > MAX_VARIABLES_TOTAL_BYTES:
            raise StatesError(
                names.RUNTIME,
                f"The execution's variables would hold {total} bytes, over the "
                f"{MAX_VARIABLES_TOTAL_BYTES} bytes an execution may store.",
                in_state=True,
            )

    def drop_token(self, token: str) -> None:
        self.heartbeats.pop(token, None)
        future = self._task_tokens.pop(token, None)
        if future is not None and not future.done():
            future.cancel()

    def new_token(self) -> tuple[str, asyncio.Future[Any]]:
        token = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._task_tokens[token] = future
        return token, future

    def random(self) -> random.Random:
        return self._random


class _ExecutionTimedOut(Exception):
    pass
