"""A runaway JSONata expression is stopped by its memory budget, as by its time limit:
States.QueryEvaluationError, before it takes the machine's memory."""

from __future__ import annotations

import resource

import pytest

from sfntui.asl.errors import StatesError
from sfntui.asl.jsonata import compile_jsonata

RUNAWAY = [
    "[1..10000000]",
    "$reduce([1..30], function($acc, $v){ $append($acc, $acc) }, [1])",
    '$reduce([1..40], function($acc, $v){ $acc & $acc }, "ab")',
    "[1..1000].[1..100000]",
]


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


@pytest.mark.parametrize("text", RUNAWAY)
def test_a_runaway_expression_fails_within_its_memory_budget(text: str) -> None:
    before = _peak_mib()
    with pytest.raises(StatesError) as raised:
        compile_jsonata(text).evaluate({"input": {}}, field="Output")
    assert raised.value.error == "States.QueryEvaluationError"
    assert "too large to keep in memory" in raised.value.cause
    # The peak of this whole test process grows by well under a gigabyte (it took 3 GB).
    assert _peak_mib() - before < 600


def test_large_but_reasonable_values_still_evaluate() -> None:
    assert compile_jsonata("$count([1..1000000])").evaluate({"input": {}}) == 1_000_000
    text = "$length($join($map([1..10000], function($v){ 'abcdefghij' })))"
    assert compile_jsonata(text).evaluate({"input": {}}) == 100_000
