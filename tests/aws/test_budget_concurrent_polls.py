"""The shared request budget under concurrent polls: a throttle met by one poll holds back the
calls already waiting for a token, not only the ones that come after."""

from __future__ import annotations

import asyncio

import pytest

from sfntui.aws import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self.during_sleep: list[object] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        for action in self.during_sleep:
            action()  # type: ignore[operator]
        self.during_sleep.clear()


async def test_a_throttle_during_a_wait_holds_the_waiting_call_back() -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity=1, rate=1.0, clock=clock, sleep=clock.sleep)
    await bucket.take()  # the burst is spent

    # another poll is throttled by AWS while this call waits for the next token
    clock.during_sleep.append(bucket.slow_down)
    await bucket.take()

    assert bucket.rate == pytest.approx(0.5)
    assert clock.slept[0] == pytest.approx(1.0)
    assert sum(clock.slept) == pytest.approx(1.0 + 2.0)  # a new token at the halved rate


async def test_concurrent_takes_share_one_bucket_in_turn() -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity=2, rate=4.0, clock=clock, sleep=clock.sleep)

    await asyncio.gather(*(bucket.take() for _ in range(6)))

    assert clock.now == pytest.approx(1.0)  # two at once, then four at four a second
