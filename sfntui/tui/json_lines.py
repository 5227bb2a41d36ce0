"""JSON documents as lines to fold, for the JSON view: the model, with no Textual in it.

A document (one or more titled sections: an Input, a Task result, an Output, an Error) is
walked once into a flat list of `Node`s, one per line of `json.dumps(value, indent=2)`, each
knowing its parent and, for an object or array, the line that closes it. Folding hides the
lines between an opening line and its closing one; what is on screen is `visible`, a list of
node indexes rebuilt in one pass. So a 256 KiB payload (some 15,000 lines) is walked in
milliseconds and only the lines on screen are ever turned into text with colours.

A string longer than `LONG_STRING` is cut into pieces as wide as the view (`wrap_width`), one
a line, so the whole of it can be read; copying, paths and `o` treat the pieces as the string.

Strings are written as JSON writes them, and more: line and paragraph separators (U+2028,
U+2029), DEL and the C1 controls, and the bidirectional overrides are escaped too, so no
value can break a line or act on the terminal.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sfntui.asl.errors import PathNotFoundError
from sfntui.asl.paths import JsonPath

#: Characters JSON leaves as they are but a terminal would act on or break a line at.
_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: A string whose JSON text is longer is shown whole in pieces, one a line ("more" lines
#: under the first), each as wide as `JsonLines.wrap_width` allows (shorter ones scroll).
LONG_STRING = 4000
#: The narrowest piece of a long string, however deep it is.
MIN_PIECE = 20
#: Lines that do not start a value (each of a value's lines leads to its first line).
_NOT_A_VALUE = ("close", "more", "title", "note", "text")
#: A path step that leaves a string for the JSON document it holds (opened with `o`).
INTO_STRING = object()


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


#: What `json.dumps(text, ensure_ascii=False)` does to a string, without its overhead.
_encode_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def json_string(text: str) -> str:
    """`text` as a JSON string literal, with nothing in it a terminal would act on."""
    written: str = _encode_string(text)
    return _UNSAFE.sub(_escape, written) if _UNSAFE.search(written) else written


def visible_text(text: str) -> str:
    """Plain text (an error name, a cause) with control characters made visible."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def scalar_text(value: Any) -> tuple[str, str]:
    """(the JSON text, its kind: string, number, literal) of a value that is not a container."""
    if isinstance(value, str):
        return json_string(value), "string"
    if value is None:
        return "null", "literal"
    if value is True or value is False:
        return ("true" if value else "false"), "literal"
    if isinstance(value, int):
        return int.__repr__(value), "number"
    if isinstance(value, float):
        return (float.__repr__(value) if math.isfinite(value) else json.dumps(value)), "number"
    return json_string(str(value)), "string"  # a date or a Decimal from a backend


def embedded_json(text: str) -> Any:
    """The object or array a string holds (a Lambda cause, an escaped payload), else None."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def path_text(steps: Sequence[object]) -> str:
    """`$.order.items[2].sku`; a step into a string's JSON starts a new `$` after an arrow."""
    parts = ["$"]
    for step in steps:
        if step is INTO_STRING:
            parts.append(" → $")
        elif isinstance(step, int):
            parts.append(f"[{step}]")
        elif isinstance(step, str) and _IDENTIFIER.match(step):
            parts.append(f".{step}")
        else:
            quoted = str(step).replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{visible_text(quoted)}']")
    return "".join(parts)


@dataclass(frozen=True)
class Section:
    """One titled part of a document: JSON (pretty-printed, folded, filtered), or text."""

    title: str
    value: Any = None
    #: JSON values are pretty-printed, highlighted and filtered; text is shown as it is.
    is_json: bool = True
    note: str | None = None


class Node(NamedTuple):
    """One line: `kind` is open/close (a container's brackets), string/number/literal/empty
    (a value), more (a long string's next piece: its parent is the string's first line), or
    title/note/text (a section's heading, a remark, a line of plain text)."""

    depth: int
    #: `"key": ` in front of the value, as written (escaped), or "".
    key: str
    #: The step from the parent: an object's key, an array's index; None at a root.
    step: str | int | None
    parent: int
    kind: str
    text: str
    #: For an opening line, the index of its closing line; else its own index.
    end: int
    comma: bool
    section: int
    #: The value this line shows (a container for an opening line).
    value: Any
    #: An opening line of a string's JSON, opened with `o`.
    opened: bool = False


