"""The local interpreter: runs a state machine model as AWS Step Functions would.

`LocalExecution(machine, input, ...).run()` walks the states, writes an AWS-shaped history
(`execution.history.events`) and per-state inspection data, and returns the final status
with the output or the error and cause. It is async and deterministic under a virtual clock;
Parallel branches and Map iterations are asyncio tasks, bounded by MaxConcurrency.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import ChainMap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import PathNotFoundError, StatesError
from sfntui.asl.paths import Path, set_at
from sfntui.asl.templates import Bindings, Template, to_json
from sfntui.asl.timestamps import format_timestamp, parse_timestamp
from sfntui.engine.clock import Clock, RealClock
from sfntui.engine.debugger import ExecutionStopped
from sfntui.engine.inspection import Inspection
from sfntui.engine.recorder import HistoryLimitExceeded, HistoryRecorder, Thread
from sfntui.engine.tasks import (
    ResolverChain,
    Resource,
    TaskFailure,
    TaskInvocation,
    read_resource,
)

#: AWS's payload quota for a state's input, output and a task's result, in UTF-8 bytes.
MAX_PAYLOAD_BYTES = 256 * 1024
#: AWS's quotas on variables: one variable, and one Assign's values together; and all the
#: variables an execution holds at once.
MAX_VARIABLE_BYTES = 256 * 1024
MAX_VARIABLES_TOTAL_BYTES = 10 * 1024 * 1024

_UNCATCHABLE = frozenset({names.RUNTIME})
#: The state types that take time, and so have a `<Type>StateAborted` event when stopped.
_ABORTABLE = frozenset({"Task", "Wait", "Parallel", "Map"})


@dataclass
class ExecutionResult:
    status: str  # SUCCEEDED | FAILED | TIMED_OUT | ABORTED
    output: Any = None
    error: str | None = None
    cause: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.status == "SUCCEEDED":
            return {"status": self.status, "output": self.output}
        return {"status": self.status, "error": self.error, "cause": self.cause}


@dataclass
class Frame:
    """One thread of control: the execution itself, a Parallel branch or a Map iteration."""

    thread: Thread
    variables: ChainMap[str, Any]
    location: tuple[tuple[str, str, int], ...] = ()
    map_item: dict[str, Any] | None = None
    parent: Frame | None = None
    #: Set when a sibling's failure stops this branch or iteration (AWS writes *Aborted).
    aborted: bool = False

    def child(self, kind: str, state: str, index: int, map_item: Any = None) -> Frame:
        return Frame(
            thread=self.thread.fork(),
            variables=self.variables.new_child(),
            location=(*self.location, (kind, state, index)),
            map_item=map_item,
            parent=self,
        )

    def is_aborted(self) -> bool:
        """Stopped because a sibling failed, here or in an enclosing branch or iteration."""
        frame: Frame | None = self
        while frame is not None:
            if frame.aborted:
                return True
            frame = frame.parent
        return False


class _Failed(Exception):
    """A state failed with an error that no Catch of its own took: it propagates upward."""

    def __init__(self, error: str | None, cause: str | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.cause = cause


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
        debugger: Any = None,
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
        #: When each waiting token last had a heartbeat sent for it.
        self.heartbeats: dict[str, datetime] = {}
        self._started: datetime | None = None
        #: Child executions of distributed Maps, kept for inspection unless told otherwise.
        self.keep_child_runs = True
        #: States entered by this run and, for distributed Maps, by its child runs.
        self.transitions = 0
        self._last_time: datetime | None = None
        self._last_time_text = ""
        self.child_runs: list[LocalExecution] = []
        #: Where this run sits in its parent's: a distributed Map's child is one iteration.
        self.root_location: tuple[tuple[str, str, int], ...] = ()
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
        self._started = self.clock.now()
        root = Frame(Thread(), ChainMap({}), self.root_location)
        input_text = to_json(self.input)
        details: dict[str, Any] = {
            "input": input_text,
            "inputDetails": {"truncated": False},
            "roleArn": self.options.role_arn
            or f"arn:aws:iam::{self.options.account}:role/StepFunctionsRole",
        }
        self.history.emit(root.thread, "ExecutionStarted", details)
        try:
            if _too_big(input_text):
                raise _Failed(
                    names.DATA_LIMIT_EXCEEDED,
                    "The state/task input size exceeds the maximum number of bytes service limit.",
                )
            body = self._run_machine(self.machine, self.input, root)
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
            # Stopped from outside (a distributed Map's child when the Map is stopped): the
            # history still ends, as an aborted execution's does.
            self.history.emit(root.thread, "ExecutionAborted", {})
            self.result = ExecutionResult("ABORTED")
            raise
        except _ExecutionTimedOut:
            self.history.emit(root.thread, "ExecutionTimedOut", {})
            self.result = ExecutionResult("TIMED_OUT")
            return self.result
        except _Failed as failure:
            return self._fail_execution(root, failure)
        except HistoryLimitExceeded as exc:
            return self._fail_execution(root, _Failed(exc.error, exc.cause))
        self.history.emit(
            root.thread,
            "ExecutionSucceeded",
            {"output": to_json(output), "outputDetails": {"truncated": False}},
        )
        self.result = ExecutionResult("SUCCEEDED", output=output)
        return self.result

    def _fail_execution(self, root: Frame, failure: _Failed) -> ExecutionResult:
        self.history.emit(root.thread, "ExecutionFailed", _error_details(failure))
        self.result = ExecutionResult("FAILED", error=failure.error, cause=failure.cause or None)
        return self.result

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

    # -- machines and states -----------------------------------------------------------

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

    async def _run_machine(self, machine: m.StateMachine, state_input: Any, frame: Frame) -> Any:
        name: str | None = machine.start_at
        data = state_input
        while name is not None:
            state = machine.states[name]
            name, data = await self._run_state(state, data, frame)
        return data

    def _format_time(self, moment: datetime) -> str:
        if moment != self._last_time:
            self._last_time, self._last_time_text = moment, format_timestamp(moment)
        return self._last_time_text

    def _context(self, state: m.State, entered: datetime, frame: Frame, retry: int = 0) -> dict:
        context: dict[str, Any] = {
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
            "State": {"EnteredTime": self._format_time(entered), "Name": state.name},
        }
        if state.type in ("Task", "Parallel", "Map"):
            context["State"]["RetryCount"] = retry
        if self.options.execution_type == "EXPRESS":
            del context["Execution"]["RedriveCount"]
        context.update(self.options.extra_context)
        return context

    async def _run_state(
        self, state: m.State, raw_input: Any, frame: Frame
    ) -> tuple[str | None, Any]:
        entered_at = self.clock.now()
        self.transitions += 1
        entered = self.history.emit(
            frame.thread,
            f"{state.type}StateEntered",
            {"name": state.name, "input": to_json(raw_input), "inputDetails": {"truncated": False}},
        )
        inspection = Inspection(
            state.name, state.type, state.query_language, entered["id"], frame.location
        )
        inspection.data["input"] = raw_input
        self.inspections.append(inspection)
        run = _StateRun(self, state, frame, inspection, self._context(state, entered_at, frame))
        try:
            if self.debugger is not None:
                await self.debugger.gate("enter", run, raw_input)
                edited, value = self.debugger.take_input_edit()
                if edited:
                    raw_input = inspection.data["input"] = value
            next_state, output = await run.execute(raw_input)
        except asyncio.CancelledError:
            if state.type in _ABORTABLE and frame.is_aborted():
                self.history.emit(frame.thread, f"{state.type}StateAborted")
            raise
        except StatesError as exc:
            cause = exc.cause
            if exc.in_state:
                cause = (
                    f"An error occurred while executing the state '{state.name}' "
                    f"(entered at the event id #{entered['id']}). {cause}"
                )
            failure = _Failed(exc.error, cause)
            await run.error_gate(failure.error, failure.cause)
            self._state_failed(state, frame, failure, inspection, evaluated=run.evaluated_failure)
            raise failure from None
        except _Failed as failure:
            await run.error_gate(failure.error, failure.cause)
            self._state_failed(state, frame, failure, inspection, evaluated=run.evaluated_failure)
            raise
        output_text = to_json(output)
        if _too_big(output_text):
            raise _Failed(
                names.DATA_LIMIT_EXCEEDED,
                f"The state/task '{state.name}' returned a result with a size exceeding "
                "the maximum number of bytes service limit.",
            )
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
        if self.debugger is not None:
            await self.debugger.gate("exit", run, output)
        return next_state, output

    def thread_done(self, frame: Frame) -> None:
        """A Parallel branch or Map iteration has ended: its variables are gone, and the
        debugger may release the threads it held."""
        self._variable_bytes.pop(id(frame.variables.maps[0]), None)
        if self.debugger is not None:
            self.debugger.thread_done(frame.location)

    def _state_failed(
        self,
        state: m.State,
        frame: Frame,
        failure: _Failed,
        inspection: Inspection,
        evaluated: bool,
    ) -> None:
        """The events AWS writes when a state fails for good: EvaluationFailed for an error
        in evaluating the state's own fields, and the abort of a Task inside a branch."""
        inspection.error, inspection.cause = failure.error, failure.cause
        if failure.error == names.QUERY_EVALUATION_ERROR and not evaluated:
            details = {"error": failure.error, "state": state.name}
            if failure.cause is not None:
                details["cause"] = failure.cause
            self.history.emit(frame.thread, "EvaluationFailed", details)
            if state.type in ("Map", "Parallel"):
                self.history.emit(frame.thread, f"{state.type}StateFailed", _error_details(failure))
        elif state.type == "Task" and frame.location and frame.location[-1][0] == "Parallel":
            self.history.emit(frame.thread, "TaskStateAborted")

    # -- tasks -------------------------------------------------------------------------

    def next_invocation(self, state_name: str) -> int:
        count = self._invocations.get(state_name, 0)
        self._invocations[state_name] = count + 1
        return count

    def track_variables(self, frame: Frame, sizes: dict[str, int]) -> None:
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


