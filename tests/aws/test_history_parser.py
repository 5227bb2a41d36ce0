"""A history page is read straight from its JSON (not walked through botocore's model, which
took 60 ms a page on the app's event loop): the same events botocore makes of it, with their
timestamps in UTC as the local engine writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.session

from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions
from sfntui.aws.history_parser import HISTORY_OUTPUT, TIMESTAMP

from .conftest import REGION, Moto
from .endpoints import FakeEndpoint

CHAIN = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Result": {"n": 1, "s": "x\u2028y"}, "Next": "B"},
        "B": {"Type": "Pass", "End": True},
    },
}
ARN = f"arn:aws:states:{REGION}:123456789012:execution:m:run"


async def test_a_history_read_through_the_session_is_what_botocore_reads_in_utc(
    moto: Moto, sfn: StepFunctions
) -> None:
    execution = moto.start(moto.create_machine(CHAIN), {"order": [1, 2]})
    ours = await sfn.get_history(execution)
    theirs = moto.client().get_execution_history(executionArn=execution)["events"]
    assert theirs[-1]["type"] == "ExecutionSucceeded"
    assert ours == theirs  # (datetimes compare as instants)
    assert all(event["timestamp"].tzinfo is UTC for event in ours)


async def test_a_page_with_timestamps_written_as_text_is_left_to_botocore() -> None:
    def history(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        event = {"id": 1, "type": "ExecutionStarted", "timestamp": "2024-05-01T10:00:00Z"}
        return 200, {"events": [event]}

    with FakeEndpoint({"GetExecutionHistory": history}) as endpoint:
        options = ConnectionOptions(endpoint_url=endpoint.url, region=REGION)
        async with AwsSession(options) as session:
            events = await StepFunctions(session).get_history(ARN)
    assert events[0]["timestamp"] == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_a_history_event_holds_nothing_but_plain_json_and_its_timestamp() -> None:
    """What the quick read rests on: should botocore's model give an event another member
    that is not plain JSON (a blob, a second timestamp), this fails."""
    model = botocore.session.get_session().get_service_model("stepfunctions")
    output = model.operation_model("GetExecutionHistory").output_shape
    assert output.name == HISTORY_OUTPUT
    assert set(output.members) == {"events", "nextToken"}
    special: list[str] = []

    def walk(shape: Any, path: str, seen: frozenset[str]) -> None:
        if shape.name in seen:
            return
        seen |= {shape.name}
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                walk(member, f"{path}.{name}", seen)
        elif shape.type_name == "list":
            walk(shape.member, f"{path}[]", seen)
        elif shape.type_name == "map":
            walk(shape.value, f"{path}{{}}", seen)
        elif shape.type_name not in ("string", "integer", "long", "boolean"):
            special.append(path)

    walk(output.members["events"].member, "event", frozenset())
    assert special == [f"event.{TIMESTAMP}"]
