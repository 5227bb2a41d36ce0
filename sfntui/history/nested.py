"""Nested executions: the child a `states:startExecution` Task started, and the parent that
started an execution.

The child's ARN is in the Task's TaskSubmitted or TaskSucceeded output (`ExecutionArn`); the
parent's is in the child's input under `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`, which a
parent passes (`"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"`) so that
the console links the two.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

STARTED_BY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"
_OUTPUT_DETAILS = ("taskSubmittedEventDetails", "taskSucceededEventDetails")


def child_execution(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The execution a Task run's events say it started, if it started one."""
    for event in reversed(events):
        for key in _OUTPUT_DETAILS:
            details = event.get(key) or {}
            if details.get("resourceType") != "states":
                continue
            try:
                output = json.loads(details.get("output") or "null")
            except ValueError:
                continue
            arn = output.get("ExecutionArn") if isinstance(output, Mapping) else None
            if isinstance(arn, str) and arn.startswith("arn:"):
                return arn
    return None


def parent_execution(execution_input: Any) -> str | None:
    """The execution that started this one, as its input says."""
    if isinstance(execution_input, Mapping):
        parent = execution_input.get(STARTED_BY)
        if isinstance(parent, str) and parent.startswith("arn:"):
            return parent
    return None
