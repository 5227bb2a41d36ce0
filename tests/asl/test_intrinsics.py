from __future__ import annotations

import json
import random
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfntui.asl.errors import ExpressionSyntaxError, StatesError
from sfntui.asl.intrinsics import (
    IntrinsicCall,
    compile_intrinsic,
    is_intrinsic,
    java_random_int,
)
from sfntui.asl.paths import compile_path, set_at

# ---------------------------------------------------------------------------------------------
# The recorded AWS executions: a single Pass state whose Parameters call intrinsics.
# ---------------------------------------------------------------------------------------------

CASES_DIR = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"
STATE_PREFIX = re.compile(
    r"^An error occurred while executing the state '.*?' \(entered at the event id #\d+\)\. "
)
PASS_FIELDS = {
    "Type",
    "Comment",
    "Parameters",
    "End",
    "Next",
    "InputPath",
    "ResultPath",
    "OutputPath",
}


def _dollar_values(template: Any) -> list[Any]:
    if isinstance(template, dict):
        found = []
        for key, value in template.items():
            if key.endswith(".$"):
                found.append(value)
            else:
                found.extend(_dollar_values(value))
        return found
    if isinstance(template, list):
        return [value for item in template for value in _dollar_values(item)]
    return []


def _single_pass_with_parameters(case: dict[str, Any]) -> bool:
    definition = case["definition"]
    states = definition["States"]
    if len(states) != 1 or definition.get("QueryLanguage") == "JSONata":
        return False
    (state,) = states.values()
    if state["Type"] != "Pass" or not isinstance(state.get("Parameters"), dict):
        return False
    if set(state) - PASS_FIELDS or state.get("QueryLanguage") == "JSONata":
        return False
    values = _dollar_values(state["Parameters"])
    return all(
        isinstance(value, str)
        and (is_intrinsic(value) or value.startswith("$"))
        and "{%" not in value
        for value in values
    )


def _intrinsic_cases() -> list[Path]:
    selected = []
    for path in sorted(CASES_DIR.glob("*.json")):
        case = json.loads(path.read_text())
        if case.get("features", {}).get("intrinsics") and _single_pass_with_parameters(case):
            selected.append(path)
    return selected


INTRINSIC_CASES = _intrinsic_cases()


def _context(case: dict[str, Any], state_name: str) -> dict[str, Any]:
    """A context object whose generated values are the corpus's mask tokens, so a value AWS hid
    behind a token comes out as that token."""
    machine_arn = "arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>"
    return {
        "Execution": {
            "Id": machine_arn.replace("stateMachine", "execution") + ":<ExecArnPart_0idx>",
            "Input": case["input"],
            "Name": "<ExecArnPart_0idx>",
            "RoleArn": "arn:<partition>:iam::111111111111:role/<role>",
            "StartTime": "<start-date>",
        },
        "StateMachine": {"Id": machine_arn, "Name": "<ArnPart_0idx>"},
        "State": {"Name": state_name, "EnteredTime": "<entered-time>", "RetryCount": 0},
    }


def _apply_template(template: Any, document: Any, context: Any) -> Any:
    if isinstance(template, dict):
        result = {}
        for key, value in template.items():
            if not key.endswith(".$"):
                result[key] = _apply_template(value, document, context)
            elif is_intrinsic(value):
                result[key[:-2]] = compile_intrinsic(value).evaluate(document, context)
            else:
                result[key[:-2]] = compile_path(value).find(document, context)
        return result
    if isinstance(template, list):
        return [_apply_template(item, document, context) for item in template]
    return template


def _run_pass(case: dict[str, Any]) -> Any:
    ((name, state),) = case["definition"]["States"].items()
    context = _context(case, name)
    document = compile_path(state.get("InputPath", "$")).find(case["input"], context)
    result = _apply_template(state["Parameters"], document, context)
    result_path = state.get("ResultPath", "$")
    if result_path is not None:
        result = set_at(document, compile_path(result_path), result)
    return compile_path(state.get("OutputPath", "$")).find(result, context)


def _matches(expected: Any, actual: Any, masks: list[str]) -> bool:
    """JSON equality that tells 1 from 1.0 and true from 1; a mask token matches any text, and a
    value that is a whole token (a random number, a uuid) matches any scalar."""
    if isinstance(expected, str) and expected in masks:
        return not isinstance(actual, dict | list)
    if isinstance(expected, str) and masks and isinstance(actual, str):
        pattern = re.escape(expected)
        for token in masks:
            pattern = pattern.replace(re.escape(token), ".*")
        return re.fullmatch(pattern, actual, re.DOTALL) is not None
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(_matches(expected[key], actual[key], masks) for key in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_matches(e, a, masks) for e, a in zip(expected, actual, strict=True))
        )
    return type(expected) is type(actual) and expected == actual


