"""The overview: what went wrong across every machine of every backend, in a chosen window.

At 3 a.m. the question is not "what did this machine do" but "what is failing": this screen
lists the executions that failed, timed out or were aborted in the last hour (6 h, 24 h or 7 d
at a key), newest first, counts them per machine, and draws a small chart of executions per
status over the window. Choosing one closes the screen and posts `ExecutionPicked` to the
main screen, which opens that execution on its failing state with its error shown.

What is counted is a pure function (`summarise`) of the listed executions and the window, so
it is tested without a screen.

Each machine's executions are read page by page back to the longest window (7 d), not just its
newest page, up to `EXECUTIONS_PER_MACHINE`. When a backend cannot be reached, the screen keeps
what it listed before, says "reconnecting in 4 s, last update 12 s ago: ..." as the execution
view does, and tries again with capped, jittered back-off until it answers.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sfntui.backends import Backend, BackendError, ExecutionSummary
from sfntui.history.listing_progress import watching
from sfntui.tui.status_marks import status_label, status_style
from sfntui.tui.widgets.load_progress import LoadProgress

#: The statuses the overview lists: what an on-call engineer must look at.
PROBLEM_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
#: The rows of the chart, in this order.
CHART_STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
#: (key, label, length) of each window the person can choose.
WINDOWS: tuple[tuple[str, str, timedelta], ...] = (
    ("1", "1h", timedelta(hours=1)),
    ("2", "6h", timedelta(hours=6)),
    ("3", "24h", timedelta(hours=24)),
    ("4", "7d", timedelta(days=7)),
)
#: The most executions read of one machine (its newest): back to the longest window, or this.
EXECUTIONS_PER_MACHINE = 10_000
#: Executions asked for at first; twice as many again while the oldest read is in the window.
FIRST_READ = 1000
#: Seconds before the first try again after a failed listing, and the most between tries.
RETRY_FIRST = 2.0
RETRY_MOST = 30.0
#: Columns of the chart.
CHART_BUCKETS = 48
_BARS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Listed:
    """An execution as the overview lists it: with its machine's name and its backend."""

    execution: ExecutionSummary
    machine_name: str
    backend: Backend = field(compare=False)


@dataclass
class Summary:
    """What the overview shows for one window."""

    start: datetime
    end: datetime
    #: Failed, timed out and aborted executions in the window, newest first.
    problems: list[Listed]
    #: Per machine name, how many problems it had.
    per_machine: Counter[str]
    #: Per status, the executions started in each of `CHART_BUCKETS` slices of the window.
    buckets: dict[str, list[int]]


def summarise(listed: Sequence[Listed], end: datetime, length: timedelta) -> Summary:
    """The problems in the window ending at `end`, and every execution's start, bucketed."""
    start = end - length
    slice_length = length / CHART_BUCKETS
    buckets = {status: [0] * CHART_BUCKETS for status in CHART_STATUSES}
    problems: list[Listed] = []
    for item in listed:
        started = item.execution.started
        if started is None or not start <= started <= end:
            continue
        status = item.execution.status
        if status in buckets:
            index = min(int((started - start) / slice_length), CHART_BUCKETS - 1)
            buckets[status][index] += 1
        if status in PROBLEM_STATUSES:
            problems.append(item)
    problems.sort(key=lambda item: item.execution.started or start, reverse=True)
    per_machine = Counter(item.machine_name for item in problems)
    return Summary(start, end, problems, per_machine, buckets)


def sparkline(counts: Sequence[int], highest: int) -> str:
    """One bar a slice, scaled to `highest` (a slice with any execution shows at least ▁)."""
    if highest <= 0:
        return " " * len(counts)
    top = len(_BARS) - 1
    return "".join(
        _BARS[0 if n == 0 else max(1, round(n * top / highest))] for n in counts
    )


