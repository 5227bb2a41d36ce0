"""What sfntui's JSONata layer takes from jsonata-python beyond its public API.

`sfntui/asl/jsonata_fast.py` compiles the library's syntax tree to closures and calls its
helpers directly, so pyproject pins the library's minor. When a new minor is taken, these
tests say by name which internal moved, instead of the conformance suite failing at random.
"""

from __future__ import annotations

import pytest
from jsonata import Jsonata
from jsonata.functions import Functions
from jsonata.utils import Utils

from sfntui.asl.jsonata import compile_jsonata

USED = {
    Utils: [
        "NULL_VALUE",
        "JList",
        "convert_number",
        "create_sequence",
        "create_sequence_from_iter",
        "is_numeric",
    ],
    Functions: ["append", "datetime_from_millis", "keys", "lookup", "number", "string"],
    Jsonata: [
        "Frame",
        "JFunction",
        "JFunctionCallable",
        "boolize",
        "evaluate_comparison_expression",
        "evaluate_equality_expression",
        "evaluate_includes_expression",
        "evaluate_numeric_expression",
        "evaluate_string_concat",
        "static_frame",
    ],
}


@pytest.mark.parametrize(
    ("owner", "name"), [(owner, name) for owner, names in USED.items() for name in names]
)
def test_the_library_still_has_what_the_fast_path_calls(owner: type, name: str) -> None:
    assert hasattr(owner, name), f"jsonata-python no longer has {owner.__name__}.{name}"


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("$states.input.a + 1", 3),
        (
            '{"total": $states.input.a * 2, "tags": [$states.input.b, "x"]}',
            {"total": 4, "tags": ["y", "x"]},
        ),
        ('$merge([$states.input, {"c": $x}])', {"a": 2, "b": "y", "c": 5}),
        ('$states.input.a > 1 ? "big" : "small"', "big"),
    ],
)
def test_the_common_subset_still_compiles_to_closures(expression: str, value: object) -> None:
    compiled = compile_jsonata(expression)
    assert compiled._fast is not None, f"{expression!r} fell back to the library's evaluator"
    assert compiled.evaluate({"input": {"a": 2, "b": "y"}}, {"x": 5}) == value
