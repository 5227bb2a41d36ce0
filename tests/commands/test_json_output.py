"""The fast indented JSON writer gives exactly the text `json.dumps(indent=2)` gives."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfntui.commands.json_output import dumps_indented
from sfntui.history.events import json_default

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=25,
)


def _reference(value: Any, default: Any = None) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=default)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_any_json_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert dumps_indented(value) == _reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [{}], "d": [[]]},
        {"é\u2028\x00\"\\": "naïve \x1b[31m", "n": -0.0, "f": 1e300, "i": 10**30},
        {7: "seven", 2.5: "x", True: "t", None: "n"},
        (1, (2, "three")),
        [float("nan"), float("inf"), float("-inf")],
        OrderedDict([("z", 1), ("a", 2)]),
        "just a string",
        7,
    ],
)
def test_edge_values_are_written_as_json_dumps_writes_them(value: Any) -> None:
    assert dumps_indented(value) == _reference(value)


def test_a_history_with_datetimes_is_written_through_its_default() -> None:
    events = [
        {
            "timestamp": datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
            "type": "PassStateEntered",
            "id": 2,
            "previousEventId": 1,
            "stateEnteredEventDetails": {"name": "P", "input": '{"a":1}'},
        },
        {"id": 3, "details": MappingProxyType({"nested": [MappingProxyType({"a": None})]})},
    ]
    written = dumps_indented({"status": "SUCCEEDED", "events": events}, json_default)
    assert written == _reference({"status": "SUCCEEDED", "events": events}, json_default)
    assert '"timestamp": "2024-01-02T03:04:05.678000+00:00"' in written


def test_a_value_json_cannot_write_is_refused_as_json_dumps_refuses_it() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps_indented({"a": object()})
