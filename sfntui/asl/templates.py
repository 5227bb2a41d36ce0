"""Payload templates: Parameters, ResultSelector, ItemSelector, Assign, Arguments, Output.

Under JSONPath a key ending in `.$` takes its value from a path or an intrinsic call; under
JSONata any string written `{% ... %}` is an expression. A template is compiled once into a
tree whose constant parts are kept as they are, so evaluating it builds only what varies.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sfntui.asl.errors import (
    RUNTIME,
    ExpressionSyntaxError,
    PathNotFoundError,
    StatesError,
)
from sfntui.asl.paths import Path, compile_path

QueryLanguage = Literal["JSONPath", "JSONata"]


@dataclass(frozen=True, slots=True)
class Bindings:
    """What an expression can see: `$` (document), `$$` (context), variables, and `$states`."""

    document: Any
    context: Any = None
    variables: Mapping[str, Any] | None = None
    states: Mapping[str, Any] | None = None
    now: Any = None
    #: A `random.Random` for States.UUID and States.MathRandom, so a run can be repeated.
    rng: Any = None


class Template:
    """A compiled value: `evaluate(bindings)` gives the JSON value it stands for."""

    dynamic = True

    def evaluate(self, bindings: Bindings) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Constant(Template):
    value: Any
    dynamic = False

    def evaluate(self, bindings: Bindings) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class PathValue(Template):
    """A `.$` value that is a JSONPath, context path or variable path."""

    path: Path
    field: str

    def evaluate(self, bindings: Bindings) -> Any:
        try:
            return self.path.find(bindings.document, bindings.context, bindings.variables)
        except PathNotFoundError:
            raise StatesError(
                RUNTIME,
                f"The JSONPath '{self.path.text}' specified for the field '{self.field}' "
                f"could not be found in the input '{to_json(bindings.document)}'",
                in_state=True,
            ) from None


@dataclass(frozen=True, slots=True)
class IntrinsicValue(Template):
    call: Any  # sfntui.asl.intrinsics.IntrinsicCall

    def evaluate(self, bindings: Bindings) -> Any:
        rng = bindings.rng
        return self.call.evaluate(
            bindings.document,
            bindings.context,
            bindings.variables,
            uuid_factory=None
            if rng is None
            else lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            random_source=rng,
        )


@dataclass(frozen=True, slots=True)
class JsonataValue(Template):
    expression: Any  # sfntui.asl.jsonata.JsonataExpression
    field: str

    def evaluate(self, bindings: Bindings) -> Any:
        return self.expression.evaluate(
            bindings.states or {}, bindings.variables, field=self.field, now=bindings.now
        )


@dataclass(frozen=True, slots=True)
class ObjectTemplate(Template):
    entries: tuple[tuple[str, Template], ...]

    def evaluate(self, bindings: Bindings) -> Any:
        return {key: value.evaluate(bindings) for key, value in self.entries}


@dataclass(frozen=True, slots=True)
class ArrayTemplate(Template):
    items: tuple[Template, ...]

    def evaluate(self, bindings: Bindings) -> Any:
        return [item.evaluate(bindings) for item in self.items]


_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: The C encoder behind `_ENCODE`, made once: `JSONEncoder.encode` makes a new one per call,
#: which costs as much as encoding a small value. (JSON values here are trees: no cycle check.)
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE_PARTS = (
    _C_ENCODER(None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    if _C_ENCODER is not None
    else None
)


def to_json(value: Any) -> str:
    """JSON text as AWS writes it in histories and messages: compact, non-ASCII kept."""
    if _ENCODE_PARTS is None or isinstance(value, str):
        return _ENCODE(value)
    return "".join(_ENCODE_PARTS(value, 0))


def compile_dynamic_string(text: str, field: str) -> Template:
    """A JSONPath-mode `.$` value: a path or an intrinsic call."""
    from sfntui.asl.intrinsics import compile_intrinsic, is_intrinsic

    if is_intrinsic(text):
        return IntrinsicValue(compile_intrinsic(text))
    return PathValue(compile_path(text), field)


def compile_template(value: Any, language: QueryLanguage, field: str = "") -> Template:
    """Compile a payload template; a template with nothing dynamic becomes one Constant."""
    if language == "JSONata":
        return _compile_jsonata(value, field)
    return _compile_jsonpath(value, field)


def _compile_jsonpath(value: Any, field: str) -> Template:
    if isinstance(value, dict):
        entries: list[tuple[str, Template]] = []
        for key, item in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                if not isinstance(item, str):
                    raise ExpressionSyntaxError(
                        str(item), f"The value of '{key}' must be a path or an intrinsic call"
                    )
                entries.append((key[:-2], compile_dynamic_string(item, key)))
            else:
                entries.append((key, _compile_jsonpath(item, key)))
        return _object(entries, value)
    if isinstance(value, list):
        items = [_compile_jsonpath(item, field) for item in value]
        return _array(items, value)
    return Constant(value)


def _compile_jsonata(value: Any, field: str) -> Template:
    from sfntui.asl.jsonata import compile_jsonata, is_jsonata_template, jsonata_text

    if isinstance(value, str) and is_jsonata_template(value):
        return JsonataValue(compile_jsonata(jsonata_text(value)), field)
    if isinstance(value, dict):
        entries = [
            (key, _compile_jsonata(item, f"{field}/{key}" if field else key))
            for key, item in value.items()
        ]
        return _object(entries, value)
    if isinstance(value, list):
        items = [_compile_jsonata(item, field) for item in value]
        return _array(items, value)
    return Constant(value)


def _object(entries: list[tuple[str, Template]], original: dict) -> Template:
    if all(not t.dynamic for _, t in entries):  # a `.$` key's value is always dynamic
        return Constant(original)
    return ObjectTemplate(tuple(entries))


def _array(items: list[Template], original: list) -> Template:
    if all(not t.dynamic for t in items):
        return Constant(original)
    return ArrayTemplate(tuple(items))
