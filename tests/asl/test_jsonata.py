"""JSONata in Step Functions: binding, AWS's functions, results, errors and budgets."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.errors import QUERY_EVALUATION_ERROR, ExpressionSyntaxError, StatesError
from sfntui.asl.jsonata import (
    UNDEFINED,
    compile_jsonata,
    is_jsonata_template,
    jsonata_text,
)

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"
CLOCK = datetime(2024, 3, 14, 1, 59, 26, 535000, tzinfo=UTC)


def evaluate(text: str, states: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return compile_jsonata(text).evaluate({"input": {}} if states is None else states, **kwargs)


def failure(text: str, states: dict[str, Any] | None = None, **kwargs: Any) -> str:
    with pytest.raises(StatesError) as raised:
        evaluate(text, states, **kwargs)
    assert raised.value.error == QUERY_EVALUATION_ERROR
    assert raised.value.in_state
    assert raised.value.cause is not None
    return raised.value.cause


# --- templates and syntax -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{% $states.input %}", True),
        ("{%$x%}", True),
        ("{%%}", True),
        (" {% states.input %} ", False),  # AWS keeps this one as a plain string
        ("{% $x %} ", False),
        (" {% $x %}", False),
        ("{%}", False),
        ("$states.input", False),
        (42, False),
        (None, False),
    ],
)
def test_a_template_is_a_whole_string_between_the_delimiters(value: Any, expected: bool) -> None:
    assert is_jsonata_template(value) is expected


def test_jsonata_text_is_the_stripped_inside() -> None:
    assert jsonata_text("{%  $states.input.x \n%}") == "$states.input.x"


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("1 +", "S0207: Unexpected end of expression", 3),
        ("(1", 'S0203: Expected ")" before end of expression', 2),
        ("$f := function($x){$f($x)}; $f(1)", 'S0201: Syntax error: ";"', 27),
        ('"abc', "S0101: String literal must be terminated by a matching quote", 4),
        ("", "S0207: Unexpected end of expression", 0),
    ],
)
def test_a_syntax_error_carries_the_code_message_and_position(
    text: str, message: str, position: int
) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        compile_jsonata(text)
    assert raised.value.text == text
    assert raised.value.message == message
    assert raised.value.position == position


def test_evaluation_never_parses_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonata import parser

    expression = compile_jsonata("$states.input.x + $sum($states.input.xs)")

    def no_parsing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed during evaluation")

    monkeypatch.setattr(parser.Parser, "parse", no_parsing)
    assert expression.evaluate({"input": {"x": 1, "xs": [2, 3]}}) == 6


# --- $states and variables ------------------------------------------------------------------


@pytest.mark.parametrize("member", ["input", "result", "errorOutput", "context"])
def test_each_states_member_is_bound(member: str) -> None:
    states = {member: {"value": member}}
    assert evaluate(f"$states.{member}.value", states) == member
    assert evaluate(f"$uppercase($states.{member}.value)", states) == member.upper()


def test_variables_are_bound_by_name() -> None:
    variables = {"count": 2, "names": ["a", "b"], "nothing": None, "flag": False}
    states = {"input": {"x": 40}}
    expression = compile_jsonata("$states.input.x + $count & '/' & $join($names, ',')")
    assert expression.evaluate(states, variables) == "42/a,b"
    assert compile_jsonata("$nothing").evaluate(states, variables) is None
    assert compile_jsonata("$type($nothing)").evaluate(states, variables) == "null"
    assert compile_jsonata("$flag").evaluate(states, variables) is False


def test_states_wins_over_a_variable_of_the_same_name() -> None:
    expression = compile_jsonata("$states.input.x")
    assert expression.evaluate({"input": {"x": 1}}, {"states": {"input": {"x": 2}}}) == 1


def test_a_json_null_in_the_input_is_null_not_undefined() -> None:
    states = {"input": {"items": None, "nested": {"n": None}}}
    assert evaluate("$states.input.items", states) is None
    assert evaluate("$type($states.input.nested.n)", states) == "null"
    assert evaluate("$exists($states.input.nested.n)", states) is True


def test_a_value_handed_in_comes_back_as_the_same_object() -> None:
    document = {"big": list(range(1000))}
    assert evaluate("$states.input", {"input": document}) is document
    assert evaluate("$states.input.big", {"input": document}) is document["big"]


def test_evaluation_leaves_the_input_as_it_was() -> None:
    document = {"xs": [3, 1, 2], "o": {"a": 1}}
    snapshot = json.dumps(document)
    assert evaluate("$sort($states.input.xs)", {"input": document}) == [1, 2, 3]
    assert evaluate("$reverse($states.input.xs)", {"input": document}) == [2, 1, 3]
    changed = evaluate("$states.input.o ~> |$|{'b': 2}|", {"input": document})
    assert changed == {"a": 1, "b": 2}
    assert json.dumps(document) == snapshot


@pytest.mark.parametrize(
    "path",
    [
        "$states.input.a.b",
        "$states.input.a.missing",
        "$states.input.list.x",
        "$states.input.list",
        "$states.input.s.length",
        "$states.input.n.x",
        "$states.input.nil",
        "$v.deep.er",
        "$v.list",
    ],
)
def test_a_plain_path_reads_the_same_as_the_full_evaluator(path: str) -> None:
    states = {
        "input": {
            "a": {"b": [1, 2]},
            "list": [{"x": 1}, {"x": [2, 3]}, {"y": 4}],
            "s": "text",
            "n": 5,
            "nil": None,
        }
    }
    variables = {"v": {"deep": {"er": {"est": True}}, "list": [0]}}
    expression = compile_jsonata(path)
    assert expression._fast is not None
    direct = expression.evaluate(states, variables, allow_undefined=True)
    library = replace(expression, _fast=None)
    general = library.evaluate(states, variables, allow_undefined=True)
    assert (direct is UNDEFINED) == (general is UNDEFINED)
    assert json.dumps(direct, default=repr) == json.dumps(general, default=repr)


def test_evaluation_works_from_another_thread() -> None:
    expression = compile_jsonata("$states.input.x * 2 + $sum([1, 2])")
    results: list[Any] = []
    worker = threading.Thread(
        target=lambda: results.append(expression.evaluate({"input": {"x": 4}}))
    )
    worker.start()
    worker.join()
    assert results == [11]


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("1 + 1", "2"),
        ("1.5 * 2", "3"),
        ("10 / 4", "2.5"),
        ("$sum($states.input.xs) + 1", "7"),
        ("$average([1, 3])", "2"),
        ("$number('2')", "2"),
        ("2.0", "2"),
        ("$round(2.567, 2)", "2.57"),
        ("[1, 2.5, 3.0]", "[1, 2.5, 3]"),
        ("{'a': 4 / 2}", '{"a": 2}'),
        ("1e300 * 10", "1e+301"),
    ],
)
def test_whole_numbers_computed_by_jsonata_print_as_integers(text: str, printed: str) -> None:
    assert json.dumps(evaluate(text, {"input": {"xs": [1, 2, 3]}})) == printed


def test_a_number_passed_through_keeps_its_type() -> None:
    assert json.dumps(evaluate("$states.input.f", {"input": {"f": 2.0}})) == "2.0"
    assert json.dumps(evaluate("$states.input.f * 1", {"input": {"f": 2.0}})) == "2"


# --- results and errors, worded as AWS words them ---------------------------------------


def test_an_undefined_result_is_an_error_naming_expression_and_field() -> None:
    cause = failure("$doesNotExist", field="Output/result")
    assert cause == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
        "returned nothing (undefined)."
    )


def test_an_undefined_result_can_be_asked_for() -> None:
    assert evaluate("$states.input.nope", allow_undefined=True) is UNDEFINED
    assert evaluate("$states.input.nope + 1", allow_undefined=True) is UNDEFINED


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("$randomSeeded(1)", "T1006: Attempted to invoke a non-function"),
        ("1 + 'a'", 'T2002: The right side of the "+" operator must evaluate to a number'),
        ("$sum('a')", 'T0412: Argument 1 of function "sum" must be an array of "numbers"'),
        (
            "$reduce([1], 1)",
            'T0410: Argument 1 of function "reduce" does not match function signature',
        ),
        ("$error('boom')", "D3137: boom"),
        ("5 / 0", "D1001: Number out of range: null"),
    ],
)
def test_a_thrown_error_gives_code_and_message(text: str, error: str) -> None:
    cause = failure(text, field="Output/FunctionResult")
    assert cause == (
        f"The JSONata expression '{text}' specified for the field 'Output/FunctionResult' "
        f"threw an error during evaluation. {error}"
    )


@pytest.mark.parametrize(
    "text", ["$fn := function($x){$x}", "{'f': function($x){$x}}", "[1, $sum]", "/abc/"]
)
def test_a_function_result_is_an_unsupported_result_type(text: str) -> None:
    assert failure(text, field="Items") == (
        f"The JSONata expression '{text}' specified for the field 'Items' "
        "returned an unsupported result type."
    )


def test_null_is_a_result_not_an_error() -> None:
    assert evaluate("null") is None
    assert evaluate("[1, null, $nothing]") == [1, None]
    assert evaluate("{'a': null, 'b': $nothing}") == {"a": None}


# --- AWS's functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ("$partition([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
        ("$partition([0], 3)", [[0]]),
        ("$partition([0, 1, 2], 1)", [[0], [1], [2]]),
        ("$partition([], 2)", []),
        ("$partition(['a', {'b': 1}], 5)", [["a", {"b": 1}]]),
    ],
)
def test_partition(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


@pytest.mark.parametrize("size", ["0", "-1", "1.5", "'2'"])
def test_partition_needs_a_positive_whole_chunk_size(size: str) -> None:
    assert "threw an error during evaluation" in failure(f"$partition([1, 2], {size})")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$range(0, 10, 2)", [0, 2, 4, 6, 8, 10]),
        ("$range(0, 9, 3)", [0, 3, 6, 9]),
        ("$range(0, 10, 3)", [0, 3, 6, 9]),
        ("$range(1, 9, 9)", 1),  # a single item comes out as that item, as on AWS
        ("$range(10, 4, -3)", [10, 7, 4]),
        ("$range(0, 1, 0.25)", [0, 0.25, 0.5, 0.75, 1]),
        ("$range(5, 1, 1)", []),
    ],
)
def test_range_includes_its_end(text: str, expected: Any) -> None:
    result = evaluate(text)
    assert result == expected
    assert json.dumps(result) == json.dumps(expected)


def test_range_refuses_a_zero_step() -> None:
    assert "D3137: The step of $range must not be zero" in failure("$range(1, 5, 0)")


@pytest.mark.parametrize(
    ("algorithm", "name"),
    [
        ("MD5", "md5"),
        ("SHA-1", "sha1"),
        ("SHA-256", "sha256"),
        ("SHA-384", "sha384"),
        ("SHA-512", "sha512"),
    ],
)
def test_hash(algorithm: str, name: str) -> None:
    expected = hashlib.new(name, "hello wörld".encode()).hexdigest()
    assert evaluate(f"$hash('hello wörld', '{algorithm}')") == expected


def test_hash_names_the_algorithms_it_knows() -> None:
    cause = failure("$hash('x', 'SHA-3')")
    assert cause.endswith(
        "D3137: The hash algorithm 'SHA-3' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
    )


def test_random_with_a_seed_is_deterministic() -> None:
    first = evaluate("$random(42)")
    assert first == evaluate("$random(42)")
    assert 0 <= first < 1
    assert first != evaluate("$random(43)")
    assert evaluate("[$random(7), $random(7)]") == [evaluate("$random(7)")] * 2


def test_random_without_a_seed() -> None:
    values = evaluate("[$random(), $random(), $random()]")
    assert all(0 <= value < 1 for value in values)
    assert len(set(values)) == 3


def test_uuid_is_a_fresh_version_4_uuid() -> None:
    first, second = evaluate("[$uuid(), $uuid()]")
    pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert pattern.fullmatch(first)
    assert pattern.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
        ("1", 1),
        ("1.1", 1.1),
        ("1.0", 1),
        ('"HelloWorld"', "HelloWorld"),
        ("null", None),
        ('[true, null, {"a": 2.50}]', [True, None, {"a": 2.5}]),
    ],
)
def test_parse(text: str, expected: Any) -> None:
    result = evaluate("$parse($states.input.s)", {"input": {"s": text}})
    assert json.dumps(result) == json.dumps(expected)


@pytest.mark.parametrize("text", ["{not json", "NaN", ""])
def test_parse_rejects_what_is_not_json(text: str) -> None:
    cause = failure("$parse($states.input.s)", {"input": {"s": text}})
    assert "threw an error during evaluation. D3137: $parse could not read its argument" in cause


def test_now_and_millis_answer_from_the_given_clock() -> None:
    assert evaluate("$now()", now=CLOCK) == "2024-03-14T01:59:26.535Z"
    assert evaluate("$millis()", now=CLOCK) == 1710381566535
    naive = CLOCK.replace(tzinfo=None)
    assert evaluate("$millis()", now=naive) == 1710381566535
    elsewhere = CLOCK.astimezone(timezone(timedelta(hours=2)))
    assert evaluate("$now()", now=elsewhere) == "2024-03-14T01:59:26.535Z"
    assert evaluate("$now('[Y0001]-[M01]-[D01]')", now=CLOCK) == "2024-03-14"


def test_now_holds_still_within_one_evaluation_and_follows_the_wall_clock_by_default() -> None:
    first, second = evaluate("[$millis(), ($sum([1..100000]); $millis())]")
    assert first == second
    assert abs(evaluate("$millis()") - time.time() * 1000) < 5000


# --- budgets --------------------------------------------------------------------------------


def test_an_endless_tail_recursion_stops_at_the_time_limit() -> None:
    started = time.monotonic()
    cause = failure("($f := function($x){$f($x)}; $f(1))", time_limit=0.2)
    assert time.monotonic() - started < 2
    assert cause.endswith(
        "threw an error during evaluation. "
        "D1012: Evaluation timeout after 200 milliseconds. Check for infinite loop"
    )


def test_a_huge_loop_stops_at_the_time_limit() -> None:
    started = time.monotonic()
    cause = failure("$count($map([1..999999], function($v){$v * 2}))", time_limit=0.2)
    assert time.monotonic() - started < 2
    assert "D1012: Evaluation timeout after 200 milliseconds" in cause


def test_a_deep_recursion_stops_at_the_depth_limit() -> None:
    started = time.monotonic()
    cause = failure("($f := function($x){1 + $f($x)}; $f(1))", depth_limit=100)
    assert time.monotonic() - started < 2
    assert "D1011: Stack overflow: the expression nested deeper than 100 levels" in cause


def test_the_default_depth_limit_is_reached_before_the_python_stack() -> None:
    cause = failure("($f := function($x){1 + $f($x)}; $f(1))")
    assert "nested deeper than 500 levels" in cause


def test_running_out_of_python_stack_is_an_error_not_a_crash() -> None:
    cause = failure("($f := function($x){1 + $f($x)}; $f(1))", depth_limit=10**9)
    assert "D1011: Stack overflow" in cause


def test_a_recursion_that_ends_is_within_the_limits() -> None:
    factorial = "($f := function($n){$n <= 1 ? 1 : $n * $f($n - 1)}; $f(20))"
    assert evaluate(factorial) == 2432902008176640000


# --- the conformance corpus -----------------------------------------------------------------


PASS_FIELDS = {"Type", "QueryLanguage", "Assign", "Output", "Next", "End", "Comment"}


def _single_expression_cases() -> list[Any]:
    """Cases whose result is one Pass state's Output, after Pass states assigning constants.

    The Output is a template (one level of object keys at most), so each expression is
    evaluated on the execution input with the assigned variables, and the case's recorded
    output or `States.QueryEvaluationError` cause is compared with ours.
    """
    found = []
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text())
        if "nondeterministic" in case.get("flags", []):
            continue
        definition = case["definition"]
        language = definition.get("QueryLanguage", "JSONPath")
        states = definition["States"]
        variables: dict[str, Any] = {}
        name = definition["StartAt"]
        while True:
            state = states[name]
            if state["Type"] != "Pass" or not set(state) <= PASS_FIELDS:
                break
            if "Output" in state:
                jsonata = state.get("QueryLanguage", language) == "JSONata"
                if jsonata and state.get("End") and "Assign" not in state:
                    found.append(
                        pytest.param(case, name, state["Output"], variables, id=path.stem[:90])
                    )
                break
            assigned = state.get("Assign", {})
            if "{%" in json.dumps(assigned) or '.$"' in json.dumps(assigned) or "Next" not in state:
                break  # only constants are assigned on the way
            variables = {**variables, **assigned}
            name = state["Next"]
    return found


def _resolve(template: Any, field: str, states: dict[str, Any], variables: dict[str, Any]) -> Any:
    if is_jsonata_template(template):
        return compile_jsonata(jsonata_text(template)).evaluate(states, variables, field=field)
    if isinstance(template, dict):
        return {
            key: _resolve(value, f"{field}/{key}", states, variables)
            for key, value in template.items()
        }
    return template


SINGLE_EXPRESSION_CASES = _single_expression_cases()


def test_the_corpus_has_single_expression_cases() -> None:
    assert len(SINGLE_EXPRESSION_CASES) >= 25


@pytest.mark.parametrize(("case", "state", "output", "variables"), SINGLE_EXPRESSION_CASES)
def test_conformance_case_computed_by_one_evaluation(
    case: dict[str, Any], state: str, output: Any, variables: dict[str, Any]
) -> None:
    expected = case["expected"]
    states = {"input": case["input"]}
    if expected["status"] == "SUCCEEDED":
        result = _resolve(output, "Output", states, variables)
        assert json.dumps(result) == json.dumps(expected["output"])
        return
    assert expected["error"] == QUERY_EVALUATION_ERROR
    with pytest.raises(StatesError) as raised:
        _resolve(output, "Output", states, variables)
    prefix = f"An error occurred while executing the state '{state}' (entered at the event id #"
    assert expected["cause"].startswith(prefix)
    assert expected["cause"].split("). ", 1)[1] == raised.value.cause
