"""`P` on a failed AWS execution: replayed locally in the debugger screen, its Tasks answered
as recorded, stopping at the recorded error. Against moto's server, which ran the execution
(its DynamoDB getItem fails on a missing table; a Catch goes to a Fail state)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions
from sfntui.backends.local import LocalBackend
from sfntui.tui.app import make_app
from sfntui.tui.screens.debugger import DebuggerScreen
from sfntui.tui.widgets.load_progress import LoadCount, LoadProgress
from tests.replay.test_replay_aws import BAD, CATCH
from tests.tui.steps import execution_view, main_screen, toasts, wait_until

from .conftest import REGION, Moto, unique
from .endpoints import FakeEndpoint, Reply, aws_paged_history
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


def held_history(endpoint: FakeEndpoint, hold: threading.Event, release: threading.Event) -> Any:
    """GetExecutionHistory over moto's in pages of 4 events (AWS may answer fewer than asked);
    while `hold` is set, the pages after the first wait for `release`."""
    paged = aws_paged_history(endpoint)

    def handle(body: dict[str, Any]) -> Reply:
        if hold.is_set() and body.get("nextToken"):
            release.wait(60)
        return paged(dict(body, maxResults=min(int(body.get("maxResults") or 100), 4)))

    return handle


def replay_progress(pilot: Pilot[Any]) -> tuple[bool, str]:
    progress = main_screen(pilot).query_one("#replay-progress", LoadProgress)
    return bool(progress.display), str(progress.query_one(LoadCount).render())


async def test_p_counts_the_history_read_for_the_replay_and_keys_answer_meanwhile(
    moto: Moto, tmp_path: Path
) -> None:
    execution = await run_to_the_end(moto, CATCH, BAD)
    described = moto.client().describe_execution(executionArn=execution)
    hold, release = threading.Event(), threading.Event()
    with FakeEndpoint(upstream=moto.url) as fake:
        fake.handlers["GetExecutionHistory"] = held_history(fake, hold, release)
        app = make_app(LocalBackend([tmp_path]), aws=backend_at(fake.url))
        try:
            async with app.run_test(size=SIZE) as pilot:
                await open_execution(pilot, described["stateMachineArn"], execution)
                view = execution_view(pilot)
                await wait_until(pilot, lambda: not view.loading, "the whole history")
                hold.set()
                await pilot.press("P")
                shown = (True, "Reading the history to replay it… 4 so far")
                await wait_until(pilot, lambda: replay_progress(pilot) == shown, "4 events")
                assert not isinstance(app.screen, DebuggerScreen)
                await pilot.press("e", "home")  # the keys answer meanwhile
                await wait_until(pilot, lambda: view.event_log.has_focus, "the event log")
                release.set()
                await wait_until(
                    pilot, lambda: isinstance(app.screen, DebuggerScreen), "the debugger"
                )
                assert not replay_progress(pilot)[0]
        finally:
            release.set()


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
