"""JSONPath, context and variable paths with AWS's semantics, and ResultPath placement."""

from __future__ import annotations

import pytest

from sfntui.asl.errors import ExpressionSyntaxError, PathNotFoundError
from sfntui.asl.paths import compile_path, compile_reference_path, normalized, set_at

DOC = {
    "order": {"id": "A-1", "items": [{"sku": "book", "qty": 2}, {"sku": "lamp", "qty": 1}]},
    "odd key": {"x y": 1},
    "flag": False,
    "nothing": None,
}
CONTEXT = {"Execution": {"Id": "arn:exec", "Input": {"a": 1}}, "State": {"Name": "S"}}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$", DOC),
        ("$.order.id", "A-1"),
        ("$.order.items[1].sku", "lamp"),
        ("$.order.items[-1].qty", 1),
        ("$['odd key']['x y']", 1),
        ('$["order"]["id"]', "A-1"),
        ("$.flag", False),
        ("$.nothing", None),
    ],
)
def test_definite_paths_give_one_value(text: str, value: object) -> None:
    path = compile_path(text)
    assert path.definite
    assert path.find(DOC) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$.order.items[*].sku", ["book", "lamp"]),
        ("$.order.items[?(@.qty > 1)].sku", ["book"]),
        ("$..sku", ["book", "lamp"]),
        ("$.order.items[0:1]", [{"sku": "book", "qty": 2}]),
        ("$.order.items[?(@.qty > 5)]", []),
    ],
)
def test_indefinite_paths_give_a_list(text: str, value: object) -> None:
    path = compile_path(text)
    assert not path.definite
    assert path.find(DOC) == value


def test_context_and_variable_roots() -> None:
    assert compile_path("$$.Execution.Input.a").find(DOC, CONTEXT) == 1
    assert compile_path("$$").find(DOC, CONTEXT) == CONTEXT
    variables = {"total": {"sum": [3, 4]}}
    assert compile_path("$total.sum[1]").find(DOC, CONTEXT, variables) == 4
    assert compile_path("$total").find(DOC, CONTEXT, variables) == {"sum": [3, 4]}


def test_a_missing_leaf_and_a_missing_intermediate_are_worded_as_aws_words_them() -> None:
    with pytest.raises(PathNotFoundError) as leaf:
        compile_path("$.order.total").find(DOC)
    assert leaf.value.message == "No results for path: $['order']['total']"
    with pytest.raises(PathNotFoundError) as middle:
        compile_path("$.no.such.path").find(DOC)
    assert middle.value.message == "Missing property in path $['no']"


def test_an_undefined_variable_is_not_found() -> None:
    with pytest.raises(PathNotFoundError, match="variable '\\$missing'"):
        compile_path("$missing.x").find(DOC, CONTEXT, {})


def test_index_past_the_end_and_field_of_a_list_are_not_found() -> None:
    for text in ("$.order.items[5]", "$.order.items.sku", "$.flag.x"):
        with pytest.raises(PathNotFoundError):
            compile_path(text).find(DOC)


@pytest.mark.parametrize("text", ["order.id", "", "$.a[", "$.a[?(@.x >", "$['a"])
def test_malformed_paths_are_syntax_errors(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError):
        compile_path(text)


@pytest.mark.parametrize("text", ["$.a[*]", "$..a", "$$.Execution"])
def test_reference_paths_reject_what_resultpath_cannot_name(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError, match="reference path"):
        compile_reference_path(text)


def test_set_at_builds_new_containers_only_along_the_path() -> None:
    original = {"keep": {"deep": [1, 2]}, "a": {"b": 1}}
    updated = set_at(original, compile_reference_path("$.a.c.d"), "new")
    assert updated == {"keep": {"deep": [1, 2]}, "a": {"b": 1, "c": {"d": "new"}}}
    assert original == {"keep": {"deep": [1, 2]}, "a": {"b": 1}}
    assert updated["keep"] is original["keep"]


def test_set_at_replaces_the_whole_document_at_the_root() -> None:
    assert set_at({"a": 1}, compile_reference_path("$"), [1]) == [1]


def test_set_at_an_index_and_outside_an_array() -> None:
    assert set_at({"l": [0, 1]}, compile_reference_path("$.l[1]"), 9) == {"l": [0, 9]}
    with pytest.raises(PathNotFoundError):
        set_at({"l": [0]}, compile_reference_path("$.l[3]"), 9)


def test_set_at_inside_a_string_fails() -> None:
    with pytest.raises(PathNotFoundError, match="string"):
        set_at({"s": "text"}, compile_reference_path("$.s.x"), 1)


def test_normalized_rendering() -> None:
    assert normalized(("a", 0, "b c")) == "$['a'][0]['b c']"
