"""Static validation: each rule with a definition it accepts and one it rejects, the order and
placement of diagnostics, robustness on arbitrary JSON, and the AWS-recorded corpus."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfntui.asl.validate import Diagnostic, has_errors, validate

CASES_DIR = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"
PASS_END: dict[str, Any] = {"Type": "Pass", "End": True}


def sm(start: str = "A", top: dict[str, Any] | None = None, **states: Any) -> dict[str, Any]:
    """A state machine whose states are given as keyword arguments."""
    return {"StartAt": start, "States": states, **(top or {})}


def _ending(state: dict[str, Any]) -> dict[str, Any]:
    return state if "Next" in state else {**state, "End": True}


def task(**fields: Any) -> dict[str, Any]:
    return _ending({"Type": "Task", "Resource": LAMBDA, **fields})


def jsonata(**states: Any) -> dict[str, Any]:
    return sm(top={"QueryLanguage": "JSONata"}, **states)


def branch(**states: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


def inline_map(**fields: Any) -> dict[str, Any]:
    return _ending({"Type": "Map", "ItemProcessor": branch(X=PASS_END), **fields})


def distributed_map(**fields: Any) -> dict[str, Any]:
    processor = {
        **branch(X=PASS_END),
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    }
    return _ending({"Type": "Map", "ItemProcessor": processor, **fields})


def catch_all(next_state: str) -> dict[str, Any]:
    return {"ErrorEquals": ["States.ALL"], "Next": next_state}


def errors(definition: Any) -> list[Diagnostic]:
    return [d for d in validate(definition) if d.severity == "error"]


# Each rule: a definition that keeps it, one that breaks it, and where and how the break is told.
RULES = [
    # --- top level
    pytest.param(sm(A=PASS_END), [], "", "must be a JSON object", id="top-level-object"),
    pytest.param(sm(A=PASS_END), sm("B", A=PASS_END), "/StartAt", "no state called 'B'",
                 id="start-at-names-a-state"),
    pytest.param(sm(A=PASS_END), {"States": {"A": PASS_END}}, "/StartAt", "needs StartAt",
                 id="start-at-required"),
    pytest.param(sm(A=PASS_END), {"StartAt": "A", "States": {}}, "/States",
                 "at least one state", id="states-non-empty"),
    pytest.param(sm(A=PASS_END), {"StartAt": "A", "States": []}, "/States",
                 "must be an object", id="states-object"),
    pytest.param(sm(top={"Comment": "c", "Version": "1.0"}, A=PASS_END),
                 sm(top={"Foo": 1}, A=PASS_END), "/Foo", "'Foo' is not a field",
                 id="unknown-top-level-field"),
    pytest.param(sm(top={"TimeoutSeconds": 60}, A=PASS_END),
                 sm(top={"TimeoutSeconds": 0}, A=PASS_END), "/TimeoutSeconds",
                 "positive integer", id="timeout-seconds-positive"),
    pytest.param(sm(top={"QueryLanguage": "JSONata"}, A=PASS_END),
                 sm(top={"QueryLanguage": "XPath"}, A=PASS_END), "/QueryLanguage",
                 "JSONPath or JSONata", id="query-language-values"),
    pytest.param(sm(top={"Version": "1.0"}, A=PASS_END), sm(top={"Version": 1}, A=PASS_END),
                 "/Version", "must be a string", id="version-string"),
    # --- transitions, scopes and names
    pytest.param(sm(A={"Type": "Pass", "Next": "B"}, B=PASS_END),
                 sm(A={"Type": "Pass", "Next": "Nowhere"}), "/States/A/Next",
                 "Next names 'Nowhere', but there is no state called 'Nowhere'", id="next-exists"),
    pytest.param(sm(A=PASS_END), sm(A={"Type": "Pass", "Next": 3}), "/States/A/Next",
                 "must be the name of a state", id="next-is-a-string"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
              "Default": "B"}, B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
              "Default": "Gone"}, B=PASS_END),
        "/States/A/Default", "Default names 'Gone'", id="default-exists"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}]},
           B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "C"}]},
           B=PASS_END),
        "/States/A/Choices/0/Next", "no state called 'C'", id="choice-rule-next-exists"),
    pytest.param(
        sm(A=task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "B"}]), B=PASS_END),
        sm(A=task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Bee"}]), B=PASS_END),
        "/States/A/Catch/0/Next", "no state called 'Bee'", id="catch-next-exists"),
    pytest.param(
        sm(P={"Type": "Parallel", "Branches": [branch(X={"Type": "Pass", "Next": "Y"},
                                                      Y=PASS_END)], "End": True}, start="P"),
        sm(P={"Type": "Parallel", "Branches": [branch(X={"Type": "Pass", "Next": "P"})],
              "End": True}, start="P"),
        "/States/P/Branches/0/States/X/Next", "cannot cross into or out of",
        id="transition-cannot-leave-a-branch"),
    pytest.param(
        sm(M=inline_map(Next="Done"), Done=PASS_END, start="M"),
        sm(M=inline_map(ItemProcessor=branch(X={"Type": "Pass", "Next": "Done"}), Next="Done"),
           Done=PASS_END, start="M"),
        "/States/M/ItemProcessor/States/X/Next", "no state called 'Done' in this scope",
        id="transition-cannot-leave-a-map"),
    pytest.param(
        sm(P={"Type": "Parallel", "Branches": [branch(X=PASS_END)], "End": True}, start="P"),
        sm(P={"Type": "Parallel", "Branches": [branch(P=PASS_END)], "End": True}, start="P"),
        "/States/P/Branches/0/States/P", "already used by the state at /States/P",
        id="state-names-unique-in-whole-machine"),
    pytest.param(sm("x" * 80, **{"x" * 80: PASS_END}), sm("x" * 81, **{"x" * 81: PASS_END}),
                 "/States/" + "x" * 81, "the most AWS allows is 80", id="state-name-length"),
    pytest.param(sm(A={"Type": "Pass", "Next": "B"}, B=PASS_END),
                 sm(A=PASS_END, B=PASS_END), "/States/B", "cannot be reached",
                 id="no-unreachable-state"),
    pytest.param(sm(A={"Type": "Pass", "Next": "B"}, B={"Type": "Succeed"}),
                 sm(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}),
                 "/States", "No state ends this state machine", id="terminal-state-exists"),
    pytest.param(sm(A=PASS_END), sm(A={"Type": "Pass"}), "/States/A",
                 "needs Next (the state to run after it) or End: true", id="next-or-end"),
    pytest.param(sm(A={"Type": "Pass", "Next": "B"}, B=PASS_END),
                 sm(A={"Type": "Pass", "Next": "B", "End": True}, B=PASS_END), "/States/A/End",
                 "cannot both be given", id="not-next-and-end"),
    pytest.param(sm(A=PASS_END), sm(A={"Type": "Pass", "End": False}), "/States/A/End",
                 "End is false but there is no Next", id="end-false-needs-next"),
    pytest.param(sm(A=PASS_END), sm(A={"Type": "Pass", "End": "yes"}), "/States/A/End",
                 "true or false", id="end-boolean"),
    # --- types and their fields
    pytest.param(sm(A={"Type": "Succeed"}), sm(A={"Type": "Sucess"}), "/States/A/Type",
                 "not a state type (did you mean Succeed?)", id="type-known"),
    pytest.param(sm(A=PASS_END), sm(A={"End": True}), "/States/A/Type", "needs a Type",
                 id="type-required"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["States.ALL"]}])),
                 sm(A={**PASS_END, "Retry": [{"ErrorEquals": ["States.ALL"]}]}),
                 "/States/A/Retry", "A Pass state cannot have Retry", id="pass-has-no-retry"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
              "OutputPath": "$.y"}, B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
              "ResultPath": "$.y"}, B=PASS_END),
        "/States/A/ResultPath", "A Choice state cannot have ResultPath",
        id="choice-has-no-result-path"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}]},
           B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
              "Next": "B"}, B=PASS_END),
        "/States/A/Next", "A Choice state cannot have Next", id="choice-has-no-next"),
    pytest.param(sm(A={"Type": "Succeed", "OutputPath": "$.x"}),
                 sm(A={"Type": "Succeed", "Parameters": {"a": 1}}), "/States/A/Parameters",
                 "A Succeed state cannot have Parameters", id="succeed-has-no-parameters"),
    pytest.param(sm(A={"Type": "Fail", "Error": "E", "Cause": "c", "Comment": "x"}),
                 sm(A={"Type": "Fail", "Error": "E", "InputPath": "$.x"}), "/States/A/InputPath",
                 "A Fail state cannot have InputPath", id="fail-fields-only"),
    pytest.param(sm(A=PASS_END), sm(A={**PASS_END, "Nxt": "B"}), "/States/A/Nxt",
                 "not a field of a Pass state (did you mean Next?)", id="unknown-state-field"),
    # --- query languages
    pytest.param(jsonata(A=task(Arguments={"x": "{% $states.input.x %}"})),
                 jsonata(A=task(Parameters={"x.$": "$.x"})), "/States/A/Parameters",
                 "JSONPath field, but this state uses JSONata: use Arguments",
                 id="jsonata-has-no-parameters"),
    pytest.param(jsonata(A={**PASS_END, "Output": "{% $states.input %}"}),
                 jsonata(A={**PASS_END, "OutputPath": "$.x"}), "/States/A/OutputPath",
                 "JSONPath field", id="jsonata-has-no-output-path"),
    pytest.param(jsonata(A=inline_map(Items="{% [1, 2] %}")),
                 jsonata(A=inline_map(ItemsPath="$.items")), "/States/A/ItemsPath",
                 "use Items instead", id="jsonata-has-no-items-path"),
    pytest.param(jsonata(A=task(TimeoutSeconds="{% 3 %}")),
                 jsonata(A=task(TimeoutSecondsPath="$.t")), "/States/A/TimeoutSecondsPath",
                 "JSONPath field", id="jsonata-has-no-timing-paths"),
    pytest.param(sm(A=task(Parameters={"x": 1})), sm(A=task(Arguments={"x": 1})),
                 "/States/A/Arguments", "JSONata field, but this state uses JSONPath",
                 id="jsonpath-has-no-arguments"),
    pytest.param(sm(A={**PASS_END, "OutputPath": "$.x"}), sm(A={**PASS_END, "Output": {}}),
                 "/States/A/Output", "JSONata field", id="jsonpath-has-no-output"),
    pytest.param(sm(A={**PASS_END, "Assign": {"x": 1}}),
                 jsonata(A={**PASS_END, "Assign": 7}), "/States/A/Assign",
                 "Assign must be an object", id="assign-in-both-languages"),
    pytest.param(sm(A={**PASS_END, "QueryLanguage": "JSONata", "Output": "{% 1 %}"}),
                 jsonata(A={**PASS_END, "QueryLanguage": "JSONPath"}),
                 "/States/A/QueryLanguage", "cannot be JSONPath here",
                 id="no-jsonpath-state-under-jsonata"),
    pytest.param(sm(A={**PASS_END, "QueryLanguage": "JSONPath"}),
                 sm(A={**PASS_END, "QueryLanguage": "jsonata"}), "/States/A/QueryLanguage",
                 "JSONPath or JSONata", id="state-query-language-values"),
    # --- paths and templates
    pytest.param(sm(A={**PASS_END, "InputPath": None, "OutputPath": None}),
                 sm(A={**PASS_END, "InputPath": "$.a["}), "/States/A/InputPath",
                 "InputPath is invalid", id="input-path-well-formed"),
    pytest.param(sm(A={**PASS_END, "OutputPath": "$.a"}),
                 sm(A={**PASS_END, "OutputPath": "a.b"}), "/States/A/OutputPath",
                 "must begin with '$'", id="output-path-well-formed"),
    pytest.param(sm(A={**PASS_END, "ResultPath": "$.a.b[0]"}),
                 sm(A={**PASS_END, "ResultPath": "$.a[*]"}), "/States/A/ResultPath",
                 "not a valid reference path", id="result-path-is-reference-path"),
    pytest.param(sm(A={**PASS_END, "ResultPath": "$"}),
                 sm(A={**PASS_END, "ResultPath": "$total"}), "/States/A/ResultPath",
                 "cannot be a variable", id="result-path-not-a-variable"),
    pytest.param(sm(A={**PASS_END, "ResultPath": None}),
                 sm(A={**PASS_END, "ResultPath": 5}), "/States/A/ResultPath",
                 "must be a reference path", id="result-path-string-or-null"),
    pytest.param(sm(A={**PASS_END, "Parameters": {"a": 1, "b.$": "$.b"}}),
                 sm(A={**PASS_END, "Parameters": {"a": 1, "a.$": "$.a"}}),
                 "/States/A/Parameters/a.$", "has both 'a' and 'a.$'",
                 id="template-key-and-dollar-key"),
    pytest.param(sm(A={**PASS_END, "Parameters": {"a.$": "$.a"}}),
                 sm(A={**PASS_END, "Parameters": {"a.$": 3}}), "/States/A/Parameters/a.$",
                 "must be a string holding a path or an intrinsic", id="dollar-value-string"),
    pytest.param(sm(A={**PASS_END, "Parameters": {"a.$": "States.Format('{}', $.x)"}}),
                 sm(A={**PASS_END, "Parameters": {"a.$": "States.ArrayLength($.x, $.y)"}}),
                 "/States/A/Parameters/a.$", "is invalid", id="intrinsic-arity"),
    pytest.param(sm(A={**PASS_END, "Parameters": {"a.$": "States.UUID()"}}),
                 sm(A={**PASS_END, "Parameters": {"a.$": "States.Nope()"}}),
                 "/States/A/Parameters/a.$", "States.Nope", id="intrinsic-name"),
    pytest.param(sm(A={**PASS_END, "Parameters": {"l": [{"deep": {"v.$": "$.v"}}]}}),
                 sm(A={**PASS_END, "Parameters": {"l": [{"deep": {"v.$": "$.v["}}]}}),
                 "/States/A/Parameters/l/0/deep/v.$", "is invalid",
                 id="template-checked-through-arrays"),
    pytest.param(sm(A=task(ResultSelector={"r.$": "$.Payload"})),
                 sm(A=task(ResultSelector={"r.$": "Payload"})), "/States/A/ResultSelector/r.$",
                 "must begin with '$'", id="result-selector-template"),
    pytest.param(sm(A=inline_map(ItemSelector={"v.$": "$$.Map.Item.Value"})),
                 sm(A=inline_map(ItemSelector={"v.$": "$$.Map.Item.Value)"})),
                 "/States/A/ItemSelector/v.$", "is invalid", id="item-selector-template"),
    pytest.param(sm(A={**PASS_END, "Assign": {"total.$": "$.n", "_x": 1}}),
                 sm(A={**PASS_END, "Assign": {"total.$": "$.n["}}),
                 "/States/A/Assign/total.$", "is invalid", id="assign-template-jsonpath"),
    pytest.param(sm(A={**PASS_END, "Assign": {"ok": 1}}),
                 sm(A={**PASS_END, "Assign": {"1st": 1}}), "/States/A/Assign/1st",
                 "a variable name starts with a letter", id="assign-variable-names"),
    pytest.param(jsonata(A={**PASS_END, "Assign": {"s": "{% $states.input %}"}}),
                 jsonata(A={**PASS_END, "Assign": {"states": 1}}), "/States/A/Assign/states",
                 "$states is reserved", id="assign-states-reserved"),
    # --- JSONata expressions
    pytest.param(jsonata(A={**PASS_END, "Output": {"a": ["{% $states.input.x + 1 %}"]}}),
                 jsonata(A={**PASS_END, "Output": {"a": ["{% $states.input.x + %}"]}}),
                 "/States/A/Output/a/0", "does not compile", id="jsonata-compiles"),
    pytest.param(jsonata(A=task(Arguments="{% $states.input %}")),
                 jsonata(A=task(Arguments="$states.input")), "/States/A/Arguments",
                 "object or a JSONata expression", id="arguments-object-or-expression"),
    pytest.param(jsonata(A=inline_map(Items=[1, "{% 2 %}"])),
                 jsonata(A=inline_map(Items="1,2")), "/States/A/Items",
                 "array or a JSONata expression", id="items-array-or-expression"),
    pytest.param(jsonata(A={"Type": "Wait", "Seconds": "{% 1 %}", "End": True}),
                 jsonata(A={"Type": "Wait", "Seconds": "10", "End": True}), "/States/A/Seconds",
                 "or a JSONata expression", id="jsonata-seconds-expression-or-integer"),
    pytest.param(sm(A={"Type": "Wait", "Seconds": 0, "End": True}),
                 sm(A={"Type": "Wait", "Seconds": "{% 1 %}", "End": True}),
                 "/States/A/Seconds", 'need "QueryLanguage": "JSONata"',
                 id="jsonpath-seconds-integer"),
    # --- Choice
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Not": {"Variable": "$.x", "IsNull": True},
                                             "Next": "B"}]}, B=PASS_END),
        sm(A={"Type": "Choice", "Choices": []}, B=PASS_END),
        "/States/A/Choices", "non-empty array", id="choices-non-empty"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "y",
                                             "Next": "B"}]}, B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": 3,
                                             "Next": "B"}]}, B=PASS_END),
        "/States/A/Choices/0/StringEquals", "needs a string", id="jsonpath-choice-rule-compiles"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}]},
           B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True}]}, B=PASS_END),
        "/States/A/Choices/0/Next", "A Choice rule needs Next", id="choice-rule-next-required"),
    pytest.param(
        jsonata(A={"Type": "Choice", "Choices": [{"Condition": "{% $states.input.x > 1 %}",
                                                  "Next": "B"}]}, B=PASS_END),
        jsonata(A={"Type": "Choice", "Choices": [{"Next": "B"}]}, B=PASS_END),
        "/States/A/Choices/0/Condition", "needs a Condition", id="jsonata-rule-condition"),
    pytest.param(
        jsonata(A={"Type": "Choice", "Choices": [{"Condition": True, "Next": "B"}]}, B=PASS_END),
        jsonata(A={"Type": "Choice", "Choices": [{"Condition": "x > 1", "Next": "B"}]},
                B=PASS_END),
        "/States/A/Choices/0/Condition", "must be a JSONata expression",
        id="jsonata-condition-is-expression"),
    pytest.param(
        jsonata(A={"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}]},
                B=PASS_END),
        jsonata(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True,
                                                  "Next": "B"}]}, B=PASS_END),
        "/States/A/Choices/0/Variable", "use Condition", id="jsonata-rule-has-no-variable"),
    pytest.param(
        sm(A={"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}]},
           B=PASS_END),
        sm(A={"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}]},
           B=PASS_END),
        "/States/A/Choices/0/Condition", "JSONata field", id="jsonpath-rule-has-no-condition"),
    # --- Wait
    pytest.param(sm(A={"Type": "Wait", "Timestamp": "2024-01-31T12:00:00Z", "End": True}),
                 sm(A={"Type": "Wait", "End": True}), "/States/A",
                 "needs one of Seconds, Timestamp", id="wait-needs-a-duration"),
    pytest.param(sm(A={"Type": "Wait", "SecondsPath": "$.s", "End": True}),
                 sm(A={"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True}),
                 "/States/A/SecondsPath", "Seconds and SecondsPath cannot both be given",
                 id="wait-one-duration-only"),
    pytest.param(sm(A={"Type": "Wait", "Seconds": 5, "End": True}),
                 sm(A={"Type": "Wait", "Seconds": -1, "End": True}), "/States/A/Seconds",
                 "non-negative integer", id="wait-seconds-non-negative"),
    pytest.param(sm(A={"Type": "Wait", "Timestamp": "2016-03-14T01:59:00+01:00", "End": True}),
                 sm(A={"Type": "Wait", "Timestamp": "2016-03-14 01:59", "End": True}),
                 "/States/A/Timestamp", "not an ISO 8601 timestamp", id="wait-timestamp-valid"),
    # --- Task
    pytest.param(sm(A=task()), sm(A={"Type": "Task", "End": True}), "/States/A/Resource",
                 "needs a Resource", id="task-resource-required"),
    pytest.param(sm(A=task(Resource="arn:aws:states:::lambda:invoke")),
                 sm(A=task(Resource="my-function")), "/States/A/Resource",
                 "must look like arn:aws:",
                 id="task-resource-is-arn"),
    pytest.param(sm(A=task(Resource=LAMBDA)), sm(A=task(Resource=["x"])), "/States/A/Resource",
                 "must be an ARN string", id="task-resource-string"),
    pytest.param(sm(A=task(Resource="${FunctionArn}")), sm(A=task(Resource="${FunctionArn")),
                 "/States/A/Resource", "not closed with '}'", id="task-resource-substitution"),
    pytest.param(sm(A=task(Resource=LAMBDA + ":live")), sm(A=task(Resource=LAMBDA + ":")),
                 "/States/A/Resource", "it ends with ':'", id="task-resource-lambda-alias"),
    pytest.param(sm(A=task(Resource="arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST")),
                 sm(A=task(Resource="arn:aws:lambda:us-east-1:123456789012:f")),
                 "/States/A/Resource", "a Lambda ARN names function:NAME",
                 id="task-resource-lambda-function"),
    pytest.param(sm(A=task(TimeoutSecondsPath="$.t")),
                 sm(A=task(TimeoutSeconds=5, TimeoutSecondsPath="$.t")),
                 "/States/A/TimeoutSecondsPath", "cannot both be given",
                 id="timeout-or-timeout-path"),
    pytest.param(sm(A=task(HeartbeatSecondsPath="$.h")),
                 sm(A=task(HeartbeatSeconds=5, HeartbeatSecondsPath="$.h")),
                 "/States/A/HeartbeatSecondsPath", "cannot both be given",
                 id="heartbeat-or-heartbeat-path"),
    pytest.param(sm(A=task(TimeoutSeconds=10, HeartbeatSeconds=9)),
                 sm(A=task(TimeoutSeconds=10, HeartbeatSeconds=10)), "/States/A/HeartbeatSeconds",
                 "must be smaller than TimeoutSeconds", id="heartbeat-below-timeout"),
    pytest.param(sm(A=task(TimeoutSeconds=1)), sm(A=task(TimeoutSeconds=1.5)),
                 "/States/A/TimeoutSeconds", "positive integer", id="task-timeout-integer"),
    # --- Retry and Catch
    pytest.param(sm(A=task(Retry=[])), sm(A=task(Retry={"ErrorEquals": ["X"]})),
                 "/States/A/Retry", "array of retriers", id="retry-array"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"]}])), sm(A=task(Retry=["X"])),
                 "/States/A/Retry/0", "retrier must be an object", id="retrier-object"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"]}])), sm(A=task(Retry=[{}])),
                 "/States/A/Retry/0/ErrorEquals", "needs ErrorEquals", id="error-equals-required"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X", "Y"]}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X", 1]}])),
                 "/States/A/Retry/0/ErrorEquals/1", "must be a string", id="error-names-strings"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["States.ALL"]}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["States.ALL", "X"]}])),
                 "/States/A/Retry/0/ErrorEquals", "must appear alone", id="states-all-alone"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"]}, {"ErrorEquals": ["States.ALL"]}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}])),
                 "/States/A/Retry/0/ErrorEquals", "must be the last one",
                 id="states-all-last-retrier"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"], "IntervalSeconds": 1}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X"], "IntervalSeconds": 0}])),
                 "/States/A/Retry/0/IntervalSeconds", "positive integer", id="interval-seconds"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"], "MaxAttempts": 0}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X"], "MaxAttempts": -1}])),
                 "/States/A/Retry/0/MaxAttempts", "non-negative integer", id="max-attempts"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"], "BackoffRate": 1}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X"], "BackoffRate": 0.9}])),
                 "/States/A/Retry/0/BackoffRate", "at least 1.0", id="backoff-rate"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"], "MaxDelaySeconds": 1}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X"], "MaxDelaySeconds": 0}])),
                 "/States/A/Retry/0/MaxDelaySeconds", "positive integer", id="max-delay-seconds"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"], "JitterStrategy": "FULL"}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X"], "JitterStrategy": "full"}])),
                 "/States/A/Retry/0/JitterStrategy", "FULL or NONE", id="jitter-strategy"),
    pytest.param(sm(A=task(Retry=[{"ErrorEquals": ["X"], "Comment": "c"}])),
                 sm(A=task(Retry=[{"ErrorEquals": ["X"], "MaxAttempt": 2}])),
                 "/States/A/Retry/0/MaxAttempt", "did you mean MaxAttempts?",
                 id="retrier-fields"),
    pytest.param(sm(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "B"}]), B=PASS_END),
                 sm(A=task(Catch=[{"ErrorEquals": ["X"]}]), B=PASS_END),
                 "/States/A/Catch/0/Next", "A catcher needs Next", id="catcher-next-required"),
    pytest.param(
        sm(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "B", "ResultPath": "$.error"}]),
           B=PASS_END),
        sm(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "B", "ResultPath": "$..error"}]),
           B=PASS_END),
        "/States/A/Catch/0/ResultPath", "not a valid reference path", id="catcher-result-path"),
    pytest.param(
        sm(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "B"},
                         {"ErrorEquals": ["States.ALL"], "Next": "B"}]), B=PASS_END),
        sm(A=task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "B"},
                         {"ErrorEquals": ["X"], "Next": "B"}]), B=PASS_END),
        "/States/A/Catch/0/ErrorEquals", "catcher with States.ALL must be the last one",
        id="states-all-last-catcher"),
    pytest.param(
        jsonata(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "B", "Output": "{% 1 %}"}]),
                B=PASS_END),
        jsonata(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "B", "ResultPath": "$.e"}]),
                B=PASS_END),
        "/States/A/Catch/0/ResultPath", "JSONPath field", id="jsonata-catcher-fields"),
    # --- Parallel
    pytest.param(sm(P={"Type": "Parallel", "Branches": [branch(X=PASS_END)], "End": True},
                    start="P"),
                 sm(P={"Type": "Parallel", "Branches": [], "End": True}, start="P"),
                 "/States/P/Branches", "non-empty array", id="branches-non-empty"),
    pytest.param(sm(P={"Type": "Parallel", "Branches": [branch(X=PASS_END)], "End": True},
                    start="P"),
                 sm(P={"Type": "Parallel", "End": True}, start="P"), "/States/P/Branches",
                 "needs Branches", id="branches-required"),
    pytest.param(
        sm(P={"Type": "Parallel", "Branches": [branch(X={"Type": "Pass", "Next": "Y"},
                                                      Y=PASS_END)], "End": True}, start="P"),
        sm(P={"Type": "Parallel", "Branches": [branch(X={"Type": "Pass", "Next": "Z"},
                                                      Y=PASS_END)], "End": True}, start="P"),
        "/States/P/Branches/0/States/X/Next", "no state called 'Z'", id="branch-is-a-machine"),
    pytest.param(
        sm(P={"Type": "Parallel", "Branches": [branch(X=PASS_END)], "End": True}, start="P"),
        sm(P={"Type": "Parallel", "Branches": [{**branch(X=PASS_END), "Version": "1.0"}],
              "End": True}, start="P"),
        "/States/P/Branches/0/Version", "not a field of a Parallel branch",
        id="branch-fields"),
    # --- Map
    pytest.param(sm(A=inline_map()), sm(A={"Type": "Map", "End": True}),
                 "/States/A/ItemProcessor", "needs an ItemProcessor", id="map-needs-processor"),
    pytest.param(sm(A=inline_map()), sm(A=inline_map(Iterator=branch(Y=PASS_END))),
                 "/States/A/Iterator", "cannot both be given", id="map-processor-or-iterator"),
    pytest.param(
        sm(A=inline_map(ItemProcessor={**branch(X=PASS_END),
                                       "ProcessorConfig": {"Mode": "INLINE"}})),
        sm(A=inline_map(ItemProcessor={**branch(X=PASS_END),
                                       "ProcessorConfig": {"Mode": "PARALLEL"}})),
        "/States/A/ItemProcessor/ProcessorConfig/Mode", "INLINE or DISTRIBUTED",
        id="processor-mode"),
    pytest.param(
        sm(A=distributed_map()),
        sm(A=inline_map(ItemProcessor={**branch(X=PASS_END), "ProcessorConfig": {
            "Mode": "DISTRIBUTED", "ExecutionType": "FAST"}})),
        "/States/A/ItemProcessor/ProcessorConfig/ExecutionType", "STANDARD or EXPRESS",
        id="processor-execution-type"),
    pytest.param(sm(A=inline_map(MaxConcurrency=0)), sm(A=inline_map(MaxConcurrency=-1)),
                 "/States/A/MaxConcurrency", "non-negative integer", id="max-concurrency"),
    pytest.param(sm(A=distributed_map(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                                                  "ReaderConfig": {"InputType": "JSON"}})),
                 sm(A=inline_map(ItemReader={"Resource": "arn:aws:states:::s3:getObject"})),
                 "/States/A/ItemReader", "needs a distributed Map", id="item-reader-distributed"),
    pytest.param(sm(A=distributed_map(ItemBatcher={"MaxItemsPerBatch": 10})),
                 sm(A=inline_map(ItemBatcher={"MaxItemsPerBatch": 10})),
                 "/States/A/ItemBatcher", "needs a distributed Map",
                 id="item-batcher-distributed"),
    pytest.param(sm(A=distributed_map(ResultWriter={"Resource": "arn:aws:states:::s3:putObject"})),
                 sm(A=inline_map(ResultWriter={"Resource": "arn:aws:states:::s3:putObject"})),
                 "/States/A/ResultWriter", "needs a distributed Map",
                 id="result-writer-distributed"),
    pytest.param(sm(A=inline_map(ItemSelector={"v.$": "$$.Map.Item.Value"})),
                 sm(A=inline_map(ItemSelector={"a": 1}, Parameters={"a": 1})),
                 "/States/A/Parameters", "ItemSelector and Parameters cannot both be given",
                 id="map-item-selector-or-parameters"),
    pytest.param(sm(A=distributed_map(ToleratedFailurePercentage=50)),
                 sm(A=distributed_map(ToleratedFailurePercentage=150)),
                 "/States/A/ToleratedFailurePercentage", "from 0 to 100",
                 id="tolerated-failure-percentage"),
    pytest.param(sm(A=distributed_map(Label="batch_1")),
                 sm(A=distributed_map(Label="batch 1")), "/States/A/Label",
                 "Label cannot contain ' '", id="map-label"),
    pytest.param(
        sm(A=inline_map(ItemProcessor=branch(X={"Type": "Pass", "Next": "Y"}, Y=PASS_END))),
        sm(A=inline_map(ItemProcessor=branch(X={"Type": "Pass"}))),
        "/States/A/ItemProcessor/States/X", "needs Next", id="item-processor-is-a-machine"),
    # --- Fail and Pass
    pytest.param(sm(A={"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}),
                 sm(A={"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}), "/States/A/ErrorPath",
                 "Error and ErrorPath cannot both be given", id="fail-error-or-error-path"),
    pytest.param(sm(A={"Type": "Fail", "Cause": "c"}),
                 sm(A={"Type": "Fail", "Cause": "c", "CausePath": "$.c"}), "/States/A/CausePath",
                 "Cause and CausePath cannot both be given", id="fail-cause-or-cause-path"),
    pytest.param(sm(A={"Type": "Fail", "CausePath": "States.Format('bad {}', $.x)"}),
                 sm(A={"Type": "Fail", "CausePath": "States.Format('bad {}'"}),
                 "/States/A/CausePath", "CausePath is invalid", id="fail-cause-path-intrinsic"),
    pytest.param(sm(A={"Type": "Fail", "ErrorPath": "$$.State.Name"}),
                 sm(A={"Type": "Fail", "ErrorPath": "State.Name"}), "/States/A/ErrorPath",
                 "ErrorPath is invalid", id="fail-error-path"),
    pytest.param(sm(A={**PASS_END, "Result": [1, {"a": None}, "x", True, 2.5]}),
                 sm(A={**PASS_END, "Result": 1, "Resource": LAMBDA}), "/States/A/Resource",
                 "A Pass state cannot have Resource", id="pass-result-any-json"),
]


@pytest.mark.parametrize(("valid", "invalid", "pointer", "fragment"), RULES)
def test_rule(valid: Any, invalid: Any, pointer: str, fragment: str) -> None:
    assert errors(valid) == []
    found = errors(invalid)
    messages = [d.message for d in found if d.pointer == pointer]
    assert any(fragment in message for message in messages), [str(d) for d in found]


# --- what a diagnostic looks like --------------------------------------------------------------


def test_every_finding_is_reported_in_document_order() -> None:
    definition = {
        "Comment": 5,
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "Missing", "InputPath": "nope"},
            "B": {"Type": "Wait"},
        },
        "Extra": True,
    }
    found = validate(definition)
    assert [(d.pointer, d.state) for d in found] == [
        ("/Comment", None),
        ("/States", None),
        ("/States/A/Next", "A"),
        ("/States/A/InputPath", "A"),
        ("/States/B", "B"),
        ("/States/B", "B"),
        ("/States/B", "B"),
        ("/Extra", None),
    ]
    messages = [d.message for d in found if d.pointer == "/States/B"]
    assert any("cannot be reached" in m for m in messages)
    assert any("needs Next" in m for m in messages)
    assert any("needs one of Seconds" in m for m in messages)


def test_nested_pointers_name_the_innermost_state() -> None:
    inner = sm(
        P={
            "Type": "Parallel",
            "End": True,
            "Branches": [
                branch(X=PASS_END),
                branch(M=inline_map(ItemProcessor=branch(Y=task(Catch=[catch_all("Q")])))),
            ],
        },
        start="P",
    )
    (diagnostic,) = validate(inner)
    assert diagnostic.pointer == (
        "/States/P/Branches/1/States/M/ItemProcessor/States/Y/Catch/0/Next"
    )
    assert diagnostic.state == "Y"
    assert diagnostic.message == "Next names 'Q', but there is no state called 'Q'"


def test_pointers_escape_slash_and_tilde_in_state_names() -> None:
    definition = sm("a/b~c", **{"a/b~c": {"Type": "Pass", "Next": "x"}})
    (diagnostic,) = [d for d in validate(definition) if "Next names" in d.message]
    assert diagnostic.pointer == "/States/a~1b~0c/Next"


def test_positions_come_from_the_pointer_or_its_nearest_ancestor() -> None:
    definition = sm(A={"Type": "Pass"}, B={"Type": "Pass", "Next": "Gone"})
    positions = {"": (1, 1), "/States": (3, 3), "/States/A": (4, 5), "/States/B/Next": (9, 17)}
    placed = {d.pointer: (d.line, d.column) for d in validate(definition, positions)}
    assert placed["/States/A"] == (4, 5)
    assert placed["/States/B/Next"] == (9, 17)
    assert placed["/States"] == (3, 3)  # no terminal state
    unplaced = validate(definition)
    assert all(d.line is None and d.column is None for d in unplaced)


def test_missing_field_takes_its_parents_position() -> None:
    positions = {"/States/A": (2, 7)}
    (diagnostic,) = validate(sm(A={"Type": "Task", "End": True}), positions)
    assert diagnostic.pointer == "/States/A/Resource"
    assert (diagnostic.line, diagnostic.column) == (2, 7)


def test_has_errors_ignores_warnings() -> None:
    warned = validate(sm(A={"Type": "Map", "Iterator": branch(X=PASS_END), "End": True}))
    assert [d.severity for d in warned] == ["warning"]
    assert "deprecated" in warned[0].message
    assert not has_errors(warned)
    assert has_errors(validate(sm(A={"Type": "Pass"})))
    assert not has_errors([])


def test_inline_map_tolerated_failure_is_a_warning_as_aws_accepts_it() -> None:
    found = validate(jsonata(A=inline_map(ToleratedFailurePercentage="{% 1 %}")))
    assert [(d.severity, d.pointer) for d in found] == [
        ("warning", "/States/A/ToleratedFailurePercentage")
    ]


def test_near_miss_jsonata_is_a_warning() -> None:
    found = validate(jsonata(A={**PASS_END, "Output": {"x": "{% $states.input "}}))
    assert [(d.severity, d.pointer) for d in found] == [("warning", "/States/A/Output/x")]
    assert "taken as plain text" in found[0].message


def test_path_without_dollar_key_is_a_warning() -> None:
    found = validate(sm(A={**PASS_END, "Parameters": {"id": "$.id", "name": "Ann"}}))
    assert [(d.severity, d.pointer) for d in found] == [("warning", "/States/A/Parameters/id")]
    assert "name the field 'id.$'" in found[0].message


def test_nested_state_inherits_the_jsonata_of_its_map() -> None:
    definition = sm(
        A={
            "Type": "Map",
            "QueryLanguage": "JSONata",
            "Items": "{% [1] %}",
            "ItemProcessor": branch(X={**PASS_END, "Output": "{% $states.input %}"}),
            "End": True,
        }
    )
    assert errors(definition) == []


def test_messages_are_single_sentences_without_a_final_period() -> None:
    definition = sm(
        A=task(
            Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": []}],
            Parameters={"a.$": "States.Bad(", "b.$": 1},
        ),
        B={"Type": "Choice", "Choices": [{"Variable": "$.x", "Nope": 1, "Next": "A"}]},
    )
    found = validate(definition)
    assert len(found) >= 5
    for diagnostic in found:
        assert not diagnostic.message.endswith("."), diagnostic.message
        assert "\n" not in diagnostic.message


# --- robustness: any JSON value in, only diagnostics out ----------------------------------------

ASL_WORDS = [
    "StartAt", "States", "Type", "Next", "End", "Default", "Choices", "Catch", "Retry",
    "Branches", "ItemProcessor", "Iterator", "ProcessorConfig", "Mode", "Parameters",
    "Arguments", "Output", "Assign", "ResultPath", "InputPath", "ItemsPath", "Items",
    "ErrorEquals", "Variable", "Condition", "Seconds", "Timestamp", "Resource",
    "QueryLanguage", "TimeoutSeconds", "HeartbeatSeconds", "ItemReader", "ItemBatcher",
    "Label", "And", "Not", "StringEquals", "a.$", "Error", "CausePath",
]
ASL_VALUES = [
    "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "JSONata",
    "JSONPath", "DISTRIBUTED", "INLINE", "$", "$.a", "$$.Map.Item.Value", "$x", "$.a[",
    "{% $states.input %}", "{% 1 + %}", "States.ALL", "States.Format('{}', $.a)",
    "States.Array(", "A", "B", LAMBDA, "2024-01-01T00:00:00Z",
]
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(ASL_VALUES)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(ASL_WORDS) | st.text(max_size=6), inner, max_size=5),
    max_leaves=40,
)

KITCHEN_SINK: dict[str, Any] = {
    "Comment": "every state type",
    "StartAt": "Start",
    "TimeoutSeconds": 300,
    "States": {
        "Start": {
            "Type": "Pass",
            "Parameters": {"items.$": "$.items", "n.$": "States.ArrayLength($.items)"},
            "ResultPath": "$.prepared",
            "Assign": {"count.$": "$.n"},
            "Next": "Work",
        },
        "Work": {
            "Type": "Task",
            "Resource": LAMBDA,
            "TimeoutSeconds": 30,
            "HeartbeatSeconds": 10,
            "ResultSelector": {"body.$": "$.Payload"},
            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2, "BackoffRate": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Oops"}],
            "Next": "Decide",
        },
        "Decide": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.n", "IsPresent": True},
                        {"Variable": "$.n", "NumericGreaterThan": 1},
                    ],
                    "Next": "Fan",
                },
                {"Variable": "$.kind", "StringEquals": "wait", "Next": "Pause"},
            ],
            "Default": "Done",
        },
        "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ItemSelector": {"value.$": "$$.Map.Item.Value"},
                            "MaxConcurrency": 2,
                            "ItemProcessor": {
                                "ProcessorConfig": {"Mode": "INLINE"},
                                "StartAt": "Item",
                                "States": {"Item": {"Type": "Pass", "End": True}},
                            },
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Done",
        },
        "Oops": {"Type": "Fail", "ErrorPath": "$.error.Error", "Cause": "it broke"},
        "Done": {
            "Type": "Pass",
            "QueryLanguage": "JSONata",
            "Output": {"total": "{% $count %}"},
            "Next": "End",
        },
        "End": {"Type": "Succeed"},
    },
}


JSONATA_SINK: dict[str, Any] = {
    "QueryLanguage": "JSONata",
    "StartAt": "Start",
    "States": {
        "Start": {
            "Type": "Pass",
            "Assign": {"items": "{% $states.input.items %}"},
            "Output": {"n": "{% $count($states.input.items) %}"},
            "Next": "Work",
        },
        "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": LAMBDA, "Payload": "{% $states.input %}"},
            "TimeoutSeconds": "{% 30 %}",
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "JitterStrategy": "FULL"}],
            "Catch": [
                {"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}",
                 "Next": "Oops"}
            ],
            "Next": "Decide",
        },
        "Decide": {
            "Type": "Choice",
            "Choices": [
                {"Condition": "{% $states.input.n > 1 %}", "Assign": {"big": True},
                 "Next": "Each"}
            ],
            "Default": "Pause",
        },
        "Pause": {"Type": "Wait", "Timestamp": "{% $now() %}", "Next": "Both"},
        "Each": {
            "Type": "Map",
            "Items": "{% $items %}",
            "ItemSelector": {"value": "{% $states.context.Map.Item.Value %}"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Item",
                "States": {"Item": {"Type": "Pass", "End": True}},
            },
            "ToleratedFailurePercentage": 10,
            "Next": "Both",
        },
        "Both": {
            "Type": "Parallel",
            "Arguments": {"x": 1},
            "Branches": [{"StartAt": "One", "States": {"One": {"Type": "Succeed"}}}],
            "Next": "Done",
        },
        "Oops": {"Type": "Fail", "Error": "{% 'Broken' %}", "Cause": "it broke"},
        "Done": {"Type": "Succeed", "Output": "{% $states.input %}"},
    },
}


@pytest.mark.parametrize("definition", [KITCHEN_SINK, JSONATA_SINK], ids=["jsonpath", "jsonata"])
def test_the_kitchen_sinks_are_valid(definition: dict[str, Any]) -> None:
    assert validate(definition) == []


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if isinstance(value, dict | list) and value else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _containers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _containers(item, (*path, index))
    return found


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_gives_only_diagnostics(value: Any) -> None:
    for diagnostic in validate(value):
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.severity in ("error", "warning")
        assert diagnostic.pointer == "" or diagnostic.pointer.startswith("/")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_definitions_give_only_diagnostics(data: st.DataObject) -> None:
    definition = copy.deepcopy(data.draw(st.sampled_from([KITCHEN_SINK, JSONATA_SINK])))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_containers(definition)))
        container = _at(definition, path)
        keys = list(container) if isinstance(container, dict) else list(range(len(container)))
        key = data.draw(st.sampled_from(keys))
        action = data.draw(st.sampled_from(["drop", "replace", "rename", "retype"]))
        if action == "drop":
            del container[key]
        elif action == "replace":
            container[key] = data.draw(json_values)
        elif action == "rename" and isinstance(container, dict):
            new_name = data.draw(st.sampled_from(ASL_WORDS + ASL_VALUES) | st.text(max_size=5))
            container[new_name] = container.pop(key)
        else:
            container[key] = data.draw(json_scalars)
        if not _containers(definition):
            break
    before = copy.deepcopy(definition)
    found = validate(definition)
    assert all(isinstance(d, Diagnostic) for d in found)
    assert definition == before  # validation never changes what it checks


def test_deeply_nested_value_is_reported_not_raised() -> None:
    deep: Any = "$.x"
    for _ in range(5000):
        deep = {"k": deep}
    definition = sm(A={**PASS_END, "Parameters": deep})
    assert isinstance(validate(definition), list)


# --- definitions that ran on AWS ----------------------------------------------------------------

CASE_FILES = sorted(CASES_DIR.glob("*.json"))


def test_the_conformance_corpus_is_there() -> None:
    assert len(CASE_FILES) > 500


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[f.stem for f in CASE_FILES])
def test_definitions_that_ran_on_aws_have_no_errors(case_file: Path) -> None:
    definition = json.loads(case_file.read_text())["definition"]
    assert [str(d) for d in errors(definition)] == []
