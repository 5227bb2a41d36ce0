"""`sfntui start | stop | redrive`: act on AWS from a script or a terminal, asking first.

Each names what it will change and asks (y/N) on a terminal; `--yes` answers for scripts, and
without a terminal and without `--yes` nothing is done (exit 1: not confirmed). `--read-only`
refuses before asking. `--json` prints the answer as one JSON object. A failure is one line
on stderr and exit 2, as for the other AWS commands.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sfntui.aws import AwsError, AwsSession, StepFunctions
from sfntui.history.actions import Action, ActionCancelled, always
from sfntui.history.events import json_default


def _confirm_for(args: argparse.Namespace) -> Any:
    """`--yes`: go ahead; a terminal: ask y/N; neither: no confirmation (so refused)."""
    if args.yes:
        return always
    if not sys.stdin.isatty():
        return None
    return _ask_on_terminal


def _ask_on_terminal(action: Action) -> bool:
    for key, value in action.details.items():
        if value is not None:
            shown = value if len(str(value)) <= 200 else f"{str(value)[:200]}..."
            print(f"  {key}: {shown}", file=sys.stderr)
    print(f"{action.summary} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _execution_input(args: argparse.Namespace) -> str:
    if args.input_file is not None:
        try:
            text = Path(args.input_file).read_text(encoding="utf-8")
        except OSError as error:
            problem = f"Cannot read the input file {args.input_file}: {error.strerror}."
            raise AwsError(problem) from None
    else:
        text = args.input if args.input is not None else "{}"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise AwsError(f"The input is not JSON: {error.msg} at line {error.lineno}.") from None
    return text


def _print(as_json: bool, item: dict[str, Any], line: str) -> None:
    if as_json:
        print(json.dumps(item, indent=2, default=json_default))
    else:
        print(line)


async def start_command(args: argparse.Namespace) -> int:
    from sfntui.commands.aws_commands import connection_options

    execution_input = _execution_input(args)
    machine = args.machine
    options = connection_options(args, machine if machine.startswith("arn:") else None)
    async with AwsSession(options) as session:
        sfn = StepFunctions(session)
        machine_arn = await sfn.find_state_machine(machine)
        try:
            execution = await sfn.start_execution(
                machine_arn,
                name=args.name,
                execution_input=execution_input,
                confirm=_confirm_for(args),
            )
        except ActionCancelled as error:
            return _cancelled(error)
    _print(
        args.json,
        {"executionArn": execution.arn, "startDate": execution.started},
        f"started {execution.arn}",
    )
    return 0


async def stop_command(args: argparse.Namespace) -> int:
    from sfntui.commands.aws_commands import connection_options

    async with AwsSession(connection_options(args, args.execution)) as session:
        try:
            stopped = await StepFunctions(session).stop_execution(
                args.execution, error=args.error, cause=args.cause, confirm=_confirm_for(args)
            )
        except ActionCancelled as error:
            return _cancelled(error)
    _print(
        args.json,
        {"executionArn": args.execution, "stopDate": stopped},
        f"stopped {args.execution}",
    )
    return 0


async def redrive_command(args: argparse.Namespace) -> int:
    from sfntui.commands.aws_commands import connection_options

    async with AwsSession(connection_options(args, args.execution)) as session:
        try:
            redriven = await StepFunctions(session).redrive_execution(
                args.execution, confirm=_confirm_for(args)
            )
        except ActionCancelled as error:
            return _cancelled(error)
    _print(
        args.json,
        {"executionArn": args.execution, "redriveDate": redriven},
        f"redriven {args.execution}",
    )
    return 0


def _cancelled(error: ActionCancelled) -> int:
    """Refused (read-only: exit 2) or not confirmed (exit 1); nothing was changed."""
    message = error.message
    if not sys.stdin.isatty() and "without a confirmation" in message:
        message += " Pass --yes to act without asking."
    print(f"sfntui: {message}", file=sys.stderr)
    from sfntui.aws.errors import ReadOnlyError

    return 2 if isinstance(error, ReadOnlyError) else 1
