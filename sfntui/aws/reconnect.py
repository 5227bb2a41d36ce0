"""Riding out faults while following something live (a tail, the executions list).

A one-shot read fails with its sentence; something followed live must not: after a fault that
may clear by itself (a `TransientError`: the service unavailable, a connection dropped, an
answer late or garbled, a throttle that outlasted its retries) or an expired session token,
`Reconnector.run` tries the read again, with capped, jittered back-off, for as long as the
fault lasts (or `patience`, if given), and says so through `on_trouble`: a `ConnectionTrouble`
on each failed try ("reconnecting in 4 s, last update 12 s ago: ..."), None once a read
succeeds again. The read itself resumes where the follower was: nothing is lost or repeated.

Until a first read has succeeded, an endpoint that cannot be reached at all, or an expired
token, is raised at once: that is a wrong `--endpoint-url` or a login to do, not an outage.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sfntui.aws.backoff import MAX_PAUSE, pause
from sfntui.aws.errors import (
    EXPIRED_CODES,
    AwsError,
    TransientError,
    UnreachableError,
    worth_retrying,
)

_T = TypeVar("_T")


@dataclass(frozen=True)
class ConnectionTrouble:
    """One failed try while following: why, since when, and when the next try is."""

    reason: str
    #: Seconds since the last read that succeeded.
    last_update_ago: float
    #: Seconds until the next try.
    retry_in: float
    #: Failed tries in a row.
    attempt: int

    def sentence(self) -> str:
        """`reconnecting in 4 s, last update 12 s ago: the service is unavailable (HTTP 503)`"""
        return (
            f"reconnecting in {_seconds(self.retry_in)} s, last update "
            f"{_seconds(self.last_update_ago)} s ago: {self.reason}"
        )


def _seconds(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


TroubleReport = Callable[[ConnectionTrouble | None], Any]


def reason_of(error: AwsError) -> str:
    """A few words saying what went wrong, for a "reconnecting" line."""
    if error.code in EXPIRED_CODES:
        return "your AWS session token has expired; refresh it (`aws sso login`)"
    if isinstance(error, TransientError):
        return error.reason
    return error.message


class Reconnector:
    """Runs a read again after each transient fault until it succeeds (see the module)."""

    def __init__(
        self,
        *,
        base_delay: float = 0.5,
        cap: float = MAX_PAUSE,
        patience: float | None = None,
        on_trouble: TroubleReport | None = None,
        forget_credentials: Callable[[], None] | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_delay = base_delay
        self.cap = cap
        self.patience = patience
        self.on_trouble = on_trouble
        self.forget_credentials = forget_credentials
        self.sleep = sleep
        self.clock = clock
        #: When a read last succeeded (or the reconnector was made).
        self.last_update = clock()
        #: Every trouble met, in order: for tests and benchmarks.
        self.troubles: list[ConnectionTrouble] = []
        self._in_trouble = False
        self._answered = False

    async def run(self, read: Callable[[], Awaitable[_T]]) -> _T:
        failures = 0
        while True:
            try:
                result = await read()
            except AwsError as error:
                outage = self.clock() - self.last_update
                if (
                    not worth_retrying(error)
                    or (self.patience is not None and outage > self.patience)
                    or (not self._answered and _not_an_outage(error))
                ):
                    raise
                failures += 1
                if error.code in EXPIRED_CODES and self.forget_credentials is not None:
                    self.forget_credentials()  # the next try reads them again
                trouble = ConnectionTrouble(
                    reason_of(error), outage, pause(self.base_delay, failures, self.cap), failures
                )
                self.troubles.append(trouble)
                self._in_trouble = True
                self._report(trouble)
                await self.sleep(trouble.retry_in)
                continue
            self.last_update = self.clock()
            self._answered = True
            if self._in_trouble:
                self._in_trouble = False
                self._report(None)
            return result

    def _report(self, trouble: ConnectionTrouble | None) -> None:
        if self.on_trouble is not None:
            self.on_trouble(trouble)


def _not_an_outage(error: AwsError) -> bool:
    """Met before anything answered: a wrong endpoint or a login to do, not an outage."""
    return isinstance(error, UnreachableError) or error.code in EXPIRED_CODES
