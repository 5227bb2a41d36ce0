"""The debugger: breakpoints, stepping and inspection of a local run, as a plain async API.

The engine awaits `Debugger.gate(moment, run)` at every transition point: a state entered,
a Task/Parallel/Map result before ResultSelector (`result`), a state exited, and an error
before Retry or Catch handles it (`error`). When nothing asks to stop, a gate returns at once.
The debugger implements the engine's `Gate` protocol (`sfntui.engine.gate`); the engine never
imports this module.

A client (the app, the tests, `sfntui debug --batch`) drives a `DebugSession`:

    session = DebugSession(lambda debugger: prepare(machine, input, setup, debugger=debugger))
    session.debugger.add_breakpoint("Charge", "enter", condition="$.amount > 1000")
    session.start()
    stop = await session.next_stop()          # a Stop, or None once the run has ended
    session.debugger.step()                   # or continue_, step_into, step_out, pause, stop

While a run is paused every other thread (Parallel branch, Map iteration) waits at its next
gate; they hold no thread and no CPU: each waits on an asyncio future.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sfntui.asl.errors import ExpressionSyntaxError, PathNotFoundError, StatesError
from sfntui.asl.paths import JsonPath, compile_path
from sfntui.engine.gate import MOMENTS, ExecutionStopped, GatedState, Location, Moment
from sfntui.engine.interpreter import LocalExecution
from sfntui.engine.outcome import ExecutionResult
from sfntui.engine.tasks import TaskFailure, TaskInvocation

__all__ = [
    "MOMENTS",
    "Breakpoint",
    "DebugSession",
    "Debugger",
    "ExecutionStopped",
    "Expression",
    "Location",
    "Moment",
    "Stop",
]


class Expression:
    """A condition or watch: a plain JSONPath (`$.order.total`) or any JSONata expression
    (`$.amount > 1000`), read against the state's data at the stop, with `$name` variables."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._path: JsonPath | None = None
        self._jsonata: Any = None
        if _reads_as_jsonpath(text):
            self._path = compile_path(text)
        else:
            # jsonata-python is loaded only for an expression that needs it: the app and
            # `sfntui debug` start without it (tests/test_import_hygiene.py).
            from sfntui.asl.jsonata import compile_jsonata

            self._jsonata = compile_jsonata(text)

    def evaluate(self, data: Any, context: Any, variables: Any) -> Any:
        if self._path is not None:
            return self._path.find(data, context, variables)
        return self._jsonata.evaluate(
            {"input": data, "context": context}, variables, document=data, allow_undefined=True
        )

    def safe_value(self, data: Any, context: Any, variables: Any) -> Any:
        """The value, or a readable note of why there is none (for watches)."""
        try:
            value = self.evaluate(data, context, variables)
        except PathNotFoundError as exc:
            return f"<{exc.message}>"
        except StatesError as exc:
            return f"<{exc.cause}>"
        if self._jsonata is None:
            return value
        from sfntui.asl.jsonata import UNDEFINED  # loaded already: a JSONata expression ran

        return "<undefined>" if value is UNDEFINED else value


def _reads_as_jsonpath(text: str) -> bool:
    """A plain path (`$.a.b[0]`, `$$.State.Name`, `$var.x`) or one with JSONPath-only syntax
    (`[*]`, `[?(...)]`, `..`); everything else (`$.amount > 1000`) is JSONata."""
    try:
        path = compile_path(text.strip())
    except ExpressionSyntaxError:
        return False
    return path.steps is not None or any(t in text for t in ("[*]", "[?", "..", "[:"))


