"""Outside text is shown with its control characters visible: nothing acts on the terminal."""

from __future__ import annotations

import json

from sfntui.asl.visible_text import visible, visible_json

HOSTILE = "A\x1b]0;pwned\x07B\x1b[2J\r\x9b31m\u202eC\ud800\x00\x7f"


def test_every_control_character_is_written_as_an_escape() -> None:
    shown = visible(HOSTILE)
    assert shown == "A\\x1b]0;pwned\\x07B\\x1b[2J\\r\\x9b31m\\u202eC\\ud800\\x00\\x7f"
    assert all(ch.isprintable() for ch in shown)
    shown.encode("utf-8")  # a lone surrogate no longer makes printing fail


def test_plain_text_is_left_alone_and_newlines_can_stay() -> None:
    assert visible("Charge card · 支払い 🙂") == "Charge card · 支払い 🙂"
    assert visible("a\nb") == "a\\nb"
    assert visible("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"
    assert visible(visible(HOSTILE)) == visible(HOSTILE)


def test_json_output_is_valid_json_holding_the_same_value_and_no_control_character() -> None:
    value = {"name" + HOSTILE.replace("\ud800", ""): [HOSTILE.replace("\ud800", ""), 1.5]}
    text = visible_json(value, indent=2)
    assert json.loads(text) == value
    assert not any(ord(ch) < 0x20 and ch != "\n" for ch in text)
    assert "\x9b" not in text and "\u202e" not in text


def test_json_output_has_no_nan() -> None:
    text = visible_json({"a": float("nan"), "b": [float("inf")]})
    assert json.loads(text) == {"a": None, "b": [None]}
