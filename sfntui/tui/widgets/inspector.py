"""The state inspector: one run of the chosen state (or the execution itself) as JSON to
read whole, fold, search and copy (a `JsonView`): input, task result, output, error and
cause, narrowed by a JSONPath typed in its box. The path of the value under the cursor is
shown under the JSON, and `f` there makes it the filter.

A state that ran more than once (a retry loop, a Map's iterations) shows one run at a time;
`step_run` moves between them. A path that does not compile shows its error under the box,
and the JSON is shown whole until the path is fixed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.widgets import Input, Static

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.paths import JsonPath, compile_path
from sfntui.asl.visible_text import visible, visible_json
from sfntui.history.projection import Projection
from sfntui.history.runs import StateRun
from sfntui.tui.json_lines import JsonLines, Section
from sfntui.tui.status_marks import status_label, status_style, status_symbol
from sfntui.tui.widgets.json_view import JsonView

__all__ = ["Inspector", "Section", "cause_value", "render_sections"]


def json_text(value: Any) -> str:
    return visible_json(value, indent=2)


def cause_value(cause: str) -> tuple[Any, bool]:
    """A cause is often a JSON object in a string (a Lambda error): show it as JSON then."""
    stripped = cause.strip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped), True
        except ValueError:
            pass
    return cause, False


def duration_label(run: StateRun) -> str:
    if run.ended is None:
        return "running"
    return f"{(run.ended - run.started).total_seconds():.3f}s"


def run_sections(run: StateRun) -> list[Section]:
    sections = [Section("Input", run.input)]
    if run.state_type == "Task" and run.result_event is not None:
        sections.append(Section("Task result", run.result))
    if run.exited_event is not None:
        sections.append(Section("Output", run.output))
    elif run.is_open:
        sections.append(Section("Output", note="not yet: the state is still running"))
    failures = run.failures[:-1] if run.error is not None else run.failures
    for number, failure in enumerate(failures, 1):
        said = failure.error or "an error the history does not name"
        if failure.cause:
            said += f": {failure.cause}"
        sections.append(Section(f"Attempt {number} failed", said, is_json=False))
    sections.extend(_error_sections(run.error, run.cause))
    return sections


def execution_sections(projection: Projection) -> list[Section]:
    sections = [Section("Execution input", projection.input)]
    if projection.output_text is not None:
        sections.append(Section("Execution output", projection.output))
    sections.extend(_error_sections(projection.error, projection.cause))
    return sections


def _error_sections(error: str | None, cause: str | None) -> list[Section]:
    sections = []
    if error is not None:
        sections.append(Section("Error", error, is_json=False))
    if cause:
        value, is_json = cause_value(cause)
        sections.append(Section("Cause", value, is_json=is_json))
    return sections


def render_sections(sections: Sequence[Section], path: JsonPath | None) -> str:
    """The sections as the inspector shows them, unfolded, as plain text."""
    lines = JsonLines()
    lines.load(sections, path)
    return lines.plain()


class Inspector(Vertical):
    """Shows `state`'s run number `run_index` (the latest when None); the execution when no
    state is chosen."""

    BINDINGS = [
        Binding("escape", "leave_filter", "Leave the filter", show=False, id="inspector.leave"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.projection: Projection | None = None
        self.state: str | None = None
        self.run_index: int | None = None
        self.path: JsonPath | None = None
        self.path_error: str | None = None
        self._heading: Content | None = None
        self._shown: tuple[list[Section] | None, JsonPath | None, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="inspector-heading")
        yield Input(placeholder="JSONPath filter, e.g. $.order.id", id="jsonpath")
        yield Static(id="jsonpath-error")
        yield JsonView(name_hint="inspector", id="inspector-body")
        yield Static(id="inspector-path")

    def on_mount(self) -> None:
        self.show()

    # -- what to show --------------------------------------------------------------------

    @property
    def runs(self) -> Sequence[StateRun]:
        if self.projection is None or self.state is None:
            return ()
        return self.projection.runs_of(self.state)

    @property
    def run(self) -> StateRun | None:
        runs = self.runs
        if not runs:
            return None
        index = self.run_index if self.run_index is not None else len(runs) - 1
        return runs[min(index, len(runs) - 1)]

    def show(
        self,
        projection: Projection | None = None,
        state: str | None = None,
        run: StateRun | None = None,
    ) -> None:
        """Show a state's run (its latest without `run`), or the execution with no state."""
        self.projection = projection
        self.state = state
        self.run_index = None
        if run is not None and projection is not None:
            runs = projection.runs_of(run.name)
            self.run_index = next((i for i, r in enumerate(runs) if r is run), None)
        self.refresh_data()

    def step_run(self, direction: int) -> None:
        runs = self.runs
        if len(runs) < 2:
            return
        index = self.run_index if self.run_index is not None else len(runs) - 1
        self.run_index = max(0, min(len(runs) - 1, index + direction))
        self.refresh_data()

    # -- the filter ----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "jsonpath":
            return
        event.stop()
        self.set_filter(event.value)

    def set_filter(self, text: str) -> None:
        text = text.strip()
        self.path, self.path_error = None, None
        if text:
            try:
                self.path = compile_path(text)
            except ExpressionSyntaxError as error:
                self.path_error = error.message
        box = self.query_one("#jsonpath", Input)
        box.set_class(self.path_error is not None, "-invalid")
        message = self.query_one("#jsonpath-error", Static)
        message.update(self.path_error or "")
        message.display = self.path_error is not None
        self.refresh_data()

    def on_json_view_filter_requested(self, message: JsonView.FilterRequested) -> None:
        message.stop()
        box = self.query_one("#jsonpath", Input)
        box.value = message.path  # (Input.Changed sets the filter)

    def on_json_view_cursor_moved(self, message: JsonView.CursorMoved) -> None:
        message.stop()
        self.query_one("#inspector-path", Static).update(
            Content.styled(message.path, "dim") if message.path else "",
            layout=False,  # one line high, always (app.tcss): no layout of the screen
        )

    def action_leave_filter(self) -> None:
        if self.query_one("#jsonpath", Input).has_focus:
            self.screen.focus_previous()

    # -- rendering -----------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Render again from the projection (called when new events arrive)."""
        if not self.is_mounted:
            return
        heading, sections = self._contents()
        if heading != self._heading:
            self._heading = heading
            line = self.query_one("#inspector-heading", Static)
            # The screen is laid out again only when the heading takes more or fewer lines:
            # a layout repaints every pane, a heading of the same height only itself.
            width, height = line.content_size
            rules = cast(RulesMap, line.styles)  # (read as a mapping, as Textual's docs say)
            same = width > 0 and heading.get_height(rules, width) == height
            line.update(heading, layout=not same)
        note = self._empty_note() if sections is None else ""
        shown = (sections, self.path, note)
        if shown == self._shown:
            return  # the same document (a refresh while events stream in): folds stay
        self._shown = shown
        body = self.body
        if sections is None:
            body.show_sections([Section("", note=note)])
        else:
            body.show_sections(sections, self.path)

    @property
    def body(self) -> JsonView:
        return self.query_one("#inspector-body", JsonView)

    @property
    def body_text(self) -> str:
        """What the body shows, as text."""
        return self.body.plain if self.is_mounted else ""

    def _contents(self) -> tuple[Content, list[Section] | None]:
        projection = self.projection
        if projection is None:
            return Content.styled("Inspector", "bold"), None
        if self.state is None:
            status = str(projection.status)
            heading = Content.assemble(
                ("Execution", "bold"), "  ", Content.from_rich_text(status_label(status))
            )
            return heading, execution_sections(projection)
        run = self.run
        if run is None:
            return Content.styled(visible(self.state), "bold"), None
        runs = self.runs
        index = runs.index(run) + 1
        where = "".join(f"{step.state}[{step.index}] › " for step in run.path)
        status = str(run.status)
        heading = Content.assemble(
            (visible(f"{where}{run.name}"), "bold"),
            f" · {run.state_type}",
            (f"  run {index}/{len(runs)}", "dim") if len(runs) > 1 else "",
            "  ",
            (f"{status_symbol(status)} {status}", status_style(status)),
            (f" · {duration_label(run)}", "dim"),
        )
        return heading, run_sections(run)

    def _empty_note(self) -> str:
        if self.projection is None:
            return "Open an execution, or run the machine with r, to inspect its states."
        return visible(f"{self.state} has not run in this execution.")
