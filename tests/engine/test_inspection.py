"""Per-state inspection data, named as the TestState API names it.

The values are worked by hand from the developer guide's examples: "InputPath, ResultPath and
OutputPath Example" (the HelloFunction Lambda with `$.lambda`, `$.data.lambdaresult`, `$.data`)
and "InputPath, Parameters and ResultSelector" (the product details and the EMR
createCluster.sync result).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.handlers import PythonHandlers
from sfntui.engine.inspection import Inspection
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskFailure, TaskInvocation

GUIDE_INPUT = {
    "comment": "An input comment.",
    "data": {"val1": 23, "val2": 17},
    "extra": "foo",
    "lambda": {"who": "AWS Step Functions"},
}

PRODUCT_INPUT = {
    "comment": "Example for Parameters.",
    "product": {
        "details": {"color": "blue", "size": "small", "material": "cotton"},
        "availability": "in stock",
        "sku": "2317",
        "cost": "$23",
    },
}

#: The EMR createCluster.sync result the guide's ResultSelector example starts from.
EMR_RESULT = {
    "resourceType": "elasticmapreduce",
    "resource": "createCluster.sync",
    "output": {
        "SdkHttpMetadata": {
            "HttpHeaders": {
                "Content-Length": "1112",
                "Content-Type": "application/x-amz-JSON-1.1",
                "Date": "Mon, 25 Nov 2019 19:41:29 GMT",
                "x-amzn-RequestId": "1234-5678-9012",
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": "1234-5678-9012"},
        "ClusterId": "AKIAIOSFODNN7EXAMPLE",
    },
}


class CreateCluster:
    """Stands in for EMR: records what it was asked, answers with the guide's result."""

    def __init__(self) -> None:
        self.asked: list[Any] = []

    def handles(self, state: str, resource: Resource) -> bool:
        return resource.service == "elasticmapreduce"

    async def invoke(self, invocation: TaskInvocation) -> Any:
        self.asked.append(invocation.parameters)
        return EMR_RESULT


async def run(
    definition: dict, execution_input: Any, resolvers: list
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 1, 1, tzinfo=UTC)),
        resolvers=ResolverChain(resolvers),
    )
    return execution, await execution.run()


def inspection_of(execution: LocalExecution, state: str) -> Inspection:
    found = [i for i in execution.inspections if i.state == state]
    assert len(found) == 1
    return found[0]


async def test_the_guides_input_result_output_path_example_step_by_step() -> None:
    definition = {
        "StartAt": "HelloWorld",
        "States": {
            "HelloWorld": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:HelloFunction",
                "InputPath": "$.lambda",
                "ResultPath": "$.data.lambdaresult",
                "OutputPath": "$.data",
                "End": True,
            }
        },
    }
    received: list[Any] = []

    def hello(event: Any, context: Any) -> str:
        received.append(event)
        return f"Hello, {event['who']}!"

    execution, result = await run(
        definition, GUIDE_INPUT, [PythonHandlers({"HelloFunction": hello})]
    )
    data = inspection_of(execution, "HelloWorld").data

    assert received == [{"who": "AWS Step Functions"}]
    assert data["input"] == GUIDE_INPUT
    assert data["afterInputPath"] == {"who": "AWS Step Functions"}
    assert data["result"] == "Hello, AWS Step Functions!"
    assert data["afterResultPath"] == {
        "comment": "An input comment.",
        "data": {"val1": 23, "val2": 17, "lambdaresult": "Hello, AWS Step Functions!"},
        "extra": "foo",
        "lambda": {"who": "AWS Step Functions"},
    }
    assert data["output"] == {"val1": 23, "val2": 17, "lambdaresult": "Hello, AWS Step Functions!"}
    assert result.output == data["output"]