def test_the_corpus_has_the_intrinsic_cases_this_file_checks() -> None:
    # 97 of the 107 intrinsic cases are a lone Pass (the rest need the engine); fewer means the
    # selection broke
    assert len(INTRINSIC_CASES) >= 97
    assert {path.name.split("__")[0] for path in INTRINSIC_CASES} >= {
        "test_array",
        "test_string_operations",
        "test_math_operations",
        "test_hash_calculations",
        "test_json_manipulation",
        "test_encode_decode",
        "test_unique_id_generation",
        "test_generic",
    }


@pytest.mark.parametrize("case_path", INTRINSIC_CASES, ids=lambda path: path.stem)
def test_recorded_aws_case(case_path: Path) -> None:
    case = json.loads(case_path.read_text())
    expected = case["expected"]
    masks = case.get("masks") or []
    if expected["status"] == "SUCCEEDED":
        output = _run_pass(case)
        assert _matches(expected["output"], output, masks), (expected["output"], output)
        return
    with pytest.raises(StatesError) as failure:
        _run_pass(case)
    assert failure.value.error == expected["error"]
    assert failure.value.in_state
    assert failure.value.cause == STATE_PREFIX.sub("", expected["cause"])


# ---------------------------------------------------------------------------------------------
# Recognising and compiling
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Format('x')", True),
        ("  States.UUID()", True),
        ("States.NoSuchThing(", True),
        ("States.Array (1)", True),
        ("$.a", False),
        ("States.Format", False),
        ("'States.Format('x')", False),
        ("$$.Execution.Id", False),
    ],
)
def test_is_intrinsic(text: str, expected: bool) -> None:
    assert is_intrinsic(text) is expected


def test_is_intrinsic_is_false_for_non_strings() -> None:
    assert is_intrinsic(None) is False  # type: ignore[arg-type]


def test_a_compiled_call_keeps_its_name_text_and_nested_calls() -> None:
    text = "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)"
    call = compile_intrinsic(text)
    assert call.text == text
    assert call.name == "States.ArrayGetItem"
    inner = call.arguments[0]
    assert isinstance(inner, IntrinsicCall)
    assert inner.text == "States.StringSplit($$.StateMachine.Name, '-')"
    assert inner.name == "States.StringSplit"


def test_path_arguments_are_listed_through_nested_calls() -> None:
    call = compile_intrinsic(
        "States.Format('{} {} {}', $.a, States.Array($$.Execution.Id, $v.x), 1)"
    )
    assert [(p.text, p.path.root) for p in call.path_arguments()] == [
        ("$.a", "input"),
        ("$$.Execution.Id", "context"),
        ("$v.x", "variable"),
    ]


def test_compiling_twice_gives_equal_calls() -> None:
    text = "States.Format('{} {}', $.a, 1.5)"
    assert compile_intrinsic(text) == compile_intrinsic(text)


def _syntax_error(text: str) -> ExpressionSyntaxError:
    with pytest.raises(ExpressionSyntaxError) as failure:
        compile_intrinsic(text)
    assert failure.value.text == text
    return failure.value


def test_an_unknown_function_is_named_with_a_suggestion() -> None:
    error = _syntax_error("States.Format('{}', States.MathAd(1, 2))")
    assert (
        error.message
        == "'States.MathAd' is not an intrinsic function (did you mean States.MathAdd?)"
    )
    assert error.position == 20


def test_a_name_outside_states_is_not_a_function() -> None:
    error = _syntax_error("Math.Add(1, 2)")
    assert (
        error.message == "'Math.Add' is not an intrinsic function: their names begin with 'States.'"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("States.MathAdd(1)", "States.MathAdd takes 2 arguments (two numbers), but 1 was given"),
        (
            "States.ArrayRange(1, 2)",
            "States.ArrayRange takes 3 arguments (start, end, step), but 2 were given",
        ),
        ("States.UUID(1)", "States.UUID takes no arguments, but 1 was given"),
        (
            "States.MathRandom(1, 2, 3, 4)",
            "States.MathRandom takes 2 or 3 arguments (start, end, an optional seed), "
            "but 4 were given",
        ),
        (
            "States.Format()",
            "States.Format takes a template string and one value per {}, but 0 were given",
        ),
        (
            "States.JsonMerge($.a, $.b)",
            "States.JsonMerge takes 3 arguments (two objects, and false for a shallow merge), "
            "but 2 were given",
        ),
        (
            "States.StringToJson()",
            "States.StringToJson takes 1 argument (a JSON string), but 0 were given",
        ),
    ],
)
def test_a_wrong_number_of_arguments_says_what_the_function_takes(text: str, message: str) -> None:
    assert _syntax_error(text).message == message


