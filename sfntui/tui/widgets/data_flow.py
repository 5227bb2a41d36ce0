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

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.engine.debugger import Expression
from sfntui.engine.inspection import STEPS_JSONATA, STEPS_JSONPATH
from sfntui.tui.widgets.virtual_size import set_virtual_size

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
    """The value as JSON text: on one line when short, else indented and cut at `limit`
    lines. Only what is shown is encoded, so a payload of megabytes costs what a page does."""
    if _few_values(value, ONE_LINE // 3):
        compact = json.dumps(value, ensure_ascii=False, default=str)
        if len(compact) <= ONE_LINE:
            return visible_text(compact)
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, default=str)
    chunks: list[str] = []
    lines = 0
    cut = False
    for chunk in encoder.iterencode(value):
        lines += chunk.count("\n")
        chunks.append(chunk)
        if lines >= limit:
            cut = True
            break
    text = "".join(chunks)
    if cut:
        text = "\n".join(text.split("\n")[:limit])
        text += "\n… more lines: narrow them with / (a JSONPath)"
    return visible_text(text)


def _few_values(value: Any, budget: int) -> bool:
    """Whether `value` holds at most `budget` values, nested ones counted (a cheap bound
    before encoding it whole on one line)."""
    pending = [value]
    while pending:
        item = pending.pop()
        budget -= 1
        if budget < 0:
            return False
        if isinstance(item, dict):
            if len(item) > budget:
                return False
            pending.extend(item.values())
        elif isinstance(item, list):
            if len(item) > budget:
                return False
            pending.extend(item)
    return True


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


class DataFlowPanel(ScrollView, can_focus=True):
    """The steps of one stop; `show_steps` fills it, `set_filter` narrows it.

    A Line-API view: the text is kept as lines, and only the rows on screen are rendered,
    so filling it costs what the visible page costs, however long the payloads."""

    COMPONENT_CLASSES = {
        "data-flow--step",
        "data-flow--changed",
        "data-flow--same",
        "data-flow--note",
        "data-flow--error",
    }
    DEFAULT_CSS = """
    DataFlowPanel { height: 1fr; background: $surface; scrollbar-size: 1 1; }
    DataFlowPanel > .data-flow--step { text-style: bold; color: $text-accent; }
    DataFlowPanel > .data-flow--changed { color: $text-warning; }
    DataFlowPanel > .data-flow--same { text-style: dim; }
    DataFlowPanel > .data-flow--note { text-style: dim italic; }
    DataFlowPanel > .data-flow--error { color: $text-error; }
    """
    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.steps: list[tuple[str, Any]] = []
        self.context: Any = None
        self.variables: Mapping[str, Any] = {}
        self.filter: Expression | None = None
        self.filter_error: str | None = None
        self._filter_text = ""
        self.note = "Run the machine: at a stop, the data at each step shows here."
        #: The text, one (text, component class or "") pair a line.
        self.lines: list[tuple[str, str]] = []
        self._strips: LRUCache[tuple[int, int], Strip] = LRUCache(256)
        #: Per component class ("" the widget's own), read once per style change.
        self._styles: dict[str, Style] = {}

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
        """Narrow every step by `text`; the reason it does not compile (the steps then stay).
        The same text again changes nothing."""
        if text == self._filter_text:
            return self.filter_error
        self._filter_text = text
        expression, error = compile_filter(text)
        self.filter_error = error
        if error is None:
            self.filter = expression
        self._fill()
        return error

    def step_names(self) -> list[str]:
        return [name for name, _ in self.steps]

    def rendered_text(self) -> str:
        return "\n".join(text for text, _ in self.lines)

    def _fill(self) -> None:
        lines: list[tuple[str, str]] = []
        if self.filter_error is not None:
            lines.append((f"filter: {visible_text(self.filter_error)}", "data-flow--error"))
        if not self.steps:
            lines.append((visible_text(self.note or "No data recorded yet."), "data-flow--note"))
        previous: Any = None
        for index, (name, value) in enumerate(self.steps):
            note = "" if index == 0 else change_note(previous, value)
            previous = value
            lines.append((name, "data-flow--step"))
            if note == "same as before":
                lines.append((f"  {note}", "data-flow--same"))
                continue  # the value is the one just above
            if note:
                lines.append((f"  {note}", "data-flow--changed"))
            if self.filter is not None:
                value = self.filter.safe_value(value, self.context, self.variables)
            lines.extend((line, "") for line in json_lines(value).split("\n"))
        self.lines = lines
        self._strips.clear()
        width = max((len(text) for text, _ in lines), default=0)
        set_virtual_size(self, Size(width, len(lines)))
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        base = self._styles.get("")
        if base is None:
            base = self._styles[""] = self.rich_style
        if row >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._strips.get((row, width))
        if strip is None:
            text, kind = self.lines[row]
            style = self._styles.get(kind)
            if style is None:
                style = base + self.get_component_rich_style(kind) if kind else base
                self._styles[kind] = style
            strip = Strip([Segment(text, style)], cell_len(text))
            self._strips.set((row, width), strip)
        return strip.crop_extend(scroll_x, scroll_x + width, base)


class FilterInput(Input):
    """The filter field of a `DataFlowPanel` (by its id): each change narrows the panel at
    once, so the character typed and the steps it narrows are painted in one frame (the
    `Changed` message reaches the screen a frame after the field has painted itself).

    A field's scrollable width follows its text; for Textual's `Input` each character then
    lays the whole screen out (and paints the scrollbars a frame later). This field's own
    size never follows its text, so only its scroll range is brought up to date."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        self._scroll_update(size)

    def __init__(self, panel: str, *, placeholder: str = "", id: str | None = None) -> None:  # noqa: A002
        super().__init__(placeholder=placeholder, id=id)
        self.panel = panel

    def watch_value(self, value: str) -> None:
        if self.is_mounted:
            error = self.screen.query_one(f"#{self.panel}", DataFlowPanel).set_filter(value)
            self.set_class(error is not None, "-invalid")
