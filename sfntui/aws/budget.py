"""One request budget for every call the app makes, inside AWS's published API quotas.

Step Functions throttles each API action with a token bucket per account and region (the
"Quotas related to API action throttling" table of the developer guide: GetExecutionHistory
holds 400 tokens and refills 20 a second, ListExecutions 100 and 5, ...). The app keeps its
own bucket per action, at a share of AWS's, so that a screen full of live tails never makes
the account's other tools throttle. When AWS throttles anyway (someone else spends the
quota), the bucket slows down and then recovers step by step as calls succeed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Quota:
    bucket: int  # tokens the bucket holds
    refill: float  # tokens added per second


#: AWS's default quotas for the actions sfntui calls (Standard; the lower figure where regions
#: differ). CloudWatch Logs' FilterLogEvents allows 25 requests a second per account.
AWS_QUOTAS: dict[str, Quota] = {
    "DescribeExecution": Quota(250, 15),
    "DescribeMapRun": Quota(200, 1),
    "DescribeStateMachine": Quota(200, 20),
    "DescribeStateMachineAlias": Quota(200, 1),
    "DescribeStateMachineForExecution": Quota(200, 1),
    "GetExecutionHistory": Quota(400, 20),
    "ListExecutions": Quota(100, 2),
    "ListMapRuns": Quota(100, 1),
    "ListStateMachineAliases": Quota(100, 1),
    "ListStateMachineVersions": Quota(100, 1),
    "ListStateMachines": Quota(100, 5),
    "RedriveExecution": Quota(100, 1),
    "StartExecution": Quota(500, 25),
    "StopExecution": Quota(500, 25),
    "FilterLogEvents": Quota(25, 25),
}
_DEFAULT_QUOTA = Quota(100, 1)


class TokenBucket:
    """A token bucket; `take` waits until a token is there. The clock is injectable for tests."""

    def __init__(
        self,
        capacity: float,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.capacity = max(1.0, capacity)
        self.full_rate = rate
        self.rate = rate
        self.tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until a token is free (0 when one is there now)."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    async def take(self) -> float:
        """Take one token, waiting for it if needed; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            # Waiting again after a wait: a throttle met meanwhile (`slow_down`, from another
            # poll) empties the bucket, and that must hold back this call too.
            while (delay := self.wait_time()) > 1e-9:
                await self._sleep(delay)  # type: ignore[misc]
                waited += delay
            self.tokens = max(self.tokens, 1.0) - 1  # (1 - 1e-12 is a token, despite rounding)
        return waited

    def slow_down(self) -> None:
        """AWS throttled us: empty the bucket and halve the rate (not below one call in 10 s)."""
        self._refill()
        self.tokens = 0.0
        self.rate = max(self.full_rate / 64, 0.1, self.rate / 2)

    def recover(self) -> None:
        """A call went through: win back a tenth of the lost rate."""
        if self.rate < self.full_rate:
            self.rate = min(self.full_rate, self.rate + max(self.full_rate - self.rate, 0.1) * 0.1)


class RequestBudget:
    """The token buckets of every action, shared by all the polls of one app.

    `share` is the part of AWS's quota the app allows itself (half by default).
    """

    def __init__(
        self,
        share: float = 0.5,
        *,
        quotas: dict[str, Quota] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.share = share
        self._quotas = quotas or AWS_QUOTAS
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        #: Calls made and throttles met, by action: for the benchmark and for tests.
        self.calls: dict[str, int] = {}
        self.throttles: dict[str, int] = {}

    def bucket(self, action: str) -> TokenBucket:
        found = self._buckets.get(action)
        if found is None:
            quota = self._quotas.get(action, _DEFAULT_QUOTA)
            found = TokenBucket(
                quota.bucket * self.share,
                quota.refill * self.share,
                clock=self._clock,
                sleep=self._sleep,
            )
            self._buckets[action] = found
        return found

    async def acquire(self, action: str) -> float:
        self.calls[action] = self.calls.get(action, 0) + 1
        return await self.bucket(action).take()

    def throttled(self, action: str) -> None:
        self.throttles[action] = self.throttles.get(action, 0) + 1
        self.bucket(action).slow_down()

    def succeeded(self, action: str) -> None:
        self.bucket(action).recover()

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())
