"""The debugger's data-flow panel: the data at each processing step of the state at a stop.

Each step carries its TestState name (`input`, `afterInputPath`, `afterParameters`, `result`,
`afterResultSelector`, `afterResultPath`, `output`; JSONata: `afterArguments`...), and a mark
saying what changed from the step before (`same as before`, or the top-level keys added,
removed or changed). A filter (a JSONPath, or a JSONata expression) narrows every step at
once; a step it finds nothing in says why in its place.

JSON is rendered plainly (indented text, long values cut at `MAX_LINES`), so a richer JSON
view can replace `json_lines` later without touching the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.engine.debugger import Expression
from sfntui.engine.inspection import STEPS_JSONATA, STEPS_JSONPATH

#: Lines of one step's JSON shown before it is cut (a filter narrows it further).
MAX_LINES = 60
_CONTROL = re.compile("[\x7f-\x9f]")


def visible_text(text: str) -> str:
    """Outside text for the terminal: C1 controls and DEL shown as escapes (json.dumps
    already escapes the C0 ones)."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


#: A value whose JSON fits in this many characters is shown on one line.
ONE_LINE = 72


def json_lines(value: Any, limit: int = MAX_LINES) -> str:
    """The value as JSON text: on one line when short, else indented and cut at `limit`."""
    compact = json.dumps(value, ensure_ascii=False, default=str)
    if len(compact) <= ONE_LINE:
        return visible_text(compact)
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    lines = text.splitlines()
    if len(lines) > limit:
        lines = [*lines[:limit], f"… {len(lines) - limit} more lines (narrow them with /)"]
    return visible_text("\n".join(lines))


def ordered_steps(inspection: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The recorded steps in processing order, whichever query language filled them."""
    order = STEPS_JSONATA if "afterArguments" in inspection else STEPS_JSONPATH
    steps = [(name, inspection[name]) for name in order if name in inspection]
    known = set(order)
    steps.extend((name, value) for name, value in inspection.items() if name not in known)
    return steps


def change_note(before: Any, after: Any) -> str:
    """What changed from one step to the next, in a few words."""
    if after is before or after == before:
        return "same as before"
    if isinstance(before, dict) and isinstance(after, dict):
        added = [key for key in after if key not in before]
        removed = [key for key in before if key not in after]
        changed = [key for key in after if key in before and after[key] != before[key]]
        parts = [f"+{key}" for key in added] + [f"-{key}" for key in removed]
        parts += [f"~{key}" for key in changed]
        if parts and len(parts) <= 6:
            return "changed: " + " ".join(visible_text(part) for part in parts)
    return "changed"


def compile_filter(text: str) -> tuple[Expression | None, str | None]:
    """(the filter, or None) and the reason it does not compile."""
    text = text.strip()
    if not text:
        return None, None
    try:
        return Expression(text), None
    except ExpressionSyntaxError as error:
        return None, error.message


class DataFlowPanel(VerticalScroll):
    """The steps of one stop; `show_steps` fills it, `set_filter` narrows it."""

    DEFAULT_CSS = """
    DataFlowPanel { height: 1fr; }
    DataFlowPanel > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.steps: list[tuple[str, Any]] = []
        self.context: Any = None
        self.variables: Mapping[str, Any] = {}
        self.filter: Expression | None = None
        self.filter_error: str | None = None
        self.note = "Run the machine: at a stop, the data at each step shows here."

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="data-flow-text")

    def on_mount(self) -> None:
        self._fill()

    def show_steps(
        self,
        steps: Sequence[tuple[str, Any]],
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
        note: str = "",
    ) -> None:
        self.steps = list(steps)
        self.context = context
        self.variables = variables or {}
        self.note = note
        self._fill()

    def set_filter(self, text: str) -> str | None:
        """Narrow every step by `text`; the reason it does not compile (the steps then stay)."""
        expression, error = compile_filter(text)
        self.filter_error = error
        if error is None:
            self.filter = expression
        self._fill()
        return error

    def step_names(self) -> list[str]:
        return [name for name, _ in self.steps]

    def rendered_text(self) -> str:
        return str(self.query_one("#data-flow-text", Static).render())

    def _fill(self) -> None:
        if not self.is_mounted:
            return
        parts: list[Content] = []
        if self.filter_error is not None:
            parts.append(Content.styled(f"filter: {self.filter_error}", "$text-error"))
        if not self.steps:
            parts.append(Content.styled(self.note or "No data recorded yet.", "dim italic"))
        previous: Any = None
        for index, (name, value) in enumerate(self.steps):
            note = "" if index == 0 else change_note(previous, value)
            previous = value
            title = Content.styled(name, "bold $text-accent")
            if note:
                style = "dim" if note == "same as before" else "$text-warning"
                title = title + Content("  ") + Content.styled(note, style)
            parts.append(title)
            if self.filter is not None:
                value = self.filter.safe_value(value, self.context, self.variables)
            parts.append(Content(json_lines(value)))
        self.query_one("#data-flow-text", Static).update(Content("\n").join(parts))
