from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.choice import (
    COMBINATORS,
    COMPARISON_OPERATORS,
    And,
    ChoiceRuleError,
    Comparison,
    Not,
    Or,
    compile_choice_rule,
)
from sfntui.asl.errors import ExpressionSyntaxError, StatesError

# ---------------------------------------------------------------------------------------------
# The recorded AWS executions: which branch a Choice takes, judged by where the run ended.
# ---------------------------------------------------------------------------------------------

CASES_DIR = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"
CHOICE_OPERATOR_SUITES = (
    "test_is_operators__",
    "test_numeric__",
    "test_boolean_equals__",
    "test_string_operators__",
    "test_timestamp_operators__",
)


def _canonical(value: Any) -> str:
    """JSON text that tells `1` from `1.0` and `true` from `1`, as AWS's output does."""
    return json.dumps(value, sort_keys=True)


def _outcome_of(state: dict[str, Any], document: Any) -> tuple[str, str] | None:
    """The execution's end if `state` runs next, when it is an End Pass, Succeed or Fail that does
    nothing else; None when deciding it needs the engine."""
    fields = set(state) - {"Type", "Comment"}
    if state["Type"] == "Pass" and state.get("End") is True and fields <= {"End", "Result"}:
        return "SUCCEEDED", _canonical(state.get("Result", document))
    if state["Type"] == "Succeed" and not fields:
        return "SUCCEEDED", _canonical(document)
    if state["Type"] == "Fail" and fields <= {"Error", "Cause"}:
        return "FAILED", _canonical([state.get("Error"), state.get("Cause")])
    return None


def _recorded_outcome(expected: dict[str, Any]) -> tuple[str, str]:
    if expected["status"] == "SUCCEEDED":
        return "SUCCEEDED", _canonical(expected["output"])
    return expected["status"], _canonical([expected.get("error"), expected.get("cause")])


def _branch_outcomes(case: dict[str, Any]) -> tuple[str, dict[str, tuple[str, str]]] | None:
    """(the state the Choice at StartAt picks, the outcome of every state it could pick), when
    every candidate's outcome is decidable without an engine and they are not all the same."""
    definition = case["definition"]
    if definition.get("QueryLanguage") == "JSONata" or "expected-masked" in case["flags"]:
        return None
    states = definition["States"]
    choice = states[definition["StartAt"]]
    if choice["Type"] != "Choice" or set(choice) - {"Type", "Comment", "Choices", "Default"}:
        return None
    candidates = [rule["Next"] for rule in choice["Choices"]]
    if "Default" in choice:
        candidates.append(choice["Default"])
    outcomes = {}
    for name in candidates:
        outcome = _outcome_of(states[name], case["input"])
        if outcome is None:
            return None
        outcomes[name] = outcome
    if len(set(outcomes.values())) < 2:
        return None  # every branch ends alike: the result cannot tell which one was taken
    context = {"Execution": {"Input": case["input"]}}
    for rule in choice["Choices"]:
        if compile_choice_rule(rule).evaluate(case["input"], context):
            return rule["Next"], outcomes
    if "Default" not in choice:
        return None
    return choice["Default"], outcomes


def _is_jsonpath_choice(definition: dict[str, Any]) -> bool:
    start = definition["States"][definition["StartAt"]]
    language = start.get("QueryLanguage", definition.get("QueryLanguage", "JSONPath"))
    return start["Type"] == "Choice" and language == "JSONPath"


def _load_cases() -> tuple[list[Any], list[str]]:
    """Every recorded case of the five operator suites, and any other case whose first state is
    a JSONPath Choice: (those decided here, names of those left to the engine)."""
    decided, undecided = [], []
    for path in sorted(CASES_DIR.glob("*.json")):
        case = json.loads(path.read_text())
        in_suite = path.name.startswith(CHOICE_OPERATOR_SUITES)
        if not (in_suite or _is_jsonpath_choice(case["definition"])):
            continue
        if _branch_outcomes(case) is None:
            undecided.append(case["name"])
        else:
            decided.append(pytest.param(case, id=case["name"]))
    return decided, undecided


