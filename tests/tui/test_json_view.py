"""The JSON view: a 256 KiB payload read to its last line, folding, the path under the
cursor, copying and saving, strings shown escaped, strings holding JSON opened, search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from sfntui.asl.paths import compile_path
from sfntui.history.projection import Projection
from sfntui.tui.json_lines import JsonLines, Section, json_string, path_text
from sfntui.tui.screens.prompt import PromptScreen
from sfntui.tui.widgets.json_view import JsonView
from tests.tui.steps import examples_app, execution_view, machine_shown, toasts, wait_until

ORDER = {
    "order": {
        "id": "A-1",
        "items": [
            {"sku": "S-1", "qty": 1},
            {"sku": "S-2", "qty": 2},
            {"sku": "S-3", "qty": 3},
        ],
    },
    "note": "first line\u2028second\u2029third\x1b[31mred\x07\ttab\u202eevil",
    "cause": json.dumps({"errorType": "ValueError", "errorMessage": "bad sku"}),
}


class JsonApp(App[None]):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def compose(self) -> ComposeResult:
        yield JsonView(id="json")

    def on_mount(self) -> None:
        view = self.query_one(JsonView)
        view.show(self.value)
        view.focus()


def view_of(pilot: Pilot[Any]) -> JsonView:
    return pilot.app.query_one(JsonView)


def screen_lines(view: JsonView) -> list[str]:
    """The lines the view draws, as text, trailing blanks dropped."""
    height = view.scrollable_content_region.height
    return [view.render_line(y).text.rstrip() for y in range(height)]


def big_payload() -> dict[str, Any]:
    """About 256 KiB of JSON: a Step Functions payload at its limit."""
    items = [{"i": i, "sku": f"SKU-{i:05d}", "pad": "x" * 40} for i in range(3100)]
    items[-1]["sku"] = "THE-LAST-ONE"
    return {"items": items}


async def test_a_256_kib_payload_is_shown_whole_and_read_to_its_last_line() -> None:
    payload = big_payload()
    text = json.dumps(payload)
    assert 240_000 < len(text) < 262_144
    start = {
        "id": 1,
        "type": "ExecutionStarted",
        "timestamp": "2024-01-01T00:00:00Z",
        "executionStartedEventDetails": {"input": text},
    }
    app = examples_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = execution_view(pilot)
        await wait_until(pilot, lambda: machine_shown(pilot), "a machine shown")
        inspector = view.inspector
        inspector.show(Projection([start]))
        body = inspector.body
        # Whole: every line of the pretty-printed document, nothing cut.
        assert body.plain.split("\n", 1)[1] == json.dumps(payload, indent=2)
        body.focus()
        await pilot.press("end")
        last_lines = lambda: [line.strip() for line in screen_lines(body)][-3:]  # noqa: E731
        await wait_until(pilot, lambda: last_lines() == ["}", "]", "}"], "the last line shown")
        shown = [line.strip() for line in screen_lines(body)]
        assert '"sku": "THE-LAST-ONE",' in shown
        # The filter still narrows it; `f` on a value makes its path the filter.
        await pilot.press("up", "up", "up", "up")
        await pilot.pause()
        assert body.cursor_path == "$.items[3099].sku"
        assert str(inspector.query_one("#inspector-path").render()) == "$.items[3099].sku"
        await pilot.press("f")
        await wait_until(pilot, lambda: inspector.path is not None, "the filter")
        assert inspector.query_one("#jsonpath", Input).value == "$.items[3099].sku"
        assert body.plain.splitlines() == ["Execution input", '"THE-LAST-ONE"']


async def test_folding_all_then_a_level_then_everything() -> None:
    async with JsonApp(ORDER).run_test(size=(80, 24)) as pilot:
        view = view_of(pilot)
        await pilot.press("minus")
        await pilot.pause()
        assert view.plain.splitlines() == [
            "{",
            '  "order": {… 2 keys},',
            f'  "note": {json_string(ORDER["note"])},',
            f'  "cause": {json_string(ORDER["cause"])}',
            "}",
        ]
        await pilot.press("plus")
        await pilot.pause()
        assert '    "items": [… 3 items]' in view.plain.splitlines()
        await pilot.press("asterisk")
        await pilot.pause()
        assert view.plain == json.dumps(ORDER, indent=2, ensure_ascii=False).replace(
            json.dumps(ORDER["note"], ensure_ascii=False), json_string(ORDER["note"])
        )
        # One object: the cursor on "items", left folds it, right unfolds it.
        await pilot.press("down", "down", "down")
        assert view.cursor_path == "$.order.items"
        await pilot.press("left")
        await pilot.pause()
        assert '    "items": [… 3 items]' in screen_lines(view)
        await pilot.press("right")
        await pilot.pause()
        assert "      {" in screen_lines(view)


async def test_copying_the_value_the_document_and_the_path() -> None:
    async with JsonApp(ORDER).run_test(size=(80, 24), notifications=True) as pilot:
        view = view_of(pilot)
        app = pilot.app
        await pilot.press("down", "down", "down", "down")  # the first item
        assert view.cursor_path == "$.order.items[0]"
        await pilot.press("c")
        assert json.loads(app.clipboard) == {"sku": "S-1", "qty": 1}
        await pilot.press("p")
        assert app.clipboard == "$.order.items[0]"
        await pilot.press("C")
        assert json.loads(app.clipboard) == ORDER
        await pilot.pause()
        assert any("Copied the whole document" in toast for toast in toasts(pilot))


async def test_saving_the_document_to_a_file(tmp_path: Path) -> None:
    async with JsonApp(ORDER).run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a dialog")
        box = pilot.app.screen.query_one(Input)
        box.value = str(tmp_path / "saved.json")
        await pilot.press("enter")
        await wait_until(pilot, lambda: (tmp_path / "saved.json").exists(), "the file")
        assert json.loads((tmp_path / "saved.json").read_text()) == ORDER
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a dialog")
        pilot.app.screen.query_one(Input).value = str(tmp_path / "no-such-folder" / "x.json")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Could not save" in t for t in toasts(pilot)), "why")


async def test_separators_and_control_characters_are_shown_escaped() -> None:
    async with JsonApp(ORDER).run_test(size=(120, 24)) as pilot:
        view = view_of(pilot)
        note = next(line for line in screen_lines(view) if '"note"' in line)
        assert note == (
            '  "note": "first line\\u2028second\\u2029third\\u001b[31mred\\u0007\\ttab\\u202eevil",'
        )
        assert all(ord(ch) >= 32 for line in screen_lines(view) for ch in line)


async def test_a_string_holding_json_opens_as_json_and_closes_again() -> None:
    async with JsonApp(ORDER).run_test(size=(80, 24), notifications=True) as pilot:
        view = view_of(pilot)
        await pilot.press("end", "up")
        assert view.cursor_path == "$.cause"
        await pilot.press("o")
        await pilot.pause()
        assert '  "cause": json {' in screen_lines(view)
        assert '    "errorMessage": "bad sku"' in screen_lines(view)
        await pilot.press("down", "down")
        assert view.cursor_path == "$.cause → $.errorMessage"
        await pilot.press("o")
        await pilot.pause()
        assert f'  "cause": {json_string(ORDER["cause"])}' in view.plain.splitlines()
        await pilot.press("up")  # "note": not JSON
        await pilot.press("o")
        await pilot.pause()
        assert any("not a string holding" in toast for toast in toasts(pilot))


async def test_a_long_string_is_shown_whole_in_pieces_as_wide_as_the_view() -> None:
    log = "".join(f"line {i:05d} of the log\n" for i in range(900)) + "THE-END"
    document = {"log": log, "after": 1}
    async with JsonApp(document).run_test(size=(80, 24), notifications=True) as pilot:
        view = view_of(pilot)
        await pilot.pause()
        width = view.scrollable_content_region.width

        def pieces() -> list[str]:
            return view.plain.splitlines()[1:-2]

        def joined() -> str:
            """The pieces without their indents ("log" is two spaces in, its pieces four)."""
            first, *more = pieces()
            assert all(piece.startswith("    ") for piece in more)
            return first[2:] + "".join(piece[4:] for piece in more)

        assert len(log) > 19_000
        # Every character is there, nothing cut, and no line is wider than the view.
        assert joined() == f'"log": {json_string(log)},'
        assert all(len(line) <= width for line in view.plain.splitlines())
        assert pieces()[-1].endswith('THE-END",')
        # Read to its end with the keys; a piece is the string: its path, its value copied.
        await pilot.press("end", "up", "up")
        assert screen_lines(view)[-3].endswith('THE-END",')
        assert view.cursor_path == "$.log"
        await pilot.press("c")
        assert pilot.app.clipboard == log
        # A wider terminal: wider pieces, the cursor still on the string.
        await pilot.resize_terminal(120, 24)
        await wait_until(pilot, lambda: view.scrollable_content_region.width > width, "wider")
        await wait_until(pilot, lambda: max(map(len, pieces())) > width, "wider pieces")
        assert joined() == f'"log": {json_string(log)},'
        assert view.cursor_path == "$.log"


async def test_search_moves_to_each_match_and_unfolds_what_hides_it() -> None:
    async with JsonApp(ORDER).run_test(size=(80, 24), notifications=True) as pilot:
        view = view_of(pilot)
        await pilot.press("minus", "slash")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a prompt")
        await pilot.press(*"sku", "enter")
        await wait_until(pilot, lambda: view.cursor_path == "$.order.items[0].sku", "a match")
        await pilot.press("n")
        assert view.cursor_path == "$.order.items[1].sku"
        await pilot.press("N", "N")
        assert view.cursor_path == "$.cause"  # backwards, round the end: the cause has "sku"
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), "a prompt")
        await pilot.press(*"nowhere", "enter")
        await wait_until(pilot, lambda: any("Not found" in t for t in toasts(pilot)), "a note")


def test_a_filter_shows_paths_from_the_document_top() -> None:
    lines = JsonLines()
    lines.load([Section("Output", ORDER)], compile_path("$.order.items"))
    assert lines.path(3) == "$.order.items[0].sku"
    lines.load([Section("Output", ORDER)], compile_path("$..sku"))
    assert lines.path(2) == "$[0] (in the result of $..sku)"


def test_a_path_names_awkward_keys_so_that_it_finds_them_again() -> None:
    document = {"a b": {"it's": [0, {"x": 5}]}}
    text = path_text(["a b", "it's", 1, "x"])
    assert text == "$['a b']['it\\'s'][1].x"
    assert compile_path(text).find(document) == 5
