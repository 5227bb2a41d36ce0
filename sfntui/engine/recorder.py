"""The history a local run writes: events of exactly the shape GetExecutionHistory returns.

Each event gets the next `id`; its `previousEventId` is the last event of the same thread of
control (the execution, a Parallel branch or a Map iteration), which is how AWS links them.
Listeners see every event as it is written, so a screen can follow a run live.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sfntui.asl.errors import StatesError
from sfntui.history.events import EVENT_DETAILS_KEY

Event = dict[str, Any]

#: A Standard execution's history holds at most this many events.
MAX_EVENTS = 25_000

class Thread:
    """A thread of control in the history: the execution, a branch or an iteration."""

    __slots__ = ("last_id",)

    def __init__(self, last_id: int = 0) -> None:
        self.last_id = last_id

    def fork(self) -> Thread:
        return Thread(self.last_id)


class HistoryRecorder:
    def __init__(self, now: Callable[[], datetime], limit: int | None = MAX_EVENTS) -> None:
        self.events: list[Event] = []
        self._now = now
        self._limit = limit
        self._listeners: list[Callable[[Event], None]] = []

    def listen(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def emit(
        self,
        thread: Thread,
        event_type: str,
        details: dict[str, Any] | None = None,
        timestamp: datetime | None = None,
    ) -> Event:
        """Write the next event; `timestamp` if the caller just read the clock, else now."""
        events = self.events
        event_id = len(events) + 1
        limit = self._limit
        if (
            limit is not None
            and event_id >= limit
            and (event_id > limit or event_type not in _EXECUTION_ENDS)
        ):
            # The last event a history can hold is kept for the execution's end (AWS's rule).
            raise HistoryLimitExceeded(limit)
        event: Event = {
            "timestamp": self._now() if timestamp is None else timestamp,
            "type": event_type,
            "id": event_id,
            "previousEventId": thread.last_id,
        }
        if details is not None:
            key = EVENT_DETAILS_KEY.get(event_type)
            if key is not None:
                # Named as the API names it (one table, in sfntui.history.events); a type the
                # API gives no details (MapStateFailed, ParallelStateFailed) carries none here.
                event[key] = details
        events.append(event)
        thread.last_id = event_id
        for listener in self._listeners:
            listener(event)
        return event


_EXECUTION_ENDS = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}
)


class HistoryLimitExceeded(StatesError):
    def __init__(self, limit: int = MAX_EVENTS) -> None:
        super().__init__(
            "States.Runtime",
            f"The execution reached the maximum number of history events ({limit}).",
        )