def _error_details(failure: _Failed) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if failure.error is not None:
        details["error"] = failure.error
    if failure.cause:
        details["cause"] = failure.cause
    return details


def _too_big(text: str) -> bool:
    return len(text) > MAX_PAYLOAD_BYTES // 4 and len(text.encode()) > MAX_PAYLOAD_BYTES


class _StateRun:
    """One run of one state: evaluates its fields in AWS's order and records each step."""

    def __init__(
        self,
        execution: LocalExecution,
        state: m.State,
        frame: Frame,
        inspection: Inspection,
        context: dict[str, Any],
    ) -> None:
        self.execution = execution
        self.state = state
        self.frame = frame
        self.inspection = inspection
        self.context = context
        self.assigned: dict[str, Any] = {}
        self.assigned_texts: dict[str, str] = {}
        self.jsonata = state.query_language == "JSONata"
        #: Set once the state's failure events were written (Map/Parallel after retries).
        self.evaluated_failure = False
        self.error_gated = False

    # -- the pieces every state shares -------------------------------------------------

    @property
    def variables(self) -> ChainMap[str, Any]:
        return self.frame.variables

    def bindings(self, document: Any, **states: Any) -> Bindings:
        rng = self.execution.random()
        if self.jsonata:
            states.setdefault("context", self.context)
            return Bindings(
                document, self.context, self.variables, states, self.execution.clock.now(), rng
            )
        return Bindings(document, self.context, self.variables, rng=rng)

    def apply_path(self, path: Path | None, data: Any, field: str, discard: bool) -> Any:
        if discard:
            return {}
        if path is None or (path.steps == () and path.root == "input"):
            return data
        try:
            return path.find(data, self.context, self.variables)
        except PathNotFoundError as exc:
            raise StatesError(
                names.RUNTIME, f"Invalid path '{path.text}' : {exc.message}", in_state=True
            ) from None

    def input_path(self, raw_input: Any) -> Any:
        if self.jsonata:
            return raw_input
        value = self.apply_path(
            self.state.input_path, raw_input, "InputPath", self.state.discard_input
        )
        self.inspection.data["afterInputPath"] = value
        return value

    def output_path(self, data: Any) -> Any:
        return self.apply_path(
            self.state.output_path, data, "OutputPath", self.state.discard_output
        )

    def result_path(self, raw_input: Any, result: Any, path: Path | None, discard: bool) -> Any:
        if discard:
            value = raw_input
        elif path is None or not path.steps:
            value = result
        else:
            try:
                value = set_at(raw_input, path, result)
            except PathNotFoundError as exc:
                raise StatesError(
                    names.RUNTIME, f"Invalid path '{path.text}' : {exc.message}", in_state=True
                ) from None
        self.inspection.data["afterResultPath"] = value
        return value

    def assign(self, template: Template | None, bindings: Bindings) -> None:
        """Evaluate Assign now; the values take effect when the state is done (AWS's order)."""
        if template is None:
            return
        values = template.evaluate(bindings)
        if not isinstance(values, dict):
            raise StatesError(names.RUNTIME, "Assign must produce a JSON object", in_state=True)
        for name in values:
            if self.frame.location and _defined_outside(self.variables, name):
                raise StatesError(
                    names.RUNTIME,
                    f"The variable '{name}' is defined in an outer scope and cannot be "
                    "assigned in a Map iteration or Parallel branch.",
                    in_state=True,
                )
        texts = {name: to_json(value) for name, value in values.items()}
        self.assigned_texts.update(texts)
        sizes = {name: len(text.encode()) for name, text in texts.items()}
        for name, size in sizes.items():
            if size > MAX_VARIABLE_BYTES:
                raise StatesError(
                    names.RUNTIME,
                    f"The value assigned to the variable '{name}' is {size} bytes, over the "
                    f"{MAX_VARIABLE_BYTES} bytes a variable may hold.",
                    in_state=True,
                )
        if sum(sizes.values()) > MAX_VARIABLE_BYTES:
            raise StatesError(
                names.RUNTIME,
                f"The values of one Assign add up to {sum(sizes.values())} bytes, over the "
                f"{MAX_VARIABLE_BYTES} bytes an Assign may hold.",
                in_state=True,
            )
        self.execution.track_variables(self.frame, sizes)
        self.assigned.update(values)

    def commit_assignments(self) -> None:
        if self.assigned:
            self.variables.maps[0].update(self.assigned)
            self.inspection.variables = dict(self.variables)

    def jsonata_output(self, default: Any, **states: Any) -> Any:
        template = self.state.output
        if template is None:
            return default
        return template.evaluate(self.bindings(None, **states))

    async def error_gate(self, error: str | None, cause: str | None) -> None:
        """Break on failure: once per run of a state, before Retry or Catch sees the error."""
        debugger = self.execution.debugger
        if debugger is None or self.error_gated:
            return
        self.error_gated = True
        self.inspection.error, self.inspection.cause = error, cause
        await debugger.gate("error", self, {"Error": error, "Cause": cause})

    async def result_gate(self, result: Any) -> Any:
        """A stop on a work state's result, before ResultSelector: the result may be edited."""
        debugger = self.execution.debugger
        if debugger is None:
            return result
        self.inspection.data["result"] = result
        await debugger.gate("result", self, result)
        edited, value = debugger.take_result_edit()
        return value if edited else result

    # -- dispatch ----------------------------------------------------------------------

    async def execute(self, raw_input: Any) -> tuple[str | None, Any]:
        state = self.state
        runner = getattr(self, f"_run_{state.type.lower()}")
        result: tuple[str | None, Any] = await runner(state, raw_input)
        return result

    def _next(self) -> str | None:
        return None if self.state.end else self.state.next

    # -- Pass, Succeed, Wait, Fail, Choice ---------------------------------------------

    async def _run_pass(self, state: m.PassState, raw_input: Any) -> tuple[str | None, Any]:
        if self.jsonata:
            self.assign(state.assign, self.bindings(None, input=raw_input))
            return self._next(), self.jsonata_output(raw_input, input=raw_input)
        effective = self.input_path(raw_input)
        if state.parameters is not None:
            result = state.parameters.evaluate(self.bindings(effective))
            self.inspection.data["afterParameters"] = result
        elif state.has_result:
            result = state.result
        else:
            result = effective
        self.inspection.data["result"] = result
        self.assign(state.assign, self.bindings(result))
        after = self.result_path(raw_input, result, state.result_path, state.discard_result)
        return self._next(), self.output_path(after)

    async def _run_succeed(self, state: m.SucceedState, raw_input: Any) -> tuple[None, Any]:
        if self.jsonata:
            return None, self.jsonata_output(raw_input, input=raw_input)
        return None, self.output_path(self.input_path(raw_input))

    async def _run_wait(self, state: m.WaitState, raw_input: Any) -> tuple[str | None, Any]:
        effective = self.input_path(raw_input)
        bindings = self.bindings(effective, input=raw_input)
        seconds = self._wait_seconds(state, effective, bindings)
        if seconds > 0:
            await self.execution.clock.sleep(seconds)
        self.assign(state.assign, bindings)
        if self.jsonata:
            return self._next(), self.jsonata_output(raw_input, input=raw_input)
        return self._next(), self.output_path(effective)

    def _wait_seconds(self, state: m.WaitState, effective: Any, bindings: Bindings) -> float:
        now = self.execution.clock.now()
        if state.seconds is not None:
            value = state.seconds.evaluate(bindings)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StatesError(
                    names.QUERY_EVALUATION_ERROR if self.jsonata else names.RUNTIME,
                    f"The Seconds field must be a number but was: {to_json(value)}",
                    in_state=True,
                )
            return float(value)
        if state.seconds_path is not None:
            value = self.apply_path(state.seconds_path, effective, "SecondsPath", False)
            text = state.seconds_path.text
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (isinstance(value, float) and not value.is_integer())
            ):
                raise StatesError(
                    names.RUNTIME,
                    f"The SecondsPath parameter cannot be parsed as a long value: "
                    f"{text} == {_plain(value)}",
                    in_state=True,
                )
            if value < 0:
                raise StatesError(
                    names.RUNTIME,
                    f"The SecondsPath parameter references a negative value: {text} == {value}",
                    in_state=True,
                )
            return float(value)
        if state.timestamp is not None:
            value = state.timestamp.evaluate(bindings)
            when = parse_timestamp(value) if isinstance(value, str) else None
            if when is None:
                raise StatesError(
                    names.QUERY_EVALUATION_ERROR if self.jsonata else names.RUNTIME,
                    "The Timestamp field cannot be parsed as an ISO-8601 extended offset "
                    f"date-time format string: {_plain(value)}",
                    in_state=True,
                )
            return (when - now).total_seconds()
        if state.timestamp_path is not None:
            value = self.apply_path(state.timestamp_path, effective, "TimestampPath", False)
            when = parse_timestamp(value) if isinstance(value, str) else None
            if when is None:
                raise StatesError(
                    names.RUNTIME,
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                    f"offset date-time format string: {state.timestamp_path.text} == "
                    f"{_plain(value)}",
                    in_state=True,
                )
            return (when - now).total_seconds()
        return 0.0

    async def _run_fail(self, state: m.FailState, raw_input: Any) -> tuple[None, Any]:
        bindings = self.bindings(raw_input, input=raw_input)
        error = _fail_field(state.error, state.error_path, bindings)
        cause = _fail_field(state.cause, state.cause_path, bindings)
        raise _Failed(error, cause)

    async def _run_choice(self, state: m.ChoiceState, raw_input: Any) -> tuple[str | None, Any]:
        effective = self.input_path(raw_input)
        bindings = self.bindings(effective, input=raw_input)
        for branch in state.choices:
            if self.jsonata:
                matched = branch.condition.evaluate(bindings) if branch.condition else False
                if not isinstance(matched, bool):
                    raise StatesError(
                        names.QUERY_EVALUATION_ERROR,
                        f"The JSONata expression '{_inner(branch.text)}' specified for the "
                        "field 'Condition' returned an unexpected result type. Expected "
                        f"'boolean', but was '{json_type(matched)}' for value: "
                        f"{to_json(matched)}",
                        in_state=True,
                    )
            else:
                matched = branch.rule.evaluate(effective, self.context, self.variables)
            if matched:
                self.assign(branch.assign or state.assign, bindings)
                if self.jsonata:
                    template = branch.output or state.output
                    output = template.evaluate(bindings) if template else raw_input
                    return branch.next, output
                return branch.next, self.output_path(effective)
        if state.default is None:
            raise _Failed(names.NO_CHOICE_MATCHED, "No Matches!")
        self.assign(state.assign, bindings)
        if self.jsonata:
            return state.default, self.jsonata_output(raw_input, input=raw_input)
        return state.default, self.output_path(effective)

    # -- Task, Parallel, Map: work that can fail, be retried and caught ------------------

    async def _run_task(self, state: m.TaskState, raw_input: Any) -> tuple[str | None, Any]:
        from sfntui.engine.task_state import run_task

        return await self._with_error_handling(state, raw_input, run_task)

    async def _run_parallel(self, state: m.ParallelState, raw_input: Any) -> tuple[str | None, Any]:
        from sfntui.engine.parallel_state import run_parallel

        return await self._with_error_handling(state, raw_input, run_parallel)

    async def _run_map(self, state: m.MapState, raw_input: Any) -> tuple[str | None, Any]:
        from sfntui.engine.map_state import run_map

        return await self._with_error_handling(state, raw_input, run_map)

    async def _with_error_handling(
        self,
        state: Any,
        raw_input: Any,
        work: Callable[[_StateRun, Any, Any, int], Any],
    ) -> tuple[str | None, Any]:
        """Run the state's work with its Retry and Catch; the work returns the raw result."""
        effective = self.input_path(raw_input)
        attempts: dict[int, int] = {}
        retry_count = 0
        while True:
            try:
                self.context["State"]["RetryCount"] = retry_count
                result = await work(self, raw_input, effective, retry_count)
                if self.execution.debugger is not None:
                    result = await self.result_gate(result)
                return self._finish_work(state, raw_input, result)
            except (StatesError, _Failed) as exc:
                error = exc.error
                cause = exc.cause
                if isinstance(exc, StatesError) and exc.in_state:
                    if error in _UNCATCHABLE:
                        raise
                    cause = (
                        f"An error occurred while executing the state '{state.name}' "
                        f"(entered at the event id #{self.inspection.entered_event_id}). {cause}"
                    )
                if error in _UNCATCHABLE:
                    raise _Failed(error, cause) from None
                await self.error_gate(error, cause)
                delay = self._retry_delay(state.retry, error, attempts)
                if delay is not None:
                    self.error_gated = False  # the next attempt's failure may stop too
                    if delay > 0:
                        await self.execution.clock.sleep(delay)
                    retry_count += 1
                    continue
                if state.type in ("Map", "Parallel"):
                    own = isinstance(exc, StatesError) and exc.in_state
                    if error == names.QUERY_EVALUATION_ERROR and own:
                        details: dict[str, Any] = {"error": error, "state": state.name}
                        if cause is not None:
                            details["cause"] = cause
                        self.execution.history.emit(self.frame.thread, "EvaluationFailed", details)
                    self.execution.history.emit(
                        self.frame.thread,
                        f"{state.type}StateFailed",
                        _error_details(_Failed(error, cause)),
                    )
                    self.evaluated_failure = True
                caught = self._catch(state, raw_input, error, cause)
                if caught is not None:
                    return caught
                raise _Failed(error, cause) from None

    def _finish_work(self, state: Any, raw_input: Any, result: Any) -> tuple[str | None, Any]:
        self.inspection.data["result"] = result
        if self.jsonata:
            bindings = self.bindings(None, input=raw_input, result=result)
            self.assign(state.assign, bindings)
            if state.output is None:
                return self._next(), result
            return self._next(), state.output.evaluate(bindings)
        if state.result_selector is not None:
            result = state.result_selector.evaluate(self.bindings(result))
            self.inspection.data["afterResultSelector"] = result
        self.assign(state.assign, self.bindings(result))
        after = self.result_path(raw_input, result, state.result_path, state.discard_result)
        return self._next(), self.output_path(after)

    def _retry_delay(
        self, retriers: tuple[m.Retrier, ...], error: str | None, attempts: dict[int, int]
    ) -> float | None:
        for index, retrier in enumerate(retriers):
            if not _matches(retrier.error_equals, error):
                continue
            done = attempts.get(index, 0)
            if done >= retrier.max_attempts:
                return None
            attempts[index] = done + 1
            delay = retrier.interval_seconds * (retrier.backoff_rate**done)
            if retrier.max_delay_seconds is not None:
                delay = min(delay, retrier.max_delay_seconds)
            if retrier.jitter_strategy == "FULL":
                delay = self.execution.random().uniform(0, delay)
            return float(delay)
        return None

    def _catch(
        self, state: Any, raw_input: Any, error: str | None, cause: str | None
    ) -> tuple[str | None, Any] | None:
        for catcher in state.catch:
            if not _matches(catcher.error_equals, error):
                continue
            error_output: dict[str, Any] = {"Error": error, "Cause": cause}
            self.inspection.error, self.inspection.cause = error, cause
            # The failed state never completed: only the catcher's Assign takes effect.
            self.assigned, self.assigned_texts = {}, {}
            if self.jsonata:
                bindings = self.bindings(None, input=raw_input, errorOutput=error_output)
                self.assign(catcher.assign, bindings)
                output = (
                    catcher.output.evaluate(bindings)
                    if catcher.output is not None
                    else error_output
                )
            else:
                self.assign(catcher.assign, self.bindings(error_output))
                if catcher.result_path is None:
                    output = raw_input
                else:
                    output = self.result_path(raw_input, error_output, catcher.result_path, False)
            self.inspection.data["afterResultPath"] = output
            return catcher.next, output
        return None

    # -- the task call itself, shared by the Task runner -------------------------------

    def resource(self) -> Resource:
        assert isinstance(self.state, m.TaskState)
        return read_resource(self.state.resource)

    def invocation(self, parameters: Any, attempt: int) -> TaskInvocation:
        assert isinstance(self.state, m.TaskState)
        return TaskInvocation(
            state=self.state.name,
            resource=self.resource(),
            parameters=parameters,
            attempt=attempt,
            invocation=self.execution.next_invocation(self.state.name),
            clock=self.execution.clock,
            context=self.context,
            execution_name=self.execution.options.name,
            state_machine_name=self.execution.options.state_machine_name,
        )


