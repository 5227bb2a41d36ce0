"""A distributed Map's failure threshold and its ItemBatcher, as AWS documents them.

Failure thresholds (docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html):
the Map Run fails when the failed items *exceed* ToleratedFailureCount, or exceed
ToleratedFailurePercentage of all items; "If you specify both values, the workflow fails when
it exceeds either value." The percentage is "the total number of failed or timed out items
divided by the total number of items": items, so a failed batch counts every item in it.

ItemBatcher (docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html):
MaxItemsPerBatch or MaxItemsPerBatchPath (a reference path), MaxInputBytesPerBatch or
MaxInputBytesPerBatchPath; in JSONata states the fields take expressions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskInvocation


async def run(definition: dict, execution_input: Any) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 3, 1, tzinfo=UTC)),
    )
    return execution, await execution.run()


def distributed(fields: dict, first_item: str = "$") -> dict:
    """A distributed Map over $.items whose child fails when its first item is negative."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                **fields,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Choice",
                            "Choices": [
                                {"Variable": first_item, "NumericLessThan": 0, "Next": "Bad"}
                            ],
                            "Default": "Good",
                        },
                        "Bad": {"Type": "Fail", "Error": "Negative", "Cause": "below zero"},
                        "Good": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
            }
        },
    }


@pytest.mark.parametrize(
    ("fields", "items", "status"),
    [
        # 2 of 10 items fail: 20%, over the 10% allowed though under the count of 5 allowed.
        (
            {"ToleratedFailureCount": 5, "ToleratedFailurePercentage": 10},
            [-1, -2, 3, 4, 5, 6, 7, 8, 9, 10],
            "FAILED",
        ),
        # 2 failures with a count of 1 allowed, though 50% are allowed.
        (
            {"ToleratedFailureCount": 1, "ToleratedFailurePercentage": 50},
            [-1, -2, 3, 4],
            "FAILED",
        ),
        # Exactly at the thresholds is not over them.
        ({"ToleratedFailureCount": 2}, [-1, -2, 3, 4], "SUCCEEDED"),
        ({"ToleratedFailurePercentage": 50}, [-1, -2, 3, 4], "SUCCEEDED"),
        (
            {"ToleratedFailureCount": 2, "ToleratedFailurePercentage": 50},
            [-1, -2, 3, 4],
            "SUCCEEDED",
        ),
        # Neither given: no failure is tolerated.
        ({}, [-1, 2, 3, 4], "FAILED"),
    ],
)
async def test_the_map_run_fails_when_failures_exceed_either_threshold(
    fields: dict, items: list, status: str
) -> None:
    _, result = await run(distributed(fields), {"items": items})

    assert result.status == status
    if status == "FAILED":
        assert result.error == "States.ExceedToleratedFailureThreshold"
        assert result.cause == "The specified tolerated failure threshold was exceeded"


async def test_a_failed_batch_counts_every_item_in_it() -> None:
    # One child of two fails, but it held 2 of the 4 items: over a tolerated count of 1.
    fields = {"ItemBatcher": {"MaxItemsPerBatch": 2}, "ToleratedFailureCount": 1}
    _, result = await run(distributed(fields, "$.Items[0]"), {"items": [-1, 2, 3, 4]})

    assert result.status == "FAILED"
    assert result.error == "States.ExceedToleratedFailureThreshold"


async def test_max_items_per_batch_path_is_read_from_the_input() -> None:
    fields = {"ItemBatcher": {"MaxItemsPerBatchPath": "$.size"}}
    execution, result = await run(
        distributed(fields, "$.Items[0]"), {"items": [1, 2, 3, 4, 5], "size": 2}
    )

    assert result.status == "SUCCEEDED"
    assert result.output == [{"Items": [1, 2]}, {"Items": [3, 4]}, {"Items": [5]}]
    assert len(execution.child_runs) == 3


async def test_max_input_bytes_per_batch_path_is_read_from_the_input() -> None:
    fields = {"ItemBatcher": {"MaxInputBytesPerBatchPath": "$.bytes"}}
    _, result = await run(
        distributed(fields, "$.Items[0]"), {"items": ["aaaa", "bbbb", "cccc"], "bytes": 16}
    )

    # ["aaaa","bbbb"] is 15 bytes of JSON; a third item would not fit in 16.
    assert result.status == "SUCCEEDED"
    assert result.output == [
        {"Items": ["aaaa", "bbbb"]},
        {"Items": ["cccc"]},
    ]


async def test_jsonata_batcher_fields_take_expressions() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemBatcher": {
                    "MaxItemsPerBatch": "{% $states.input.size %}",
                    "BatchInput": {"label": "{% 'batch of ' & $string($states.input.size) %}"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Done",
                    "States": {"Done": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    _, result = await run(definition, {"items": [1, 2, 3], "size": 2})

    assert result.status == "SUCCEEDED"
    assert result.output == [
        {"BatchInput": {"label": "batch of 2"}, "Items": [1, 2]},
        {"BatchInput": {"label": "batch of 2"}, "Items": [3]},
    ]


class Reader:
    """An ItemReader answering with ten items."""

    def handles(self, state: str, resource: Resource) -> bool:
        return resource.service == "s3"

    async def invoke(self, invocation: TaskInvocation) -> Any:
        return list(range(10))


async def test_reader_config_max_items_path_limits_the_items_read() -> None:
    # ItemReader (docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html):
    # ReaderConfig's MaxItems, or MaxItemsPath read from the state input, caps the items.
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$.limit"},
                    "Parameters": {"Bucket": "b", "Key": "k"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Done",
                    "States": {"Done": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    execution = LocalExecution(
        parse_state_machine(definition),
        {"limit": 3},
        clock=VirtualClock(datetime(2024, 3, 1, tzinfo=UTC)),
        resolvers=ResolverChain([Reader()]),
    )
    result = await execution.run()

    assert result.status == "SUCCEEDED"
    assert result.output == [0, 1, 2]
