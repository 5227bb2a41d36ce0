"""The graph's status input: plain state -> status mappings, and the adapter that reads them
from a history projection (with Map iterations counted)."""

from __future__ import annotations

from sfntui.asl.parse import parse_state_machine
from sfntui.graph import GraphStatus, render_text, status_from_projection
from sfntui.history.projection import Projection
from tests.history.builder import HistoryBuilder

MACHINE = parse_state_machine(
    {
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Apologise"}],
                "Next": "Items",
            },
            "Items": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "Pack",
                    "States": {"Pack": {"Type": "Pass", "End": True}},
                },
                "End": True,
            },
            "Apologise": {"Type": "Pass", "End": True},
        },
    }
)


def _a_caught_charge() -> Projection:
    history = HistoryBuilder()
    history.start()
    history.enter("Task", "Charge")
    history.attempt(failure=("CardDeclined", "insufficient funds"))
    history.exit("Task", "Charge", {"Error": "CardDeclined"})
    history.pass_state("Apologise")
    history.succeed({})
    return Projection(history.events)


def _a_map_half_way() -> Projection:
    history = HistoryBuilder()
    history.start({"items": [1, 2, 3]})
    history.task("Charge", {"items": [1, 2, 3]}, {"items": [1, 2, 3]})
    history.enter("Map", "Items", {"items": [1, 2, 3]})
    started = history.add("MapStateStarted", length=3)
    for index in (0, 1):
        history.add("MapIterationStarted", prev=started, name="Items", index=index)
        history.pass_state("Pack", index)
        history.add("MapIterationSucceeded", name="Items", index=index)
    history.add("MapIterationStarted", prev=started, name="Items", index=2)
    history.enter("Pass", "Pack", 2)
    return Projection(history.events)


def test_the_adapter_takes_each_states_latest_status() -> None:
    status = status_from_projection(_a_caught_charge(), current="Apologise", breakpoints={"X"})
    assert status.states == {"Charge": "CAUGHT", "Apologise": "SUCCEEDED"}
    assert status.of("Items") == "NOT_REACHED"
    assert status.current == "Apologise"
    assert status.breakpoints == frozenset({"X"})


def test_the_adapter_counts_a_maps_iterations_by_status() -> None:
    status = status_from_projection(_a_map_half_way())
    assert status.of("Items") == "RUNNING"
    assert status.of("Pack") == "RUNNING"
    assert status.iterations_of("Items") == {"SUCCEEDED": 2, "RUNNING": 1}


def test_a_drawn_map_shows_its_iteration_counts() -> None:
    text = render_text(MACHINE, projection=_a_map_half_way())
    assert "✓ Charge" in text
    assert "◐ Items" in text
    assert "✓2 ◐1" in text  # on the Map frame's bottom border


def test_no_projection_means_no_run_and_no_symbols() -> None:
    status = status_from_projection(None, current="Charge")
    assert status.of("Charge") is None
    assert status.shows_run is False
    assert status.marks_anything is True  # the current stop still shows


def test_an_unknown_status_string_reads_as_not_reached() -> None:
    assert GraphStatus({"Charge": "SOMETHING_NEW"}).of("Charge") == "NOT_REACHED"


def test_a_plain_mapping_and_the_current_stop_together() -> None:
    text = render_text(MACHINE, status={"Charge": "RETRIED"}, current="Charge")
    assert "╔" in text and "↻ Charge" in text
    assert "↻ retried" in text and "stopped here" in text
