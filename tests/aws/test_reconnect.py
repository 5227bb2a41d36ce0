"""What a live follower does after a fault: try again with capped, jittered back-off while the
fault may clear, give up at once when it cannot, and say which it is doing."""

from __future__ import annotations

import pytest

from sfntui.aws import (
    AwsError,
    ConnectionTrouble,
    Reconnector,
    ThrottledError,
    TransientError,
    UnreachableError,
)
from sfntui.aws.backoff import pause


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Flaky:
    """A read failing with each error given, in turn, then answering "ok"."""

    def __init__(self, *errors: AwsError) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def unavailable() -> TransientError:
    return TransientError("503.", reason="the service is unavailable (HTTP 503)")


async def test_a_read_is_tried_again_until_it_succeeds_saying_so() -> None:
    clock = FakeClock()
    said: list[ConnectionTrouble | None] = []
    reconnect = Reconnector(base_delay=1.0, sleep=clock.sleep, clock=clock, on_trouble=said.append)
    await reconnect.run(Flaky())  # following, until the faults begin
    read = Flaky(unavailable(), ThrottledError("throttled."), AwsError("expired.", "ExpiredToken"))

    assert await reconnect.run(read) == "ok"

    assert read.calls == 4
    assert [t.reason if t else None for t in said] == [
        "the service is unavailable (HTTP 503)",
        "AWS is throttling calls",
        "your AWS session token has expired; refresh it (`aws sso login`)",
        None,
    ]
    waits = [t.retry_in for t in said if t]
    assert clock.slept == waits
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and 2.0 <= waits[2] <= 4.0
    assert [t.last_update_ago for t in said if t] == [0.0, waits[0], waits[0] + waits[1]]
    assert said[0] is not None and said[0].sentence().startswith("reconnecting in ")


async def test_an_expired_token_makes_the_session_read_its_credentials_again() -> None:
    clock = FakeClock()
    forgotten: list[bool] = []
    reconnect = Reconnector(
        sleep=clock.sleep, clock=clock, forget_credentials=lambda: forgotten.append(True)
    )
    await reconnect.run(Flaky())  # following, until the token expires

    await reconnect.run(Flaky(AwsError("expired.", "ExpiredTokenException"), unavailable()))

    assert forgotten == [True]


@pytest.mark.parametrize(
    "error",
    [UnreachableError("Could not connect."), AwsError("expired.", "ExpiredTokenException")],
)
async def test_before_anything_answered_a_wrong_endpoint_or_a_login_is_raised(
    error: AwsError,
) -> None:
    clock = FakeClock()
    reconnect = Reconnector(sleep=clock.sleep, clock=clock)

    with pytest.raises(AwsError):
        await reconnect.run(Flaky(error))

    assert clock.slept == []


async def test_a_fault_that_cannot_clear_by_itself_is_raised_at_once() -> None:
    clock = FakeClock()
    reconnect = Reconnector(sleep=clock.sleep, clock=clock)
    read = Flaky(AwsError("AWS denied access.", "AccessDeniedException"))

    with pytest.raises(AwsError, match="denied"):
        await reconnect.run(read)

    assert read.calls == 1 and clock.slept == []


async def test_patience_bounds_an_outage() -> None:
    clock = FakeClock()
    reconnect = Reconnector(base_delay=1.0, patience=10.0, sleep=clock.sleep, clock=clock)
    read = Flaky(*[unavailable() for _ in range(100)])

    with pytest.raises(TransientError):
        await reconnect.run(read)

    assert clock.now - clock.slept[-1] <= 10.0 < clock.now  # the last pause began within it
    assert read.calls < 10


def test_pauses_double_up_to_the_cap_and_are_jittered() -> None:
    pauses = [pause(0.5, attempt, cap=20.0) for attempt in range(1, 40)]

    for attempt, value in enumerate(pauses, 1):
        ceiling = min(20.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= value <= ceiling
    assert len({round(value, 6) for value in pauses[10:]}) > 1  # not all the same at the cap
