"""Express executions, read from CloudWatch Logs.

Step Functions keeps no history for Express workflows; a machine whose logging is turned on
writes each history event to its log group as one JSON message:

    {"id": "3", "previous_event_id": "2", "event_timestamp": "1700000000123",
     "type": "PassStateEntered", "details": {...}, "execution_arn": "arn:...:express:...",
     "redrive_count": "0"}

`event_from_log_message` maps such a message to the same event model `GetExecutionHistory`
returns, so the rest of the app never knows the difference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sfntui.aws.connection import AwsSession
from sfntui.aws.errors import AwsError
from sfntui.history.events import EVENT_DETAILS_KEY
from sfntui.history.records import TERMINAL_STATUS_OF_EVENT, ExecutionSummary

#: An Express execution runs at most 5 minutes; with some slack for late log delivery.
EXPRESS_MAX_DURATION = timedelta(minutes=6)
#: How far back a poll re-reads, for log events delivered late and out of order.
_LATE_DELIVERY_MS = 5_000
_LIFECYCLE_TYPES = ("ExecutionStarted", *TERMINAL_STATUS_OF_EVENT)


def is_express_execution(arn: str) -> bool:
    return ":express:" in arn


def is_map_run_child(execution_arn: str) -> bool:
    """Started by a Distributed Map's Map Run: the ARN names the machine `machine/MapLabel`
    (a state machine's own name cannot hold a '/')."""
    parts = execution_arn.split(":")
    return len(parts) > 6 and "/" in parts[6]


def machine_arn_of_execution(execution_arn: str) -> str:
    """`arn:...:execution:M:name` or `arn:...:express:M:name:id` -> `arn:...:stateMachine:M`."""
    parts = execution_arn.split(":")
    if len(parts) < 8 or parts[5] not in ("execution", "express"):
        raise AwsError(f"{execution_arn} is not a Step Functions execution ARN.")
    return ":".join([*parts[:5], "stateMachine", parts[6]])


def execution_name_of(execution_arn: str) -> str:
    parts = execution_arn.split(":")
    return parts[7] if len(parts) > 7 else execution_arn


def log_group_name(log_group_arn: str) -> str:
    """`arn:aws:logs:R:A:log-group:NAME:*` -> `NAME`."""
    _, found, rest = log_group_arn.partition("log-group:")
    if not found:
        return log_group_arn
    return rest[:-2] if rest.endswith(":*") else rest


def event_from_log_message(message: str | Mapping[str, Any]) -> dict[str, Any] | None:
    """The history event a Step Functions log message records, or None if it records none."""
    if isinstance(message, str):
        try:
            record = json.loads(message)
        except ValueError:
            return None
    else:
        record = message
    # A log group may hold other writers' JSON too: anything that is not plainly a history
    # event (a type name, whole-number ids, a time in milliseconds) is not one.
    if not isinstance(record, Mapping) or not isinstance(record.get("type"), str):
        return None
    kind = record["type"]
    try:
        event_id = _whole_number(record.get("id"))
        previous = _whole_number(record.get("previous_event_id") or 0)
        millis = _whole_number(record.get("event_timestamp") or 0)
        timestamp = datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    if not kind or event_id < 1:
        return None
    event: dict[str, Any] = {
        "timestamp": timestamp,
        "type": kind,
        "id": event_id,
        "previousEventId": previous,
    }
    key = EVENT_DETAILS_KEY.get(kind)
    found = record.get("details")
    if key and isinstance(found, Mapping) and found:
        event[key] = dict(found)
    return event


class ExpressLogReader:
    """Reads one Express execution's events from its machine's log group, new ones first.

    Each read starts a few seconds before the last event already seen, so its cost follows
    the new events, not the whole history; events already seen are dropped by `id`.
    """

    def __init__(self, session: AwsSession, log_group_arn: str, execution_arn: str) -> None:
        self.session = session
        self.group = log_group_name(log_group_arn)
        self.execution_arn = execution_arn
        self._since_ms: int | None = None
        #: A moment by which the execution had surely started: its ExecutionStarted event, else
        #: the earliest event seen, else the first read (it was running, or done, by then).
        self._started_by: datetime | None = None
        self._timestamps: dict[int, int] = {}

    async def read_new(self, last_id: int, expected: int) -> tuple[list[dict[str, Any]], int, int]:
        if self._started_by is None:
            self._started_by = datetime.now(UTC)
        if last_id and last_id in self._timestamps:
            self._since_ms = self._timestamps[last_id] - _LATE_DELIVERY_MS
        params: dict[str, Any] = {
            "logGroupName": self.group,
            "filterPattern": f'{{ $.execution_arn = "{self.execution_arn}" }}',
        }
        if self._since_ms is not None:
            params["startTime"] = max(0, self._since_ms)
        found: dict[int, dict[str, Any]] = {}
        calls = received = 0
        token = None
        while True:
            page_params = dict(params, nextToken=token) if token else params
            response = await self.session.call(
                "logs", "FilterLogEvents", resource=self.group, expect="events", **page_params
            )
            calls += 1
            for item in response.get("events") or []:
                received += 1
                self._take(item.get("message", ""), last_id, found)
            token = response.get("nextToken")
            if not token:
                break
        return sorted(found.values(), key=lambda e: e["id"]), calls, received

    def _take(self, message: str, last_id: int, found: dict[int, dict[str, Any]]) -> None:
        record = _json(message)
        if record is None or record.get("execution_arn") != self.execution_arn:
            return
        event = event_from_log_message(record)
        if event is None:
            return
        self._timestamps[event["id"]] = int(record.get("event_timestamp") or 0)
        if event["type"] == "ExecutionStarted" or (
            self._started_by is None or event["timestamp"] < self._started_by
        ):
            self._started_by = event["timestamp"]
        if event["id"] > last_id:
            found[event["id"]] = event

    async def has_ended(self) -> bool:
        """Only the clock can tell when the log level (or a lost log event) leaves out the final
        event: not even ExecutionStarted is logged below level ALL."""
        if self._started_by is None:
            return False
        return datetime.now(UTC) - self._started_by > EXPRESS_MAX_DURATION


async def list_express_executions(
    session: AwsSession,
    log_group_arn: str,
    machine_arn: str,
    *,
    status: str | None = None,
    limit: int | None = None,
    since: timedelta = timedelta(hours=3),
) -> list[ExecutionSummary]:
    """Executions of an Express machine seen in its log group since `since` ago, newest first."""
    start_ms = int((datetime.now(UTC) - since).timestamp() * 1000)
    types = " || ".join(f'$.type = "{t}"' for t in _LIFECYCLE_TYPES)
    params: dict[str, Any] = {
        "logGroupName": log_group_name(log_group_arn),
        "filterPattern": f"{{ {types} }}",
        "startTime": start_ms,
    }
    started: dict[str, datetime] = {}
    stopped: dict[str, tuple[str, datetime]] = {}
    machine = machine_arn.split(":")
    token = None
    while True:
        page_params = dict(params, nextToken=token) if token else params
        response = await session.call("logs", "FilterLogEvents", expect="events", **page_params)
        for item in response.get("events") or []:
            record = _json(item.get("message", ""))
            arn = (record or {}).get("execution_arn")
            if not record or not isinstance(arn, str) or arn.split(":")[6:7] != machine[6:7]:
                continue
            event = event_from_log_message(record)
            if event is None:
                continue
            if event["type"] == "ExecutionStarted":
                started[arn] = event["timestamp"]
            elif event["type"] in TERMINAL_STATUS_OF_EVENT:
                stopped[arn] = (TERMINAL_STATUS_OF_EVENT[event["type"]], event["timestamp"])
        token = response.get("nextToken")
        if not token:
            break
    summaries = []
    for arn in set(started) | set(stopped):
        ended = stopped.get(arn)
        summary = ExecutionSummary(
            arn=arn,
            name=execution_name_of(arn),
            machine_arn=machine_arn,
            status=ended[0] if ended else "RUNNING",
            started=started.get(arn),
            stopped=ended[1] if ended else None,
        )
        if status is None or summary.status == status:
            summaries.append(summary)
    epoch = datetime.fromtimestamp(0, tz=UTC)
    summaries.sort(key=lambda s: s.started or epoch, reverse=True)
    return summaries[:limit] if limit else summaries


def _whole_number(value: Any) -> int:
    """`"12"` or `12` -> 12; anything else (a bool, a fraction, text) -> ValueError."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(value)
    return int(value)


def _json(message: str) -> dict[str, Any] | None:
    try:
        found = json.loads(message)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
