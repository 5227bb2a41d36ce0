"""Pagination as the API reference describes it: "Make the call again using the returned token
to retrieve the next page. Keep all other arguments unchanged" (GetExecutionHistory,
ListExecutions, ...), maxResults included. The endpoint here holds a page token to the
arguments it was given for, and answers InvalidToken when a later page changes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions
from sfntui.aws.tail import HistoryTail, PollInterval, StandardHistoryReader

from .endpoints import FakeEndpoint, Reply, error

REGION = "us-east-1"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"


def strict_pages(items: Callable[[dict[str, Any]], list[dict[str, Any]]], key: str) -> Any:
    """A handler paging `items(body)` the way the reference says tokens work: a token is only
    good with the arguments of the call that returned it."""

    def handle(body: dict[str, Any]) -> Reply:
        arguments = {k: v for k, v in body.items() if k != "nextToken"}
        start = 0
        if "nextToken" in body:
            token = json.loads(body["nextToken"])
            if token["arguments"] != arguments:
                return error("InvalidToken", "Invalid Token: arguments changed between pages")
            start = token["start"]
        size = int(body.get("maxResults") or 100) or 100
        found = items(body)
        reply: dict[str, Any] = {key: found[start : start + size]}
        if start + size < len(found):
            reply["nextToken"] = json.dumps({"start": start + size, "arguments": arguments})
        return 200, reply

    return handle


class GrowingHistory:
    """An execution's history that grows between polls by a scripted number of events."""

    def __init__(self, growth: list[int]) -> None:
        self.events: list[dict[str, Any]] = []
        self.growth = growth
        self.add(3, "ExecutionStarted")

    def add(self, count: int, first_type: str = "PassStateEntered") -> None:
        for _ in range(count):
            event_id = len(self.events) + 1
            kind = first_type if event_id == 1 else "PassStateEntered"
            self.events.append(
                {
                    "id": event_id,
                    "previousEventId": event_id - 1,
                    "timestamp": datetime(2024, 5, 1, tzinfo=UTC).timestamp() + event_id,
                    "type": kind,
                }
            )

    def finish(self) -> None:
        event_id = len(self.events) + 1
        self.events.append(
            {
                "id": event_id,
                "previousEventId": event_id - 1,
                "timestamp": datetime(2024, 5, 1, tzinfo=UTC).timestamp() + event_id,
                "type": "ExecutionSucceeded",
                "executionSucceededEventDetails": {"output": "{}"},
            }
        )

    def ordered(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        return list(reversed(self.events)) if body.get("reverseOrder") else list(self.events)

    async def between_polls(self, _seconds: float) -> None:
        if self.growth:
            self.add(self.growth.pop(0))
        elif self.events[-1]["type"] != "ExecutionSucceeded":
            self.finish()


async def test_a_burst_of_new_events_is_paged_with_the_same_arguments() -> None:
    # a few quiet polls size the pages small; then 450 events arrive between two polls
    history = GrowingHistory([2, 2, 1, 450, 2])
    handlers = {"GetExecutionHistory": strict_pages(history.ordered, "events")}
    with FakeEndpoint(handlers) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION)
        async with AwsSession(options) as session:
            reader = StandardHistoryReader(session, EXECUTION)
            tail = HistoryTail(
                reader, interval=PollInterval(0.01, 0.01), sleep=history.between_polls
            )
            followed = [event["id"] async for batch in tail.follow() for event in batch]

    assert followed == list(range(1, len(history.events) + 1))
    assert tail.status == "SUCCEEDED"
    burst = max(tail.polls, key=lambda poll: poll.new)
    assert burst.new == 450
    assert burst.calls <= 3  # not dozens of small pages either
    assert burst.received <= 2 * burst.new


async def test_a_limit_keeps_the_page_size_of_the_first_page() -> None:
    executions = [
        {
            "executionArn": f"{EXECUTION[:-5]}run-{index}",
            "stateMachineArn": MACHINE,
            "name": f"run-{index}",
            "status": "SUCCEEDED",
            "startDate": 1_700_000_000 - index,
        }
        for index in range(400)
    ]
    handlers = {"ListExecutions": strict_pages(lambda body: executions, "executions")}
    with FakeEndpoint(handlers) as fake:
        options = ConnectionOptions(endpoint_url=fake.url, region=REGION)
        async with AwsSession(options) as session:
            listed = await StepFunctions(session).list_executions(MACHINE, limit=150)

    assert [e.name for e in listed] == [f"run-{index}" for index in range(150)]
    sizes = {request.body["maxResults"] for request in fake.actions("ListExecutions")}
    assert len(sizes) == 1
