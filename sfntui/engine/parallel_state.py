"""The Parallel state: every branch runs concurrently; results come back in branch order."""

from __future__ import annotations

import asyncio
from typing import Any

from sfntui.asl import model as m
from sfntui.engine.outcome import ExecutionFrame, StateFailed
from sfntui.engine.state_execution import StateExecution


async def run_parallel(run: StateExecution, raw_input: Any, effective: Any, attempt: int) -> Any:
    """A Parallel state's work: its branches, each a thread of this execution's history."""
    state = run.state
    assert isinstance(state, m.ParallelState)
    if run.jsonata:
        branch_input = (
            state.arguments.evaluate(run.bindings(None, input=raw_input))
            if state.arguments
            else raw_input
        )
        run.inspection.data["afterArguments"] = branch_input
    else:
        branch_input = (
            state.parameters.evaluate(run.bindings(effective)) if state.parameters else effective
        )
        run.inspection.data["afterParameters"] = branch_input
    execution = run.execution
    thread = run.frame.thread
    execution.history.emit(thread, "ParallelStateStarted")
    frames = [run.frame.child("Parallel", state.name, i) for i in range(len(state.branches))]

    async def branch_run(branch: m.StateMachine, frame: ExecutionFrame) -> Any:
        try:
            return await execution.run_branch(branch, branch_input, frame)
        finally:
            execution.thread_done(frame)

    tasks = [
        asyncio.ensure_future(branch_run(branch, frame))
        for branch, frame in zip(state.branches, frames, strict=True)
    ]
    try:
        results = await asyncio.gather(*tasks)
    except BaseException as exc:
        # One branch failed (the others are aborted, as on AWS), or the run is stopping:
        # no branch may go on running, and writing history, after this state is over.
        if isinstance(exc, StateFailed):
            for frame in frames:
                frame.aborted = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        thread.last_id = max(f.thread.last_id for f in frames)
        raise
    thread.last_id = max(f.thread.last_id for f in frames)
    execution.history.emit(thread, "ParallelStateSucceeded")
    return list(results)
