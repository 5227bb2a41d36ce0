"""A small builder for AWS-shaped histories, so tests read like the executions they describe."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sfntui.history.events import EVENT_DETAILS_KEY

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


class HistoryBuilder:
    """Appends events with ids 1, 2, ...; each follows `cursor` (the last event) unless told.

    To build concurrent work, set `cursor` to the event a branch or iteration follows.
    """

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.cursor = 0

    def add(self, type_: str, prev: int | None = None, **fields: Any) -> int:
        event_id = len(self.events) + 1
        event: dict[str, Any] = {
            "id": event_id,
            "previousEventId": self.cursor if prev is None else prev,
            "timestamp": T0 + timedelta(seconds=event_id),
            "type": type_,
        }
        if fields:
            event[EVENT_DETAILS_KEY[type_]] = fields
        self.events.append(event)
        self.cursor = event_id
        return event_id

    # --- execution ---

    def start(self, value: Any = None) -> int:
        return self.add("ExecutionStarted", input=json.dumps(value or {}), roleArn="arn:role")

    def succeed(self, value: Any) -> int:
        return self.add("ExecutionSucceeded", output=json.dumps(value))

    def fail(self, error: str, cause: str) -> int:
        return self.add("ExecutionFailed", error=error, cause=cause)

    # --- states ---

    def enter(self, kind: str, name: str, value: Any = None, prev: int | None = None) -> int:
        return self.add(f"{kind}StateEntered", prev, name=name, input=json.dumps(value or {}))

    def exit(self, kind: str, name: str, value: Any = None) -> int:
        return self.add(f"{kind}StateExited", name=name, output=json.dumps(value or {}))

    def pass_state(self, name: str, value: Any = None, prev: int | None = None) -> int:
        self.enter("Pass", name, value, prev)
        return self.exit("Pass", name, value)

    def attempt(self, result: Any = None, failure: tuple[str, str] | None = None) -> int:
        """One Lambda attempt: scheduled, started, then succeeded with `result` or failed."""
        self.add("LambdaFunctionScheduled", resource="arn:aws:lambda:fn", input="{}")
        self.add("LambdaFunctionStarted")
        if failure is not None:
            return self.add("LambdaFunctionFailed", error=failure[0], cause=failure[1])
        return self.add("LambdaFunctionSucceeded", output=json.dumps(result))

    def task(self, name: str, value: Any = None, result: Any = None) -> int:
        self.enter("Task", name, value)
        self.attempt(result)
        return self.exit("Task", name, result)
