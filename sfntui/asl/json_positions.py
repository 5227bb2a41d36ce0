"""JSON parsing that also records where each member and array item starts.

`json.loads` builds the value (fast, and it keeps the last of duplicate keys); a linear token scan
over the same text records the offset of every key and array item under its JSON pointer. The
scan costs several times the parse, and only a finding needs a position: it runs when a
position is first asked for. What it also refused (NaN and Infinity, nesting too deep) is
checked at parse time, and the scan then says where.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from sfntui.asl.parsed_source import (
    MAX_DEPTH,
    ParsedSource,
    Position,
    SourceError,
    pointer_token,
    too_deep,
)

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s{}\[\],:"]+')
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")


def parse_json(text: str) -> ParsedSource:
    """Parse `text` as strict JSON (no NaN or Infinity) with the position of every pointer."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise SourceError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        _scan_positions(text)  # raises the same, with the position where it gets too deep
        raise too_deep() from None
    except _NotStrictJson as constant:
        _scan_positions(text)  # raises the same, with the position of the constant
        raise SourceError(f"not valid JSON: {constant} is not a JSON value") from None
    if _deeper_than(value, MAX_DEPTH):
        _scan_positions(text)  # raises, with the position where it gets too deep
    return ParsedSource(value, _ScannedPositions(text))


class _NotStrictJson(Exception):
    """NaN or Infinity: JSON does not have them, though `json.loads` reads them."""


def _refuse_constant(name: str) -> Any:
    raise _NotStrictJson(name)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels deep in `value`."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below = []
        for node in level:
            for item in node.values() if type(node) is dict else node:
                if type(item) is dict or type(item) is list:
                    below.append(item)
        level = below
    return False


class _ScannedPositions(Mapping[str, Position]):
    """Positions of a text `parse_json` accepted, scanned when first read."""

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._positions: dict[str, Position] = {}

    def _scanned(self) -> dict[str, Position]:
        if self._text is not None:
            self._positions = _scan_positions(self._text)
            self._text = None
        return self._positions

    def __getitem__(self, pointer: str) -> Position:
        return self._scanned()[pointer]

    def __iter__(self) -> Iterator[str]:
        return iter(self._scanned())

    def __len__(self) -> int:
        return len(self._scanned())

    def __bool__(self) -> bool:
        return True  # a JSON text has at least its root value, at pointer ""


def _scan_positions(text: str) -> dict[str, Position]:
    """Offsets of keys and array items of a text `json.loads` accepted, as (line, column)."""
    offsets: dict[str, int] = {}
    stack: list[list] = []  # [pointer, is_array, index]
    pointer = ""  # the pointer of the next value
    expecting_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == ",":
            frame = stack[-1]
            if frame[1]:
                frame[2] += 1
                pointer = f"{frame[0]}/{frame[2]}"
            else:
                expecting_key = True
            continue
        if first == ":":
            continue
        if first == "}" or first == "]":
            stack.pop()
            expecting_key = False  # an empty object never saw the key it was waiting for
            continue
        if expecting_key:
            key = json.loads(token) if "\\" in token else token[1:-1]
            pointer = f"{stack[-1][0]}/{pointer_token(key)}"
            offsets[pointer] = match.start()
            expecting_key = False
            continue
        if not stack or stack[-1][1]:
            offsets[pointer] = match.start()
        if first == "{" or first == "[":
            if len(stack) >= MAX_DEPTH:
                raise too_deep(*_line_column(text, match.start()))
            is_array = first == "["
            stack.append([pointer, is_array, 0])
            if is_array:
                pointer = f"{pointer}/0"
            else:
                expecting_key = True
        elif first != '"' and not _SCALAR.fullmatch(token):
            line, column = _line_column(text, match.start())
            raise SourceError(f"not valid JSON: {token} is not a JSON value", line, column)
    return _offsets_to_positions(text, offsets)


def _offsets_to_positions(text: str, offsets: dict[str, int]) -> dict[str, Position]:
    line_starts = [0]
    line_starts.extend(match.end() for match in re.finditer("\n", text))
    positions: dict[str, Position] = {}
    for pointer, offset in offsets.items():
        line = bisect_right(line_starts, offset)
        positions[pointer] = (line, offset - line_starts[line - 1] + 1)
    return positions


def _line_column(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
