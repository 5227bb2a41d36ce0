"""JSONata, the second query language of Step Functions, on top of jsonata-python.

A field holds JSONata when its whole string is `{% ... %}` (no whitespace outside the
delimiters: `" {% x %} "` is a plain string). The expression is parsed once, by
`compile_jsonata`, and evaluated many times against a fresh frame that binds `$states`,
the workflow variables and the evaluation's clock and budget; nothing is re-parsed.

What AWS adds to JSONata 2.0: `$partition`, `$range`, `$hash`, `$random([seed])`, `$uuid`
and `$parse`. `$now()` and `$millis()` answer from the engine's clock. Results come back as
plain JSON values (lists, dicts, str, int, float, bool, None); a whole number computed by
JSONata is an int, as AWS prints it. Failures become `States.QueryEvaluationError` with
AWS's wording, and error messages are rendered the way JSONata's reference implementation
renders them (`T2001: The left side of the "+" operator must evaluate to a number`).

A runaway expression stops after `time_limit` seconds or `depth_limit` nested evaluation
steps: the check runs on the library's evaluate-entry callback (as its `Timebox` does),
so one call into a built-in (a `$sort` of a huge array) is not interrupted midway.

Most expressions in state machines are paths, comparisons, constructors and a few
functions: `jsonata_fast` compiles those to closures at load time, about ten times faster
than the library's evaluator, with the same results. Anything else, and every error, is
evaluated by the library, so wording and budgets stay the library's.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import time
import uuid
from collections import ChainMap
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from jsonata import JException, Jsonata
from jsonata.functions import Functions
from jsonata.utils import Utils

from sfntui.asl.errors import QUERY_EVALUATION_ERROR, ExpressionSyntaxError, StatesError
from sfntui.asl.jsonata_fast import FastExpression, Scope, compile_fast

__all__ = [
    "UNDEFINED",
    "JsonataExpression",
    "compile_jsonata",
    "is_jsonata_template",
    "jsonata_text",
]


class _Undefined:
    """JSONata's `undefined`: no value at all, as opposed to JSON `null`."""

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()

_NULL = Utils.NULL_VALUE  # the library's JSON null; a bare Python None means undefined to it
_MISSING = object()
_LARGEST_PRINTED_INTEGER = 1e21  # JavaScript prints larger numbers in exponent form
_LARGEST_PRINTED_INT = 10**21  # the same bound, exactly, compared faster with an int
_MAX_RANGE_ITEMS = 10_000_000  # the same cap as JSONata's own range operator


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


def compile_jsonata(text: str) -> JsonataExpression:
    """Parse `text` (the expression inside the delimiters) once, for many evaluations.

    Raises `ExpressionSyntaxError` with JSONata's code and message (`S0201: Syntax error:
    ";"`) and the character position the parser stopped at.
    """
    cached = _COMPILED.get(text)
    if cached is not None:
        return cached
    expression = _compile_jsonata(text)
    if len(_COMPILED) < 10_000:
        _COMPILED[text] = expression
    return expression


#: Compiled expressions by text: validation compiles each expression to check it, and the
#: model is built from the same text right after. (Expressions hold no state of a run.)
_COMPILED: dict[str, JsonataExpression] = {}


def _compile_jsonata(text: str) -> JsonataExpression:
    if not text.strip():
        raise ExpressionSyntaxError(text, "S0207: Unexpected end of expression", len(text))
    try:
        compiled = Jsonata(text)
    except JException as error:
        position = error.location if error.location >= 0 else None
        raise ExpressionSyntaxError(text, _describe(error), position) from None
    except RecursionError:
        raise ExpressionSyntaxError(text, "The expression is nested too deeply", None) from None
    fast = compile_fast(compiled.ast, _FUNCTIONS_FRAME)
    if fast is None:
        return JsonataExpression(text, compiled)
    # The library's tree is some 30 objects an expression (a definition's worth would keep
    # the garbage collector busy): an expression in closures gets it back only if it ever
    # hands over to the library.
    return JsonataExpression(text, None, fast)