def test_a_wrong_count_in_a_nested_call_points_at_that_call() -> None:
    error = _syntax_error("States.Array(1, States.Hash('x'))")
    assert error.message.startswith("States.Hash takes 2 arguments")
    assert error.position == 16


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        (
            "States.Format('abc, $.a)",
            "the string starting at position 14 is not terminated",
            14,
        ),
        ("States.Array(1, 2", "the call to States.Array is missing its closing ')'", 17),
        (
            "States.Array(1 2)",
            "expected ',' or ')' in the call to States.Array, found '2' at position 15",
            15,
        ),
        ("States.Array(1,)", "expected an argument, found ')' at position 15", 15),
        ("States.Array(1) x", "unexpected 'x' at position 16 after the end of the call", 16),
        ("States.Array(1.2.3)", "malformed number at position 13", 13),
        ("States.Array(yes)", "expected '(' after yes, found ')' at position 16", 16),
        ("States.Array", "expected '(' after States.Array, found end of text", 12),
        ("", "expected a function name such as States.Format, found end of text", 0),
    ],
)
def test_bad_syntax_is_reported_with_its_position(text: str, message: str, position: int) -> None:
    error = _syntax_error(text)
    assert error.message == f"Invalid intrinsic function '{text}': {message}"
    assert error.position == position


def test_a_bad_path_argument_is_a_syntax_error_at_the_path() -> None:
    error = _syntax_error("States.Array($.a[)")
    assert error.position == 13
    assert "is not a valid JSONPath" in error.message


def test_nesting_deeper_than_ten_calls_is_refused() -> None:
    ten_deep = "States.Array(" * 10 + ")" * 10
    assert compile_intrinsic(ten_deep).name == "States.Array"
    error = _syntax_error("States.Array(" * 11 + ")" * 11)
    assert "nested at most 10 deep" in error.message


def test_whitespace_between_tokens_is_allowed() -> None:
    call = compile_intrinsic("  States.Format (\n'{}-{}' ,\t$.a ,  2 )  ")
    assert call.evaluate({"a": "x"}) == "x-2"


def test_keywords_and_numbers_become_json_values() -> None:
    call = compile_intrinsic("States.Array(true, false, null, 0, -7, 1.0, -2.5, 1e3, 'text')")
    values = call.evaluate({})
    assert values == [True, False, None, 0, -7, 1.0, -2.5, 1000.0, "text"]
    assert [type(v) for v in values[3:8]] == [int, int, float, float, float]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r"'it\'s'", "it's"),
        (r"'a\\b'", "a\\b"),
        (r"'\{\}'", "{}"),
        ("'tab\\there'", "tab\there"),
        ("'with \"double\" quotes'", 'with "double" quotes'),
        ("'real\nnewline'", "real\nnewline"),
        ("'comma, and ) paren'", "comma, and ) paren"),
        ("'ünïcødé ✓'", "ünïcødé ✓"),
    ],
)
def test_string_literal_escapes(literal: str, value: str) -> None:
    assert compile_intrinsic(f"States.Array({literal})").evaluate({}) == [value]


def _compile_or_error(text: str) -> IntrinsicCall | ExpressionSyntaxError:
    try:
        return compile_intrinsic(text)
    except ExpressionSyntaxError as error:
        return error


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_compiling_random_text_succeeds_or_raises_a_syntax_error(text: str) -> None:
    outcome = _compile_or_error(text)
    if isinstance(outcome, ExpressionSyntaxError):
        assert outcome.text == text
        assert outcome.message
    else:
        assert outcome.text == text


