"""A Lambda invocation's own log lines, read from CloudWatch Logs by its request id.

When a Lambda Task fails, the error Step Functions records is what the function returned; the
why is usually in the function's log. Lambda writes every line of one invocation with its
request id (the START, END and REPORT lines, and the runtime's own lines), so a filter on the
request id in `/aws/lambda/<function>`, bounded to the Task's time, finds them without reading
the whole group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sfntui.aws.connection import AwsSession

#: Pages read at most (a chatty invocation); the lines beyond are said to be left out.
MAX_PAGES = 20
#: Slack around the Task's span: clocks and log delivery are not exact.
SLACK = timedelta(minutes=1)


@dataclass(frozen=True)
class LogLine:
    at: datetime
    message: str


def function_name(function: str) -> str:
    """`arn:aws:lambda:R:A:function:NAME[:qualifier]` or `NAME[:qualifier]` -> `NAME`."""
    parts = function.split(":")
    if function.startswith("arn:") and len(parts) >= 7:
        return parts[6]
    return parts[0]


async def invocation_logs(
    session: AwsSession, function: str, request_id: str, start: datetime, end: datetime
) -> list[LogLine]:
    """The lines of `/aws/lambda/<function>` that carry `request_id`, between start and end."""
    params: dict[str, Any] = {
        "logGroupName": f"/aws/lambda/{function_name(function)}",
        "filterPattern": f'"{request_id}"',
        "startTime": int((start - SLACK).timestamp() * 1000),
        "endTime": int((end + SLACK).timestamp() * 1000),
    }
    lines: list[LogLine] = []
    token = None
    for _ in range(MAX_PAGES):
        page = dict(params, nextToken=token) if token else params
        response = await session.call(
            "logs", "FilterLogEvents", resource=params["logGroupName"], expect="events", **page
        )
        for item in response.get("events") or []:
            at = datetime.fromtimestamp(int(item.get("timestamp") or 0) / 1000, UTC)
            lines.append(LogLine(at, str(item.get("message", "")).rstrip("\n")))
        token = response.get("nextToken")
        if not token:
            break
    lines.sort(key=lambda line: line.at)
    return lines
