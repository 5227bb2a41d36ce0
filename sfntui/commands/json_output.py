"""JSON text for people: what `json.dumps(value, indent=2, ensure_ascii=False)` writes, faster.

Python's encoder writes indented JSON in pure Python, one generator per container; a run's
history printed with `sfntui run --json --history` took longer to print than to run. This
writer gives the same text (keys in order, `: ` and `,` separators, non-ASCII kept, floats
as `repr`, NaN and infinities as JavaScript names) with the C string encoder doing the
escaping, at a few times the speed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "


def dumps_indented(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, default=default)`."""
    parts: list[str] = []
    _write(value, "\n", parts, {}, default)
    return "".join(parts)


def _write(
    value: Any,
    newline: str,
    parts: list[str],
    keys: dict[Any, str],
    default: Callable[[Any], Any] | None,
) -> None:
    """Append `value`'s text; `newline` is a line break with the indent of `value`'s line.

    The members of objects and arrays that are strings or integers are written in the loop
    over them, not by a call each: a history has a few hundred thousand of them."""
    kind = type(value)
    if kind is dict or (kind is not list and isinstance(value, dict)):
        if not value:
            parts.append("{}")
            return
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            key_text = keys.get(key)
            if key_text is None:
                key_text = encode_basestring(_key(key)) + ": "
                if type(key) is str:
                    keys[key] = key_text
            kind = type(item)
            if kind is str:
                parts.append(separator + key_text + encode_basestring(item))
            elif kind is int:
                parts.append(separator + key_text + int.__repr__(item))
            else:
                text = _leaf(item, default)
                if text is None:
                    parts.append(separator + key_text)
                    _write(item, inner, parts, keys, default)
                else:
                    parts.append(separator + key_text + text)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple or isinstance(value, _ARRAYS):
        if not value:
            parts.append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            text = _leaf(item, default)
            if text is None:
                parts.append(separator)
                _write(item, inner, parts, keys, default)
            else:
                parts.append(separator + text)
            separator = "," + inner
        parts.append(newline + "]")
    else:
        text = _leaf(value, default)
        if text is None:  # what `default` made of it is itself an object or an array
            assert default is not None
            _write(default(value), newline, parts, keys, default)
        else:
            parts.append(text)


_ARRAYS = (list, tuple)
_CONTAINERS = (dict, list, tuple)


def _leaf(value: Any, default: Callable[[Any], Any] | None) -> str | None:
    """The text of a value that is not an object or an array (after `default`), else None."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is dict or kind is list:
        return None
    text = _scalar(value)
    if text is not None or isinstance(value, _CONTAINERS):
        return text
    if default is None:
        raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")
    made = default(value)
    return None if isinstance(made, _CONTAINERS) else _leaf(made, default)


def _scalar(value: Any) -> str | None:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float.__repr__(value)
        if value != value:
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _key(key: Any) -> str:
    """A key as JSON writes it: strings as they are, numbers, booleans and null as text."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, int | float):
        text = _scalar(key)
        assert text is not None
        return text
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