_PIECES = st.sampled_from(
    [
        "States.",
        "Format",
        "Array",
        "MathAdd",
        "(",
        ")",
        ",",
        " ",
        "'",
        "\\",
        "{",
        "}",
        "$",
        "$$",
        ".a",
        "[0]",
        "['x']",
        "1",
        "-",
        "2.5",
        "true",
        "null",
        "x",
        "States.Array(",
        "States.UUID()",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_compiling_near_miss_calls_succeeds_or_raises_a_syntax_error(text: str) -> None:
    outcome = _compile_or_error(text)
    assert outcome.text == text
    if isinstance(outcome, IntrinsicCall):
        assert outcome.name.startswith("States.")


# ---------------------------------------------------------------------------------------------
# Evaluation: arguments and the errors AWS reports
# ---------------------------------------------------------------------------------------------


def _value(
    text: str, document: Any = None, context: Any = None, variables: Any = None, **kw: Any
) -> Any:
    return compile_intrinsic(text).evaluate(document, context, variables, **kw)


def _runtime_cause(
    text: str, document: Any = None, context: Any = None, variables: Any = None
) -> str:
    with pytest.raises(StatesError) as failure:
        _value(text, document, context, variables)
    assert failure.value.error == "States.Runtime"
    assert failure.value.in_state is True
    assert failure.value.cause is not None
    return failure.value.cause


def test_path_arguments_read_the_input_the_context_and_variables() -> None:
    text = "States.Array($, $.a, $$.Execution.Name, $greeting, $greeting.to, $.list[*].n)"
    document = {"a": 1, "list": [{"n": 1}, {"n": 2}]}
    context = {"Execution": {"Name": "run-1"}}
    variables = {"greeting": {"to": "world"}}
    assert _value(text, document, context, variables) == [
        document,
        1,
        "run-1",
        {"to": "world"},
        "world",
        [1, 2],
    ]


def test_a_missing_input_path_fails_with_aws_wording() -> None:
    cause = _runtime_cause("States.Format('{}', $.nope)", {"other": 1, "name": "José"})
    assert cause == (
        "The function 'States.Format('{}', $.nope)' had the following error: "
        "The JsonPath argument for the field '$.nope' could not be found in the input "
        '\'{"other":1,"name":"José"}\''
    )


def test_a_missing_path_in_a_nested_call_names_the_whole_expression() -> None:
    text = "States.Format('{}', States.Format('{}', $.nope))"
    assert _runtime_cause(text, {"other": 1}) == (
        f"The function '{text}' had the following error: "
        "The JsonPath argument for the field '$.nope' could not be found in the input "
        "'{\"other\":1}'"
    )


def test_an_index_past_the_end_is_a_missing_argument() -> None:
    cause = _runtime_cause("States.Format('{}', $.items[5])", {"items": [1, 2]})
    assert cause.endswith(
        "The JsonPath argument for the field '$.items[5]' could not be found "
        "in the input '{\"items\":[1,2]}'"
    )


def test_a_missing_context_path_is_named_inside_the_context_and_shows_the_input() -> None:
    cause = _runtime_cause("States.Format('{}', $$.Nope.Deep)", {"other": 1}, {"State": {}})
    assert cause.endswith(
        "The JsonPath argument for the field '$.Nope.Deep' could not be found in the input "
        "'{\"other\":1}'"
    )


def test_a_missing_variable_fails_like_a_missing_path() -> None:
    cause = _runtime_cause("States.Array($counter.value)", {}, None, {"counter": {}})
    assert "The JsonPath argument for the field '$counter.value' could not be found" in cause
    cause = _runtime_cause("States.Array($undefined)", {}, None, {})
    assert "The JsonPath argument for the field '$undefined' could not be found" in cause


def test_a_present_null_argument_is_not_missing() -> None:
    assert _value("States.Format('{}', $.nul)", {"nul": None}) == "null"


def _invalid(text: str, document: Any = None) -> None:
    name = compile_intrinsic(text).name
    assert _runtime_cause(text, document) == (
        f"The function '{text}' had the following error: Invalid arguments in {name}"
    )


# ---------------------------------------------------------------------------------------------
# The functions
# ---------------------------------------------------------------------------------------------


def test_format_renders_each_kind_of_value_as_aws_does() -> None:
    document = {
        "s": "text",
        "i": 1,
        "f": 1.1,
        "whole": 2.0,
        "t": True,
        "n": None,
        "o": {"Arg1": 1, "Arg2": [], "name": "x", "nothing": None},
        "a": ["x", 1, {"k": True}],
    }
    text = "States.Format('{}|{}|{}|{}|{}|{}|{}|{}', $.s, $.i, $.f, $.whole, $.t, $.n, $.o, $.a)"
    assert _value(text, document) == (
        "text|1|1.1|2.0|true|null|{Arg1=1, Arg2=[], name=x, nothing=null}|[x, 1, {k=true}]"
    )


def test_format_escaped_braces_and_quotes_are_plain_text() -> None:
    text = r"States.Format('\{{}\} it\'s {} \\ done', 'a', 2)"
    assert _value(text, {}) == "{a} it's 2 \\ done"


def test_format_without_placeholders_returns_the_template() -> None:
    assert _value("States.Format('no placeholders')", {}) == "no placeholders"


def test_format_keeps_non_ascii_and_whitespace() -> None:
    assert _value("States.Format('  {}  ', $.a)", {"a": "ça ✓"}) == "  ça ✓  "


def test_format_takes_its_template_from_a_path() -> None:
    assert _value("States.Format($.tpl, 1)", {"tpl": "n={}"}) == "n=1"


def test_format_nested_json_to_string() -> None:
    text = "States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))"
    assert _value(text, {"svc": "lambda", "obj": {"k": 1}}) == 'arn:lambda:{"k":1}'


@pytest.mark.parametrize(
    ("text", "document"),
    [
        ("States.Format('{} {}', $.a)", {"a": "x"}),
        ("States.Format('{}', $.a, $.b)", {"a": "x", "b": "y"}),
        ("States.Format('Hello {', $.a)", {"a": "x"}),
        ("States.Format('Hello {{}}', $.a)", {"a": "x"}),
        ("States.Format('}')", {}),
        ("States.Format($.template, $.name)", {"template": 123, "name": "Ada"}),
        ("States.Format($.template)", {"template": "a { b"}),
    ],
)
def test_format_failures(text: str, document: Any) -> None:
    _invalid(text, document)


def test_string_to_json() -> None:
    assert _value("States.StringToJson($.s)", {"s": '{"a":1,"b":[1.5,"x"]}'}) == {
        "a": 1,
        "b": [1.5, "x"],
    }
    assert _value("States.StringToJson(' {\"a\":1} ')", {}) == {"a": 1}
    assert _value("States.StringToJson($.s)", {"s": "1.0"}) == 1.0
    assert type(_value("States.StringToJson($.s)", {"s": "1.0"})) is float
    zero = _value("States.StringToJson($.s)", {"s": "-0"})
    assert zero == 0
    assert type(zero) is int
    assert _value("States.StringToJson($.s)", {"s": '"HelloWorld"'}) == "HelloWorld"


@pytest.mark.parametrize("blank", ["", " ", "\n\t"])
def test_string_to_json_of_blank_text_is_null(blank: str) -> None:
    assert _value("States.StringToJson($.s)", {"s": blank}) is None


@pytest.mark.parametrize(
    "value", ["{bad json}", '{"a":1', "undefined", "NaN", "Infinity", 123, {"a": 1}, [1]]
)
def test_string_to_json_failures(value: Any) -> None:
    _invalid("States.StringToJson($.s)", {"s": value})


def test_json_to_string_is_compact_and_keeps_non_ascii() -> None:
    document = {
        "v": {"Arg1": 1, "Arg2": [], "name": "José ✓", "f": 1.0, "n": None, "q": 'say "hi"'}
    }
    assert _value("States.JsonToString($.v)", document) == (
        '{"Arg1":1,"Arg2":[],"name":"José ✓","f":1.0,"n":null,"q":"say \\"hi\\""}'
    )
    assert _value("States.JsonToString($.v)", {"v": "HelloWorld"}) == '"HelloWorld"'
    assert _value("States.JsonToString($.v)", {"v": 1.1}) == "1.1"


def test_array_collects_its_arguments() -> None:
    assert _value("States.Array()", {}) == []
    assert _value("States.Array($.a, 'b', 3)", {"a": {"x": None}}) == [{"x": None}, "b", 3]


@pytest.mark.parametrize(
    ("array", "size", "chunks"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
        ([], 3, []),
        ([1, 2, 3], 10, [[1, 2, 3]]),
        ([1, 2, 3, 4, 5], 2.6, [[1, 2], [3, 4], [5]]),
        ([[1], [2]], 1, [[[1]], [[2]]]),
    ],
)
def test_array_partition(array: list[Any], size: Any, chunks: list[Any]) -> None:
    assert _value("States.ArrayPartition($.a, $.n)", {"a": array, "n": size}) == chunks


@pytest.mark.parametrize(
    ("array", "size"),
    [
        ([1, 2, 3], 0),
        ([1, 2, 3], -1),
        ([1, 2, 3], 0.6),
        ([1, 2, 3], "2"),
        ([1], None),
        ([1], True),
        ("not-array", 2),
    ],
)
def test_array_partition_failures(array: Any, size: Any) -> None:
    _invalid("States.ArrayPartition($.a, $.n)", {"a": array, "n": size})


@pytest.mark.parametrize(
    ("array", "value", "contained"),
    [
        ([1, 2, 3], 2, True),
        ([1, 2, 3], 2.0, True),
        ([1, 2, 3], True, False),
        ([True, False], True, True),
        ([{"1": 2, "2": []}], {"2": [], "1": 2}, True),
        ([[1, 2, 3], 2], None, False),
        ([], [], False),
        (["1"], 1, False),
    ],
)
def test_array_contains(array: list[Any], value: Any, contained: bool) -> None:
    assert _value("States.ArrayContains($.a, $.v)", {"a": array, "v": value}) is contained


def test_array_contains_needs_an_array() -> None:
    _invalid("States.ArrayContains($.a, 1)", {"a": "abc"})


@pytest.mark.parametrize(
    ("args", "values"),
    [
        ("1, 9, 2", [1, 3, 5, 7, 9]),
        ("1, 9, 9", [1]),
        ("-2, 2, 2", [-2, 0, 2]),
        ("5, 1, -2", [5, 3, 1]),
        ("3, 3, -1", [3]),
        ("5, 1, 1", []),
        ("1, 5, -1", []),
        ("1.4, 5.6, 2.2", [1, 3, 5]),
        ("1.6, 1.4, 1", [1]),
    ],
)
def test_array_range(args: str, values: list[int]) -> None:
    assert _value(f"States.ArrayRange({args})", {}) == values


def test_array_range_allows_exactly_1000_items() -> None:
    assert len(_value("States.ArrayRange(1, 1000, 1)", {})) == 1000
    assert len(_value("States.ArrayRange(1000, 1, -1)", {})) == 1000


@pytest.mark.parametrize(
    "args",
    [
        "1, 1001, 1",
        "1001, 1, -1",
        "1, 10, 0",
        "1, 10, 0.49",
        "'a', 5, 1",
        "1, 5, null",
        "1, true, 1",
    ],
)
def test_array_range_failures(args: str) -> None:
    _invalid(f"States.ArrayRange({args})", {})


def test_array_get_item() -> None:
    assert _value("States.ArrayGetItem($.a, $.i)", {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "i": 5}) == 6
    assert _value("States.ArrayGetItem($.a, 0)", {"a": [None]}) is None
    assert _value("States.ArrayGetItem($.a, 1.2)", {"a": [10, 20, 30]}) == 20
    assert _value("States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)", {}) == "y"


def test_array_get_item_of_an_empty_array_is_null_as_on_aws() -> None:
    assert _value("States.ArrayGetItem($.a, 999)", {"a": []}) is None


@pytest.mark.parametrize(
    ("array", "index"),
    [([10, 20, 30], 3), ([10, 20, 30], -1), ([10, 20, 30], "1"), ("not-array", 0), ([1], None)],
)
def test_array_get_item_failures(array: Any, index: Any) -> None:
    _invalid("States.ArrayGetItem($.a, $.i)", {"a": array, "i": index})


def test_array_length() -> None:
    assert _value("States.ArrayLength($.a)", {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}) == 9
    assert _value("States.ArrayLength($.a)", {"a": []}) == 0
    _invalid("States.ArrayLength($.a)", {"a": {"length": 3}})


def test_array_unique_keeps_first_occurrences_in_order() -> None:
    array = [
        1,
        2,
        3,
        3,
        3,
        3,
        3,
        3,
        4,
        True,
        1.0,
        "1",
        {"a": 1, "b": 2},
        {"b": 2, "a": 1},
        None,
        None,
    ]
    assert _value("States.ArrayUnique($.a)", {"a": array}) == [
        1,
        2,
        3,
        4,
        True,
        "1",
        {"a": 1, "b": 2},
        None,
    ]
    _invalid("States.ArrayUnique($.a)", {"a": "aab"})


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("Data to encode", "RGF0YSB0byBlbmNvZGU="),
        ("", ""),
        ("✓", "4pyT"),
        ("こんにちは", "44GT44KT44Gr44Gh44Gv"),
        ("🚀", "8J+agA=="),
        ("abc\u0000def", "YWJjAGRlZg=="),
    ],
)
def test_base64_round_trip(text: str, encoded: str) -> None:
    assert _value("States.Base64Encode($.s)", {"s": text}) == encoded
    assert _value("States.Base64Decode($.s)", {"s": encoded}) == text