DECIDED_CASES, UNDECIDED_CASES = _load_cases()


def test_the_recorded_choice_cases_are_found_and_decided() -> None:
    # 339 cases of the five operator suites plus one more; the three left to the engine's
    # conformance run send every branch to a pass-through Pass, so their results are equal
    # whichever branch was taken.
    assert len(DECIDED_CASES) >= 340
    assert sorted(UNDECIDED_CASES) == [
        "test_base_scenarios__TestBaseScenarios__test_choice_unsorted_parameters_negative_"
        "CHOICE_STATE_UNSORTED_CHOICE_PARAMETERS",
        "test_base_scenarios__TestBaseScenarios__test_choice_unsorted_parameters_positive_"
        "CHOICE_STATE_UNSORTED_CHOICE_PARAMETERS",
        "test_context_object__TestSnfBase__test_variable",
    ]


@pytest.mark.parametrize("case", DECIDED_CASES)
def test_choice_takes_the_branch_aws_took(case: dict[str, Any]) -> None:
    decided = _branch_outcomes(case)
    assert decided is not None
    chosen, outcomes = decided
    recorded = _recorded_outcome(case["expected"])
    assert recorded in outcomes.values(), "the recorded result is none of the branches' ends"
    assert outcomes[chosen] == recorded, (
        f"took {chosen!r}, but AWS ended with {recorded}; input {_canonical(case['input'])}"
    )


# ---------------------------------------------------------------------------------------------
# Every operator, with a literal operand.
# ---------------------------------------------------------------------------------------------


def holds(rule: dict[str, Any], document: Any, context: Any = None, variables: Any = None) -> bool:
    return compile_choice_rule(rule).evaluate(document, context, variables)


def compare(operator: str, operand: Any, value: Any) -> bool:
    return holds({"Variable": "$.v", operator: operand, "Next": "X"}, {"v": value})


@pytest.mark.parametrize(
    ("operator", "operand", "value", "expected"),
    [
        ("StringEquals", "abc", "abc", True),
        ("StringEquals", "abc", "abd", False),
        ("StringEquals", "", "", True),
        ("StringEquals", "\t\r\n", "\t\n", False),
        ("StringLessThan", "b", "a", True),
        ("StringLessThan", "a", "a", False),
        ("StringLessThan", "AB", "A", True),
        ("StringGreaterThan", "a", "b", True),
        ("StringGreaterThan", "b", "b", False),
        ("StringGreaterThan", "A ", "A", False),
        ("StringLessThanEquals", "a", "a", True),
        ("StringLessThanEquals", "a", "b", False),
        ("StringGreaterThanEquals", "a", "a", True),
        ("StringGreaterThanEquals", "b", "a", False),
        # By code point: every uppercase letter sorts before every lowercase one.
        ("StringLessThan", "a", "Z", True),
        ("StringGreaterThan", "z", "\u00e9", True),
        ("NumericEquals", 1, 1, True),
        ("NumericEquals", 1.0, 1, True),
        ("NumericEquals", 1, 1.0, True),
        ("NumericEquals", 2.22, 2.22, True),
        ("NumericEquals", 1, 1.1, False),
        ("NumericEquals", 0, -0.0, True),
        ("NumericLessThan", 1, 0.5, True),
        ("NumericLessThan", 1, 1, False),
        ("NumericGreaterThan", 1, 1.5, True),
        ("NumericGreaterThan", 1, 1.0, False),
        ("NumericLessThanEquals", 1, 1.0, True),
        ("NumericLessThanEquals", 1, 2, False),
        ("NumericGreaterThanEquals", 1, 1, True),
        ("NumericGreaterThanEquals", 1, -3, False),
        ("NumericGreaterThan", 10**20, 10**20 + 1, True),
        ("BooleanEquals", True, True, True),
        ("BooleanEquals", False, False, True),
        ("BooleanEquals", True, False, False),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T20:00:55+01:00", True),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55.000Z", True),
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
        (
            "TimestampEquals",
            "2016-03-05T21:29:29.243167252Z",
            "2016-03-05T21:29:29.243167253Z",
            False,
        ),
        ("TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:54.999Z", True),
        ("TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", False),
        ("TimestampGreaterThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", True),
        ("TimestampGreaterThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55-00:00", False),
        ("TimestampGreaterThan", "2012-10-09T19:00:55Z", "2012-10-09T20:00:00+01:00", False),
        ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
        ("TimestampGreaterThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampGreaterThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:54Z", False),
    ],
)
def test_binary_operator(operator: str, operand: Any, value: Any, expected: bool) -> None:
    assert compare(operator, operand, value) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("IsNull", None, True),
        ("IsNull", "", False),
        ("IsNull", 0, False),
        ("IsNull", [], False),
        ("IsNull", {}, False),
        ("IsPresent", None, True),
        ("IsPresent", False, True),
        ("IsPresent", "", True),
        ("IsNumeric", 0, True),
        ("IsNumeric", 1.1, True),
        ("IsNumeric", True, False),
        ("IsNumeric", "1", False),
        ("IsNumeric", None, False),
        ("IsString", "", True),
        ("IsString", "2012-10-09T19:00:55Z", True),
        ("IsString", 0, False),
        ("IsString", [""], False),
        ("IsBoolean", True, True),
        ("IsBoolean", False, True),
        ("IsBoolean", 0, False),
        ("IsBoolean", "true", False),
        ("IsTimestamp", "2016-03-14T01:59:00Z", True),
        ("IsTimestamp", "2012-10-09T19:00:55+01:00", True),
        ("IsTimestamp", "2016-03-05T21:29:29.243167252Z", True),
        ("IsTimestamp", "2012-10-09T19:00:55", False),
        ("IsTimestamp", "2023-02-24", False),
        ("IsTimestamp", "2016-13-05T21:29:29Z", False),
        ("IsTimestamp", 1457913540, False),
        ("IsTimestamp", None, False),
    ],
)
def test_type_test_operator(operator: str, value: Any, expected: bool) -> None:
    assert compare(operator, True, value) is expected
    assert compare(operator, False, value) is (not expected)


