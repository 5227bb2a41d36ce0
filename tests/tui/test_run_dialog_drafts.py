"""The run dialog keeps what was typed through a refusal or a cancel."""

from __future__ import annotations

import json

from textual.widgets import Input, TextArea

from tests.tui.steps import (
    choose_machine,
    examples_app,
    main_screen,
    open_run_dialog,
    toasts,
    wait_until,
)

SIZE = (80, 24)


async def test_a_run_the_backend_refuses_keeps_what_was_typed_for_the_next_try() -> None:
    # OrderFlow's Tasks have no resolver: the backend refuses the run after the dialog closed.
    app = examples_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose_machine(pilot, "OrderFlow")
        dialog = await open_run_dialog(pilot)
        dialog.query_one("#run-name", Input).value = "attempt-1"
        dialog.query_one("#run-input", TextArea).load_text('{"orderId": "typed-by-hand"}')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any("cannot run" in t for t in toasts(pilot)), "a toast")
        assert app.screen is main_screen(pilot)  # the app goes on

        dialog = await open_run_dialog(pilot)
        assert json.loads(dialog.text) == {"orderId": "typed-by-hand"}
        assert dialog.query_one("#run-name", Input).value == "attempt-1"


async def test_a_cancelled_run_dialog_opens_again_with_what_was_typed() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "order")
        dialog = await open_run_dialog(pilot)
        dialog.query_one("#run-input", TextArea).load_text('{"half": "typed"')
        await pilot.press("escape")
        dialog = await open_run_dialog(pilot)
        assert dialog.text == '{"half": "typed"'
