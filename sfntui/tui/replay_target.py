"""A recorded execution as something the debugger screen runs: its replay, break on error set.

The recorded Task results answer the Tasks (the replay's resolver, first in the chain), on a
virtual clock started at the recording's start, so the run takes the recorded path and stops
at the recorded failure; where the local run leaves the recorded path, the run ends ABORTED
with `Replay.Diverged` and the sentence naming the state. `sfntui replay` (without
`--batch`), the app's replay key and `sfntui app --history` all open the screen this way.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine
from sfntui.asl.model import StateMachine
from sfntui.backends import Backend, BackendError, ExecutionSummary
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.runner import RunSetup
from sfntui.history.listing_progress import watching
from sfntui.replay import Recording, prepare_replay, read_recording
from sfntui.replay.history_files import MAX_CHILD_EXECUTIONS, map_runs
from sfntui.replay.session import start_at
from sfntui.tui.screens.debugger import DebugTarget

_UNSET: Any = object()


def replay_target(
    name: str,
    machine: StateMachine,
    recording: Recording,
    *,
    setup: RunSetup | None = None,
    options: RunOptions | None = None,
    execution_input: Any = _UNSET,
) -> DebugTarget:
    """The debugger's target for a replay of `recording` (RecordingError if it cannot start
    at the recording's `from_state`)."""
    if recording.from_state is not None:
        # Started there once, here: the screen's own restarts (R, F) then start where they say.
        machine = start_at(machine, recording.from_state)
        recording = dataclasses.replace(recording, from_state=None)
    start = recording.start_input if execution_input is _UNSET else execution_input

    def make_execution(run: StateMachine, value: Any, debugger: Any) -> Any:
        execution, _ = prepare_replay(
            run, recording, setup=setup, options=options, execution_input=value, debugger=debugger
        )
        return execution

    ended = recording.status
    if recording.error:
        ended += f": {recording.error}" + (f" ({recording.cause})" if recording.cause else "")
    note = (
        f"Replay of {name}, its Tasks answered as recorded; on AWS it ended {ended}. "
        "Breaks on any error: c runs to it, n steps from the first state."
    )
    return DebugTarget(
        name=name,
        machine=machine,
        input=start,
        make_execution=make_execution,
        break_on_error=True,
        note=note,
        title="sfntui replay",
    )


async def execution_replay_target(execution: ExecutionSummary, backend: Backend) -> DebugTarget:
    """The target for an execution a backend recorded: the definition it ran, its whole
    history and its distributed Maps' children's; BackendError says why it cannot be.

    The events' pages are told to the task's watcher (`sfntui.history.listing_progress`)."""
    description = await backend.definition_for_execution(execution.arn)
    if not description.definition.strip():
        why = description.description or "the definition it ran is not known"
        raise BackendError(f"{execution.name} cannot be replayed: {why}")
    events = await backend.get_history(execution.arn)
    children = await _children(backend, events)
    try:
        definition = json.loads(description.definition)
        machine, _ = await asyncio.to_thread(build_state_machine, definition)
        recording = await asyncio.to_thread(read_recording, events, children=children)
    except (ValueError, InvalidDefinitionError) as error:  # RecordingError is a ValueError
        raise BackendError(f"{execution.name} cannot be replayed: {error}") from None
    options = RunOptions(name=execution.name, state_machine_name=description.name)
    return replay_target(execution.name, machine, recording, options=options)


async def _children(backend: Backend, events: list[Any]) -> dict[str, list[list[dict[str, Any]]]]:
    """The histories of the child executions of every Map Run the execution started."""
    with watching(lambda _count: None):  # (a watcher counts events: the children are not)
        listed = {run: await backend.list_map_run_executions(run) for run in map_runs(events)}
    total = sum(len(children) for children in listed.values())
    if total > MAX_CHILD_EXECUTIONS:
        raise BackendError(
            f"The execution's distributed Maps started {total} child executions; a replay "
            f"reads at most {MAX_CHILD_EXECUTIONS} of them."
        )
    limit = asyncio.Semaphore(8)

    async def history(arn: str) -> list[dict[str, Any]]:
        async with limit:
            return list(await backend.get_history(arn))

    return {
        run: list(await asyncio.gather(*(history(child.arn) for child in children)))
        for run, children in listed.items()
    }
