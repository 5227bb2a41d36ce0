"""The run store: real SQLite files under XDG_DATA_HOME, written as runs go, read back."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sfntui.backends.local import LocalBackend
from sfntui.backends.machine_setup import MachineSetups
from sfntui.history.actions import always
from sfntui.history.events import load_history_file
from sfntui.runs.store import RunStore, default_store_path
from tests.deadline import awaited

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STARTED = datetime(2024, 1, 1, tzinfo=UTC)


def test_the_store_lives_under_xdg_data_home(own_data_folder: Path) -> None:
    assert default_store_path() == own_data_folder / "sfntui" / "runs.sqlite3"
    store = RunStore()
    (mode,) = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_a_run_cut_short_keeps_the_events_written_before(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite3")
    store.begin_run(
        arn="arn:x:1",
        name="one",
        machine_name="M",
        definition={"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
        definition_file=None,
        execution_input={"a": 1},
        setup={"test_case": "HappyPath"},
        started=STARTED,
    )
    event = {"id": 1, "type": "ExecutionStarted", "timestamp": STARTED, "previousEventId": 0}
    store.append_events("arn:x:1", [event])
    store.add_stop("arn:x:1", {"state": "A", "reason": "breakpoint"})
    store.close()  # the terminal is closed mid-run

    reopened = RunStore(tmp_path / "runs.sqlite3")
    [run] = reopened.runs("M")
    assert (run.name, run.status, json.loads(run.input)) == ("one", "RUNNING", {"a": 1})
    assert run.setup == {"test_case": "HappyPath"}
    assert reopened.events("arn:x:1") == [event]
    assert reopened.stops("arn:x:1") == [{"state": "A", "reason": "breakpoint"}]


async def test_local_runs_are_listed_again_by_a_new_backend(tmp_path: Path) -> None:
    first = LocalBackend([EXAMPLES], setup=MachineSetups(virtual_clock=True))
    [flow] = [m for m in await first.list_state_machines() if m.name == "OrderFlow"]
    started = await first.start_execution(
        flow.arn, execution_input={"orderId": "A-3"}, confirm=always, test_case="Declined"
    )
    history = [batch async for batch in first.follow(started.arn)]
    events = [event for batch in history for event in batch]
    await first.aclose()

    second = LocalBackend([EXAMPLES], setup=MachineSetups(virtual_clock=True))
    [listed] = await second.list_executions(flow.arn)
    assert (listed.arn, listed.status) == (started.arn, "FAILED")
    described = await second.describe_execution(started.arn)
    assert (described.error, json.loads(described.input)) == ("ChargeFailed", {"orderId": "A-3"})
    assert await second.get_history(started.arn) == events
    definition = await second.definition_for_execution(started.arn)
    assert json.loads(definition.definition)["StartAt"] == "Charge"
    stored = second.store.run(started.arn)  # type: ignore[union-attr]
    assert stored is not None and stored.setup["test_case"] == "Declined"

    again = await second.start_execution(flow.arn, confirm=always)
    assert again.name != listed.name  # names are not reused across sessions
    [batch async for batch in second.follow(again.arn)]

    out = tmp_path / "exported.json"
    assert second.store.export_history(started.arn, out) == len(events)  # type: ignore[union-attr]
    assert [e["type"] for e in load_history_file(out)] == [e["type"] for e in events]


async def test_a_debug_run_from_the_command_line_is_kept_with_its_stops() -> None:
    import asyncio

    from sfntui.cli import main

    flow = str(EXAMPLES / "mocks" / "OrderFlow.asl.json")
    code = await asyncio.to_thread(
        main, ["debug", flow, "--virtual-clock", "--batch", "--break", "Ship"]
    )
    assert code == 0
    backend = LocalBackend([EXAMPLES / "mocks"])
    [machine] = await backend.list_state_machines()
    [kept] = await backend.list_executions(machine.arn)
    assert kept.name.startswith("debug-") and kept.status == "SUCCEEDED"
    assert backend.store is not None
    [stop] = backend.store.stops(kept.arn)
    assert (stop["state"], stop["state_type"]) == ("Ship", "Pass")
    history = await backend.get_history(kept.arn)
    assert history[-1]["type"] == "ExecutionSucceeded"
    # The events written by then, so the debugger screen shows the run as it was at the stop.
    assert history[stop["event_count"] - 1]["type"] == "PassStateEntered"


async def test_a_run_of_the_debugger_is_kept_with_its_stops_under_a_free_name() -> None:

    from sfntui.engine.debugger import DebugSession
    from sfntui.engine.interpreter import RunOptions
    from sfntui.engine.runner import prepare

    backend = LocalBackend([EXAMPLES], setup=MachineSetups(virtual_clock=True))
    machines = {m.name: m for m in await backend.list_state_machines()}
    machine = backend.machine_named("OrderFlow")
    assert machine is not None
    setup = backend.run_setup("OrderFlow")
    kept: list[str] = []

    def make(debugger: object) -> object:
        execution = prepare(machine, {"orderId": "A-1"}, setup, RunOptions(name="debug"), debugger)
        kept.append(backend.keep_run(execution, machine_name="OrderFlow", setup=setup))
        return execution

    for _ in range(2):
        session = DebugSession(make)  # type: ignore[arg-type]
        session.debugger.add_breakpoint("Ship")
        session.start()
        stop = await awaited(session.next_stop())
        assert stop is not None
        backend.keep_stop(kept[-1], stop.as_json())
        session.debugger.continue_()
        assert await awaited(session.next_stop()) is None
        await session.wait()
    assert [arn.rpartition(":")[2] for arn in kept] == ["debug", "debug-2"]
    await backend.aclose()

    again = LocalBackend([EXAMPLES])
    listed = await again.list_executions(machines["OrderFlow"].arn)
    assert sorted(e.name for e in listed) == ["debug", "debug-2"]
    assert {e.status for e in listed} == {"SUCCEEDED"}
    assert again.store is not None
    assert [s["state"] for s in again.store.stops(kept[1])] == ["Ship"]


def _begin(
    store: RunStore, arn: str, machine: str, state: str, started: datetime, **more: str
) -> None:
    store.begin_run(
        arn=arn,
        name=arn.rpartition(":")[2],
        machine_name=machine,
        definition={"StartAt": state, "States": {state: {"Type": "Succeed"}}},
        definition_file=None,
        execution_input={},
        setup={},
        started=started,
        **more,
    )


async def test_machines_known_only_from_kept_runs_are_listed_on_their_newest_definition(
    tmp_path: Path,
) -> None:
    from sfntui.backends.local import KEPT_ONLY

    store = RunStore(tmp_path / "runs.sqlite3")
    later = datetime(2024, 1, 2, tzinfo=UTC)
    _begin(store, "arn:x:remote:old", "remote", "Old", STARTED)
    _begin(store, "arn:x:remote:new", "remote", "New", later)
    _begin(store, "arn:x:child:1", "child", "C", later, parent_arn="arn:x:remote:new")
    _begin(store, "arn:x:order:1", "order", "O", later)  # a machine the files have
    assert [(r.machine_name, r.name) for r in store.machines()] == [
        ("order", "1"),
        ("remote", "new"),
    ]

    backend = LocalBackend([EXAMPLES], store=store)
    listed = {m.name: m for m in await backend.list_state_machines()}
    assert listed["remote"].origin == KEPT_ONLY and listed["order"].origin == ""
    assert "child" not in listed  # reached through the run that started it
    description = await backend.describe_state_machine(listed["remote"].arn)
    assert json.loads(description.definition)["StartAt"] == "New"
    kept = await backend.list_executions(listed["remote"].arn)
    assert [e.name for e in kept] == ["new", "old"]
    started = await backend.start_execution(listed["remote"].arn, confirm=always)
    [batch async for batch in backend.follow(started.arn)]
    assert (await backend.describe_execution(started.arn)).status == "SUCCEEDED"
    await backend.aclose()
