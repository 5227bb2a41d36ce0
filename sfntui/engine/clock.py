"""Clocks for the engine: real time, or a virtual clock under which waiting costs nothing.

The virtual clock is a discrete-event clock: `sleep` parks the caller until the clock is
advanced, and the clock advances to the earliest parked wake-up only when the event loop has
nothing else ready to run. So a Wait of a day, a retry back-off or a race between a task and
its timeout all resolve in the order real time would give them, instantly.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)


class VirtualClock:
    """Time moves only when every task is parked on the clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC).replace(microsecond=0)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._pumping = False

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by hand (waking nobody early): for tests and the debugger."""
        self._now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        wake = self._now + timedelta(seconds=seconds)
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        if not self._pumping:
            self._pumping = True
            loop.call_soon(self._pump, loop, 0)
        await future

    def _pump(self, loop: asyncio.AbstractEventLoop, rounds: int) -> None:
        ready = getattr(loop, "_ready", None)
        busy = len(ready) > 0 if ready is not None else rounds < 64
        if busy and rounds < 100_000:
            loop.call_soon(self._pump, loop, rounds + 1)
            return
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        if not self._sleepers:
            self._pumping = False
            return
        wake = self._sleepers[0][0]
        self._now = max(self._now, wake)
        while self._sleepers and self._sleepers[0][0] <= wake:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        loop.call_soon(self._pump, loop, 0)
