"""The recorded results as a task resolver: first in the chain, each call answered as AWS did.

A call is matched to the recording by its state and the Map iterations above it, and takes
that place's recorded calls in order, retries included. Each answer waits, on the run's
virtual clock (started at the recording's start), until the moment it came in the recording,
so answers come in the recorded order (a sibling that failed first on AWS fails first here,
and the others are aborted at the same point).

When the local run asks for a call the recording does not have, the path has changed: the
resolver records a `Divergence` naming the place and stops the run there (`stop`), rather
than guessing an answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sfntui.engine.tasks import Resource, TaskFailure, TaskInvocation
from sfntui.replay.divergence import Divergence, first_difference, ordinal, place
from sfntui.replay.recording import (
    ChildRecording,
    RecordedCall,
    Recording,
    Where,
    canonical,
)

#: The engine's event prefix for each kind of resource (tasks.read_resource's `kind`).
_PREFIX_OF_KIND = {"lambda": "LambdaFunction", "activity": "Activity", "service": "Task"}
_MAX_NOTES = 20


@dataclass(frozen=True)
class AnsweredCall:
    """Which recorded call answered which local invocation (for the mock file export)."""

    state: str
    invocation: int
    call: RecordedCall


class RecordedResults:
    """Answers Task calls from a `Recording`; see the module docstring."""

    def __init__(self, recording: Recording, *, follow_clock: bool = True) -> None:
        self.recording = recording
        self.follow_clock = follow_clock
        #: Tasks something else answers (the user's mocks or handlers): said by the session.
        self.answered_elsewhere: Callable[[str, Resource], bool] = lambda state, resource: False
        #: Called with the divergence when the run must stop (the session stops the run).
        self.stop: Callable[[Divergence], None] = lambda divergence: None
        self.divergence: Divergence | None = None
        self.notes: list[str] = []
        self.answered: list[AnsweredCall] = []
        self._used: dict[Any, int] = {}
        self._noted: set[tuple[str, str]] = set()
        #: Which recorded child execution each local child run stands for (by the id of the
        #: run's context Execution object, kept here so the id stays its own).
        self._children: dict[int, tuple[Any, ChildRecording]] = {}

    def handles(self, state: str, resource: Resource) -> bool:
        return not self.answered_elsewhere(state, resource)

    async def invoke(self, invocation: TaskInvocation) -> Any:
        where: Where = tuple(
            (state, index) for kind, state, index in invocation.location if kind == "Map"
        )
        if "item_reader" in invocation.extra:
            await self._diverge(
                "missing-result",
                f"The Map state '{invocation.state}'{place(invocation.location)} reads its "
                "items with an ItemReader, and a history does not hold what it read "
                "(replaying an ItemReader is not done yet).",
                invocation.state,
                where,
            )
        key = (where, invocation.state)
        calls: Sequence[RecordedCall] = self.recording.calls.get(key, ())
        ended = self.recording.ended
        split = next(
            (n for n, (name, _) in enumerate(where) if name in self.recording.distributed_maps),
            None,
        )
        counted: Any = key
        if split is not None:
            # In a distributed Map's child execution: its own recording, keyed from its top.
            child = await self._child_of(invocation, where, split)
            inner = (where[split + 1 :], invocation.state)
            calls, ended, counted = child.calls.get(inner, ()), child.ended, (id(child), inner)
        used = self._used.get(counted, 0)
        if used >= len(calls):
            await self._diverge(
                "missing-result",
                self._missing_sentence(invocation, where, used),
                invocation.state,
                where,
            )
        self._used[counted] = used + 1
        call = calls[used]
        self.answered.append(AnsweredCall(invocation.state, invocation.invocation, call))
        self._note_differences(call, invocation)
        if call.answer is None:
            # The recorded execution ended (a sibling failed, it was stopped) before this call
            # returned: wait as long as the recording lasted; the same ending stops it here.
            left = (ended - invocation.clock.now()).total_seconds()
            await invocation.clock.sleep(max(left, 0.0) + 1.0)
            await self._diverge(
                "no-answer",
                f"The recording's {ordinal(used + 1)} call of the Task state "
                f"'{invocation.state}'{place(invocation.location)} never returned (the "
                "execution ended first), but the local run went on waiting for it.",
                invocation.state,
                where,
            )
        if self.follow_clock:
            wait = call.answered_after(invocation.clock.now())
            if wait > 0:
                await invocation.clock.sleep(wait)
        if call.succeeded:
            if invocation.resource.pattern == "waitForTaskToken":
                invocation.extra["callback_answered"] = True  # the recorded answer is the token's
            return call.output
        error, cause = call.error_and_cause
        raise TaskFailure(error, cause)

    async def _child_of(
        self, invocation: TaskInvocation, where: Where, split: int
    ) -> ChildRecording:
        """The recorded child execution a local distributed Map iteration stands for: the
        first one not yet taken whose input is this iteration's."""
        name, index = where[split]
        recorded = self.recording.children.get(name) or []
        at = f"'{invocation.state}'{place(invocation.location)}"
        if not recorded:
            await self._diverge(
                "missing-result",
                f"The Task state {at} runs in a child execution of the distributed Map "
                f"'{name}', whose history is not part of the recording.",
                invocation.state,
                where,
            )
        inner = {n for n, _ in where[split + 1 :]}
        if any(inner & child.distributed_maps for child in recorded):
            await self._diverge(
                "missing-result",
                f"The Task state {at} runs in a distributed Map inside a child execution of "
                f"the distributed Map '{name}' (replaying such nested child executions is not "
                "done yet).",
                invocation.state,
                where,
            )
        # The local child run, known by its context object's Execution part (one per run).
        context = invocation.context if isinstance(invocation.context, dict) else {}
        execution = context.get("Execution") or {}
        found = self._children.get(id(execution))
        if found is not None:
            return found[1]
        wanted = canonical(execution.get("Input"))
        taken = {id(child) for _, child in self._children.values()}
        for child in recorded:
            if id(child) not in taken and child.input_key == wanted:
                self._children[id(execution)] = (execution, child)
                return child
        await self._diverge(
            "missing-result",
            f"No recorded child execution of the distributed Map '{name}' had the input of "
            f"its iteration {index} (the items changed): {at} has no recorded calls.",
            invocation.state,
            where,
        )
        raise AssertionError("unreachable: the run stops at a divergence")

    def _missing_sentence(self, invocation: TaskInvocation, where: Where, used: int) -> str:
        at = f"'{invocation.state}'{place(invocation.location)}"
        if used:
            return (
                f"The local run called the Task state {at} a {ordinal(used + 1)} time, but "
                f"the recording has only {used} call(s) there: the path changed."
            )
        elsewhere = self.recording.calls_of(invocation.state)
        if elsewhere:
            return (
                f"The local run called the Task state {at}, where the recording has no call "
                f"(it has {elsewhere} call(s) of that state elsewhere): the path changed."
            )
        return (
            f"The local run called the Task state {at}, which the recording never called: "
            "the path changed."
        )

    async def _diverge(self, kind: str, message: str, state: str, where: Where) -> Any:
        if self.divergence is None:
            self.divergence = Divergence(kind, message, state, where)
        self.stop(self.divergence)
        # The stop cancels the run; until it lands, this call never answers.
        await asyncio.get_running_loop().create_future()

    def _note_differences(self, call: RecordedCall, invocation: TaskInvocation) -> None:
        """Notes (not divergences): the call went to another resource kind, or with other
        parameters, than recorded. A callback's task token is new in every run: not compared."""
        if len(self.notes) >= _MAX_NOTES:
            return
        at = f"'{invocation.state}'{place(invocation.location)}"
        expected = _PREFIX_OF_KIND.get(invocation.resource.kind, "Task")
        if call.prefix != expected and (invocation.state, "kind") not in self._noted:
            self._noted.add((invocation.state, "kind"))
            self.notes.append(
                f"{at} calls a {expected} resource; the recording called a {call.prefix} one."
            )
        recorded = call.parameters
        local = invocation.parameters
        token = invocation.task_token
        if token is None and isinstance(invocation.context, dict):
            token = (invocation.context.get("Task") or {}).get("Token")
        if token is not None:
            local = _without_token(local, token)
            recorded = _without_token(recorded, None, like=local)
        differs = first_difference(recorded, local)
        if differs is not None and (invocation.state, "parameters") not in self._noted:
            self._noted.add((invocation.state, "parameters"))
            self.notes.append(
                f"{at} was called with other parameters than recorded (first at {differs})."
            )


_TOKEN = object()


def _without_token(value: Any, token: str | None, like: Any = None) -> Any:
    """`value` with the task token (or, with `like`, whatever stands where `like` has it)
    replaced by a marker, so a new token does not count as a difference."""
    if like is _TOKEN:
        return _TOKEN
    if isinstance(value, dict):
        return {
            k: _without_token(v, token, like.get(k) if isinstance(like, dict) else None)
            for k, v in value.items()
        }
    if isinstance(value, list):
        others = like if isinstance(like, list) and len(like) == len(value) else [None] * len(value)
        return [_without_token(v, token, o) for v, o in zip(value, others, strict=True)]
    if token is not None and value == token:
        return _TOKEN
    return value
