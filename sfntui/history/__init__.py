"""The event model (AWS `GetExecutionHistory` events) and the projection to per-state runs."""

from sfntui.history.events import (
    EVENT_DETAILS_KEY,
    ExecutionStatus,
    HistoryFileError,
    details,
    dump_history,
    event_time,
    load_history_file,
    parse_payload,
    state_name,
)
from sfntui.history.projection import Projection, state_runs
from sfntui.history.runs import Frame, FrameKind, RunStatus, StateRun

__all__ = [
    "EVENT_DETAILS_KEY",
    "ExecutionStatus",
    "Frame",
    "FrameKind",
    "HistoryFileError",
    "Projection",
    "RunStatus",
    "StateRun",
    "details",
    "dump_history",
    "event_time",
    "load_history_file",
    "parse_payload",
    "state_name",
    "state_runs",
]
