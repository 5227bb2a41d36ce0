"""`sfntui tail` (and the app's follow) through an endpoint that fails on purpose: throttled,
unavailable, reset, stalled, cut short, garbled, an expired token. The tail says it is
reconnecting, resumes from the last event it had, and hands on every event once, in order;
or it exits non-zero saying why."""

from __future__ import annotations

import socket

import pytest

from sfntui.aws import (
    AwsError,
    AwsSession,
    ConnectionOptions,
    ConnectionTrouble,
    PollInterval,
    Quota,
    RequestBudget,
    StepFunctions,
)
from sfntui.cli import main

from .fault_endpoint import REGION, FaultyStepFunctions, history

#: An outage of every kind between good reads, while the execution runs.
OUTAGE = [
    None,
    "unavailable",
    "unavailable",
    None,
    "reset",
    None,
    "stall",
    None,
    "throttle",
    "throttle",
    None,
    "expired",
    "expired",
    None,
    "cut",
    "malformed",
    None,
    "internal",
    None,
    "gap",
]
FAST = PollInterval(fastest=0.01, slowest=0.05)


def running(events: int = 300, **faults: object) -> tuple[FaultyStepFunctions, str]:
    """An execution that writes 20 events between two reads of its history."""
    fake = FaultyStepFunctions(stall_seconds=3.0, **faults)  # type: ignore[arg-type]
    machine = fake.add_machine("orders")
    arn = fake.add_execution(machine, "run-1", history(events), visible=3, events_per_read=20)
    return fake, arn


def quick(url: str) -> ConnectionOptions:
    # one try per request (the tail's own retries are what is tested), short pauses, and a
    # stall noticed in 1 s (not 30; and not so soon that a loaded machine's answers count)
    return ConnectionOptions(
        endpoint_url=url,
        region=REGION,
        max_attempts=1,
        retry_delay=0.01,
        throttle_delay=0.01,
        read_timeout=1.0,
    )


@pytest.fixture
def quick_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFNTUI_AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("SFNTUI_AWS_RETRY_DELAY", "0.01")


async def test_a_tail_rides_out_every_fault_and_loses_nothing() -> None:
    fake, arn = running(script={"GetExecutionHistory": list(OUTAGE)})
    troubles: list[ConnectionTrouble | None] = []

    # (a budget of its own, roomy: the throttles would otherwise slow the rest of the test)
    budget = RequestBudget(quotas={"GetExecutionHistory": Quota(1000, 1000)})
    with fake:
        async with AwsSession(quick(fake.url), budget) as session:
            tail = await StepFunctions(session).tail(arn, interval=FAST, on_trouble=troubles.append)
            followed = [event["id"] async for batch in tail.follow() for event in batch]

    assert followed == list(range(1, 301))
    assert tail.status == "SUCCEEDED"
    assert sorted(set(fake.faults("GetExecutionHistory"))) == sorted(
        {fault for fault in OUTAGE if fault}
    )
    reasons = {trouble.reason for trouble in troubles if trouble}
    assert {
        "the service is unavailable (HTTP 503)",
        "an internal error (HTTP 500)",
        "the connection was dropped",
        "no answer in time",
        "an answer that did not parse",
        "your AWS session token has expired; refresh it (`aws sso login`)",
    } <= reasons
    assert troubles[-1] is None  # connected again at the end
    assert budget.throttles["GetExecutionHistory"] == 2
    assert all(t.attempt >= 1 and t.last_update_ago >= 0 for t in troubles if t)


def test_the_tail_command_says_it_is_reconnecting_and_prints_every_event_once(
    quick_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    outage = [None, None, "unavailable", "unavailable", "unavailable", None, "reset"]
    fake, arn = running(120, script={"GetExecutionHistory": outage})

    with fake:
        code = main(["tail", arn, "--interval", "0.01", "--endpoint-url", fake.url])
    captured = capsys.readouterr()

    assert code == 0
    assert [int(line.split()[0]) for line in captured.out.splitlines()] == list(range(1, 121))
    said = captured.err.splitlines()
    assert said[0].startswith("sfntui: reconnecting in ")
    assert "s, last update " in said[0]
    assert said[0].endswith("s ago: the service is unavailable (HTTP 503)")
    assert said.count("sfntui: reconnected") == 2  # after the 503s, after the reset
    assert len(said) == 6


def test_a_refusal_ends_the_tail_with_its_reason(
    quick_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, arn = running(script={"GetExecutionHistory": [None, None, "denied"]})

    with fake:
        code = main(["tail", arn, "--interval", "0.01", "--endpoint-url", fake.url])
    captured = capsys.readouterr()

    assert code == 2
    assert captured.err == (
        "sfntui: AWS denied access to GetExecutionHistory in us-east-1: your role needs the "
        "states:GetExecutionHistory permission (or a profile that has it).\n"
    )
    printed = [int(line.split()[0]) for line in captured.out.splitlines()]
    assert printed == list(range(1, len(printed) + 1))  # what was printed is whole so far


def test_a_gap_that_never_fills_ends_the_tail_with_an_error(
    quick_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FaultyStepFunctions(always={"GetExecutionHistory": "gap"})
    arn = fake.add_execution(fake.add_machine("orders"), "run-1", history(50))

    with fake:
        code = main(["tail", arn, "--interval", "0.01", "--endpoint-url", fake.url])
    captured = capsys.readouterr()

    assert code == 2
    assert "sfntui: The history has no event 25, though it has event 26" in captured.err
    assert [int(line.split()[0]) for line in captured.out.splitlines()] == list(range(1, 25))


def test_a_tail_that_never_connected_does_not_wait_for_ever(
    quick_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    arn = f"arn:aws:states:{REGION}:123456789012:execution:orders:run-1"

    code = main(["tail", arn, "--endpoint-url", url])
    captured = capsys.readouterr()

    assert code == 2
    assert captured.err.startswith(f"sfntui: Could not connect to {url}")
    assert "reconnecting" not in captured.err


async def test_a_tail_that_cannot_start_says_why() -> None:
    fake, _ = running()
    missing = f"arn:aws:states:{REGION}:123456789012:execution:orders:nope"

    with fake:
        async with AwsSession(quick(fake.url)) as session:
            tail = await StepFunctions(session).tail(missing, interval=FAST)
            with pytest.raises(AwsError, match="There is no execution"):
                [batch async for batch in tail.follow()]


async def test_the_executions_watch_rides_out_faults() -> None:
    fake = FaultyStepFunctions(script={"ListExecutions": [None, "unavailable", "reset", None]})
    machine = fake.add_machine("orders")
    for index in range(3):
        fake.add_execution(machine, f"run-{index}", history(4))
    troubles: list[ConnectionTrouble | None] = []

    def note(trouble: ConnectionTrouble | None) -> None:
        troubles.append(trouble)
        if trouble is None:  # back: and meanwhile another execution started
            fake.add_execution(machine, "run-3", history(4))

    with fake:
        async with AwsSession(quick(fake.url)) as session:
            watch = StepFunctions(session).watch_executions(machine, interval=FAST, on_trouble=note)
            seen = []
            async for executions in watch.follow():
                seen.append([e.name for e in executions])
                if len(seen) == 2:
                    break

    assert seen == [["run-2", "run-1", "run-0"], ["run-3", "run-2", "run-1", "run-0"]]
    assert [t.reason if t else None for t in troubles] == [
        "the service is unavailable (HTTP 503)",
        "the connection was dropped",
        None,
    ]
