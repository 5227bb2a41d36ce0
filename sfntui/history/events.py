"""The event model: AWS `GetExecutionHistory` events, as plain dicts, and typed accessors.

An event is exactly what botocore returns: `id`, `previousEventId`, `timestamp`, `type`, and
at most one `*EventDetails` object named for the type. The accessors read those dicts in
place; nothing here copies an event. Exported history files (`aws stepfunctions
get-execution-history` output) are read and written here too, so a file round-trips.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import Enum, StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sfntui.asl.file_limits import FileTooLargeError, read_limited_text
from sfntui.asl.strict_json import JsonValueError, parse_json

#: One history event: what botocore returns for it (AWS's shape, JSON-ready).
Event = dict[str, Any]


class ExecutionStatus(StrEnum):
    """An execution's status: AWS's `ExecutionStatus` values, and NOT_STARTED for a history
    with no event yet. Equal to the API's strings, so records hold it where AWS sends text."""

    NOT_STARTED = "NOT_STARTED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"


class Role(Enum):
    """What an event means to the projection from events to state runs."""

    EXECUTION_STARTED = "execution started"
    EXECUTION_SUCCEEDED = "execution succeeded"
    EXECUTION_FAILED = "execution failed"
    EXECUTION_TIMED_OUT = "execution timed out"
    EXECUTION_ABORTED = "execution aborted"
    EXECUTION_REDRIVEN = "execution redriven"
    ENTERED = "state entered"
    EXITED = "state exited"
    ABORTED = "state aborted"
    SCHEDULED = "task attempt scheduled"
    PROGRESS = "progress"
    RESULT = "task result"
    FAILURE = "attempt failed"
    ERROR_DETAIL = "error detail"
    BODY_STARTED = "Map or Parallel body started"
    BODY_SUCCEEDED = "Map or Parallel body succeeded"
    BODY_FAILED = "Map or Parallel body failed"
    BODY_ABORTED = "Map or Parallel body aborted"
    ITERATION_STARTED = "Map iteration started"
    ITERATION_SUCCEEDED = "Map iteration succeeded"
    ITERATION_FAILED = "Map iteration failed"
    ITERATION_ABORTED = "Map iteration aborted"


_R = Role