def test_is_present_on_a_missing_path_is_false_and_never_an_error() -> None:
    assert holds({"Variable": "$.missing", "IsPresent": True}, {"v": 1}) is False
    assert holds({"Variable": "$.missing", "IsPresent": False}, {"v": 1}) is True
    assert holds({"Variable": "$.a.b.c", "IsPresent": True}, {"a": "text"}) is False
    assert holds({"Variable": "$.items[3]", "IsPresent": True}, {"items": [1, 2]}) is False
    assert holds({"Variable": "$$.Map.Item.Value", "IsPresent": True}, {}, context={}) is False
    assert holds({"Variable": "$undefined", "IsPresent": False}, {}, variables={}) is True


@pytest.mark.parametrize(
    "operator",
    sorted(
        COMPARISON_OPERATORS
        - {"IsPresent"}
        - {op for op in COMPARISON_OPERATORS if op.endswith("Path")}
    ),
)
def test_every_other_operator_on_a_missing_variable_fails_the_state(operator: str) -> None:
    operand = {
        "String": "a",
        "Numeric": 1,
        "Boolean": True,
        "Timestamp": "2016-03-14T01:59:00Z",
        "Is": True,
    }[
        next(
            p for p in ("String", "Numeric", "Boolean", "Timestamp", "Is") if operator.startswith(p)
        )
    ]
    rule = compile_choice_rule({"Variable": "$.missing", operator: operand})
    with pytest.raises(StatesError) as raised:
        rule.evaluate({"present": 1})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == (
        "Invalid path '$.missing': The choice state's condition path references an invalid value."
    )
    assert raised.value.in_state is True


# ---------------------------------------------------------------------------------------------
# Type mismatches are false, not errors.
# ---------------------------------------------------------------------------------------------

OTHER_VALUES = [
    None,
    "",
    "1",
    "true",
    "2012-10-09T19:00:55Z",
    0,
    1,
    1.0,
    True,
    False,
    [],
    [1],
    {},
    {"A": 0},
]


