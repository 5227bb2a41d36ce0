"""A recorded execution, read for replay: its input, its outcome and every Task call's answer.

AWS's history holds, for each call a Task makes, a `*Scheduled` event and (unless the run
ended first) the event that answered it: `TaskSucceeded`, `TaskFailed`, `TaskTimedOut`, their
`LambdaFunction*` and `Activity*` counterparts, or a failure to schedule or start. Calls are
keyed by where they were made, the Map iterations above the state (Map name and index) and the
state's name, and kept in the order they were made, retries included. Parallel branches need
no part in the key: state names are unique in a whole state machine.

A history with redrives holds every attempt; `attempt` picks one (the last by default). A
redrive reruns only what failed, so for each key the calls of the latest attempt that made
any there stand in for the earlier ones.

A distributed Map's iterations are child executions with histories of their own; given them
(`children`, by Map Run ARN), each is read the same way and found again by its input.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sfntui.history.events import (
    EVENT_ROLE,
    Event,
    Role,
    details,
    event_time,
    payload_or_text,
)
from sfntui.history.projection import Projection
from sfntui.history.runs import FrameKind, StateRun

#: The Map iterations above a call, outermost first: (Map state name, iteration index).
Where = tuple[tuple[str, int], ...]
Key = tuple[Where, str]

_CALL_PREFIXES = ("Task", "LambdaFunction", "Activity")
_ENDS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionAborted": "ABORTED",
}


class RecordingError(ValueError):
    """A history that cannot be replayed; the message is one sentence saying why."""


@dataclass(frozen=True)
class RecordedCall:
    """One call a Task made, and what answered it (nothing, if the run ended first)."""

    state: str
    where: Where
    scheduled: Event
    answer: Event | None
    attempt: int = 0

    @property
    def prefix(self) -> str:
        """`Task`, `LambdaFunction` or `Activity`: which kind of resource was called."""
        kind = self.scheduled["type"]
        return kind[: -len("Scheduled")]

    @property
    def parameters(self) -> Any:
        found = details(self.scheduled)
        return payload_or_text(found.get("parameters", found.get("input")))

    @property
    def duration(self) -> float:
        """Seconds from the call's scheduling to its answer (0 when it has none)."""
        if self.answer is None:
            return 0.0
        return max(0.0, (event_time(self.answer) - event_time(self.scheduled)).total_seconds())

    def answered_after(self, now: datetime) -> float:
        """Seconds from `now` until the moment the answer came in the recording; never past
        the call's TimeoutSeconds after now when it did not time out (a local run schedules
        sooner than AWS did, and must not time out where AWS did not)."""
        if self.answer is None:
            return 0.0
        wait = (event_time(self.answer) - now).total_seconds()
        timeout = details(self.scheduled).get("timeoutInSeconds")
        if isinstance(timeout, int | float) and not str(self.answer_type).endswith("TimedOut"):
            wait = min(wait, timeout - 0.001)
        return max(wait, self.duration if wait < 0 else 0.0, 0.0)

    @property
    def succeeded(self) -> bool:
        return self.answer is not None and EVENT_ROLE.get(self.answer["type"]) is Role.RESULT

    @property
    def output(self) -> Any:
        return payload_or_text(details(self.answer).get("output")) if self.answer else None

    @property
    def error_and_cause(self) -> tuple[str | None, str | None]:
        """As recorded: AWS leaves `error` out when the worker gave none (a timeout's is
        States.Timeout)."""
        found = details(self.answer) if self.answer is not None else {}
        error = found.get("error")
        if error is None and str(self.answer_type).endswith("TimedOut"):
            error = "States.Timeout"
        return error, found.get("cause")

    @property
    def answer_type(self) -> str | None:
        return self.answer["type"] if self.answer is not None else None


@dataclass(repr=False)
class ChildRecording:
    """One child execution of a distributed Map: its input and its Task calls."""

    input: Any
    calls: dict[Key, list[RecordedCall]]
    ended: datetime
    #: Distributed Maps run inside this child (their children, grandchildren here, are not
    #: part of the recording).
    distributed_maps: frozenset[str] = frozenset()

    @property
    def input_key(self) -> str:
        return canonical(self.input)


