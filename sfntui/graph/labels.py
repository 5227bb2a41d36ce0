"""Names and labels fitted to the width they have: cut in the middle, never two alike.

A state name or a Choice condition is cut only when it is wider than the room it has, and
then in the middle, with an ellipsis, so both its start and its distinguishing end stay
(`Get Evalu…Status 2`). A cut that would make two different names (or two different labels)
read the same is not made: those keep their whole text, and their boxes grow to hold it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, get_character_cell_size

#: The ellipsis of a middle cut; ASCII drawings use two dots (`~` reads as an operator).
ELLIPSIS = "…"
ASCII_ELLIPSIS = ".."


def cut_middle(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` in at most `width` cells: whole if it fits, else its start and end around
    `ellipsis`, the end given the larger half (where names differ: `Step 1`, `Step 2`)."""
    if cell_len(text) <= width:
        return text
    room = width - cell_len(ellipsis)
    if room <= 0:
        return ellipsis[: max(width, 0)]
    head_room = room // 2
    tail_room = room - head_room
    head = _take(text, head_room)
    tail = _take(text[::-1], tail_room)[::-1]
    return head + ellipsis + tail


def _take(text: str, width: int) -> str:
    kept: list[str] = []
    used = 0
    for char in text:
        size = get_character_cell_size(char)
        if used + size > width:
            break
        kept.append(char)
        used += size
    return "".join(kept)


def kept_whole(texts: Iterable[str], width: int) -> frozenset[str]:
    """The texts that must not be cut to `width`: cutting would make them read like another."""
    by_cut: dict[str, set[str]] = {}
    for text in texts:
        by_cut.setdefault(cut_middle(text, width), set()).add(text)
    whole: set[str] = set()
    for cut, originals in by_cut.items():
        if len(originals) > 1:
            whole.update(text for text in originals if text != cut)
    return frozenset(whole)
