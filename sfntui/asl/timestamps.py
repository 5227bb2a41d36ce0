"""Timestamps as Step Functions reads and writes them.

AWS accepts an "ISO-8601 extended offset date-time" (its error messages' words) in Choice
`Timestamp*` comparisons, `IsTimestamp` and a Wait's `Timestamp`/`TimestampPath`: the RFC 3339
profile the States Language specification asks for, `2016-03-14T01:59:00Z`, with an uppercase
`T`, seconds, an optional fraction of up to nine digits (AWS keeps nanoseconds) and either `Z`
or a `+01:00`-style offset. Anything else (no `T`, no zone, month 13, hour 25, `05-12-2016...`)
is not a timestamp.

Python's datetime stops at microseconds, so comparisons go through `timestamp_nanos`, which
keeps all nine digits.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_TIMESTAMP = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:\.(?P<fraction>\d{1,9}))?"
    r"(?:(?P<utc>Z)|(?P<sign>[+-])(?P<offset_hours>\d{2}):(?P<offset_minutes>\d{2}))",
    re.ASCII,
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_OFFSET = timedelta(hours=18)  # the widest offset AWS's (Java) parser takes


def _parse(text: object) -> tuple[datetime, int] | None:
    """The aware datetime written (in its own offset) and the nanoseconds below its microsecond."""
    if not isinstance(text, str):
        return None
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    offset = timedelta(0)
    if match["sign"] is not None:
        hours, minutes = int(match["offset_hours"]), int(match["offset_minutes"])
        offset = timedelta(hours=hours, minutes=minutes)
        if minutes > 59 or offset > _MAX_OFFSET:
            return None
        if match["sign"] == "-":
            offset = -offset
    digits = (match["fraction"] or "").ljust(9, "0")
    try:
        written = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(digits[:6]),
            tzinfo=timezone(offset),
        )
    except ValueError:  # month 13, hour 25, February 30, year 0, second 60
        return None
    return written, int(digits[6:])


def parse_timestamp(text: str) -> datetime | None:
    """The instant `text` names, as an aware UTC datetime (to the microsecond); None if invalid."""
    parsed = _parse(text)
    if parsed is None:
        return None
    try:
        return parsed[0].astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before datetime.min in UTC
        return None


def timestamp_nanos(text: object) -> int | None:
    """Nanoseconds since the Unix epoch for a valid timestamp, else None: for exact comparisons."""
    parsed = _parse(text)
    if parsed is None:
        return None
    written, extra_nanos = parsed
    return (written - _EPOCH) // timedelta(microseconds=1) * 1000 + extra_nanos


def is_timestamp(value: object) -> bool:
    """Whether a JSON value is a string AWS reads as a timestamp (Choice `IsTimestamp`)."""
    return _parse(value) is not None


def format_timestamp(moment: datetime) -> str:
    """AWS's history and context-object style: UTC, milliseconds, `2024-01-02T03:04:05.678Z`.

    A naive datetime is taken to be UTC already.
    """
    # isoformat is C, and truncates to the millisecond as AWS does; an engine run formats one
    # timestamp per state entered.
    if moment.tzinfo is not None:
        text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
        return text[:-6] + "Z"  # without "+00:00"
    return moment.isoformat(timespec="milliseconds") + "Z"
