"""Intrinsic functions (`States.Format(...)`, `States.MathAdd(...)`, ...) of JSONPath states.

A call is compiled once, when the definition loads (`compile_intrinsic`), and evaluated for each
state run (`IntrinsicCall.evaluate`). Compiling rejects what AWS rejects when a definition is
created: bad syntax, an unknown function, a wrong number of arguments. Everything that depends
on the data fails at run time, as on AWS, with `States.Runtime` and a cause worded as AWS words
it: "The function '<the whole expression>' had the following error: <detail>".

AWS semantics kept here, recorded against AWS (the conformance corpus, and observations
published by other emulators):

- `States.Format` renders strings raw, numbers, booleans and null as JSON, and objects and
  arrays the way Java prints maps and lists: `{Arg1=1, Arg2=[]}`.
- `States.MathAdd` rounds fractional operands half up (Java's Math.round) and works in 32-bit
  integers; `States.ArrayRange`, `States.ArrayPartition`, `States.ArrayGetItem` and
  `States.MathRandom` truncate fractional numbers toward zero.
- `States.MathRandom` with a seed draws as `java.util.Random(seed).nextInt(end - start)`; the
  end is exclusive.
- `States.StringSplit` splits on any one of the delimiter characters and drops empty pieces.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sfntui.asl.errors import RUNTIME, ExpressionSyntaxError, PathNotFoundError, StatesError
from sfntui.asl.intrinsic_parser import (
    CallSyntax,
    LiteralSyntax,
    PathSyntax,
    StringSyntax,
    parse_call,
    unescape,
)
from sfntui.asl.paths import JsonPath

_LOOKS_LIKE_CALL = re.compile(r"\s*States\.[A-Za-z0-9_]+\s*\(")

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1
_MAX_RANGE_ITEMS = 1000
_MAX_TEXT_LENGTH = 10_000
_HASH_ALGORITHMS = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def is_intrinsic(text: str) -> bool:
    """Whether a `.$` value is an intrinsic call (`States.Xxx(`), rather than a path."""
    return isinstance(text, str) and _LOOKS_LIKE_CALL.match(text) is not None


def json_text(value: Any) -> str:
    """JSON as AWS writes it in intrinsics and causes: compact, non-ASCII characters kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Literal:
    """A string, number, boolean or null written in the call."""

    value: Any


@dataclass(frozen=True)
class PathArgument:
    """A `$.x`, `$$.x` or `$name.x` argument."""

    text: str
    path: JsonPath


@dataclass(frozen=True)
class FormatTemplate:
    """A States.Format template split at its `{}` placeholders; `pieces` is None if malformed."""

    pieces: tuple[str, ...] | None


@dataclass(frozen=True)
class _Scope:
    document: Any
    context: Any
    variables: Mapping[str, Any] | None
    uuid_factory: Callable[[], str] | None
    random_source: Any


class _CallFailed(Exception):
    """A failure inside the evaluation; the outermost call words it into a StatesError."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class IntrinsicCall:
    """A compiled intrinsic call; nested calls among its arguments are IntrinsicCalls too."""

    text: str
    name: str
    arguments: tuple[Argument, ...]
    template: FormatTemplate | None = field(default=None, compare=False, repr=False)

    def evaluate(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
        *,
        uuid_factory: Callable[[], str] | None = None,
        random_source: Any = None,
    ) -> Any:
        """The call's value for one state run.

        `document` is what `$` refers to, `context` the context object (`$$`), `variables` the
        workflow variables (`$name`). `uuid_factory` makes States.UUID values and
        `random_source` (anything with `randrange`, like `random.Random`) draws unseeded
        States.MathRandom values, so a run can be made reproducible.
        """
        scope = _Scope(document, context, variables, uuid_factory, random_source)
        try:
            return self._value(scope)
        except _CallFailed as failure:
            cause = f"The function '{self.text}' had the following error: {failure.detail}"
            raise StatesError(RUNTIME, cause, in_state=True) from None

    def path_arguments(self) -> Iterator[PathArgument]:
        """Every path argument, nested calls' included: what a validator checks references in."""
        for argument in self.arguments:
            if isinstance(argument, PathArgument):
                yield argument
            elif isinstance(argument, IntrinsicCall):
                yield from argument.path_arguments()

    def _value(self, scope: _Scope) -> Any:
        values = [_argument_value(argument, scope) for argument in self.arguments]
        return _FUNCTIONS[self.name].run(self, values, scope)


