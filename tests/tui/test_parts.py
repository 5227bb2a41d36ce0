"""The app's small pure parts: labels, example inputs, the inspector's sections, definitions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sfntui.asl.paths import compile_path
from sfntui.tui.definitions import UnreadableDefinition, machine_from_definition
from sfntui.tui.example_inputs import read_example_input
from sfntui.tui.widgets.inspector import Section, cause_value, render_sections
from sfntui.tui.widgets.sidebar import started_label


def test_started_label_is_short_for_today_and_dated_before() -> None:
    now = datetime(2025, 6, 15, 12, 0, tzinfo=UTC).astimezone()
    assert started_label(now - timedelta(minutes=5), now) == (now - timedelta(minutes=5)).strftime(
        "%H:%M:%S"
    )
    earlier = (now - timedelta(days=40)).astimezone()
    assert started_label(earlier, now) == earlier.strftime("%b %d %H:%M")
    assert started_label(datetime(2019, 3, 1, tzinfo=UTC), now) == "2019-03-01"
    assert started_label(None, now) == "--:--:--"


def test_the_example_input_beside_the_definition_wins(tmp_path) -> None:  # noqa: ANN001
    beside, folder = tmp_path / "project", tmp_path / "examples"
    beside.mkdir()
    folder.mkdir()
    (beside / "m.asl.json").write_text("{}")
    (beside / "m.input.json").write_text('{"a": 1}')
    (folder / "m.input.json").write_text('{"b": 2}')
    text, source = read_example_input("m", str(beside / "m.asl.json"), [folder])
    assert json.loads(text) == {"a": 1} and source == str(beside / "m.input.json")
    assert text == '{\n  "a": 1\n}'  # laid out to be edited
    text, source = read_example_input("m", "A description, not a file", [folder])
    assert json.loads(text) == {"b": 2} and source == str(folder / "m.input.json")


def test_without_an_example_the_input_is_an_empty_object(tmp_path) -> None:  # noqa: ANN001
    assert read_example_input("nothing", None, [tmp_path]) == ("{}", None)


def test_an_example_that_is_not_json_is_shown_as_it_is(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "m.input.json").write_text("{oops\n")
    assert read_example_input("m", None, [tmp_path])[0] == "{oops"


def test_a_jsonpath_narrows_every_json_section_and_says_where_it_finds_nothing() -> None:
    sections = [
        Section("Input", {"order": {"id": "A-1"}}),
        Section("Output", {"order": {"id": "A-1"}, "charge": {"chargeId": "ch_1"}}),
        Section("Error", "States.TaskFailed", is_json=False),
    ]
    text = render_sections(sections, compile_path("$.charge.chargeId"))
    assert text.splitlines() == [
        "Input",
        "no match: Missing property in path $['charge']",
        "Output",
        '"ch_1"',
        "Error",
        "States.TaskFailed",
    ]
    whole = render_sections(sections, None)
    assert '"chargeId": "ch_1"' in whole


def test_a_json_cause_is_shown_as_json() -> None:
    assert cause_value('{"errorMessage": "boom"}') == ({"errorMessage": "boom"}, True)
    assert cause_value("plain words") == ("plain words", False)
    assert cause_value("{not json") == ("{not json", False)


def test_a_definition_that_cannot_be_drawn_says_why() -> None:
    with pytest.raises(UnreadableDefinition, match="not valid JSON"):
        machine_from_definition("{")
    with pytest.raises(UnreadableDefinition, match="has no states to draw"):
        machine_from_definition(json.dumps({"StartAt": "Missing", "States": {}}))
    # findings do not stop the drawing: a wrong StartAt and an unknown Type still draw
    with_findings = machine_from_definition(
        json.dumps({"StartAt": "Missing", "States": {"P": {"Type": "Pas", "End": True}}})
    )
    assert list(with_findings.states) == ["P"]
    machine = machine_from_definition(
        json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    )
    assert machine is machine_from_definition(
        json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    )
