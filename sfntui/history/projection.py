"""From history events to the runs of each state, kept up to date as the history grows.

Every event is attributed through its `previousEventId`: an event belongs where the event it
follows belongs. That is how AWS links concurrent work: each Parallel branch begins with an
event that follows `ParallelStateStarted`, each Map iteration with `MapIterationStarted`, and
within a branch or iteration each event follows the previous one of the same branch or
iteration. So `add` costs time in proportion to the new events only, whatever their batching.

Status rules, where the events leave room for doubt:
- a Task whose attempt failed is FAILED; another `*Scheduled` for it makes it RETRIED (the
  failure stays in `failures`); then it ends SUCCEEDED, FAILED or CAUGHT;
- a failed run that exits, or that a state of the same frame follows, was CAUGHT;
- the run the `ExecutionFailed` event follows is FAILED, with the execution's error and cause
  where its own events gave none (a Fail state's error, a Parallel's or a Map's);
- runs still open when their branch, iteration or execution stops are ABORTED.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sfntui.history.events import (
    EVENT_ROLE,
    EVENT_STATE_TYPE,
    EXECUTION_END_STATUS,
    Event,
    ExecutionStatus,
    Role,
    details,
    event_time,
    payload_or_text,
)
from sfntui.history.runs import (
    Failure,
    Frame,
    FrameKind,
    ListView,
    RunStatus,
    StateRun,
)

#: Where an event belongs: its frame, the run it is part of (if any), and its role.
Place = tuple[Frame, StateRun | None, Role | None]

_ONE_ATTEMPT_TYPES = frozenset({"Pass", "Choice", "Wait", "Succeed", "Fail"})
# How far back to look for an open run when an event's previousEventId leads nowhere.
_FALLBACK_SCAN = 256


def _sort_key(event: Mapping[str, Any]) -> int:
    value = event.get("id")
    return value if isinstance(value, int) else 0


_by_id = itemgetter("id")


def _in_id_order(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The events sorted by id: by C-level lookups when every id is there and comparable
    (any that is not an int is ignored after), else with the slower key that ranks it 0."""
    batch = list(events)
    try:
        batch.sort(key=_by_id)
    except (KeyError, TypeError):
        batch.sort(key=_sort_key)
    return batch


