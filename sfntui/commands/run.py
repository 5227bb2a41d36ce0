"""`sfntui run DEFINITION`: one local execution; its output, or its error and cause."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sfntui.commands.json_output import dumps_indented
from sfntui.commands.local_options import (
    UsageError,
    close_resolvers,
    load_machine,
    read_input,
    run_setup,
)
from sfntui.engine.interpreter import ExecutionResult, RunOptions
from sfntui.engine.runner import prepare
from sfntui.engine.tasks import NoResolverError
from sfntui.history.events import json_default


def run_command(args: argparse.Namespace) -> int:
    try:
        loaded = load_machine(args.definition, args.state_machine)
        execution_input = read_input(args)
        setup = run_setup(args, loaded)
        name = args.name or loaded.name
        execution = prepare(
            loaded.machine,
            execution_input,
            setup,
            RunOptions(name=name, state_machine_name=loaded.name),
        )
    except (UsageError, NoResolverError) as exc:
        print(f"sfntui: {exc}", file=sys.stderr)
        return 2
    # Only this run's history is printed: a distributed Map's child runs need not be kept.
    execution.keep_child_runs = False

    async def run_and_close() -> ExecutionResult:
        try:
            return await execution.run()
        finally:
            await close_resolvers(setup)

    result = asyncio.run(run_and_close())
    if args.json:
        report = result.as_json()
        if args.history:
            report["events"] = execution.history.events
        print(dumps_indented(report, json_default))
    elif result.status == "SUCCEEDED":
        print(dumps_indented(result.output))
    else:
        print(f"{result.status}: {result.error}" + (f": {result.cause}" if result.cause else ""))
    return 0 if result.status == "SUCCEEDED" else 1