@dataclass
class Breakpoint:
    id: int
    state: str
    moment: Moment = "enter"
    condition: Expression | None = None
    iteration: int | None = None
    branch: int | None = None
    enabled: bool = True

    def matches(self, moment: Moment, run: GatedState, data: Any) -> bool:
        if not self.enabled or self.state != run.state.name or self.moment != moment:
            return False
        location = run.frame.location
        if self.iteration is not None and not any(
            kind == "Map" and index == self.iteration for kind, _, index in location
        ):
            return False
        if self.branch is not None and not any(
            kind == "Parallel" and index == self.branch for kind, _, index in location
        ):
            return False
        if self.condition is None:
            return True
        try:
            return bool(self.condition.evaluate(data, run.context, run.variables))
        except (PathNotFoundError, StatesError):
            return False

    def describe(self) -> str:
        where = f"{self.state}:{self.moment}"
        if self.iteration is not None:
            where += f" iteration {self.iteration}"
        if self.branch is not None:
            where += f" branch {self.branch}"
        if self.condition is not None:
            where += f" when {self.condition.text}"
        return where


@dataclass
class Stop:
    """Where a run is paused, and everything a person wants to see there."""

    state: str
    state_type: str
    moment: Moment
    reason: str  # "breakpoint" | "step" | "pause" | "error" | "needs_task_result"
    location: Location
    inspection: dict[str, Any]
    variables: dict[str, Any]
    context: dict[str, Any]
    watches: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    cause: str | None = None
    breakpoint_id: int | None = None
    #: At a "needs_task_result" stop: the call nothing answers (`resource`, `parameters`).
    task: dict[str, Any] | None = None

    @property
    def path(self) -> str:
        """`Fan[1] > Each[7]`: the branch and iteration this stop is in."""
        return " > ".join(f"{state}[{index}]" for _, state, index in self.location)

    def as_json(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "state": self.state,
            "moment": self.moment,
            "reason": self.reason,
            "location": [
                {"kind": kind, "state": state, "index": index}
                for kind, state, index in self.location
            ],
            "inspection": self.inspection,
            "variables": self.variables,
            "watches": self.watches,
        }
        if self.error is not None:
            report["error"], report["cause"] = self.error, self.cause
        if self.task is not None:
            report["task"] = self.task
        return report

    def as_kept(self, event_count: int) -> dict[str, Any]:
        """As a run store keeps it: `as_json` and what showing it again needs (the state's
        type, the context object, how many events the run had written by then)."""
        report = self.as_json()
        report.update(state_type=self.state_type, context=self.context, event_count=event_count)
        return report

    @classmethod
    def from_kept(cls, report: Mapping[str, Any]) -> Stop:
        """The stop an `as_kept` (or `as_json`: what it lacks comes back empty) report is of."""
        location = tuple(
            (str(place["kind"]), str(place["state"]), int(place["index"]))
            for place in report.get("location", ())
        )
        return cls(
            state=str(report["state"]),
            state_type=str(report.get("state_type", "")),
            moment=report["moment"],
            reason=str(report["reason"]),
            location=location,
            inspection=dict(report.get("inspection") or {}),
            variables=dict(report.get("variables") or {}),
            context=dict(report.get("context") or {}),
            watches=dict(report.get("watches") or {}),
            error=report.get("error"),
            cause=report.get("cause"),
            task=report.get("task"),
        )


