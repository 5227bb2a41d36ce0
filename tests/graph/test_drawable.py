"""Definitions with findings made drawable: the shape kept, the states holding findings named."""

from __future__ import annotations

import pytest

from sfntui.graph import render_text
from sfntui.graph.drawable import CannotDraw, drawable_machine


def test_a_wrong_start_inside_a_map_and_an_empty_branch_still_draw() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "Nope", "States": {"Pack": {"Type": "Pass",
                                                                         "End": True}}},
                "Next": "Both",
            },
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                    {"StartAt": "Right", "States": {}},
                ],
                "End": True,
            },
        },
    }
    drawable = drawable_machine(definition)
    assert drawable.marked == frozenset({"Each", "Both"})
    assert [d.pointer for d in drawable.errors] == [
        "/States/Each/ItemProcessor/StartAt",
        "/States/Both/Branches/1/States",
    ]
    text = render_text(drawable.machine)
    for name in ("Each", "Pack", "Both", "Left"):
        assert name in text
    assert text.splitlines()[-1] == "! has findings (sfntui validate)"


def test_a_warning_marks_its_state_but_a_note_does_not() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
                "Retry": [{"ErrorEquals": ["States.Custom"]}],
                "Next": "Wait",
            },
            "Wait": {"Type": "Wait", "Seconds": "${Delay}", "End": True},
        },
    }
    drawable = drawable_machine(definition)
    assert drawable.errors == []
    assert drawable.marked == frozenset({"Call"})


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ([], "the definition is not a JSON object, so there is nothing to draw"),
        ({"StartAt": "A"}, "the definition has no states to draw"),
        ({"StartAt": "A", "States": {}}, "the definition has no states to draw"),
    ],
)
def test_only_a_definition_without_states_cannot_be_drawn(definition: object, message: str) -> None:
    with pytest.raises(CannotDraw) as refused:
        drawable_machine(definition)
    assert refused.value.message == message
