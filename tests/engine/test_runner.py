"""Setting up a local run: every Task state nothing answers is named before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import RealClock, VirtualClock
from sfntui.engine.runner import RunSetup, prepare, run_local, unanswered_tasks
from sfntui.engine.tasks import NoResolverError, Resource, TaskInvocation

CHARGE = "arn:aws:lambda:us-east-1:123456789012:function:charge-card"
SHIP = "arn:aws:states:::sqs:sendMessage"
AUDIT = "arn:aws:states:::dynamodb:putItem"

ORDER = {
    "StartAt": "Charge",
    "States": {
        "Charge": {"Type": "Task", "Resource": CHARGE, "Next": "Fulfil"},
        "Fulfil": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Ship",
                    "States": {"Ship": {"Type": "Task", "Resource": SHIP, "End": True}},
                },
                {
                    "StartAt": "EachItem",
                    "States": {
                        "EachItem": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ItemProcessor": {
                                "StartAt": "Audit",
                                "States": {
                                    "Audit": {"Type": "Task", "Resource": AUDIT, "End": True}
                                },
                            },
                            "End": True,
                        }
                    },
                },
            ],
            "End": True,
        },
    },
}


class Answers:
    """Answers the Task states named, with their name."""

    def __init__(self, *states: str) -> None:
        self.states = set(states)
        self.calls: list[str] = []

    def handles(self, state: str, resource: Resource) -> bool:
        return state in self.states

    async def invoke(self, invocation: TaskInvocation) -> Any:
        self.calls.append(invocation.state)
        return {"by": invocation.state}


def test_with_no_resolver_every_task_is_named_with_its_resource_before_the_run() -> None:
    machine = parse_state_machine(ORDER)

    with pytest.raises(NoResolverError) as raised:
        prepare(machine, {"items": [1]}, RunSetup())

    assert sorted(raised.value.missing) == [("Audit", AUDIT), ("Charge", CHARGE), ("Ship", SHIP)]
    message = str(raised.value)
    assert "\n" not in message
    for name in ("'Charge'", "'Ship'", "'Audit'"):
        assert name in message


def test_only_the_tasks_nothing_answers_are_named() -> None:
    machine = parse_state_machine(ORDER)
    setup = RunSetup(
        handlers={"charge-card": lambda event, context: "ok"},
        extra_resolvers=[Answers("Audit")],
    )

    with pytest.raises(NoResolverError) as raised:
        prepare(machine, {"items": [1]}, setup)

    assert raised.value.missing == [("Ship", SHIP)]


def test_nothing_runs_when_a_task_is_unanswered() -> None:
    machine = parse_state_machine(ORDER)
    answers = Answers("Charge", "Audit")

    with pytest.raises(NoResolverError):
        prepare(machine, {"items": [1]}, RunSetup(extra_resolvers=[answers]))

    assert answers.calls == []


def test_a_lambda_invoke_of_a_function_no_handler_serves_is_named_before_the_run() -> None:
    definition = {
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "charge-card", "Payload.$": "$"},
                "End": True,
            }
        },
    }
    setup = RunSetup(handlers={"refund-card": lambda event, context: "refunded"})

    with pytest.raises(NoResolverError) as raised:
        prepare(parse_state_machine(definition), {}, setup)

    assert [state for state, _ in raised.value.missing] == ["Charge"]


def test_unanswered_tasks_is_empty_when_everything_is_answered() -> None:
    machine = parse_state_machine(ORDER)
    setup = RunSetup(extra_resolvers=[Answers("Charge", "Ship", "Audit")])

    assert unanswered_tasks(machine, setup.resolvers(machine)) == []


async def test_run_local_runs_with_the_setups_resolvers() -> None:
    machine = parse_state_machine(ORDER)
    answers = Answers("Ship", "Audit")
    setup = RunSetup(
        handlers={"charge-card": lambda event, context: {"items": ["a", "b"]}},
        extra_resolvers=[answers],
        virtual_clock=True,
    )

    execution, result = await run_local(machine, {}, setup)

    assert result.status == "SUCCEEDED"
    assert result.output == [{"by": "Ship"}, [{"by": "Audit"}, {"by": "Audit"}]]
    assert sorted(answers.calls) == ["Audit", "Audit", "Ship"]
    assert isinstance(execution.clock, VirtualClock)


def test_the_setup_picks_the_clock() -> None:
    assert isinstance(RunSetup(virtual_clock=True).clock(), VirtualClock)
    assert isinstance(RunSetup().clock(), RealClock)