class JsonLines:
    """Sections walked into lines; folds, the lines shown, paths, copies, search."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.filter: JsonPath | None = None
        self.nodes: list[Node] = []
        self.folded: set[int] = set()
        self.visible: list[int] = []
        #: Strings shown as the JSON they hold, by (section, steps).
        self.opened: set[tuple[int, tuple[object, ...]]] = set()
        #: The filtered value of each section (what its root line shows), or None.
        self.roots: list[Any] = []
        self.width = 0
        #: How wide a line of a long string's pieces may be (the view's width).
        self.wrap_width = 80
        self._keys: dict[str | int, str] = {}

    # -- building ------------------------------------------------------------------------

    def load(self, sections: Sequence[Section], path: JsonPath | None = None) -> None:
        """Show `sections`, narrowed by `path`; folds and opened strings start afresh."""
        self.sections = list(sections)
        self.filter = path
        self.opened = set()
        self.folded = set()
        self._build()

    def _build(self) -> None:
        self.nodes = []
        self.roots = []
        self._keys = {}
        for index, section in enumerate(self.sections):
            if section.title:
                self._add(0, "", None, -1, "title", section.title, index, None)
            self.roots.append(None)
            if section.note is not None:
                self._add(0, "", None, -1, "note", section.note, index, None)
                continue
            if not section.is_json:
                for line in str(section.value).splitlines() or [""]:
                    self._add(0, "", None, -1, "text", visible_text(line), index, line)
                continue
            value = section.value
            if self.filter is not None:
                try:
                    value = self.filter.find(value)
                except PathNotFoundError as error:
                    note = f"no match: {error.message}"
                    self._add(0, "", None, -1, "note", note, index, None)
                    continue
            self.roots[index] = value
            self._walk(value, 0, "", None, -1, False, index, () if self.opened else None)
        self._keys = {}
        self.visible = self._visible()
        #: The widest line (unfolded), in characters (a long string's pieces fit the view).
        self.width = max((2 * n.depth + len(n.key) + len(n.text) for n in self.nodes), default=0)

    def _add(
        self,
        depth: int,
        key: str,
        step: str | int | None,
        parent: int,
        kind: str,
        text: str,
        section: int,
        value: Any,
        comma: bool = False,
    ) -> int:
        index = len(self.nodes)
        self.nodes.append(Node(depth, key, step, parent, kind, text, index, comma, section, value))
        return index

    def _walk(
        self,
        value: Any,
        depth: int,
        key: str,
        step: str | int | None,
        parent: int,
        comma: bool,
        section: int,
        steps: tuple[object, ...] | None,
    ) -> None:
        opened = False
        if isinstance(value, str) and steps is not None and (section, steps) in self.opened:
            inner = embedded_json(value)
            if inner is not None:
                value, opened = inner, True
                steps = (*steps, INTO_STRING)
        if isinstance(value, dict | list) and value:
            nodes = self.nodes
            index = len(nodes)
            nodes.append(None)  # type: ignore[arg-type]  # the opening line, written below
            if isinstance(value, dict):
                items: Iterable[tuple[str | int, Any]] = value.items()
                keyed = True
            else:
                items = enumerate(value)
                keyed = False
            last = len(value) - 1
            keys = self._keys
            for position, (child_step, child) in enumerate(items):
                if keyed:
                    child_key = keys.get(child_step)
                    if child_key is None:
                        child_key = keys[child_step] = json_string(str(child_step)) + ": "
                else:
                    child_key = ""
                child_steps = (*steps, child_step) if steps is not None else None
                self._walk(
                    child,
                    depth + 1,
                    child_key,
                    child_step,
                    index,
                    position < last,
                    section,
                    child_steps,
                )
            close = len(nodes)
            closing = "}" if keyed else "]"
            nodes.append(
                Node(depth, "", None, index, "close", closing, close, comma, section, None)
            )
            opening = "{" if keyed else "["
            nodes[index] = Node(
                depth, key, step, parent, "open", opening, close, False, section, value, opened
            )
            return
        if isinstance(value, dict | list):
            text, kind = ("{}" if isinstance(value, dict) else "[]"), "empty"
        else:
            text, kind = scalar_text(value)
        if kind == "string" and len(text) > LONG_STRING:
            self._add_pieces(depth, key, step, parent, text, section, value, comma)
            return
        self._add(depth, key, step, parent, kind, text, section, value, comma)

    def _add_pieces(
        self,
        depth: int,
        key: str,
        step: str | int | None,
        parent: int,
        text: str,
        section: int,
        value: str,
        comma: bool,
    ) -> None:
        """A long string: its first piece after the key, the rest on "more" lines under it,
        indented a level deeper; the comma after the last."""
        first = max(MIN_PIECE, self.wrap_width - 2 * depth - len(key) - 1)
        index = self._add(depth, key, step, parent, "string", text[:first], section, value)
        width = max(MIN_PIECE, self.wrap_width - 2 * (depth + 1) - 1)
        starts = range(first, len(text), width)
        last = starts[-1]
        for start in starts:
            piece, ends = text[start : start + width], comma and start == last
            self._add(depth + 1, "", None, index, "more", piece, section, value, ends)

    # -- folding -------------------------------------------------------------------------

    def _visible(self) -> list[int]:
        nodes, folded = self.nodes, self.folded
        shown: list[int] = []
        index, count = 0, len(nodes)
        if not folded:
            return list(range(count))
        while index < count:
            shown.append(index)
            index = nodes[index].end + 1 if index in folded else index + 1
        return shown

    def is_folded(self, index: int) -> bool:
        return index in self.folded

    def fold(self, index: int, folded: bool) -> None:
        if self.nodes[index].kind != "open":
            return
        if folded:
            self.folded.add(index)
        else:
            self.folded.discard(index)
        self.visible = self._visible()

    def fold_all(self) -> None:
        """Every object and array folded but the roots: a section shows its top-level keys."""
        self.folded = {i for i, n in enumerate(self.nodes) if n.kind == "open" and n.depth > 0}
        self.visible = self._visible()

    def unfold_level(self) -> None:
        """Unfold the shallowest folded lines on screen."""
        shown = [i for i in self.visible if i in self.folded]
        if not shown:
            return
        depth = min(self.nodes[i].depth for i in shown)
        self.folded.difference_update(i for i in shown if self.nodes[i].depth == depth)
        self.visible = self._visible()

    def unfold_all(self) -> None:
        self.folded = set()
        self.visible = self._visible()

    def reveal(self, index: int) -> None:
        """Unfold what hides line `index`."""
        parent = self.nodes[index].parent
        changed = False
        while parent >= 0:
            if parent in self.folded:
                self.folded.discard(parent)
                changed = True
            parent = self.nodes[parent].parent
        if changed:
            self.visible = self._visible()

    def owner(self, index: int) -> int:
        """The line whose value line `index` belongs to (a closing line's opening line, a long
        string's piece its first line)."""
        node = self.nodes[index]
        return node.parent if node.kind in ("close", "more") else index

    # -- strings holding JSON ------------------------------------------------------------

    def string_line(self, index: int) -> int | None:
        """The line to open or close with `o` from line `index`: a string holding JSON, or
        the opened string the line is in; None when there is none."""
        index = self.owner(index)
        node = self.nodes[index]
        if node.kind == "string" and embedded_json(node.value) is not None:
            return index
        while index >= 0:
            if self.nodes[index].opened:
                return index
            index = self.nodes[index].parent
        return None

    def can_open(self, index: int) -> bool:
        return self.string_line(index) is not None

    def toggle_string(self, index: int) -> int:
        """Show a string as the JSON it holds, or as a string again; the line's new index."""
        found = self.string_line(index)
        if found is None:
            return index
        node = self.nodes[found]
        key = (node.section, self._value_steps(found))
        if key in self.opened:
            self.opened.discard(key)
        else:
            self.opened.add(key)
        return self._rebuild(found)

    def rewrap(self, width: int, keep: int) -> int | None:
        """Cut long strings in pieces for a view `width` wide; folds are kept. Line `keep`'s
        new index, or None when no line changed."""
        if width == self.wrap_width:
            return None
        self.wrap_width = width
        if not any(node.kind == "more" for node in self.nodes):
            return None
        closing = self.nodes[keep].kind == "close"
        found = self._rebuild(self.owner(keep))
        return self.nodes[found].end if closing else found  # (a closing line: it again)

    def _value_steps(self, index: int) -> tuple[object, ...]:
        steps = tuple(self.steps(index))
        return steps[:-1] if self.nodes[index].opened else steps  # (the step into the string)

    def _rebuild(self, keep: int) -> int:
        """The lines built again with the same folds (found by path); line `keep`'s index."""
        section, steps = self.nodes[keep].section, self._value_steps(keep)
        kept = {(self.nodes[i].section, tuple(self.steps(i))) for i in self.folded}
        self.folded = set()
        self._build()
        self.folded = {
            i
            for i, n in enumerate(self.nodes)
            if n.kind == "open" and (n.section, tuple(self.steps(i))) in kept
        }
        self.visible = self._visible()
        wanted = self.find_steps(section, steps)
        return wanted if wanted is not None else 0

    def find_steps(self, section: int, steps: tuple[object, ...]) -> int | None:
        for i, node in enumerate(self.nodes):
            if node.section == section and node.kind not in _NOT_A_VALUE:
                found = tuple(self.steps(i))
                if node.opened:
                    found = found[:-1]
                if found == steps:
                    return i
        return None

    # -- paths and values ----------------------------------------------------------------

    def steps(self, index: int) -> list[object]:
        """The steps from the section's root to line `index`'s value."""
        index = self.owner(index)
        found: list[object] = []
        while index >= 0:
            node = self.nodes[index]
            if node.opened:
                found.append(INTO_STRING)
            if node.step is not None:
                found.append(node.step)
            index = node.parent
        found.reverse()
        return found

    def path(self, index: int) -> str | None:
        """The JSONPath of line `index`'s value from the document's top (with the filter in
        front when it names one place), or None for a title, a note or text."""
        node = self.nodes[index]
        if node.kind in ("title", "note", "text"):
            return None
        relative = path_text(self.steps(index))
        base = self.filter
        if base is None:
            return relative
        if base.definite and base.root == "input" and base.text.startswith("$"):
            return base.text.rstrip(".") + relative[1:] if relative != "$" else base.text
        return f"{relative} (in the result of {base.text})"

    def value(self, index: int) -> Any:
        return self.nodes[self.owner(index)].value

    def section_of(self, index: int) -> Section:
        return self.sections[self.nodes[index].section]

    # -- text ----------------------------------------------------------------------------

    def line_text(self, index: int, folded: bool | None = None) -> str:
        """Line `index` as plain text (a folded line with its summary)."""
        node = self.nodes[index]
        if node.kind in ("title", "note", "text"):
            return node.text
        text = node.text
        if folded if folded is not None else index in self.folded:
            text = f"{node.text}… {summary(node.value)}{'}' if node.text == '{' else ']'}"
            text += "," if self.nodes[node.end].comma else ""
        elif node.comma:
            text += ","
        return "  " * node.depth + node.key + text

    def plain(self) -> str:
        """What is shown, as text."""
        return "\n".join(self.line_text(i) for i in self.visible)

    def search(self, term: str, start: int, direction: int) -> int | None:
        """The next line (of all, folded or not) after `start` holding `term` (any case)."""
        if not term or not self.nodes:
            return None
        wanted = term.casefold()
        count = len(self.nodes)
        for offset in range(1, count + 1):
            index = (start + direction * offset) % count
            node = self.nodes[index]
            if node.kind == "close":
                continue
            if wanted in node.key.casefold() or wanted in node.text.casefold():
                return index
        return None


def summary(value: Any) -> str:
    count = len(value)
    if isinstance(value, dict):
        return f"{count} key" if count == 1 else f"{count} keys"
    return f"{count} item" if count == 1 else f"{count} items"


def document_text(value: Any) -> str:
    """A value as a file or the clipboard gets it: indented JSON (a string as it is)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