def canonical(value: Any) -> str:
    """A JSON value as text that is the same for equal values (keys sorted)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(repr=False)
class Recording:
    """What an execution did, as its history tells it, ready to answer a local run."""

    events: Sequence[Event]
    projection: Projection
    input: Any
    started: datetime
    ended: datetime
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    #: The attempt replayed (0: the first run; n: the n-th redrive), of `attempts` in all.
    attempt: int = 0
    attempts: int = 1
    calls: dict[Key, list[RecordedCall]] = field(default_factory=dict)
    #: With `from_state`: the top-level state the replay starts at, and its entry event.
    from_state: str | None = None
    from_event: Event | None = None
    role_arn: str | None = None
    #: The id of the first event after the attempt replayed (the next redrive, or past the end).
    end_id: int = 0
    #: Map states that ran as distributed Maps (their iterations are child executions).
    distributed_maps: frozenset[str] = frozenset()
    #: Their child executions, when given, by Map state name (in no particular order).
    children: dict[str, list[ChildRecording]] = field(default_factory=dict)

    def __repr__(self) -> str:  # short: a recording holds a whole history
        return f"<Recording {self.status} attempt={self.attempt} events={len(self.events)}>"

    @property
    def start_input(self) -> Any:
        """The input the replay starts with: the execution's, or the chosen state's."""
        if self.from_event is not None:
            return payload_or_text(details(self.from_event).get("input"))
        return self.input

    @property
    def start_time(self) -> datetime:
        return event_time(self.from_event) if self.from_event is not None else self.started

    def top_level_runs(self) -> list[StateRun]:
        """The recorded runs of the top level the replay is compared with."""
        first = self.from_event["id"] if self.from_event is not None else 0
        return [r for r in self.projection.root.runs if first <= r.entered_id < self.end_id]

    def calls_of(self, state: str) -> int:
        return sum(len(c) for (_, name), c in self.calls.items() if name == state)


def read_recording(
    events: Sequence[Mapping[str, Any]],
    *,
    attempt: int | None = None,
    from_state: str | None = None,
    children: Mapping[str, Sequence[Sequence[Mapping[str, Any]]]] | None = None,
) -> Recording:
    """The recording of a whole history (ids 1..N); RecordingError says what is missing.

    `children`: the histories of distributed Maps' child executions, by Map Run ARN.
    """
    ordered: list[dict[str, Any]] = sorted(events, key=_event_id)  # type: ignore[arg-type]
    if not ordered or ordered[0]["type"] != "ExecutionStarted":
        raise RecordingError(
            "The history does not begin with ExecutionStarted: it is not a whole execution's."
        )
    for expected, event in enumerate(ordered, 1):
        if event["id"] != expected:
            raise RecordingError(
                f"The history jumps from event {expected - 1} to event {event['id']}: "
                "it is not whole."
            )
    redrives = [e["id"] for e in ordered if e["type"] == "ExecutionRedriven"]
    attempts = len(redrives) + 1
    chosen = attempts - 1 if attempt is None else attempt
    if not 0 <= chosen < attempts:
        raise RecordingError(
            f"The execution has no attempt {chosen}: it ran {attempts} time(s) "
            f"(attempt 0 is the first run, 1 the first redrive)."
        )
    started = ordered[0]
    start_details = details(started)
    if "input" not in start_details:
        raise RecordingError(
            "The history holds no execution data (no input, no Task results): an Express "
            "machine logs them only with includeExecutionData on; turn it on to replay its runs."
        )
    projection = Projection(ordered)
    input_value = payload_or_text(start_details.get("input"))
    first_id = redrives[chosen - 1] if chosen else 0
    last_id = redrives[chosen] if chosen < len(redrives) else ordered[-1]["id"] + 1
    status, output, error, cause, end = "RUNNING", None, None, None, ordered[-1]
    for event in ordered:
        if first_id < event["id"] < last_id and event["type"] in _ENDS:
            status, end = _ENDS[event["type"]], event
            found = details(event)
            error, cause = found.get("error"), found.get("cause")
            output = payload_or_text(found.get("output")) if status == "SUCCEEDED" else None
    recording = Recording(
        events=ordered,
        projection=projection,
        input=input_value,
        started=event_time(started),
        ended=event_time(end),
        status=status,
        output=output,
        error=error,
        cause=cause,
        attempt=chosen,
        attempts=attempts,
        role_arn=start_details.get("roleArn"),
        end_id=last_id,
        distributed_maps=frozenset(
            r.name for r in projection.runs if r.state_type == "Map" and r.map_run_arn
        ),
    )
    from_id = 0
    if from_state is not None:
        recording.from_event = _entry_of(projection, from_state, last_id)
        recording.from_state = from_state
        from_id = recording.from_event["id"]
    recording.calls = _calls(projection, redrives, chosen, from_id, last_id)
    for map_run_arn, histories in (children or {}).items():
        state = next((r.name for r in projection.runs if r.map_run_arn == map_run_arn), None)
        if state is None:
            raise RecordingError(f"The history has no Map Run {map_run_arn}.")
        kept = recording.children.setdefault(state, [])
        kept.extend(_child(history, map_run_arn) for history in histories)
    return recording


def _child(events: Sequence[Mapping[str, Any]], map_run_arn: str) -> ChildRecording:
    ordered: list[dict[str, Any]] = sorted(events, key=_event_id)  # type: ignore[arg-type]
    if not ordered or ordered[0]["type"] != "ExecutionStarted":
        raise RecordingError(
            f"A child execution of the Map Run {map_run_arn} has a history that does not begin "
            "with ExecutionStarted."
        )
    found = details(ordered[0])
    if "input" not in found:
        raise RecordingError(
            f"A child execution of the Map Run {map_run_arn} holds no execution data."
        )
    projection = Projection(ordered)
    calls = _calls(projection, [], 0, 0, ordered[-1]["id"] + 1)
    nested = frozenset(r.name for r in projection.runs if r.state_type == "Map" and r.map_run_arn)
    return ChildRecording(payload_or_text(found["input"]), calls, event_time(ordered[-1]), nested)


def _event_id(event: Mapping[str, Any]) -> int:
    return event["id"]


def _entry_of(projection: Projection, state: str, before: int) -> Event:
    """The last time the top level entered `state` (in the attempts replayed)."""
    runs = [r for r in projection.runs_of(state) if r.entered_id < before]
    top = [r for r in runs if r.frame.parent_run is None]
    if not top:
        if runs:
            raise RecordingError(
                f"The state '{state}' runs inside a Map or Parallel; replay from the Map or "
                "Parallel state that holds it."
            )
        raise RecordingError(f"The recording never entered the state '{state}'.")
    return top[-1].entered_event


def _where(run: StateRun) -> Where:
    return tuple((s.state, s.index) for s in run.path if s.kind is FrameKind.ITERATION)


def _calls(
    projection: Projection, redrives: list[int], chosen: int, after: int, before: int
) -> dict[Key, list[RecordedCall]]:
    by_key: dict[Key, list[RecordedCall]] = {}
    for run in projection.runs:
        if run.state_type != "Task":
            continue
        key = (_where(run), run.name)
        scheduled: Event | None = None
        for event in run.events:
            kind = event["type"]
            if not kind.startswith(_CALL_PREFIXES) or event["id"] >= before:
                continue
            role = EVENT_ROLE.get(kind)
            if role is Role.SCHEDULED:
                if scheduled is not None:
                    _add(by_key, key, scheduled, None, redrives)
                scheduled = event
            elif role in (Role.RESULT, Role.FAILURE) and scheduled is not None:
                _add(by_key, key, scheduled, event, redrives)
                scheduled = None
        if scheduled is not None:
            _add(by_key, key, scheduled, None, redrives)
    for calls in by_key.values():
        calls.sort(key=lambda c: c.scheduled["id"])
        calls[:] = [c for c in calls if c.scheduled["id"] > after]
        if redrives:
            latest = max((c.attempt for c in calls if c.attempt <= chosen), default=0)
            calls[:] = [c for c in calls if c.attempt == latest]
    return {key: calls for key, calls in by_key.items() if calls}


def _add(
    by_key: dict[Key, list[RecordedCall]],
    key: Key,
    scheduled: Event,
    answer: Event | None,
    redrives: list[int],
) -> None:
    attempt = bisect.bisect(redrives, scheduled["id"])
    by_key.setdefault(key, []).append(RecordedCall(key[1], key[0], scheduled, answer, attempt))