# One row per HistoryEventType of the Step Functions API (botocore's service model):
# the type, its details key (None where the API defines no details for it), the ASL state
# type the event belongs to (None: the execution, or whichever state the event follows),
# and its role.
_EVENT_TABLE: tuple[tuple[str, str | None, str | None, Role], ...] = (
    ("ActivityFailed", "activityFailedEventDetails", "Task", _R.FAILURE),
    ("ActivityScheduled", "activityScheduledEventDetails", "Task", _R.SCHEDULED),
    ("ActivityScheduleFailed", "activityScheduleFailedEventDetails", "Task", _R.FAILURE),
    ("ActivityStarted", "activityStartedEventDetails", "Task", _R.PROGRESS),
    ("ActivitySucceeded", "activitySucceededEventDetails", "Task", _R.RESULT),
    ("ActivityTimedOut", "activityTimedOutEventDetails", "Task", _R.FAILURE),
    ("ChoiceStateEntered", "stateEnteredEventDetails", "Choice", _R.ENTERED),
    ("ChoiceStateExited", "stateExitedEventDetails", "Choice", _R.EXITED),
    ("EvaluationFailed", "evaluationFailedEventDetails", None, _R.FAILURE),
    ("ExecutionAborted", "executionAbortedEventDetails", None, _R.EXECUTION_ABORTED),
    ("ExecutionFailed", "executionFailedEventDetails", None, _R.EXECUTION_FAILED),
    ("ExecutionRedriven", "executionRedrivenEventDetails", None, _R.EXECUTION_REDRIVEN),
    ("ExecutionStarted", "executionStartedEventDetails", None, _R.EXECUTION_STARTED),
    ("ExecutionSucceeded", "executionSucceededEventDetails", None, _R.EXECUTION_SUCCEEDED),
    ("ExecutionTimedOut", "executionTimedOutEventDetails", None, _R.EXECUTION_TIMED_OUT),
    ("FailStateEntered", "stateEnteredEventDetails", "Fail", _R.ENTERED),
    ("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", "Task", _R.FAILURE),
    ("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", "Task", _R.SCHEDULED),
    (
        "LambdaFunctionScheduleFailed",
        "lambdaFunctionScheduleFailedEventDetails",
        "Task",
        _R.FAILURE,
    ),
    ("LambdaFunctionStarted", None, "Task", _R.PROGRESS),
    ("LambdaFunctionStartFailed", "lambdaFunctionStartFailedEventDetails", "Task", _R.FAILURE),
    ("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", "Task", _R.RESULT),
    ("LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails", "Task", _R.FAILURE),
    ("MapIterationAborted", "mapIterationAbortedEventDetails", "Map", _R.ITERATION_ABORTED),
    ("MapIterationFailed", "mapIterationFailedEventDetails", "Map", _R.ITERATION_FAILED),
    ("MapIterationStarted", "mapIterationStartedEventDetails", "Map", _R.ITERATION_STARTED),
    ("MapIterationSucceeded", "mapIterationSucceededEventDetails", "Map", _R.ITERATION_SUCCEEDED),
    ("MapRunAborted", None, "Map", _R.PROGRESS),
    ("MapRunFailed", "mapRunFailedEventDetails", "Map", _R.ERROR_DETAIL),
    ("MapRunRedriven", "mapRunRedrivenEventDetails", "Map", _R.PROGRESS),
    ("MapRunStarted", "mapRunStartedEventDetails", "Map", _R.PROGRESS),
    ("MapRunSucceeded", None, "Map", _R.PROGRESS),
    ("MapStateAborted", None, "Map", _R.BODY_ABORTED),
    ("MapStateEntered", "stateEnteredEventDetails", "Map", _R.ENTERED),
    ("MapStateExited", "stateExitedEventDetails", "Map", _R.EXITED),
    ("MapStateFailed", None, "Map", _R.BODY_FAILED),
    ("MapStateStarted", "mapStateStartedEventDetails", "Map", _R.BODY_STARTED),
    ("MapStateSucceeded", None, "Map", _R.BODY_SUCCEEDED),
    ("ParallelStateAborted", None, "Parallel", _R.BODY_ABORTED),
    ("ParallelStateEntered", "stateEnteredEventDetails", "Parallel", _R.ENTERED),
    ("ParallelStateExited", "stateExitedEventDetails", "Parallel", _R.EXITED),
    ("ParallelStateFailed", None, "Parallel", _R.BODY_FAILED),
    ("ParallelStateStarted", None, "Parallel", _R.BODY_STARTED),
    ("ParallelStateSucceeded", None, "Parallel", _R.BODY_SUCCEEDED),
    ("PassStateEntered", "stateEnteredEventDetails", "Pass", _R.ENTERED),
    ("PassStateExited", "stateExitedEventDetails", "Pass", _R.EXITED),
    ("SucceedStateEntered", "stateEnteredEventDetails", "Succeed", _R.ENTERED),
    ("SucceedStateExited", "stateExitedEventDetails", "Succeed", _R.EXITED),
    ("TaskFailed", "taskFailedEventDetails", "Task", _R.FAILURE),
    ("TaskScheduled", "taskScheduledEventDetails", "Task", _R.SCHEDULED),
    ("TaskStarted", "taskStartedEventDetails", "Task", _R.PROGRESS),
    ("TaskStartFailed", "taskStartFailedEventDetails", "Task", _R.FAILURE),
    ("TaskStateAborted", None, "Task", _R.ABORTED),
    ("TaskStateEntered", "stateEnteredEventDetails", "Task", _R.ENTERED),
    ("TaskStateExited", "stateExitedEventDetails", "Task", _R.EXITED),
    ("TaskSubmitFailed", "taskSubmitFailedEventDetails", "Task", _R.FAILURE),
    ("TaskSubmitted", "taskSubmittedEventDetails", "Task", _R.PROGRESS),
    ("TaskSucceeded", "taskSucceededEventDetails", "Task", _R.RESULT),
    ("TaskTimedOut", "taskTimedOutEventDetails", "Task", _R.FAILURE),
    ("WaitStateAborted", None, "Wait", _R.ABORTED),
    ("WaitStateEntered", "stateEnteredEventDetails", "Wait", _R.ENTERED),
    ("WaitStateExited", "stateExitedEventDetails", "Wait", _R.EXITED),
)

