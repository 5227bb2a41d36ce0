"""What the projection produces: the runs of each state, nested in frames.

A `Frame` is a sequence of state runs: the execution's top level, one Parallel branch, or one
Map iteration. A `StateRun` is one visit of one state, from its `*StateEntered` event to the
event that ended it; a Map or Parallel run holds its iterations or branches as child frames.

Both are read-only for callers: the `Projection` alone updates them as events arrive. They
hold references to the events, never copies, and parse `input`/`output` JSON only when asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar, overload

from sfntui.history.events import Event, details, event_time, payload_or_text

T = TypeVar("T")


class RunStatus(StrEnum):
    NOT_REACHED = "NOT_REACHED"  # no run of the state in the history (see Projection.status_of)
    RUNNING = "RUNNING"
    RETRIED = "RETRIED"  # an attempt failed and another one is under way
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # final, or until a Catch or a Retry shows otherwise
    CAUGHT = "CAUGHT"  # failed, and a Catch took the execution on to another state
    ABORTED = "ABORTED"  # stopped unfinished: a sibling failed, or the execution stopped


class FrameKind(StrEnum):
    EXECUTION = "execution"
    BRANCH = "branch"
    ITERATION = "iteration"


OPEN_STATUSES = frozenset({RunStatus.RUNNING, RunStatus.RETRIED})


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt of a run: the error and cause as the failure event gave them."""

    error: str | None
    cause: str | None
    event_id: int


@dataclass(frozen=True, slots=True)
class PathStep:
    """One level of nesting: iteration `index` of Map `state`, or branch `index` of Parallel."""

    state: str
    kind: FrameKind
    index: int


