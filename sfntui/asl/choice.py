"""Choice rules of the JSONPath query language: compiled once at load, evaluated many times.

A rule is a comparison (`{"Variable": "$.n", "NumericGreaterThan": 3}`), or `And`/`Or` over a
non-empty list of rules, or `Not` over one rule. The semantics are AWS's:

- a comparison whose Variable (or whose `...Path` operand) holds a value of the wrong type is
  false, not an error: `NumericEquals` on `"1"` or on `true` is false;
- `IsPresent` is the only operator that may look at a missing path; any other comparison on a
  path that finds nothing fails the state with `States.Runtime`;
- `1` and `1.0` are numerically equal; strings compare by code point; timestamps compare as
  instants, to the nanosecond;
- `And` and `Or` stop at the first rule that decides them, so `IsPresent` can guard a
  comparison on the same path.
"""

from __future__ import annotations

import difflib
import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sfntui.asl.errors import RUNTIME, ExpressionSyntaxError, PathNotFoundError, StatesError
from sfntui.asl.paths import JsonPath, compile_path
from sfntui.asl.timestamps import is_timestamp, timestamp_nanos

_WRONG_TYPE = object()

_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}


def _as_string(value: Any) -> Any:
    return value if isinstance(value, str) else _WRONG_TYPE


def _as_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return _WRONG_TYPE


def _as_boolean(value: Any) -> Any:
    return value if isinstance(value, bool) else _WRONG_TYPE


def _as_timestamp(value: Any) -> Any:
    nanos = timestamp_nanos(value)
    return _WRONG_TYPE if nanos is None else nanos


@dataclass(frozen=True)
class _Family:
    """The operators of one type: how a JSON value is read as that type, and what it is called."""

    prefix: str
    relations: tuple[str, ...]
    coerce: Callable[[Any], Any]
    needs: str


_FAMILIES = (
    _Family("String", tuple(_RELATIONS), _as_string, "a string"),
    _Family("Numeric", tuple(_RELATIONS), _as_number, "a number"),
    _Family("Boolean", ("Equals",), _as_boolean, "true or false"),
    _Family(
        "Timestamp",
        tuple(_RELATIONS),
        _as_timestamp,
        "a timestamp such as 2016-03-14T01:59:00Z",
    ),
)

#: `Is...` operators: the type test each applies to a value that is present.
_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda value: value is None,
    "IsPresent": lambda value: True,
    "IsNumeric": lambda value: _as_number(value) is not _WRONG_TYPE,
    "IsString": lambda value: isinstance(value, str),
    "IsBoolean": lambda value: isinstance(value, bool),
    "IsTimestamp": is_timestamp,
}

#: (family, relation) of every binary operator, its `...Path` form included.
_BINARY: dict[str, tuple[_Family, str]] = {}
for _family in _FAMILIES:
    for _relation in _family.relations:
        _BINARY[_family.prefix + _relation] = (_family, _relation)
        _BINARY[_family.prefix + _relation + "Path"] = (_family, _relation)

COMPARISON_OPERATORS: frozenset[str] = frozenset({*_BINARY, "StringMatches", *_TYPE_TESTS})
COMBINATORS: frozenset[str] = frozenset({"And", "Or", "Not"})

#: Fields of a top-level rule that belong to the Choice state, not to the comparison.
_STATE_FIELDS = ("Next", "Assign", "Output")


class ChoiceRuleError(ExpressionSyntaxError):
    """A malformed Choice rule; `pointer` is the JSON pointer of the offending field."""

    def __init__(self, pointer: str, text: str, message: str, position: int | None = None) -> None:
        super().__init__(text, message, position)
        self.pointer = pointer


class ChoiceRule:
    """A compiled Choice rule: `Comparison`, `And`, `Or` or `Not`."""

    __slots__ = ()

    def evaluate(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
    ) -> bool:
        """Whether the rule holds for the state's input (`$`), context (`$$`) and variables."""
        raise NotImplementedError