@pytest.mark.parametrize("value", OTHER_VALUES)
def test_a_value_of_the_wrong_type_makes_a_comparison_false(value: Any) -> None:
    if not isinstance(value, str):
        for operator in ("StringEquals", "StringLessThan", "StringGreaterThanEquals"):
            assert compare(operator, "1", value) is False
            assert compare(operator, "true", value) is False
        assert compare("StringMatches", "*", value) is False
    if not isinstance(value, int | float) or isinstance(value, bool):
        for operator in ("NumericEquals", "NumericLessThanEquals", "NumericGreaterThanEquals"):
            assert compare(operator, 1, value) is False
            assert compare(operator, 0, value) is False
    if not isinstance(value, bool):
        assert compare("BooleanEquals", True, value) is False
        assert compare("BooleanEquals", False, value) is False
    if value != "2012-10-09T19:00:55Z":
        for operator in (
            "TimestampEquals",
            "TimestampLessThanEquals",
            "TimestampGreaterThanEquals",
        ):
            assert compare(operator, "2012-10-09T19:00:55Z", value) is False


def test_booleans_are_not_numbers() -> None:
    assert compare("NumericEquals", 1, True) is False
    assert compare("NumericEquals", 0, False) is False
    assert compare("NumericGreaterThan", 0, True) is False
    assert holds({"Variable": "$.v", "NumericEqualsPath": "$.w"}, {"v": 1, "w": True}) is False


def test_a_string_that_is_not_a_timestamp_makes_a_timestamp_comparison_false() -> None:
    assert compare("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55") is False
    assert (
        compare("TimestampLessThan", "2012-10-09T19:00:55Z", "2023-02-24 12:15:56.832957") is False
    )


