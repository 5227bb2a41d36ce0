"""JSON from outside is refused, with one sentence, where AWS would refuse it."""

from __future__ import annotations

import json

import pytest

from sfntui.asl.strict_json import JsonValueError, check_json_value, parse_json


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NaN", "NaN is not a JSON number"),
        ('{"a": [Infinity]}', "Infinity is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
        ("1e999", "too large for a JSON number"),
        ("[" * 10_000 + "]" * 10_000, "nested too deeply"),
        ("[" * 600 + "]" * 600, "nested too deeply"),
        ("1" * 5000, "5000 digits"),
        ('"\\ud800"', "lone surrogate"),
        ('{"\\udc00": 1}', "lone surrogate"),
        ('{"a": 1', "not valid JSON"),
    ],
)
def test_what_aws_refuses_is_one_sentence(text: str, words: str) -> None:
    with pytest.raises(JsonValueError) as raised:
        parse_json(text, "--input")
    message = str(raised.value)
    assert message.startswith("--input ")
    assert words in message
    assert "\n" not in message


def test_ordinary_json_reads_as_json() -> None:
    text = '{"a": [1, 2.5, "x\\ud83d\\ude00", null, true], "b": {"c": -3e10}}'
    assert parse_json(text) == json.loads(text)
    assert parse_json("[" * 500 + "]" * 500) is not None


def test_a_syntax_error_says_where() -> None:
    with pytest.raises(JsonValueError) as raised:
        parse_json('{\n  "a": }', "x")
    assert (raised.value.line, raised.value.column) == (2, 8)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"a": float("nan")}, "nan"),
        ([1, float("inf")], "inf"),
        ({"a": 10**5000}, "more than 4300 digits"),
        ({"a": "\ud800"}, "lone surrogate"),
    ],
)
def test_a_value_from_code_is_checked_too(value: object, words: str) -> None:
    with pytest.raises(JsonValueError, match=words):
        check_json_value(value, "the handler's result")