class Debugger:
    def __init__(self) -> None:
        self.breakpoints: dict[int, Breakpoint] = {}
        self.break_on_error = False
        self.watches: list[Expression] = []
        self.current: Stop | None = None
        self.stops: asyncio.Queue[Stop | None] = asyncio.Queue()
        self._ids = itertools.count(1)
        self._mode: str = "run"  # run | step | step_into | step_out | pause | every
        self._anchor: Location = ()
        self._follow: Location | None = None
        #: The followed iteration waits for a MaxConcurrency slot: the others must run.
        self._follow_blocked = False
        #: Iterations that wait for a MaxConcurrency slot (or their turn) and have not begun.
        self._waiting: set[Location] = set()
        self._resume: asyncio.Future[None] | None = None
        self._holding: set[asyncio.Future[None]] = set()
        self._stopping = False
        self._stop_requested: asyncio.Event | None = None
        self._edit_input: tuple[bool, Any] = (False, None)
        self._edit_result: tuple[bool, Any] = (False, None)
        self._task_answer: tuple[str, Any] | None = None

    # -- configuration -----------------------------------------------------------------

    def add_breakpoint(
        self,
        state: str,
        moment: Moment = "enter",
        *,
        condition: str | None = None,
        iteration: int | None = None,
        branch: int | None = None,
    ) -> Breakpoint:
        if moment not in MOMENTS:
            raise ValueError(f"a breakpoint's moment is one of {', '.join(MOMENTS)}")
        compiled = Expression(condition) if condition else None
        point = Breakpoint(next(self._ids), state, moment, compiled, iteration, branch)
        self.breakpoints[point.id] = point
        return point

    def remove_breakpoint(self, breakpoint_id: int) -> None:
        self.breakpoints.pop(breakpoint_id, None)

    def enable_breakpoint(self, breakpoint_id: int, enabled: bool = True) -> None:
        self.breakpoints[breakpoint_id].enabled = enabled

    def add_watch(self, text: str) -> Expression:
        watch = Expression(text)
        self.watches.append(watch)
        return watch

    def step_every_transition(self) -> None:
        """Stop at every gate (the `--step` batch mode)."""
        self._mode = "every"

    @property
    def paused(self) -> bool:
        return self._resume is not None and not self._resume.done()

    # -- control -----------------------------------------------------------------------

    def continue_(self) -> None:
        if self._mode != "every":
            self._mode = "run"
        self._release()

    def step(self) -> None:
        """To the next transition in the current branch (or its parent once it ends)."""
        self._mode, self._anchor = "step", self._current_location()
        self._release(hold_others=True)

    def step_into(self) -> None:
        """Into the Parallel branch or Map iteration about to run (`follow` picks which)."""
        self._mode, self._anchor = "step_into", self._current_location()
        self._release(hold_others=True)

    def step_out(self) -> None:
        """Until the current branch or iteration is done: the next transition of its parent."""
        self._mode, self._anchor = "step_out", self._current_location()
        self._release()

    def go_on(self) -> None:
        """Resume the way the run was going before this stop (one it did not choose: a Task
        asking for its result): stepping stops at the next step, a run let go runs on."""
        controls = {"step": self.step, "step_into": self.step_into, "step_out": self.step_out}
        controls.get(self._mode, self.continue_)()

    def follow(self, location: Location) -> None:
        """With concurrent iterations, the one to step into; the others wait."""
        self._follow = follow = tuple(location)
        self._follow_blocked = any(follow[:k] in self._waiting for k in range(1, len(follow) + 1))

    def pause(self) -> None:
        """A running run stops at its next transition."""
        self._mode = "pause"

    def stop(self) -> None:
        """End the run now (ABORTED), even in the middle of a task or a Wait."""
        self._stopping = True
        self._stop_event().set()
        self._release()

    async def stopped(self) -> None:
        """Returns when `stop` is called: the engine then aborts whatever is in flight."""
        await self._stop_event().wait()

    def reset(self) -> None:
        """Ready for a new run: control state goes; breakpoints and watches stay."""
        self._stopping = False
        self._stop_requested = None
        self._mode = "run"
        self._anchor, self._follow, self._follow_blocked = (), None, False
        self._waiting = set()
        self._edit_input = self._edit_result = (False, None)
        self.current = None
        self.stops = asyncio.Queue()

    def _stop_event(self) -> asyncio.Event:
        if self._stop_requested is None:
            self._stop_requested = asyncio.Event()
        return self._stop_requested

    def set_input(self, value: Any) -> None:
        """While paused on entering a state: run it on this input instead."""
        self._edit_input = (True, value)

    def set_result(self, value: Any) -> None:
        """While paused on a result: continue as if the task had returned this."""
        self._edit_result = (True, value)

    def give_task_result(self, value: Any) -> None:
        """At a "needs_task_result" stop: the Task returns `value` (then continue or step)."""
        self._task_answer = ("result", value)

    def fail_task(self, error: str | None, cause: str | None = None) -> None:
        """At a "needs_task_result" stop: the Task fails with `error` and `cause`."""
        self._task_answer = ("error", (error, cause))

    async def ask_task_result(self, invocation: TaskInvocation) -> Any:
        """A Task nothing else answers: the run stops there (reason "needs_task_result") and
        waits for `give_task_result` or `fail_task`. Resumed with neither, the Task fails
        with States.TaskFailed saying so (what `sfntui debug --batch` does)."""
        while self.paused:
            await self._wait_held()
        if self._stopping:
            raise ExecutionStopped()
        if self._mode == "pause":
            self._mode = "run"
        resource = invocation.resource.arn
        stop = Stop(
            state=invocation.state,
            state_type="Task",
            moment="result",
            reason="needs_task_result",
            location=getattr(invocation, "location", ()),
            inspection={"afterParameters": invocation.parameters},
            variables={},
            context=invocation.context if isinstance(invocation.context, dict) else {},
            task={"resource": resource, "parameters": invocation.parameters},
        )
        self._task_answer = None
        self.current = stop
        self._resume = asyncio.get_running_loop().create_future()
        self.stops.put_nowait(stop)
        await self._resume
        self.current = None
        answer, self._task_answer = self._task_answer, None
        if answer is None:
            raise TaskFailure(
                "States.TaskFailed",
                f"Nothing answers the Task state '{invocation.state}' ({resource}) and no "
                "result was given for it at the debugger's stop.",
            )
        kind, value = answer
        if kind == "error":
            raise TaskFailure(*value)
        return value

    def _current_location(self) -> Location:
        return self.current.location if self.current is not None else ()

    def _release(self, hold_others: bool = False) -> None:
        if self._resume is not None and not self._resume.done():
            self._resume.set_result(None)
        if not hold_others:
            self._release_held()

    def _release_held(self) -> None:
        for future in self._holding:
            if not future.done():
                future.set_result(None)
        self._holding.clear()

    # -- the engine's side -------------------------------------------------------------

    @property
    def active(self) -> bool:
        return (
            self._mode != "run"
            or self._stopping
            or self.break_on_error
            or bool(self._holding)
            or self.paused
            or (bool(self.breakpoints) and any(b.enabled for b in self.breakpoints.values()))
        )

    def thread_done(self, location: Location) -> None:
        """A branch or iteration ended: if it was the one followed, stepping goes on in its
        parent, and the others it held may go (the parent cannot move on without them)."""
        self._waiting.discard(location)
        if not location or self._anchor[: len(location)] != location:
            return
        if self._mode in ("step", "step_into"):
            self._anchor = location[:-1]
            if self._follow is not None and self._follow[: len(location)] == location:
                self._follow = None
        self._release_held()

    def waiting_for_slot(self, location: Location) -> None:
        """A Map iteration waits for a MaxConcurrency slot: if it is the one followed (or
        holds it), the threads holding the slots must not be held, or nothing moves. It is
        remembered until it begins, for an iteration followed only later."""
        self._waiting.add(location)
        follow = self._follow
        if follow is not None and follow[: len(location)] == location:
            self._follow_blocked = True
            self._release_held()

    async def gate(self, moment: Moment, run: GatedState, data: Any = None) -> None:
        if not self.active:
            return
        if self._stopping:
            raise ExecutionStopped()
        if self._waiting:
            self._waiting.discard(run.frame.location)
        follow = self._follow
        if self._follow_blocked and follow and run.frame.location[: len(follow)] == follow:
            self._follow_blocked = False
        reason, point = self._reason(moment, run, data)
        if reason is None:
            if self.paused or self._holds(run):
                await self._wait_held()
            if self._stopping:
                raise ExecutionStopped()
            return
        while self.paused:  # one stop at a time; another thread's stop waits its turn
            await self._wait_held()
        self._pause_at(moment, run, data, reason, point)
        assert self._resume is not None
        await self._resume
        self.current = None
        if self._stopping:
            raise ExecutionStopped()

    def take_input_edit(self) -> tuple[bool, Any]:
        edit, self._edit_input = self._edit_input, (False, None)
        return edit

    def take_result_edit(self) -> tuple[bool, Any]:
        edit, self._edit_result = self._edit_result, (False, None)
        return edit

    def _reason(self, moment: Moment, run: GatedState, data: Any) -> tuple[str | None, int | None]:
        for point in self.breakpoints.values():
            if point.matches(moment, run, data):
                return "breakpoint", point.id
        if moment == "error" and self.break_on_error:
            return "error", None
        location = run.frame.location
        mode = self._mode
        if mode in ("pause", "every"):
            return ("pause" if mode == "pause" else "step"), None
        if mode == "step":
            if location == self._anchor or self._anchor[: len(location)] == location:
                return "step", None
        elif mode == "step_into":
            inside = location[: len(self._anchor)] == self._anchor
            chosen = self._follow is None or location[: len(self._follow)] == self._follow
            if inside and chosen or self._anchor[: len(location)] == location:
                return "step", None
        elif mode == "step_out" and len(location) < len(self._anchor):
            return "step", None
        return None, None

    def _holds(self, run: GatedState) -> bool:
        """While stepping one thread, the threads not on its way wait."""
        if self._mode not in ("step", "step_into"):
            return False
        location = run.frame.location
        related = (
            location[: len(self._anchor)] == self._anchor
            or self._anchor[: len(location)] == location
        )
        if self._mode == "step_into" and self._follow is not None and related:
            if location[: len(self._follow)] == self._follow or self._follow_blocked:
                return False
            return len(location) > len(self._anchor)
        return not related

    async def _wait_held(self) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._holding.add(future)
        try:
            await future
        finally:
            self._holding.discard(future)

    def _pause_at(
        self, moment: Moment, run: GatedState, data: Any, reason: str, point: int | None
    ) -> None:
        if self._mode == "pause":
            self._mode = "run"
        inspection = run.inspection
        variables = dict(run.variables)
        stop = Stop(
            state=run.state.name,
            state_type=run.state.type,
            moment=moment,
            reason=reason,
            location=run.frame.location,
            inspection=dict(inspection.data),
            variables=variables,
            context=run.context,
            error=inspection.error,
            cause=inspection.cause,
            breakpoint_id=point,
        )
        stop.watches = {w.text: w.safe_value(data, run.context, variables) for w in self.watches}
        self.current = stop
        self._resume = asyncio.get_running_loop().create_future()
        self.stops.put_nowait(stop)


