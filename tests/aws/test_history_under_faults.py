"""`sfntui history` (and the reads the app and replay make) against an endpoint that fails on
purpose: every event once, in order, or a non-zero exit that says why, never a shorter history."""

from __future__ import annotations

import json
import time

import pytest

from sfntui.aws import (
    AwsSession,
    ConnectionOptions,
    IncompleteHistoryError,
    StepFunctions,
    TransientError,
)
from sfntui.cli import main

from .fault_endpoint import REGION, FaultyStepFunctions, history

#: Every fault a page can meet once and be read whole after.
PAGE_FAULTS = [
    "malformed",
    "unavailable",
    "internal",
    "throttle",
    "reset",
    "stall",
    "cut",
    "gap",
    "repeat",
]


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two tries a request, short pauses, and a short read timeout (a stall is noticed in
    1 s, not 30; and not so soon that a loaded machine's answers count): botocore's own
    back-off still runs between the two tries."""
    monkeypatch.setenv("SFNTUI_AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("SFNTUI_AWS_RETRY_DELAY", "0.01")
    monkeypatch.setenv("SFNTUI_AWS_READ_TIMEOUT", "1")


def endpoint_with(events: int, **faults: object) -> tuple[FaultyStepFunctions, str]:
    fake = FaultyStepFunctions(stall_seconds=3.0, **faults)  # type: ignore[arg-type]
    machine = fake.add_machine("orders")
    return fake, fake.add_execution(machine, "run-1", history(events))


def history_cli(
    capsys: pytest.CaptureFixture[str], fake: FaultyStepFunctions, arn: str, *flags: str
) -> tuple[int, str, str]:
    code = main(["history", arn, "--endpoint-url", fake.url, *flags])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def printed_ids(out: str) -> list[int]:
    return [int(line.split()[0]) for line in out.splitlines()]


@pytest.mark.parametrize("fault", PAGE_FAULTS)
def test_a_page_that_fails_once_is_read_again(
    fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, arn = endpoint_with(2500, script={"GetExecutionHistory": [None, fault]})

    with fake:
        code, out, err = history_cli(capsys, fake, arn)

    assert (code, err) == (0, "")
    assert printed_ids(out) == list(range(1, 2501))
    assert fake.faults("GetExecutionHistory") == [fault]


def test_a_25000_event_history_with_a_malformed_page_comes_whole_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the case: one malformed page made `history --json` print 4-16% and exit 0
    fake, arn = endpoint_with(25_000, script={"GetExecutionHistory": [None, None, "malformed"]})

    with fake:
        code, out, err = history_cli(capsys, fake, arn, "--json")

    assert (code, err) == (0, "")
    assert [event["id"] for event in json.loads(out)["events"]] == list(range(1, 25_001))
    assert fake.requests("GetExecutionHistory") == 26  # 25 pages, one of them twice


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("malformed", "with something that is not a valid answer (no events), 2 times"),
        ("unavailable", "answered GetExecutionHistory with HTTP 503 (the service is unavailable)"),
        ("internal", "answered GetExecutionHistory with HTTP 500 (an internal error)"),
        ("reset", "was dropped during GetExecutionHistory"),
        ("stall", "did not answer GetExecutionHistory in time"),
        ("cut", "was dropped during GetExecutionHistory"),
        # (the page is asked for again, then the whole chain: where page 1 fails too)
        ("gap", "could not be read whole: on page 1, event 501 was missing, on each of 2 tries"),
        ("repeat", "could not be read whole: on page 1, event 501 came twice"),
    ],
)
def test_a_page_that_keeps_failing_is_an_error_and_nothing_is_printed(
    fault: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # the first page is good; every later one fails
    fake, arn = endpoint_with(2500, script={"GetExecutionHistory": [None] + [fault] * 50})

    with fake:
        code, out, err = history_cli(capsys, fake, arn)

    assert code == 2
    assert out == ""
    assert err.startswith("sfntui: ") and said in err
    assert len(err.strip().splitlines()) == 1
    assert "may not support" not in err


async def test_a_throttle_that_does_not_clear_is_an_error() -> None:
    fake, arn = endpoint_with(10, always={"GetExecutionHistory": "throttle"})
    options = ConnectionOptions(endpoint_url=fake.url, region=REGION, throttle_patience=0.3)

    with fake:
        async with AwsSession(options) as session:
            with pytest.raises(TransientError) as raised:
                await StepFunctions(session).get_history(arn)

    assert "kept throttling GetExecutionHistory" in raised.value.message


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("loop", "never end: the endpoint answered the same page token (stopped after 2 pages)"),
        ("endless", "never end: the endpoint answered more pages than a history of 25,000"),
    ],
)
def test_a_page_chain_that_never_ends_is_an_error(
    fault: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, arn = endpoint_with(2500, always={"GetExecutionHistory": fault})

    with fake:
        started = time.monotonic()
        code, out, err = history_cli(capsys, fake, arn, "--json")

    assert code == 2
    assert out == ""
    assert said in err
    assert time.monotonic() - started < 30
    assert fake.requests("GetExecutionHistory") <= 36


async def test_a_short_page_is_found_by_reading_the_chain_again() -> None:
    # page 1 lacks its last event: page 2 shows the gap, and reading it again does not help
    fake, arn = endpoint_with(3000, script={"GetExecutionHistory": ["short"]})
    options = ConnectionOptions(endpoint_url=fake.url, region=REGION, retry_delay=0.01)

    with fake:
        async with AwsSession(options) as session:
            whole = await StepFunctions(session).get_history(arn)

    assert [event["id"] for event in whole] == list(range(1, 3001))
    assert fake.requests("GetExecutionHistory") == 1 + 2 + 3  # page 1, page 2 twice, pages 1-3


async def test_the_reads_the_app_and_replay_make_are_whole_or_fail() -> None:
    script = [None, "gap", "gap", "gap", "gap"]  # page 2 twice, then page 1 twice
    fake, arn = endpoint_with(3000, script={"GetExecutionHistory": script})
    options = ConnectionOptions(endpoint_url=fake.url, region=REGION, retry_delay=0.01)

    with fake:
        async with AwsSession(options) as session:
            with pytest.raises(IncompleteHistoryError) as raised:
                await StepFunctions(session).get_history(arn)
            whole = await StepFunctions(session).get_history(arn)  # the faults are over

    assert "on page 1, event 501 was missing" in raised.value.message
    assert [event["id"] for event in whole] == list(range(1, 3001))
