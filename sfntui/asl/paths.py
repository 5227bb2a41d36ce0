"""JSONPath and reference paths, with the semantics AWS Step Functions gives them.

A path is compiled once, when the definition loads. A *definite* path made only of field
names and array indexes (`$.a.b[0]`, `$['x y']`) compiles to a tuple of steps walked
directly; anything else (`[*]`, slices, filters, `..`, unions) is handed to jsonpath-ng, and
AWS's rule applies: an indefinite path yields a list, a definite one a single value.

Three roots exist: `$` (the document at hand), `$$` (the context object) and, for
variables, `$name`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sfntui.asl.errors import ExpressionSyntaxError, PathNotFoundError

Root = Literal["input", "context", "variable"]

_MISSING = object()

_SIMPLE_STEP = re.compile(
    r"""\.(?P<dot>[^.\[\]()*?,'"\s=<>!&|@$]+)"""
    r"""|\[\s*'(?P<sq>(?:[^'\\]|\\.)*)'\s*\]"""
    r"""|\[\s*"(?P<dq>(?:[^"\\]|\\.)*)"\s*\]"""
    r"""|\[\s*(?P<idx>-?\d+)\s*\]"""
)
#: A single `.` right before `[` (not the `..[` of a deep scan).
_JAYWAY_DOT_BRACKET = re.compile(r"(?<!\.)\.(?=\[)")
_VARIABLE_ROOT = re.compile(r"\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)")


def normalized(steps: tuple[str | int, ...]) -> str:
    """Render steps the way AWS's error messages do: `$['a']['b'][0]`."""
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f"['{s}']" for s in steps)


def _simple_steps(tail: str) -> tuple[str | int, ...] | None:
    steps: list[str | int] = []
    pos = 0
    while pos < len(tail):
        match = _SIMPLE_STEP.match(tail, pos)
        if match is None:
            return None
        if match["dot"] is not None:
            steps.append(match["dot"])
        elif match["sq"] is not None:
            steps.append(match["sq"].replace("\\'", "'"))
        elif match["dq"] is not None:
            steps.append(match["dq"].replace('\\"', '"'))
        else:
            steps.append(int(match["idx"]))
        pos = match.end()
    return tuple(steps)


def _is_definite(expr: Any) -> bool:
    from jsonpath_ng import jsonpath as jp

    if isinstance(expr, jp.Root | jp.This):
        return True
    if isinstance(expr, jp.Child):
        return _is_definite(expr.left) and _is_definite(expr.right)
    if isinstance(expr, jp.Fields):
        return len(expr.fields) == 1 and expr.fields[0] != "*"
    if isinstance(expr, jp.Index):
        return len(getattr(expr, "indices", (0,))) == 1
    return False


@dataclass(frozen=True)
class JsonPath:
    """A compiled JSONPath (`$.a`), context path (`$$.Execution.Id`) or variable path (`$x.a`)."""

    text: str
    root: Root
    variable: str | None = None
    steps: tuple[str | int, ...] | None = None
    definite: bool = True
    _expr: Any = field(default=None, compare=False, repr=False)

    @property
    def is_reference(self) -> bool:
        """A reference path names one node by fields and indexes only (ResultPath needs one)."""
        return self.steps is not None

    def _document(self, document: Any, context: Any, variables: Mapping[str, Any] | None) -> Any:
        if self.root == "input":
            return document
        if self.root == "context":
            return context
        assert self.variable is not None
        if variables is None or self.variable not in variables:
            raise PathNotFoundError(self.text, f"The variable '${self.variable}' is not defined")
        return variables[self.variable]

    def find(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
    ) -> Any:
        """The value at this path, or PathNotFoundError when a definite path finds nothing."""
        data = self._document(document, context, variables)
        if self.steps is not None:
            for depth, step in enumerate(self.steps):
                data = _step(data, step)
                if data is _MISSING:
                    if depth == len(self.steps) - 1:
                        message = f"No results for path: {normalized(self.steps)}"
                    else:
                        message = f"Missing property in path {normalized(self.steps[: depth + 1])}"
                    raise PathNotFoundError(self.text, message)
            return data
        matches = self._expr.find(data)
        if self.definite:
            if not matches:
                raise PathNotFoundError(self.text, f"No results for path: {self.text}")
            return matches[0].value
        return [m.value for m in matches]