class DebugSession:
    """One debugged run at a time, restartable: the client's handle on the debugger."""

    def __init__(self, make_execution: Callable[[Debugger], LocalExecution]) -> None:
        self.make_execution = make_execution
        self.debugger = Debugger()
        self.execution: LocalExecution | None = None
        self.result: ExecutionResult | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.result = None
        self.execution = self.make_execution(self.debugger)
        self._task = asyncio.ensure_future(self._run(self.execution))

    async def _run(self, execution: LocalExecution) -> None:
        # In a task of its own, so a run stopped from outside (`LocalExecution.stop`, as a
        # replay that left its recording is) ends the session too, with its aborted result.
        run = asyncio.ensure_future(execution.run())
        try:
            self.result = await run
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if execution.result is None or (current is not None and current.cancelling()):
                raise
            self.result = execution.result
        self.debugger.stops.put_nowait(None)

    async def next_stop(self) -> Stop | None:
        """The next stop, or None when the run has ended (see `result`)."""
        return await self.debugger.stops.get()

    async def wait(self) -> ExecutionResult | None:
        if self._task is not None:
            await self._task
        return self.result

    async def restart(self) -> None:
        """Stop the current run and start again from the beginning, breakpoints kept."""
        if self._task is not None and not self._task.done():
            self.debugger.stop()
            await self._task
        self.debugger.reset()
        self.start()
