"""Definitions AWS deploys are not refused: the validator is no stricter than Step Functions.

Each shape here was refused once although AWS accepts it: template placeholders in an ARN's
partition slot or standing for a number, `$$` in ItemsPath, Jayway's `$.[...]`, custom
`States.` error names thrown by the machine's own Fail states, Pass `Parameters` as an array.
Each is checked through the file a user has (the CLI's exit code and lines) or the validator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.loader import load_definition
from sfntui.asl.parse import parse_state_machine
from sfntui.asl.validate import validate
from sfntui.cli import main


def machine(**states: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


def findings(definition: Any) -> list[tuple[str, str, str]]:
    return [(d.severity, d.pointer, d.message) for d in validate(definition)]


def errors(definition: Any) -> list[str]:
    return [f"{p}: {m}" for s, p, m in findings(definition) if s == "error"]


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:charge"

DEPLOYABLE = [
    pytest.param(
        machine(Invoke={"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
                        "Parameters": {"FunctionName": "charge"}, "End": True}),
        id="partition-placeholder-service-integration",
    ),
    pytest.param(
        machine(Publish={"Type": "Task",
                         "Resource": "arn:${AWS::Partition}:states:::sns:publish.waitForTaskToken",
                         "Parameters": {"TopicArn": "${Topic}", "Message.$": "$"}, "End": True}),
        id="partition-placeholder-callback",
    ),
    pytest.param(
        machine(Call={"Type": "Task",
                      "Resource": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}"
                                  ":function:${FunctionName}",
                      "End": True}),
        id="every-slot-a-placeholder",
    ),
    pytest.param(
        machine(Call={"Type": "Task", "Resource": "${ChargeArn}:$LATEST", "End": True}),
        id="placeholder-holds-the-arn-start",
    ),
    pytest.param(
        machine(Wait={"Type": "Wait", "Seconds": "${ReminderTimeout}", "End": True}),
        id="wait-seconds-from-a-substitution",
    ),
    pytest.param(
        machine(Call={"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": "${Timeout}",
                      "HeartbeatSeconds": "${Heartbeat}",
                      "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": "${Attempts}",
                                 "BackoffRate": "${Backoff}"}],
                      "End": True}),
        id="task-numbers-from-substitutions",
    ),
    pytest.param(
        machine(Check={"Type": "Choice",
                       "Choices": [{"Variable": "$.total", "NumericGreaterThan": "${Limit}",
                                    "Next": "Big"}],
                       "Default": "Big"},
                Big={"Type": "Succeed"}),
        id="choice-operand-from-a-substitution",
    ),
    pytest.param(
        machine(Each={"Type": "Map", "ItemsPath": "$$.Execution.Input.orders",
                      "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass",
                                                                             "End": True}}},
                      "End": True}),
        id="items-path-reads-the-context-object",
    ),
    pytest.param(
        machine(Keep={"Type": "Pass", "InputPath": "$.[?(@.count > 0)]", "End": True}),
        id="jayway-filter-after-root-dot",
    ),
    pytest.param(
        machine(Keep={"Type": "Pass", "Parameters": {"ok.$": "$.items.[?(@.ok == true)]"},
                      "End": True}),
        id="jayway-filter-after-field-dot",
    ),
    pytest.param(
        machine(Call={"Type": "Task", "Resource": LAMBDA,
                      "Catch": [{"ErrorEquals": ["States.OrderRejected"], "Next": "Rejected"}],
                      "Next": "Check"},
                Check={"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": False,
                                                      "Next": "Reject"}], "Default": "Done"},
                Reject={"Type": "Fail", "Error": "States.OrderRejected"},
                Rejected={"Type": "Fail", "Error": "Rejected"},
                Done={"Type": "Succeed"}),
        id="custom-states-error-thrown-by-own-fail",
    ),
    pytest.param(
        machine(Seed={"Type": "Pass", "Parameters": [{"id.$": "$.id"}, "static"], "End": True}),
        id="pass-parameters-array",
    ),
]


@pytest.mark.parametrize("definition", DEPLOYABLE)
def test_a_definition_aws_deploys_has_no_error(definition: dict[str, Any]) -> None:
    assert errors(definition) == []


def test_every_placeholder_is_named_once_in_one_note() -> None:
    definition = machine(
        Wait={"Type": "Wait", "Seconds": "${ReminderTimeout}", "Next": "Notify"},
        Notify={"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::sns:publish",
                "Parameters": {"TopicArn": "${Topic}", "Subject": "${Topic}"}, "End": True},
    )
    notes = [(p, m) for s, p, m in findings(definition) if s == "note"]
    assert len(notes) == 1
    assert notes[0][0] == ""
    assert "(${ReminderTimeout}, ${AWS::Partition}, ${Topic})" in notes[0][1]
    assert [s for s, _, _ in findings(definition)] == ["note"]


def test_a_custom_states_error_nobody_throws_is_a_warning_not_an_error() -> None:
    definition = machine(
        Call={"Type": "Task", "Resource": LAMBDA,
              "Retry": [{"ErrorEquals": ["States.Timout"]}], "End": True}
    )
    assert findings(definition) == [
        (
            "warning",
            "/States/Call/Retry/0/ErrorEquals/0",
            "'States.Timout' is not one of Step Functions' own error names, and no Fail state "
            "of this machine throws it: check its spelling",
        )
    ]


def test_a_placeholder_does_not_hide_a_real_mistake_next_to_it() -> None:
    definition = machine(
        Call={"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
              "TimeoutSeconds": 0, "End": True}
    )
    assert errors(definition) == [
        "/States/Call/TimeoutSeconds: TimeoutSeconds must be a positive integer no larger "
        "than 99999999, not 0"
    ]


def test_a_bad_partition_without_placeholder_is_still_an_error() -> None:
    definition = machine(Call={"Type": "Task", "Resource": "arn:azure:states:::lambda:invoke",
                               "End": True})
    assert errors(definition) == [
        "/States/Call/Resource: Resource 'arn:azure:states:::lambda:invoke' is not a valid ARN: "
        "'azure' is not a partition such as aws or aws-cn"
    ]


def test_the_jayway_filter_runs_as_aws_runs_it() -> None:
    import asyncio

    from sfntui.engine.runner import run_local

    definition = machine(
        Keep={"Type": "Pass", "InputPath": "$.items.[?(@.count > 0)]", "Next": "Seed"},
        Seed={"Type": "Pass", "Parameters": [{"first.$": "$[0].sku"}, "static"], "End": True},
    )
    model = parse_state_machine(definition)
    _, result = asyncio.run(
        run_local(model, {"items": [{"sku": "a", "count": 0}, {"sku": "b", "count": 2}]})
    )
    assert result.output == [{"first": "b"}, "static"]


# --- files, as a user has them ------------------------------------------------------------------

REMINDER = """{
  "StartAt": "Wait",
  "States": {
    "Wait": {"Type": "Wait", "Seconds": ${ReminderTimeout}, "Next": "Notify"},
    "Notify": {
      "Type": "Task",
      "Resource": "arn:${AWS::Partition}:states:::sns:publish",
      "Parameters": {"TopicArn": "${TopicArn}", "Message.$": "$.message"},
      "End": true
    }
  }
}
"""


def test_a_bare_definition_file_with_an_unquoted_placeholder_is_valid_with_one_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "reminder.asl.json"
    path.write_text(REMINDER)
    assert main(["validate", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{path}:1:1: note: Template placeholders are left in the definition "
        "(${ReminderTimeout}, ${AWS::Partition}, ${TopicArn}): each is taken as a valid value "
        "of the field it stands in, as the template's DefinitionSubstitutions fill it when it "
        "is deployed"
    ]


def test_a_template_turns_an_unquoted_placeholder_into_the_number_it_substitutes(
    tmp_path: Path,
) -> None:
    (tmp_path / "reminder.asl.json").write_text(REMINDER)
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Reminder:\n"
        "    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n"
        "      DefinitionUri: reminder.asl.json\n"
        "      DefinitionSubstitutions:\n"
        "        ReminderTimeout: 300\n"
        "        TopicArn: arn:aws:sns:us-east-1:123456789012:reminders\n"
    )
    loaded = load_definition(tmp_path / "template.yaml")
    assert loaded.definition["States"]["Wait"]["Seconds"] == 300
    assert loaded.definition["States"]["Notify"]["Parameters"]["TopicArn"] == (
        "arn:aws:sns:us-east-1:123456789012:reminders"
    )
    # the positions still point at the file's lines: the quoting kept every column
    assert loaded.position("/States/Notify") == (5, 5)
    assert errors(loaded.definition) == []


def test_a_cdk_join_with_the_partition_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = {
        "Fn::Join": ["", [
            '{"StartAt":"Invoke","States":{"Invoke":{"Type":"Task","Resource":"arn:',
            {"Ref": "AWS::Partition"},
            ':states:::lambda:invoke","Parameters":{"FunctionName":"',
            {"Fn::GetAtt": ["ChargeFn", "Arn"]},
            '","Payload.$":"$"},"End":true}}}',
        ]]
    }
    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionString": definition},
            }
        }
    }
    path = tmp_path / "Stack.template.json"
    path.write_text(json.dumps(template))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "error" not in out
    assert "${AWS::Partition}, ${ChargeFn.Arn}" in out


def test_warnings_and_notes_do_not_change_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.asl.json"
    path.write_text(
        json.dumps(
            machine(Call={"Type": "Task", "Resource": "arn:${AWS::Partition}:lambda:::function:f",
                          "Retry": [{"ErrorEquals": ["States.Custom"]}], "End": True})
        )
    )
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert ": warning: Call: 'States.Custom' is not one of Step Functions' own error names" in out
    assert ": note: Template placeholders" in out
