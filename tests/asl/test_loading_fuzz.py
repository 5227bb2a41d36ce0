"""Random text and random JSON through the loader and validator: findings or the documented
errors come out, never an unhandled exception."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine
from sfntui.asl.loader import DefinitionLoadError, parse_definition_text
from sfntui.asl.validate import validate

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["StartAt", "States", "Type", "Next", "End", "A", "Resource", "x.$"])
            | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["json", "yaml"]))
def test_any_text_loads_or_is_one_load_error(text: str, fmt: str) -> None:
    try:
        loaded = parse_definition_text(text, "fuzz." + fmt, fmt=fmt)  # type: ignore[arg-type]
    except DefinitionLoadError as exc:
        message = str(exc)
    else:
        validate(loaded.definition, loaded.positions)
        return
    assert message.startswith("fuzz.")
    assert "\n" not in message


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_validates_and_builds_or_is_refused(value: object) -> None:
    text = json.dumps(value)
    loaded = parse_definition_text(text, "fuzz.json", fmt="json")
    try:
        machine, _ = build_state_machine(loaded.definition, loaded)
    except InvalidDefinitionError as exc:
        findings = exc.diagnostics
    else:
        assert machine.start_at in machine.states
        return
    assert any(d.severity == "error" for d in findings)


def test_positions_after_empty_objects_and_arrays() -> None:
    loaded = parse_definition_text('[{}, [], {"a": [1, {}], "b": 2}]', "x.json", fmt="json")
    assert loaded.positions["/2/a/1"] == (1, 20)
    assert loaded.positions["/2/b"] == (1, 25)
