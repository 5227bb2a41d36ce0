from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sfntui.history.events import HistoryFileError, dump_history, load_history_file
from sfntui.history.projection import Projection


def _write(tmp_path: Path, content: str | bytes, name: str = "history.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def test_round_trip_keeps_every_event_and_its_times(tmp_path, history) -> None:
    history.start({"order": 7})
    history.task("Charge", {"order": 7}, {"paid": True})
    history.succeed({"paid": True})
    text = dump_history(history.events)
    loaded = load_history_file(_write(tmp_path, text))
    assert loaded == history.events
    assert dump_history(loaded) == text
    assert json.loads(text)["events"][0]["timestamp"] == "2024-05-01T12:00:01+00:00"


def test_round_trip_of_times_in_other_zones_and_without_zone(tmp_path) -> None:
    eastern = datetime(2024, 5, 1, 8, 0, 0, 123000, tzinfo=timezone(timedelta(hours=-4)))
    events = [
        {"id": 1, "previousEventId": 0, "timestamp": eastern, "type": "ExecutionStarted"},
        {"id": 2, "previousEventId": 1, "timestamp": datetime(2024, 5, 1, 13), "type": "X"},
    ]
    loaded = load_history_file(_write(tmp_path, dump_history(events)))
    assert loaded[0]["timestamp"] == eastern
    assert loaded[1]["timestamp"] == datetime(2024, 5, 1, 13, tzinfo=UTC)


def test_the_aws_cli_format_with_iso_strings(tmp_path) -> None:
    cli_output = {
        "events": [
            {
                "timestamp": "2024-05-01T12:00:00.123000+00:00",
                "type": "ExecutionStarted",
                "id": 1,
                "previousEventId": 0,
                "executionStartedEventDetails": {"input": '{"a": 1}', "roleArn": "arn:r"},
            },
            {
                "timestamp": "2024-05-01T12:00:01.000000+00:00",
                "type": "ExecutionSucceeded",
                "id": 2,
                "previousEventId": 1,
                "executionSucceededEventDetails": {"output": '{"a": 2}'},
            },
        ],
        "nextToken": "abc",
    }
    events = load_history_file(_write(tmp_path, json.dumps(cli_output)))
    assert [event["type"] for event in events] == ["ExecutionStarted", "ExecutionSucceeded"]
    assert events[0]["timestamp"] == datetime(2024, 5, 1, 12, 0, 0, 123000, UTC)
    projection = Projection(events)
    assert projection.status == "SUCCEEDED"
    assert projection.output == {"a": 2}
    assert projection.ended - projection.started == timedelta(microseconds=877000)


def test_a_bare_list_with_epoch_times_in_reverse_order(tmp_path) -> None:
    reverse = [
        {"id": 2, "previousEventId": 1, "timestamp": 1714564801.5, "type": "ExecutionSucceeded"},
        {"id": 1, "previousEventId": 0, "timestamp": 1714564800, "type": "ExecutionStarted"},
    ]
    events = load_history_file(_write(tmp_path, json.dumps(reverse)))
    assert [event["id"] for event in events] == [1, 2]
    assert events[1]["timestamp"] == datetime(2024, 5, 1, 12, 0, 1, 500000, UTC)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is not valid JSON"),
        ('{"events": [', "is not valid JSON"),
        ('{"executionArn": "arn"}', 'holds neither an "events" list nor a list of events'),
        ('"events"', 'holds neither an "events" list nor a list of events'),
        ("[1]", "Event 1 in history file .* is not a JSON object"),
        ('[{"type": "ExecutionStarted", "timestamp": 0}]', 'Event 1 .* has no "id"'),
        ('[{"id": 1, "timestamp": 0}]', 'has no "type"'),
        ('[{"id": 1, "type": "ExecutionStarted"}]', 'has no "timestamp"'),
        ('[{"id": "1", "type": "X", "timestamp": 0}]', '"id" that is not a positive whole'),
        ('[{"id": 0, "type": "X", "timestamp": 0}]', '"id" that is not a positive whole'),
        ('[{"id": 1, "type": 5, "timestamp": 0}]', '"type" that is not text'),
        (
            '[{"id": 1, "type": "ExecutionStarted", "timestamp": 0,'
            ' "executionStartedEventDetails": "{}"}]',
            '"executionStartedEventDetails" that is not a JSON object',
        ),
        (
            '[{"id": 2, "previousEventId": "1", "type": "X", "timestamp": 0}]',
            '"previousEventId" that is not a whole number',
        ),
        (
            '[{"id": 1, "type": "X", "timestamp": "last tuesday"}]',
            "timestamp that is neither an ISO 8601 date nor a number: 'last tuesday'",
        ),
        ('[{"id": 1, "type": "X", "timestamp": true}]', "timestamp that is neither"),
        (
            '[{"id": 1, "type": "X", "timestamp": 0}, {"id": 1, "type": "Y", "timestamp": 0}]',
            "holds event id 1 twice",
        ),
    ],
)
def test_each_problem_in_a_file_is_one_sentence(tmp_path, content, message) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(HistoryFileError, match=message) as raised:
        load_history_file(path)
    text = str(raised.value)
    assert str(path) in text
    assert text.endswith(".")
    assert "\n" not in text


def test_a_missing_file(tmp_path) -> None:
    with pytest.raises(HistoryFileError, match=r"history\.json does not exist\.$"):
        load_history_file(tmp_path / "history.json")


def test_a_directory(tmp_path) -> None:
    with pytest.raises(HistoryFileError, match="is a directory, not a file"):
        load_history_file(tmp_path)


def test_a_file_that_is_not_utf8(tmp_path) -> None:
    path = _write(tmp_path, b'{"events": ["\xff\xfe"]}')
    with pytest.raises(HistoryFileError, match="is not UTF-8 text"):
        load_history_file(path)


def test_an_unreadable_file(tmp_path, monkeypatch) -> None:
    path = _write(tmp_path, "[]")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(HistoryFileError, match=r"cannot be read: Permission denied\.$"):
        load_history_file(path)
