"""`P` on a failed AWS execution: replayed locally in the debugger screen, its Tasks answered
as recorded, stopping at the recorded error. Against moto's server, which ran the execution
(its DynamoDB getItem fails on a missing table; a Catch goes to a Fail state)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static

from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.debugger import DebuggerScreen
from tests.replay.test_replay_aws import BAD, CATCH
from tests.tui.steps import main_screen, toasts, wait_until

from .conftest import REGION, Moto, unique
from .test_app_actions import SIZE, backend_at, open_execution


async def run_to_the_end(moto: Moto, definition: dict[str, Any], execution_input: Any) -> str:
    """Start an execution on moto and follow its history until it ends (sfntui's own tail)."""
    arn = moto.start(moto.create_machine(definition, unique("replay")), execution_input)
    options = ConnectionOptions(endpoint_url=moto.url, region=REGION)
    async with AwsSession(options) as session:
        async for _ in StepFunctions(session).follow(arn):
            pass
    return arn


async def test_p_replays_a_failed_aws_execution_to_its_recorded_error(
    moto: Moto, tmp_path: Path
) -> None:
    dynamodb = moto.client("dynamodb")
    assert "Nope" not in dynamodb.list_tables()["TableNames"]
    execution = await run_to_the_end(moto, CATCH, BAD)
    described = moto.client().describe_execution(executionArn=execution)
    recorded = moto.client().get_execution_history(executionArn=execution)["events"]
    failed = next(e for e in recorded if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    app = make_app(LocalBackend([tmp_path]), aws=backend_at(moto.url))
    async with app.run_test(size=SIZE) as pilot:
        await open_execution(pilot, described["stateMachineArn"], execution)
        offered = main_screen(pilot).check_action("replay", ())

        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger")
        screen = app.screen
        assert isinstance(screen, DebuggerScreen)
        await pilot.press("c")
        await wait_until(pilot, lambda: bool(screen.snapshots), "the first stop")
        stop = screen.snapshots[-1].stop
        banner = str(screen.query_one("#stop-banner", Static).render())

    assert offered is True
    assert described["status"] == "FAILED"
    assert (stop.state, stop.reason) == ("Lookup", "error")
    assert (stop.error, stop.cause) == (failed["error"], failed["cause"])
    assert f"Error: {failed['error']}" in banner
    assert screen.target.note is not None
    assert "on AWS it ended FAILED: LookupFailed (No such table.)" in screen.target.note


async def test_p_is_not_offered_for_a_local_run(tmp_path: Path) -> None:
    definition = tmp_path / "flow.asl.json"
    definition.write_text('{"StartAt": "S", "States": {"S": {"Type": "Fail", "Error": "E"}}}')
    app = make_app(LocalBackend([tmp_path]))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = main_screen(pilot)
        hidden = screen.check_action("replay", ())
        screen.action_replay()  # as the command palette would
        await wait_until(pilot, lambda: bool(toasts(pilot)), "the refusal")
        said: list[Any] = toasts(pilot)

    assert hidden is False
    assert said == ["Open an execution first."]
