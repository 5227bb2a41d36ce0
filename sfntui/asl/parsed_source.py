"""What the loader's position-tracking JSON and YAML parsers give back.

A parse yields the document's value and, for every JSON pointer (RFC 6901) in it, the 1-based
(line, column) of the member's key or of the array item's value, so a finding can name the spot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Deeper nesting is refused at load time. No real definition comes near it, and the limit keeps
#: every recursive walk over a definition (templates, validation, evaluation) far from Python's
#: recursion limit.
MAX_DEPTH = 200

Position = tuple[int, int]


@dataclass(frozen=True)
class BlockScalar:
    """A YAML literal block scalar (`|`): its content lines map one to one onto file lines."""

    first_line: int  # 1-based file line of the scalar's first content line
    indent: int  # columns of indentation YAML strips from each content line


@dataclass(frozen=True)
class ParsedSource:
    value: Any
    positions: Mapping[str, Position]
    block_scalars: dict[str, BlockScalar] = field(default_factory=dict)


class SourceError(Exception):
    """A problem found while reading a text; the loader adds the file name."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def pointer_token(key: str) -> str:
    """`key` escaped as one JSON pointer reference token (RFC 6901: `~` -> `~0`, `/` -> `~1`)."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


def too_deep(line: int | None = None, column: int | None = None) -> SourceError:
    return SourceError(f"nested more than {MAX_DEPTH} levels deep", line, column)
