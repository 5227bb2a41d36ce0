"""Building the model: templates compiled once, every field read, every recorded definition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.asl import model as m
from sfntui.asl.definition import InvalidDefinitionError, build_state_machine, load_state_machine
from sfntui.asl.errors import StatesError
from sfntui.asl.parse import DefinitionError, describe_rule, parse_state_machine
from sfntui.asl.templates import Bindings, Constant, compile_template

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"


def test_a_template_without_dynamic_parts_is_one_constant() -> None:
    template = compile_template({"a": [1, {"b": "c"}]}, "JSONPath")
    assert isinstance(template, Constant)


def test_jsonpath_template_resolves_paths_intrinsics_and_context() -> None:
    template = compile_template(
        {
            "id.$": "$.order.id",
            "label.$": "States.Format('#{}', $.order.id)",
            "state.$": "$$.State.Name",
            "nested": [{"qty.$": "$.order.qty"}, "plain"],
        },
        "JSONPath",
    )
    bindings = Bindings({"order": {"id": 7, "qty": 2}}, {"State": {"Name": "Pack"}})
    assert template.evaluate(bindings) == {
        "id": 7,
        "label": "#7",
        "state": "Pack",
        "nested": [{"qty": 2}, "plain"],
    }


def test_a_missing_path_in_a_template_names_the_field() -> None:
    template = compile_template({"value.$": "$.nope"}, "JSONPath")
    with pytest.raises(StatesError) as failure:
        template.evaluate(Bindings({"a": 1}))
    assert failure.value.error == "States.Runtime"
    assert failure.value.cause == (
        "The JSONPath '$.nope' specified for the field 'value.$' could not be found in the "
        "input '{\"a\":1}'"
    )


def test_jsonata_template_evaluates_expressions_anywhere() -> None:
    template = compile_template(
        {"total": "{% $states.input.a + 1 %}", "list": ["{% $x %}", 3]}, "JSONata"
    )
    bindings = Bindings(None, None, {"x": "var"}, {"input": {"a": 1}})
    assert template.evaluate(bindings) == {"total": 2, "list": ["var", 3]}


def test_every_state_type_and_its_fields() -> None:
    machine = parse_state_machine(
        {
            "StartAt": "T",
            "TimeoutSeconds": 30,
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "InputPath": None,
                    "ResultPath": None,
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                    "TimeoutSecondsPath": "$.t",
                    "Next": "C",
                },
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "W"}],
                    "Default": "P",
                },
                "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "P"},
                "P": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}],
                    "Next": "M",
                },
                "M": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "MaxConcurrency": 2,
                    "ItemProcessor": {
                        "StartAt": "I",
                        "States": {"I": {"Type": "Pass", "End": True}},
                    },
                    "End": True,
                },
                "F": {"Type": "Fail", "ErrorPath": "$.e", "Cause": "because"},
            },
        }
    )
    task = machine.states["T"]
    assert isinstance(task, m.TaskState)
    assert task.discard_input and task.discard_result and not task.discard_output
    assert task.retry[0].max_attempts == 2 and task.retry[0].backoff_rate == 2.0
    assert task.catch[0].next == "F" and task.timeout_seconds_path is not None
    assert task.transitions() == ("C", "F")
    choice = machine.states["C"]
    assert isinstance(choice, m.ChoiceState)
    assert choice.transitions() == ("W", "P") and choice.choices[0].text == "$.n > 1"
    assert isinstance(machine.states["M"], m.MapState)
    assert [s.name for s, _ in machine.walk()] == ["T", "C", "W", "P", "S", "M", "I", "F"]
    assert machine.timeout_seconds == 30


def test_describe_rule_reads_like_a_condition() -> None:
    rule = {
        "And": [
            {"Variable": "$.a", "StringEquals": "x"},
            {"Not": {"Variable": "$.b", "IsPresent": True}},
        ],
        "Next": "N",
    }
    assert describe_rule(rule) == '($.a == "x") and (not ($.b IsPresent))'


def test_parse_errors_name_the_field() -> None:
    with pytest.raises(DefinitionError) as failure:
        parse_state_machine({"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "x"}}})
    assert failure.value.pointer == "/States/A/InputPath"


def test_build_refuses_an_invalid_definition_with_its_findings() -> None:
    with pytest.raises(InvalidDefinitionError) as failure:
        build_state_machine({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": True}}})
    assert any("Nope" in d.message for d in failure.value.diagnostics)


def test_load_state_machine_from_a_file(tmp_path: Path) -> None:
    file = tmp_path / "flow.asl.json"
    file.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
    loaded = load_state_machine(file)
    assert loaded.name == "flow" and loaded.machine.start_at == "A"


@pytest.mark.parametrize("case_file", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_every_recorded_definition_builds(case_file: Path) -> None:
    definition = json.loads(case_file.read_text())["definition"]
    machine, diagnostics = build_state_machine(definition)
    assert machine.start_at in machine.states
    assert not [d for d in diagnostics if d.severity == "error"]
