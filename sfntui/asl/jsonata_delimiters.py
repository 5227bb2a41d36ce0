"""Which strings of a definition are JSONata: the `{% ... %}` delimiters, and the text inside.

Kept apart from `sfntui.asl.jsonata` (the evaluator, on top of the jsonata-python library) so
that reading and validating a definition without JSONata never loads the library.
"""

from __future__ import annotations

from typing import Any


def is_jsonata_template(value: Any) -> bool:
    """True for a string that is entirely one `{% ... %}` expression, as AWS decides it."""
    return (
        isinstance(value, str)
        and len(value) >= 4
        and value.startswith("{%")
        and value.endswith("%}")
    )


def jsonata_text(value: str) -> str:
    """The expression inside `{% ... %}`, stripped: the text AWS quotes in its errors."""
    return value[2:-2].strip()
