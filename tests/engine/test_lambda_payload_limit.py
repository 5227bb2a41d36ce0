"""A Lambda response over the payload quota, as AWS treats it.

AWS's rule, from its developer guide and the recordings in ../shared/conformance/: the quota is
262,144 bytes of the result as UTF-8 text (not characters); a response over it fails the task
with `States.DataLimitExceeded`, the cause naming the function's ARN; a catcher naming
`States.DataLimitExceeded` catches it, `States.ALL` does not (it is a terminal error), so a
machine that only catches `States.ALL` fails. The recording
`test_task_lambda_data_limit_exceeded_on_large_utf8_response` has exactly this: a function
returning 257 KiB, caught by the first of two catchers (the named one, before `States.ALL`).
"""

from __future__ import annotations

import json
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.handlers import PythonHandlers
from sfntui.engine.interpreter import ExecutionResult, LocalExecution
from sfntui.engine.tasks import ResolverChain

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:report"
QUOTA = 262_144
CAUSE = (
    f"The state/task '{FUNCTION}' returned a result with a size exceeding the maximum number "
    "of bytes service limit."
)


def machine(catch: list[dict[str, Any]] | None) -> dict[str, Any]:
    call: dict[str, Any] = {"Type": "Task", "Resource": FUNCTION, "Next": "Done"}
    if catch is not None:
        call["Catch"] = catch
    return {
        "StartAt": "Call",
        "States": {
            "Call": call,
            "Done": {"Type": "Pass", "End": True},
            "Handled": {"Type": "Pass", "End": True},
        },
    }


async def run(definition: dict[str, Any], response: Any) -> tuple[LocalExecution, ExecutionResult]:
    handlers = PythonHandlers({"report": lambda event, context: response})
    execution = LocalExecution(
        parse_state_machine(definition),
        {},
        clock=VirtualClock(),
        resolvers=ResolverChain([handlers]),
    )
    return execution, await execution.run()


def types(execution: LocalExecution) -> list[str]:
    return [event["type"] for event in execution.history.events]


async def test_the_quota_is_262144_bytes_of_the_response_as_json_text() -> None:
    at_quota = "a" * (QUOTA - 2)  # the JSON text is the string and its two quotes
    _, result = await run(machine(None), at_quota)
    assert result.status == "SUCCEEDED"

    _, result = await run(machine(None), at_quota + "a")
    assert (result.status, result.error, result.cause) == (
        "FAILED", "States.DataLimitExceeded", CAUSE
    )


async def test_bytes_count_not_characters() -> None:
    # 140,000 characters, well under 262,144, but 280,000 bytes in UTF-8
    execution, result = await run(machine(None), "é" * 140_000)
    assert result.error == "States.DataLimitExceeded"
    assert "LambdaFunctionFailed" in types(execution)


async def test_a_catcher_naming_the_error_catches_it() -> None:
    catch = [
        {"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Handled"},
        {"ErrorEquals": ["States.ALL"], "Next": "Done"},
    ]
    execution, result = await run(machine(catch), ("a" * (257 * 1024)).encode())
    assert result.status == "SUCCEEDED"
    assert result.output == {"Error": "States.DataLimitExceeded", "Cause": CAUSE}
    assert types(execution) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert execution.history.events[-3]["stateEnteredEventDetails"]["name"] == "Handled"


async def test_states_all_does_not_catch_it() -> None:
    execution, result = await run(
        machine([{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]), "é" * 140_000
    )
    assert (result.status, result.error, result.cause) == (
        "FAILED", "States.DataLimitExceeded", CAUSE
    )
    failed = execution.history.events[-1]["executionFailedEventDetails"]
    assert failed == {"error": "States.DataLimitExceeded", "cause": CAUSE}
    assert json.dumps(failed)  # the history holds it as AWS writes it