class ListView(Sequence[T]):
    """A read-only view of a list that keeps growing; it does not copy."""

    __slots__ = ("_items",)

    def __init__(self, items: list[T]) -> None:
        self._items = items

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return tuple(self._items[index])
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ListView):
            return self._items == other._items
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self._items) == len(other) and all(
                mine == theirs for mine, theirs in zip(self._items, other, strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ListView({self._items!r})"


_UNPARSED: Any = object()


class Frame:
    """The top level of the execution, one Parallel branch or one Map iteration."""

    __slots__ = (
        "kind",
        "index",
        "parent_run",
        "attempt",
        "status",
        "start_event",
        "end_event",
        "_runs",
    )

    def __init__(
        self,
        kind: FrameKind,
        index: int = 0,
        parent_run: StateRun | None = None,
        attempt: int = 1,
        start_event: Event | None = None,
    ) -> None:
        self.kind = kind
        #: The Map iteration's index, or the branch's position in the order branches began.
        self.index = index
        #: The Map or Parallel run this frame belongs to (None for the top level).
        self.parent_run = parent_run
        #: Which attempt of the parent run (it counts up when a Map or Parallel is retried).
        self.attempt = attempt
        self.status = RunStatus.RUNNING
        #: `MapIterationStarted` for an iteration, the branch's first event for a branch.
        self.start_event = start_event
        self.end_event: Event | None = None
        self._runs: list[StateRun] = []

    @property
    def runs(self) -> Sequence[StateRun]:
        """The runs of this frame only (not of nested frames), in the order they began."""
        return ListView(self._runs)

    @property
    def first_state(self) -> str | None:
        """The name of the state this frame began with: a branch's `StartAt`."""
        return self._runs[0].name if self._runs else None

    @property
    def path(self) -> tuple[PathStep, ...]:
        """Where this frame sits: the Map iterations and Parallel branches above it, outermost
        first; empty for the top level."""
        steps: list[PathStep] = []
        frame: Frame | None = self
        while frame is not None and frame.parent_run is not None:
            steps.append(PathStep(frame.parent_run.name, frame.kind, frame.index))
            frame = frame.parent_run.frame
        steps.reverse()
        return tuple(steps)

    @property
    def started(self) -> datetime | None:
        if self.start_event is not None:
            return event_time(self.start_event)
        return self._runs[0].started if self._runs else None

    @property
    def ended(self) -> datetime | None:
        return event_time(self.end_event) if self.end_event is not None else None

    def __repr__(self) -> str:
        where = "/".join(f"{step.state}[{step.index}]" for step in self.path) or "execution"
        return f"<Frame {where} {self.status} runs={len(self._runs)}>"


class StateRun:
    """One visit of one state: entered, maybe retried, then exited, failed, caught or aborted."""

    __slots__ = (
        "name",
        "state_type",
        "frame",
        "status",
        "entered_event",
        "exited_event",
        "end_event",
        "error",
        "cause",
        "attempts",
        "scheduled_event",
        "result_event",
        "item_count",
        "map_run_arn",
        "_failures",
        "_events",
        "_children",
        "_input",
        "_output",
    )

    def __init__(self, name: str, state_type: str, frame: Frame, entered_event: Event) -> None:
        self.name = name
        #: The ASL state type: Task, Pass, Map, Parallel, Choice, Wait, Succeed or Fail.
        self.state_type = state_type
        self.frame = frame
        self.status = RunStatus.RUNNING
        self.entered_event = entered_event
        self.exited_event: Event | None = None
        #: The event that ended the run: its exit, an abort, a failure that ended the
        #: execution, branch or iteration, or the entry of a Fail state.
        self.end_event: Event | None = None
        #: The error and cause of the latest failure (cleared when a retry begins).
        self.error: str | None = None
        self.cause: str | None = None
        #: Task attempts scheduled, or Map/Parallel bodies started (1 for the other states).
        self.attempts = 0
        #: The latest `*Scheduled` event of a Task (resource, parameters, timeouts).
        self.scheduled_event: Event | None = None
        #: The latest `*Succeeded`/`*Submitted` event of a Task (the raw task result).
        self.result_event: Event | None = None
        #: How many items the Map's latest attempt started with (`MapStateStarted` length).
        self.item_count: int | None = None
        self.map_run_arn: str | None = None
        self._failures: list[Failure] = []
        self._events: list[Event] = [entered_event]
        self._children: list[Frame] = []
        self._input: Any = _UNPARSED
        self._output: Any = _UNPARSED

    # --- the events ---

    @property
    def events(self) -> Sequence[Event]:
        """Every event of this run (not of its iterations or branches), in id order."""
        return ListView(self._events)

    @property
    def entered_id(self) -> int:
        return self.entered_event["id"]

    @property
    def exited_id(self) -> int | None:
        return self.exited_event["id"] if self.exited_event is not None else None

    @property
    def is_open(self) -> bool:
        return self.end_event is None

    # --- data ---

    @property
    def input_text(self) -> str | None:
        return details(self.entered_event).get("input")

    @property
    def input(self) -> Any:
        """The state's input as a JSON value (the raw text if it is not JSON: a truncated one)."""
        if self._input is _UNPARSED:
            self._input = payload_or_text(self.input_text)
        return self._input

    @property
    def output_text(self) -> str | None:
        if self.exited_event is None:
            return None
        return details(self.exited_event).get("output")

    @property
    def output(self) -> Any:
        """The state's output as a JSON value; None until the state exits."""
        if self.exited_event is None:
            return None
        if self._output is _UNPARSED:
            self._output = payload_or_text(self.output_text)
        return self._output

    @property
    def result_text(self) -> str | None:
        """A Task's raw result, before ResultSelector and ResultPath."""
        if self.result_event is None:
            return None
        return details(self.result_event).get("output")

    @property
    def result(self) -> Any:
        return payload_or_text(self.result_text)

    @property
    def resource(self) -> str | None:
        if self.scheduled_event is None:
            return None
        return details(self.scheduled_event).get("resource")

    @property
    def assigned_variables(self) -> dict[str, Any]:
        """Variables the state assigned on exit (JSON values)."""
        if self.exited_event is None:
            return {}
        assigned = details(self.exited_event).get("assignedVariables") or {}
        return {name: payload_or_text(text) for name, text in assigned.items()}

    # --- attempts ---

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)

    @property
    def failures(self) -> Sequence[Failure]:
        """Every failed attempt, retried ones included, in order."""
        return ListView(self._failures)

    # --- time ---

    @property
    def started(self) -> datetime:
        return event_time(self.entered_event)

    @property
    def ended(self) -> datetime | None:
        return event_time(self.end_event) if self.end_event is not None else None

    # --- nesting ---

    @property
    def children(self) -> Sequence[Frame]:
        """A Map's iterations or a Parallel's branches, every attempt's, in the order they began."""
        return ListView(self._children)

    @property
    def iterations(self) -> Sequence[Frame]:
        return self.children if self.state_type == "Map" else ()

    @property
    def branches(self) -> Sequence[Frame]:
        return self.children if self.state_type == "Parallel" else ()

    @property
    def path(self) -> tuple[PathStep, ...]:
        """The Map iterations and Parallel branches this run is nested in, outermost first."""
        return self.frame.path

    def __repr__(self) -> str:
        where = "".join(f"{step.state}[{step.index}]/" for step in self.path)
        return f"<StateRun {where}{self.name} #{self.entered_id} {self.status}>"
