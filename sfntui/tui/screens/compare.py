"""Compare two runs: pick two executions of a machine (two local runs, or a local run and an
AWS execution of the machine of the same name) and see where their paths part and, step by
step, how their data differs. The comparison itself is `sfntui.history.compare`; this screen
only lists, loads (in a worker) and shows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Select

from sfntui.backends import Backend, BackendError
from sfntui.history.compare import MISSING, RunComparison, compare_runs

#: Executions listed per backend to choose from.
LISTED = 50


def _shown(value: Any) -> str:
    if value is MISSING:
        return "—"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _visible(text: str) -> str:
    """Outside text with control characters made visible."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class CompareScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="compare.close")]

    def __init__(
        self, backends: Sequence[Backend], machine_name: str, first_arn: str | None = None
    ) -> None:
        super().__init__()
        self.backends = list(backends)
        self.machine_name = machine_name
        self.first_arn = first_arn
        #: Select value -> (backend, execution ARN).
        self.choices: dict[str, tuple[Backend, str]] = {}
        self.comparison: RunComparison | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="compare"):
            yield Label(f"Compare two runs of [b]{escape(self.machine_name)}[/b]")
            with Horizontal(id="compare-pickers"):
                yield Select[str]([], prompt="first run", id="compare-left")
                yield Select[str]([], prompt="second run", id="compare-right")
            yield Label("", id="compare-summary")
            yield DataTable(id="compare-steps", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#compare").border_title = "Compare runs"
        table = self.query_one("#compare-steps", DataTable)
        table.add_columns("step", "first run", "second run", "what differs")
        self.list_runs()

    @work(exclusive=True, group="compare-list", exit_on_error=False)
    async def list_runs(self) -> None:
        options: list[tuple[str, str]] = []
        for group, backend in enumerate(self.backends):
            try:
                machines = await backend.list_state_machines()
                for machine in machines:
                    if machine.name != self.machine_name:
                        continue
                    for run in await backend.list_executions(machine.arn, limit=LISTED):
                        key = f"{group}:{run.arn}"
                        self.choices[key] = (backend, run.arn)
                        label = f"{backend.label.split(':')[0]} · {run.name} · {run.status}"
                        options.append((_visible(label), key))
            except BackendError as error:
                self.notify(error.message, title=backend.label, severity="error", markup=False)
        left = self.query_one("#compare-left", Select)
        right = self.query_one("#compare-right", Select)
        left.set_options(options)
        right.set_options(options)
        keys = [key for _, key in options]
        first = next((k for k in keys if k.endswith(f":{self.first_arn}")), None)
        first = first or (keys[0] if keys else None)
        second = next((k for k in keys if k != first), None)
        if first is not None:
            left.value = first
        if second is not None:
            right.value = second
        if len(keys) < 2:
            self.query_one("#compare-summary", Label).update(
                "Two runs are needed to compare: start another one."
            )

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        left = self.query_one("#compare-left", Select).value
        right = self.query_one("#compare-right", Select).value
        if isinstance(left, str) and isinstance(right, str):
            self.compare(left, right)

    @work(exclusive=True, group="compare", exit_on_error=False)
    async def compare(self, left_key: str, right_key: str) -> None:
        (left_backend, left_arn), (right_backend, right_arn) = (
            self.choices[left_key],
            self.choices[right_key],
        )
        try:
            left_events = await left_backend.get_history(left_arn)
            right_events = await right_backend.get_history(right_arn)
        except BackendError as error:
            self.notify(error.message, title="Cannot compare", severity="error", markup=False)
            return
        self.show(compare_runs(left_events, right_events))

    def show(self, comparison: RunComparison) -> None:
        self.comparison = comparison
        self.query_one("#compare-summary", Label).update(escape(comparison.summary()))
        table = self.query_one("#compare-steps", DataTable)
        table.clear()
        for step in comparison.steps:
            left = step.left.name if step.left is not None else "—"
            right = step.right.name if step.right is not None else "—"
            if step.left is not None:
                left += f" ({step.left.status})"
            if step.right is not None:
                right += f" ({step.right.status})"
            if not step.same_state:
                what = "another state" if step.left and step.right else "one run has ended"
            else:
                changes = [("input", c) for c in step.input_changes] + [
                    ("output", c) for c in step.output_changes
                ]
                what = "; ".join(
                    f"{kind} {change.path}: {_shown(change.left)} → {_shown(change.right)}"
                    for kind, change in changes[:3]
                )
                if len(changes) > 3:
                    what += f"; {len(changes) - 3} more"
                if not changes and not step.same_status:
                    what = "ended differently"
            marker = "≠ " if not step.identical else "  "
            table.add_row(
                f"{marker}{step.index + 1}", _visible(left), _visible(right), _visible(what)
            )

    def action_close(self) -> None:
        self.dismiss(None)
