"""The compiled subset of JSONata answers exactly as jsonata-python does, only faster.

Every comparison evaluates one expression twice: as `compile_jsonata` builds it (closures
first) and with the closures removed (the library alone), and asserts the same value, with
the same number types, or the same error.
"""

from __future__ import annotations

import json
import re
from collections import ChainMap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonata import Jsonata

from sfntui.asl.errors import QUERY_EVALUATION_ERROR, StatesError
from sfntui.asl.jsonata import (
    _FALL_BACK,
    JsonataExpression,
    _evaluate_fast,
    compile_jsonata,
    is_jsonata_template,
    jsonata_text,
)

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"
CLOCK = datetime(2024, 3, 14, 1, 59, 26, 535000, tzinfo=UTC)

INPUT = {
    "a": {"b": [1, 2], "c": {"d": "deep"}},
    "n": 5,
    "f": 2.5,
    "whole": 2.0,
    "neg": -3,
    "s": "text",
    "e": "",
    "t": True,
    "nil": None,
    "list": [{"x": 1}, {"x": [2, 3]}, {"y": 4}, None, [{"x": 5}], {"x": None}],
    "objs": [{"a": 1}, {"b": 2, "a": 3}],
    "nums": [1, 2.5, 3],
    "strs": ["a", "b"],
    "empty": [],
    "one": [7],
    "nested": [[1, 2], [3]],
    "big": 2**60,
    "huge": 10**22,
    "odd": 2**53 + 1,  # no float holds it: JSONata compares it as 2**53
    "bigf": float(2**53),
    "pairs": [[["a", 1]]],  # dict.update would take it for an object
    "last": {"step": 4},
}
STATES = {
    "input": INPUT,
    "context": {"Execution": {"Id": "arn:x", "Input": {"k": 1}}, "State": {"Name": "S"}},
    "result": {"Payload": {"status": "ok", "items": [1, 2]}},
    "errorOutput": {"Error": "E", "Cause": "boom"},
}
VARIABLES = {
    "v": {"deep": {"er": {"est": True}}, "list": [0, 1], "x": 1},
    "w": [3, 1, 2],
    "k": "a",
    "num": 10,
    "flag": False,
    "nothing": None,
}