async def test_every_step_of_a_task_with_all_five_fields() -> None:
    definition = {
        "StartAt": "CreateCluster",
        "States": {
            "CreateCluster": {
                "Type": "Task",
                "Resource": "arn:aws:states:::elasticmapreduce:createCluster.sync",
                "InputPath": "$.product",
                "Parameters": {
                    "comment": "Selecting what I care about.",
                    "MyDetails": {
                        "size.$": "$.details.size",
                        "exists.$": "$.availability",
                        "StaticValue": "foo",
                    },
                },
                "ResultSelector": {
                    "ClusterId.$": "$.output.ClusterId",
                    "ResourceType.$": "$.resourceType",
                },
                "ResultPath": "$.EMROutput",
                "OutputPath": "$.EMROutput",
                "End": True,
            }
        },
    }
    emr = CreateCluster()
    execution, result = await run(definition, PRODUCT_INPUT, [emr])
    inspection = inspection_of(execution, "CreateCluster")
    data = inspection.data
    selected = {"ClusterId": "AKIAIOSFODNN7EXAMPLE", "ResourceType": "elasticmapreduce"}
    parameters = {
        "comment": "Selecting what I care about.",
        "MyDetails": {"size": "small", "exists": "in stock", "StaticValue": "foo"},
    }

    assert result.status == "SUCCEEDED"
    assert data["input"] == PRODUCT_INPUT
    assert data["afterInputPath"] == PRODUCT_INPUT["product"]
    assert data["afterParameters"] == parameters
    assert emr.asked == [parameters]
    assert data["result"] == EMR_RESULT
    assert data["afterResultSelector"] == selected
    # ResultPath writes into the state's raw input, not into what InputPath selected
    assert data["afterResultPath"] == {**PRODUCT_INPUT, "EMROutput": selected}
    assert data["output"] == selected
    assert [name for name, _ in inspection.steps()] == [
        "input",
        "afterInputPath",
        "afterParameters",
        "result",
        "afterResultSelector",
        "afterResultPath",
        "output",
    ]
    assert (inspection.state_type, inspection.query_language) == ("Task", "JSONPath")


async def test_inspection_does_not_change_when_a_later_state_changes_the_data() -> None:
    definition = {
        "StartAt": "Select",
        "States": {
            "Select": {"Type": "Pass", "InputPath": "$.dataset2", "Next": "Overwrite"},
            "Overwrite": {"Type": "Pass", "Result": "gone", "ResultPath": "$.val1", "End": True},
        },
    }
    execution_input = {
        "comment": "Example for InputPath.",
        "dataset1": {"val1": 1, "val2": 2, "val3": 3},
        "dataset2": {"val1": "a", "val2": "b", "val3": "c"},
    }
    execution, result = await run(definition, execution_input, [])

    first = inspection_of(execution, "Select").data
    assert first["afterInputPath"] == {"val1": "a", "val2": "b", "val3": "c"}
    assert first["output"] == {"val1": "a", "val2": "b", "val3": "c"}
    assert result.output == {"val1": "gone", "val2": "b", "val3": "c"}
    assert inspection_of(execution, "Overwrite").data["result"] == "gone"


async def test_a_caught_error_is_recorded_with_the_catchers_output() -> None:
    class Declines:
        def handles(self, state: str, resource: Resource) -> bool:
            return True

        async def invoke(self, invocation: TaskInvocation) -> Any:
            raise TaskFailure("Payment.Declined", "card expired")

    definition = {
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "charge"},
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Refund"}
                ],
                "Next": "Refund",
            },
            "Refund": {"Type": "Pass", "End": True},
        },
    }
    execution, _ = await run(definition, {"order": 1}, [Declines()])
    charge = inspection_of(execution, "Charge")

    assert (charge.error, charge.cause) == ("Payment.Declined", "card expired")
    assert charge.data["afterResultPath"] == {
        "order": 1,
        "failure": {"Error": "Payment.Declined", "Cause": "card expired"},
    }
    assert charge.next_state == "Refund"
    assert charge.entered_event_id == 2


async def test_each_map_iteration_gets_its_own_inspection_with_its_location() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Label",
                    "States": {
                        "Label": {
                            "Type": "Pass",
                            "Parameters": {"label.$": "States.Format('box-{}', $.sku)"},
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    execution, _ = await run(definition, [{"sku": "book"}, {"sku": "lamp"}], [])
    labels = [i for i in execution.inspections if i.state == "Label"]

    assert [i.location for i in labels] == [(("Map", "Each", 0),), (("Map", "Each", 1),)]
    assert [i.data["output"] for i in labels] == [{"label": "box-book"}, {"label": "box-lamp"}]
    assert [i.data["afterParameters"] for i in labels] == [i.data["output"] for i in labels]