def _defined_outside(variables: ChainMap[str, Any], name: str) -> bool:
    return name not in variables.maps[0] and any(name in scope for scope in variables.maps[1:])


_NOT_MATCHED_BY_ALL = frozenset({names.RUNTIME, names.DATA_LIMIT_EXCEEDED})
#: `States.TaskFailed` matches any task error except a timeout (AWS's error-handling guide).
_NOT_MATCHED_BY_TASK_FAILED = (
    frozenset({names.TIMEOUT, names.HEARTBEAT_TIMEOUT}) | _NOT_MATCHED_BY_ALL
)


def _matches(error_equals: tuple[str, ...], error: str | None) -> bool:
    for name in error_equals:
        if name == error:
            return True
        if name == names.ALL and error not in _NOT_MATCHED_BY_ALL:
            return True
        if name == names.TASK_FAILED and error not in _NOT_MATCHED_BY_TASK_FAILED:
            return True
    return False


def _fail_field(value: Template | None, path: Template | None, bindings: Bindings) -> Any:
    template = path or value
    if template is None:
        return None
    result = template.evaluate(bindings)
    return result


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value)


def _inner(text: str) -> str:
    from sfntui.asl.jsonata import is_jsonata_template, jsonata_text

    return jsonata_text(text) if is_jsonata_template(text) else text


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
