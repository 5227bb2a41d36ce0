"""Diagnostics, the report that collects them, and the small words they are written with.

A diagnostic names the offending field by its RFC 6901 JSON pointer (`/States/Foo/Next`), so
an editor or the CLI can show it at the right line whatever the file's format was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Diagnostic:
    """One finding: an error (AWS would refuse the definition), a warning (AWS would deploy
    it, but it is likely a mistake) or a note (how the definition was read)."""

    severity: Severity
    pointer: str
    state: str | None
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line is not None else ""
        return f"{where}{self.severity}: {self.pointer or '/'}: {self.message}"


def escape(token: str) -> str:
    """A JSON pointer reference token: `~` and `/` escaped as RFC 6901 says."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def child(pointer: str, *tokens: str | int) -> str:
    for token in tokens:
        pointer += "/" + escape(token if type(token) is str else str(token))
    return pointer


@dataclass(frozen=True)
class Where:
    """The state being checked: its pointer, its name and the query language it uses."""

    pointer: str
    state: str | None
    language: str

    def at(self, *tokens: str | int) -> str:
        return child(self.pointer, *tokens)

    @property
    def jsonata(self) -> bool:
        return self.language == "JSONata"


class Report:
    """Collects diagnostics in the order they are found; `validate` sorts them afterwards."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        #: The Error names the machine's Fail states throw (custom `States.` names are theirs).
        self.thrown: set[str] = set()

    def error(self, pointer: str, state: str | None, message: str) -> None:
        self.diagnostics.append(Diagnostic("error", pointer, state, message))

    def warning(self, pointer: str, state: str | None, message: str) -> None:
        self.diagnostics.append(Diagnostic("warning", pointer, state, message))

    def note(self, pointer: str, state: str | None, message: str) -> None:
        self.diagnostics.append(Diagnostic("note", pointer, state, message))


def describe(value: Any) -> str:
    """How a message names a JSON value's type: 'a string', 'an array', 'null'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def quoted(value: Any, limit: int = 60) -> str:
    """A value shown inside a message, cut short when long."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
