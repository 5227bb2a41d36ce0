"""Following a running execution's history live, at a cost that follows the new events.

Each poll reads `GetExecutionHistory` newest first (`reverseOrder`) and stops at the first
page that reaches an event already seen, so a poll of a 20,000-event history that grew by
five events costs one small call. Where an endpoint ignores paging or the order (moto returns
the whole history, oldest first) the events already seen are dropped by `id`, so the result
is the same, only dearer.

Events are handed on in id order with no gap: an event whose predecessors have not shown up
yet is held back a poll or two. A Standard execution's history has no gaps, so one that does
not fill is an `IncompleteHistoryError`, never a lost event; an Express execution's, read
from best-effort log delivery, is handed on as it is. When the execution ends, one more read
collects whatever was written last (a few more if DescribeExecution said it ended before the
history shows it). The pages of one read are all asked for with the same arguments, as the API
reference wants; a burst too big for the first page's size starts one fresh chain of bigger
pages. The poll interval backs off while nothing changes and drops back when something does;
every call spends the session's shared request budget.

Faults do not end a tail: a read that meets one is tried again by a `Reconnector` (capped,
jittered back-off, "reconnecting ..." reported through `on_trouble`) and resumes after the
last event handed on, so no event is lost or repeated.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sfntui.aws.connection import AwsSession
from sfntui.aws.errors import IncompleteHistoryError
from sfntui.aws.reconnect import Reconnector
from sfntui.aws.whole_history import endless_pages, max_pages, page_events
from sfntui.history.records import TERMINAL_STATUS_OF_EVENT, ExecutionSummary

Event = dict[str, Any]
#: AWS's largest GetExecutionHistory page.
MAX_PAGE = 1000
MIN_PAGE = 20
#: Polls an event may be held back for a missing predecessor before it is handed on anyway.
_GAP_PATIENCE = 3
#: Reads, after DescribeExecution said the execution ended, waiting for the history to say so.
_FINAL_READS = 4


class PollInterval:
    """The pause between polls: `fastest` while things change, backing off to `slowest`."""

    def __init__(self, fastest: float = 1.0, slowest: float = 10.0, factor: float = 1.5) -> None:
        self.fastest = fastest
        self.slowest = slowest
        self.factor = factor
        self.current = fastest

    def next(self, changed: bool, throttled: bool = False) -> float:
        if throttled:
            self.current = min(self.slowest, self.current * 2)
        elif changed:
            self.current = self.fastest
        else:
            self.current = min(self.slowest, self.current * self.factor)
        return self.current

    @property
    def at_slowest(self) -> bool:
        return self.current >= self.slowest


@dataclass(frozen=True)
class PollStats:
    """What one poll cost: API calls, events received, and events that were new."""

    calls: int
    received: int
    new: int
    seconds: float


class HistoryReader(Protocol):
    async def read_new(self, last_id: int, expected: int) -> tuple[list[Event], int, int]:
        """Events with id above `last_id`, in id order; plus the calls made and events received."""
        ...

    async def has_ended(self) -> bool:
        """Asked while nothing changes: has the execution stopped?

        A reader that learns how it ended (DescribeExecution's status) may keep that in an
        `ended_status` attribute: the tail waits a little for the history to show the end, and
        takes that status if it never does.
        """
        ...


class StandardHistoryReader:
    """New events of a Standard execution, read newest first from GetExecutionHistory."""

    #: Its histories have no gaps: one that stays is an error, not something to skip.
    complete = True

    def __init__(self, session: AwsSession, execution_arn: str) -> None:
        self.session = session
        self.execution_arn = execution_arn
        #: The status DescribeExecution gave once it said the execution had ended.
        self.ended_status: str | None = None

    async def read_new(self, last_id: int, expected: int) -> tuple[list[Event], int, int]:
        # The first page is sized for the events expected. AWS wants every page of one chain
        # asked for with the same arguments, maxResults included ("keep all other arguments
        # unchanged"), so when the first page shows a burst too big for pages of that size
        # (ids have no gaps, so its oldest id says how many new events are left), the read
        # starts one new chain with pages big enough, instead of paging on in small steps.
        page_size = MAX_PAGE if last_id == 0 else max(MIN_PAGE, min(MAX_PAGE, 2 * expected + 10))
        found: dict[int, Event] = {}
        calls = received = 0
        token: str | None = None
        seen_tokens: set[str] = set()
        resized = False
        while True:
            params: dict[str, Any] = {
                "executionArn": self.execution_arn,
                "reverseOrder": True,
                "maxResults": page_size,
            }
            if token:
                params["nextToken"] = token
            response = await self.session.call(
                "stepfunctions",
                "GetExecutionHistory",
                resource=self.execution_arn,
                expect="events",
                **params,
            )
            calls += 1
            page = page_events(response["events"])
            received += len(page)
            reached_seen = False
            for event in page:
                if event["id"] > last_id:
                    found[event["id"]] = event
                else:
                    reached_seen = True
            newest_first = len(page) < 2 or page[0]["id"] >= page[-1]["id"]
            previous, token = token, response.get("nextToken")
            if not token or (reached_seen and newest_first):
                break
            if token == previous or token in seen_tokens:
                raise endless_pages(
                    "GetExecutionHistory", self.execution_arn, calls, "the same page token"
                )
            if calls >= max_pages(page_size) + 1:
                raise endless_pages(
                    "GetExecutionHistory",
                    self.execution_arn,
                    calls,
                    "more pages than a history of 25,000 events can fill",
                )
            seen_tokens.add(token)
            left = page[-1]["id"] - last_id - 1 if page and newest_first else 0
            if not resized and calls == 1 and left > page_size and page_size < MAX_PAGE:
                resized = True
                page_size = min(MAX_PAGE, page[0]["id"] - last_id + MIN_PAGE)
                token = None
                seen_tokens.clear()
        return sorted(found.values(), key=_event_id), calls, received

    async def has_ended(self) -> bool:
        response = await self.session.call(
            "stepfunctions",
            "DescribeExecution",
            resource=self.execution_arn,
            executionArn=self.execution_arn,
        )
        status = response.get("status")
        if status in ("RUNNING", "PENDING_REDRIVE"):
            return False
        self.ended_status = status
        return True


class HistoryTail:
    """Follows one execution: `follow()` yields batches of new events until it ends."""

    def __init__(
        self,
        reader: HistoryReader,
        *,
        interval: PollInterval | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        throttles: Callable[[], int] | None = None,
        reconnect: Reconnector | None = None,
    ) -> None:
        self.reader = reader
        self.interval = interval or PollInterval()
        #: Tries a read again after a fault, saying so (see `sfntui.aws.reconnect`).
        self.reconnect = reconnect or Reconnector(sleep=sleep)
        self.events: list[Event] = []
        self.polls: list[PollStats] = []
        #: SUCCEEDED, FAILED, TIMED_OUT or ABORTED once the execution has ended, else None.
        self.status: str | None = None
        self._held: dict[int, Event] = {}
        self._held_polls = 0
        self._sleep = sleep
        self._throttles = throttles or (lambda: 0)

    @property
    def last_id(self) -> int:
        return self.events[-1]["id"] if self.events else 0

    @property
    def ended(self) -> bool:
        return self.status is not None

    async def poll(self, final: bool = False) -> list[Event]:
        """One read: the new events that can be handed on, in id order, without a gap."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        expected = max((poll.new for poll in self.polls[-3:]), default=0)
        fresh, calls, received = await self.reader.read_new(self.last_id, expected)
        for event in fresh:
            self._held.setdefault(event["id"], event)
        released = self._release(final)
        self.polls.append(PollStats(calls, received, len(released), loop.time() - started))
        return released

    def _release(self, everything: bool) -> list[Event]:
        released: list[Event] = []
        next_id = self.last_id + 1
        while next_id in self._held:
            released.append(self._held.pop(next_id))
            next_id += 1
        if self._held:
            self._held_polls += 1
            if getattr(self.reader, "complete", False):
                if self._held_polls > _GAP_PATIENCE:
                    raise IncompleteHistoryError(
                        f"The history has no event {next_id}, though it has event "
                        f"{min(self._held)}, after {self._held_polls} reads: it cannot be "
                        "followed without losing events; try again in a minute."
                    )
            elif everything or self._held_polls > _GAP_PATIENCE:
                released.extend(self._held.pop(key) for key in sorted(self._held))
        if not self._held:
            self._held_polls = 0
        self.events.extend(released)
        for event in released:
            status = TERMINAL_STATUS_OF_EVENT.get(event["type"])
            if status is not None:
                self.status = status
            elif event["type"] == "ExecutionRedriven":
                self.status = None
        return released

    async def follow(self) -> AsyncIterator[list[Event]]:
        """New events as they are written, batch by batch; returns once the execution ended."""
        idle_polls = 0
        run = self.reconnect.run
        while True:
            throttles_before = self._throttles()
            batch = await run(self.poll)
            if batch:
                idle_polls = 0
                yield batch
            else:
                idle_polls += 1
            ended = self.ended
            if not ended and idle_polls and idle_polls % 3 == 0:
                ended = await run(self.reader.has_ended)
            if ended:
                # One more read collects what was written last. DescribeExecution is eventually
                # consistent, and so may the history be: when the end was learnt from the former
                # and the history does not show it yet, read again a few times before taking
                # DescribeExecution's word for how it ended. Events held back for a gap are
                # read again until it fills (or the gap is reported).
                described = None if self.ended else getattr(self.reader, "ended_status", None)
                attempt = 0
                while attempt < (_FINAL_READS if described else 1) or self._held:
                    if attempt:
                        await self._sleep(self.interval.fastest)
                    attempt += 1
                    last = await run(lambda: self.poll(final=True))
                    if last:
                        yield last
                    if self.ended and not self._held:
                        break
                if self.status is None:
                    self.status = described or "ENDED"
                return
            throttled = self._throttles() > throttles_before
            await self._sleep(self.interval.next(bool(batch), throttled))


class ExecutionsWatch:
    """The newest executions of a state machine, refreshed with the same back-off as a tail.

    One ListExecutions page per refresh: the cost stays flat however many executions exist.
    """

    def __init__(
        self,
        list_page: Callable[[], Awaitable[Sequence[ExecutionSummary]]],
        *,
        interval: PollInterval | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        reconnect: Reconnector | None = None,
    ) -> None:
        self._list_page = list_page
        self.interval = interval or PollInterval(fastest=2.0, slowest=30.0)
        self.executions: list[ExecutionSummary] = []
        self._sleep = sleep
        self.reconnect = reconnect or Reconnector(sleep=sleep)

    async def refresh(self) -> bool:
        """Read the newest page again; True when something changed."""
        found = list(await self._list_page())
        changed = [(e.arn, e.status) for e in found] != [(e.arn, e.status) for e in self.executions]
        self.executions = found
        return changed

    async def follow(self) -> AsyncIterator[list[ExecutionSummary]]:
        """The list, each time it changes (the first time always); runs until cancelled."""
        first = True
        while True:
            changed = await self.reconnect.run(self.refresh)
            if changed or first:
                yield list(self.executions)
            first = False
            await self._sleep(self.interval.next(changed))


def _event_id(event: Event) -> int:
    return event["id"]
