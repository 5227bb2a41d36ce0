"""The local engine's history has exactly the shape GetExecutionHistory returns.

Field names and types are checked against the Step Functions API model that ships with
botocore, so a misspelt details key or a number written as text fails here.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import botocore
import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.handlers import PythonHandlers
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskInvocation

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:greet"


@cache
def _shapes() -> dict[str, Any]:
    folder = Path(botocore.__file__).parent / "data" / "stepfunctions" / "2016-11-23"
    with gzip.open(folder / "service-2.json.gz") as file:
        return json.load(file)["shapes"]


def _check_value(value: Any, shape_name: str, where: str) -> None:
    shape = _shapes()[shape_name]
    kind = shape["type"]
    if kind == "structure":
        assert isinstance(value, dict), f"{where} is not an object"
        members = shape["members"]
        unknown = set(value) - set(members)
        assert not unknown, f"{where} has fields AWS does not: {sorted(unknown)}"
        missing = set(shape.get("required", [])) - set(value)
        assert not missing, f"{where} lacks required fields: {sorted(missing)}"
        for name, item in value.items():
            _check_value(item, members[name]["shape"], f"{where}.{name}")
    elif kind == "map":
        assert isinstance(value, dict), f"{where} is not a map"
        for key, item in value.items():
            _check_value(item, shape["value"]["shape"], f"{where}[{key}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where} is {value!r}, not a string"
    elif kind in ("long", "integer"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: {value!r}"
    elif kind == "timestamp":
        assert isinstance(value, datetime) and value.tzinfo is not None, f"{where}: {value!r}"


def _details_key(event_type: str) -> str | None:
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    key = event_type[0].lower() + event_type[1:] + "EventDetails"
    return key if key in _shapes()["HistoryEvent"]["members"] else None


def assert_aws_shaped(events: list[dict[str, Any]]) -> None:
    """Every event passes the API model, and its details sit under the key for its type."""
    event_types = set(_shapes()["HistoryEventType"]["enum"])
    for event in events:
        assert event["type"] in event_types
        _check_value(event, "HistoryEvent", f"event {event['id']} ({event['type']})")
        details = [k for k in event if k.endswith("EventDetails")]
        assert len(details) <= 1
        if details:
            assert details[0] == _details_key(event["type"]), event


class Greeter:
    def handles(self, state: str, resource: Resource) -> bool:
        return True

    async def invoke(self, invocation: TaskInvocation) -> Any:
        return {"greeting": "hello", "asked": invocation.parameters}


async def run(
    definition: dict, execution_input: Any = None, resolvers: list | None = None
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 1, 1, tzinfo=UTC)),
        resolvers=ResolverChain(resolvers or []),
    )
    return execution, await execution.run()


def by_id(execution: LocalExecution) -> dict[int, dict[str, Any]]:
    return {e["id"]: e for e in execution.history.events}


PIPELINE = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"who.$": "$.who", "n": 2}, "Next": "Greet"},
        "Greet": {"Type": "Task", "Resource": LAMBDA_ARN, "Next": "Store"},
        "Store": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "greetings", "Item": {"text.$": "$.greeting"}},
            "ResultPath": "$.stored",
            "Next": "Pick",
        },
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.greeting", "StringEquals": "hello", "Next": "Done"}],
            "Default": "Refuse",
        },
        "Refuse": {"Type": "Fail", "Error": "Rude", "Cause": "no greeting"},
        "Done": {"Type": "Succeed"},
    },
}


async def test_a_sequential_run_numbers_events_1_to_n_each_linked_to_the_one_before() -> None:
    handlers = PythonHandlers({"greet": lambda event, context: {"greeting": "hello"}})
    execution, result = await run(PIPELINE, {"who": "Ada"}, [handlers, Greeter()])
    events = execution.history.events

    assert result.status == "SUCCEEDED"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert [e["previousEventId"] for e in events] == list(range(0, len(events)))
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionSucceeded",
        "TaskStateExited",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ChoiceStateEntered",
        "ChoiceStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
    assert_aws_shaped(events)


async def test_state_entered_details_carry_the_name_and_the_input_as_compact_json() -> None:
    handlers = PythonHandlers({"greet": lambda event, context: {"greeting": "hello"}})
    execution, _ = await run(PIPELINE, {"who": "Zoë", "tags": [1, 2]}, [handlers, Greeter()])
    events = execution.history.events

    started = events[0]["executionStartedEventDetails"]
    assert started["input"] == '{"who":"Zoë","tags":[1,2]}'
    entered = events[1]["stateEnteredEventDetails"]
    assert entered["name"] == "Prepare"
    assert entered["input"] == '{"who":"Zoë","tags":[1,2]}'
    exited = events[2]["stateExitedEventDetails"]
    assert exited["name"] == "Prepare"
    assert exited["output"] == '{"who":"Zoë","n":2}'
    assert events[-1]["executionSucceededEventDetails"]["output"] == (
        '{"greeting":"hello","stored":{"greeting":"hello",'
        '"asked":{"TableName":"greetings","Item":{"text":"hello"}}}}'
    )


async def test_lambda_function_scheduled_names_the_function_and_its_input() -> None:
    handlers = PythonHandlers({"greet": lambda event, context: {"greeting": "hello"}})
    execution, _ = await run(PIPELINE, {"who": "Ada"}, [handlers, Greeter()])
    scheduled = next(e for e in execution.history.events if e["type"] == "LambdaFunctionScheduled")

    details = scheduled["lambdaFunctionScheduledEventDetails"]
    assert details["resource"] == LAMBDA_ARN
    assert details["input"] == '{"who":"Ada","n":2}'
    succeeded = next(e for e in execution.history.events if e["type"] == "LambdaFunctionSucceeded")
    assert succeeded["lambdaFunctionSucceededEventDetails"]["output"] == '{"greeting":"hello"}'


@pytest.mark.parametrize(
    ("resource", "resource_type", "resource_name"),
    [
        ("arn:aws:states:::dynamodb:putItem", "dynamodb", "putItem"),
        ("arn:aws:states:::lambda:invoke", "lambda", "invoke"),
        ("arn:aws:states:::aws-sdk:s3:getObject", "aws-sdk:s3", "getObject"),
        ("arn:aws:states:::ecs:runTask.sync", "ecs", "runTask.sync"),
    ],
)
async def test_task_scheduled_details_name_the_service_action_region_and_parameters(
    resource: str, resource_type: str, resource_name: str
) -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {"Key.$": "$.key", "Static": [1, True, None]},
                "End": True,
            }
        },
    }
    execution, result = await run(definition, {"key": "k-1"}, [Greeter()])
    scheduled = next(e for e in execution.history.events if e["type"] == "TaskScheduled")

    assert result.status == "SUCCEEDED"
    assert scheduled["taskScheduledEventDetails"] == {
        "resourceType": resource_type,
        "resource": resource_name,
        "region": "us-east-1",
        "parameters": '{"Key":"k-1","Static":[1,true,null]}',
    }
    assert_aws_shaped(execution.history.events)


async def test_a_fail_state_writes_execution_failed_with_its_error_and_cause() -> None:
    definition = {
        "StartAt": "Check",
        "States": {"Check": {"Type": "Fail", "Error": "Order.Invalid", "Cause": "no items"}},
    }
    execution, result = await run(definition, {})
    events = execution.history.events

    assert (result.status, result.error, result.cause) == ("FAILED", "Order.Invalid", "no items")
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "FailStateEntered",
        "ExecutionFailed",
    ]
    assert events[-1]["executionFailedEventDetails"] == {
        "error": "Order.Invalid",
        "cause": "no items",
    }
    assert events[-1]["previousEventId"] == 2
    assert_aws_shaped(events)


async def test_parallel_branches_each_chain_back_to_parallel_state_started() -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {
                        "StartAt": "A1",
                        "States": {
                            "A1": {"Type": "Pass", "Next": "A2"},
                            "A2": {"Type": "Pass", "End": True},
                        },
                    },
                    {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
                    {
                        "StartAt": "C1",
                        "States": {"C1": {"Type": "Wait", "Seconds": 1, "End": True}},
                    },
                ],
            }
        },
    }
    execution, result = await run(definition, {"x": 1})
    events = by_id(execution)
    started = next(e for e in events.values() if e["type"] == "ParallelStateStarted")

    assert result.output == [{"x": 1}, {"x": 1}, {"x": 1}]
    assert started["previousEventId"] == 2  # ParallelStateEntered
    firsts = {
        e["stateEnteredEventDetails"]["name"]: e["previousEventId"]
        for e in events.values()
        if e["type"].endswith("StateEntered") and e["stateEnteredEventDetails"]["name"] != "Fan"
    }
    assert firsts["A1"] == firsts["B1"] == firsts["C1"] == started["id"]
    a2 = next(
        e for e in events.values() if e.get("stateEnteredEventDetails", {}).get("name") == "A2"
    )
    assert events[a2["previousEventId"]]["type"] == "PassStateExited"
    assert events[a2["previousEventId"]]["stateExitedEventDetails"]["name"] == "A1"
    assert [e["id"] for e in events.values()] == list(range(1, len(events) + 1))
    assert_aws_shaped(list(events.values()))


async def test_map_iterations_chain_to_map_state_started_and_their_own_start() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Double",
                    "States": {
                        "Double": {
                            "Type": "Pass",
                            "Parameters": {"v.$": "States.MathAdd($.v, $.v)"},
                            "Next": "Keep",
                        },
                        "Keep": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
            }
        },
    }
    execution, result = await run(definition, {"items": [{"v": 1}, {"v": 2}, {"v": 3}]})
    events = by_id(execution)
    map_started = next(e for e in events.values() if e["type"] == "MapStateStarted")
    iterations = [e for e in events.values() if e["type"] == "MapIterationStarted"]

    assert result.output == [{"v": 2}, {"v": 4}, {"v": 6}]
    assert map_started["mapStateStartedEventDetails"] == {"length": 3}
    assert [e["mapIterationStartedEventDetails"] for e in iterations] == [
        {"name": "Each", "index": 0},
        {"name": "Each", "index": 1},
        {"name": "Each", "index": 2},
    ]
    assert all(e["previousEventId"] == map_started["id"] for e in iterations)
    iteration_ids = {e["id"] for e in iterations}
    doubles = [
        e for e in events.values() if e.get("stateEnteredEventDetails", {}).get("name") == "Double"
    ]
    assert len(doubles) == 3
    assert {e["previousEventId"] for e in doubles} == iteration_ids
    for done in (e for e in events.values() if e["type"] == "MapIterationSucceeded"):
        before = events[done["previousEventId"]]
        assert before["type"] == "PassStateExited"
        assert before["stateExitedEventDetails"]["name"] == "Keep"
    assert_aws_shaped(list(events.values()))


async def test_a_caught_task_failure_keeps_error_and_cause_in_task_failed() -> None:
    class Refuser:
        def handles(self, state: str, resource: Resource) -> bool:
            return True

        async def invoke(self, invocation: TaskInvocation) -> Any:
            from sfntui.engine.tasks import TaskFailure

            raise TaskFailure("Payment.Declined", "card expired")

    definition = {
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "charge"},
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Sorry"}
                ],
                "End": True,
            },
            "Sorry": {"Type": "Pass", "End": True},
        },
    }
    execution, result = await run(definition, {"id": 7}, [Refuser()])
    failed = next(e for e in execution.history.events if e["type"] == "TaskFailed")

    assert failed["taskFailedEventDetails"] == {
        "resourceType": "lambda",
        "resource": "invoke",
        "error": "Payment.Declined",
        "cause": "card expired",
    }
    assert result.output == {
        "id": 7,
        "error": {"Error": "Payment.Declined", "Cause": "card expired"},
    }
    assert_aws_shaped(execution.history.events)
