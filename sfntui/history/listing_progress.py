"""How far a listing read page by page has got, told to whoever watches (the app's bar).

A listing (executions, Map Runs, a whole history) reads page after page and never knows how
many items are to come, only how many each page held: `page_read(count)` tells the watcher of
the running task, set with `watching(report)` around the call to a backend. A context
variable, so that no backend method takes an extra argument, tasks gathered under the call
report too, and a listing nobody watches costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

#: Told the number of items of each page read.
PageReport = Callable[[int], Any]

_watcher: ContextVar[PageReport | None] = ContextVar("sfntui_listing_watcher", default=None)


@contextmanager
def watching(report: PageReport) -> Iterator[None]:
    """`report` is told of every page the listings in this block (this task's) read."""
    token = _watcher.set(report)
    try:
        yield
    finally:
        _watcher.reset(token)


def page_read(count: int) -> None:
    """A page of `count` items was read (by whatever listing runs in this task)."""
    report = _watcher.get()
    if report is not None:
        report(count)