#: Event type -> the key of its details object (only the types that carry one).
EVENT_DETAILS_KEY: dict[str, str] = {
    type_: key for type_, key, _state_type, _role in _EVENT_TABLE if key is not None
}
#: Every event type the Step Functions API defines.
EVENT_TYPES: frozenset[str] = frozenset(row[0] for row in _EVENT_TABLE)
#: Event type -> the ASL state type (`Task`, `Map`, ...) whose run the event belongs to.
EVENT_STATE_TYPE: dict[str, str] = {
    type_: state_type for type_, _key, state_type, _role in _EVENT_TABLE if state_type
}
#: Event type -> its role in a state's run (see `Role`).
EVENT_ROLE: dict[str, Role] = {type_: role for type_, _key, _state_type, role in _EVENT_TABLE}

_END_STATUS_OF_ROLE = {
    Role.EXECUTION_SUCCEEDED: ExecutionStatus.SUCCEEDED,
    Role.EXECUTION_FAILED: ExecutionStatus.FAILED,
    Role.EXECUTION_TIMED_OUT: ExecutionStatus.TIMED_OUT,
    Role.EXECUTION_ABORTED: ExecutionStatus.ABORTED,
}
#: The events that end an execution (a redrive may start it again), with the status each
#: leaves: the one table of them, read off the table of event types above.
EXECUTION_END_STATUS: Mapping[str, ExecutionStatus] = MappingProxyType(
    {
        type_: _END_STATUS_OF_ROLE[role]
        for type_, _key, _state_type, role in _EVENT_TABLE
        if role in _END_STATUS_OF_ROLE
    }
)

_NO_DETAILS: Mapping[str, Any] = MappingProxyType({})


class HistoryFileError(Exception):
    """An exported history file that cannot be read; the message is one sentence."""


class PayloadError(ValueError):
    """An event's input or output text that is not JSON (AWS truncates payloads over 256 KiB)."""


# --- accessors -------------------------------------------------------------------------------


def event_type(event: Mapping[str, Any]) -> str:
    return event["type"]


def event_id(event: Mapping[str, Any]) -> int:
    return event["id"]


def previous_event_id(event: Mapping[str, Any]) -> int:
    """The id of the event this one follows (0 for the first event)."""
    return event.get("previousEventId") or 0


def details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event's `*EventDetails` object, or an empty mapping when it has none."""
    key = EVENT_DETAILS_KEY.get(event["type"])
    if key is None:
        return _NO_DETAILS
    return event.get(key) or _NO_DETAILS


def state_name(event: Mapping[str, Any]) -> str | None:
    """The state an event names: entered/exited states, Map iterations, evaluation failures."""
    found = details(event)
    return found.get("name") or found.get("state")


def input_text(event: Mapping[str, Any]) -> str | None:
    """The JSON text of the event's `input`, if it carries one."""
    return details(event).get("input")


def output_text(event: Mapping[str, Any]) -> str | None:
    """The JSON text of the event's `output`, if it carries one."""
    return details(event).get("output")


def error_and_cause(event: Mapping[str, Any]) -> tuple[str | None, str | None]:
    found = details(event)
    return found.get("error"), found.get("cause")


def parse_payload(text: str | None) -> Any:
    """The JSON value of an `input`/`output` text; None stays None."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise PayloadError(f"The payload is not JSON ({error}).") from None


def payload_or_text(text: str | None) -> Any:
    """Like `parse_payload`, but text that is not JSON (a truncated payload) comes back as is."""
    try:
        return parse_payload(text)
    except PayloadError:
        return text


def parse_timestamp(value: str | float) -> datetime:
    """A timestamp from a JSON file: an ISO 8601 string, or seconds (or milliseconds) since 1970.

    Times without a zone are taken as UTC.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a timestamp")
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value.strip())
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"{value!r} is not a timestamp")