def typed(value: Any) -> Any:
    """A value with every number's and container's type spelled out: 2 and 2.0 differ."""
    if isinstance(value, dict):
        return ("dict", tuple((key, typed(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", tuple(typed(item) for item in value))
    return (type(value).__name__, value)


def outcome(expression: JsonataExpression, states: Any, variables: Any, **options: Any) -> Any:
    try:
        value = expression.evaluate(
            states, variables, field="Output", allow_undefined=True, **options
        )
    except StatesError as error:
        return ("error", error.error, error.cause)
    return ("value", typed(value))


def library_only(expression: JsonataExpression) -> JsonataExpression:
    return replace(expression, _fast=None)


def assert_same(
    text: str, states: Any = STATES, variables: Any = VARIABLES, **options: Any
) -> tuple[Any, JsonataExpression]:
    expression = compile_jsonata(text)
    fast = outcome(expression, states, variables, **options)
    slow = outcome(library_only(expression), states, variables, **options)
    assert fast == slow, text
    return fast, expression


def answered_by_closures(
    expression: JsonataExpression, states: Any = STATES, variables: Any = VARIABLES
) -> bool:
    """Whether the closures gave the answer, without handing over to the library."""
    if expression._fast is None:
        return False
    return _evaluate_fast(expression._fast, states, variables, None, None, 5.0) is not _FALL_BACK


# --- hand-picked cases ----------------------------------------------------------------------

TRICKY = [
    # literals and numbers
    "1",
    "2.0",
    "-2.5",
    "1e3",
    "12345678901234567890123",
    "1e21",
    "'text'",
    '"double"',
    "true",
    "false",
    "null",
    "10 / 4",
    "4 / 2",
    "1 / 3",
    "7 % 3",
    "5.5 % 2",
    "-7 % 3",
    "0.1 + 0.2",
    "1.5 * 2",
    "1e300 * 1e10",
    "5 / 0",
    "$states.input.big + 1",
    "$states.input.huge",
    "$states.input.huge + 0",
    "$states.input.whole",
    "$states.input.whole * 1",
    "-$states.input.n",
    "-$states.input.whole",
    "-$states.input.s",
    "-$states.input.missing",
    # undefined and null
    "$states.input.missing",
    "$states.input.missing + 1",
    "$states.input.nil",
    "$states.input.nil + 1",
    "$states.input.nil = null",
    "$states.input.missing = null",
    "$nothing",
    "$nothing = null",
    "$undefinedVariable",
    "$$",
    "$$.a",
    "$__evaluate_entry",
    "$states.input.nil.x",
    "$states.input.s.length",
    "$states.input.n.x",
    "[1, $states.input.missing, null]",
    "{'a': $states.input.missing, 'b': null, 'c': $nothing}",
    "$exists($states.input.missing)",
    "$exists($states.input.nil)",
    "$exists($nothing)",
    # sequences
    "$states.input.list",
    "$states.input.list.x",
    "$states.input.list.y",
    "$states.input.list.z",
    "$states.input.one",
    "$states.input.empty",
    "$states.input.empty.x",
    "$states.input.nested",
    "$states.input.objs.a",
    "$states.input.objs.b",
    "$count($states.input.objs.a)",
    "$count($states.input.objs.b)",
    "$count($states.input.list.x)",
    "[$states.input.objs.b]",
    "[$states.input.one]",
    "[$states.input.nested]",
    "[[1, 2], [3]]",
    "[1, [2, [3]]]",
    "[$states.input.strs, 'c']",
    "$v.list",
    "$v.deep.er.est",
    "$w",
    "$states.context.Execution.Input.k",
    "$states.result.Payload.items",
    # equality and comparison
    "[1, 2] = [1, 2]",
    "[1, 2] = [2, 1]",
    "{'a': 1} = {'a': 1}",
    "{'a': null} = $states.input.nil",
    "1 = 1.0",
    "1 = true",
    "'1' = 1",
    "$states.input.n = 5",
    "$states.input.n != 5",
    "$states.input.n > 500",
    "$states.input.n >= 5",
    "$states.input.f < $states.input.n",
    "$states.input.odd > $states.input.bigf",
    "$states.input.odd = $states.input.bigf",
    "$states.input.bigf < $states.input.odd",
    "$states.input.odd - $states.input.bigf",
    "'a' < 'b'",
    "'a' < 1",
    "true < false",
    "$states.input.missing < 1",
    "$states.input.objs < 1",
    "2 in [1, 2]",
    "'x' in 'x'",
    "$states.input.missing in [1]",
    # booleans
    "true and false",
    "1 and 'a'",
    "0 or ''",
    "$states.input.empty or $states.input.list",
    "$states.input.missing and true",
    "$states.input.nested and true",
    "[0, 0] or false",
    "$states.input.n > 1 and $states.input.n < 10",
    # strings
    "'a' & 1",
    "'a' & 1.5",
    "'a' & true",
    "'a' & null",
    "'a' & $states.input.missing",
    "'n=' & $states.input.objs",
    "'x' & $states.input.huge",
    "1 & 2",
    "1 + 'x'",
    "'x' + 1",
    "true + 1",
    "$states.input.objs * 2",
    # conditionals and blocks
    "$states.input.t ? 'yes' : 'no'",
    "$states.input.missing ? 'yes' : 'no'",
    "$states.input.e ? 'yes'",
    "$exists($states.input.n) ? $states.input.n * 2 : 0",
    "($states.input.n; $states.input.s)",
    "()",
    "(1 + 'x'; 2)",
    # object and array constructors
    "{'a': {'b': {'c': [1, {'d': $states.input.n}]}}}",
    "{'a': 1, 'a': 2}",
    "{$states.input.s: 1}",
    "{$states.input.n: 1}",
    "{$states.input.missing: 1 + 'x'}",
    "{$k: 1, 'b': 2}",
    "{$k: 1, 'a': 2}",
    "{'x': $states.input.list.x}",
    "{}",
    "[]",
    "[1, 2] = []",
    # functions
    "$merge([$states.input, {'last': {'step': 5}}])",
    "$merge([$states.input.a, $states.input.objs])",
    "$merge($states.input.objs)",
    "$merge($states.input.a)",
    "$merge($states.input.missing)",
    "$merge($states.input.nil)",
    "$merge([])",
    "$merge([[{'a': 1}]])",
    "$merge([$states.input.missing, {'a': 1}])",
    "$merge([$states.input.nil])",
    "$merge([$states.input.objs, $states.input.empty, $states.input.last])",
    "$merge([$states.input.list])",
    "$merge([$states.input.pairs])",
    "$merge($states.input.pairs)",
    "$merge([$states.input.a, 'x'])",
    "$merge([{'a': 1, 'b': 2}, {'a': 3}])",
    "$merge([1])",
    "$merge($states.input.list)",
    "$count([])",
    "$count($states.input.n)",
    "$count($states.input.nil)",
    "$count($states.input.missing)",
    "$count()",
    "$sum($states.input.nums)",
    "$sum([1.5, 2.5])",
    "$sum($states.input.n)",
    "$sum($states.input.missing)",
    "$sum($states.input.nil)",
    "$sum([])",
    "$sum(['a'])",
    "$sum([true])",
    "$sum($states.input.list.x)",
    "$string($states.input)",
    "$string($states.input.n)",
    "$string($states.input.f)",
    "$string($states.input.whole)",
    "$string($states.input.huge)",
    "$string($states.input.nil)",
    "$string($states.input.missing)",
    "$string(null)",
    "$string(1e21)",
    "$string(0.1 + 0.2)",
    "$string([1, 'a', null, {'b': true}])",
    "$string($states.input.s, true)",
    "$number('2')",
    "$number('2.5')",
    "$number('0x1F')",
    "$number('abc')",
    "$number(true)",
    "$number($states.input.whole)",
    "$number(null)",
    "$number($states.input.objs)",
    "$length('hello wörld')",
    "$length($states.input.missing)",
    "$length(null)",
    "$length(5)",
    "$keys($states.input.a)",
    "$keys($states.input.last)",
    "$keys($states.input.objs)",
    "$keys($states.input.s)",
    "$keys($states.input.missing)",
    "$append([1], [2, 3])",
    "$append(1, 2)",
    "$append($states.input.missing, [1, 2])",
    "$append($states.input.missing, $states.input.list.x)",
    "$append(null, 1)",
    "$lookup($states.input, 'n')",
    "$lookup($states.input, 'whole')",
    "$lookup($states.input.objs, 'a')",
    "$lookup($states.input, 'nil')",
    "$lookup($states.input, 1)",
    "$uppercase($states.input.s)",
    "$states.input.s ~> $uppercase()",
    "$states.input.strs ~> $join('-')",
    "$join($states.input.strs, ', ')",
    "$not($states.input.t)",
    "$boolean($states.input.empty)",
    "$type($states.input.nil)",
    "$type($nothing)",
    "$contains($states.input.s, 'ex')",
    "$split('a,b', ',')",
    "$replace('abc', 'b', 'x')",
    "$substring($states.input.s, 1, 2)",
    "$round(2.567, 2)",
    "$max($states.input.nums)",
    "$average([1, 3])",
    "$distinct([1, 1, 2])",
    "$reverse($states.input.strs)",
    "$abs(-1)",
    "$partition([1, 2, 3, 4, 5], 2)",
    "$partition($states.input.n, 2)",
    "$partition([1], 0)",
    "$range(0, 10, 2)",
    "$range(1, 9, 9)",
    "$range(5, 1, 1)",
    "$hash('hello', 'SHA-256')",
    "$hash('hello', 'SHA-3')",
    "$parse('{\"a\": [1, 2.0]}')",
    "$parse('nope')",
    "$random(42)",
    "$millis()",
    "$now()",
    "$now('[Y0001]-[M01]-[D01]')",
    "$randomSeeded(1)",
    "$error('boom')",
    "$sum",
    "$v()",
    "$states()",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_closures_answer_as_the_library_does(text: str) -> None:
    assert_same(text, now=CLOCK)


@pytest.mark.parametrize("text", TRICKY)
def test_the_same_with_other_data(text: str) -> None:
    states = {"input": {"n": 600, "s": None, "objs": {"a": 1}, "list": [], "a": [{"b": 1}]}}
    variables = ChainMap({"k": 1, "merge": 1}, {"v": [{"list": 1}], "k": "shadowed"})
    assert_same(text, states, variables, now=CLOCK)


@pytest.mark.parametrize(
    "text",
    [
        "$merge([$states.input, {'last': {'step': 5}}])",
        "$states.input.n > 500",
        "$states.input.list.x",
        "{'a': $states.input.n, 'b': [1, $v.x], 'c': $count($w)}",
        "$exists($nothing) ? $string($states.input.nums) : 'none'",
        "$states.input.objs.a = [1, 3] and 'x' & 1 = 'x1'",
        "$keys($states.input.a)",
        "$lookup($states.input, 'a').c",
        "$sum($states.input.nums) + $count($states.input.list)",
        "$partition([1, 2, 3], 2)",
        "$states.input.s ~> $uppercase()",
    ],
)
def test_the_common_expressions_never_reach_the_library(text: str) -> None:
    expression = compile_jsonata(text)
    if text == "$lookup($states.input, 'a').c":  # a path after a call: the library's
        assert expression._fast is None
        return
    assert answered_by_closures(expression)
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "$states.input.list[0]",
        "$states.input.list[x > 1]",
        "$states.input.*",
        "$states.input.**",
        "$f := 1",
        "function($x){$x}",
        "$map([1], function($x){$x})",
        "$states.input.list^(x)",
        "$states.input.objs{a: b}",
        "[1..3]",
        "/abc/",
        "$states.input.list#$i",
        "$states.input.list@$o",
        "$states.input.list.%",
        "$states.input ~> |$|{'b': 2}|",
        "$eval('1 + 1')",
        "$states.input.list[]",
        "$sort([2, 1])",
    ],
)
def test_what_is_outside_the_subset_is_left_to_the_library(text: str) -> None:
    expression = compile_jsonata(text)
    assert expression._fast is None
    assert_same(text)


def test_a_variable_named_like_a_function_hides_it_as_in_the_library() -> None:
    result, expression = assert_same("$merge([{'a': 1}])", variables={"merge": {"a": 2}})
    assert result[0] == "error"
    assert "T1006" in result[2]
    assert not answered_by_closures(expression, variables={"merge": 1})
    assert answered_by_closures(expression, variables={"other": 1})


def test_a_document_makes_the_bare_dollar_and_relative_names() -> None:
    for document in ({"a": {"b": 1}, "n": 2}, None, "text", 3, [1, {"a": 2}]):
        for text in ("$", "$.a", "a", "a.b", "$.a.b + n", "{'d': $, 'a': a}", "$string()"):
            assert_same(text, document=document)


def test_a_handed_in_value_comes_back_as_the_same_object() -> None:
    variables = ChainMap({"inner": [1]}, {"outer": {"o": 1}, "inner": [2]})
    assert compile_jsonata("$states.input").evaluate(STATES) is INPUT
    assert compile_jsonata("$states.input.list").evaluate(STATES) is INPUT["list"]
    assert compile_jsonata("$outer").evaluate(STATES, variables) is variables["outer"]
    assert compile_jsonata("$inner").evaluate(STATES, variables) is variables.maps[0]["inner"]


def test_a_constant_is_built_anew_each_time_as_the_library_builds_it() -> None:
    expression = compile_jsonata("{'a': {'b': 1}, 'c': [[1], {'d': [2]}]}")
    first, second = expression.evaluate(STATES), expression.evaluate(STATES)
    first["a"]["b"] = 2
    first["c"][0].append(3)
    first["c"][1]["d"].append(4)
    assert second == {"a": {"b": 1}, "c": [[1], {"d": [2]}]}
    assert expression.evaluate(STATES) == second


def test_the_depth_limit_counts_as_the_library_does() -> None:
    text = "1" + " + 1" * 30  # 31 levels of binary nodes over a literal
    expression = compile_jsonata(text)
    assert expression._fast is not None
    depth = expression._fast.depth
    assert depth == 31
    assert assert_same(text, depth_limit=depth)[0] == ("value", ("int", 31))
    failed = assert_same(text, depth_limit=depth - 1)[0]
    assert failed[0] == "error"
    assert f"deeper than {depth - 1} levels" in failed[2]


@pytest.mark.parametrize(
    "text",
    [
        "$merge([$states.input, {'a': {'b': [1, {'c': 2}]}}])",
        "$states.input.list.x",
        "$count($states.input.objs.a) > 1 ? {'x': $states.input.a.c.d} : null",
        "$states.input.s ~> $uppercase()",
        "-$states.input.n",
        "($states.input.n; [$states.input.n])",
    ],
)
def test_the_depth_of_each_kind_of_node_is_the_librarys(text: str) -> None:
    depth = compile_jsonata(text)._fast.depth  # type: ignore[union-attr]
    assert assert_same(text, depth_limit=depth)[0][0] == "value"
    failed = assert_same(text, depth_limit=depth - 1)[0]
    assert failed[0] == "error"
    assert "D1011" in failed[2]


def test_an_overrun_of_the_time_limit_is_the_librarys_timeout() -> None:
    cause = outcome(compile_jsonata("$merge([$states.input, {}])"), STATES, None, time_limit=-1)
    assert cause == (
        "error",
        QUERY_EVALUATION_ERROR,
        "The JSONata expression '$merge([$states.input, {}])' specified for the field "
        "'Output' threw an error during evaluation. "
        "D1012: Evaluation timeout after -1000 milliseconds. Check for infinite loop",
    )


def test_the_closures_do_not_run_the_librarys_evaluator(monkeypatch: pytest.MonkeyPatch) -> None:
    expressions = [
        compile_jsonata("$merge([$states.input, {'last': {'step': 5}}])"),
        compile_jsonata("$states.input.n > 500"),
        compile_jsonata("{'n': $states.input.n}"),
    ]

    def no_library(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the library's evaluator ran")

    monkeypatch.setattr(Jsonata, "eval", no_library)
    states = {"input": {"n": 501, "last": {"step": 4}}}
    assert expressions[0].evaluate(states) == {"n": 501, "last": {"step": 5}}
    assert expressions[1].evaluate(states) is True
    assert expressions[2].evaluate(states) == {"n": 501}


def test_the_librarys_tree_is_parsed_again_only_for_a_hand_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jsonata import parser

    expression = compile_jsonata("$merge([$states.input.n, {'unused': 0}])")
    assert expression._fast is not None
    assert expression._compiled is None  # not kept: a definition would hold thousands
    parses = []
    real_parse = parser.Parser.parse

    def counted(*args: Any, **kwargs: Any) -> Any:
        parses.append(args[1])
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(parser.Parser, "parse", counted)
    assert compile_jsonata("$states.input.n").evaluate(STATES) == 5
    parses.clear()
    for _ in range(3):
        cause = outcome(expression, STATES, None)
        assert cause[0] == "error"
        assert 'T0412: Argument 1 of function "merge" must be an array of "objects"' in cause[2]
    assert parses == [expression.text]


def test_the_clock_and_seeded_random_agree() -> None:
    for text in ("$millis()", "$now()", "[$millis(), $now('[H01]:[m01]')]", "$random(7)"):
        assert_same(text, now=CLOCK)
    assert compile_jsonata("$millis()").evaluate(STATES, now=CLOCK) == 1710381566535


# --- the conformance corpus -----------------------------------------------------------------


def _corpus_expressions() -> list[tuple[str, Any]]:
    found: dict[str, Any] = {}

    def walk(value: Any, case_input: Any) -> None:
        if is_jsonata_template(value):
            found.setdefault(jsonata_text(value), case_input)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, case_input)
        elif isinstance(value, list):
            for item in value:
                walk(item, case_input)

    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text())
        walk(case["definition"], case["input"])
    return sorted(found.items())


CORPUS = _corpus_expressions()
SAMPLES = [1, 2.5, "text", True, None, {"a": 1, "varfield": "v"}, [1, {"x": 2}], []]


def test_the_corpus_is_mostly_within_the_subset() -> None:
    assert len(CORPUS) >= 50
    compiled = [text for text, _ in CORPUS if compile_jsonata(text)._fast is not None]
    assert len(compiled) >= 0.9 * len(CORPUS)


@pytest.mark.parametrize(("text", "case_input"), CORPUS, ids=[text[:60] for text, _ in CORPUS])
def test_every_corpus_expression_answers_as_the_library_does(text: str, case_input: Any) -> None:
    names = set(re.findall(r"\$(\w+)", text)) - {"states"}
    variable_sets = [{}] + [dict.fromkeys(names, sample) for sample in SAMPLES]
    for states in (
        {"input": case_input, "context": STATES["context"]},
        {**STATES, "input": case_input},
        STATES,
    ):
        for variables in variable_sets:
            assert_same(text, states, variables, now=CLOCK)


# --- generated expressions ------------------------------------------------------------------

FIELDS = ["a", "b", "c", "d", "n", "f", "whole", "s", "e", "t", "nil", "list", "objs", "x"]
FIELDS += ["nums", "strs", "empty", "one", "nested", "big", "huge", "missing", "last", "step"]
FIELDS += ["odd", "bigf"]
NUMBERS = ["0", "1", "2", "-1", "0.5", "2.0", "1e3", "9007199254740993", "1e21", "3.75"]
STRINGS = ["''", "'a'", "'text'", '"x y"', "'1'"]


def _path(fields: list[str], root: str) -> str:
    return ".".join([root, *fields])


paths = st.builds(
    _path,
    st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3),
    st.sampled_from(["$states.input", "$states.input", "$v", "$w", "$states.context", "$"]),
)
atoms = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(STRINGS),
    st.sampled_from(["true", "false", "null", "$nothing", "$num", "$k", "$flag", "$w", "$"]),
    paths,
    paths,
)
BINARY = ["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&", "in"]
UNARY_FUNCTIONS = ["merge", "count", "sum", "string", "number", "exists", "length", "keys"]
UNARY_FUNCTIONS += ["not", "boolean", "type", "uppercase", "abs", "max", "distinct", "reverse"]


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, op, b: f"({a}) {op} ({b})", inner, st.sampled_from(BINARY), inner),
        st.builds(lambda a: f"-({a})", inner),
        st.builds(lambda a, b, c: f"({a}) ? ({b}) : ({c})", inner, inner, inner),
        st.builds(lambda a, b: f"({a}) ? ({b})", inner, inner),
        st.builds(lambda items: "[" + ", ".join(items) + "]", st.lists(inner, max_size=3)),
        st.builds(
            lambda values: "{" + ", ".join(f"'k{i}': {v}" for i, v in enumerate(values)) + "}",
            st.lists(inner, max_size=3),
        ),
        st.builds(lambda key, value: "{" + f"({key}): ({value})" + "}", inner, inner),
        st.builds(lambda a, b: f"({a}; {b})", inner, inner),
        st.builds(lambda name, a: f"${name}({a})", st.sampled_from(UNARY_FUNCTIONS), inner),
        st.builds(lambda a, b: f"$append({a}, {b})", inner, inner),
        st.builds(lambda items: "$merge([" + ", ".join(items) + "])", st.lists(inner, max_size=3)),
        st.builds(lambda a, b: f"$lookup({a}, {b})", inner, st.sampled_from([*STRINGS, "$k"])),
        st.builds(lambda a, b: f"$join({a}, {b})", inner, st.sampled_from(STRINGS)),
        st.builds(lambda a: f"({a}) ~> $string()", inner),
    )


# Deferred rather than st.recursive: the strategy's repr then stays small.
expressions: st.SearchStrategy[str] = st.deferred(
    lambda: st.one_of(atoms, atoms, atoms, _compound(expressions))
)
documents = st.sampled_from([None, {"a": {"b": 2}, "n": 1, "s": "d"}, 4, "txt"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, documents)
def test_generated_expressions_answer_as_the_library_does(text: str, document: Any) -> None:
    expression = compile_jsonata(text)
    assert expression._fast is not None, text  # the grammar stays within the subset
    fast = outcome(expression, STATES, VARIABLES, document=document)
    slow = outcome(library_only(expression), STATES, VARIABLES, document=document)
    assert fast == slow, text