class Projection:
    """The runs of every state of one execution, from its history events.

    `add` takes events one batch at a time, in any order within a batch; an event whose id
    is not above the last one applied (a duplicate, or one that came too late) is ignored and
    counted in `ignored_events`. Everything else is a read-only view.
    """

    def __init__(self, events: Iterable[Mapping[str, Any]] = ()) -> None:
        self.root = Frame(FrameKind.EXECUTION)
        self.ignored_events = 0
        self._events: list[Event] = []
        self._places: dict[int, Place] = {}
        self._runs: list[StateRun] = []
        self._by_name: dict[str, list[StateRun]] = {}
        self._open_runs: dict[StateRun, None] = {}
        self._body_open: set[StateRun] = set()
        self._failure_sources: dict[StateRun, StateRun] = {}
        self._changed: dict[StateRun, None] = {}
        self._last_id = 0
        self._status = ExecutionStatus.NOT_STARTED
        self._start_event: Event | None = None
        self._end_event: Event | None = None
        self._error: str | None = None
        self._cause: str | None = None
        self._redrive_count = 0
        self._handlers: dict[Role, Callable[[Event, Place], Place]] = {
            Role.EXECUTION_STARTED: self._execution_started,
            Role.EXECUTION_SUCCEEDED: self._execution_succeeded,
            Role.EXECUTION_FAILED: self._execution_failed,
            Role.EXECUTION_TIMED_OUT: self._execution_stopped,
            Role.EXECUTION_ABORTED: self._execution_stopped,
            Role.EXECUTION_REDRIVEN: self._execution_redriven,
            Role.ENTERED: self._entered,
            Role.EXITED: self._exited,
            Role.ABORTED: self._aborted,
            Role.SCHEDULED: self._scheduled,
            Role.PROGRESS: self._progress,
            Role.RESULT: self._result,
            Role.FAILURE: self._failure,
            Role.ERROR_DETAIL: self._error_detail,
            Role.BODY_STARTED: self._body_started,
            Role.BODY_SUCCEEDED: self._body_succeeded,
            Role.BODY_FAILED: self._body_failed,
            Role.BODY_ABORTED: self._body_aborted,
            Role.ITERATION_STARTED: self._iteration_started,
            Role.ITERATION_SUCCEEDED: self._iteration_ended,
            Role.ITERATION_FAILED: self._iteration_ended,
            Role.ITERATION_ABORTED: self._iteration_ended,
        }
        self.add(events)

    # --- feeding ---

    def add(self, events: Iterable[Mapping[str, Any]]) -> list[StateRun]:
        """Apply a batch of events; returns the runs that changed, in the order they changed."""
        batch = _in_id_order(events)
        changed: dict[StateRun, None] = {}
        self._changed = changed
        places = self._places
        handlers = self._handlers
        roles = EVENT_ROLE
        keep = self._events.append
        root_place: Place = (self.root, None, None)
        last_id = self._last_id
        if batch and self._status is ExecutionStatus.NOT_STARTED:
            self._status = ExecutionStatus.RUNNING
        for event in batch:
            this_id = event.get("id")
            if type(this_id) is not int or this_id <= last_id:
                self.ignored_events += 1
                continue
            self._last_id = last_id = this_id
            keep(event)  # type: ignore[arg-type]
            previous = places.get(event.get("previousEventId") or 0, root_place)
            role = roles.get(event.get("type"))  # type: ignore[arg-type]
            if role is None:  # a type this version does not know: it changes nothing
                places[this_id] = previous
            else:
                places[this_id] = handlers[role](event, previous)  # type: ignore[arg-type]
        self._changed = {}
        return list(changed)

    # --- the execution ---

    @property
    def status(self) -> ExecutionStatus:
        return self._status

    @property
    def input_text(self) -> str | None:
        return None if self._start_event is None else details(self._start_event).get("input")

    @property
    def input(self) -> Any:
        return payload_or_text(self.input_text)

    @property
    def output_text(self) -> str | None:
        if self._end_event is None or self._status is not ExecutionStatus.SUCCEEDED:
            return None
        return details(self._end_event).get("output")

    @property
    def output(self) -> Any:
        return payload_or_text(self.output_text)

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def cause(self) -> str | None:
        return self._cause

    @property
    def started(self) -> datetime | None:
        return None if self._start_event is None else event_time(self._start_event)

    @property
    def ended(self) -> datetime | None:
        return None if self._end_event is None else event_time(self._end_event)

    @property
    def redrive_count(self) -> int:
        return self._redrive_count

    # --- events and runs ---

    @property
    def events(self) -> Sequence[Event]:
        """Every event applied, in id order."""
        return ListView(self._events)

    @property
    def last_event_id(self) -> int:
        return self._last_id

    @property
    def runs(self) -> Sequence[StateRun]:
        """Every run of every state, nested ones included, in the order they were entered."""
        return ListView(self._runs)

    @property
    def open_runs(self) -> tuple[StateRun, ...]:
        return tuple(self._open_runs)

    @property
    def state_names(self) -> Sequence[str]:
        """The states that have run, in the order they were first entered."""
        return tuple(self._by_name)

    def runs_of(self, state_name: str) -> Sequence[StateRun]:
        return ListView(self._by_name.get(state_name, []))

    def latest_run(self, state_name: str) -> StateRun | None:
        runs = self._by_name.get(state_name)
        return runs[-1] if runs else None

    def status_of(self, state_name: str) -> RunStatus:
        """The status of the state's latest run; NOT_REACHED if it never ran."""
        runs = self._by_name.get(state_name)
        return runs[-1].status if runs else RunStatus.NOT_REACHED

    def run_for_event(self, event_id: int) -> StateRun | None:
        """The run an event is part of (None for execution and Map iteration events)."""
        place = self._places.get(event_id)
        return None if place is None else place[1]

    def frame_for_event(self, event_id: int) -> Frame | None:
        place = self._places.get(event_id)
        return None if place is None else place[0]

    # --- finding the run an event belongs to ---

    def _owner(
        self,
        previous: Place,
        state_type: str | None,
        name: str | None = None,
        *,
        body_open: bool = False,
    ) -> StateRun | None:
        """The open run of `state_type` (and `name`) nearest to the previous event's place:
        its own run, or else the Map or Parallel runs it is nested in, innermost first."""
        frame, run, _role = previous
        if (  # the previous event's own run: nearly always, and checked inline
            run is not None
            and run.end_event is None
            and (state_type is None or run.state_type == state_type)
            and (name is None or run.name == name)
            and (not body_open or run in self._body_open)
        ):
            return run
        while frame.parent_run is not None:
            run = frame.parent_run
            if self._fits(run, state_type, name, body_open):
                return run
            frame = run.frame
        for run in reversed(self._runs[-_FALLBACK_SCAN:]):
            if self._fits(run, state_type, name, body_open):
                return run
        return None

    def _fits(self, run: StateRun, state_type: str | None, name: str | None, body: bool) -> bool:
        return (
            run.end_event is None
            and (state_type is None or run.state_type == state_type)
            and (name is None or run.name == name)
            and (not body or run in self._body_open)
        )

    # --- state events ---

    def _entered(self, event: Event, previous: Place) -> Place:
        frame, previous_run, previous_role = previous
        if previous_role is Role.BODY_STARTED and previous_run is not None:
            frame = self._open_frame(previous_run, event)
        elif (
            previous_run is not None
            and previous_run.status is RunStatus.FAILED
            and previous_run.end_event is None
            and previous_run.frame is frame
        ):
            self._end(previous_run, RunStatus.CAUGHT, event)
        state_type = EVENT_STATE_TYPE[event["type"]]
        name = details(event).get("name") or "?"
        run = StateRun(name, state_type, frame, event)
        if state_type in _ONE_ATTEMPT_TYPES:
            run.attempts = 1
        frame._runs.append(run)
        self._runs.append(run)
        named = self._by_name.get(name)
        if named is None:
            self._by_name[name] = [run]
        else:
            named.append(run)
        self._changed[run] = None
        if state_type == "Fail":
            run.status = RunStatus.FAILED
            run.end_event = event
        else:
            self._open_runs[run] = None
        return (frame, run, Role.ENTERED)

    def _exited(self, event: Event, previous: Place) -> Place:
        name = details(event).get("name")
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]], name)
        if run is None:
            return previous
        run._events.append(event)
        run.exited_event = event
        failed = run.status is RunStatus.FAILED
        self._end(run, RunStatus.CAUGHT if failed else RunStatus.SUCCEEDED, event)
        return (run.frame, run, Role.EXITED)

    def _aborted(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]])
        if run is None:
            return previous
        run._events.append(event)
        self._finish(run, event, RunStatus.ABORTED)
        return (run.frame, run, Role.ABORTED)

    def _scheduled(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, "Task")
        if run is None:
            return previous
        run._events.append(event)
        if run.attempts:
            run.status = RunStatus.RETRIED
            run.error = run.cause = None
        run.attempts += 1
        run.scheduled_event = event
        self._changed[run] = None
        return (run.frame, run, Role.SCHEDULED)

    def _progress(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]])
        if run is None:
            return previous
        run._events.append(event)
        if event["type"] == "MapRunStarted":
            run.map_run_arn = details(event).get("mapRunArn")
        elif event["type"] == "TaskSubmitted":
            run.result_event = event
        self._changed[run] = None
        return (run.frame, run, Role.PROGRESS)

    def _result(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, "Task")
        if run is None:
            return previous
        run._events.append(event)
        run.result_event = event
        self._changed[run] = None
        return (run.frame, run, Role.RESULT)

    def _failure(self, event: Event, previous: Place) -> Place:
        found = details(event)
        run = self._owner(previous, EVENT_STATE_TYPE.get(event["type"]), found.get("state"))
        if run is None:
            return previous
        run._events.append(event)
        error, cause = found.get("error"), found.get("cause")
        run.error, run.cause = error, cause
        run._failures.append(Failure(error, cause, event["id"]))
        run.status = RunStatus.FAILED
        self._changed[run] = None
        return (run.frame, run, Role.FAILURE)

    def _error_detail(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]])
        if run is None:
            return previous
        run._events.append(event)
        found = details(event)
        run.error, run.cause = found.get("error"), found.get("cause")
        self._changed[run] = None
        return (run.frame, run, Role.ERROR_DETAIL)

    # --- Map and Parallel ---

    def _body_started(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]])
        if run is None:
            return previous
        run._events.append(event)
        if run.attempts:  # a retry: what the failed attempt left open stops here
            if len(run._failures) < run.attempts:  # no *StateFailed event said why
                source = previous[1] if previous[1] is not run else None
                source = source or self._failure_sources.get(run)
                error = source.error if source is not None else None
                cause = source.cause if source is not None else None
                run._failures.append(Failure(error, cause, event["id"]))
            self._close_children(run, event, failed_source=previous[1])
            self._failure_sources.pop(run, None)
            run.status = RunStatus.RETRIED
            run.error = run.cause = None
        run.attempts += 1
        if run.state_type == "Map":
            run.item_count = details(event).get("length")
        self._body_open.add(run)
        self._changed[run] = None
        return (run.frame, run, Role.BODY_STARTED)

    def _body_succeeded(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]], body_open=True)
        if run is None:
            return previous
        run._events.append(event)
        self._body_open.discard(run)
        for child in run._children:
            if child.status is RunStatus.RUNNING:
                self._close_frame(child, RunStatus.SUCCEEDED, event)
        self._changed[run] = None
        return (run.frame, run, Role.BODY_SUCCEEDED)

    def _body_failed(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]], body_open=True)
        if run is None:
            return previous
        run._events.append(event)
        self._body_open.discard(run)
        source = previous[1]
        if source is None or source is run:  # it follows an iteration's end
            source = self._failure_sources.get(run)
        if source is not None:
            self._failure_sources[run] = source
            run.error, run.cause = source.error, source.cause
        run._failures.append(Failure(run.error, run.cause, event["id"]))
        run.status = RunStatus.FAILED
        self._close_children(run, event, failed_source=source)
        self._changed[run] = None
        return (run.frame, run, Role.BODY_FAILED)

    def _body_aborted(self, event: Event, previous: Place) -> Place:
        run = self._owner(previous, EVENT_STATE_TYPE[event["type"]], body_open=True)
        if run is None:
            return previous
        run._events.append(event)
        self._body_open.discard(run)
        self._finish(run, event, RunStatus.ABORTED)
        return (run.frame, run, Role.BODY_ABORTED)

    def _iteration_started(self, event: Event, previous: Place) -> Place:
        found = details(event)
        run = self._owner(previous, "Map", found.get("name"), body_open=True)
        if run is None:
            return previous
        return (self._open_frame(run, event, found.get("index")), None, Role.ITERATION_STARTED)

    def _iteration_ended(self, event: Event, previous: Place) -> Place:
        found = details(event)
        frame = self._iteration_frame(previous, found.get("name"), found.get("index"))
        if frame is None:
            return previous
        role = EVENT_ROLE[event["type"]]
        if role is Role.ITERATION_SUCCEEDED:
            status = RunStatus.SUCCEEDED
        elif role is Role.ITERATION_FAILED:
            status = RunStatus.FAILED
        else:
            status = RunStatus.ABORTED
        self._close_frame(frame, status, event)
        run = frame.parent_run
        if run is not None:
            if status is RunStatus.FAILED and frame._runs:  # the Map's error, should it fail
                self._failure_sources.setdefault(run, frame._runs[-1])
            self._changed[run] = None
        return (frame, None, role)

    def _iteration_frame(self, previous: Place, name: str | None, index: Any) -> Frame | None:
        frame: Frame | None = previous[0]
        while frame is not None and frame.parent_run is not None:
            if (
                frame.kind is FrameKind.ITERATION
                and frame.status is RunStatus.RUNNING
                and (name is None or frame.parent_run.name == name)
                and (index is None or frame.index == index)
            ):
                return frame
            frame = frame.parent_run.frame
        run = self._owner(previous, "Map", name, body_open=True)
        if run is None:
            return None
        for child in reversed(run._children):
            if child.status is RunStatus.RUNNING and (index is None or child.index == index):
                return child
        return None

    def _open_frame(self, run: StateRun, event: Event, index: int | None = None) -> Frame:
        kind = FrameKind.BRANCH if run.state_type == "Parallel" else FrameKind.ITERATION
        if index is None:
            index = sum(1 for child in run._children if child.attempt == run.attempts)
        frame = Frame(kind, index, run, run.attempts, event)
        run._children.append(frame)
        self._changed[run] = None
        return frame

    def _close_children(self, run: StateRun, event: Event, failed_source: StateRun | None) -> None:
        """Close the frames a failed or retried Map/Parallel attempt left running: the one the
        failure came from FAILED, a branch whose last state succeeded SUCCEEDED, others ABORTED."""
        failed_frame = self._child_frame_of(run, failed_source)
        for child in run._children:
            if child.status is not RunStatus.RUNNING:
                continue
            if child is failed_frame:
                status = RunStatus.FAILED
            elif (
                child.kind is FrameKind.BRANCH
                and child._runs
                and (child._runs[-1].status is RunStatus.SUCCEEDED)
            ):
                status = RunStatus.SUCCEEDED
            else:
                status = RunStatus.ABORTED
            self._close_frame(child, status, event)

    @staticmethod
    def _child_frame_of(run: StateRun, descendant: StateRun | None) -> Frame | None:
        frame = descendant.frame if descendant is not None else None
        while frame is not None and frame.parent_run is not None:
            if frame.parent_run is run:
                return frame
            frame = frame.parent_run.frame
        return None

    def _close_frame(self, frame: Frame, status: RunStatus, event: Event) -> None:
        frame.status = status
        frame.end_event = event
        if frame._runs:  # within a frame states run one after another: only the last is open
            last = frame._runs[-1]
            if last.end_event is None:
                self._finish(last, event, RunStatus.ABORTED)

    def _finish(self, run: StateRun, event: Event, status: RunStatus) -> None:
        """End a run that is stopped from outside, with its open iterations or branches."""
        for child in run._children:
            if child.status is RunStatus.RUNNING:
                self._close_frame(child, RunStatus.ABORTED, event)
        self._body_open.discard(run)
        self._end(run, RunStatus.FAILED if run.status is RunStatus.FAILED else status, event)

    def _end(self, run: StateRun, status: RunStatus, event: Event) -> None:
        run.status = status
        run.end_event = event
        self._open_runs.pop(run, None)
        self._changed[run] = None

    # --- execution events ---

    def _execution_started(self, event: Event, previous: Place) -> Place:
        self._start_event = event
        return (self.root, None, Role.EXECUTION_STARTED)

    def _execution_succeeded(self, event: Event, previous: Place) -> Place:
        self._stop(event, ExecutionStatus.SUCCEEDED, RunStatus.SUCCEEDED)
        return (self.root, None, Role.EXECUTION_SUCCEEDED)

    def _execution_failed(self, event: Event, previous: Place) -> Place:
        found = details(event)
        self._error, self._cause = found.get("error"), found.get("cause")
        failing = previous[1]
        if failing is not None and (
            failing.end_event is None or failing.status is RunStatus.FAILED
        ):
            run: StateRun | None = failing
            while run is not None:
                if run.error is None and run.cause is None:
                    run.error, run.cause = self._error, self._cause
                    self._changed[run] = None
                    last = run._failures[-1] if run._failures else None
                    if last is not None and last.error is None and last.cause is None:
                        run._failures[-1] = Failure(self._error, self._cause, last.event_id)
                run = self._failure_sources.get(run)
            if failing.end_event is None:
                failing.status = RunStatus.FAILED
                self._finish(failing, event, RunStatus.FAILED)
        self._stop(event, ExecutionStatus.FAILED, RunStatus.FAILED)
        return (self.root, failing, Role.EXECUTION_FAILED)

    def _execution_stopped(self, event: Event, previous: Place) -> Place:
        found = details(event)
        self._error, self._cause = found.get("error"), found.get("cause")
        self._stop(event, EXECUTION_END_STATUS[event["type"]], RunStatus.ABORTED)
        return (self.root, None, EVENT_ROLE[event["type"]])

    def _execution_redriven(self, event: Event, previous: Place) -> Place:
        self._status = ExecutionStatus.RUNNING
        self._end_event = None
        self._error = self._cause = None
        self._redrive_count = details(event).get("redriveCount") or self._redrive_count + 1
        self.root.status = RunStatus.RUNNING
        self.root.end_event = None
        return (self.root, None, Role.EXECUTION_REDRIVEN)

    def _stop(self, event: Event, status: ExecutionStatus, frame_status: RunStatus) -> None:
        self._status = status
        self._end_event = event
        if status is not ExecutionStatus.SUCCEEDED:
            for run in list(self._open_runs):
                if run.end_event is None:
                    self._finish(run, event, RunStatus.ABORTED)
        self.root.status = frame_status
        self.root.end_event = event


def state_runs(events: Iterable[Mapping[str, Any]]) -> tuple[StateRun, ...]:
    """Every run of every state in a complete or partial history, in the order entered."""
    return tuple(Projection(events).runs)
