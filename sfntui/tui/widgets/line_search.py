"""Search in a long Line-API view, as in `less`: `/` asks for a term, `n`/`N` go to the next
and previous line holding it (any case), and each match on screen is marked.

The event log and the JSON view share it: their `/`, `n`, `N` keys (`search_bindings`), the
prompt and what is said when nothing matches (`SearchableView`; each view finds and shows a
match its own way in `go_to_match`), and where a term is in a line (`match_spans`, drawn in
each view's `--match` style: `background: $warning 40%`).
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.scroll_view import ScrollView

from sfntui.tui.screens.prompt import PromptScreen


def search_bindings(tooltip: str, *, id: str | None = None) -> list[Binding]:  # noqa: A002
    """`/`, `n` and `N`; `tooltip` says what `/` searches, `id` names its binding."""
    return [
        Binding("slash", "search", "Search", show=False, tooltip=tooltip, id=id),
        Binding("n", "search_next(1)", "Next match", show=False, tooltip="Next match"),
        Binding("N", "search_next(-1)", "Previous match", show=False, tooltip="Previous match"),
    ]


def match_spans(text: str, term: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each place `text` holds `term` (any case; `term` already case-folded).

    None where case-folding changes the text's length (a German ß): the places would be off.
    """
    if not term:
        return
    lowered = text.casefold()
    if len(lowered) != len(text):
        return
    position = lowered.find(term)
    while position >= 0:
        yield position, position + len(term)
        position = lowered.find(term, position + len(term))


def marked_segments(text: str, term: str, plain: Style, marked: Style) -> list[Segment]:
    """`text` as segments in `plain`, the places holding `term` in `marked`."""
    segments: list[Segment] = []
    position = 0
    for start, end in match_spans(text, term):
        if start > position:
            segments.append(Segment(text[position:start], plain))
        segments.append(Segment(text[start:end], marked))
        position = end
    if position < len(text) or not segments:
        segments.append(Segment(text[position:], plain))
    return segments


class SearchableView(ScrollView):
    """A view with `/`, `n` and `N` (add `search_bindings` to its BINDINGS)."""

    #: The prompt's title, and the start of what is said when nothing matches.
    search_title = "Search"
    not_found = "Not found"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        #: What `/` last looked for.
        self.search_term = ""

    def go_to_match(self, term: str, direction: int, from_here: bool) -> bool:
        """Move to the next line holding `term` in `direction` (1 down, -1 up) from the
        cursor (`from_here`: the cursor's own line first); False when none does."""
        raise NotImplementedError

    def search_changed(self) -> None:
        """The term changed: lines drawn with the old one's marks are drawn again."""
        self.refresh()

    def action_search(self) -> None:
        def start(answer: str | None) -> None:
            if answer:
                self.search_term = answer
                self.search_changed()
                self.action_search_next(1, from_here=True)

        self.app.push_screen(PromptScreen(self.search_title, self.search_term, "Find"), start)

    def action_search_next(self, direction: int, from_here: bool = False) -> None:
        if not self.search_term:
            self.notify("Nothing to look for yet: / starts a search.")
            return
        if not self.go_to_match(self.search_term, direction, from_here):
            self.notify(f"{self.not_found}: {self.search_term}", markup=False)