def test_base64_decode_skips_characters_outside_the_alphabet() -> None:
    assert _value("States.Base64Decode($.s)", {"s": " YWJjZA== "}) == "abcd"
    assert _value("States.Base64Decode($.s)", {"s": "YWJj\nZA=="}) == "abcd"


def test_base64_input_is_limited_to_10000_characters() -> None:
    assert _value("States.Base64Encode($.s)", {"s": "a" * 10_000}).startswith("YWFh")
    _invalid("States.Base64Encode($.s)", {"s": "a" * 10_001})
    assert isinstance(_value("States.Base64Decode($.s)", {"s": "QUFB" * 2500}), str)
    _invalid("States.Base64Decode($.s)", {"s": "A" * 10_001})


@pytest.mark.parametrize("value", [123, {}, ["x"], None])
def test_base64_needs_a_string(value: Any) -> None:
    _invalid("States.Base64Encode($.s)", {"s": value})
    _invalid("States.Base64Decode($.s)", {"s": value})


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "5d41402abc4b2a76b9719d911017c592"),
        ("SHA-1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
        ("SHA-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        (
            "SHA-384",
            "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f",
        ),
        (
            "SHA-512",
            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
        ),
    ],
)
def test_hash(algorithm: str, digest: str) -> None:
    assert _value(f"States.Hash('hello', '{algorithm}')", {}) == digest


