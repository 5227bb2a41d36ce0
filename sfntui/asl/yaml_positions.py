"""YAML parsing that records where each member and array item starts, and reads CloudFormation tags.

Values are built straight from PyYAML's event stream (libyaml's when it is installed), without
recursion, so depth is checked before anything deep is built. Scalars follow the YAML 1.2 core
schema, as the AWS Toolkit's YAML support does: only `true`/`false` are booleans (a state named
`No` or `On` stays a string), and dates or `12:30` stay strings. CloudFormation short tags become
their long form: `!Sub x` -> `{"Fn::Sub": "x"}`, `!Ref x` -> `{"Ref": "x"}`, `!GetAtt A.B` ->
`{"Fn::GetAtt": ["A", "B"]}`. Aliases share the anchored value; positions inside an aliased or
merged (`<<`) subtree are not recorded under the alias's pointer, so they fall back to its key.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml import events
from yaml.nodes import ScalarNode

from sfntui.asl.parsed_source import (
    MAX_DEPTH,
    BlockScalar,
    ParsedSource,
    Position,
    SourceError,
    pointer_token,
    too_deep,
)

_TAG = "tag:yaml.org,2002:"
_CFN_TAGS = {"!Ref": "Ref", "!Condition": "Condition"} | {
    f"!{name}": f"Fn::{name}"
    for name in (
        "And",
        "Base64",
        "Cidr",
        "Equals",
        "FindInMap",
        "GetAZs",
        "GetAtt",
        "If",
        "ImportValue",
        "Join",
        "Length",
        "Not",
        "Or",
        "Select",
        "Split",
        "Sub",
        "ToJsonString",
        "Transform",
    )
}
#: Aliases can repeat a subtree many times over; past this many values the file is refused.
MAX_VALUES = 2_000_000

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


class _CoreSchemaResolver(yaml.resolver.BaseResolver):
    yaml_implicit_resolvers: dict = {}


for _name, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", _INT.pattern, "-+0123456789"),
    ("float", f"{_FLOAT.pattern}|{_INFINITY.pattern}|{_NAN.pattern}", "-+.0123456789"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("merge", r"<<", "<"),
):
    _CoreSchemaResolver.add_implicit_resolver(
        _TAG + _name, re.compile(f"^(?:{_pattern})$"), list(_first)
    )

_RESOLVER = _CoreSchemaResolver()
_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only its event stream is used
_MERGE = object()  # the key of a `<<` member


def parse_yaml(text: str) -> ParsedSource | None:
    """Parse a single-document YAML `text`; None when it holds no document at all."""
    parser = _Parser(text)
    try:
        return _EventBuilder(text).build(parser)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise _syntax_error(error.problem or error.context or "syntax error", mark) from None
    except yaml.reader.ReaderError as error:
        raise _syntax_error(_reader_problem(error), None, text, error.position) from None
    except yaml.YAMLError as error:
        raise SourceError(f"not valid YAML: {' '.join(str(error).split())}") from None
    except ValueError:  # Python's limit on the digits of an integer
        raise SourceError("not valid YAML: a number has more than 4300 digits") from None
    finally:
        parser.dispose()


class _Container:
    """A sequence or mapping being built."""

    __slots__ = ("value", "pointer", "key", "anchor", "wrap", "merges", "count_at_start")

    def __init__(self, value: list | dict, pointer: str, anchor: str | None, wrap: str | None):
        self.value = value
        self.pointer = pointer  # of `value` itself (inside the intrinsic when wrapped)
        self.key: Any = None  # a mapping's pending key
        self.anchor = anchor
        self.wrap = wrap  # CloudFormation function name the value is the argument of
        self.merges: list[dict] = []
        self.count_at_start = 0


class _EventBuilder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] | None = None
        self.positions: dict[str, Position] = {}
        self.block_scalars: dict[str, BlockScalar] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, number of values)
        self.open_anchors: set[str] = set()
        self.stack: list[_Container] = []
        self.count = 0
        self.documents = 0
        self.root: Any = None

    def build(self, parser: Any) -> ParsedSource | None:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, events.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise _syntax_error(
                        "expected a single document in the stream", event.start_mark
                    )
            elif isinstance(event, events.CollectionEndEvent):
                self._end(self.stack.pop())
            elif isinstance(event, events.NodeEvent):
                self._node(event)
        if self.documents == 0:
            return None
        return ParsedSource(self.root, self.positions, self.block_scalars)

    def _node(self, event: events.NodeEvent) -> None:
        mark = _position(event)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            self._key(parent, event, mark)
            return
        if parent is None:
            pointer = ""
            self.positions[""] = mark
        elif isinstance(parent.value, list):
            pointer = f"{parent.pointer}/{len(parent.value)}"
            self.positions[pointer] = mark
        elif parent.key is _MERGE:
            pointer = parent.pointer  # merged members get no positions of their own
        else:
            pointer = f"{parent.pointer}/{pointer_token(parent.key)}"
        self.count += 1
        if self.count > MAX_VALUES:
            raise SourceError(f"YAML aliases expand to more than {MAX_VALUES} values")
        if isinstance(event, events.AliasEvent):
            self._alias(event, mark)
            return
        tag: str | None = getattr(event, "tag", None)  # scalars, sequences and mappings have one
        wrap = _CFN_TAGS.get(tag) if tag else None
        if tag and wrap is None and tag != "!" and not tag.startswith(_TAG):
            raise SourceError(f"unknown YAML tag {tag}", *mark)
        if wrap is not None:
            pointer = f"{pointer}/{pointer_token(wrap)}"
            self.positions[pointer] = mark
        if isinstance(event, events.ScalarEvent):
            value = self._scalar(event, pointer, wrap, mark)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self._deliver(value)
            return
        if len(self.stack) >= MAX_DEPTH:
            raise too_deep(*mark)
        container = _Container(
            [] if isinstance(event, events.SequenceStartEvent) else {}, pointer, event.anchor, wrap
        )
        container.count_at_start = self.count
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(container)

    def _key(self, parent: _Container, event: events.NodeEvent, mark: Position) -> None:
        if not isinstance(event, events.ScalarEvent) or event.tag in _CFN_TAGS:
            raise SourceError("a mapping key must be a plain string", *mark)
        if event.tag is None and event.value == "<<" and event.implicit[0]:
            parent.key = _MERGE
            return
        parent.key = event.value
        self.positions[f"{parent.pointer}/{pointer_token(event.value)}"] = mark

    def _alias(self, event: events.AliasEvent, mark: Position) -> None:
        name = event.anchor
        if name in self.open_anchors:
            raise SourceError(f"the alias *{name} refers to a node that contains it", *mark)
        if name not in self.anchors:
            raise SourceError(f"the alias *{name} has no anchor before it", *mark)
        value, size = self.anchors[name]
        self.count += size - 1
        if self.count > MAX_VALUES:
            raise SourceError(f"YAML aliases expand to more than {MAX_VALUES} values", *mark)
        self._deliver(value)

    def _scalar(
        self, event: events.ScalarEvent, pointer: str, wrap: str | None, mark: Position
    ) -> Any:
        text = event.value
        if wrap is not None:
            self._note_block_scalar(event, pointer)
            return {wrap: text.split(".", 1) if wrap == "Fn::GetAtt" else text}
        tag = event.tag
        if tag is None or tag == "!":
            tag = _RESOLVER.resolve(ScalarNode, text, event.implicit)
        if tag == _TAG + "str":
            self._note_block_scalar(event, pointer)
            return text
        name = tag[len(_TAG) :]
        value = _core_scalar(name, text)
        if value is _NOT_CORE:
            if name in ("bool", "int", "float", "null"):
                raise SourceError(f"{text!r} is not a valid !!{name}", *mark)
            return text
        return value

    def _end(self, container: _Container) -> None:
        value: Any = container.value
        if container.merges:
            merged: dict = {}
            for source in container.merges:
                for key, item in source.items():
                    merged.setdefault(key, item)
            merged = {key: item for key, item in merged.items() if key not in value}
            value = merged | value
        if container.wrap is not None:
            value = {container.wrap: value}
        if container.anchor:
            self.open_anchors.discard(container.anchor)
            self.anchors[container.anchor] = (value, self.count - container.count_at_start + 1)
        self._deliver(value)

    def _deliver(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(value)
        elif parent.key is _MERGE:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(source, dict) for source in sources):
                raise SourceError("a `<<` merge takes a mapping or a list of mappings")
            parent.merges.extend(sources)
            parent.key = None
        else:
            parent.value[parent.key] = value
            parent.key = None

    def _note_block_scalar(self, event: events.ScalarEvent, pointer: str) -> None:
        if event.style != "|":
            return
        if self.lines is None:
            self.lines = self.text.splitlines()
        first = _position(event)[0]  # 0-based index of the first content line
        indent = 0
        for line in self.lines[first:]:
            if line.strip():
                indent = len(line) - len(line.lstrip(" "))
                break
        self.block_scalars[pointer] = BlockScalar(first + 1, indent)


_NOT_CORE = object()


def _core_scalar(name: str, text: str) -> Any:
    """The value of a core-schema scalar with the (resolved or explicit) tag `name`."""
    if name == "null" and text in ("", "~", "null", "Null", "NULL"):
        return None
    if name == "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if name == "int" and _INT.fullmatch(text):
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)
    if name == "float":
        if _FLOAT.fullmatch(text) or _INT.fullmatch(text):
            return float(text)
        if _INFINITY.fullmatch(text):
            return float("-inf") if text.startswith("-") else float("inf")
        if _NAN.fullmatch(text):
            return float("nan")
    if name in ("bool", "int", "float", "null"):
        return _NOT_CORE
    return text  # !!str-like: timestamps, binary and other standard tags keep their text


def _position(event: events.Event) -> Position:
    mark = event.start_mark
    if mark is None:  # PyYAML always sets it on parsed events; the stubs allow None
        return 1, 1
    return mark.line + 1, mark.column + 1


def _syntax_error(
    problem: str, mark: Any, text: str = "", offset: int | None = None
) -> SourceError:
    message = f"not valid YAML: {' '.join(problem.split())}"
    if mark is not None:
        return SourceError(message, mark.line + 1, mark.column + 1)
    if offset is not None:
        line = text.count("\n", 0, offset) + 1
        return SourceError(message, line, offset - text.rfind("\n", 0, offset))
    return SourceError(message)


def _reader_problem(error: yaml.reader.ReaderError) -> str:
    character = error.character
    if isinstance(character, str):
        character = ord(character)
    return f"unacceptable character #x{character:04x}: {error.reason}"
