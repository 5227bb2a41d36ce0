"""A JSON document to read whole, fold, search and copy: the inspector's body, and any panel
that shows a payload (`JsonView.show(value, filter=path)`).

A Line-API `ScrollView` over `JsonLines` (the model in `sfntui.tui.json_lines`): a line is
turned into a `Strip` only when it is on screen, kept in an LRU cache of this view's own, so
a 256 KiB document opens whole in milliseconds and scrolls as fast as a short one. Long
lines scroll sideways. The line under the cursor has a JSONPath (`CursorMoved` says it);
`f` posts `FilterRequested` with it, `w` posts `WatchRequested` where the owner has a watch
list (`can_watch`). Copies go through Textual's `copy_to_clipboard` (OSC 52), which a
terminal may ignore, so the notification says how to check and what else to do.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from sfntui.asl.paths import JsonPath
from sfntui.tui.json_lines import JsonLines, Section, document_text, summary
from sfntui.tui.screens.prompt import PromptScreen
from sfntui.tui.widgets.line_search import SearchableView, marked_segments, search_bindings

_MARKS = {"open": "punct", "close": "punct", "empty": "punct", "more": "string"}


def clipboard_caveat() -> str:
    """Where the terminal is known to drop OSC 52 writes, a sentence on what to do."""
    if os.environ.get("TMUX"):
        return " In tmux, it arrives only with `set -g set-clipboard on`; ctrl+s saves to a file."
    if os.environ.get("TERM_PROGRAM") == "Apple_Terminal" or os.environ.get("STY"):
        return " This terminal may not accept it (OSC 52): ctrl+s saves to a file instead."
    return ""


class JsonView(SearchableView, can_focus=True):
    COMPONENT_CLASSES = {
        "json-view--title",
        "json-view--note",
        "json-view--key",
        "json-view--string",
        "json-view--number",
        "json-view--literal",
        "json-view--punct",
        "json-view--summary",
        "json-view--cursor",
        "json-view--match",
    }
    DEFAULT_CSS = """
    JsonView {
        height: 1fr;
        padding: 0 1;
    }
    JsonView > .json-view--title { color: $text-accent; text-style: bold; }
    JsonView > .json-view--note { text-style: dim italic; }
    JsonView > .json-view--key { color: $text-primary; }
    JsonView > .json-view--string { color: $text-success; }
    JsonView > .json-view--number { color: $text-warning; }
    JsonView > .json-view--literal { color: $text-secondary; text-style: italic; }
    JsonView > .json-view--punct { color: $text-muted; }
    JsonView > .json-view--summary { color: $text-muted; text-style: italic; }
    JsonView > .json-view--cursor { background: $block-cursor-background; }
    JsonView > .json-view--match { background: $warning 40%; }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding(
            "left,h",
            "fold(True)",
            "Fold",
            show=False,
            tooltip="Fold the object or array under the cursor (again: go to its parent)",
        ),
        Binding(
            "right,l",
            "fold(False)",
            "Unfold",
            show=False,
            tooltip="Unfold the object or array under the cursor",
        ),
        Binding(
            "space,enter",
            "toggle_fold",
            "Fold/unfold",
            show=False,
            tooltip="Fold or unfold the object or array under the cursor",
        ),
        Binding(
            "minus",
            "fold_all",
            "Fold all",
            show=False,
            tooltip="Fold every object and array (each section shows its top keys)",
        ),
        Binding(
            "plus,equals_sign",
            "unfold_level",
            "Unfold a level",
            show=False,
            tooltip="Unfold one more level",
        ),
        Binding("asterisk", "unfold_all", "Unfold all", show=False, tooltip="Unfold everything"),
        Binding("shift+left", "sideways(-8)", "Left", show=False, tooltip="Scroll long lines left"),
        Binding(
            "shift+right", "sideways(8)", "Right", show=False, tooltip="Scroll long lines right"
        ),
        Binding(
            "o",
            "open_string",
            "Open as JSON",
            show=False,
            tooltip="Show a string holding JSON (a Lambda cause) as JSON; again: as a string",
        ),
        Binding(
            "f",
            "use_as_filter",
            "Path as filter",
            show=False,
            tooltip="Narrow to the value under the cursor: its path becomes the filter",
        ),
        Binding(
            "w",
            "watch",
            "Watch",
            show=False,
            tooltip="Add the path under the cursor to the watches (where there are some)",
        ),
        Binding(
            "c",
            "copy('value')",
            "Copy value",
            show=False,
            tooltip="Copy the value under the cursor to the clipboard",
        ),
        Binding(
            "C",
            "copy('document')",
            "Copy document",
            show=False,
            tooltip="Copy the whole document (the section under the cursor)",
        ),
        Binding(
            "p",
            "copy('path')",
            "Copy path",
            show=False,
            tooltip="Copy the path of the value under the cursor",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            show=False,
            tooltip="Save the document under the cursor to a file",
        ),
        *search_bindings("Search the JSON (here and in the event log; elsewhere / filters)"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class CursorMoved(Message):
        """The cursor is on another line; `path` is its value's JSONPath (None on a title)."""

        json_view: JsonView
        path: str | None

        @property
        def control(self) -> JsonView:
            return self.json_view

    @dataclass
    class FilterRequested(Message):
        json_view: JsonView
        path: str

        @property
        def control(self) -> JsonView:
            return self.json_view

    @dataclass
    class WatchRequested(Message):
        json_view: JsonView
        path: str

        @property
        def control(self) -> JsonView:
            return self.json_view

    def __init__(
        self,
        *,
        can_watch: bool = False,
        name_hint: str = "document",
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.lines = JsonLines()
        #: Whether the owner keeps watches, so `w` means something.
        self.can_watch = can_watch
        #: The start of a saved file's name.
        self.name_hint = name_hint
        self._strips: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(1024)

    # -- what is shown -------------------------------------------------------------------

    def show(self, value: Any, *, filter: JsonPath | None = None, title: str | None = None) -> None:  # noqa: A002
        """One JSON value (under `title`, if given), narrowed by `filter`."""
        self.show_sections([Section(title or "", value)], filter)

    def show_sections(self, sections: Sequence[Section], filter: JsonPath | None = None) -> None:  # noqa: A002
        """Several titled parts (the inspector's Input, Output, ...); folds start afresh."""
        width = self._wrap_width()
        if width > 0:  # (before the first layout, as wide as before; `on_resize` cuts again)
            self.lines.wrap_width = width
        self.lines.load(sections, filter)
        self.cursor = 0
        self.scroll_to(0, 0, animate=False)
        self._changed()
        self._moved()

    @property
    def plain(self) -> str:
        """The lines shown, as text (folded ones with their summary)."""
        return self.lines.plain()

    @property
    def cursor_index(self) -> int | None:
        """The node under the cursor."""
        visible = self.lines.visible
        return visible[self.cursor] if 0 <= self.cursor < len(visible) else None

    @property
    def cursor_path(self) -> str | None:
        index = self.cursor_index
        return None if index is None else self.lines.path(index)

    def _changed(self) -> None:
        self._strips.clear()
        lines = self.lines
        # The widest line unfolded, or folded with its summary: an upper bound.
        folded = max((len(lines.line_text(i, True)) for i in lines.folded), default=0)
        self.virtual_size = Size(max(lines.width + 1, folded), len(lines.visible))
        if self.cursor >= len(lines.visible):
            self.cursor = max(0, len(lines.visible) - 1)
        self.refresh()

    # -- rendering -----------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"json-view--{name}", partial=True)

    def _pieces(self, index: int) -> list[tuple[str, str]]:
        lines = self.lines
        node = lines.nodes[index]
        if node.kind in ("title", "note", "text"):
            return [(node.text, node.kind if node.kind != "text" else "")]
        pieces: list[tuple[str, str]] = []
        if node.depth:
            pieces.append(("  " * node.depth, ""))
        if node.key:
            pieces.append((node.key[:-2], "key"))
            pieces.append((": ", "punct"))
        if node.opened:
            pieces.append(("json ", "summary"))
        if index in lines.folded:
            closing = "}" if node.text == "{" else "]"
            pieces.append((node.text, "punct"))
            pieces.append((f"… {summary(node.value)}", "summary"))
            pieces.append((closing, "punct"))
            if lines.nodes[node.end].comma:
                pieces.append((",", "punct"))
            return pieces
        pieces.append((node.text, _MARKS.get(node.kind, node.kind)))
        if node.comma:
            pieces.append((",", "punct"))
        return pieces

    def _strip(self, index: int, selected: bool) -> Strip:
        key = (index, selected, index in self.lines.folded)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        base = self.rich_style
        cursor = self._style("cursor") if selected else None
        match = self._style("match")
        term = self.search_term.casefold()
        segments: list[Segment] = []
        for text, kind in self._pieces(index):
            style = base + self._style(kind) if kind else base
            if cursor is not None:
                style += cursor
            if term and term in text.casefold():
                segments.extend(marked_segments(text, term, style, style + match))
            else:
                segments.append(Segment(text, style))
        strip = Strip(segments)
        self._strips.set(key, strip)
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = int(self.scroll_y) + y
        visible = self.lines.visible
        if row >= len(visible):
            return Strip.blank(width, self.rich_style)
        selected = row == self.cursor and self.has_focus
        strip = self._strip(visible[row], selected)
        left = int(self.scroll_x)
        fill = self.rich_style + self._style("cursor") if selected else self.rich_style
        return strip.crop_extend(left, left + width, fill)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _wrap_width(self) -> int:
        """How wide a long string's pieces are: the view, less its scrollbar."""
        return self.content_region.width - self.styles.scrollbar_size_vertical

    def on_resize(self) -> None:
        index = self.cursor_index
        width = self._wrap_width()
        if width > 0 and index is not None:
            moved = self.lines.rewrap(width, index)
            if moved is not None:
                self._refold(moved)

    def on_focus(self) -> None:
        self._strips.clear()  # the cursor's colour changes with the focus
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    # -- the cursor ----------------------------------------------------------------------

    def watch_cursor(self) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self._moved()

    def _moved(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor_path))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _put_cursor_on(self, index: int) -> None:
        visible = self.lines.visible
        try:
            self.cursor = visible.index(index)
        except ValueError:
            self.cursor = min(self.cursor, max(0, len(visible) - 1))
        self._scroll_to_cursor()

    def action_move(self, delta: int) -> None:
        if self.lines.visible:
            self.cursor = min(max(self.cursor + delta, 0), len(self.lines.visible) - 1)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, row: int) -> None:
        if self.lines.visible:
            self.cursor = row if row >= 0 else len(self.lines.visible) - 1

    def action_sideways(self, columns: int) -> None:
        self.scroll_to(x=max(0, self.scroll_x + columns), animate=False)

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self.lines.visible):
            self.focus()
            self.cursor = row
            if event.chain == 2:
                self.action_toggle_fold()

    # -- folding -------------------------------------------------------------------------

    def _refold(self, keep: int | None) -> None:
        self._changed()
        if keep is not None:
            self._put_cursor_on(keep)

    def action_fold(self, folded: bool) -> None:
        index = self.cursor_index
        if index is None:
            return
        lines = self.lines
        owner = lines.owner(index)
        node = lines.nodes[owner]
        if node.kind == "open" and lines.is_folded(owner) != folded:
            lines.fold(owner, folded)
            self._refold(owner)
        elif folded and node.parent >= 0:
            self._put_cursor_on(node.parent)  # folded already, or a value: to the parent

    def action_toggle_fold(self) -> None:
        index = self.cursor_index
        if index is not None:
            owner = self.lines.owner(index)
            self.lines.fold(owner, not self.lines.is_folded(owner))
            self._refold(owner)

    def action_fold_all(self) -> None:
        index = self.cursor_index
        self.lines.fold_all()
        keep = index
        while keep is not None and keep >= 0 and keep not in self.lines.visible:
            keep = self.lines.nodes[keep].parent
        self._refold(keep if keep is not None and keep >= 0 else None)

    def action_unfold_level(self) -> None:
        index = self.cursor_index
        self.lines.unfold_level()
        self._refold(index)

    def action_unfold_all(self) -> None:
        index = self.cursor_index
        self.lines.unfold_all()
        self._refold(index)

    # -- strings holding JSON ------------------------------------------------------------

    def action_open_string(self) -> None:
        index = self.cursor_index
        if index is None:
            return
        if not self.lines.can_open(index):
            self.notify("This value is not a string holding a JSON object or array.")
            return
        self._refold(self.lines.toggle_string(index))

    # -- the path ------------------------------------------------------------------------

    def action_use_as_filter(self) -> None:
        path = self.cursor_path
        if path is None or " → " in path or " (in the result of " in path:
            self.notify(
                "Put the cursor on a value of the document first (not in a string's "
                "JSON, nor in a filter's list)."
            )
            return
        self.post_message(self.FilterRequested(self, path))

    def action_watch(self) -> None:
        path = self.cursor_path
        if path is not None and self.can_watch:
            self.post_message(self.WatchRequested(self, path))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "watch":
            return self.can_watch
        return True

    # -- copying and saving --------------------------------------------------------------

    def action_copy(self, what: str) -> None:
        index = self.cursor_index
        if index is None:
            return
        lines = self.lines
        node = lines.nodes[index]
        if what == "path":
            text = lines.path(index)
            label = "the path"
        elif what == "document" or node.kind in ("title", "note", "text"):
            section = lines.section_of(index)
            value = section.value
            text = document_text(value) if section.is_json else str(value)
            label = f"the whole {section.title or 'document'}"
        else:
            text = document_text(lines.value(index))
            label = "the value"
        if text is None:
            self.notify("There is no path here: put the cursor on a value.")
            return
        self.app.copy_to_clipboard(text)
        size = f"{len(text):,} characters" if len(text) != 1 else "1 character"
        self.notify(
            f"Copied {label} ({size}) to the clipboard.{clipboard_caveat()}",
            title="Copied",
            markup=False,
        )

    def action_save(self) -> None:
        index = self.cursor_index
        if index is None or not self.lines.sections:
            return
        section = self.lines.section_of(index)
        title = (section.title or self.name_hint).lower().replace(" ", "-")
        suggestion = (
            f"{self.name_hint}-{title}.json" if title != self.name_hint else f"{title}.json"
        )

        def save(answer: str | None) -> None:
            if answer:
                self._save(section, FilePath(answer).expanduser())

        self.app.push_screen(PromptScreen("Save the document to", suggestion, "Save"), save)

    def _save(self, section: Section, target: FilePath) -> None:
        text = document_text(section.value) if section.is_json else str(section.value)
        try:
            target.write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
        except OSError as error:
            reason = error.strerror or str(error)
            self.notify(f"Could not save to {target}: {reason}.", severity="error", markup=False)
            return
        self.notify(f"Saved {section.title or 'the document'} to {target}.", markup=False)

    # -- search ------------------------------------------------------------------------

    def search_changed(self) -> None:
        self._strips.clear()
        self.refresh()

    def go_to_match(self, term: str, direction: int, from_here: bool) -> bool:
        index = self.cursor_index
        start = (index if index is not None else 0) - (direction if from_here else 0)
        found = self.lines.search(term, start, direction)
        if found is None:
            return False
        self.lines.reveal(found)
        self._refold(found)
        return True
