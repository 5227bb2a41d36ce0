"""How long the history projection takes on a 25,000-event history.

The history is an inline Map of 2,272 iterations (Pass, Lambda Task, Pass in each), 40 of
them running at once with their events interleaved as AWS writes them, between a few
top-level states. It is projected whole, then again fed in batches of 100 events, as a live
tail would. Target: under 200 ms for the 25,000 events either way.

Run: .venv/bin/python benchmarks/projection.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sfntui.history.events import EVENT_DETAILS_KEY
from sfntui.history.projection import Projection

TARGET_SECONDS = 0.200
TOTAL_EVENTS = 25_000
CONCURRENCY = 40
BATCH = 100
EVENTS_PER_ITERATION = 11  # MapIterationStarted, 2 Pass, 5 Task, 2 Pass, MapIterationSucceeded


class _Writer:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.t0 = datetime(2024, 5, 1, tzinfo=UTC)

    def add(self, type_: str, prev: int, **fields: Any) -> int:
        event_id = len(self.events) + 1
        event: dict[str, Any] = {
            "id": event_id,
            "previousEventId": prev,
            "timestamp": self.t0 + timedelta(milliseconds=event_id),
            "type": type_,
        }
        if fields:
            event[EVENT_DETAILS_KEY[type_]] = fields
        self.events.append(event)
        return event_id


def _iteration(index: int) -> Iterator[tuple[str, dict[str, Any]]]:
    item = json.dumps({"index": index, "payload": "x" * 40})
    yield "MapIterationStarted", {"name": "Items", "index": index}
    yield "PassStateEntered", {"name": "Prepare", "input": item}
    yield "PassStateExited", {"name": "Prepare", "output": item}
    yield "TaskStateEntered", {"name": "Work", "input": item}
    yield "LambdaFunctionScheduled", {"resource": "arn:aws:lambda:us-east-1:1:function:w"}
    yield "LambdaFunctionStarted", {}
    yield "LambdaFunctionSucceeded", {"output": item}
    yield "TaskStateExited", {"name": "Work", "output": item}
    yield "PassStateEntered", {"name": "Record", "input": item}
    yield "PassStateExited", {"name": "Record", "output": item}
    yield "MapIterationSucceeded", {"name": "Items", "index": index}


def build_history() -> list[dict[str, Any]]:
    iterations = (TOTAL_EVENTS - 8) // EVENTS_PER_ITERATION
    w = _Writer()
    last = w.add("ExecutionStarted", 0, input="{}", roleArn="arn:aws:iam::1:role/r")
    last = w.add("PassStateEntered", last, name="Load", input="{}")
    last = w.add("PassStateExited", last, name="Load", output="{}")
    last = w.add("MapStateEntered", last, name="Items", input="{}")
    started = w.add("MapStateStarted", last, length=iterations)
    # Up to CONCURRENCY iterations run at once; their events interleave one at a time.
    pending = iter(range(iterations))
    running: list[tuple[Iterator[tuple[str, dict[str, Any]]], int]] = []
    last = started
    while True:
        while len(running) < CONCURRENCY:
            index = next(pending, None)
            if index is None:
                break
            running.append((_iteration(index), started))
        if not running:
            break
        still: list[tuple[Iterator[tuple[str, dict[str, Any]]], int]] = []
        for steps, prev in running:
            step = next(steps, None)
            if step is None:
                continue
            type_, fields = step
            last = w.add(type_, prev, **fields)
            still.append((steps, last))
        running = still
    last = w.add("MapStateSucceeded", last)
    last = w.add("MapStateExited", last, name="Items", output="[]")
    while len(w.events) < TOTAL_EVENTS - 1:
        last = w.add("PassStateEntered", last, name="Tail", input="{}")
        last = w.add("PassStateExited", last, name="Tail", output="{}")
    w.add("ExecutionSucceeded", last, output="{}")
    return w.events


def _best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - begin)
    return best


def _incremental(events: list[dict[str, Any]]) -> Projection:
    projection = Projection()
    for start in range(0, len(events), BATCH):
        projection.add(events[start : start + BATCH])
    return projection


def main() -> None:
    events = build_history()
    projection = Projection(events)
    assert projection.status == "SUCCEEDED", projection.status
    assert len(projection.latest_run("Items").iterations) == (TOTAL_EVENTS - 8) // 11  # type: ignore[union-attr]
    whole = _best_of(5, lambda: Projection(events))
    incremental = _best_of(5, lambda: _incremental(events))
    print(f"{len(events):,} events, {len(projection.runs):,} state runs")
    for label, seconds in (("whole", whole), (f"batches of {BATCH}", incremental)):
        verdict = "ok" if seconds < TARGET_SECONDS else "OVER TARGET"
        rate = len(events) / seconds
        print(f"  {label:<16} {seconds * 1000:7.1f} ms  ({rate:,.0f} events/s)  {verdict}")
    print(f"  target           {TARGET_SECONDS * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
