"""`sfntui test` on the mock files people have: Step Functions Local's MockConfigFile.json.

The layout is the one AWS's developer guide describes for Step Functions Local ("Using mocked
service integrations"): `StateMachines -> <machine> -> TestCases -> <case> -> <state> ->
<response>`, and `MockedResponses -> <response> -> "0" | "1-2" -> Return | Throw`. The
machine here is our own, in the guide's shape: a Lambda call retried on a transient error, then
a message sent to a queue; a happy path, a retry path, and a hybrid path where the case mocks
only one of the two Tasks and something else (a local handler, or AWS) answers the other.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sfntui.cli import main

NOTIFIER = {
    "Comment": "Checks stock with a Lambda function, then queues the shipment",
    "StartAt": "CheckStock",
    "States": {
        "CheckStock": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "check-stock", "Payload.$": "$"},
            "ResultSelector": {"inStock.$": "$.Payload.inStock"},
            "ResultPath": "$.stock",
            "Retry": [
                {
                    "ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"],
                    "IntervalSeconds": 2,
                    "MaxAttempts": 3,
                    "BackoffRate": 2,
                }
            ],
            "Next": "InStock?",
        },
        "InStock?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.stock.inStock", "BooleanEquals": True,
                         "Next": "QueueShipment"}],
            "Default": "Backorder",
        },
        "QueueShipment": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/ship",
                           "MessageBody.$": "$"},
            "ResultSelector": {"queued.$": "$.MessageId"},
            "End": True,
        },
        "Backorder": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:backorders",
                           "Message.$": "$"},
            "End": True,
        },
    },
}

MOCK_FILE = {
    "StateMachines": {
        "ShipmentNotifier": {
            "TestCases": {
                "HappyPath": {
                    "CheckStock": "StockAvailable",
                    "QueueShipment": "MessageQueued",
                },
                "RetryPath": {
                    "CheckStock": "ThrottledThenAvailable",
                    "QueueShipment": "MessageQueued",
                },
                "HybridPath": {
                    "QueueShipment": "MessageQueued",
                },
            }
        }
    },
    "MockedResponses": {
        "StockAvailable": {
            "0": {"Return": {"StatusCode": 200, "Payload": {"inStock": True}}}
        },
        "ThrottledThenAvailable": {
            "0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "try again"}},
            "1-2": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"inStock": True}}},
        },
        "MessageQueued": {
            "0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "7f3c-11ee"}}
        },
    },
}

HANDLERS = '''
def check_stock(event, context):
    return {"inStock": event.get("sku") != "lamp"}


HANDLERS = {"check-stock": check_stock}
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as a user has it: the mock file, and the definition under its own file name."""
    (tmp_path / "MockConfigFile.json").write_text(json.dumps(MOCK_FILE, indent=2))
    (tmp_path / "statemachine").mkdir()
    (tmp_path / "statemachine" / "notifier.asl.json").write_text(json.dumps(NOTIFIER, indent=2))
    (tmp_path / "stock_handlers.py").write_text(HANDLERS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def run(*argv: str) -> int:
    return main(["test", *argv])


def test_every_case_of_the_aws_layout_passes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("MockConfigFile.json", "statemachine/notifier.asl.json",
               "--handlers", "stock_handlers")
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    assert [line.split(" (")[0] for line in out[:-1]] == [
        "PASS ShipmentNotifier.HappyPath",
        "PASS ShipmentNotifier.RetryPath",
        "PASS ShipmentNotifier.HybridPath",
    ]
    assert out[-1] == "3 passed, 0 failed"


def test_the_outcomes_are_the_ones_the_mocks_and_handler_give(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "MockConfigFile.expectations.json").write_text(json.dumps({
        "StateMachines": {"ShipmentNotifier": {"TestCases": {
            "HappyPath": {"input": {"sku": "desk"},
                          "output": {"queued": "7f3c-11ee"},
                          "entered": ["CheckStock", "QueueShipment"]},
            "RetryPath": {"input_file": "inputs/desk.json",
                          "output": {"queued": "7f3c-11ee"}},
            "HybridPath": {"input": {"sku": "desk"}, "not_entered": ["Backorder"]},
        }}}
    }))
    (project / "inputs").mkdir()
    (project / "inputs" / "desk.json").write_text('{"sku": "desk"}')
    code = run("MockConfigFile.json", "statemachine/notifier.asl.json",
               "--handlers", "stock_handlers")
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.endswith("3 passed, 0 failed\n")


def test_a_task_the_case_does_not_reach_needs_no_mock(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Backorder (sns:publish) is mocked by no case and answered by nothing: no case reaches it
    code = run("MockConfigFile.json", "statemachine/notifier.asl.json",
               "--handlers", "stock_handlers")
    assert code == 0
    assert "Backorder" not in capsys.readouterr().out


def test_a_reached_task_with_no_mock_fails_that_case_naming_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("MockConfigFile.json", "statemachine/notifier.asl.json")
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("PASS ShipmentNotifier.HappyPath")
    assert out[1].startswith("PASS ShipmentNotifier.RetryPath")
    assert out[2].startswith("FAIL ShipmentNotifier.HybridPath")
    assert out[2].endswith(
        ": the run reached the Task state(s) 'CheckStock', which the test case does not mock "
        "(and no --handlers or --aws answers)"
    )
    assert out[3] == "     states entered: CheckStock"
    assert out[-1] == "2 passed, 1 failed"


def test_a_failing_case_prints_the_states_it_entered(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "MockConfigFile.expectations.yaml").write_text(textwrap.dedent("""
        StateMachines:
          ShipmentNotifier:
            TestCases:
              HybridPath:
                input: {"sku": "lamp"}
                entered: [QueueShipment]
    """))
    mocks = json.loads((project / "MockConfigFile.json").read_text())
    mocks["StateMachines"]["ShipmentNotifier"]["TestCases"]["HybridPath"]["Backorder"] = (
        "MessageQueued"
    )
    (project / "MockConfigFile.json").write_text(json.dumps(mocks))
    code = run("MockConfigFile.json", "statemachine/notifier.asl.json",
               "--handlers", "stock_handlers")
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    failing = out.index(next(line for line in out if line.startswith("FAIL")))
    assert out[failing].endswith(": state 'QueueShipment' was never entered")
    assert out[failing + 1] == "     states entered: CheckStock -> InStock? -> Backorder"


def test_the_mock_files_machine_is_found_in_a_template_by_its_deployed_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "template.yaml").write_text(textwrap.dedent("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Orders:
            Type: AWS::Serverless::StateMachine
            Properties:
              DefinitionUri: statemachine/orders.asl.json
          NotifierMachine:
            Type: AWS::Serverless::StateMachine
            Properties:
              Name: ShipmentNotifier
              DefinitionUri: statemachine/notifier.asl.json
    """))
    (project / "statemachine" / "orders.asl.json").write_text(
        json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    )
    code = run("MockConfigFile.json", "template.yaml", "--handlers", "stock_handlers")
    assert code == 0, capsys.readouterr()
    assert capsys.readouterr().out.endswith("3 passed, 0 failed\n")


def test_a_definition_that_names_no_machine_of_a_larger_mock_file_is_refused_in_one_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mocks: dict[str, Any] = json.loads((project / "MockConfigFile.json").read_text())
    mocks["StateMachines"]["Other"] = {"TestCases": {}}
    (project / "MockConfigFile.json").write_text(json.dumps(mocks))
    code = run("MockConfigFile.json", "statemachine/notifier.asl.json")
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "sfntui: no definition for the mock file's state machine 'ShipmentNotifier' (the "
        "definitions given are 'notifier'): pass its file, or put ShipmentNotifier.asl.json "
        "beside the mock file\n"
    )
