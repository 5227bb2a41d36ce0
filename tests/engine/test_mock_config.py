"""Step Functions Local mock files: read, checked, and answering Task states.

The main file is the developer guide's own example ("Configuration file for mocked service
integrations": LambdaSQSIntegration with HappyPath, RetryPath and HybridPath).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.mock_config import MockConfig, MockConfigError
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError

LAMBDA_OK = {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}
SQS_OK = {
    "MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
    "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51",
}

GUIDE_MOCKS = {
    "StateMachines": {
        "LambdaSQSIntegration": {
            "TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
                "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
            }
        }
    },
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": LAMBDA_OK}},
        "LambdaMockedResourceNotReady": {
            "0": {
                "Throw": {
                    "Error": "Lambda.ResourceNotReadyException",
                    "Cause": "Lambda resource is not ready.",
                }
            }
        },
        "MockedSQSSuccess": {"0": {"Return": SQS_OK}},
        "MockedLambdaRetry": {
            "0": {
                "Throw": {
                    "Error": "Lambda.ResourceNotReadyException",
                    "Cause": "Lambda resource is not ready.",
                }
            },
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": LAMBDA_OK},
        },
    },
}

DEFINITION = {
    "StartAt": "LambdaState",
    "States": {
        "LambdaState": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "HelloFunction", "Payload.$": "$"},
            "Retry": [
                {
                    "ErrorEquals": [
                        "Lambda.ResourceNotReadyException",
                        "Lambda.TimeoutException",
                    ],
                    "IntervalSeconds": 2,
                    "BackoffRate": 2,
                    "MaxAttempts": 3,
                }
            ],
            "Next": "SQSState",
        },
        "SQSState": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {
                "QueueUrl": "https://sqs.example/queue",
                "MessageBody.$": "$.Payload.body",
            },
            "End": True,
        },
    },
}

START = datetime(2024, 5, 1, tzinfo=UTC)


def write(folder: Path, content: Any, name: str = "MockConfigFile.json") -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


async def run_case(config: MockConfig, case: str, definition: dict = DEFINITION) -> Any:
    setup = RunSetup(mock_config=config, machine_name="LambdaSQSIntegration", test_case=case)
    machine = parse_state_machine(definition)
    execution = LocalExecution(
        machine,
        {"id": 1},
        clock=VirtualClock(START),
        resolvers=setup.resolvers(machine),
        options=RunOptions(name=case),
    )
    return execution, await execution.run()


def task_outcomes(execution: Any) -> list[tuple[str, str]]:
    found = []
    for event in execution.history.events:
        if event["type"] == "TaskFailed":
            found.append(("failed", event["taskFailedEventDetails"]["error"]))
        elif event["type"] == "TaskSucceeded":
            found.append(("succeeded", event["taskSucceededEventDetails"]["resource"]))
    return found


async def test_the_happy_path_returns_each_mocked_response(tmp_path: Path) -> None:
    config = MockConfig.load(write(tmp_path, GUIDE_MOCKS))
    execution, result = await run_case(config, "HappyPath")

    assert result.status == "SUCCEEDED"
    assert result.output == SQS_OK
    lambda_exit = next(
        e
        for e in execution.history.events
        if e["type"] == "TaskStateExited" and e["stateExitedEventDetails"]["name"] == "LambdaState"
    )
    assert json.loads(lambda_exit["stateExitedEventDetails"]["output"]) == LAMBDA_OK


async def test_a_range_answers_every_invocation_it_covers_retries_included(tmp_path: Path) -> None:
    config = MockConfig.load(write(tmp_path, GUIDE_MOCKS))
    execution, result = await run_case(config, "RetryPath")

    assert result.status == "SUCCEEDED"
    assert result.output == SQS_OK
    assert task_outcomes(execution) == [
        ("failed", "Lambda.ResourceNotReadyException"),
        ("failed", "Lambda.TimeoutException"),
        ("failed", "Lambda.TimeoutException"),
        ("succeeded", "invoke"),
        ("succeeded", "sendMessage"),
    ]
    scheduled = [e["timestamp"] for e in execution.history.events if e["type"] == "TaskScheduled"]
    # back-off of 2, 4 and 8 seconds between the four Lambda invocations
    assert scheduled[:4] == [START + timedelta(seconds=s) for s in (0, 2, 6, 14)]


async def test_a_thrown_error_carries_its_error_and_cause(tmp_path: Path) -> None:
    mocks = json.loads(json.dumps(GUIDE_MOCKS))
    mocks["StateMachines"]["LambdaSQSIntegration"]["TestCases"]["NotReady"] = {
        "LambdaState": "LambdaMockedResourceNotReady",
        "SQSState": "MockedSQSSuccess",
    }
    config = MockConfig.load(write(tmp_path, mocks))
    no_retry = json.loads(json.dumps(DEFINITION))
    del no_retry["States"]["LambdaState"]["Retry"]
    execution, result = await run_case(config, "NotReady", no_retry)

    assert result.status == "FAILED"
    assert result.error == "Lambda.ResourceNotReadyException"
    assert result.cause == "Lambda resource is not ready."
    assert "SQSState" not in json.dumps(execution.history.events[-3:], default=str)


async def test_responses_are_counted_per_state_across_a_loop(tmp_path: Path) -> None:
    mocks = {
        "StateMachines": {"Poller": {"TestCases": {"ThreePolls": {"Poll": "Progress"}}}},
        "MockedResponses": {
            "Progress": {
                "0-1": {"Return": {"status": "RUNNING"}},
                "2": {"Return": {"status": "DONE"}},
            }
        },
    }
    definition = {
        "StartAt": "Poll",
        "States": {
            "Poll": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:glue:getJobRun",
                "Parameters": {"JobName": "etl"},
                "Next": "Finished?",
            },
            "Finished?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.status", "StringEquals": "DONE", "Next": "Done"}],
                "Default": "Poll",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    config = MockConfig.load(write(tmp_path, mocks))
    setup = RunSetup(mock_config=config, machine_name="Poller", test_case="ThreePolls")
    execution = prepare(parse_state_machine(definition), {}, setup)
    result = await execution.run()

    polls = [
        json.loads(e["taskSucceededEventDetails"]["output"])["status"]
        for e in execution.history.events
        if e["type"] == "TaskSucceeded"
    ]
    assert polls == ["RUNNING", "RUNNING", "DONE"]
    assert result.output == {"status": "DONE"}


async def test_a_list_of_responses_is_read_as_invocations_0_1_2(tmp_path: Path) -> None:
    mocks = {
        "StateMachines": {"M": {"TestCases": {"T": {"Call": "Seq"}}}},
        "MockedResponses": {
            "Seq": [
                {"Throw": {"Error": "Busy", "Cause": "first"}},
                {"Return": {"ok": 2}},
            ]
        },
    }
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"},
                "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1}],
                "End": True,
            }
        },
    }
    config = MockConfig.load(write(tmp_path, mocks))
    setup = RunSetup(mock_config=config, machine_name="M", test_case="T", virtual_clock=True)
    result = await prepare(parse_state_machine(definition), {}, setup).run()

    assert (result.status, result.output) == ("SUCCEEDED", {"ok": 2})


def one_sentence(message: str) -> None:
    assert "\n" not in message
    assert "Traceback" not in message
    assert 0 < len(message) < 300


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param('{"StateMachines": {', ["not valid JSON", ":1:"], id="not-json"),
        pytest.param("[1, 2]", ["JSON object"], id="not-an-object"),
        pytest.param("{}", ["StateMachines"], id="no-state-machines"),
        pytest.param(
            {"StateMachines": {"M": {}}, "MockedResponses": {}},
            ["M", "TestCases"],
            id="machine-without-test-cases",
        ),
        pytest.param(
            {"StateMachines": {"M": {"TestCases": {"T": {"S": "Nowhere"}}}}, "MockedResponses": {}},
            ["M.T", "'S'", "'Nowhere'", "MockedResponses"],
            id="undefined-response",
        ),
        pytest.param(
            {
                "StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
                "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}},
            },
            ["R", "Return", "Throw"],
            id="return-and-throw",
        ),
        pytest.param(
            {
                "StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
                "MockedResponses": {"R": {"first": {"Return": 1}}},
            },
            ["'R'", "'first'", "1-3"],
            id="key-not-a-number-or-range",
        ),
        pytest.param(
            {
                "StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
                "MockedResponses": {"R": {"0": {"Throw": "boom"}}},
            },
            ["Throw", "Error", "Cause"],
            id="throw-not-an-object",
        ),
    ],
)
def test_a_malformed_file_is_one_sentence_naming_the_file_and_the_fault(
    tmp_path: Path, content: Any, words: list[str]
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(MockConfigError) as raised:
        MockConfig.load(path)

    message = str(raised.value)
    one_sentence(message)
    assert str(path) in message
    for word in words:
        assert word in message


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(MockConfigError) as raised:
        MockConfig.load(tmp_path / "nope.json")
    one_sentence(str(raised.value))
    assert "nope.json" in str(raised.value)


def test_a_test_case_naming_a_state_the_definition_lacks_is_refused(tmp_path: Path) -> None:
    mocks = json.loads(json.dumps(GUIDE_MOCKS))
    mocks["StateMachines"]["LambdaSQSIntegration"]["TestCases"]["Typo"] = {
        "LambdaState": "MockedLambdaSuccess",
        "SQSStat": "MockedSQSSuccess",
    }
    config = MockConfig.load(write(tmp_path, mocks))
    setup = RunSetup(mock_config=config, machine_name="LambdaSQSIntegration", test_case="Typo")

    with pytest.raises(MockConfigError) as raised:
        prepare(parse_state_machine(DEFINITION), {}, setup)
    message = str(raised.value)
    one_sentence(message)
    assert "SQSStat" in message
    assert "Typo" in message


def test_an_unknown_machine_lists_the_machines_the_file_has(tmp_path: Path) -> None:
    config = MockConfig.load(write(tmp_path, GUIDE_MOCKS))
    setup = RunSetup(mock_config=config, machine_name="OrderFlow", test_case="HappyPath")

    with pytest.raises(MockConfigError) as raised:
        prepare(parse_state_machine(DEFINITION), {}, setup)
    message = str(raised.value)
    one_sentence(message)
    assert "'OrderFlow'" in message
    assert "LambdaSQSIntegration" in message


def test_an_unknown_test_case_lists_the_cases_the_machine_has(tmp_path: Path) -> None:
    config = MockConfig.load(write(tmp_path, GUIDE_MOCKS))

    with pytest.raises(MockConfigError) as raised:
        config.resolver("LambdaSQSIntegration", "SadPath")
    message = str(raised.value)
    one_sentence(message)
    assert "'SadPath'" in message
    assert "HappyPath, HybridPath, RetryPath" in message


def test_a_hybrid_case_names_the_unmocked_state_before_the_run(tmp_path: Path) -> None:
    config = MockConfig.load(write(tmp_path, GUIDE_MOCKS))
    setup = RunSetup(
        mock_config=config, machine_name="LambdaSQSIntegration", test_case="HybridPath"
    )

    with pytest.raises(NoResolverError) as raised:
        prepare(parse_state_machine(DEFINITION), {}, setup)
    assert raised.value.missing == [("SQSState", "arn:aws:states:::sqs:sendMessage")]


def test_the_file_lists_its_machines_and_cases(tmp_path: Path) -> None:
    config = MockConfig.load(write(tmp_path, GUIDE_MOCKS))
    assert config.machines() == ["LambdaSQSIntegration"]
    assert config.test_cases("LambdaSQSIntegration") == ["HappyPath", "RetryPath", "HybridPath"]
