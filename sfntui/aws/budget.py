"""One request budget for every call the app makes, inside AWS's published API quotas.

Step Functions throttles each API action with a token bucket per account and region (the
"Quotas related to API action throttling" table of the developer guide: GetExecutionHistory
holds 400 tokens and refills 20 a second, ListExecutions 100 and 5, ...). The app keeps its
own bucket per action, at a share of AWS's, so that a screen full of live tails never makes
the account's other tools throttle. When AWS throttles anyway (someone else spends the
quota), the bucket slows down and then recovers step by step as calls succeed.

AWS's buckets are per account and region, not per process: three terminals each tailing an
execution spend the same quota. So a session's budget is shared by every sfntui process of the
same account and region on the machine, through a small file in the user's cache folder
(`$XDG_CACHE_HOME/sfntui/budget/`, by default `~/.cache/sfntui/budget/`) holding the state of
each bucket, read and written under an exclusive `flock`. Where the file cannot be used (no
`fcntl`, a read-only home), each process keeps its own budget, as before.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: each process keeps its own budget
    fcntl = None  # type: ignore[assignment]


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

    @contextmanager
    def _synced(self) -> Iterator[None]:
        """Around each change of the bucket: a shared bucket loads its state and saves it."""
        yield

    def _refill(self) -> None:
        now = self._clock()
        # (a clock that went back, as a wall clock may, refills nothing)
        elapsed = max(0.0, now - self._stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until a token is free (0 when one is there now)."""
        with self._synced():
            return self._wait_time()

    def _wait_time(self) -> float:
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def _try_take(self) -> float:
        """Take a token if one is there (0.0), else the seconds until one will be."""
        with self._synced():
            delay = self._wait_time()
            if delay <= 1e-9:
                self.tokens = max(self.tokens, 1.0) - 1  # (1 - 1e-12 is a token, despite rounding)
                return 0.0
            return delay

    async def take(self) -> float:
        """Take one token, waiting for it if needed; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            # Waiting again after a wait: a throttle met meanwhile (`slow_down`, from another
            # poll or another process) empties the bucket, and that must hold back this call too.
            while (delay := self._try_take()) > 0:
                await self._sleep(delay)  # type: ignore[misc]
                waited += delay
        return waited

    def slow_down(self) -> None:
        """AWS throttled us: empty the bucket and halve the rate (not below one call in 10 s)."""
        with self._synced():
            self._refill()
            self.tokens = 0.0
            self.rate = max(self.full_rate / 64, 0.1, self.rate / 2)

    def recover(self) -> None:
        """A call went through: win back a tenth of the lost rate."""
        with self._synced():
            if self.rate < self.full_rate:
                lost = max(self.full_rate - self.rate, 0.1)
                self.rate = min(self.full_rate, self.rate + lost * 0.1)


class SharedTokenBucket(TokenBucket):
    """A token bucket whose state lives in a `BudgetFile`, shared with other processes."""

    def __init__(
        self, file: BudgetFile, action: str, capacity: float, rate: float, **clocks: Any
    ) -> None:
        super().__init__(capacity, rate, **clocks)
        self.file = file
        self.action = action

    @contextmanager
    def _synced(self) -> Iterator[None]:
        with self.file.states() as states:
            saved = states.get(self.action)
            if isinstance(saved, dict):
                try:
                    tokens, rate, stamp = (float(saved[k]) for k in ("tokens", "rate", "stamp"))
                except (KeyError, TypeError, ValueError):
                    pass
                else:
                    self.tokens = min(self.capacity, max(0.0, tokens))
                    self.rate = min(self.full_rate, max(self.full_rate / 64, 0.1, rate))
                    self._stamp = stamp
            yield
            states[self.action] = {"tokens": self.tokens, "rate": self.rate, "stamp": self._stamp}


class BudgetFile:
    """A JSON file of bucket states, read and written under an exclusive lock.

    The file stays open, and is rewritten in place (written over, then cut to length): opening
    it and cutting it to nothing on each change costs a millisecond or more, as ext4 flushes a
    file truncated to zero when it is closed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def _descriptor(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            weakref.finalize(self, os.close, self._fd)
        return self._fd

    @contextmanager
    def states(self) -> Iterator[dict[str, Any]]:
        """The states, locked against every other process until the block ends, then saved."""
        assert fcntl is not None
        fd = self._descriptor()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            raw = b""
            while chunk := os.pread(fd, 1 << 16, len(raw)):
                raw += chunk
            try:
                states = json.loads(raw or b"{}")
            except ValueError:
                states = {}
            if not isinstance(states, dict):
                states = {}
            yield states
            data = json.dumps(states).encode()
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def cache_folder() -> Path:
    """sfntui's folder in the user's cache folder (XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "sfntui"


def shared_budget_file(account: str, region: str, endpoint_url: str | None) -> Path | None:
    """The file holding the budget of `account` (a profile) in `region` at `endpoint_url`.

    None where it cannot be used: no `fcntl`, or a cache folder that cannot be written.
    """
    if fcntl is None:
        return None
    key = hashlib.sha256(f"{account}\n{region}\n{endpoint_url or ''}".encode()).hexdigest()
    path = cache_folder() / "budget" / f"{region}-{key[:16]}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError:
        return None
    return path


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
        self._file: BudgetFile | None = None
        #: Calls made and throttles met, by action: for the benchmark and for tests.
        self.calls: dict[str, int] = {}
        self.throttles: dict[str, int] = {}

    def share_through(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        """Keep the buckets in the file at `path`, shared with the other processes using it.

        The clock must be one all processes read alike: the wall clock.
        """
        self._file = BudgetFile(path)
        self._clock = clock
        self._buckets.clear()

    @property
    def shared_file(self) -> Path | None:
        return self._file.path if self._file else None

    def bucket(self, action: str) -> TokenBucket:
        found = self._buckets.get(action)
        if found is None:
            quota = self._quotas.get(action, _DEFAULT_QUOTA)
            capacity, rate = quota.bucket * self.share, quota.refill * self.share
            if self._file is not None:
                found = SharedTokenBucket(
                    self._file, action, capacity, rate, clock=self._clock, sleep=self._sleep
                )
            else:
                found = TokenBucket(capacity, rate, clock=self._clock, sleep=self._sleep)
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
