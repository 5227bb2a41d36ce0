"""Reading an execution's whole history, and knowing it is whole.

A history is whole when its event ids run 1..N with no gap and no repeat. The pages of
`GetExecutionHistory` are read oldest first and each is checked to carry on from the one
before; a page that does not (a gap, a repeat, something that is not an event) is asked for
again with the same token, and should that not help, the whole chain is read once more from
the start (the page before may have been the short one). If it never comes right the read
fails with `IncompleteHistoryError`: a shorter history is never handed on as if it were the
whole one. A page chain that does not end (the same token again, or more pages than AWS's
25,000-event quota allows) fails too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sfntui.aws.backoff import pause
from sfntui.aws.connection import AwsSession
from sfntui.aws.errors import AwsError, IncompleteHistoryError, TransientError
from sfntui.history.events import Event
from sfntui.history.listing_progress import page_read

#: AWS's hard quota: "Maximum execution history size: 25,000 events".
MAX_HISTORY_EVENTS = 25_000
#: Pages with no events that a chain may hold (AWS may answer one now and then) beyond those
#: the events need.
_SPARE_PAGES = 10


def max_pages(page_size: int) -> int:
    """The most pages a history chain of pages of `page_size` events can need."""
    return -(-MAX_HISTORY_EVENTS // max(1, page_size)) + _SPARE_PAGES


def page_events(page: Any, operation: str = "GetExecutionHistory") -> list[Event]:
    """The events of one page, checked to be events (a dict with a whole-number id and a type).

    A page that is not is a garbled answer: `TransientError`, which callers try again.
    """
    if not isinstance(page, list) or not all(_is_event(event) for event in page):
        raise TransientError(
            f"The answer to {operation} held something that is not a history event.",
            reason="an answer that did not parse",
        )
    return page


def _is_event(event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    event_id = event.get("id")
    return (
        isinstance(event_id, int)
        and not isinstance(event_id, bool)
        and event_id >= 1
        and isinstance(event.get("type"), str)
    )


def continuation_problem(events: Sequence[Event], page: Sequence[Event]) -> str | None:
    """Why `page` does not carry on `events` (ids 1..N, oldest first), or None if it does."""
    expected = len(events) + 1
    for event in page:
        found = event["id"]
        if found == expected:
            expected += 1
            continue
        if found < expected:
            return f"event {found} came twice"
        if expected == 1:
            return f"it started at event {found}, not 1"
        if found == expected + 1:
            return f"event {expected} was missing"
        return f"events {expected} to {found - 1} were missing"
    return None


async def history_pages(
    session: AwsSession, execution_arn: str, *, page_size: int = 1000
) -> AsyncIterator[tuple[list[Event], bool]]:
    """(a page of a Standard execution's history, oldest first; whether more pages follow),
    page by page, each checked to carry on from the one before (ids 1..N).

    A wrong page is asked for again with the same token; one that stays wrong is an
    `IncompleteHistoryError`, a chain that does not end an `AwsError`.
    """
    events: list[Event] = []
    token: str | None = None
    seen_tokens: set[str] = set()
    pages = tries = 0
    limit = max_pages(page_size)
    attempts = max(1, session.options.max_attempts)
    while True:
        params: dict[str, Any] = {"executionArn": execution_arn, "maxResults": page_size}
        if token:
            params["nextToken"] = token
        response = await session.call(
            "stepfunctions",
            "GetExecutionHistory",
            resource=execution_arn,
            expect="events",
            **params,
        )
        problem: str | None
        try:
            page = page_events(response["events"])
        except TransientError:
            page, problem = [], "it held something that is not a history event"
        else:
            problem = continuation_problem(events, page)
        if problem:
            tries += 1
            if tries >= attempts:
                raise IncompleteHistoryError(
                    f"The history of {execution_arn} could not be read whole: on page "
                    f"{pages + 1}, {problem}, on each of {tries} tries; try again in a minute."
                )
            await asyncio.sleep(pause(session.options.retry_delay, tries))
            continue
        tries = 0
        events.extend(page)
        pages += 1
        next_token = response.get("nextToken")
        yield page, bool(next_token)
        if not next_token:
            return
        if next_token in seen_tokens or next_token == token:
            raise endless_pages("GetExecutionHistory", execution_arn, pages, "the same page token")
        if pages >= limit or len(events) > MAX_HISTORY_EVENTS:
            raise endless_pages(
                "GetExecutionHistory",
                execution_arn,
                pages,
                f"more pages than a history of {MAX_HISTORY_EVENTS:,} events can fill",
            )
        seen_tokens.add(next_token)
        token = next_token


async def read_whole_history(
    session: AwsSession, execution_arn: str, *, page_size: int = 1000
) -> list[Event]:
    """Every event of a Standard execution's history, ids 1..N, or an `AwsError` saying why not.

    Each page read is told to the task's watcher (`sfntui.history.listing_progress`).

    A page that stays wrong after others were read has the chain read once more from the start
    (the page before may have been the short one)."""
    restarted = False
    while True:
        events: list[Event] = []
        try:
            async for page, _ in history_pages(session, execution_arn, page_size=page_size):
                events.extend(page)
                page_read(len(page))
        except IncompleteHistoryError:
            if restarted or not events:
                raise
            restarted = True
            continue
        return events


def endless_pages(operation: str, resource: str | None, pages: int, how: str) -> AwsError:
    """The error of a page chain that would never end."""
    of = f" of {resource}" if resource else ""
    return AwsError(
        f"The pages of {operation}{of} never end: the endpoint answered {how} "
        f"(stopped after {pages} pages)."
    )
