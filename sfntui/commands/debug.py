"""`sfntui debug DEFINITION --break STATE ... --batch`: the debugger for CI logs and scripts."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.visible_text import visible, visible_json
from sfntui.commands.local_options import (
    UsageError,
    close_resolvers,
    load_machine,
    read_input,
    run_setup,
)
from sfntui.engine.debugger import MOMENTS, DebugSession
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError


def _breakpoint(spec: str) -> tuple[str, str]:
    state, _, moment = spec.rpartition(":")
    if not state or moment not in MOMENTS:
        return spec, "enter"
    return state, moment


async def _batch(session: DebugSession, setup: RunSetup) -> int:
    session.start()
    try:
        while (stop := await session.next_stop()) is not None:
            print(visible_json(stop.as_json()), flush=True)
            session.debugger.continue_()
    finally:
        await close_resolvers(setup)
    result = session.result
    assert result is not None
    print(visible_json({"result": result.as_json()}), flush=True)
    return 0 if result.status == "SUCCEEDED" else 1


def debug_command(args: argparse.Namespace) -> int:
    if not args.batch:
        print(
            "sfntui: debug needs --batch: every stop is printed as one JSON line",
            file=sys.stderr,
        )
        return 2
    try:
        loaded = load_machine(args.definition, args.state_machine)
        execution_input = read_input(args)
        setup = run_setup(args, loaded)
        name = args.name or loaded.name
        options = RunOptions(name=name, state_machine_name=loaded.name)
        prepare(loaded.machine, execution_input, setup, options)  # names missing resolvers
        session = DebugSession(
            lambda debugger: prepare(loaded.machine, execution_input, setup, options, debugger)
        )
        known = {state.name for state, _ in loaded.machine.walk()}
        for spec in args.breakpoints:
            state, moment = _breakpoint(spec)
            if state not in known:
                raise UsageError(f"--break {spec}: the definition has no state '{state}'")
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
    return asyncio.run(_batch(session, setup))