@dataclass(frozen=True)
class Comparison(ChoiceRule):
    """`Variable` compared by `operator` with a literal `operand` or, for `...Path`, a path."""

    operator: str
    variable: JsonPath
    operand: Any
    operand_path: JsonPath | None
    _coerce: Callable[[Any], Any] = field(compare=False, repr=False)
    _relation: Callable[[Any, Any], bool] = field(compare=False, repr=False)
    _right: Any = field(compare=False, repr=False)

    def evaluate(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
    ) -> bool:
        found, value = _resolve(self.variable, document, context, variables)
        if not found:
            if self.operator == "IsPresent":
                return self._right is False
            raise _invalid_path(self.variable)
        left = self._coerce(value)
        if left is _WRONG_TYPE:
            return False
        right = self._right
        if self.operand_path is not None:
            found, value = _resolve(self.operand_path, document, context, variables)
            if not found:
                raise _invalid_path(self.operand_path)
            right = self._coerce(value)
            if right is _WRONG_TYPE:
                return False
        return bool(self._relation(left, right))


@dataclass(frozen=True)
class And(ChoiceRule):
    rules: tuple[ChoiceRule, ...]

    def evaluate(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
    ) -> bool:
        return all(rule.evaluate(document, context, variables) for rule in self.rules)


@dataclass(frozen=True)
class Or(ChoiceRule):
    rules: tuple[ChoiceRule, ...]

    def evaluate(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
    ) -> bool:
        return any(rule.evaluate(document, context, variables) for rule in self.rules)


@dataclass(frozen=True)
class Not(ChoiceRule):
    rule: ChoiceRule

    def evaluate(
        self,
        document: Any,
        context: Any = None,
        variables: Mapping[str, Any] | None = None,
    ) -> bool:
        return not self.rule.evaluate(document, context, variables)


def _resolve(
    path: JsonPath, document: Any, context: Any, variables: Mapping[str, Any] | None
) -> tuple[bool, Any]:
    try:
        return True, path.find(document, context, variables)
    except PathNotFoundError:
        return False, None


def _invalid_path(path: JsonPath) -> StatesError:
    return StatesError(
        RUNTIME,
        f"Invalid path '{path.text}': "
        "The choice state's condition path references an invalid value.",
        in_state=True,
    )


