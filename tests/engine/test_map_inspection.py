"""A Map state's inspection data, with the names of the TestState API's InspectionData
(docs.aws.amazon.com/step-functions/latest/apireference/API_InspectionData.html):
afterItemsPath ("the effective input after the ItemsPath filter is applied"; not for JSONata),
afterItemSelector ("an array containing the inputs for each Map iteration"), afterItemBatcher
("the effective input after the ItemBatcher filter is applied"), maxConcurrency,
toleratedFailureCount and toleratedFailurePercentage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.inspection import Inspection
from sfntui.engine.interpreter import LocalExecution


async def inspect_map(definition: dict, execution_input: Any) -> Inspection:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 3, 1, tzinfo=UTC)),
    )
    result = await execution.run()
    assert result.status == "SUCCEEDED", result
    return next(i for i in execution.inspections if i.state == "Each")


def map_state(mode: str, **fields: Any) -> dict:
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                **fields,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
                    "StartAt": "Done",
                    "States": {"Done": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }


async def test_an_inline_map_records_its_items_and_iteration_inputs() -> None:
    definition = map_state(
        "INLINE",
        InputPath="$.order",
        ItemsPath="$.lines",
        ItemSelector={"sku.$": "$$.Map.Item.Value.sku", "at.$": "$$.Map.Item.Index"},
        MaxConcurrency=2,
    )
    order = {"lines": [{"sku": "a"}, {"sku": "b"}]}
    inspection = await inspect_map(definition, {"order": order})

    assert inspection.data["afterInputPath"] == order
    assert inspection.data["afterItemsPath"] == [{"sku": "a"}, {"sku": "b"}]
    assert inspection.data["afterItemSelector"] == [{"sku": "a", "at": 0}, {"sku": "b", "at": 1}]
    assert inspection.data["maxConcurrency"] == 2
    assert [name for name, _ in inspection.steps()] == [
        "input",
        "afterInputPath",
        "afterItemsPath",
        "afterItemSelector",
        "result",
        "afterResultPath",
        "output",
    ]


async def test_a_distributed_map_records_its_batches_and_failure_thresholds() -> None:
    definition = map_state(
        "DISTRIBUTED",
        ItemsPath="$.items",
        ItemBatcher={"MaxItemsPerBatch": 2},
        ToleratedFailureCount=1,
        ToleratedFailurePercentage=25,
    )
    inspection = await inspect_map(definition, {"items": [1, 2, 3]})

    assert inspection.data["afterItemsPath"] == [1, 2, 3]
    assert inspection.data["afterItemSelector"] == [1, 2, 3]
    assert inspection.data["afterItemBatcher"] == [{"Items": [1, 2]}, {"Items": [3]}]
    assert inspection.data["toleratedFailureCount"] == 1
    assert inspection.data["toleratedFailurePercentage"] == 25
    assert [name for name, _ in inspection.steps()][:6] == [
        "input",
        "afterInputPath",
        "afterItemsPath",
        "afterItemSelector",
        "afterItemBatcher",
        "result",
    ]