@dataclass(frozen=True)
class JsonataExpression:
    """A parsed JSONata expression; evaluating it never parses again, except once for an
    expression compiled to closures the first time it hands over to the library (an error,
    an unusual value), since its parse is not kept from load time."""

    text: str
    #: The library's parse; None when `_fast` holds the expression (see `_library_tree`).
    _compiled: Any = field(repr=False, compare=False)
    #: The same expression as closures, when it is within the subset `jsonata_fast` compiles.
    _fast: FastExpression | None = field(default=None, repr=False, compare=False)

    def evaluate(
        self,
        states: Mapping[str, Any],
        variables: Mapping[str, Any] | None = None,
        *,
        field: str = "",
        now: datetime | None = None,
        time_limit: float = 5.0,
        depth_limit: int = 500,
        allow_undefined: bool = False,
        document: Any = None,
    ) -> Any:
        """The expression's value with `$states` and each variable `name` bound as `$name`.

        `document` is what a bare `$` means (the debugger's conditions and watches read the
        state's data that way); Step Functions' own fields leave it unset.

        `field` names where the expression sits (`Output/result`), for the error's cause.
        With `allow_undefined`, an undefined result comes back as `UNDEFINED` instead of
        raising.
        """
        fast = self._fast
        # A list as `$` is wrapped and iterated by the library in ways the closures skip.
        if fast is not None and fast.depth <= depth_limit and not isinstance(document, list):
            result = _evaluate_fast(fast, states, variables, document, now, time_limit)
            if result is not _FALL_BACK:
                return self._result(result, field, allow_undefined)
        run = _Run(now, time_limit, depth_limit)
        frame = _RunFrame(variables)
        bindings = frame.bindings
        bindings["states"] = states if type(states) is dict else dict(states)
        bindings["__evaluate_entry"] = run.enter
        bindings["__evaluate_exit"] = run.leave
        token = _CURRENT_RUN.set(run)
        try:
            compiled = self._compiled or _library_tree(self.text)
            result = compiled.eval(compiled.ast, document, frame)
            if not (
                result is None or result is _NULL or _is_bound_value(result, states, variables)
            ):
                result = _to_json(result)  # the engine's own values are plain JSON already
        except _UnsupportedResult:
            raise self._failure(field, "returned an unsupported result type.") from None
        except RecursionError:
            raise self._thrown(field, _depth_message(None)) from None
        except Exception as error:
            # When the budget ran out, that is the error, whatever the library made of it.
            raise self._thrown(field, run.exceeded or _error_text(error)) from None
        finally:
            _CURRENT_RUN.reset(token)
        return self._result(result, field, allow_undefined)

    def _result(self, result: Any, field_name: str, allow_undefined: bool) -> Any:
        if result is None:
            if allow_undefined:
                return UNDEFINED
            raise self._failure(field_name, "returned nothing (undefined).")
        return None if result is _NULL else result

    def _failure(self, field_name: str, what: str) -> StatesError:
        return StatesError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{self.text}' specified for the field '{field_name}' {what}",
            in_state=True,
        )

    def _thrown(self, field_name: str, message: str) -> StatesError:
        return self._failure(field_name, f"threw an error during evaluation. {message}")


@lru_cache(maxsize=1024)
def _library_tree(text: str) -> Any:
    """The library's parse of an expression that closures hold, for when they hand over."""
    return Jsonata(text)


# --- the common case: the expression compiled to closures ----------------------------------

_FALL_BACK = object()


