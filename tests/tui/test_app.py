"""The app on the built-in examples, driven with Pilot as a person would use it."""

from __future__ import annotations

import json

from textual import events
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from sfntui.backends.local import LocalBackend
from sfntui.tui.app import EXAMPLES_DIR, make_app
from sfntui.tui.screens.help import HelpScreen
from sfntui.tui.screens.main import MainScreen
from sfntui.tui.screens.run_dialog import RunDialog
from sfntui.tui.widgets.event_log import EventLog
from sfntui.tui.widgets.execution_summary import ExecutionSummaryHeader
from tests.tui.steps import (
    ORDER_INPUT,
    choose_machine,
    examples_app,
    execution_view,
    graph,
    graph_of,
    machine_shown,
    main_screen,
    open_run_dialog,
    order_input,
    run_order,
    select_state,
    sidebar,
    toasts,
    type_filter,
    wait_until,
)

SIZE = (100, 32)


async def test_the_examples_are_listed_and_the_first_is_drawn() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = sidebar(pilot)
        await wait_until(pilot, lambda: machine_shown(pilot), "a machine shown")
        assert [m.name for m in tree.machines] == ["order", "OrderFlow"]
        assert "ValidateOrder" in graph(pilot).drawing.plain()
        assert "has not run" not in execution_view(pilot).inspector.body_text
        assert "run the machine with r" in execution_view(pilot).inspector.body_text


async def test_a_run_of_order_is_followed_to_its_end() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "order")
        dialog = await open_run_dialog(pilot)
        prefilled = dialog.query_one("#run-input", TextArea).text
        assert json.loads(prefilled) == order_input()  # from examples/order.input.json
        await pilot.press("escape")
        await run_order(pilot)

        [execution] = sidebar(pilot).executions_of(main_screen(pilot).machine.arn)  # type: ignore[union-attr]
        node = sidebar(pilot).execution_node(execution.arn)
        assert node is not None and str(node.label).startswith("✓ ")
        assert sidebar(pilot).cursor_node is node  # the new run is the one shown

        drawing = graph(pilot).drawing.plain()
        for state in ("ValidateOrder", "ChargeCard", "WaitForSettlement", "ShipItems", "Notify"):
            assert f"✓ {state}" in drawing
        assert "○ RejectOrder" in drawing  # not reached

        log = execution_view(pilot).event_log
        assert log.row_count == len(log.event_ids) == 32
        assert log.get_row_at(log.row_count - 1).type == "ExecutionSucceeded"
        assert log.get_row_at(3).state == "ChargeCard"

        # With no state chosen, the inspector shows the execution's output.
        body = execution_view(pilot).inspector.body_text
        assert "Execution output" in body and '"chargeId": "ch_A-1001"' in body


async def test_the_inspector_shows_a_state_and_narrows_it_with_a_jsonpath() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_order(pilot)
        await select_state(pilot, "ChargeCard")
        inspector = execution_view(pilot).inspector
        assert inspector.state == "ChargeCard"
        heading = str(inspector.query_one("#inspector-heading", Static).render())
        assert "ChargeCard" in heading and "SUCCEEDED" in heading
        output = inspector.body_text.split("Output\n", 1)[1]
        assert json.loads(output)["charge"] == {
            "orderId": "A-1001",
            "amount": 42.5,
            "chargeId": "ch_A-1001",
        }

        await type_filter(pilot, "$.charge.chargeId")
        assert inspector.body_text.split("Output\n", 1)[1].strip() == '"ch_A-1001"'
        assert "no match" in inspector.body_text.split("Output\n", 1)[0]  # the input has none

        await pilot.press("backspace", "[")  # "$.charge.chargeI[": not a JSONPath
        error = inspector.query_one("#jsonpath-error", Static)
        assert error.display
        assert "not a valid JSONPath" in str(error.render())
        assert inspector.query_one("#jsonpath", Input).has_class("-invalid")
        assert '"chargeId": "ch_A-1001"' in inspector.body_text  # shown whole meanwhile

        await pilot.press("escape", "g", "tab")  # the app goes on: the next state
        assert graph(pilot).selected == "RejectOrder"
        assert "RejectOrder has not run" in inspector.body_text


