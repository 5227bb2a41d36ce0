"""Which Lambda function a Task run invoked, and the request id of that invocation, as its
history events say: the function from TaskScheduled's parameters (`FunctionName`) or the
legacy LambdaFunctionScheduled resource; the request id from a success's response metadata
or from a failure's cause (the function's error payload carries `requestId`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LambdaInvocation:
    function: str
    request_id: str | None


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _request_id(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    for key in ("requestId", "RequestId"):
        if isinstance(value.get(key), str):
            return value[key]
    for key in ("SdkResponseMetadata", "ResponseMetadata"):
        found = _request_id(value.get(key))
        if found:
            return found
    return None


def lambda_invocation(events: Sequence[Mapping[str, Any]]) -> LambdaInvocation | None:
    """The Lambda invocation of one Task run's events, or None when it did not invoke one."""
    function = None
    request_id = None
    for event in events:
        kind = event.get("type")
        if kind == "TaskScheduled":
            details = event.get("taskScheduledEventDetails") or {}
            if details.get("resourceType") == "lambda":
                parameters = _json(details.get("parameters")) or {}
                name = parameters.get("FunctionName") if isinstance(parameters, Mapping) else None
                function = name if isinstance(name, str) else function
        elif kind == "LambdaFunctionScheduled":
            details = event.get("lambdaFunctionScheduledEventDetails") or {}
            function = details.get("resource") or function
        for key in (
            "taskSucceededEventDetails",
            "lambdaFunctionSucceededEventDetails",
        ):
            found = _request_id(_json((event.get(key) or {}).get("output")))
            request_id = found or request_id
        for key in ("taskFailedEventDetails", "lambdaFunctionFailedEventDetails"):
            found = _request_id(_json((event.get(key) or {}).get("cause")))
            request_id = found or request_id
    if function is None:
        return None
    return LambdaInvocation(function, request_id)