def _evaluate_fast(
    fast: FastExpression,
    states: Mapping[str, Any],
    variables: Mapping[str, Any] | None,
    document: Any,
    now: datetime | None,
    time_limit: float,
) -> Any:
    """The result as the library's path would hand it on, or `_FALL_BACK` for the library.

    Every error falls back, so that the library raises it with its own wording, and so does
    an evaluation that overran the time limit (a `$merge` of a huge array): the library then
    decides, with its own checks, whether that is a timeout.
    """
    started = time.monotonic()
    scope = Scope(states if type(states) is dict else dict(states), variables, document)
    if fast.called and fast.hidden(scope):
        return _FALL_BACK
    token = _CURRENT_RUN.set(_Run(now, time_limit, 0)) if fast.uses_clock else None
    try:
        result = fast.run(scope)
        kind = type(result)
        if kind is dict or kind is list:
            if fast.builds_result or not _is_handed_in(result, states, scope.variable_scopes):
                result = _to_json(result)
        elif not (kind is str or kind is bool or result is None or result is _NULL):
            result = _to_json(result)
    except Exception:
        return _FALL_BACK
    finally:
        if token is not None:
            _CURRENT_RUN.reset(token)
    if time.monotonic() - started > time_limit:
        return _FALL_BACK
    return result


def _is_handed_in(result: Any, states: Mapping[str, Any], scopes: tuple[Any, ...]) -> bool:
    """`_is_bound_value` over the variables' scopes, innermost first, as `Scope` holds them."""
    for value in states.values():
        if value is result:
            return True
    for position, scope in enumerate(scopes):
        for name, value in scope.items():
            if value is result and not any(name in inner for inner in scopes[:position]):
                return True
    return False


# --- one evaluation: its frame, clock and budget ------------------------------------------


class _Run:
    """The clock and the time and depth budget of one evaluation."""

    __slots__ = ("now", "_millis", "time_limit", "deadline", "depth", "depth_limit", "exceeded")

    def __init__(self, now: datetime | None, time_limit: float, depth_limit: int) -> None:
        self.now = now
        self._millis: int | None = None
        self.time_limit = time_limit
        self.deadline = time.monotonic() + time_limit
        self.depth = 0
        self.depth_limit = depth_limit
        self.exceeded: str | None = None

    def enter(self, expr: Any, input: Any, environment: Any) -> None:  # noqa: A002
        self.depth += 1
        if self.exceeded is not None:  # something swallowed the first error: stop again
            raise JException("D1012", -1)
        if self.depth > self.depth_limit:
            self.exceeded = _depth_message(self.depth_limit)
            raise JException("D1011", -1)
        if time.monotonic() > self.deadline:
            self.exceeded = (
                f"D1012: Evaluation timeout after {round(self.time_limit * 1000)} milliseconds. "
                "Check for infinite loop"
            )
            raise JException("D1012", -1)

    def leave(self, expr: Any, input: Any, environment: Any, result: Any) -> None:  # noqa: A002
        self.depth -= 1

    def millis(self) -> int:
        """Milliseconds since the epoch, fixed for the whole evaluation as JSONata requires."""
        if self._millis is None:
            if self.now is None:
                self._millis = time.time_ns() // 1_000_000
            else:
                moment = self.now if self.now.tzinfo else self.now.replace(tzinfo=UTC)
                self._millis = (moment - _EPOCH) // _ONE_MILLISECOND
        return self._millis


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MILLISECOND = datetime.resolution * 1000
_CURRENT_RUN: ContextVar[_Run] = ContextVar("sfntui_jsonata_run")


def _depth_message(limit: int | None) -> str:
    where = f"deeper than {limit} levels" if limit is not None else "too deeply for the stack"
    return (
        f"D1011: Stack overflow: the expression nested {where}. "
        "Check for non-terminating recursive function. Consider rewriting as tail-recursive"
    )


class _RunFrame(Jsonata.Frame):
    """The root frame of one evaluation: its own bindings, then the variables, then functions.

    The variables are looked up in the engine's mapping instead of being copied in, so an
    evaluation costs the same however many variables are in scope. A JSON null in a variable
    becomes the library's null: a bare None would read as undefined.
    """

    def __init__(self, variables: Mapping[str, Any] | None) -> None:
        super().__init__(_FUNCTIONS_FRAME)
        self.variables = variables

    def lookup(self, name: str) -> Any:
        value = self.bindings.get(name, _MISSING)
        if value is not _MISSING:
            return value
        if self.variables is not None:
            value = self.variables.get(name, _MISSING)
            if value is not _MISSING:
                return _NULL if value is None else value
        return self.parent.lookup(name)


