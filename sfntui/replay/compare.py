"""A local run held against its recording: the same states, in the same order, ending alike.

Both histories go through the projection, and the runs of each frame (the top level, every
Parallel branch, every Map iteration) are compared in order: the state entered, how often a
Task was tried, how it ended and with what error. Frames are compared frame by frame, not
event by event, since AWS interleaves concurrent iterations in an order of its own. Then the
execution's outcome: status, error and cause, or output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import zip_longest
from typing import Any

from sfntui.history.projection import Projection
from sfntui.history.runs import Frame, FrameKind, RunStatus, StateRun
from sfntui.replay.divergence import Divergence, first_difference, place
from sfntui.replay.recording import Recording

_Steps = tuple[tuple[str, str, int | str], ...]


def differences(
    recording: Recording, local_events: Sequence[Mapping[str, Any]]
) -> list[Divergence]:
    """Every difference found, the first one first (empty when the run matches)."""
    local = Projection(local_events)
    found: list[Divergence] = []
    if recording.attempt == 0:
        # (A later redrive's runs are not this attempt's: `_compare_children` leaves them out.)
        _compare_runs(
            recording.top_level_runs(), list(local.root.runs), (), found, recording.end_id
        )
    outcome = _outcome_difference(recording, local)
    if outcome is not None:
        found.append(outcome)
    return found


def _outcome_difference(recording: Recording, local: Projection) -> Divergence | None:
    status = str(local.status)
    if status != recording.status:
        return Divergence(
            "outcome",
            f"The recording ended {_ending(recording.status, recording.error, recording.cause)}"
            f", the local run {_ending(status, local.error, local.cause)}.",
        )
    if status == "SUCCEEDED":
        path = first_difference(recording.output, local.output)
        if path is not None:
            return Divergence(
                "outcome", f"Both runs succeeded, but their outputs differ (first at {path})."
            )
    elif (recording.error, recording.cause) != (local.error, local.cause):
        return Divergence(
            "outcome",
            f"The recording ended {_ending(status, recording.error, recording.cause)}, "
            f"the local run {_ending(status, local.error, local.cause)}.",
        )
    return None


def _ending(status: str, error: str | None, cause: str | None) -> str:
    if status == "SUCCEEDED":
        return "SUCCEEDED"
    detail = f" with {error!r}" if error else ""
    if cause:
        shown = cause if len(cause) <= 120 else cause[:117] + "..."
        detail += f" ({shown!r})"
    return status + detail


def _compare_runs(
    recorded: Sequence[StateRun],
    local: Sequence[StateRun],
    steps: _Steps,
    found: list[Divergence],
    before: int,
) -> None:
    if found:
        return
    where = place(steps)
    iteration = tuple((s, i) for k, s, i in steps if k == "Map" and isinstance(i, int))
    previous: str | None = None
    for mine, theirs in zip_longest(recorded, local):
        after = f" after '{previous}'" if previous else " first"
        if theirs is None:
            found.append(
                Divergence(
                    "path",
                    f"The recording entered '{mine.name}'{after}{where}; the local run did not.",
                    mine.name,
                    iteration,
                )
            )
            return
        if mine is None:
            found.append(
                Divergence(
                    "path",
                    f"The local run entered '{theirs.name}'{after}{where}; the recording did not.",
                    theirs.name,
                    iteration,
                )
            )
            return
        if mine.name != theirs.name:
            found.append(
                Divergence(
                    "path",
                    f"The recording entered '{mine.name}'{after}{where}, the local run "
                    f"'{theirs.name}'.",
                    theirs.name,
                    iteration,
                )
            )
            return
        at = f"'{mine.name}'{where}"
        if mine.state_type == "Task" and mine.attempts != theirs.attempts:
            found.append(
                Divergence(
                    "path",
                    f"{at} was tried {mine.attempts} time(s) in the recording and "
                    f"{theirs.attempts} time(s) in the local run.",
                    mine.name,
                    iteration,
                )
            )
            return
        if mine.children or theirs.children:
            # Inside first: the innermost place where the runs part is the one to show.
            _compare_children(mine, theirs, steps, found, before)
            if found:
                return
        if mine.status != theirs.status or (
            mine.status in (RunStatus.FAILED, RunStatus.CAUGHT)
            and (mine.error, mine.cause) != (theirs.error, theirs.cause)
        ):
            found.append(
                Divergence(
                    "path",
                    f"{at} ended {_ending(mine.status, mine.error, mine.cause)} in the "
                    f"recording, {_ending(theirs.status, theirs.error, theirs.cause)} in the "
                    "local run.",
                    mine.name,
                    iteration,
                )
            )
            return
        previous = mine.name


def _compare_children(
    recorded: StateRun, local: StateRun, steps: _Steps, found: list[Divergence], before: int
) -> None:
    kind = "Map" if recorded.state_type == "Map" else "Parallel"
    mine = {_frame_key(f): f for f in recorded.children if _began_before(f, before)}
    theirs = {_frame_key(f): f for f in local.children}
    for key in sorted(mine.keys() | theirs.keys(), key=lambda k: (k[0], str(k[1]))):
        attempt, index = key
        inner = (*steps, (kind, recorded.name, index))
        if key not in theirs or key not in mine:
            which = "the local run" if key not in theirs else "the recording"
            what = f"iteration {index}" if kind == "Map" else f"the branch that starts at '{index}'"
            found.append(
                Divergence(
                    "path",
                    f"{which.capitalize()} never ran {what} of {kind} "
                    f"'{recorded.name}'{place(steps)}.",
                    recorded.name,
                    tuple((s, i) for k, s, i in steps if k == "Map" and isinstance(i, int)),
                )
            )
            return
        runs = [r for r in mine[key].runs if r.entered_id < before]
        _compare_runs(runs, list(theirs[key].runs), inner, found, before)
        if found:
            return
        if mine[key].status != theirs[key].status:
            what = f"Iteration {index}" if kind == "Map" else f"The branch that starts at '{index}'"
            found.append(
                Divergence(
                    "path",
                    f"{what} of {kind} '{recorded.name}'{place(steps)} ended "
                    f"{mine[key].status} in the recording, {theirs[key].status} in the local run.",
                    recorded.name,
                    tuple((s, i) for k, s, i in inner if k == "Map" and isinstance(i, int)),
                )
            )
            return


def _began_before(frame: Frame, before: int) -> bool:
    start = frame.start_event if frame.start_event is not None else None
    if start is None and frame.runs:
        start = frame.runs[0].entered_event
    return start is None or start["id"] < before


def _frame_key(frame: Frame) -> tuple[int, int | str]:
    if frame.kind is FrameKind.ITERATION:
        return frame.attempt, frame.index
    return frame.attempt, frame.first_state or ""
