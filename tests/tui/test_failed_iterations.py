"""An inline Map's failed iterations one key away: F steps the inspector through the selected
state's failed runs only (here the Fail state of the odd items, caught inside each iteration)."""

from __future__ import annotations

import json
from pathlib import Path

from sfntui.backends.local import LocalBackend
from sfntui.engine.clock import DEFAULT_START
from sfntui.engine.runner import RunSetup
from sfntui.tui.app import make_app
from tests.tui.steps import execution_view, main_screen, wait_until

ITERATION = {
    "StartAt": "Guard",
    "States": {
        "Guard": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Odd?",
                    "States": {
                        "Odd?": {
                            "Type": "Choice",
                            "Choices": [
                                {"Variable": "$.odd", "BooleanEquals": True, "Next": "Boom"}
                            ],
                            "Default": "Fine",
                        },
                        "Boom": {"Type": "Fail", "Error": "Odd", "Cause": "odd item"},
                        "Fine": {"Type": "Pass", "End": True},
                    },
                }
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
            "End": True,
        },
        "Caught": {"Type": "Pass", "End": True},
    },
}
DEFINITION = {
    "StartAt": "Items",
    "States": {
        "Items": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": ITERATION, "End": True}
    },
}


def yes(_action: object) -> bool:
    return True


async def test_f_steps_through_the_failed_runs_of_the_selected_state(tmp_path: Path) -> None:
    (tmp_path / "items.asl.json").write_text(json.dumps(DEFINITION))
    backend = LocalBackend(
        [tmp_path], setup=lambda _n: RunSetup(virtual_clock=True, clock_start=DEFAULT_START)
    )
    app = make_app(backend, examples_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await wait_until(pilot, lambda: screen.machine is not None, "the app")
        items = [{"odd": i % 2 == 1} for i in range(6)]
        assert screen.machine is not None
        summary = await backend.start_execution(
            screen.machine.arn, execution_input={"items": items}, confirm=yes
        )
        screen.open_execution(summary, backend)
        view = execution_view(pilot)
        await wait_until(
            pilot,
            lambda: view.status is not None and view.status.value == "SUCCEEDED",
            "the run to end",
        )
        assert view.graph is not None
        await wait_until(
            pilot, lambda: view.graph is not None and bool(view.graph.box_of("Odd?")), "graph"
        )
        view.graph.selected = "Odd?"
        await pilot.pause()
        inspector = view.inspector
        assert len(inspector.runs) == 6
        assert all(run.status.value == "SUCCEEDED" for run in inspector.runs)
        await pilot.press("F")  # no failed run of Odd?: said, nothing moves
        view.graph.selected = "Boom"
        await pilot.pause()
        runs = inspector.runs
        assert len(runs) == 3 and all(run.status.value == "FAILED" for run in runs)
        seen = []
        for _ in range(4):
            await pilot.press("F")
            seen.append(inspector.run_index)
        assert seen == [0, 1, 2, 0]
