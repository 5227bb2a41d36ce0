"""Outside text (an error's cause, a reason from AWS) made safe to draw: control characters
shown as escapes, so a cause with a newline or an escape code cannot break the screen."""

from __future__ import annotations


def visible(text: str) -> str:
    """`text` with every control character written as its escape ("\\n", "\\x1b")."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )
