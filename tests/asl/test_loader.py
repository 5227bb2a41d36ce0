"""Loading definitions from ASL files, CloudFormation/SAM templates and cdk.out directories."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from sfntui.asl.loader import (
    DefinitionLoadError,
    LoadedDefinition,
    load_definition,
    load_definitions,
    parse_definition_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "loader"

HELLO_STATES = ["Hello", "Wait", "Branchy"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path | str, state_machine: str | None = None) -> str:
    with pytest.raises(DefinitionLoadError) as caught:
        load_definition(path, state_machine)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- one test per kind of source -------------------------------------------------------------


def test_asl_json_file() -> None:
    loaded = load_definition(FIXTURES / "hello.asl.json")

    assert isinstance(loaded, LoadedDefinition)
    assert loaded.name == "hello"
    assert loaded.file == str(FIXTURES / "hello.asl.json")
    assert loaded.definition["StartAt"] == "Hello"
    assert list(loaded.definition["States"]) == HELLO_STATES
    assert loaded.definition["States"]["Wait"] == {"Type": "Wait", "Seconds": 5, "End": True}


def test_asl_yaml_file_reads_as_the_same_definition() -> None:
    from_yaml = load_definition(FIXTURES / "hello.asl.yaml")
    from_json = load_definition(FIXTURES / "hello.asl.json")

    assert from_yaml.name == "hello"
    assert from_yaml.definition == from_json.definition


def test_cloudformation_json_with_definition_object() -> None:
    loaded = load_definition(FIXTURES / "cfn_definition.json")

    assert loaded.name == "OrderMachine"
    assert loaded.file == str(FIXTURES / "cfn_definition.json")
    work = loaded.definition["States"]["Work"]
    assert work["Resource"] == "${Worker.Arn}"
    assert work["Parameters"] == {"Queue": "${Queue}"}
    assert loaded.position("/States/Work/Resource") == (17, 15)
    assert loaded.position("/States/Work/Parameters/Queue") == (18, 30)


def test_cloudformation_yaml_with_sub_definition_string_and_substitutions() -> None:
    loaded = load_definition(FIXTURES / "cfn_sub.yaml")

    assert loaded.name == "Notifier"
    states = loaded.definition["States"]
    assert states["Pause"]["Seconds"] == 30
    notify = states["Notify"]
    assert notify["Resource"] == "arn:${AWS::Partition}:states:::sns:publish"
    assert notify["Parameters"] == {"TopicArn": "${Topic}", "Message": "hello world from ${Stage}"}
    # The `!Sub |` block's lines map onto the template's lines.
    assert loaded.position("") == (15, 11)
    assert loaded.position("/States/Notify/Resource") == (21, 17)
    assert loaded.position("/States/Pause/Seconds") == (18, 41)


def test_cdk_out_directory_with_fn_join_definition_string() -> None:
    loaded = load_definitions(FIXTURES / "cdk.out")

    # NetworkStack has no machine and the asset folder is not a template: one machine.
    assert [item.name for item in loaded] == ["PipelineMachine5A1B2C3D"]
    machine = loaded[0]
    assert machine.file == str(FIXTURES / "cdk.out" / "PipelineStack.template.json")
    build = machine.definition["States"]["Build"]
    assert build["Resource"] == "arn:${AWS::Partition}:states:::lambda:invoke"
    assert build["Parameters"] == {"FunctionName": "${BuildFunction1234.Arn}", "Payload.$": "$"}
    # A joined string has no lines of its own: everything sits at the DefinitionString key.
    assert machine.position("/States/Build/Parameters/FunctionName") == (7, 5)


def test_sam_project_directory_reads_its_template(tmp_path: Path) -> None:
    write(tmp_path, "template.yaml", (FIXTURES / "sam_template.yaml").read_text())
    write(
        tmp_path,
        "statemachine/order.asl.json",
        (FIXTURES / "statemachine/order.asl.json").read_text(),
    )

    loaded = load_definitions(tmp_path)

    assert [item.name for item in loaded] == ["CheckoutMachine", "OrderMachine"]
    assert loaded[1].definition["States"]["Save"]["Parameters"]["TableName"] == "${OrdersTable}"


def test_cdk_template_file_on_its_own() -> None:
    loaded = load_definition(FIXTURES / "cdk.out" / "PipelineStack.template.json")

    assert loaded.name == "PipelineMachine5A1B2C3D"
    assert list(loaded.definition["States"]) == ["Build", "Done"]


def test_sam_definition_with_substitutions_and_find_in_map() -> None:
    loaded = load_definition(FIXTURES / "sam_template.yaml", state_machine="CheckoutMachine")

    definition = loaded.definition
    assert definition["TimeoutSeconds"] == 120
    assert definition["States"]["Charge"]["Resource"] == "${ChargeFunction.Arn}"
    assert definition["States"]["Ship"]["Parameters"] == {"FunctionName": "${ShipFunction.Arn}"}
    assert loaded.position("/States/Ship/Parameters/FunctionName") == (23, 15)


def test_sam_definition_uri_is_read_relative_to_the_template() -> None:
    loaded = load_definition(FIXTURES / "sam_template.yaml", state_machine="OrderMachine")

    assert loaded.name == "OrderMachine"
    assert Path(loaded.file or "") == FIXTURES / "statemachine" / "order.asl.json"
    parameters = loaded.definition["States"]["Save"]["Parameters"]
    assert parameters == {"TableName": "${OrdersTable}", "Item.$": "$.item"}
    # Positions are those of the definition file, where the finding is.
    assert loaded.position("/States/Save/Parameters/TableName") == (7, 22)


# --- several machines ------------------------------------------------------------------------


def test_load_definitions_lists_every_machine_of_a_template() -> None:
    loaded = load_definitions(FIXTURES / "sam_template.yaml")

    assert [item.name for item in loaded] == ["CheckoutMachine", "OrderMachine"]


def test_several_machines_and_no_choice_lists_the_logical_ids() -> None:
    message = load_error(FIXTURES / "sam_template.yaml")

    assert message == (
        f"{FIXTURES / 'sam_template.yaml'}: there are 2 state machines "
        "(CheckoutMachine, OrderMachine); choose one with --state-machine LOGICAL_ID"
    )


def test_unknown_logical_id_lists_the_ones_there_are() -> None:
    message = load_error(FIXTURES / "sam_template.yaml", "PaymentMachine")

    assert message == (
        f"{FIXTURES / 'sam_template.yaml'}: there is no state machine 'PaymentMachine'; "
        "the state machines are: CheckoutMachine, OrderMachine"
    )


def test_same_logical_id_in_two_cdk_stacks_is_named_by_stack(tmp_path: Path) -> None:
    for stack, seconds in (("Dev", 1), ("Prod", 60)):
        template = {
            "Resources": {
                "Machine": {
                    "Type": "AWS::StepFunctions::StateMachine",
                    "Properties": {
                        "DefinitionString": json.dumps(
                            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds}}}
                        )
                    },
                }
            }
        }
        write(tmp_path / "cdk.out", f"{stack}.template.json", json.dumps(template))

    names = [item.name for item in load_definitions(tmp_path / "cdk.out")]
    prod = load_definition(tmp_path / "cdk.out", "Prod/Machine")

    assert names == ["Dev/Machine", "Prod/Machine"]
    assert prod.definition["States"]["W"]["Seconds"] == 60
    assert "'Machine' names several state machines: Dev/Machine, Prod/Machine" in load_error(
        tmp_path / "cdk.out", "Machine"
    )


# --- positions -------------------------------------------------------------------------------


def test_json_positions_of_keys_and_array_items() -> None:
    loaded = load_definition(FIXTURES / "hello.asl.json")

    assert loaded.position("") == (1, 1)
    assert loaded.position("/States/Hello/Next") == (8, 7)
    assert loaded.position("/States/Wait/Seconds") == (12, 7)
    assert loaded.position("/States/Branchy/Branches/1") == (19, 9)
    assert loaded.position("/States/Branchy/Branches/1/States/B/Type") == (19, 43)


def test_yaml_positions_of_keys_and_array_items() -> None:
    loaded = load_definition(FIXTURES / "hello.asl.yaml")

    assert loaded.position("/States/Hello/Next") == (9, 5)
    assert loaded.position("/States/Wait/Seconds") == (12, 5)
    assert loaded.position("/States/Branchy/Branches/0") == (17, 9)
    assert loaded.position("/States/Branchy/Branches/1/States/B/Type") == (22, 22)


def test_position_falls_back_to_the_nearest_ancestor() -> None:
    loaded = load_definition(FIXTURES / "hello.asl.json")

    assert loaded.position("/States/Hello/Result/greeting/missing/deeper") == (7, 18)
    assert loaded.position("/NoSuchField") == (1, 1)


def test_pointer_tokens_are_escaped_and_duplicate_keys_keep_the_last() -> None:
    text = '{\n  "a/b": {"~x": 1},\n  "k": 1,\n  "k": 2\n}'
    loaded = parse_definition_text(text, "dup.json")

    assert loaded.definition == {"a/b": {"~x": 1}, "k": 2}
    assert loaded.position("/a~1b/~0x") == (2, 11)
    assert loaded.position("/k") == (4, 3)


def test_escaped_keys_and_multibyte_text_count_characters() -> None:
    loaded = parse_definition_text('{"h\\u00e9": ["é", "x"]}', "keys.json")

    assert loaded.definition == {"hé": ["é", "x"]}
    assert loaded.position("/hé/1") == (1, 19)


# --- YAML details ----------------------------------------------------------------------------


def test_yaml_short_tags_are_read_in_their_long_form() -> None:
    text = """
Ref: !Ref Topic
GetAtt: !GetAtt Fn.Arn
Sub: !Sub "${AWS::Region}"
Join: !Join [",", [a, b]]
If: !If [IsProd, a, b]
Select: !Select [0, [a]]
Split: !Split [",", "a,b"]
FindInMap: !FindInMap [M, K, V]
ImportValue: !ImportValue Shared
Base64: !Base64 hi
Cidr: !Cidr [10.0.0.0/16, 2, 8]
GetAZs: !GetAZs ''
Equals: !Equals [a, b]
And: !And [!Condition A, !Condition B]
Or: !Or [!Condition A, !Condition B]
Not: !Not [!Condition A]
"""
    loaded = parse_definition_text(text, "tags.asl.yaml")

    assert loaded.definition == {
        "Ref": {"Ref": "Topic"},
        "GetAtt": {"Fn::GetAtt": ["Fn", "Arn"]},
        "Sub": {"Fn::Sub": "${AWS::Region}"},
        "Join": {"Fn::Join": [",", ["a", "b"]]},
        "If": {"Fn::If": ["IsProd", "a", "b"]},
        "Select": {"Fn::Select": [0, ["a"]]},
        "Split": {"Fn::Split": [",", "a,b"]},
        "FindInMap": {"Fn::FindInMap": ["M", "K", "V"]},
        "ImportValue": {"Fn::ImportValue": "Shared"},
        "Base64": {"Fn::Base64": "hi"},
        "Cidr": {"Fn::Cidr": ["10.0.0.0/16", 2, 8]},
        "GetAZs": {"Fn::GetAZs": ""},
        "Equals": {"Fn::Equals": ["a", "b"]},
        "And": {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]},
        "Or": {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]},
        "Not": {"Fn::Not": [{"Condition": "A"}]},
    }


def test_yaml_scalars_follow_the_core_schema() -> None:
    text = "Next: No\nOn: yes\nAt: 2024-01-01T00:00:00Z\nClock: 12:30\nN: 0x10\nF: 1.5\nZ: ~\n"
    loaded = parse_definition_text(text, "scalars.yaml")

    assert loaded.definition == {
        "Next": "No",
        "On": "yes",
        "At": "2024-01-01T00:00:00Z",
        "Clock": "12:30",
        "N": 16,
        "F": 1.5,
        "Z": None,
    }


def test_yaml_anchors_and_merge_keys() -> None:
    text = (
        "Retry: &retry\n  MaxAttempts: 2\n  IntervalSeconds: 1\n"
        "Other:\n  <<: *retry\n  MaxAttempts: 5\n"
    )
    loaded = parse_definition_text(text, "anchors.yaml")

    assert loaded.definition["Other"] == {"IntervalSeconds": 1, "MaxAttempts": 5}


# --- intrinsic functions in templates --------------------------------------------------------


def template_with_definition(definition_yaml: str, extra: str = "") -> str:
    body = "\n".join("        " + line for line in definition_yaml.strip().splitlines())
    return (
        f"{extra}Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n"
        f"    Properties:\n      Definition:\n{body}\n"
    )


def test_intrinsics_in_a_definition_become_readable_placeholders() -> None:
    definition = """
StartAt: A
States:
  A:
    Type: Pass
    Parameters:
      Import: !ImportValue SharedTopicArn
      Region: !Sub "${AWS::Region}-${Suffix}-${!Literal}"
      Pair: !Sub ["${Name}-x", {Name: !Ref Env}]
      Picked: !Select [1, [first, second]]
      Chosen: !If [IsProd, prod, dev]
      Dropped: !If [IsProd, !Ref AWS::NoValue, dev]
      Parts: !Split [",", "a,b"]
      Encoded: !Base64 hi
    End: true
"""
    loaded = parse_definition_text(template_with_definition(definition), "t.yaml")

    assert loaded.definition["States"]["A"]["Parameters"] == {
        "Import": "${ImportValue:SharedTopicArn}",
        "Region": "${AWS::Region}-${Suffix}-${Literal}",
        "Pair": "${Env}-x",
        "Picked": "second",
        "Chosen": "prod",
        "Parts": ["a", "b"],
        "Encoded": "aGk=",
    }


def test_definition_string_from_a_json_template_with_sub_list_form(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": {
                        "Fn::Sub": [
                            '{"StartAt": "T", "States": {"T": {"Type": "Task", '
                            '"Resource": "${FnArn}", "TimeoutSeconds": ${Timeout}, "End": true}}}',
                            {"FnArn": {"Fn::GetAtt": ["Fn", "Arn"]}},
                        ]
                    },
                    "DefinitionSubstitutions": {"Timeout": 45},
                },
            }
        }
    }
    path = write(tmp_path, "stack.json", json.dumps(template, indent=2))

    task = load_definition(path).definition["States"]["T"]

    assert task == {"Type": "Task", "Resource": "${Fn.Arn}", "TimeoutSeconds": 45, "End": True}


# --- errors ----------------------------------------------------------------------------------


def test_missing_file() -> None:
    missing = FIXTURES / "no-such-definition.asl.json"
    assert load_error(missing) == f"{missing}: file not found"


def test_directory_with_nothing_to_load(tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "nothing here")
    assert load_error(tmp_path) == (
        f"{tmp_path}: the directory has no *.template.json (a CDK cdk.out) and no SAM template.yaml"
    )


def test_cdk_out_without_any_state_machine(tmp_path: Path) -> None:
    write(tmp_path, "A.template.json", '{"Resources": {}}')
    assert load_error(tmp_path) == (
        f"{tmp_path}: none of the 1 templates in the directory has a state machine"
    )


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "definition.json",
        '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass" "End": true}\n  }\n}\n',
    )
    with pytest.raises(DefinitionLoadError) as caught:
        load_definition(path)

    error = caught.value
    assert str(error) == f"{path}:4:26: not valid JSON: Expecting ',' delimiter"
    assert (error.file, error.line, error.column) == (str(path), 4, 26)
    assert error.message == "not valid JSON: Expecting ',' delimiter"


def test_nan_is_not_json(tmp_path: Path) -> None:
    path = write(tmp_path, "nan.json", '{"Seconds": NaN}')
    assert load_error(path) == f"{path}:1:13: not valid JSON: NaN is not a JSON value"


def test_infinity_is_not_json(tmp_path: Path) -> None:
    path = write(tmp_path, "inf.json", '{"A": [1,\n  -Infinity]}')
    assert load_error(path) == f"{path}:2:3: not valid JSON: -Infinity is not a JSON value"


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "definition.asl.yaml", "StartAt: A\nStates:\n  A: [1, 2\n")
    message = load_error(path)

    # libyaml says "did not find expected ',' or ']'", pure-Python PyYAML words it a little apart.
    assert message.startswith(f"{path}:4:1: not valid YAML: ")
    assert "expected ',' or ']'" in message


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.asl.json", "  \n")
    assert load_error(path) == f"{path}: the file is empty"


def test_yaml_file_of_only_comments(tmp_path: Path) -> None:
    path = write(tmp_path, "comments.yaml", "# nothing yet\n")
    assert load_error(path) == f"{path}: the file holds nothing but YAML comments"


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{\n  "Comment": "caf\xe9"\n}')
    assert load_error(path) == f"{path}:2:18: not a UTF-8 text file (byte 0xe9 can't be decoded)"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.asl.json"
    path.write_bytes(b'\xef\xbb\xbf{"StartAt": "A"}')
    assert load_definition(path).definition == {"StartAt": "A"}


def test_template_with_no_state_machine(tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
    assert load_error(path) == (
        f"{path}: the template has no state machine (no AWS::StepFunctions::StateMachine "
        "or AWS::Serverless::StateMachine resource)"
    )


def test_definition_uri_not_found(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n"
        "    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: statemachine/missing.asl.json\n",
    )
    missing = tmp_path / "statemachine" / "missing.asl.json"
    assert load_error(path) == f"{path}:6:7: M: DefinitionUri file not found: {missing}"


def test_definition_uri_file_with_a_syntax_error_is_reported_in_that_file(tmp_path: Path) -> None:
    write(tmp_path, "sm/broken.asl.json", '{"StartAt": }')
    path = write(
        tmp_path,
        "template.yaml",
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: sm/broken.asl.json\n",
    )
    broken = tmp_path / "sm" / "broken.asl.json"
    assert load_error(path) == f"{broken}:1:13: not valid JSON: Expecting value"


def test_definition_in_s3(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "template.yaml",
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      DefinitionS3Location:\n        Bucket: b\n        Key: k.json\n",
    )
    assert load_error(path) == (
        f"{path}:5:7: M: the definition is in S3 (DefinitionS3Location), which can't be read "
        "locally; download it and open that file instead"
    )


def test_sam_definition_uri_in_s3(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "template.yaml",
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: s3://bucket/def.json\n",
    )
    assert "M: the definition is in S3 (DefinitionUri)" in load_error(path)


def test_machine_without_any_definition(tmp_path: Path) -> None:
    path = write(
        tmp_path, "template.yaml", "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n"
    )
    assert load_error(path) == (
        f"{path}:2:3: M has no Definition, DefinitionString or DefinitionUri"
    )


def test_definition_string_not_json_after_substitution_points_into_the_block(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "template.yaml",
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        "      DefinitionString: !Sub |\n"
        '        {"StartAt": "A",\n'
        '         "States": {"A": {"Type": "Pass", "Result": ${Missing} @, "End": true}}}\n',
    )
    # `${Missing}` alone would be read as a placeholder for a value; the stray `@` is not JSON
    assert load_error(path) == (
        f"{path}:7:53: M: DefinitionString is not valid JSON after substitution: Expecting value"
    )


def test_joined_definition_string_not_json_points_at_the_key(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": {"Fn::Join": ["", ['{"StartAt": ', {"Ref": "X"}, " @}"]]}
                },
            }
        }
    }
    path = write(tmp_path, "stack.template.json", json.dumps(template, indent=1))
    assert load_error(path) == (
        f"{path}:6:5: M: DefinitionString is not valid JSON after substitution: "
        "Expecting value (line 1, column 13 of the string)"
    )


def test_deeply_nested_input_is_refused_without_a_traceback(tmp_path: Path) -> None:
    deep_json = write(tmp_path, "deep.json", "[" * 5000 + "]" * 5000)
    deep_yaml = write(tmp_path, "deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000)

    assert load_error(deep_json) == f"{deep_json}:1:201: nested more than 200 levels deep"
    # Deeper than our limit, not as deep as Python's: the check is ours alone.
    deep_object = write(tmp_path, "deeper.json", '{"a": ' * 150 + "[" * 60 + "]" * 60 + "}" * 150)
    assert load_error(deep_object) == f"{deep_object}:1:951: nested more than 200 levels deep"
    just_deep_enough = '{"a": ' * 150 + "[" * 50 + "]" * 50 + "}" * 150
    write(tmp_path, "deep_enough.json", just_deep_enough)
    assert load_definition(tmp_path / "deep_enough.json").definition["a"]["a"]
    # Our depth check or PyYAML's own (6.0.4 has one that may answer first): either way the
    # user reads one line that points into the file and says the input is nested too deep.
    yaml_message = load_error(deep_yaml)
    assert re.fullmatch(rf"{re.escape(str(deep_yaml))}:1:\d+: .*nest.*", yaml_message)
    assert "Traceback" not in yaml_message


def test_recursive_yaml_alias(tmp_path: Path) -> None:
    path = write(tmp_path, "loop.yaml", "a: &a [1, *a]\n")
    assert load_error(path) == f"{path}:1:11: the alias *a refers to a node that contains it"


def test_unknown_yaml_tag(tmp_path: Path) -> None:
    path = write(tmp_path, "tag.yaml", "StartAt: !Shout hello\n")
    assert load_error(path) == f"{path}:1:10: unknown YAML tag !Shout"


def test_error_without_a_file_or_a_position() -> None:
    assert str(DefinitionLoadError("the text is empty")) == "the text is empty"
    assert str(DefinitionLoadError("bad", "f.json")) == "f.json: bad"
    assert str(DefinitionLoadError("bad\nreally", "f.json", 2, 3)) == "f.json:2:3: bad really"


# --- text and formats ------------------------------------------------------------------------


def test_parse_text_sniffs_the_format_when_the_name_does_not_say() -> None:
    as_yaml = parse_definition_text("StartAt: A\nStates: {}\n", "machine.definition")
    as_json = parse_definition_text('{"StartAt": "A", "States": {}}', "machine.definition")
    yaml_flow = parse_definition_text("{StartAt: A, States: {}}", None)

    assert as_yaml.definition == as_json.definition == yaml_flow.definition
    assert as_json.name == "machine"
    assert yaml_flow.name == "definition"


def test_parse_text_with_an_explicit_format() -> None:
    with pytest.raises(DefinitionLoadError) as caught:
        parse_definition_text("StartAt: A", fmt="json")

    assert str(caught.value) == "<text>:1:1: not valid JSON: Expecting value"


def test_parse_text_of_a_template_selects_a_machine() -> None:
    text = (FIXTURES / "sam_template.yaml").read_text()
    loaded = parse_definition_text(
        text, str(FIXTURES / "sam_template.yaml"), state_machine="OrderMachine"
    )

    assert loaded.definition["StartAt"] == "Save"


def test_non_object_definitions_are_kept_for_the_validator(tmp_path: Path) -> None:
    path = write(tmp_path, "list.asl.json", "[1, 2]")
    assert load_definition(path).definition == [1, 2]


def test_a_megabyte_definition_loads_quickly(tmp_path: Path) -> None:
    states = {
        f"S{index}": {
            "Type": "Pass",
            "Parameters": {"value.$": "$.x", "items": [1, 2, {"k": "v" * 40}]},
            "Next": f"S{index + 1}",
        }
        for index in range(4000)
    }
    path = write(
        tmp_path, "big.asl.json", json.dumps({"StartAt": "S0", "States": states}, indent=2)
    )
    assert path.stat().st_size > 1_000_000

    started = time.perf_counter()
    loaded = load_definition(path)
    elapsed = time.perf_counter() - started

    assert len(loaded.definition["States"]) == 4000
    assert loaded.position("/States/S3999/Parameters/items/2/k") is not None
    assert elapsed < 2.0