async def test_an_event_in_the_log_shows_its_run_and_brackets_step_through_runs() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_order(pilot)
        log = execution_view(pilot).event_log
        first_pack = next(
            i for i in range(log.row_count) if log.get_row_at(i).state == "PackItem"
        )
        await pilot.press("e")
        await pilot.press("home", *["down"] * first_pack)
        inspector = execution_view(pilot).inspector
        # Where the cursor rests, the inspector follows.
        await wait_until(pilot, lambda: inspector.state == "PackItem", "the inspector")
        heading = str(inspector.query_one("#inspector-heading", Static).render())
        assert "ShipItems[0] › PackItem" in heading and "run 1/3" in heading
        assert graph(pilot).selected == "PackItem"
        await pilot.press("right_square_bracket", "right_square_bracket")
        heading = str(inspector.query_one("#inspector-heading", Static).render())
        assert "run 3/3" in heading
        assert '"label": "box-2"' in inspector.body_text


async def test_an_open_execution_has_its_summary_above_the_graph_and_a_machine_none() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "order")
        view = execution_view(pilot)
        header = view.query_one("#execution-header", ExecutionSummaryHeader)
        assert not header.display  # a machine alone: nothing to summarise
        await run_order(pilot)
        [execution] = sidebar(pilot).executions_of(main_screen(pilot).machine.arn)  # type: ignore[union-attr]
        assert header.display
        said = header.plain
        assert f"Execution {execution.arn}" in said
        assert "✓ SUCCEEDED" in said and "(5.000 s)" in said and "redrives 0" in said
        await pilot.press("m", "up", "enter")  # back to the machine alone
        await wait_until(pilot, lambda: view.execution is None, "the machine shown")
        assert not header.display


async def test_keys_sent_at_once_move_the_cursor_each_and_the_inspector_once() -> None:
    told: dict[int, int] = {}  # each EventChosen once (the hook sees it at each widget)

    def hook(message: Message) -> None:
        if isinstance(message, EventLog.EventChosen):
            told.setdefault(id(message), message.event_id)

    app = examples_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await run_order(pilot)
        log = execution_view(pilot).event_log
        await pilot.press("e", "home")
        start = log.cursor
        await wait_until(pilot, lambda: list(told.values())[-1:] == [1], "the first row told")
        told.clear()
        driver = app._driver
        assert driver is not None
        for _ in range(5):  # as a terminal sends a held key: all queued before any is handled
            driver.send_message(events.Key("down", None))
        wanted = log.event_ids[start + 5]
        await wait_until(pilot, lambda: list(told.values())[-1:] == [wanted], "the inspector")
        chosen = list(told.values())
        assert log.cursor == start + 5  # no key dropped
        # The inspector and the graph are redrawn where the cursor rests, not at each row
        # passed (on a 25,000-event history each redraw took longer than a key repeat).
        assert len(chosen) <= 2, chosen
        inspector = execution_view(pilot).inspector
        run = inspector.projection.run_for_event(wanted) if inspector.projection else None
        assert run is not None and inspector.run is run


async def test_bad_json_in_the_run_dialog_is_reported_and_kept() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose_machine(pilot, "order")
        dialog = await open_run_dialog(pilot)
        area = dialog.query_one("#run-input", TextArea)
        area.load_text('{"order": ')
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(toasts(pilot)), "a notification")
        assert any("not valid JSON" in text and "line 1" in text for text in toasts(pilot))
        assert pilot.app.screen is dialog
        assert area.text == '{"order": '
        assert sidebar(pilot).executions_of(main_screen(pilot).machine.arn) == []  # type: ignore[union-attr]


async def test_a_backend_error_is_a_notification_and_the_app_goes_on() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose_machine(pilot, "OrderFlow")  # its Lambda task has no mock here
        await open_run_dialog(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(toasts(pilot)), "a notification")
        assert any("OrderFlow cannot run" in text for text in toasts(pilot))
        assert isinstance(pilot.app.screen, MainScreen)
        await choose_machine(pilot, "order")  # still answering


