"""JSONata states and variables in the engine: each field, each `$states` member, the scoping
rules and the errors, as AWS documents them ("Transforming data with JSONata", "Passing data
between states with variables")."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.runner import RunSetup, prepare


def run(
    definition: dict,
    execution_input: Any = None,
    handlers: dict | None = None,
) -> tuple[LocalExecution, ExecutionResult]:
    machine = parse_state_machine(definition)
    execution = prepare(
        machine,
        {} if execution_input is None else execution_input,
        RunSetup(handlers=handlers or {}, virtual_clock=True),
    )
    return execution, asyncio.run(execution.run())


def jsonata(states: dict, start: str | None = None) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": start or next(iter(states)), "States": states}


def echo(event: Any, context: Any) -> Any:
    return {"got": event}


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:echo"


def test_arguments_output_and_result_of_a_task() -> None:
    execution, result = run(
        jsonata(
            {
                "Call": {
                    "Type": "Task",
                    "Resource": LAMBDA,
                    "Arguments": {"n": "{% $states.input.n * 2 %}", "fixed": "x"},
                    "Output": {"from": "{% $states.result.got %}", "was": "{% $states.input %}"},
                    "End": True,
                }
            }
        ),
        {"n": 4},
        {"echo": echo},
    )
    assert result.output == {"from": {"n": 8, "fixed": "x"}, "was": {"n": 4}}
    (inspection,) = execution.inspections
    assert inspection.data["afterArguments"] == {"n": 8, "fixed": "x"}
    assert inspection.data["result"] == {"got": {"n": 8, "fixed": "x"}}


def test_without_output_a_task_passes_its_result_on() -> None:
    _, result = run(
        jsonata({"Call": {"Type": "Task", "Resource": LAMBDA, "End": True}}),
        {"a": 1},
        {"echo": echo},
    )
    assert result.output == {"got": {"a": 1}}


def test_states_context_is_the_context_object() -> None:
    _, result = run(
        jsonata(
            {
                "Look": {
                    "Type": "Pass",
                    "Output": {
                        "state": "{% $states.context.State.Name %}",
                        "input": "{% $states.context.Execution.Input %}",
                    },
                    "End": True,
                }
            }
        ),
        {"q": 1},
    )
    assert result.output == {"state": "Look", "input": {"q": 1}}


def test_states_result_does_not_exist_in_arguments() -> None:
    _, result = run(
        jsonata(
            {
                "Call": {
                    "Type": "Task",
                    "Resource": LAMBDA,
                    "Arguments": "{% $states.result %}",
                    "End": True,
                }
            }
        ),
        {},
        {"echo": echo},
    )
    assert result.error == "States.QueryEvaluationError"
    assert result.cause is not None
    assert "specified for the field 'Arguments' returned nothing (undefined)" in result.cause


def test_catch_sees_error_output_and_assigns_from_it() -> None:
    def fails(event: Any, context: Any) -> Any:
        raise ValueError("bad order")

    _, result = run(
        jsonata(
            {
                "Call": {
                    "Type": "Task",
                    "Resource": LAMBDA,
                    "Catch": [
                        {
                            "ErrorEquals": ["States.ALL"],
                            "Assign": {"failure": "{% $states.errorOutput.Error %}"},
                            "Output": {
                                "message": "{% $parse($states.errorOutput.Cause).errorMessage %}"
                            },
                            "Next": "After",
                        }
                    ],
                    "End": True,
                },
                "After": {
                    "Type": "Pass",
                    "Output": {"kept": "{% $states.input %}", "var": "{% $failure %}"},
                    "End": True,
                },
            }
        ),
        {},
        {"echo": fails},
    )
    assert result.output == {"kept": {"message": "bad order"}, "var": "ValueError"}


def test_choice_condition_and_rule_level_assign_and_output() -> None:
    definition = jsonata(
        {
            "Decide": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $states.input.total > 100 %}",
                        "Assign": {"tier": "gold"},
                        "Output": {"why": "big"},
                        "Next": "Done",
                    }
                ],
                "Default": "Done",
                "Output": {"why": "default"},
            },
            "Done": {
                "Type": "Pass",
                "Output": {"why": "{% $states.input.why %}", "tier": "{% $tier %}"},
                "End": True,
            },
        }
    )
    _, big = run(definition, {"total": 500})
    assert big.output == {"why": "big", "tier": "gold"}
    _, small = run(definition, {"total": 5})
    assert small.status == "FAILED"  # $tier was never assigned on the default path
    assert "'{% $tier %}'" not in (small.cause or "") and "$tier" in (small.cause or "")


def test_a_condition_that_is_not_boolean_is_an_error() -> None:
    _, result = run(
        jsonata(
            {
                "Decide": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% 'yes' %}", "Next": "D"}],
                },
                "D": {"Type": "Succeed"},
            }
        )
    )
    assert result.error == "States.QueryEvaluationError"
    assert "Expected 'boolean'" in (result.cause or "")


def test_wait_seconds_and_timestamp_expressions() -> None:
    execution, result = run(
        jsonata(
            {
                "Short": {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "Next": "Until"},
                "Until": {"Type": "Wait", "Timestamp": "{% $states.input.until %}", "End": True},
            }
        ),
        {"delay": 30, "until": "2030-01-01T00:00:00Z"},
    )
    assert result.status == "SUCCEEDED"
    events = execution.history.events
    assert events[-1]["timestamp"].isoformat().startswith("2030-01-01T00:00:00")


def test_map_items_item_selector_and_max_concurrency_expressions() -> None:
    _, result = run(
        jsonata(
            {
                "Each": {
                    "Type": "Map",
                    "Items": "{% $states.input.list %}",
                    "MaxConcurrency": "{% $states.input.width %}",
                    "ItemSelector": {
                        "value": "{% $states.context.Map.Item.Value %}",
                        "index": "{% $states.context.Map.Item.Index %}",
                    },
                    "ItemProcessor": {
                        "StartAt": "Double",
                        "States": {
                            "Double": {
                                "Type": "Pass",
                                "Output": "{% $states.input.value * 2 + $states.input.index %}",
                                "End": True,
                            }
                        },
                    },
                    "End": True,
                }
            }
        ),
        {"list": [10, 20, 30], "width": 2},
    )
    assert result.output == [20, 41, 62]


def test_fail_error_and_cause_expressions() -> None:
    _, result = run(
        jsonata(
            {
                "Stop": {
                    "Type": "Fail",
                    "Error": "{% 'Order.' & $states.input.kind %}",
                    "Cause": "{% 'order ' & $string($states.input.id) & ' failed' %}",
                }
            }
        ),
        {"kind": "Invalid", "id": 7},
    )
    assert (result.error, result.cause) == ("Order.Invalid", "order 7 failed")


def test_expressions_inside_nested_templates_and_arrays() -> None:
    _, result = run(
        jsonata(
            {
                "Shape": {
                    "Type": "Pass",
                    "Output": {
                        "a": [1, "{% 1 + 1 %}", {"b": "{% $states.input.x %}"}],
                        "plain": "{ not an expression }",
                    },
                    "End": True,
                }
            }
        ),
        {"x": "y"},
    )
    assert result.output == {"a": [1, 2, {"b": "y"}], "plain": "{ not an expression }"}


def test_assign_is_evaluated_all_at_once_with_the_values_from_before() -> None:
    _, result = run(
        jsonata(
            {
                "Init": {"Type": "Pass", "Assign": {"a": 1, "b": 2}, "Next": "Swap"},
                "Swap": {
                    "Type": "Pass",
                    "Assign": {"a": "{% $b %}", "b": "{% $a %}"},
                    "Output": {"seen_in_output": "{% $a %}"},
                    "Next": "Show",
                },
                "Show": {
                    "Type": "Pass",
                    "Output": {
                        "a": "{% $a %}",
                        "b": "{% $b %}",
                        "before": "{% $states.input.seen_in_output %}",
                    },
                    "End": True,
                },
            }
        )
    )
    assert result.output == {"a": 2, "b": 1, "before": 1}


def test_assigned_variables_are_in_the_exit_event_and_inspection() -> None:
    execution, _ = run(jsonata({"Set": {"Type": "Pass", "Assign": {"x": [1, 2]}, "End": True}}))
    exited = [e for e in execution.history.events if e["type"] == "PassStateExited"][0]
    assert exited["stateExitedEventDetails"]["assignedVariables"] == {"x": "[1,2]"}
    assert execution.inspections[0].variables == {"x": [1, 2]}


def test_jsonpath_states_assign_and_read_variables() -> None:
    _, result = run(
        {
            "StartAt": "Set",
            "States": {
                "Set": {
                    "Type": "Pass",
                    "Result": {"v": 5},
                    "Assign": {"seen.$": "$.v", "n": 1},
                    "Next": "Read",
                },
                "Read": {
                    "Type": "Pass",
                    "Parameters": {"seen.$": "$seen", "n.$": "$n"},
                    "End": True,
                },
            },
        }
    )
    assert result.output == {"seen": 5, "n": 1}


MAP_READS_OUTER = {
    "StartAt": "Set",
    "States": {
        "Set": {"Type": "Pass", "Assign": {"factor": 3}, "Next": "Each"},
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": "Scale",
                "States": {
                    "Scale": {
                        "Type": "Pass",
                        "Parameters": {"v.$": "$factor"},
                        "Assign": {"local": 1},
                        "End": True,
                    }
                },
            },
            "Next": "After",
        },
        "After": {"Type": "Pass", "Parameters": {"factor.$": "$factor"}, "End": True},
    },
}


def test_map_iterations_read_outer_variables_and_keep_their_own_to_themselves() -> None:
    _, result = run(MAP_READS_OUTER, {"items": [1, 2]})
    assert result.status == "SUCCEEDED"
    assert result.output == {"factor": 3}


def test_an_iteration_variable_is_not_seen_outside() -> None:
    definition = dict(MAP_READS_OUTER)
    definition["States"] = dict(MAP_READS_OUTER["States"])
    definition["States"]["After"] = {"Type": "Pass", "Parameters": {"l.$": "$local"}, "End": True}
    _, result = run(definition, {"items": [1]})
    assert result.error == "States.Runtime"


def test_an_iteration_cannot_assign_an_outer_variable() -> None:
    definition = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"total": 0}, "Next": "Fan"},
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Bump",
                        "States": {"Bump": {"Type": "Pass", "Assign": {"total": 1}, "End": True}},
                    }
                ],
                "End": True,
            },
        },
    }
    _, result = run(definition)
    assert result.status == "FAILED"
    assert "outer scope" in (result.cause or "")


def test_a_runaway_expression_is_stopped_with_a_clear_error() -> None:
    _, result = run(
        jsonata(
            {
                "Loop": {
                    "Type": "Pass",
                    "Output": "{% ($f := function($x){ 1 + $f($x + 1) }; $f(0)) %}",
                    "End": True,
                }
            }
        )
    )
    assert result.error == "States.QueryEvaluationError"
    assert "threw an error during evaluation" in (result.cause or "")


@pytest.mark.parametrize("expression", ["$now()", "$millis()"])
def test_now_and_millis_answer_from_the_engines_clock(expression: str) -> None:
    clock = VirtualClock()
    machine = parse_state_machine(
        jsonata({"T": {"Type": "Pass", "Output": "{% " + expression + " %}", "End": True}})
    )
    result = asyncio.run(LocalExecution(machine, {}, clock=clock).run())
    expected = clock.now()
    if expression == "$millis()":
        assert result.output == int(expected.timestamp() * 1000)
    else:
        assert str(result.output).startswith(expected.strftime("%Y-%m-%dT%H:%M:%S"))


def test_a_variable_over_256_kib_fails_the_state() -> None:
    _, result = run(
        jsonata(
            {
                "Big": {
                    "Type": "Pass",
                    "Assign": {"blob": "{% $pad('', 262144, 'x') %}"},
                    "End": True,
                }
            }
        )
    )
    assert result.error == "States.Runtime"
    assert "'blob'" in (result.cause or "") and "262146 bytes" in (result.cause or "")


def test_one_assign_over_256_kib_together_fails_the_state() -> None:
    half = "y" * (150 * 1024)
    _, result = run(
        {
            "StartAt": "Two",
            "States": {
                "Two": {"Type": "Pass", "Assign": {"a.$": "$.t", "b.$": "$.t"}, "End": True}
            },
        },
        {"t": half},
    )
    assert result.error == "States.Runtime"
    assert "add up to" in (result.cause or "")


def test_variables_of_finished_iterations_do_not_count_against_the_total() -> None:
    hold = {"Type": "Pass", "Assign": {"held.$": "$.t"}, "OutputPath": "$.n", "End": True}
    _, result = run(
        {
            "StartAt": "Each",
            "States": {
                "Each": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "MaxConcurrency": 1,
                    "ItemSelector": {"t.$": "$.t", "n.$": "$$.Map.Item.Value"},
                    "ItemProcessor": {"StartAt": "Hold", "States": {"Hold": hold}},
                    "End": True,
                }
            },
        },
        {"items": list(range(60)), "t": "z" * (200 * 1024)},
    )
    assert result.status == "SUCCEEDED"  # 60 x 200 KiB, but never more than one held at once
    assert result.output == list(range(60))