def _is_bound_value(result: Any, states: Mapping[str, Any], variables: Any) -> bool:
    """Whether `result` is one of the values handed in (`$states.input`, `$name`) as it is."""
    if type(result) is not dict and type(result) is not list:
        return False
    for value in states.values():
        if value is result:
            return True
    if not variables:
        return False
    if isinstance(variables, ChainMap):
        # Its values() merges the keys of every scope; look in each scope instead, and make
        # sure a scope's value is not hidden by an inner scope's.
        for scope in variables.maps:
            for name, value in scope.items():
                if value is result and variables[name] is result:
                    return True
        return False
    return any(result is value for value in variables.values())


# --- results -------------------------------------------------------------------------------


class _UnsupportedResult(Exception):
    """A function, a regex or another value JSON cannot hold."""


def _to_json(value: Any) -> Any:
    """The library's value as plain JSON, copying only the containers that need a change.

    Sequences become lists, the library's null becomes None, and an integer too large for
    JavaScript to print in full becomes a float. A None inside a container is a JSON null
    that came from the input, and stays.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -_LARGEST_PRINTED_INTEGER < value < _LARGEST_PRINTED_INTEGER:
            return value
        return float(value)
    if kind is float:
        if math.isfinite(value):
            return value
        raise JException("D1001", -1, value)
    if kind is dict:
        changed: dict[str, Any] | None = None
        for key, item in value.items():
            leaf = type(item)  # the common leaves are checked here, without a call
            if leaf is int:
                if -_LARGEST_PRINTED_INT < item < _LARGEST_PRINTED_INT:
                    continue
            elif leaf is str or item is None or leaf is bool:
                continue
            plain = _to_json(item)
            if plain is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = plain
        return value if changed is None else changed
    if kind is list:
        copied: list[Any] | None = None
        index = -1
        for item in value:
            index += 1
            leaf = type(item)
            if leaf is int:
                if -_LARGEST_PRINTED_INT < item < _LARGEST_PRINTED_INT:
                    continue
            elif leaf is str or item is None or leaf is bool:
                continue
            plain = _to_json(item)
            if plain is not item:
                if copied is None:
                    copied = list(value)
                copied[index] = plain
        return value if copied is None else copied
    if value is _NULL:
        return None
    if isinstance(value, list):  # a sequence or a range
        return [_to_json(item) for item in value]
    raise _UnsupportedResult


# --- error messages ------------------------------------------------------------------------

_INSERT = re.compile(r"\{\{\{?\w+\}\}\}?")
_ARRAY_TYPE_NAMES = {
    "a": "arrays",
    "b": "booleans",
    "f": "functions",
    "n": "numbers",
    "o": "objects",
    "s": "strings",
}


def _describe(error: Any) -> str:
    """`CODE: message`, worded as JSONata's reference implementation words it.

    The Python port renders inserts with `str()` and says "Object" where the original says
    "function"; the original quotes `{{value}}` inserts as JSON and leaves `{{{value}}}` bare.
    """
    code = getattr(error, "error", None)
    template = JException.error_codes.get(code) if code else None
    if template is None:
        return f"{code}: {error}" if code else str(error)
    template = template.replace("Object", "function")
    inserts = [error.current, error.expected, error.extra]
    if code == "T0412" and len(inserts) > 2:
        inserts[2] = _ARRAY_TYPE_NAMES.get(str(inserts[2]), inserts[2])
    position = iter(inserts)

    def fill(match: re.Match[str]) -> str:
        value = next(position, None)
        if match.group().startswith("{{{"):
            return "undefined" if value is None else str(value)
        return _as_json_text(value)

    return f"{code}: {_INSERT.sub(fill, template)}"


def _error_text(error: Exception) -> str:
    if isinstance(error, JException):
        return _describe(error)
    if isinstance(error, ZeroDivisionError):  # JavaScript's Infinity, which JSON cannot hold
        return "D1001: Number out of range: null"
    return f"{type(error).__name__}: {error}"


def _as_json_text(value: Any) -> str:
    if value is None:
        return "undefined"
    if value is _NULL:
        return "null"
    try:
        return json.dumps(_to_json(value), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, _UnsupportedResult, JException):
        return str(value)


# --- AWS's functions -----------------------------------------------------------------------


class _Native(Jsonata.JFunctionCallable):
    """A Python function callable from JSONata; arguments arrive checked by the signature."""

    def __init__(self, implementation: Callable[..., Any]) -> None:
        self.implementation = implementation

    def call(self, input: Any, args: Any) -> Any:  # noqa: A002
        result = self.implementation(*(args or ()))
        if isinstance(result, float) and result.is_integer():
            return Utils.convert_number(result)
        return result


def _fail(message: str) -> JException:
    return JException("D3137", -1, message)


def _integer(value: Any, what: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(f"The {what} must be an integer")
    return value


def _partition(array: Any, size: Any) -> Any:
    if array is None:
        return None
    size = _integer(size, "chunk size of $partition")
    if size < 1:
        raise _fail("The chunk size of $partition must be a positive integer")
    items = list(array)
    return [items[start : start + size] for start in range(0, len(items), size)]


def _range(start: Any, end: Any, step: Any) -> Any:
    if start is None or end is None or step is None:
        return None
    if step == 0:
        raise _fail("The step of $range must not be zero")
    count = math.floor((end - start) / step) + 1
    if count <= 0:
        return []
    if count > _MAX_RANGE_ITEMS:
        raise _fail(f"$range would allocate {count} items, more than {_MAX_RANGE_ITEMS}")
    # A sequence, as AWS returns it: a single item comes out as that item.
    return Utils.create_sequence_from_iter(
        Utils.convert_number(start + index * step) for index in range(count)
    )


_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def _hash(value: Any, algorithm: Any) -> Any:
    if value is None:
        return None
    name = _HASHES.get(algorithm)
    if name is None:
        supported = ", ".join(_HASHES)
        raise _fail(f"The hash algorithm {algorithm!r} is not one of {supported}")
    return hashlib.new(name, value.encode("utf-8")).hexdigest()


def _random(seed: Any = None) -> float:
    if seed is None:
        return random.random()
    return random.Random(seed).random()


def _uuid() -> str:
    return str(uuid.uuid4())


def _whole_float(text: str) -> float | int:
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 1e21 else number


def _not_a_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse(text: Any) -> Any:
    if text is None:
        return None
    try:
        value = json.loads(text, parse_float=_whole_float, parse_constant=_not_a_constant)
    except ValueError as error:
        raise _fail(f"$parse could not read its argument as JSON: {error}") from None
    return _NULL if value is None else value


def _now(picture: Any = None, timezone: Any = None) -> Any:
    return Functions.datetime_from_millis(_CURRENT_RUN.get().millis(), picture, timezone)


def _millis() -> int:
    return _CURRENT_RUN.get().millis()


def _functions_frame() -> Any:
    frame = Jsonata.Frame(Jsonata.static_frame)
    for name, implementation, signature in (
        ("partition", _partition, "<an:a>"),
        ("range", _range, "<nnn:a>"),
        ("hash", _hash, "<ss:s>"),
        ("random", _random, "<n?:n>"),
        ("uuid", _uuid, "<:s>"),
        ("parse", _parse, "<s:x>"),
        ("now", _now, "<s?s?:s>"),
        ("millis", _millis, "<:n>"),
    ):
        frame.bind(name, Jsonata.JFunction(_Native(implementation), signature))
    return frame


_FUNCTIONS_FRAME = _functions_frame()
