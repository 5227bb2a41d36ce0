"""What the debugger screen runs when the app opens it: a machine's definition as a backend
described it, an input, and the local engine's set-up (mocks, handlers) for that machine.

A local machine is debugged with its example input; an AWS machine is debugged locally, on the
definition its execution ran and that execution's input, with whatever the local backend's
set-up answers its Tasks with (a Task nothing answers stops the run there to ask for its
result). Each run is kept by the local backend, like the app's own runs, and a kept debug
run is opened again with its stops (`kept_debug_target`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine
from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.backends import Backend, BackendError, StateMachineDescription
from sfntui.engine.debugger import Expression
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.runner import RunSetup, prepare
from sfntui.tui.kept_debug_runs import KeptDebugRun, keeping_in, kept_debug_run
from sfntui.tui.screens.debugger import DebugTarget


async def debug_target(
    description: StateMachineDescription, input_text: str, local: Backend
) -> DebugTarget:
    """The target for `description` run on `input_text`; BackendError says why it cannot be."""
    try:
        definition = json.loads(description.definition)
        machine, _ = await asyncio.to_thread(build_state_machine, definition)
    except (ValueError, InvalidDefinitionError) as error:
        raise BackendError(f"{description.name} cannot be debugged: {error}") from None
    try:
        execution_input: Any = json.loads(input_text) if input_text.strip() else {}
    except ValueError as error:
        raise BackendError(f"The input is not valid JSON: {error}.") from None
    make_setup = getattr(local, "run_setup", None)
    setup: RunSetup = make_setup(description.name) if make_setup is not None else RunSetup()
    options = RunOptions(name="debug", state_machine_name=description.name)
    keeping = keeping_in(
        local,
        machine_name=description.name,
        setup=setup,
        machine=machine,
        definition=definition,
    )
    return DebugTarget(
        name=description.name,
        machine=machine,
        input=execution_input,
        make_execution=lambda m, value, debugger: prepare(m, value, setup, options, debugger),
        keeping=keeping,
    )


async def kept_debug_target(arn: str, local: Backend) -> DebugTarget | None:
    """The kept debug run of that ARN to reopen (its stops, its breakpoints and watches set
    again, its machine and input for a new run); None when `arn` is no kept debug run."""
    kept = kept_debug_run(local, arn)
    if kept is None:
        return None
    description = await local.definition_for_execution(arn)
    input_text = (await local.describe_execution(arn)).input or "{}"
    target = await debug_target(description, input_text, local)
    target.kept = kept
    target.watches = [text for text in _kept_watches(kept) if _compiles(text)]
    target.breakpoints = list(
        dict.fromkeys(
            (stop.state, stop.moment, None) for stop, _ in kept.stops if stop.reason == "breakpoint"
        )
    )
    return target


def _kept_watches(kept: KeptDebugRun) -> list[str]:
    return list(dict.fromkeys(text for stop, _ in kept.stops for text in stop.watches))


def _compiles(text: str) -> bool:
    try:
        Expression(text)
    except ExpressionSyntaxError:
        return False
    return True
