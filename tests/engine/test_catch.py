"""What a Catch does with the error: where its ResultPath puts it, and which variables the
caught state leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain, Resource, TaskFailure, TaskInvocation

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


class Answers:
    """Each Task state's answer: a value, or a TaskFailure to raise."""

    def __init__(self, **answers: Any) -> None:
        self.answers = answers

    def handles(self, state: str, resource: Resource) -> bool:
        return state in self.answers

    async def invoke(self, invocation: TaskInvocation) -> Any:
        answer = self.answers[invocation.state]
        if isinstance(answer, TaskFailure):
            raise answer
        return answer


async def run(
    definition: dict, execution_input: Any, answers: Answers
) -> tuple[LocalExecution, ExecutionResult]:
    execution = LocalExecution(
        parse_state_machine(definition),
        execution_input,
        clock=VirtualClock(datetime(2024, 3, 1, tzinfo=UTC)),
        resolvers=ResolverChain([answers]),
    )
    return execution, await execution.run()


async def test_a_catch_result_path_that_cannot_be_applied_fails_the_run_not_the_engine() -> None:
    # The state's input is an array: "$.error" has no object to go into. The ResultPath page
    # (docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html) applies
    # to a Catch's ResultPath too; a path that cannot be applied is a runtime error of the
    # state, never an exception escaping the engine.
    definition = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": LAMBDA,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    execution, result = await run(definition, [1, 2], Answers(Work=TaskFailure("Boom", "bad")))

    assert result.status == "FAILED"
    assert result.error == "States.Runtime"
    assert result.cause is not None
    assert result.cause.startswith(
        "An error occurred while executing the state 'Work' (entered at the event id #2). "
        "Invalid path '$.error'"
    )
    assert execution.history.events[-1]["type"] == "ExecutionFailed"


async def test_a_caught_state_keeps_only_the_catchers_assignments() -> None:
    # The Task succeeds, but its Output fails to evaluate, so the state fails and is caught.
    # Variables (docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html): a
    # state's Assign takes effect when the state completes; a state that fails does not
    # complete, and when a Catcher takes the error its own Assign is the one applied.
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": LAMBDA,
                "Assign": {"fromState": 1},
                "Output": "{% $error('no output') %}",
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Assign": {"fromCatch": 2}, "Next": "Report"}
                ],
                "End": True,
            },
            "Report": {
                "Type": "Pass",
                "Output": "{% {'fromState': $exists($fromState), 'fromCatch': $fromCatch} %}",
                "End": True,
            },
        },
    }
    execution, result = await run(definition, {}, Answers(Work={"ok": True}))

    assert result.status == "SUCCEEDED"
    assert result.output == {"fromState": False, "fromCatch": 2}
    exited = next(e for e in execution.history.events if e["type"] == "TaskStateExited")
    assert exited["stateExitedEventDetails"]["assignedVariables"] == {"fromCatch": "2"}