# ---------------------------------------------------------------------------------------------
# The ...Path forms.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value", "other", "expected"),
    [
        ("StringEqualsPath", "a", "a", True),
        ("StringEqualsPath", " ", "     ", False),
        ("StringLessThanPath", "A", "AB", True),
        ("StringGreaterThanPath", "AB", "A", True),
        ("StringLessThanEqualsPath", "AB", "A", False),
        ("StringGreaterThanEqualsPath", "", "", True),
        ("NumericEqualsPath", 1, 1.0, True),
        ("NumericEqualsPath", 0, 1, False),
        ("NumericLessThanPath", 0, 1, True),
        ("NumericGreaterThanPath", 0.0, 0, False),
        ("NumericLessThanEqualsPath", 0.0, 0, True),
        ("NumericGreaterThanEqualsPath", 1, 1, True),
        ("BooleanEqualsPath", False, False, True),
        ("BooleanEqualsPath", False, True, False),
        ("TimestampEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T20:00:55+01:00", True),
        ("TimestampLessThanPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", True),
        ("TimestampGreaterThanPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
        ("TimestampLessThanEqualsPath", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", False),
        ("TimestampGreaterThanEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
    ],
)
def test_path_operator_compares_with_another_value_of_the_input(
    operator: str, value: Any, other: Any, expected: bool
) -> None:
    assert holds({"Variable": "$.v", operator: "$.other"}, {"v": value, "other": other}) is expected


def test_every_binary_operator_has_a_path_form_and_string_matches_has_none() -> None:
    plain = {
        op for op in COMPARISON_OPERATORS if not op.startswith("Is") and not op.endswith("Path")
    }
    assert {op + "Path" for op in plain - {"StringMatches"}} <= COMPARISON_OPERATORS
    assert "StringMatchesPath" not in COMPARISON_OPERATORS
    assert len(COMPARISON_OPERATORS) == 39
    assert {"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"} <= (
        COMPARISON_OPERATORS
    )
    assert {"And", "Or", "Not"} == COMBINATORS


def test_path_operands_reach_the_context_and_variables() -> None:
    context = {"Execution": {"Input": {"limit": 10}}, "State": {"Name": "Check"}}
    variables = {"limit": 5, "config": {"threshold": 7}}
    assert holds(
        {"Variable": "$.n", "NumericGreaterThanPath": "$$.Execution.Input.limit"},
        {"n": 11},
        context,
    )
    assert not holds(
        {"Variable": "$.n", "NumericGreaterThanPath": "$$.Execution.Input.limit"}, {"n": 9}, context
    )
    assert holds({"Variable": "$.n", "NumericLessThanPath": "$limit"}, {"n": 4}, None, variables)
    assert holds(
        {"Variable": "$config.threshold", "NumericEqualsPath": "$.n"}, {"n": 7}, None, variables
    )
    assert holds({"Variable": "$$.State.Name", "StringEquals": "Check"}, {}, context)


def test_a_path_operand_of_the_wrong_type_makes_the_comparison_false() -> None:
    assert holds({"Variable": "$.v", "NumericEqualsPath": "$.w"}, {"v": 1, "w": "1"}) is False
    assert holds({"Variable": "$.v", "StringEqualsPath": "$.w"}, {"v": "1", "w": 1}) is False
    assert holds({"Variable": "$.v", "BooleanEqualsPath": "$.w"}, {"v": True, "w": 1}) is False
    assert (
        holds(
            {"Variable": "$.v", "TimestampEqualsPath": "$.w"},
            {"v": "2012-10-09T19:00:55Z", "w": "x"},
        )
        is False
    )


def test_a_missing_path_operand_fails_the_state_naming_that_path() -> None:
    rule = compile_choice_rule({"Variable": "$.v", "NumericEqualsPath": "$.limit"})
    with pytest.raises(StatesError) as raised:
        rule.evaluate({"v": 1})
    assert raised.value.error == "States.Runtime"
    assert raised.value.cause == (
        "Invalid path '$.limit': The choice state's condition path references an invalid value."
    )


def test_an_undefined_variable_fails_the_state() -> None:
    rule = compile_choice_rule({"Variable": "$count", "NumericEquals": 1})
    with pytest.raises(StatesError, match=r"Invalid path '\$count'"):
        rule.evaluate({}, None, {"other": 1})


# ---------------------------------------------------------------------------------------------
# StringMatches.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("foo*.log", "foo23.log", True),
        ("*.log", "zebra.log", True),
        ("foo*.*", "foobar.zebra", True),
        ("*", "", True),
        ("*", "anything\nat all", True),
        ("log-*", "log-", True),
        ("log-*", "xlog-1", False),
        ("*.log", "zebra.log.gz", False),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "acb", False),
        ("exact", "exact", True),
        ("exact", "exactly", False),
        ("Exact", "exact", False),
        # No character but * is special: regex and glob syntax is literal.
        ("a.c", "abc", False),
        ("a?c", "abc", False),
        ("a?c", "a?c", True),
        ("[ab]", "a", False),
        ("[ab]", "[ab]", True),
        ("(x)+", "(x)+", True),
        # \\* is a literal star, \\\\ a literal backslash (JSON text "\\*" and "\\\\").
        ("foo\\*", "foo*", True),
        ("foo\\*", "foobar", False),
        ("\\**", "*star", True),
        ("\\**", "star", False),
        ("C:\\\\*", "C:\\temp", True),
        ("C:\\\\*", "C:temp", False),
        ("a\\\\\\*", "a\\*", True),
        # A backslash before any other character is just a backslash.
        ("a\\b", "a\\b", True),
        ("end\\", "end\\", True),
    ],
)
def test_string_matches(pattern: str, text: str, expected: bool) -> None:
    assert compare("StringMatches", pattern, text) is expected


# ---------------------------------------------------------------------------------------------
# And, Or, Not.
# ---------------------------------------------------------------------------------------------

IN_RANGE = {
    "And": [
        {"Variable": "$.value", "NumericGreaterThanEquals": 20},
        {"Variable": "$.value", "NumericLessThan": 30},
    ],
    "Next": "InRange",
}


@pytest.mark.parametrize(
    ("value", "expected"), [(19, False), (20, True), (29.9, True), (30, False)]
)
def test_and_needs_every_rule(value: float, expected: bool) -> None:
    assert holds(IN_RANGE, {"value": value}) is expected


