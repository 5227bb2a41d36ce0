"""How quickly big payloads and big histories reach the screen in the app.

1. The inspector and its JSON view, on a 256 KiB execution input (3,100 items): open it
   (walked into lines, the first screen drawn), narrow it with a JSONPath, fold everything,
   unfold everything; then a string as long, shown whole in pieces a line each. Target: each
   under 100 ms. Peer, measured in the same run: what the old inspector did before it cut a
   document at 500 lines, `json.dumps(indent=2)` and highlighting the whole text.
2. A finished 25,000-event execution (benchmarks/projection.py's history) opened from a
   recorded endpoint on 127.0.0.1 that pages `GetExecutionHistory` as AWS does (1,000 a
   page): the time until the first events are on screen, and until all are. Targets: under
   0.5 s and under 2 s. Peer: the first batch of the old follow, which read every page
   (newest first) before handing anything on. Before and after: the same load with each
   page parsed as botocore parses by default (walking the service model, ~60 ms a page),
   then as the app reads history pages now (`sfntui.aws.history_parser`).

Every figure is the best of a few runs. Run: .venv/bin/python benchmarks/json_view.py
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiobotocore.parsers import AioResponseParserFactory  # noqa: E402
from textual.highlight import highlight  # noqa: E402

from benchmarks.projection import build_history  # noqa: E402
from sfntui.asl.paths import compile_path  # noqa: E402
from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions  # noqa: E402
from sfntui.backends.aws import AwsBackend  # noqa: E402
from sfntui.backends.local import LocalBackend  # noqa: E402
from sfntui.builtin_examples import EXAMPLES_DIR  # noqa: E402
from sfntui.history.projection import Projection  # noqa: E402
from sfntui.history.records import ExecutionSummary  # noqa: E402
from sfntui.tui.app import make_app  # noqa: E402
from sfntui.tui.screens.main import MainScreen  # noqa: E402
from sfntui.tui.widgets.execution_view import ExecutionView  # noqa: E402
from tests.aws.endpoints import FakeEndpoint  # noqa: E402

PAYLOAD_TARGET = 0.100
FIRST_TARGET = 0.5
ALL_TARGET = 2.0
RUNS = 5
REGION = "us-east-1"
ARN = f"arn:aws:states:{REGION}:123456789012:execution:Big:run-1"
DEFINITION = {
    "StartAt": "Load",
    "States": {
        "Load": {"Type": "Pass", "Next": "Items"},
        "Items": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Prepare",
                "States": {
                    "Prepare": {"Type": "Pass", "Next": "Work"},
                    "Work": {
                        "Type": "Task",
                        "Resource": "arn:aws:lambda:::function:w",
                        "Next": "Record",
                    },
                    "Record": {"Type": "Pass", "End": True},
                },
            },
            "Next": "Tail",
        },
        "Tail": {"Type": "Pass", "End": True},
    },
}


def payload() -> dict[str, Any]:
    items = [{"i": i, "sku": f"SKU-{i:05d}", "pad": "x" * 40} for i in range(3100)]
    return {"items": items}


def report(name: str, seconds: float, target: float, peer: float | None = None) -> None:
    verdict = "ok" if seconds < target else "OVER"
    ratio = f"   {peer / seconds:6.1f}x faster than the peer" if peer else ""
    print(f"{name:<52} {seconds * 1000:8.1f} ms  (target {target * 1000:.0f} ms: {verdict}){ratio}")


async def best(action: Callable[[], Awaitable[float]]) -> float:
    return min([await action() for _ in range(RUNS)])


async def payload_figures() -> None:
    document = payload()
    text = json.dumps(document)
    print(f"A {len(text) / 1024:.0f} KiB execution input ({len(document['items']):,} items)")
    start = {
        "id": 1,
        "type": "ExecutionStarted",
        "timestamp": datetime(2024, 1, 1, tzinfo=UTC),
        "executionStartedEventDetails": {"input": text},
    }

    t0 = time.perf_counter()
    highlight(json.dumps(json.loads(text), indent=2), language="json")
    peer = time.perf_counter() - t0

    app = make_app(LocalBackend([EXAMPLES_DIR]))
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.query_one(ExecutionView)
        inspector = view.inspector
        body = inspector.body
        height = body.scrollable_content_region.height

        def draw() -> None:
            for y in range(height):
                body.render_line(y)

        async def open_it(event: dict[str, Any] = start) -> float:
            inspector.show()
            await pilot.pause()
            projection = Projection([event])
            began = time.perf_counter()
            inspector.show(projection)
            draw()
            return time.perf_counter() - began

        async def filter_it(path: str) -> float:
            inspector.set_filter("")
            began = time.perf_counter()
            inspector.set_filter(path)
            draw()
            return time.perf_counter() - began

        async def fold_all() -> float:
            body.action_unfold_all()
            began = time.perf_counter()
            body.action_fold_all()
            draw()
            return time.perf_counter() - began

        async def unfold_all() -> float:
            body.action_fold_all()
            began = time.perf_counter()
            body.action_unfold_all()
            draw()
            return time.perf_counter() - began

        print(f"  peer: json.dumps(indent=2) and highlight, whole: {peer * 1000:.1f} ms")
        report(
            "  open it in the inspector (first screen drawn)",
            await best(open_it),
            PAYLOAD_TARGET,
            peer,
        )
        print(f"    lines: {len(body.lines.nodes):,}")
        for path in ("$.items[3000]", "$.items[*].sku"):
            report(
                f"  narrow it with {path}",
                await best(lambda path=path: filter_it(path)),
                PAYLOAD_TARGET,
            )
        began = time.perf_counter()
        compile_path("$.items[*].sku").find(document)
        print(
            f"    (of which jsonpath_ng's find for $.items[*].sku: "
            f"{(time.perf_counter() - began) * 1000:.1f} ms)"
        )
        inspector.set_filter("")
        report("  fold all", await best(fold_all), PAYLOAD_TARGET)
        report("  unfold all", await best(unfold_all), PAYLOAD_TARGET)
        # One string as long (an escaped payload, a long log in a cause): shown whole, in
        # pieces as wide as the view.
        long_string = dict(start, executionStartedEventDetails={"input": json.dumps(text)})
        report(
            "  open a 256 KiB string in it (first screen drawn)",
            await best(lambda: open_it(long_string)),
            PAYLOAD_TARGET,
        )
        print(f"    lines: {len(body.lines.nodes):,}")


def recorded_endpoint(events: list[dict[str, Any]]) -> FakeEndpoint:
    def history(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        ordered = events[::-1] if body.get("reverseOrder") else events
        start = int(body.get("nextToken") or 0)
        size = int(body.get("maxResults") or 100)
        reply: dict[str, Any] = {"events": ordered[start : start + size]}
        if start + size < len(ordered):
            reply["nextToken"] = str(start + size)
        return 200, reply

    def definition(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 200, {
            "stateMachineArn": ARN.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0],
            "name": "Big",
            "definition": json.dumps(DEFINITION),
            "roleArn": "arn:aws:iam::123456789012:role/r",
            "updateDate": datetime(2024, 1, 1, tzinfo=UTC),
        }

    return FakeEndpoint(
        {"GetExecutionHistory": history, "DescribeStateMachineForExecution": definition}
    )


async def history_figures(endpoint: FakeEndpoint) -> None:
    options = ConnectionOptions(endpoint_url=endpoint.url, region=REGION)

    async def old_first_batch() -> float:
        async with AwsSession(options) as session:
            began = time.perf_counter()
            async for _ in StepFunctions(session).follow(ARN):
                return time.perf_counter() - began
        return float("inf")

    peer = await best(old_first_batch)
    summary = ExecutionSummary(
        arn=ARN,
        name="run-1",
        machine_arn=ARN.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0],
        status="SUCCEEDED",
        started=datetime(2024, 1, 1, tzinfo=UTC),
    )

    async def load(model_walk: bool) -> tuple[float, float]:
        """(first events on screen, all of them), best of RUNS; `model_walk`: the pages
        parsed as botocore parses by default (walking the service model), as before."""
        firsts: list[float] = []
        alls: list[float] = []
        for _ in range(RUNS):
            backend = AwsBackend(options)
            if model_walk:
                backend.session.open()
                session = backend.session._session  # (the benchmark's own look inside)
                assert session is not None
                session.register_component("response_parser_factory", AioResponseParserFactory())
            app = make_app(LocalBackend([EXAMPLES_DIR]), aws=backend)
            async with app.run_test(size=(140, 40)) as pilot:
                screen = app.screen
                assert isinstance(screen, MainScreen)
                view = screen.query_one(ExecutionView)
                log = view.event_log
                await pilot.pause()
                began = time.perf_counter()
                screen.open_execution(summary, backend)
                first = None
                while True:
                    await asyncio.sleep(0.005)  # (a benchmark, not a test: it samples the clock)
                    if first is None and log.rows and log.size.height:
                        first = time.perf_counter() - began
                    if len(log.rows) == len(EVENTS) and not view.loading:
                        break
                alls.append(time.perf_counter() - began)
                firsts.append(first or alls[-1])
        return min(firsts), min(alls)

    before_first, before_all = await load(model_walk=True)
    first, every = await load(model_walk=False)
    print(f"A finished execution of {len(EVENTS):,} events, from {endpoint.url}")
    print(f"  peer: the old follow's first batch (every page first): {peer * 1000:.0f} ms")
    print(
        f"  before, each page parsed by botocore's model walk: first events "
        f"{before_first * 1000:.0f} ms, all {before_all * 1000:.0f} ms"
    )
    report("  first events on screen", first, FIRST_TARGET, peer)
    report("  all of them on screen", every, ALL_TARGET, peer)
    print(f"    {before_all / every:.1f}x quicker than with the model walk")


EVENTS = build_history()


def main() -> None:
    # As in the `sfntui` command (`cli.main`): what is imported lives as long as the process,
    # frozen, so the garbage collector does not walk it again and again.
    gc.freeze()
    asyncio.run(payload_figures())
    print()
    with recorded_endpoint(EVENTS) as endpoint:
        asyncio.run(history_figures(endpoint))


if __name__ == "__main__":
    main()
