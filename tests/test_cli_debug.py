"""`sfntui debug --batch`: every stop as one JSON line, then the run's result."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ORDER = str(EXAMPLES / "order.asl.json")
INPUT = str(EXAMPLES / "order.input.json")


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_breakpoints_with_a_condition_and_watches(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "debug",
            ORDER,
            "--input-file",
            INPUT,
            "--virtual-clock",
            "--batch",
            "--break",
            "PackItem",
            "--when",
            '$.sku != "lamp"',
            "--watch",
            "$.sku",
        ]
    )
    *stops, end = lines(capsys)
    assert code == 0
    assert [s["watches"]["$.sku"] for s in stops] == ["book", "mug"]
    assert [s["location"][0]["index"] for s in stops] == [0, 2]
    assert stops[0]["inspection"] == {"input": {"sku": "book", "position": 0}}
    assert end["result"]["status"] == "SUCCEEDED"


def test_an_exit_breakpoint_shows_every_processing_step(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "debug",
            ORDER,
            "--input-file",
            INPUT,
            "--virtual-clock",
            "--batch",
            "--break",
            "ChargeCard:exit",
        ]
    )
    stop, _ = lines(capsys)
    assert code == 0
    assert (stop["state"], stop["moment"]) == ("ChargeCard", "exit")
    charge = {"orderId": "A-1001", "amount": 42.5, "chargeId": "ch_A-1001"}
    assert stop["inspection"]["afterParameters"] == charge
    assert stop["inspection"]["output"]["charge"] == charge


def test_step_stops_at_every_transition(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["debug", ORDER, "--virtual-clock", "--batch", "--step"])
    *stops, end = lines(capsys)
    assert code == 1  # the empty order is rejected
    assert [(s["state"], s["moment"]) for s in stops] == [
        ("ValidateOrder", "enter"),
        ("ValidateOrder", "exit"),
        ("RejectOrder", "enter"),
        ("RejectOrder", "error"),
    ]
    assert end["result"]["error"] == "OrderRejected"


def test_break_on_error_stops_before_the_run_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["debug", ORDER, "--virtual-clock", "--batch", "--break-on-error"])
    stop, end = lines(capsys)
    assert code == 1
    assert (stop["state"], stop["moment"], stop["error"]) == (
        "RejectOrder",
        "error",
        "OrderRejected",
    )
    assert end["result"]["status"] == "FAILED"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--break", "Nope"], "no state 'Nope'"),
        (["--break", "PackItem", "--when", "$.a ==== 1"], "--when or --watch"),
    ],
)
def test_bad_breakpoints_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["debug", ORDER, "--batch", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_debug_without_batch_opens_the_debugger_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app's terminal loop replaced by a headless one that runs to the breakpoint."""
    from sfntui.tui.app import make_app
    from sfntui.tui.screens.debugger import DebuggerScreen
    from tests.tui.steps import wait_until

    seen: list[tuple[str, str, str]] = []

    def run_app(
        local: Any = None, *, aws: Any = None, examples_dir: Any = None, first_screen: Any = None
    ) -> int:
        async def drive() -> None:
            app = make_app(local, examples_dir=examples_dir, first_screen=first_screen)
            async with app.run_test(size=(120, 40)) as pilot:
                await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "it")
                screen = app.screen
                assert isinstance(screen, DebuggerScreen)
                await pilot.press("c")
                await wait_until(pilot, lambda: bool(screen.snapshots), "the breakpoint")
                stop = screen.snapshots[-1].stop
                seen.append((stop.state, stop.moment, stop.reason))
                # The run is kept in the run store with its stop, as the app's own runs are.
                assert screen.kept_arn is not None and local.store is not None
                kept = local.store.stops(screen.kept_arn)
                seen.extend((s["state"], s["moment"], "kept") for s in kept)

        asyncio.run(drive())
        return 0

    monkeypatch.setattr("sfntui.tui.app.run_app", run_app)
    argv = ["debug", ORDER, "--input-file", INPUT, "--virtual-clock", "--break", "ShipItems"]
    assert main(argv) == 0
    assert seen == [("ShipItems", "enter", "breakpoint"), ("ShipItems", "enter", "kept")]


def test_a_task_nothing_answers_stops_and_fails_in_batch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    flow = str(EXAMPLES / "mocks" / "OrderFlow.asl.json")
    # Named otherwise, the machine is not in the mock file beside it: nothing answers Charge.
    code = main(["debug", flow, "--name", "Elsewhere", "--virtual-clock", "--batch"])
    *stops, end = lines(capsys)
    assert code == 1
    assert [(s["state"], s["reason"]) for s in stops] == [("Charge", "needs_task_result")]
    assert stops[0]["task"]["parameters"]["FunctionName"] == "charge-card"
    assert end["result"]["status"] == "FAILED"  # the Task failed, Catch went to Refund


def test_the_mock_file_beside_the_definition_answers_its_tasks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    flow = str(EXAMPLES / "mocks" / "OrderFlow.asl.json")
    code = main(["debug", flow, "--virtual-clock", "--batch", "--break", "Ship"])
    *stops, end = lines(capsys)
    assert code == 0
    assert [s["state"] for s in stops] == ["Ship"]
    assert end["result"]["output"]["charge"] == {"chargeId": "ch_1"}  # HappyPath, the first