def test_hash_of_unicode_text_hashes_its_utf8_bytes() -> None:
    digest = "1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604"
    assert _value("States.Hash($.s, 'SHA-256')", {"s": "✓"}) == digest


def test_hash_input_is_limited_to_10000_characters() -> None:
    assert len(_value("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_000})) == 64
    _invalid("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_001})


@pytest.mark.parametrize("algorithm", ["'sha-256'", "'SHA256'", "'MD-5'", "''", "'SHA-257'", "123"])
def test_hash_refuses_other_algorithms(algorithm: str) -> None:
    _invalid(f"States.Hash('data', {algorithm})", {})


def test_json_merge_is_shallow_and_the_second_object_wins() -> None:
    document = {"a": {"a": {"a1": 1, "a2": 2}, "b": 2}, "b": {"a": {"a3": 1, "a4": 2}, "c": 3}}
    merged = _value("States.JsonMerge($.a, $.b, false)", document)
    assert merged == {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}
    assert document["a"] == {"a": {"a1": 1, "a2": 2}, "b": 2}


def test_json_merge_of_a_string_to_json_result() -> None:
    text = 'States.JsonMerge(States.StringToJson(\'{"k": "false"}\'), $$.Execution.Input.f, false)'
    context = {"Execution": {"Input": {"f": {"x": 1}}}}
    assert _value(text, {}, context) == {"k": "false", "x": 1}


def test_json_merge_with_a_non_boolean_flag_merges_shallowly_as_aws_does() -> None:
    assert _value(
        "States.JsonMerge($.a, $.b, $.deep)", {"a": {}, "b": {"x": 1}, "deep": "false"}
    ) == {"x": 1}


@pytest.mark.parametrize(
    "document",
    [
        {"a": {"x": 1}, "b": {"y": 2}, "deep": True},
        {"a": None, "b": {}, "deep": False},
        {"a": {}, "b": [], "deep": False},
        {"a": {}, "b": "x", "deep": False},
    ],
)
def test_json_merge_failures(document: Any) -> None:
    _invalid("States.JsonMerge($.a, $.b, $.deep)", document)


def test_math_random_draws_from_start_inclusive_to_end_exclusive() -> None:
    source = random.Random(7)
    draws = {_value("States.MathRandom(1, 4)", {}, random_source=source) for _ in range(200)}
    assert draws == {1, 2, 3}
    values = {_value("States.MathRandom(1.6, 5.4)", {}, random_source=source) for _ in range(200)}
    assert values == {1, 2, 3, 4}


def test_math_random_uses_the_random_source_it_is_given() -> None:
    class Fixed:
        def randrange(self, start: int, end: int) -> int:
            return end - 1

    assert (
        _value("States.MathRandom($.s, $.e)", {"s": -99999, "e": -9999}, random_source=Fixed())
        == -10000
    )


def test_math_random_with_a_seed_draws_as_java_random_does() -> None:
    # new java.util.Random(42).nextInt(10) is 0: AWS answers -5 for this call
    assert java_random_int(42, 10) == 0
    assert _value("States.MathRandom(-5, 5, 42)", {}) == -5
    first = _value("States.MathRandom(0, 999, 3)", {})
    assert first == _value("States.MathRandom(0, 999, 3)", {})
    assert 0 <= first < 999
    assert 0 <= _value("States.MathRandom(1, 17, 2.9)", {}) < 17


@pytest.mark.parametrize(
    ("seed", "bound", "value"),
    [
        (0, 100, 60),
        (1, 100, 85),
        (42, 16, 11),
        (42, 999, 125),
        (-10, 1000, 283),
        (1, 17, 15),
        (0, 2147483647, 1569741360),
        (1, 2147483647, 1569548985),
    ],
)
def test_java_random_int_matches_java(seed: int, bound: int, value: int) -> None:
    # new java.util.Random(seed).nextInt(bound), printed by a JDK
    assert java_random_int(seed, bound) == value


@pytest.mark.parametrize(
    "args",
    [
        "1, 1",
        "10, 5",
        "1.49, 1.49",
        "1.4, 1.6",
        "'a', 10",
        "1, 'b'",
        "1, 10, 'seed'",
        "1, 10, null",
        "null, 10",
    ],
)
def test_math_random_failures(args: str) -> None:
    _invalid(f"States.MathRandom({args})", {})


@pytest.mark.parametrize(
    ("a", "b", "total"),
    [
        (111, -1, 110),
        (1.5, 1.51, 4),
        (-1.5, 0, -1),
        (-2.5, 0, -2),
        (0.5, 0, 1),
        (1.49, -1.49, 0),
        (2147483647, 0, 2147483647),
        (-2147483647, -1, -2147483648),
    ],
)
def test_math_add_rounds_half_up_and_gives_an_integer(a: Any, b: Any, total: int) -> None:
    result = _value("States.MathAdd($.a, $.b)", {"a": a, "b": b})
    assert result == total
    assert type(result) is int


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (2147483647, 1),
        (-2147483648, -1),
        (3000000000, 1),
        ("a", 1),
        (1, "2"),
        (None, 1),
        (True, 1),
        ([1], 1),
    ],
)
def test_math_add_failures(a: Any, b: Any) -> None:
    _invalid("States.MathAdd($.a, $.b)", {"a": a, "b": b})


@pytest.mark.parametrize(
    ("text", "delimiters", "pieces"),
    [
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        (", , ,", ",", [" ", " "]),
        (",,,,", ",", []),
        ("", ",", []),
        ("abc", "", ["abc"]),
        ("1a2b3ab4", "ab", ["1", "2", "3", "4"]),
        ("split on T and \nnew line", "T\n", ["split on ", " and ", "new line"]),
        ("a|b[c]d", "|[]", ["a", "b", "c", "d"]),
    ],
)
def test_string_split_on_any_delimiter_character(
    text: str, delimiters: str, pieces: list[str]
) -> None:
    assert _value("States.StringSplit($.s, $.d)", {"s": text, "d": delimiters}) == pieces


@pytest.mark.parametrize(
    ("text", "delimiters"), [(123, ","), ("a,b", 1), (None, ","), ("a,b", [","])]
)
def test_string_split_failures(text: Any, delimiters: Any) -> None:
    _invalid("States.StringSplit($.s, $.d)", {"s": text, "d": delimiters})


def test_uuid_is_a_random_v4_uuid_unless_a_factory_is_given() -> None:
    value = _value("States.UUID()", {})
    assert uuid.UUID(value).version == 4
    assert value != _value("States.UUID()", {})
    assert _value("States.UUID()", {}, uuid_factory=lambda: "fixed-id") == "fixed-id"


def test_nested_calls_as_in_the_developer_guide() -> None:
    # The guide's example, with '{}.{}' for its two values (the guide writes '{}.{}.{}', which
    # has one placeholder too many and fails)
    text = (
        "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem("
        "States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem("
        "States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), "
        "'.'), 1))"
    )
    arn = "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/2.3.0"
    assert _value(text, {"ImageRecipe": {"Arn": arn}}) == "2.3"
    _invalid(text.replace("'{}.{}'", "'{}.{}.{}'"), {"ImageRecipe": {"Arn": arn}})


def test_evaluation_does_not_change_its_input() -> None:
    document = {"a": [3, 1, 3], "o": {"x": 1}}
    snapshot = json.dumps(document)
    _value("States.Array(States.ArrayUnique($.a), States.JsonMerge($.o, $.o, false))", document)
    assert json.dumps(document) == snapshot
