"""`sfntui debug DEFINITION --break STATE ...`: the debugger screen in the app, or with
`--batch` every stop as one JSON line, for CI logs and scripts.

A Task that nothing answers does not keep the run from starting: the run stops there
(reason "needs_task_result", printed like any stop) and, with no one to answer in batch,
the Task fails with States.TaskFailed saying so (a Catch or Retry can still handle it)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sfntui.asl.definition import LoadedStateMachine
from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.visible_text import visible, visible_json
from sfntui.commands.local_options import (
    UsageError,
    close_resolvers,
    finish_recording,
    load_machine,
    read_input,
    record_run,
    run_setup,
)
from sfntui.engine.debugger import MOMENTS, DebugSession, Expression
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError
from sfntui.history.events import ExecutionStatus


def _breakpoint(spec: str) -> tuple[str, str]:
    state, _, moment = spec.rpartition(":")
    if not state or moment not in MOMENTS:
        return spec, "enter"
    return state, moment


async def _batch(
    session: DebugSession, setup: RunSetup, loaded: LoadedStateMachine | None = None
) -> int:
    session.start()
    assert session.execution is not None
    recording = record_run("debug", session.execution, loaded, setup) if loaded else None
    try:
        while (stop := await session.next_stop()) is not None:
            report = stop.as_json()
            if recording is not None:
                recording.add_stop(stop.as_kept(len(session.execution.history.events)))
            print(visible_json(report), flush=True)
            session.debugger.continue_()
    finally:
        finish_recording(recording, session.execution, session.result)
        await close_resolvers(setup)
    result = session.result
    assert result is not None
    print(visible_json({"result": result.as_json()}), flush=True)
    return 0 if result.status == ExecutionStatus.SUCCEEDED else 1


def _open_screen(
    args: argparse.Namespace,
    loaded: Any,
    execution_input: Any,
    setup: RunSetup,
    options: RunOptions,
    breakpoints: list[tuple[str, str]],
) -> int:
    """The app, opened on the debugger screen over this definition."""
    from pathlib import Path

    from sfntui.backends.local import LocalBackend
    from sfntui.tui.app import run_app
    from sfntui.tui.kept_debug_runs import keeping_in
    from sfntui.tui.screens.debugger import DebuggerScreen, DebugTarget

    source = Path(args.definition)
    local = LocalBackend([source], setup=lambda _name: setup)
    target = DebugTarget(
        name=loaded.name,
        machine=loaded.machine,
        input=execution_input,
        make_execution=lambda machine, value, debugger: prepare(
            machine, value, setup, options, debugger
        ),
        breakpoints=[(state, moment, args.when) for state, moment in breakpoints],  # type: ignore[misc]
        watches=list(args.watch),
        break_on_error=args.break_on_error,
        on_close=lambda: close_resolvers(setup),
        keeping=keeping_in(
            local,
            machine_name=loaded.name,
            setup=setup,
            machine=loaded.machine,
            definition=loaded.source.definition,
            definition_file=loaded.source.file,
        ),
    )
    folder = source if source.is_dir() else source.parent
    return run_app(local, examples_dir=folder, first_screen=lambda: DebuggerScreen(target))


def debug_command(args: argparse.Namespace) -> int:
    try:
        loaded = load_machine(args.definition, args.state_machine)
        execution_input = read_input(args, loaded)
        setup = run_setup(args, loaded)
        name = args.name or loaded.name
        options = RunOptions(name=name, state_machine_name=loaded.name)
        known = {state.name for state, _ in loaded.machine.walk()}
        breakpoints = [_breakpoint(spec) for spec in args.breakpoints]
        for spec, (state, _moment) in zip(args.breakpoints, breakpoints, strict=True):
            if state not in known:
                raise UsageError(f"--break {spec}: the definition has no state '{state}'")
        for text in [*args.watch, *([args.when] if args.when else [])]:
            Expression(text)
        if not args.batch:
            return _open_screen(args, loaded, execution_input, setup, options, breakpoints)
        session = DebugSession(
            lambda debugger: prepare(loaded.machine, execution_input, setup, options, debugger)
        )
        for state, moment in breakpoints:
            session.debugger.add_breakpoint(state, moment, condition=args.when)  # type: ignore[arg-type]
        for text in args.watch:
            session.debugger.add_watch(text)
        session.debugger.break_on_error = args.break_on_error
        if args.step:
            session.debugger.step_every_transition()
    except (UsageError, NoResolverError) as exc:
        print(visible(f"sfntui: {exc}"), file=sys.stderr)
        return 2
    except ExpressionSyntaxError as exc:
        print(visible(f"sfntui: --when or --watch {exc.text!r}: {exc.message}"), file=sys.stderr)
        return 2
    return asyncio.run(_batch(session, setup, loaded))
