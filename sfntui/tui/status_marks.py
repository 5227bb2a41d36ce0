"""How a status is shown in the app's lists and headings: a symbol and a colour, as the graph
draws them, so a ✓ in the sidebar means what a ✓ on a box means.

One table serves state runs (SUCCEEDED, CAUGHT, RETRIED, ...) and executions (which add
TIMED_OUT, PENDING_REDRIVE and NOT_STARTED).
"""

from __future__ import annotations

from rich.text import Text

from sfntui.graph.glyphs import STATUS_STYLES, UNICODE

_MARKS: dict[str, tuple[str, str]] = {
    status: (UNICODE.status[status], STATUS_STYLES[status]) for status in UNICODE.status
}
_MARKS |= {
    "TIMED_OUT": _MARKS["FAILED"],
    "PENDING_REDRIVE": _MARKS["RETRIED"],
    "NOT_STARTED": _MARKS["NOT_REACHED"],
}


def status_symbol(status: str) -> str:
    return _MARKS.get(status, ("?", ""))[0]


def status_style(status: str) -> str:
    return _MARKS.get(status, ("?", ""))[1]


def status_mark(status: str) -> Text:
    """The symbol alone, coloured."""
    symbol, style = _MARKS.get(status, ("?", ""))
    return Text(symbol, style=style)


def status_label(status: str) -> Text:
    """Symbol and word: "✓ SUCCEEDED"."""
    symbol, style = _MARKS.get(status, ("?", ""))
    return Text(f"{symbol} {status}", style=style)
