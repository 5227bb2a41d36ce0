"""A distributed Map's runs: each Map Run with its item counts by status, and the child
executions of the chosen one, the failed ones first.

A distributed Map runs its iterations as child executions grouped in a Map Run; when one of a
thousand items fails, the person needs the few that failed, not the thousand. Choosing a child
posts `ChildPicked` to the main screen, which opens it like any execution (on its failing
state when it failed). Reached with `M` on an execution whose backend has `map_runs`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sfntui.backends import Backend, ExecutionSummary
from sfntui.history.listing_progress import watching
from sfntui.history.records import MapRunDescription
from sfntui.tui.status_marks import status_label
from sfntui.tui.widgets.load_progress import LoadProgress

#: Item count columns, in the order DescribeMapRun's itemCounts are shown.
COUNT_COLUMNS = ("total", "succeeded", "failed", "timedOut", "aborted", "running", "pending")
#: Children with these statuses come first.
FAILED_FIRST = ("FAILED", "TIMED_OUT", "ABORTED")
#: How many children of a Map Run are listed.
CHILDREN_LIMIT = 1000


def failed_first(children: list[ExecutionSummary]) -> list[ExecutionSummary]:
    """Failed, timed-out and aborted children first, each group in the order listed."""
    return sorted(children, key=lambda child: child.status not in FAILED_FIRST)


class MapRunsScreen(Screen[None]):
    """The Map Runs of one execution, and the children of the one chosen."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="map_runs.back")]

    @dataclass
    class ChildPicked(Message):
        """The person chose a child execution: open it."""

        execution: ExecutionSummary
        backend: Backend

    @dataclass
    class RunsListed(Message):
        runs: list[MapRunDescription]

    @dataclass
    class ChildrenListed(Message):
        map_run_arn: str
        children: list[ExecutionSummary]

    def __init__(self, backend: Backend, execution_arn: str, execution_name: str) -> None:
        super().__init__()
        self.backend = backend
        self.execution_arn = execution_arn
        self.execution_name = execution_name
        self.runs: list[MapRunDescription] | None = None
        self.child_executions: list[ExecutionSummary] | None = None
        self.children_of: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Listing the Map Runs…", id="map-runs-note")
        yield LoadProgress(id="map-runs-progress")
        yield DataTable(id="map-runs", cursor_type="row")
        yield DataTable(id="map-run-children", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Map Runs of {self.execution_name}"
        runs = self.query_one("#map-runs", DataTable)
        runs.add_columns("Map Run", "Status", *COUNT_COLUMNS, "Started")
        children = self.query_one("#map-run-children", DataTable)
        children.add_columns("Status", "Child execution", "Started", "Stopped")
        runs.focus()
        self.list_runs()

    @property
    def progress(self) -> LoadProgress:
        return self.query_one(LoadProgress)

    @work(exclusive=True, group="map-runs", exit_on_error=False)
    async def list_runs(self) -> None:
        self.progress.start("Listing the Map Runs")
        try:
            with watching(self.progress.add):
                summaries = await self.backend.list_map_runs(self.execution_arn)
            runs = await asyncio.gather(*(self.backend.describe_map_run(s.arn) for s in summaries))
        finally:
            self.progress.done()
        self.post_message(self.RunsListed(list(runs)))

    def on_map_runs_screen_runs_listed(self, message: RunsListed) -> None:
        self.runs = message.runs
        table = self.query_one("#map-runs", DataTable)
        table.clear()
        for index, run in enumerate(message.runs):
            counts = [str(run.item_counts.get(column, 0)) for column in COUNT_COLUMNS]
            started = run.started.strftime("%Y-%m-%d %H:%M:%S") if run.started else ""
            label = Text(run.arn.rsplit(":", 2)[-2] if run.arn.count(":") > 2 else run.arn)
            table.add_row(label, status_label(run.status), *counts, started, key=str(index))
        note = self.query_one("#map-runs-note", Static)
        if message.runs:
            note.update(f"{len(message.runs)} Map Run(s); Enter lists a run's child executions.")
            self.list_children(message.runs[0].arn)
        else:
            note.update("This execution has no Map Runs (no distributed Map ran).")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is None:
            return
        index = int(event.row_key.value)
        if event.data_table.id == "map-runs" and self.runs is not None:
            self.list_children(self.runs[index].arn)
        elif event.data_table.id == "map-run-children" and self.child_executions is not None:
            child = self.child_executions[index]
            main = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
            self.dismiss()
            if main is not None:
                main.post_message(self.ChildPicked(child, self.backend))

    @work(exclusive=True, group="map-run-children", exit_on_error=False)
    async def list_children(self, map_run_arn: str) -> None:
        self.progress.start("Listing child executions")
        try:
            with watching(self.progress.add):
                children = await self.backend.list_map_run_executions(
                    map_run_arn, limit=CHILDREN_LIMIT
                )
        finally:
            self.progress.done()
        self.post_message(self.ChildrenListed(map_run_arn, failed_first(children)))

    def on_map_runs_screen_children_listed(self, message: ChildrenListed) -> None:
        self.child_executions = message.children
        self.children_of = message.map_run_arn
        table = self.query_one("#map-run-children", DataTable)
        table.clear()
        for index, child in enumerate(message.children):
            table.add_row(
                status_label(child.status),
                Text(child.name),
                child.started.strftime("%Y-%m-%d %H:%M:%S") if child.started else "",
                child.stopped.strftime("%Y-%m-%d %H:%M:%S") if child.stopped else "",
                key=str(index),
            )