Argument = Literal | PathArgument | IntrinsicCall


def _argument_value(argument: Argument, scope: _Scope) -> Any:
    if isinstance(argument, Literal):
        return argument.value
    if isinstance(argument, IntrinsicCall):
        return argument._value(scope)
    try:
        return argument.path.find(scope.document, scope.context, scope.variables)
    except PathNotFoundError:
        # AWS names a context path as a path into the context object, and always shows the
        # state's input.
        shown = "$" + argument.text[2:] if argument.path.root == "context" else argument.text
        raise _CallFailed(
            f"The JsonPath argument for the field '{shown}' could not be found in the input "
            f"'{json_text(scope.document)}'"
        ) from None


# ---------------------------------------------------------------------------------------------
# Compiling


def compile_intrinsic(text: str) -> IntrinsicCall:
    """Compile an intrinsic expression, or raise ExpressionSyntaxError saying what is wrong."""
    if not isinstance(text, str):
        raise ExpressionSyntaxError(str(text), "An intrinsic function call must be a string", 0)
    return _build(parse_call(text), text, outermost=True)


def _build(syntax: CallSyntax, text: str, *, outermost: bool = False) -> IntrinsicCall:
    function = _FUNCTIONS.get(syntax.name)
    if function is None:
        raise ExpressionSyntaxError(text, _unknown_function_message(syntax.name), syntax.start)
    count = len(syntax.arguments)
    if count < function.min_args or (function.max_args is not None and count > function.max_args):
        raise ExpressionSyntaxError(text, function.arity_message(count), syntax.start)
    arguments: list[Argument] = []
    for argument in syntax.arguments:
        if isinstance(argument, CallSyntax):
            arguments.append(_build(argument, text))
        elif isinstance(argument, PathSyntax):
            arguments.append(PathArgument(argument.text, argument.path))
        elif isinstance(argument, StringSyntax):
            arguments.append(Literal(argument.value))
        else:
            assert isinstance(argument, LiteralSyntax)
            arguments.append(Literal(argument.value))
    template = None
    first = syntax.arguments[0] if syntax.arguments else None
    if syntax.name == "States.Format" and isinstance(first, StringSyntax):
        template = FormatTemplate(_split_template(first.raw))
    call_text = text if outermost else text[syntax.start : syntax.end]
    return IntrinsicCall(call_text, syntax.name, tuple(arguments), template)