def event_time(event: Mapping[str, Any]) -> datetime:
    """When the event happened, as an aware datetime (whatever form the timestamp took)."""
    value = event["timestamp"]
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_timestamp(value)


# --- history files ---------------------------------------------------------------------------


def load_history_file(path: str | Path) -> list[dict[str, Any]]:
    """Read an exported history: `{"events": [...]}` as the AWS CLI writes it, or a bare list.

    Timestamps may be ISO strings or epoch numbers; they come back as aware datetimes, as
    botocore returns them. The events come back in id order.
    """
    path = Path(path)
    try:
        text = read_limited_text(path, "history file")
    except FileTooLargeError as error:
        raise HistoryFileError(f"History file {path}: {error}.") from None
    except FileNotFoundError:
        raise HistoryFileError(f"History file {path} does not exist.") from None
    except IsADirectoryError:
        raise HistoryFileError(f"History file {path} is a directory, not a file.") from None
    except UnicodeDecodeError:
        raise HistoryFileError(f"History file {path} is not UTF-8 text.") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise HistoryFileError(f"History file {path} cannot be read: {reason}.") from None
    try:
        document = parse_json(text, f"History file {path}")
    except JsonValueError as error:
        raise HistoryFileError(f"{error}.") from None
    return _events_from_document(document, path)


def _events_from_document(document: Any, path: Path) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        raw_events = document["events"]
    elif isinstance(document, list):
        raw_events = document
    else:
        raise HistoryFileError(
            f'History file {path} holds neither an "events" list nor a list of events.'
        )
    events = [_checked_event(raw, position, path) for position, raw in enumerate(raw_events, 1)]
    events.sort(key=_id_key)
    for before, after in zip(events, events[1:], strict=False):
        if before["id"] == after["id"]:
            raise HistoryFileError(f"History file {path} holds event id {after['id']} twice.")
    return events


def _checked_event(raw: Any, position: int, path: Path) -> dict[str, Any]:
    where = f"Event {position} in history file {path}"
    if not isinstance(raw, dict):
        raise HistoryFileError(f"{where} is not a JSON object.")
    for key in ("id", "type", "timestamp"):
        if key not in raw:
            raise HistoryFileError(f'{where} has no "{key}".')
    if not _is_whole_number(raw["id"]) or raw["id"] < 1:
        raise HistoryFileError(f'{where} has an "id" that is not a positive whole number.')
    previous = raw.get("previousEventId", 0)
    if previous is not None and not _is_whole_number(previous):
        raise HistoryFileError(f'{where} has a "previousEventId" that is not a whole number.')
    if not isinstance(raw["type"], str):
        raise HistoryFileError(f'{where} has a "type" that is not text.')
    for key, value in raw.items():
        if key.endswith("EventDetails") and not isinstance(value, dict):
            raise HistoryFileError(f'{where} has a "{key}" that is not a JSON object.')
    try:
        timestamp = parse_timestamp(raw["timestamp"])
    except (ValueError, OverflowError, OSError):
        raise HistoryFileError(
            f"{where} has a timestamp that is neither an ISO 8601 date nor a number: "
            f"{raw['timestamp']!r}."
        ) from None
    event = dict(raw)
    event["timestamp"] = timestamp
    return event


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id_key(event: Mapping[str, Any]) -> int:
    return event["id"]


def dump_history(events: Iterable[Mapping[str, Any]]) -> str:
    """The events as `get-execution-history` JSON, timestamps as ISO strings (UTC if naive)."""
    return json.dumps({"events": list(events)}, indent=4, default=json_default) + "\n"


def json_default(value: Any) -> Any:
    """`json.dumps`'s `default` for history data: datetimes as ISO text, mappings as dicts."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