def _step(data: Any, step: str | int) -> Any:
    if isinstance(step, int):
        if isinstance(data, list) and -len(data) <= step < len(data):
            return data[step]
        return _MISSING
    if isinstance(data, dict):
        return data.get(step, _MISSING)
    return _MISSING


_CACHE: dict[str, JsonPath] = {}


def compile_path(text: str) -> JsonPath:
    """Compile a JSONPath, context path or variable path; ExpressionSyntaxError if malformed."""
    cached = _CACHE.get(text)
    if cached is not None:
        return cached
    if not isinstance(text, str) or not text.startswith("$"):
        raise ExpressionSyntaxError(
            str(text), f"'{text}' is not a JSONPath: it must begin with '$'"
        )
    variable = None
    if text.startswith("$$"):
        root: Root = "context"
        tail = text[2:]
    elif (match := _VARIABLE_ROOT.match(text)) is not None:
        root, variable, tail = "variable", match["name"], text[match.end() :]
    else:
        root, tail = "input", text[1:]
    steps = _simple_steps(tail)
    if steps is not None:
        path = JsonPath(text, root, variable, steps, True)
    else:
        expr = _parse_jsonpath("$" + tail, text)
        path = JsonPath(text, root, variable, None, _is_definite(expr), expr)
    if len(_CACHE) < 10_000:
        _CACHE[text] = path
    return path


def compile_reference_path(text: str) -> JsonPath:
    """Compile a reference path: a definite path of field names and indexes only."""
    path = compile_path(text)
    if not path.is_reference or path.root == "context":
        raise ExpressionSyntaxError(text, f"'{text}' is not a valid reference path")
    return path


def _parse_jsonpath(jsonpath_text: str, original: str) -> Any:
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext import parse

    try:
        return parse(jsonpath_text)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        jayway = _JAYWAY_DOT_BRACKET.sub("", jsonpath_text)
        if jayway != jsonpath_text:  # `$.[?(@.n > 0)]`: Jayway, which AWS follows, reads `$[...]`
            try:
                return parse(jayway)
            except (JsonPathLexerError, JsonPathParserError, Exception):
                pass
        raise ExpressionSyntaxError(
            original, f"'{original}' is not a valid JSONPath: {exc}"
        ) from None


def set_at(document: Any, path: JsonPath, value: Any) -> Any:
    """Return a copy of `document` with `value` placed at a reference path (AWS ResultPath).

    Only the containers along the path are copied; missing objects along the way are created.
    """
    assert path.steps is not None
    if not path.steps:
        return value
    return _set(document, path.steps, 0, value, path)


def _set(node: Any, steps: tuple[str | int, ...], depth: int, value: Any, path: JsonPath) -> Any:
    step = steps[depth]
    last = depth == len(steps) - 1
    if isinstance(step, int):
        if not isinstance(node, list) or not -len(node) <= step < len(node):
            raise PathNotFoundError(
                path.text, f"Missing property in path {normalized(steps[: depth + 1])}"
            )
        copy = list(node)
        copy[step] = value if last else _set(node[step], steps, depth + 1, value, path)
        return copy
    if node is None or node is _MISSING:
        node = {}
    if not isinstance(node, dict):
        raise PathNotFoundError(
            path.text, f"Invalid path '{path.text}': cannot set a field inside a {_type(node)}"
        )
    updated = dict(node)
    updated[step] = value if last else _set(node.get(step, _MISSING), steps, depth + 1, value, path)
    return updated


def _type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else "object"
