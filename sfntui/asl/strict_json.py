"""JSON from outside, read as AWS reads it: no NaN or Infinity, bounded depth and number size.

Python's `json` accepts `NaN`, `Infinity` and `-Infinity`, which are not JSON and which AWS
refuses (an input or a task result holding one fails with States.Runtime or is rejected as
invalid JSON); once inside, they make every `--json` output invalid. It raises RecursionError,
not a ValueError, on deep nesting, and ValueError about Python's own limit on an integer of
more than 4,300 digits. A lone surrogate (`"\\ud800"`) is valid JSON text but not Unicode: AWS
rejects it as invalid UTF-8, and Python cannot write it to a terminal or a file.

`parse_json` refuses all of these with one sentence (`JsonValueError`, a ValueError), and
`check_json_value` does the same for a value that did not come from text (a handler's result).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: Deeper than this, a value is refused. AWS has no documented nesting limit, but its payloads
#: are at most 256 KiB; 512 levels is more than any real document and leaves room under
#: Python's recursion limit for the engine's own recursive walks (templates, JSONPath).
MAX_DEPTH = 512

#: Python's own limit on int <-> str conversion (sys.get_int_max_str_digits()).
MAX_INTEGER_DIGITS = 4300

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]|\\u[dD][c-fC-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonValueError(ValueError):
    """JSON that AWS would refuse; its message is one sentence.

    `reason` is the sentence without the name of what was read; `line` and `column` are where
    a syntax error is, when it is one.
    """

    def __init__(self, message: str, reason: str = "", line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.reason = reason or message
        self.line = line
        self.column = column


def _refuse_constant(name: str) -> Any:
    raise JsonValueError(f"{name} is not a JSON number (AWS refuses NaN and Infinity)")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise JsonValueError(
            f"a number has {digits} digits; sfntui reads integers of up to "
            f"{MAX_INTEGER_DIGITS} digits"
        )
    return int(text)


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JsonValueError(f"the number {text[:20]} is too large for a JSON number")
    return number


def parse_json(text: str | bytes, what: str = "the JSON text") -> Any:
    """`json.loads` that refuses what AWS refuses; JsonValueError names `what` and the reason."""
    try:
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_int=_integer, parse_float=_float
        )
    except JsonValueError as exc:
        raise JsonValueError(f"{what} is not valid JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise JsonValueError(
            f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            f"not valid JSON: {exc.msg}",
            exc.lineno,
            exc.colno,
        ) from None
    except RecursionError:
        raise JsonValueError(
            f"{what} is nested too deeply (sfntui reads up to {MAX_DEPTH} levels)"
        ) from None
    except ValueError as exc:  # a float overflow, an encoding the json module refuses
        raise JsonValueError(f"{what} is not valid JSON: {exc}") from None
    needs_surrogate_check = isinstance(text, str) and _SURROGATE_ESCAPE.search(text) is not None
    check_json_value(value, what, strings=needs_surrogate_check, numbers=False)
    return value


def check_json_value(
    value: Any, what: str = "the value", *, strings: bool = True, numbers: bool = True
) -> None:
    """Refuse, with one sentence, a value AWS would not accept as JSON.

    Always checks the depth; with `numbers`, NaN, infinities and integers too long to write;
    with `strings`, lone surrogates (in keys and values).
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth > MAX_DEPTH:
                raise JsonValueError(_too_deep(what))
            for key, child in item.items():
                if strings and isinstance(key, str) and _SURROGATE.search(key):
                    raise JsonValueError(_surrogate(what))
                if isinstance(child, dict | list):
                    stack.append((child, depth + 1))
                elif strings or numbers:
                    _check_scalar(child, what, strings, numbers)
        elif isinstance(item, list):
            if depth > MAX_DEPTH:
                raise JsonValueError(_too_deep(what))
            for child in item:
                if isinstance(child, dict | list):
                    stack.append((child, depth + 1))
                elif strings or numbers:
                    _check_scalar(child, what, strings, numbers)
        elif strings or numbers:
            _check_scalar(item, what, strings, numbers)


def _check_scalar(item: Any, what: str, strings: bool, numbers: bool) -> None:
    if strings and isinstance(item, str):
        if _SURROGATE.search(item):
            raise JsonValueError(_surrogate(what))
    elif numbers and isinstance(item, float):
        if not math.isfinite(item):
            raise JsonValueError(
                f"{what} holds {item!r}, which is not a JSON number (AWS refuses NaN and Infinity)"
            )
    elif (
        numbers
        and isinstance(item, int)
        and not isinstance(item, bool)
        and item.bit_length() > MAX_INTEGER_DIGITS * 3.32
    ):
        raise JsonValueError(f"{what} holds an integer of more than {MAX_INTEGER_DIGITS} digits")


def _too_deep(what: str) -> str:
    return f"{what} is nested too deeply (sfntui reads up to {MAX_DEPTH} levels)"


def _surrogate(what: str) -> str:
    return (
        f"{what} holds a lone surrogate (a \\ud800-\\udfff escape without its pair), which is "
        "not valid Unicode; AWS refuses it"
    )
