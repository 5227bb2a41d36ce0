"""How much it costs to follow a running execution of about 2,000 events, start to end.

Against moto's server on 127.0.0.1: a Map of 250 items, 25 at a time, each iteration
passing, waiting a second and passing again (8 events an iteration), so the history grows
for about ten seconds. It is followed twice:

- straight from moto, which ignores `maxResults`, `nextToken` and `reverseOrder` and
  returns the whole history on every call: the events received per poll grow with the
  history; the events already seen are dropped by id;
- through a small proxy that pages moto's history as AWS does: reading newest first and
  stopping at the last event seen, each poll receives about what is new, however long the
  history has grown.

Printed: per poll, the API calls, the events received, the new events and the history
size; then totals (calls by action, seconds). The second run's "received" column should
stay flat while "history" grows.

Run: .venv/bin/python benchmarks/aws.py
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

import boto3
import requests
from moto.server import ThreadedMotoServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sfntui.aws import AwsSession, ConnectionOptions, PollInterval, StepFunctions  # noqa: E402
from tests.aws.endpoints import FakeEndpoint, aws_paged_history  # noqa: E402

REGION = "us-east-1"
ITEMS = 250
CONCURRENCY = 25
DEFINITION = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": CONCURRENCY,
            "Iterator": {
                "StartAt": "Before",
                "States": {
                    "Before": {"Type": "Pass", "Next": "Hold"},
                    "Hold": {"Type": "Wait", "Seconds": 1, "Next": "After"},
                    "After": {"Type": "Pass", "End": True},
                },
            },
            "ResultPath": None,
            "End": True,
        }
    },
}


def start_execution(url: str, name: str) -> str:
    client = boto3.client(
        "stepfunctions",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    machine = client.create_state_machine(
        name=name,
        definition=json.dumps(DEFINITION),
        roleArn="arn:aws:iam::123456789012:role/benchmark",
    )["stateMachineArn"]
    return client.start_execution(
        stateMachineArn=machine, name="run", input=json.dumps({"items": list(range(ITEMS))})
    )["executionArn"]


async def follow(endpoint: str, execution: str, title: str) -> None:
    print(f"\n== {title}")
    started = time.perf_counter()
    async with AwsSession(ConnectionOptions(endpoint_url=endpoint, region=REGION)) as session:
        tail = await StepFunctions(session).tail(execution, interval=PollInterval(0.5, 2.0))
        async for _ in tail.follow():
            pass
        calls = dict(session.budget.calls)
    seconds = time.perf_counter() - started
    print(f"{'poll':>4} {'calls':>5} {'received':>8} {'new':>5} {'history':>7} {'ms':>6}")
    size = 0
    for number, poll in enumerate(tail.polls, 1):
        size += poll.new
        print(
            f"{number:>4} {poll.calls:>5} {poll.received:>8} {poll.new:>5} {size:>7} "
            f"{poll.seconds * 1000:>6.1f}"
        )
    later = tail.polls[1:-1] or tail.polls
    print(
        f"events: {len(tail.events)}  polls: {len(tail.polls)}  API calls: {sum(calls.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})  seconds: {seconds:.1f}"
    )
    print(
        f"received per poll after the first: max {max(p.received for p in later)}, "
        f"mean {sum(p.received for p in later) / len(later):.0f}; "
        f"new per poll: mean {sum(p.new for p in later) / len(later):.0f}"
    )


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    os.environ["MOTO_PORT"] = str(port)
    requests.post(
        f"{url}/moto-api/config",
        json={"stepfunctions": {"execute_state_machine": True}},
        timeout=10,
    ).raise_for_status()
    try:
        direct = start_execution(url, "direct")
        asyncio.run(follow(url, direct, "moto as is (no paging: every poll returns everything)"))
        proxy = FakeEndpoint(upstream=url)
        proxy.handlers["GetExecutionHistory"] = aws_paged_history(proxy)
        with proxy:
            paged = start_execution(url, "paged")
            asyncio.run(follow(proxy.url, paged, "paged as AWS pages (newest first, stop at seen)"))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
