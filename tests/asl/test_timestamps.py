from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sfntui.asl.timestamps import (
    format_timestamp,
    is_timestamp,
    parse_timestamp,
    timestamp_nanos,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-03-14T01:59:00Z", datetime(2016, 3, 14, 1, 59, 0, tzinfo=UTC)),
        ("2016-03-14T01:59:00.5Z", datetime(2016, 3, 14, 1, 59, 0, 500000, tzinfo=UTC)),
        ("2016-03-14T01:59:00.123Z", datetime(2016, 3, 14, 1, 59, 0, 123000, tzinfo=UTC)),
        # AWS keeps nanoseconds (the corpus's Wait NANOSECONDS case); a datetime keeps micros.
        ("2016-03-05T21:29:29.243167252Z", datetime(2016, 3, 5, 21, 29, 29, 243167, tzinfo=UTC)),
        ("2012-10-09T19:00:55+01:00", datetime(2012, 10, 9, 18, 0, 55, tzinfo=UTC)),
        ("2012-10-09T19:00:55-05:30", datetime(2012, 10, 10, 0, 30, 55, tzinfo=UTC)),
        ("2012-10-09T19:00:55+00:00", datetime(2012, 10, 9, 19, 0, 55, tzinfo=UTC)),
        ("2024-02-29T23:59:59Z", datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)),
        ("2012-10-10T01:00:55+18:00", datetime(2012, 10, 9, 7, 0, 55, tzinfo=UTC)),
    ],
)
def test_valid_timestamps_parse_to_the_utc_instant(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)
    assert is_timestamp(text)


@pytest.mark.parametrize(
    "text",
    [
        "2016-12-05 21:29:29Z",  # no T (recorded AWS rejection)
        "2016-12-05T21:29:29",  # no zone (recorded)
        "2016-13-05T21:29:29Z",  # month 13 (recorded)
        "2016-12-05T25:29:29Z",  # hour 25 (recorded)
        "05-12-2016T21:29:29Z",  # day first (recorded)
        "2023-02-24",  # a date only
        "2023-02-24 12:15:56.832957",  # Python's str(datetime)
        "2012-10-09T19:00:55",
        "2016-02-30T00:00:00Z",  # no February 30th
        "2015-02-29T00:00:00Z",  # not a leap year
        "2016-12-05T21:60:00Z",
        "2016-12-05T21:29:60Z",  # leap seconds are not accepted
        "2016-12-05T21:29Z",  # seconds are required
        "2016-12-05t21:29:29Z",  # lowercase t
        "2016-12-05T21:29:29z",  # lowercase z
        "2016-12-05T21:29:29.Z",  # a point with no digits
        "2016-12-05T21:29:29.1234567890Z",  # more than nanoseconds
        "2016-12-05T21:29:29+0100",  # offsets need their colon
        "2016-12-05T21:29:29+01",
        "2016-12-05T21:29:29+19:00",  # beyond the widest offset
        "2016-12-05T21:29:29+01:60",
        "2016-12-05T21:29:29ZZ",
        " 2016-12-05T21:29:29Z",
        "2016-12-05T21:29:29Z\n",
        "0000-01-01T00:00:00Z",
        "\u0662\u0660\u0661\u0666-12-05T21:29:29Z",  # Arabic-Indic digits are not digits here
        "",
        "HelloWorld",
    ],
)
def test_what_aws_rejects_is_not_a_timestamp(text: str) -> None:
    assert parse_timestamp(text) is None
    assert timestamp_nanos(text) is None
    assert not is_timestamp(text)


@pytest.mark.parametrize("value", [None, 0, 1.5, True, [], {}, ["2016-03-14T01:59:00Z"]])
def test_non_strings_are_not_timestamps(value: object) -> None:
    assert not is_timestamp(value)
    assert timestamp_nanos(value) is None


def test_nanos_keep_all_nine_digits() -> None:
    base = timestamp_nanos("2016-03-05T21:29:29.243167252Z")
    assert base == 1457213369_243167252
    assert timestamp_nanos("2016-03-05T21:29:29.243167253Z") == base + 1
    # Equal after truncation to microseconds, yet different instants.
    assert parse_timestamp("2016-03-05T21:29:29.243167252Z") == parse_timestamp(
        "2016-03-05T21:29:29.243167999Z"
    )


def test_nanos_of_the_same_instant_in_different_offsets_are_equal() -> None:
    assert timestamp_nanos("2012-10-09T19:00:55Z") == timestamp_nanos("2012-10-09T20:00:55+01:00")
    assert timestamp_nanos("1970-01-01T00:00:00Z") == 0
    assert timestamp_nanos("1969-12-31T23:59:59.999999999Z") == -1


def test_an_instant_before_the_first_utc_day_is_not_representable() -> None:
    assert parse_timestamp("0001-01-01T00:00:00+01:00") is None
    assert timestamp_nanos("0001-01-01T00:00:00+01:00") is not None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), "2024-01-02T03:04:05.678Z"),
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05.000Z"),
        (datetime(2024, 1, 2, 3, 4, 5, 999999), "2024-01-02T03:04:05.999Z"),  # naive is UTC
        (
            datetime(2024, 1, 2, 4, 4, 5, 1000, tzinfo=timezone(timedelta(hours=1))),
            "2024-01-02T03:04:05.001Z",
        ),
        (datetime(5, 6, 7, 8, 9, 10, tzinfo=UTC), "0005-06-07T08:09:10.000Z"),
    ],
)
def test_format_timestamp_writes_aws_history_style(moment: datetime, expected: str) -> None:
    assert format_timestamp(moment) == expected


def test_formatted_timestamps_parse_back() -> None:
    moment = datetime(2023, 6, 22, 11, 8, 16, 123000, tzinfo=UTC)
    assert parse_timestamp(format_timestamp(moment)) == moment