def compile_string_matches(pattern: str) -> re.Pattern[str]:
    """A `StringMatches` pattern as a regex: `*` matches any run of characters, `\\*` is a
    literal star and `\\\\` a literal backslash; a backslash before anything else is literal."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        following = pattern[index + 1 : index + 2]
        if char == "\\" and following in ("*", "\\"):
            parts.append(re.escape(following))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def compile_choice_rule(rule: Mapping[str, Any], pointer: str = "") -> ChoiceRule:
    """Compile one entry of a Choice state's `Choices` (JSONPath query language).

    `pointer` is the rule's JSON pointer in the definition (`/States/Check/Choices/0`); a malformed
    rule raises ChoiceRuleError (an ExpressionSyntaxError) carrying the pointer of the bad field.
    `Next`, `Assign`, `Output` and `Comment` belong to the state and are ignored here.
    """
    return _compile(rule, pointer, top_level=True)


def _compile(rule: Any, pointer: str, *, top_level: bool) -> ChoiceRule:
    if not isinstance(rule, Mapping):
        raise ChoiceRuleError(
            pointer, _show(rule), f"A Choice rule must be an object, not {_describe(rule)}."
        )
    if "Condition" in rule:
        raise ChoiceRuleError(
            _child(pointer, "Condition"),
            "Condition",
            "'Condition' is a JSONata field; in a JSONPath state a Choice rule compares a "
            "Variable with an operator such as StringEquals.",
        )
    if not top_level:
        for name in _STATE_FIELDS:
            if name in rule:
                raise ChoiceRuleError(
                    _child(pointer, name),
                    name,
                    f"'{name}' belongs on a top-level Choice rule, not inside And, Or or Not.",
                )
    names = [name for name in rule if name not in {"Variable", "Comment", *_STATE_FIELDS}]
    for name in names:
        if name not in COMPARISON_OPERATORS and name not in COMBINATORS:
            raise ChoiceRuleError(_child(pointer, name), name, _unknown_field(name))
    if not names:
        if "Variable" in rule:
            message = (
                "The Choice rule has a Variable but no comparison operator such as "
                "StringEquals or IsPresent."
            )
        else:
            message = (
                "The Choice rule has no comparison: give it a Variable and an operator such as "
                "StringEquals, or And, Or or Not."
            )
        raise ChoiceRuleError(pointer, _show(dict(rule)), message)
    if len(names) > 1:
        raise ChoiceRuleError(
            _child(pointer, names[1]),
            names[1],
            f"The Choice rule has more than one comparison ('{names[0]}' and '{names[1]}'); "
            "combine them with And or Or.",
        )
    name = names[0]
    if name in COMBINATORS:
        return _compile_combinator(rule, name, pointer)
    return _compile_comparison(rule, name, pointer)


def _compile_combinator(rule: Mapping[str, Any], name: str, pointer: str) -> ChoiceRule:
    here = _child(pointer, name)
    if "Variable" in rule:
        raise ChoiceRuleError(
            _child(pointer, "Variable"),
            "Variable",
            f"A Choice rule with '{name}' has no Variable of its own; put the Variable in the "
            f"rules inside '{name}'.",
        )
    operand = rule[name]
    if name == "Not":
        if not isinstance(operand, Mapping):
            raise ChoiceRuleError(
                here,
                _show(operand),
                f"'Not' needs one Choice rule (an object), not {_describe(operand)}.",
            )
        return Not(_compile(operand, here, top_level=False))
    if not isinstance(operand, list) or not operand:
        got = "an empty list" if operand == [] else _describe(operand)
        raise ChoiceRuleError(
            here, _show(operand), f"'{name}' needs a non-empty list of Choice rules, not {got}."
        )
    rules = tuple(
        _compile(inner, _child(here, str(index)), top_level=False)
        for index, inner in enumerate(operand)
    )
    return And(rules) if name == "And" else Or(rules)


def _compile_comparison(rule: Mapping[str, Any], name: str, pointer: str) -> Comparison:
    if "Variable" not in rule:
        raise ChoiceRuleError(
            pointer,
            name,
            f"The Choice rule uses '{name}' but has no Variable to compare: add one such as "
            '"Variable": "$.status".',
        )
    variable = _compile_operand_path(rule["Variable"], "Variable", _child(pointer, "Variable"))
    operand = rule[name]
    here = _child(pointer, name)
    if name in _TYPE_TESTS:
        if not isinstance(operand, bool):
            raise ChoiceRuleError(
                here, _show(operand), f"'{name}' needs true or false, not {_describe(operand)}."
            )
        return Comparison(name, variable, operand, None, _TYPE_TESTS[name], operator.eq, operand)
    if name == "StringMatches":
        if not isinstance(operand, str):
            raise ChoiceRuleError(
                here, _show(operand), f"'StringMatches' needs a string, not {_describe(operand)}."
            )
        return Comparison(
            name, variable, operand, None, _as_string, _matches, compile_string_matches(operand)
        )
    family, relation = _BINARY[name]
    if name.endswith("Path"):
        operand_path = _compile_operand_path(operand, name, here)
        return Comparison(
            name, variable, operand, operand_path, family.coerce, _RELATIONS[relation], None
        )
    right = family.coerce(operand)
    if right is _WRONG_TYPE:
        raise ChoiceRuleError(
            here, _show(operand), f"'{name}' needs {family.needs}, not {_describe(operand)}."
        )
    return Comparison(name, variable, operand, None, family.coerce, _RELATIONS[relation], right)


def _matches(text: str, pattern: re.Pattern[str]) -> bool:
    return pattern.fullmatch(text) is not None


def _compile_operand_path(text: Any, name: str, pointer: str) -> JsonPath:
    if not isinstance(text, str):
        raise ChoiceRuleError(
            pointer,
            _show(text),
            f"'{name}' needs a path such as \"$.status\", not {_describe(text)}.",
        )
    try:
        return compile_path(text)
    except ExpressionSyntaxError as exc:
        raise ChoiceRuleError(
            pointer, text, f"'{name}' is not a valid path: {exc.message}", exc.position
        ) from None


def _unknown_field(name: str) -> str:
    known = sorted(COMPARISON_OPERATORS | COMBINATORS | {"Variable"})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"'{name}' is not a Choice rule operator.{hint}"


def _child(pointer: str, key: str) -> str:
    return f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(value: Any) -> str:
    """`the string "1"`, `the number 3`, `an object`: how a wrong operand is named in messages."""
    if isinstance(value, bool):
        return f"the boolean {_show(value)}"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    if isinstance(value, int | float):
        return f"the number {_show(value)}"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, Mapping) else f"a {type(value).__name__}"