async def test_question_mark_lists_the_keys() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "order")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        rows = pilot.app.screen.rows()  # type: ignore[attr-defined]
        described = {(keys, text) for _group, keys, text in rows}
        assert ("r", "Run the selected state machine") in described
        assert ("/", "Type a JSONPath that narrows the inspector's JSON") in described
        assert ("q", "Quit") in described
        assert any(keys == "tab" and "Next state" in text for keys, text in described)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_the_command_palette_runs_the_selected_machine() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "order")
        await pilot.press("ctrl+p")
        await pilot.press(*"run order")
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        hits = palette.query_one(CommandList)
        await wait_until(pilot, lambda: hits.highlighted is not None, "the palette's first hit")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RunDialog), "the dialog")


async def test_make_app_defaults_to_the_examples_folder() -> None:
    app = make_app()
    assert "examples" in app.local.label
    assert app.backends == [app.local]
    assert EXAMPLES_DIR.joinpath("order.asl.json").is_file()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(sidebar(pilot).machines), "the machines")
        assert "order" in [m.name for m in sidebar(pilot).machines]


async def test_the_run_dialog_starts_from_an_empty_object_without_an_example(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "solo.asl.json").write_text(
        json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    )
    app = make_app(examples_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose_machine(pilot, "solo")
        dialog = await open_run_dialog(pilot)
        assert dialog.query_one("#run-input", TextArea).text == "{}"
        await pilot.press("ctrl+s")
        view = execution_view(pilot)
        await wait_until(pilot, lambda: view.status == "SUCCEEDED", "the run")
        assert ORDER_INPUT not in view.inspector.body_text


async def test_a_named_second_run_and_going_back_to_the_first_keeps_the_chosen_state() -> None:
    app = examples_app()
    async with app.run_test(size=SIZE) as pilot:
        await run_order(pilot)
        dialog = await open_run_dialog(pilot)
        dialog.query_one("#run-name", Input).focus()
        await pilot.press(*"second")
        await pilot.press("ctrl+s")
        machine_arn = main_screen(pilot).machine.arn  # type: ignore[union-attr]
        await wait_until(
            pilot,
            lambda: (
                [(e.name, e.status) for e in sidebar(pilot).executions_of(machine_arn)]
                == [("second", "SUCCEEDED"), ("local-1", "SUCCEEDED")]
            ),
            "both runs listed, newest first",
        )
        view = execution_view(pilot)
        await wait_until(pilot, lambda: view.status == "SUCCEEDED", "the second run")
        assert view.execution is not None and view.execution.name == "second"
        await select_state(pilot, "ChargeCard")

        await pilot.press("m", "down", "enter")  # the older run, under the newer
        await wait_until(
            pilot,
            lambda: view.execution is not None and view.execution.name == "local-1",
            "the first run",
        )
        await wait_until(pilot, lambda: view.status == "SUCCEEDED", "its history")
        assert view.inspector.state == "ChargeCard"
        assert '"chargeId": "ch_A-1001"' in view.inspector.body_text


def _pass_chain(*states: str) -> str:
    names = list(states)
    chain = {
        name: {"Type": "Pass", **({"Next": names[i + 1]} if i + 1 < len(names) else {"End": True})}
        for i, name in enumerate(names)
    }
    return json.dumps({"StartAt": names[0], "States": chain})


async def test_reload_shows_new_and_edited_definition_files(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "flow.asl.json").write_text(_pass_chain("Before"))
    app = make_app(LocalBackend([tmp_path]), examples_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: graph_of(pilot) == "flow", "the graph of flow")
        assert "Before" in graph(pilot).drawing.plain()

        (tmp_path / "flow.asl.json").write_text(_pass_chain("Edited", "Again"))
        (tmp_path / "added.asl.json").write_text(_pass_chain("New"))
        main_screen(pilot).load_machines()  # the command palette's "Reload the state machines"
        await wait_until(
            pilot,
            lambda: [m.name for m in sidebar(pilot).machines] == ["added", "flow"],
            "the new file listed",
        )
        view = execution_view(pilot)
        await wait_until(
            pilot,
            lambda: view.graph is not None and "Edited" in view.graph.drawing.plain(),
            "the edited graph",
        )

        drawing = graph(pilot).drawing.plain()
        assert "Again" in drawing and "Before" not in drawing
        assert main_screen(pilot).machine.name == "flow"  # type: ignore[union-attr]  # still open
