"""`sfntui test --aws`: a hybrid test case, as Step Functions Local runs one, against moto.

The case mocks the first Task; the second, which it does not mock, makes its real call (here to
moto's server on 127.0.0.1), and the message it sends really lands in the queue.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.cli import main
from tests.aws.conftest import Moto, unique


def test_a_hybrid_case_makes_the_call_it_does_not_mock(
    moto: Moto, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = moto.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("shipments"))["QueueUrl"]
    definition = {
        "StartAt": "CheckStock",
        "States": {
            "CheckStock": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "check-stock", "Payload.$": "$"},
                "ResultSelector": {"inStock.$": "$.Payload.inStock"},
                "ResultPath": "$.stock",
                "Next": "QueueShipment",
            },
            "QueueShipment": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
                "Parameters": {"QueueUrl": queue_url, "MessageBody.$": "States.JsonToString($)"},
                "ResultSelector": {"sent.$": "$.MessageId"},
                "End": True,
            },
        },
    }
    mocks = {
        "StateMachines": {"Notifier": {"TestCases": {"HybridPath": {"CheckStock": "InStock"}}}},
        "MockedResponses": {
            "InStock": {"0": {"Return": {"StatusCode": 200, "Payload": {"inStock": True}}}}
        },
    }
    (tmp_path / "MockConfigFile.json").write_text(json.dumps(mocks))
    (tmp_path / "notifier.asl.json").write_text(json.dumps(definition))
    (tmp_path / "MockConfigFile.expectations.json").write_text(
        json.dumps(
            {"StateMachines": {"Notifier": {"TestCases": {"HybridPath": {"input": {"sku": "d"}}}}}}
        )
    )
    code = main(
        [
            "test",
            str(tmp_path / "MockConfigFile.json"),
            str(tmp_path / "notifier.asl.json"),
            "--aws",
            "--endpoint-url",
            moto.url,
            "--region",
            "us-east-1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("PASS Notifier.HybridPath")
    received = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert json.loads(received[0]["Body"]) == {"sku": "d", "stock": {"inStock": True}}
