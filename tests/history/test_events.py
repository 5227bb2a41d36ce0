from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import botocore
import pytest

from sfntui.history.events import (
    EVENT_DETAILS_KEY,
    EVENT_ROLE,
    EVENT_STATE_TYPE,
    EVENT_TYPES,
    PayloadError,
    details,
    error_and_cause,
    event_time,
    input_text,
    output_text,
    parse_payload,
    payload_or_text,
    previous_event_id,
    state_name,
)

CASES = Path("/work/shared/conformance/cases")


def _service_model() -> dict:
    folder = Path(botocore.__file__).parent / "data" / "stepfunctions" / "2016-11-23"
    with gzip.open(folder / "service-2.json.gz") as file:
        return json.load(file)


def test_the_table_lists_every_event_type_of_the_api() -> None:
    shapes = _service_model()["shapes"]
    assert set(shapes["HistoryEventType"]["enum"]) == EVENT_TYPES
    assert set(EVENT_ROLE) == EVENT_TYPES


def test_every_details_key_is_a_member_of_history_event_and_none_is_left_out() -> None:
    members = set(_service_model()["shapes"]["HistoryEvent"]["members"])
    detail_members = {name for name in members if name.endswith("EventDetails")}
    assert set(EVENT_DETAILS_KEY.values()) == detail_members


def test_details_keys_are_named_for_their_type() -> None:
    assert EVENT_DETAILS_KEY["TaskFailed"] == "taskFailedEventDetails"
    assert EVENT_DETAILS_KEY["PassStateEntered"] == "stateEnteredEventDetails"
    assert EVENT_DETAILS_KEY["MapStateExited"] == "stateExitedEventDetails"
    assert EVENT_DETAILS_KEY["MapIterationFailed"] == "mapIterationFailedEventDetails"
    assert "ParallelStateStarted" not in EVENT_DETAILS_KEY  # the API gives it no details
    assert EVENT_STATE_TYPE["LambdaFunctionFailed"] == "Task"
    assert EVENT_STATE_TYPE["FailStateEntered"] == "Fail"
    assert "ExecutionFailed" not in EVENT_STATE_TYPE


def test_every_event_type_recorded_against_aws_is_known() -> None:
    recorded = set()
    for path in CASES.glob("*.json"):
        recorded.update(json.loads(path.read_text()).get("events") or [])
    assert len(recorded) > 30
    assert recorded <= EVENT_TYPES


def test_accessors_read_the_event_in_place() -> None:
    entered = {
        "id": 2,
        "previousEventId": 1,
        "timestamp": datetime(2024, 1, 1, tzinfo=UTC),
        "type": "TaskStateEntered",
        "stateEnteredEventDetails": {"name": "Charge", "input": '{"amount": 5}'},
    }
    assert details(entered) is entered["stateEnteredEventDetails"]
    assert state_name(entered) == "Charge"
    assert input_text(entered) == '{"amount": 5}'
    assert output_text(entered) is None
    assert previous_event_id(entered) == 1


def test_accessors_on_events_without_details() -> None:
    started = {"id": 4, "previousEventId": 3, "timestamp": 0, "type": "ParallelStateStarted"}
    assert details(started) == {}
    assert state_name(started) is None
    assert error_and_cause(started) == (None, None)


def test_error_and_cause_and_the_names_other_events_carry() -> None:
    failed = {
        "id": 5,
        "type": "LambdaFunctionFailed",
        "lambdaFunctionFailedEventDetails": {"error": "Boom", "cause": "it broke"},
    }
    evaluation = {
        "id": 6,
        "type": "EvaluationFailed",
        "evaluationFailedEventDetails": {"error": "States.Runtime", "state": "Shape"},
    }
    iteration = {
        "id": 7,
        "type": "MapIterationStarted",
        "mapIterationStartedEventDetails": {"name": "Items", "index": 3},
    }
    assert error_and_cause(failed) == ("Boom", "it broke")
    assert state_name(evaluation) == "Shape"
    assert state_name(iteration) == "Items"


def test_parse_payload() -> None:
    assert parse_payload('{"a": [1, 2.0, null]}') == {"a": [1, 2.0, None]}
    assert parse_payload('"text"') == "text"
    assert parse_payload(None) is None
    with pytest.raises(PayloadError, match="not JSON"):
        parse_payload('{"cut off at 256 KiB": ')
    assert payload_or_text('{"cut off') == '{"cut off'


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (datetime(2024, 5, 1, 12, 0, tzinfo=UTC), datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        (datetime(2024, 5, 1, 12, 0), datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        ("2024-05-01T12:00:00.250000+00:00", datetime(2024, 5, 1, 12, 0, 0, 250000, UTC)),
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        ("2024-05-01T14:00:00+02:00", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        (1714564800, datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
        (1714564800.5, datetime(2024, 5, 1, 12, 0, 0, 500000, UTC)),
        (1714564800500, datetime(2024, 5, 1, 12, 0, 0, 500000, UTC)),  # milliseconds
    ],
)
def test_event_time_accepts_every_form_a_timestamp_takes(timestamp, expected) -> None:
    found = event_time({"timestamp": timestamp})
    assert found == expected
    assert found.tzinfo is not None


def test_event_time_keeps_the_zone_botocore_gave() -> None:
    local = timezone(timedelta(hours=-5))
    stamp = datetime(2024, 5, 1, 7, 0, tzinfo=local)
    assert event_time({"timestamp": stamp}) is stamp


def test_event_time_rejects_text_that_is_not_a_date() -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - fromisoformat's own message
        event_time({"timestamp": "yesterday"})
