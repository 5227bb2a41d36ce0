"""The syntax of intrinsic calls: text in, a tree of plain syntax nodes out.

    call     := NAME '(' [argument (',' argument)*] ')'
    argument := string | number | 'true' | 'false' | 'null' | path | call
    NAME     := 'States.' identifier (any identifier: the caller checks it names a function)
    string   := "'" characters "'"   with the escapes \\' \\{ \\} \\\\ (and \\n \\t \\r)
    path     := '$' ...                a JSONPath, context path ($$) or variable path ($name)

Whitespace may appear between tokens. A path runs up to the first ',' ')' or whitespace that is
not inside brackets or quotes, so `$['a, b']` and `$.x[?(@.y == 1)]` stay whole.

This module knows nothing of what the functions do; `sfntui.asl.intrinsics` checks names and
argument counts and evaluates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.paths import JsonPath, compile_path

#: AWS allows intrinsic calls nested up to 10 deep inside one field.
MAX_NESTING = 10

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?\d+(?P<fraction>\.\d+)?(?P<exponent>[eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = {"true": True, "false": False, "null": None}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


@dataclass(frozen=True)
class StringSyntax:
    """A quoted string; `raw` keeps its escapes: States.Format tells `\\{` from `{` by them."""

    value: str
    raw: str
    start: int


@dataclass(frozen=True)
class LiteralSyntax:
    """A number, true, false or null."""

    value: int | float | bool | None
    start: int


@dataclass(frozen=True)
class PathSyntax:
    text: str
    path: JsonPath
    start: int


@dataclass(frozen=True)
class CallSyntax:
    name: str
    arguments: tuple[ArgumentSyntax, ...]
    start: int
    end: int


ArgumentSyntax = StringSyntax | LiteralSyntax | PathSyntax | CallSyntax


def unescape(raw: str) -> str:
    """The value of a string literal's text: a backslash makes the next character plain."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            following = raw[i + 1]
            out.append(_ESCAPES.get(following, following))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_call(text: str) -> CallSyntax:
    """Parse a whole intrinsic expression; ExpressionSyntaxError names what is wrong and where."""
    parser = _Parser(text)
    parser.skip_space()
    call = parser.call(depth=1)
    parser.skip_space()
    if parser.pos < len(text):
        parser.fail(f"unexpected {parser.describe_here()} after the end of the call")
    return call


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, position: int | None = None) -> NoReturn:
        where = self.pos if position is None else position
        raise ExpressionSyntaxError(
            self.text, f"Invalid intrinsic function '{self.text}': {message}", where
        )

    def describe_here(self) -> str:
        if self.pos >= len(self.text):
            return "end of text"
        return f"'{self.text[self.pos]}' at position {self.pos}"

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, char: str, what: str) -> None:
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] != char:
            self.fail(f"expected {what}, found {self.describe_here()}")
        self.pos += 1

    def call(self, depth: int) -> CallSyntax:
        start = self.pos
        if depth > MAX_NESTING:
            self.fail(f"intrinsic functions can be nested at most {MAX_NESTING} deep", start)
        match = _NAME.match(self.text, self.pos)
        if match is None:
            self.fail(
                f"expected a function name such as States.Format, found {self.describe_here()}"
            )
        name = match.group()
        self.pos = match.end()
        self.expect("(", f"'(' after {name}")
        arguments: list[ArgumentSyntax] = []
        self.skip_space()
        if self.pos < len(self.text) and self.text[self.pos] == ")":
            self.pos += 1
            return CallSyntax(name, (), start, self.pos)
        while True:
            self.skip_space()
            arguments.append(self.argument(depth))
            self.skip_space()
            if self.pos >= len(self.text):
                self.fail(f"the call to {name} is missing its closing ')'")
            char = self.text[self.pos]
            self.pos += 1
            if char == ")":
                return CallSyntax(name, tuple(arguments), start, self.pos)
            if char != ",":
                self.pos -= 1
                self.fail(
                    f"expected ',' or ')' in the call to {name}, found {self.describe_here()}"
                )

    def argument(self, depth: int) -> ArgumentSyntax:
        if self.pos >= len(self.text):
            self.fail("expected an argument, found end of text")
        char = self.text[self.pos]
        if char == "'":
            return self.string()
        if char == "$":
            return self.path()
        if char == "-" or char.isdigit():
            return self.number()
        word = _WORD.match(self.text, self.pos)
        if word is not None:
            after = self.pos + len(word.group())
            if word.group() in _KEYWORDS and not self.next_is(after, "(."):
                start = self.pos
                self.pos = after
                return LiteralSyntax(_KEYWORDS[word.group()], start)
            return self.call(depth + 1)
        self.fail(f"expected an argument, found {self.describe_here()}")

    def next_is(self, position: int, chars: str) -> bool:
        while position < len(self.text) and self.text[position].isspace():
            position += 1
        return position < len(self.text) and self.text[position] in chars

    def string(self) -> StringSyntax:
        start = self.pos
        i = self.pos + 1
        while i < len(self.text):
            char = self.text[i]
            if char == "\\":
                i += 2
                continue
            if char == "'":
                raw = self.text[start + 1 : i]
                self.pos = i + 1
                return StringSyntax(unescape(raw), raw, start)
            i += 1
        self.fail(f"the string starting at position {start} is not terminated", start)

    def number(self) -> LiteralSyntax:
        start = self.pos
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            self.fail(f"expected a number, found {self.describe_here()}")
        self.pos = match.end()
        if self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] in "._"
        ):
            self.fail(f"malformed number at position {start}", start)
        literal = match.group()
        if match["fraction"] is None and match["exponent"] is None:
            return LiteralSyntax(int(literal), start)
        return LiteralSyntax(float(literal), start)

    def path(self) -> PathSyntax:
        start = self.pos
        depth = 0
        quote: str | None = None
        i = self.pos
        while i < len(self.text):
            char = self.text[i]
            if quote is not None:
                if char == "\\":
                    i += 1
                elif char == quote:
                    quote = None
            elif char in "'\"" and depth > 0:
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (char == "," or char.isspace()):
                break
            i += 1
        text = self.text[start:i]
        try:
            path = compile_path(text)
        except ExpressionSyntaxError as exc:
            self.fail(f"{exc.message} (the path at position {start})", start)
        self.pos = i
        return PathSyntax(text, path, start)