@pytest.mark.parametrize(
    ("kind", "expected"), [("gold", True), ("silver", True), ("bronze", False), (1, False)]
)
def test_or_needs_one_rule(kind: Any, expected: bool) -> None:
    rule = {
        "Or": [
            {"Variable": "$.kind", "StringEquals": "gold"},
            {"Variable": "$.kind", "StringEquals": "silver"},
        ]
    }
    assert holds(rule, {"kind": kind}) is expected


def test_not_inverts() -> None:
    rule = {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"}
    assert holds(rule, {"type": "Public"}) is True
    assert holds(rule, {"type": "Private"}) is False
    assert holds({"Not": {"Not": {"Variable": "$.x", "IsNull": True}}}, {"x": None}) is True


def test_nesting() -> None:
    rule = {
        "Or": [
            {"Not": {"Variable": "$.user.active", "BooleanEquals": True}},
            {
                "And": [
                    {"Variable": "$.user.age", "NumericGreaterThanEquals": 18},
                    {
                        "Or": [
                            {"Variable": "$.user.country", "StringEquals": "DE"},
                            {"Variable": "$.user.email", "StringMatches": "*@example.com"},
                        ]
                    },
                ]
            },
        ],
        "Next": "Allowed",
    }
    assert holds(rule, {"user": {"active": False}}) is True
    assert holds(rule, {"user": {"active": True, "age": 20, "country": "DE"}}) is True
    assert holds(
        rule, {"user": {"active": True, "age": 20, "country": "FR", "email": "a@example.com"}}
    )
    assert not holds(
        rule, {"user": {"active": True, "age": 20, "country": "FR", "email": "a@b.org"}}
    )
    assert not holds(rule, {"user": {"active": True, "age": 17, "country": "DE"}})
    compiled = compile_choice_rule(rule)
    assert isinstance(compiled, Or)
    assert isinstance(compiled.rules[0], Not)
    assert isinstance(compiled.rules[1], And)
    assert isinstance(compiled.rules[1].rules[1], Or)


def test_and_stops_at_the_first_false_so_is_present_guards_a_comparison() -> None:
    rule = {
        "And": [
            {"Variable": "$.retry", "IsPresent": True},
            {"Variable": "$.retry", "NumericLessThan": 3},
        ]
    }
    assert holds(rule, {}) is False
    assert holds(rule, {"retry": 1}) is True
    # Without the guard the missing path is an error.
    with pytest.raises(StatesError):
        holds({"And": list(reversed(rule["And"]))}, {})


def test_or_stops_at_the_first_true() -> None:
    rule = {
        "Or": [
            {"Variable": "$.retry", "IsPresent": False},
            {"Variable": "$.retry", "NumericLessThan": 3},
        ]
    }
    assert holds(rule, {}) is True
    assert holds(rule, {"retry": 5}) is False


def test_a_single_rule_and_or_or_is_that_rule() -> None:
    assert holds({"And": [{"Variable": "$.type", "StringEquals": "Public"}]}, {"type": "Public"})
    assert not holds({"Or": [{"Variable": "$.type", "StringEquals": "Public"}]}, {"type": "x"})


# ---------------------------------------------------------------------------------------------
# What a compiled rule holds, and what compile ignores.
# ---------------------------------------------------------------------------------------------


def test_compiled_comparison_keeps_what_was_written() -> None:
    rule = compile_choice_rule({"Variable": "$.a", "NumericEqualsPath": "$.b"})
    assert isinstance(rule, Comparison)
    assert rule.operator == "NumericEqualsPath"
    assert rule.variable.text == "$.a"
    assert rule.operand == "$.b"
    assert rule.operand_path is not None
    assert rule.operand_path.text == "$.b"
    assert compile_choice_rule({"Variable": "$.a", "NumericEquals": 1}) == compile_choice_rule(
        {"Variable": "$.a", "NumericEquals": 1, "Next": "Elsewhere"}
    )


def test_state_fields_on_a_top_level_rule_are_ignored() -> None:
    rule = {
        "Variable": "$.a",
        "StringEquals": "x",
        "Next": "Done",
        "Assign": {"seen.$": "$.a"},
        "Output": {"x": 1},
        "Comment": "a note",
    }
    assert holds(rule, {"a": "x"}) is True
    assert holds(
        {"Not": {"Variable": "$.a", "IsNull": True, "Comment": "ok"}, "Next": "N"}, {"a": 1}
    )


def test_a_rule_evaluates_many_times_without_changing() -> None:
    rule = compile_choice_rule({"Variable": "$.n", "NumericGreaterThan": 2})
    assert [rule.evaluate({"n": n}) for n in range(5)] == [False, False, False, True, True]


# ---------------------------------------------------------------------------------------------
# Compile errors: one clear sentence, and where.
# ---------------------------------------------------------------------------------------------

WHERE = "/States/Check/Choices/0"


@pytest.mark.parametrize(
    ("rule", "pointer", "words"),
    [
        ({"Next": "X"}, WHERE, "has no comparison"),
        ({"Variable": "$.a", "Next": "X"}, WHERE, "has a Variable but no comparison operator"),
        ({"Comment": "nothing"}, WHERE, "has no comparison"),
        (
            {"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1},
            WHERE + "/NumericEquals",
            "more than one comparison ('StringEquals' and 'NumericEquals')",
        ),
        (
            {
                "And": [{"Variable": "$.a", "IsNull": True}],
                "Not": {"Variable": "$.a", "IsNull": True},
            },
            WHERE + "/Not",
            "more than one comparison",
        ),
        (
            {"Variable": "$.a", "NumericEqual": 1},
            WHERE + "/NumericEqual",
            "Did you mean 'NumericEquals'?",
        ),
        (
            {"Variable": "$.a", "StringContains": "x"},
            WHERE + "/StringContains",
            "'StringContains' is not a Choice rule operator",
        ),
        (
            {"Variable": "$.a", "StringMatchesPath": "$.b"},
            WHERE + "/StringMatchesPath",
            "is not a Choice rule operator",
        ),
        ({"Varaible": "$.a", "IsNull": True}, WHERE + "/Varaible", "Did you mean 'Variable'?"),
        (
            {"Variable": "$.a", "NumericEquals": "1"},
            WHERE + "/NumericEquals",
            'needs a number, not the string "1"',
        ),
        (
            {"Variable": "$.a", "NumericLessThan": True},
            WHERE + "/NumericLessThan",
            "needs a number, not the boolean true",
        ),
        (
            {"Variable": "$.a", "NumericEquals": None},
            WHERE + "/NumericEquals",
            "needs a number, not null",
        ),
        (
            {"Variable": "$.a", "StringEquals": 1},
            WHERE + "/StringEquals",
            "needs a string, not the number 1",
        ),
        (
            {"Variable": "$.a", "StringMatches": ["*"]},
            WHERE + "/StringMatches",
            "needs a string, not a list",
        ),
        (
            {"Variable": "$.a", "BooleanEquals": "true"},
            WHERE + "/BooleanEquals",
            "needs true or false",
        ),
        (
            {"Variable": "$.a", "BooleanEquals": 1},
            WHERE + "/BooleanEquals",
            "needs true or false, not the number 1",
        ),
        (
            {"Variable": "$.a", "IsPresent": "yes"},
            WHERE + "/IsPresent",
            "'IsPresent' needs true or false",
        ),
        ({"Variable": "$.a", "IsNull": 0}, WHERE + "/IsNull", "'IsNull' needs true or false"),
        (
            {"Variable": "$.a", "TimestampEquals": "2016-03-14"},
            WHERE + "/TimestampEquals",
            "needs a timestamp such as 2016-03-14T01:59:00Z",
        ),
        (
            {"Variable": "$.a", "TimestampLessThan": 1457913540},
            WHERE + "/TimestampLessThan",
            "needs a timestamp",
        ),
        (
            {"Variable": "a.b", "IsNull": True},
            WHERE + "/Variable",
            "'Variable' is not a valid path",
        ),
        (
            {"Variable": "$.a[", "IsNull": True},
            WHERE + "/Variable",
            "'Variable' is not a valid path",
        ),
        ({"Variable": 3, "IsNull": True}, WHERE + "/Variable", "'Variable' needs a path"),
        ({"IsNull": True}, WHERE, "uses 'IsNull' but has no Variable"),
        (
            {"Variable": "$.a", "NumericEqualsPath": "limit"},
            WHERE + "/NumericEqualsPath",
            "is not a valid path",
        ),
        (
            {"Variable": "$.a", "NumericEqualsPath": 3},
            WHERE + "/NumericEqualsPath",
            "needs a path such as",
        ),
        (
            {"Variable": "$.a", "StringEqualsPath": "$.b["},
            WHERE + "/StringEqualsPath",
            "is not a valid path",
        ),
        (
            {"And": []},
            WHERE + "/And",
            "'And' needs a non-empty list of Choice rules, not an empty list",
        ),
        ({"Or": []}, WHERE + "/Or", "'Or' needs a non-empty list"),
        (
            {"Or": {"Variable": "$.a", "IsNull": True}},
            WHERE + "/Or",
            "needs a non-empty list of Choice rules, not an object",
        ),
        (
            {"Not": [{"Variable": "$.a", "IsNull": True}]},
            WHERE + "/Not",
            "'Not' needs one Choice rule (an object), not a list",
        ),
        ({"Not": "x"}, WHERE + "/Not", "'Not' needs one Choice rule"),
        (
            {"Variable": "$.a", "And": [{"Variable": "$.a", "IsNull": True}]},
            WHERE + "/Variable",
            "has no Variable of its own",
        ),
        ({"And": ["x"]}, WHERE + "/And/0", "must be an object, not the string"),
        (
            {
                "And": [
                    {"Variable": "$.a", "IsNull": True},
                    {"Variable": "$.b", "NumericEquals": "2"},
                ]
            },
            WHERE + "/And/1/NumericEquals",
            "needs a number",
        ),
        (
            {"Not": {"Or": [{"Variable": "$.a", "IsNull": True}, {"Variable": "$.b"}]}},
            WHERE + "/Not/Or/1",
            "has a Variable but no comparison operator",
        ),
        (
            {"And": [{"Variable": "$.a", "IsNull": True, "Next": "X"}]},
            WHERE + "/And/0/Next",
            "'Next' belongs on a top-level Choice rule",
        ),
        (
            {"Condition": "{% true %}", "Next": "X"},
            WHERE + "/Condition",
            "'Condition' is a JSONata field",
        ),
    ],
)
def test_malformed_rule(rule: Any, pointer: str, words: str) -> None:
    with pytest.raises(ChoiceRuleError) as raised:
        compile_choice_rule(rule, WHERE)
    assert words in raised.value.message
    assert raised.value.pointer == pointer
    assert str(raised.value) == raised.value.message
    assert raised.value.message.endswith((".", "?")) or "valid path" in raised.value.message
    assert isinstance(raised.value, ExpressionSyntaxError)


def test_a_rule_that_is_not_an_object() -> None:
    with pytest.raises(ExpressionSyntaxError, match="must be an object, not a list"):
        compile_choice_rule([{"Variable": "$.a", "IsNull": True}])  # type: ignore[arg-type]


def test_a_bad_path_error_keeps_the_path_text() -> None:
    with pytest.raises(ChoiceRuleError) as raised:
        compile_choice_rule({"Variable": "status", "StringEquals": "x"})
    assert raised.value.text == "status"
    assert raised.value.pointer == "/Variable"
    assert "must begin with '$'" in raised.value.message


def test_pointer_escapes_slashes_and_tildes_in_field_names() -> None:
    with pytest.raises(ChoiceRuleError) as raised:
        compile_choice_rule({"Variable": "$.a", "a/b~c": 1}, WHERE)
    assert raised.value.pointer == WHERE + "/a~1b~0c"
