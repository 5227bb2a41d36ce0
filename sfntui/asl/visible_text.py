"""Outside text made safe to show: control characters visible, never sent to the terminal.

Strings from AWS, definitions, history files and handlers (state names, errors, causes,
outputs) are data. Printed raw, an ESC can retitle, clear or hijack the user's terminal, a
carriage return can overwrite what a line said, a right-to-left override can disguise it, and a
lone surrogate cannot even be encoded. `visible` writes each such character as the escape a
programmer would type (`\\x1b`, `\\r`, `\\u202e`, `\\ud800`), so what is shown is what is there.

One function, used by every command and by the app, so that no place forgets a class of
character the others handle.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

# C0 controls, DEL, C1 controls, bidirectional overrides/isolates, line/paragraph separators,
# and lone surrogates (not encodable as UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written as an escape; `keep_newlines` for blocks."""
    if not isinstance(text, str):
        text = str(text)
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def has_hidden_characters(text: str) -> bool:
    """True when `visible` would change `text`."""
    return _UNSAFE.search(text) is not None


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible_json(
    value: Any,
    *,
    indent: int | None = None,
    sort_keys: bool = False,
    default: Callable[[Any], Any] = str,
) -> str:
    """`value` as JSON text that is safe to print and always valid JSON.

    Characters a terminal would act on are written as `\\uXXXX` escapes (valid inside a JSON
    string); a NaN or infinity that reached a value is written as null, as JSON has no such
    numbers.
    """
    try:
        text = json.dumps(
            value,
            indent=indent,
            sort_keys=sort_keys,
            ensure_ascii=False,
            allow_nan=False,
            default=default,
        )
    except ValueError:
        text = json.dumps(
            _finite(value), indent=indent, sort_keys=sort_keys, ensure_ascii=False, default=str
        )
    if _UNSAFE_BUT_NEWLINE.search(text) is None:
        return text
    return _UNSAFE_BUT_NEWLINE.sub(_json_escape, text)


def visible_json_text(text: str) -> str:
    """JSON text already written, made safe to print as `visible_json` makes it (control
    characters can only be inside its strings, where `\\uXXXX` stands for them)."""
    if _UNSAFE_BUT_NEWLINE.search(text) is None:
        return text
    return _UNSAFE_BUT_NEWLINE.sub(_json_escape, text)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(child) for child in value]
    return value
