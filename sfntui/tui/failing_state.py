"""Where an ended execution went wrong: the state it failed (or was stopped) in, and why.

The overview opens an execution "on its failing state": the graph selects that state and the
error and cause are said. Read from the projection, so a state that failed inside a Parallel
or Map is found as the top-level state that carried the failure out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sfntui.history.events import ExecutionStatus
from sfntui.history.projection import Projection
from sfntui.history.runs import RunStatus

_ENDED_BADLY = (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED)
_BAD_RUNS = (RunStatus.FAILED, RunStatus.ABORTED, RunStatus.RUNNING, RunStatus.RETRIED)


@dataclass(frozen=True)
class Failure:
    status: str
    #: The top-level state it ended in, when the history shows one.
    state: str | None
    error: str
    cause: str | None


def failing_state(projection: Projection) -> Failure | None:
    """Why the execution ended badly, or None while it runs or when it succeeded."""
    status = projection.status
    if status not in _ENDED_BADLY:
        return None
    state = None
    for run in reversed(projection.runs):
        if run.frame is projection.root and run.status in _BAD_RUNS:
            state = run.name
            break
    if state is None and projection.runs:
        state = projection.runs[-1].name
    error = projection.error or status.value
    return Failure(status.value, state, error, projection.cause)
