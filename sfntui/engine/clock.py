"""Clocks for the engine: real time, or a virtual clock under which waiting costs nothing.

The virtual clock is a discrete-event clock: `sleep` parks the caller until the clock is
advanced, and the clock advances to the earliest parked wake-up only when the event loop has
nothing else ready to run. So a Wait of a day, a retry back-off or a race between a task and
its timeout all resolve in the order real time would give them, instantly.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...

    def hold(self) -> contextlib.AbstractContextManager[None]: ...


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def hold(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)


class VirtualClock:
    """Time moves only when every task is parked on the clock."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC).replace(microsecond=0)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._pumping = False
        #: Tasks doing real work (a handler, an AWS call), and those of them now asleep here.
        self._holders: dict[asyncio.Task[object] | None, int] = {}
        self._parked: set[asyncio.Task[object] | None] = set()

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by hand (waking nobody early): for tests and the debugger."""
        self._now += timedelta(seconds=seconds)

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Real work is in flight in this task: an idle event loop is then waiting on it, not
        on the clock, and time does not leap ahead (to a timeout, say) until it is done. The
        task's own sleeps on this clock still let time move."""
        task = asyncio.current_task()
        self._holders[task] = self._holders.get(task, 0) + 1
        try:
            yield
        finally:
            if self._holders[task] == 1:
                del self._holders[task]
            else:
                self._holders[task] -= 1
            self._kick(asyncio.get_running_loop())

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        wake = self._now + timedelta(seconds=seconds)
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        task = asyncio.current_task()
        holding = task in self._holders
        if holding:
            self._parked.add(task)
        self._kick(loop)
        try:
            await future
        finally:
            if holding:
                self._parked.discard(task)

    def _kick(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._sleepers and not self._pumping:
            self._pumping = True
            loop.call_soon(self._pump, loop, 0)

    def _pump(self, loop: asyncio.AbstractEventLoop, rounds: int) -> None:
        ready = getattr(loop, "_ready", None)
        busy = len(ready) > 0 if ready is not None else rounds < 64
        if busy and rounds < 100_000:
            loop.call_soon(self._pump, loop, rounds + 1)
            return
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        if not self._sleepers or any(t not in self._parked for t in self._holders):
            # Nothing to wake, or real work still running: the next sleep or the end of
            # that work starts the pump again.
            self._pumping = False
            return
        wake = self._sleepers[0][0]
        self._now = max(self._now, wake)
        while self._sleepers and self._sleepers[0][0] <= wake:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        loop.call_soon(self._pump, loop, 0)