def _unknown_function_message(name: str) -> str:
    if not name.startswith("States."):
        return f"'{name}' is not an intrinsic function: their names begin with 'States.'"
    close = difflib.get_close_matches(name, _FUNCTIONS, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"'{name}' is not an intrinsic function{hint}"


# ---------------------------------------------------------------------------------------------
# The functions

Implementation = Callable[[IntrinsicCall, list[Any], _Scope], Any]


@dataclass(frozen=True)
class _Function:
    name: str
    min_args: int
    max_args: int | None
    takes: str
    run: Implementation

    def arity_message(self, given: int) -> str:
        were = "was" if given == 1 else "were"
        return f"{self.name} takes {self.takes}, but {given} {were} given"


def _invalid(call: IntrinsicCall) -> _CallFailed:
    return _CallFailed(f"Invalid arguments in {call.name}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _truncated(call: IntrinsicCall, value: Any) -> int:
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        raise _invalid(call)
    return int(value)


def _rounded_int32(call: IntrinsicCall, value: Any) -> int:
    """Java's Math.round (half up), then a 32-bit range check."""
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        raise _invalid(call)
    number = math.floor(value + 0.5) if isinstance(value, float) else value
    if not _INT32_MIN <= number <= _INT32_MAX:
        raise _invalid(call)
    return int(number)


def _array(call: IntrinsicCall, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _invalid(call)
    return value


def _string(call: IntrinsicCall, value: Any) -> str:
    if not isinstance(value, str):
        raise _invalid(call)
    return value


def _limited_text(call: IntrinsicCall, value: str) -> str:
    if len(value) > _MAX_TEXT_LENGTH:
        raise _invalid(call)
    return value


def _equality_key(value: Any) -> Any:
    """A hashable stand-in with JSON equality: 1 == 1.0, but true != 1, and key order ignored."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(_equality_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _equality_key(item)) for key, item in value.items()))
    return ("other", repr(value))


def format_text(value: Any) -> str:
    """A value as States.Format shows it: strings raw, JSON scalars, Java-style maps and lists."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(format_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={format_text(item)}" for key, item in value.items()) + "}"
    return json_text(value)


def _split_template(raw: str) -> tuple[str, ...] | None:
    """Split a template at each `{}`; None when a brace is unmatched (AWS rejects those).

    `raw` keeps the backslash escapes, so `\\{` and `\\}` are plain braces.
    """
    pieces: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            current.append(unescape(raw[i : i + 2]))
            i += 2
        elif char == "{":
            if raw[i + 1 : i + 2] != "}":
                return None
            pieces.append("".join(current))
            current = []
            i += 2
        elif char == "}":
            return None
        else:
            current.append(char)
            i += 1
    pieces.append("".join(current))
    return tuple(pieces)


def _format(call: IntrinsicCall, args: list[Any], scope: _Scope) -> str:
    if call.template is not None:
        pieces = call.template.pieces
    else:
        pieces = _split_template(_string(call, args[0]))
    values = args[1:]
    if pieces is None or len(pieces) - 1 != len(values):
        raise _invalid(call)
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        out.append(format_text(value))
        out.append(piece)
    return "".join(out)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _string_to_json(call: IntrinsicCall, args: list[Any], scope: _Scope) -> Any:
    text = args[0]
    if text is None:
        return None
    text = _string(call, text)
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise _invalid(call) from None


def _json_to_string(call: IntrinsicCall, args: list[Any], scope: _Scope) -> str:
    return json_text(args[0])


def _array_of(call: IntrinsicCall, args: list[Any], scope: _Scope) -> list[Any]:
    return list(args)


def _array_partition(call: IntrinsicCall, args: list[Any], scope: _Scope) -> list[list[Any]]:
    array = _array(call, args[0])
    size = _truncated(call, args[1])
    if size <= 0:
        raise _invalid(call)
    return [array[i : i + size] for i in range(0, len(array), size)]


def _array_contains(call: IntrinsicCall, args: list[Any], scope: _Scope) -> bool:
    array = _array(call, args[0])
    wanted = _equality_key(args[1])
    return any(_equality_key(item) == wanted for item in array)


def _array_range(call: IntrinsicCall, args: list[Any], scope: _Scope) -> list[int]:
    start, end, step = (_truncated(call, value) for value in args)
    if step == 0:
        raise _invalid(call)
    count = max(0, (end - start) // step + 1)
    if count > _MAX_RANGE_ITEMS:
        raise _invalid(call)
    return [start + i * step for i in range(count)]


def _array_get_item(call: IntrinsicCall, args: list[Any], scope: _Scope) -> Any:
    array = _array(call, args[0])
    index = _truncated(call, args[1])
    if not array:
        return None  # as AWS does: any index into an empty array gives null
    if not 0 <= index < len(array):
        raise _invalid(call)
    return array[index]


def _array_length(call: IntrinsicCall, args: list[Any], scope: _Scope) -> int:
    return len(_array(call, args[0]))


def _array_unique(call: IntrinsicCall, args: list[Any], scope: _Scope) -> list[Any]:
    seen: set[Any] = set()
    unique = []
    for item in _array(call, args[0]):
        key = _equality_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _base64_encode(call: IntrinsicCall, args: list[Any], scope: _Scope) -> str:
    text = _limited_text(call, _string(call, args[0]))
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def _base64_decode(call: IntrinsicCall, args: list[Any], scope: _Scope) -> str:
    """Decode leniently, as AWS's MIME decoder does: characters outside the alphabet are skipped."""
    text = _limited_text(call, _string(call, args[0]))
    letters = _NOT_BASE64.sub("", text.split("=", 1)[0])
    if len(letters) % 4 == 1:
        letters = letters[:-1]
    try:
        data = base64.b64decode(letters + "=" * (-len(letters) % 4))
    except binascii.Error:
        raise _invalid(call) from None
    return data.decode("utf-8", errors="replace")


def _hash(call: IntrinsicCall, args: list[Any], scope: _Scope) -> str:
    algorithm = _HASH_ALGORITHMS.get(args[1]) if isinstance(args[1], str) else None
    if algorithm is None:
        raise _invalid(call)
    data = args[0] if isinstance(args[0], str) else format_text(args[0])
    return algorithm(_limited_text(call, data).encode("utf-8")).hexdigest()


def _json_merge(call: IntrinsicCall, args: list[Any], scope: _Scope) -> dict[str, Any]:
    first, second, deep = args
    if not isinstance(first, dict) or not isinstance(second, dict):
        raise _invalid(call)
    if deep is True:
        # AWS supports only the shallow mode; the flag must be false.
        raise _invalid(call)
    return {**first, **second}


def _math_random(call: IntrinsicCall, args: list[Any], scope: _Scope) -> int:
    start = _truncated(call, args[0])
    end = _truncated(call, args[1])
    if start >= end or end - start > _INT32_MAX:
        raise _invalid(call)
    if len(args) == 3:
        return start + java_random_int(_truncated(call, args[2]), end - start)
    source = scope.random_source if scope.random_source is not None else random
    return int(source.randrange(start, end))


def java_random_int(seed: int, bound: int) -> int:
    """`new java.util.Random(seed).nextInt(bound)`, which AWS uses for a seeded MathRandom."""
    mask = (1 << 48) - 1
    state = (seed ^ 0x5DEECE66D) & mask

    def next31() -> int:
        nonlocal state
        state = (state * 0x5DEECE66D + 0xB) & mask
        return state >> 17

    r = next31()
    m = bound - 1
    if bound & m == 0:
        return (bound * r) >> 31
    u = r
    r = u % bound
    while u - r + m > _INT32_MAX:  # Java's int overflow test: retry the biased draw
        u = next31()
        r = u % bound
    return r


def _math_add(call: IntrinsicCall, args: list[Any], scope: _Scope) -> int:
    total = _rounded_int32(call, args[0]) + _rounded_int32(call, args[1])
    if not _INT32_MIN <= total <= _INT32_MAX:
        raise _invalid(call)
    return total


def _string_split(call: IntrinsicCall, args: list[Any], scope: _Scope) -> list[str]:
    text = _string(call, args[0])
    delimiters = _string(call, args[1])
    if not delimiters:
        return [text] if text else []
    pattern = "[" + "".join(re.escape(char) for char in delimiters) + "]"
    return [piece for piece in re.split(pattern, text) if piece]


def _uuid(call: IntrinsicCall, args: list[Any], scope: _Scope) -> str:
    return scope.uuid_factory() if scope.uuid_factory is not None else str(uuid.uuid4())


_FUNCTIONS: dict[str, _Function] = {
    function.name: function
    for function in (
        _Function("States.Format", 1, None, "a template string and one value per {}", _format),
        _Function("States.StringToJson", 1, 1, "1 argument (a JSON string)", _string_to_json),
        _Function("States.JsonToString", 1, 1, "1 argument (a JSON value)", _json_to_string),
        _Function("States.Array", 0, None, "any number of arguments", _array_of),
        _Function(
            "States.ArrayPartition", 2, 2, "2 arguments (an array, a chunk size)", _array_partition
        ),
        _Function("States.ArrayContains", 2, 2, "2 arguments (an array, a value)", _array_contains),
        _Function("States.ArrayRange", 3, 3, "3 arguments (start, end, step)", _array_range),
        _Function("States.ArrayGetItem", 2, 2, "2 arguments (an array, an index)", _array_get_item),
        _Function("States.ArrayLength", 1, 1, "1 argument (an array)", _array_length),
        _Function("States.ArrayUnique", 1, 1, "1 argument (an array)", _array_unique),
        _Function("States.Base64Encode", 1, 1, "1 argument (a string)", _base64_encode),
        _Function("States.Base64Decode", 1, 1, "1 argument (a Base64 string)", _base64_decode),
        _Function(
            "States.Hash",
            2,
            2,
            "2 arguments (the data, an algorithm: MD5, SHA-1, SHA-256, SHA-384 or SHA-512)",
            _hash,
        ),
        _Function(
            "States.JsonMerge",
            3,
            3,
            "3 arguments (two objects, and false for a shallow merge)",
            _json_merge,
        ),
        _Function(
            "States.MathRandom",
            2,
            3,
            "2 or 3 arguments (start, end, an optional seed)",
            _math_random,
        ),
        _Function("States.MathAdd", 2, 2, "2 arguments (two numbers)", _math_add),
        _Function(
            "States.StringSplit",
            2,
            2,
            "2 arguments (a string, delimiter characters)",
            _string_split,
        ),
        _Function("States.UUID", 0, 0, "no arguments", _uuid),
    )
}