def chart(summary: Summary) -> Text:
    """A sparkline per status over the window, with the total at the end of each row."""
    highest = max((max(row) for row in summary.buckets.values()), default=0)
    text = Text()
    for status in CHART_STATUSES:
        row = summary.buckets[status]
        text.append(f"{status:<10} ", style=status_style(status))
        text.append(sparkline(row, highest), style=status_style(status))
        text.append(f" {sum(row)}\n")
    text.append(f"{'':<10} {summary.start:%Y-%m-%d %H:%M}", style="dim")
    text.append(f"  →  {summary.end:%Y-%m-%d %H:%M} UTC", style="dim")
    return text


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OverviewScreen(Screen[None]):
    """Failed, timed-out and aborted executions across every machine, in a window."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="overview.back"),
        *(
            Binding(key, f"window({index})", f"Last {label}", id=f"overview.window_{label}")
            for index, (key, label, _length) in enumerate(WINDOWS)
        ),
        Binding("R", "reload", "Reload", tooltip="List the executions again", id="overview.reload"),
    ]

    @dataclass
    class ExecutionPicked(Message):
        """The person chose an execution: open it on its failing state."""

        execution: ExecutionSummary
        backend: Backend

    @dataclass
    class Listing(Message):
        #: Per backend (by its index), what it listed, or None when it could not be reached.
        found: list[list[Listed] | None]
        problems: list[str]

    def __init__(
        self,
        backends: Sequence[Backend],
        *,
        now: Callable[[], datetime] = _utc_now,
        retry_first: float = RETRY_FIRST,
    ) -> None:
        super().__init__()
        self.backends = list(backends)
        self.now = now
        self.window = 0
        self.listed: list[Listed] | None = None
        self.summary: Summary | None = None
        #: Per backend, what it listed last time it answered (kept while it does not).
        self._found: list[list[Listed]] = [[] for _ in self.backends]
        #: When a listing last came back whole (time.monotonic), and the failed tries since.
        self._updated_at: float | None = None
        self._failed_tries = 0
        self._retry_first = retry_first
        self._retry_at = 0.0
        #: Why the last listing failed, while it is tried again.
        self.trouble: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="overview-trouble")
        yield Static("Listing the executions of every state machine…", id="overview-chart")
        yield Static("", id="overview-machines")
        yield DataTable(id="overview-problems", cursor_type="row", zebra_stripes=True)
        yield LoadProgress(id="overview-progress")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Overview"
        table = self.query_one(DataTable)
        table.add_columns("Started (UTC)", "Status", "State machine", "Execution", "Where")
        self.query_one("#overview-chart").border_title = "Executions per status"
        self.query_one("#overview-machines").border_title = "Problems per state machine"
        table.border_title = "Failed, timed out, aborted"
        table.focus()
        self.query_one("#overview-trouble").display = False
        self.set_interval(1.0, self._tick)
        self.list_everything()

    def _tick(self) -> None:
        if self.trouble is not None:
            self.show_trouble()  # the seconds count on

    @work(exclusive=True, group="overview", exit_on_error=False)
    async def list_everything(self) -> None:
        progress = self.query_one(LoadProgress)
        progress.start("Listing executions")
        try:
            results = await asyncio.gather(*(self._list_backend(b) for b in self.backends))
        finally:
            progress.done()
        found = [listed for listed, _problem in results]
        problems = [problem for _listed, problem in results if problem]
        self.post_message(self.Listing(found, problems))

    async def _list_backend(self, backend: Backend) -> tuple[list[Listed] | None, str | None]:
        oldest = self.now() - max(length for _key, _label, length in WINDOWS)
        try:
            machines = await backend.list_state_machines()
            with watching(self.query_one(LoadProgress).add):  # (every listing's pages)
                per_machine = await asyncio.gather(
                    *(self._list_machine(backend, machine.arn, oldest) for machine in machines)
                )
        except BackendError as error:
            return None, f"{backend.label}: {error.message}"
        return [
            Listed(execution, machine.name, backend)
            for machine, executions in zip(machines, per_machine, strict=True)
            for execution in executions
        ], None

    @staticmethod
    async def _list_machine(
        backend: Backend, machine_arn: str, oldest: datetime
    ) -> list[ExecutionSummary]:
        """A machine's executions, newest first, back to `oldest` (or as many as allowed):
        twice as many each read while the oldest one read still started after `oldest`."""
        limit = FIRST_READ
        while True:
            executions = await backend.list_executions(machine_arn, limit=limit)
            last = executions[-1].started if executions else None
            if (
                len(executions) < limit
                or limit >= EXECUTIONS_PER_MACHINE
                or last is None
                or last < oldest
            ):
                return executions
            limit = min(limit * 2, EXECUTIONS_PER_MACHINE)

    def on_overview_screen_listing(self, message: Listing) -> None:
        for index, listed in enumerate(message.found):
            if listed is not None:
                self._found[index] = listed  # (a backend that failed keeps what it had)
        answered = any(listed is not None for listed in message.found)
        if answered or self.listed is not None:
            self.listed = [item for listed in self._found for item in listed]
        if message.problems:
            if self._failed_tries == 0:  # said once; the line above says the rest
                for problem in message.problems:
                    self.notify(problem, severity="error", timeout=8, markup=False)
            self._failed_tries += 1
            delay = min(RETRY_MOST, self._retry_first * 2 ** (self._failed_tries - 1))
            delay *= random.uniform(0.8, 1.2)  # jittered: many screens do not retry at once
            self._retry_at = time.monotonic() + delay
            self.trouble = "; ".join(message.problems)
            self.set_timer(delay, self.list_everything)
        else:
            self._failed_tries = 0
            self._updated_at = time.monotonic()
            self.trouble = None
        self.show_trouble()
        if self.listed is None:
            chart = self.query_one("#overview-chart", Static)
            chart.update("Could not list the executions yet (see above); trying again.")
        self.show()

    def show_trouble(self) -> None:
        """ "⚠ reconnecting in 4 s, last update 12 s ago: ..." while listings fail; else nothing."""
        line = self.query_one("#overview-trouble", Static)
        line.display = self.trouble is not None
        if self.trouble is None:
            return
        now = time.monotonic()
        retry_in = max(0.0, self._retry_at - now)
        text = Text("⚠ ", style="bold yellow")
        text.append(f"reconnecting in {retry_in:.0f} s, last update ", style="bold yellow")
        if self._updated_at is None:
            text.append("never", style="bold yellow")
        else:
            text.append(f"{now - self._updated_at:.0f} s ago", style="bold yellow")
        text.append(f": {self.trouble}")
        line.update(text)

    def show(self) -> None:
        if self.listed is None:
            return
        key, label, length = WINDOWS[self.window]
        summary = self.summary = summarise(self.listed, self.now(), length)
        self.query_one("#overview-chart", Static).update(chart(summary))
        self.query_one("#overview-chart").border_title = f"Executions per status · last {label}"
        machines = Text()
        for name, count in summary.per_machine.most_common():
            machines.append(f"{count:>5}  ", style="bold")
            machines.append(f"{name}\n")
        if not summary.per_machine:
            machines.append(f"Nothing failed, timed out or was aborted in the last {label}.")
        self.query_one("#overview-machines", Static).update(machines)
        table = self.query_one(DataTable)
        table.clear()
        for index, item in enumerate(summary.problems):
            execution = item.execution
            started = execution.started.strftime("%Y-%m-%d %H:%M:%S") if execution.started else ""
            table.add_row(
                started,
                status_label(execution.status),
                Text(item.machine_name),
                Text(execution.name),
                Text(item.backend.label, style="dim"),
                key=str(index),
            )
        table.border_title = f"Failed, timed out, aborted · {len(summary.problems)} in {label}"

    def action_window(self, index: int) -> None:
        self.window = index
        self.show()

    def action_reload(self) -> None:
        self.list_everything()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.summary is None or event.row_key.value is None:
            return
        item = self.summary.problems[int(event.row_key.value)]
        main = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        self.dismiss()
        if main is not None:
            main.post_message(self.ExecutionPicked(item.execution, item.backend))
