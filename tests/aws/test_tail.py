"""Following a running execution to its end: nothing lost, nothing repeated, cheap polls."""

from __future__ import annotations

from typing import Any

from sfntui.aws import AwsSession, ConnectionOptions, PollInterval, StepFunctions
from sfntui.aws.tail import HistoryTail
from sfntui.history.projection import Projection

from .conftest import REGION, Moto
from .endpoints import FakeEndpoint, aws_paged_history

#: Runs about three seconds, writing events before, between and after its waits.
STEPS = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "FirstWait"},
        "FirstWait": {"Type": "Wait", "Seconds": 2, "Next": "Each"},
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "Iterator": {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}},
            "ResultPath": "$.done",
            "Next": "SecondWait",
        },
        "SecondWait": {"Type": "Wait", "Seconds": 1, "Next": "Finish"},
        "Finish": {"Type": "Pass", "End": True},
    },
}
FAST = PollInterval(fastest=0.1, slowest=0.4)


Batches = list[list[dict[str, Any]]]


async def follow_all(sfn: StepFunctions, arn: str) -> tuple[Batches, HistoryTail]:
    tail = await sfn.tail(arn, interval=PollInterval(FAST.fastest, FAST.slowest))
    batches = [batch async for batch in tail.follow()]
    return batches, tail


async def test_a_running_execution_is_followed_to_its_end(moto: Moto, sfn: StepFunctions) -> None:
    execution = moto.start(moto.create_machine(STEPS), {"items": [1, 2, 3]})

    batches, tail = await follow_all(sfn, execution)

    followed = [event for batch in batches for event in batch]
    whole = await sfn.get_history(execution)
    assert [e["id"] for e in followed] == list(range(1, len(whole) + 1))
    assert [e["type"] for e in followed] == [e["type"] for e in whole]
    assert followed[-1]["type"] == "ExecutionSucceeded"
    # It was seen while running, not only at the end (how many polls saw something new
    # depends on how busy the machine is; that the first saw it unfinished does not).
    assert len(batches) >= 2
    assert "ExecutionSucceeded" not in [e["type"] for e in batches[0]]
    assert tail.status == "SUCCEEDED"
    projection = Projection()
    for batch in batches:
        projection.add(batch)
    assert projection.ignored_events == 0
    assert projection.status_of("Finish").name == "SUCCEEDED"


async def test_polls_cost_the_new_events_where_the_endpoint_pages_like_aws(moto: Moto) -> None:
    execution = moto.start(moto.create_machine(STEPS), {"items": list(range(40))})
    proxy = FakeEndpoint(upstream=moto.url)
    proxy.handlers["GetExecutionHistory"] = aws_paged_history(proxy)
    with proxy:
        options = ConnectionOptions(endpoint_url=proxy.url, region=REGION)
        async with AwsSession(options) as session:
            batches, tail = await follow_all(StepFunctions(session), execution)
            paged = await StepFunctions(session).get_history(execution, page_size=50)

    followed = [event["id"] for batch in batches for event in batch]
    assert followed == list(range(1, len(followed) + 1))
    assert len(followed) > 150  # 40 iterations of four events, and the rest
    assert [e["id"] for e in paged] == followed  # the whole history, read 50 at a time
    assert len(proxy.actions("GetExecutionHistory")) - sum(p.calls for p in tail.polls) >= 4
    for before, poll in enumerate(tail.polls[1:], 1):
        # newest first, stopping at what was seen: a poll reads about what is new (its first
        # page is sized by the last few polls' new events), never the whole history again
        expected = max(p.new for p in tail.polls[max(0, before - 3) : before])
        assert poll.received <= 3 * poll.new + 2 * expected + 30, tail.polls
    tail_calls = proxy.actions("GetExecutionHistory")[: sum(p.calls for p in tail.polls)]
    assert all(request.body["reverseOrder"] for request in tail_calls)


async def test_a_finished_execution_comes_in_one_batch(moto: Moto, sfn: StepFunctions) -> None:
    failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}
    execution = moto.start(moto.create_machine(failing))
    await sfn.get_history(execution)  # moto has finished it by now

    batches, tail = await follow_all(sfn, execution)

    assert [[e["type"] for e in batch] for batch in batches] == [
        ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    ]
    assert tail.status == "FAILED"
    assert len(tail.polls) == 2  # the read, and one more after the end


class ScriptedReader:
    """A history reader answering from a script of (event ids, ended) per read."""

    def __init__(self, script: list[list[tuple[int, str]]], ended_after: int | None = None) -> None:
        self.script = script
        self.reads = 0
        self.ended_after = ended_after
        self.asked_ended = 0

    async def read_new(self, last_id: int, expected: int) -> tuple[list[dict[str, Any]], int, int]:
        step = self.script[min(self.reads, len(self.script) - 1)]
        self.reads += 1
        events = [
            {"id": i, "previousEventId": i - 1, "type": kind, "timestamp": 0}
            for i, kind in step
            if i > last_id
        ]
        return events, 1, len(step)

    async def has_ended(self) -> bool:
        self.asked_ended += 1
        return self.ended_after is not None and self.reads >= self.ended_after


async def no_sleep(_seconds: float) -> None:
    return None


async def test_an_event_whose_predecessor_is_missing_waits_for_it() -> None:
    reader = ScriptedReader(
        [
            [(1, "ExecutionStarted"), (2, "PassStateEntered"), (4, "WaitStateEntered")],
            [(3, "PassStateExited"), (4, "WaitStateEntered"), (5, "WaitStateExited")],
            [(6, "ExecutionSucceeded")],
        ]
    )
    tail = HistoryTail(reader, sleep=no_sleep)

    batches = [[e["id"] for e in batch] async for batch in tail.follow()]

    assert batches == [[1, 2], [3, 4, 5], [6]]
    assert tail.status == "SUCCEEDED"


async def test_a_gap_that_never_fills_does_not_hold_events_forever() -> None:
    reader = ScriptedReader(
        [[(1, "ExecutionStarted"), (3, "PassStateEntered")]] * 5 + [[(4, "ExecutionFailed")]]
    )
    tail = HistoryTail(reader, sleep=no_sleep)

    followed = [e["id"] async for batch in tail.follow() for e in batch]

    assert followed == [1, 3, 4]
    assert tail.status == "FAILED"


async def test_an_execution_that_ends_without_a_final_event_is_noticed() -> None:
    reader = ScriptedReader([[(1, "ExecutionStarted")]], ended_after=4)
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    tail = HistoryTail(reader, interval=PollInterval(1.0, 8.0, 2.0), sleep=record)

    followed = [e["id"] async for batch in tail.follow() for e in batch]

    assert followed == [1]
    assert tail.status == "ENDED"
    assert reader.asked_ended >= 1
    assert sleeps[:4] == [1.0, 2.0, 4.0, 8.0][: len(sleeps[:4])]  # backing off while idle


def test_the_poll_interval_backs_off_and_comes_back() -> None:
    interval = PollInterval(fastest=1.0, slowest=5.0, factor=2.0)

    idle = [interval.next(changed=False) for _ in range(4)]
    busy = interval.next(changed=True)
    throttled = [interval.next(changed=True, throttled=True) for _ in range(2)]

    assert idle == [2.0, 4.0, 5.0, 5.0]
    assert busy == 1.0
    assert throttled == [2.0, 4.0]
