"""One line of progress while something arrives page by page: "Loading events… 1,234 so far"
beside a bar. AWS never says how many there are to come, so the bar shows activity, not a
share. Hidden until `start`, and again after `done`.

The execution view shows it while a history is read; the Map Runs screen, the overview and
the main screen (a machine's executions for the sidebar) while their listings are (told page by
page through `sfntui.history.listing_progress`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ProgressBar


class LoadCount(Widget):
    """What is loading and how many have come so far (redrawn without a new layout)."""

    DEFAULT_CSS = """
    LoadCount { width: 42; padding: 0 2 0 0; color: $text-muted; }
    """

    count: reactive[int] = reactive(0, layout=False)
    what: reactive[str] = reactive("Loading", layout=False)

    def render(self) -> str:
        return f"{self.what}… {self.count:,} so far" if self.count else f"{self.what}…"


class LoadProgress(Horizontal):
    DEFAULT_CSS = """
    LoadProgress { height: 1; display: none; padding: 0 1; background: $boost; }
    LoadProgress > ProgressBar { width: 1fr; }
    LoadProgress Bar { width: 1fr; }
    """

    #: How many loads were started: the latest one owns the bar (see `start`).
    _started = 0

    def compose(self) -> ComposeResult:
        yield LoadCount()
        yield ProgressBar(total=None, show_eta=False, show_percentage=False)

    @property
    def count(self) -> int:
        return self.query_one(LoadCount).count

    def start(self, what: str) -> int:
        """Show it: `what` is loading ("Listing child executions"), none come yet.

        Returns a ticket: a load that may be overtaken by another (a worker cancelled as the
        next starts) passes it to `owns` and `done`, so it neither counts into nor hides the
        bar of the one after it."""
        label = self.query_one(LoadCount)
        label.what, label.count = what, 0
        self.display = True
        self._started += 1
        return self._started

    def owns(self, ticket: int) -> bool:
        """The load given `ticket` is still the one shown."""
        return ticket == self._started

    def counting(self, ticket: int) -> Callable[[int], None]:
        """`add`, for as long as the load given `ticket` is the one shown (a page watcher)."""

        def add(count: int) -> None:
            if self.owns(ticket):
                self.add(count)

        return add

    def show_count(self, count: int) -> None:
        """So many have come so far (shown, if it was not)."""
        self.query_one(LoadCount).count = count
        self.query_one(ProgressBar).advance(0)
        if not self.display:
            self.display = True

    def add(self, count: int) -> None:
        """So many more have come (a page)."""
        self.show_count(self.count + count)

    def done(self, ticket: int | None = None) -> None:
        """Hide it (unless `ticket` is given and another load has started since)."""
        if ticket is not None and not self.owns(ticket):
            return
        if self.display:
            self.display = False
