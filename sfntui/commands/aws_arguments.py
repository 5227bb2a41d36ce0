"""The arguments of the AWS subcommands (ls, executions, history, tail, start, stop,
redrive); no AWS import here, so `sfntui --help` stays fast."""

from __future__ import annotations

import argparse

#: The statuses ListExecutions filters on (sfntui.history.records.EXECUTION_STATUSES, repeated
#: here so that parsing arguments loads no AWS code).
_STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")


def add_connection_options(parser: argparse.ArgumentParser, *, read_only: bool = False) -> None:
    """--profile, --region, --endpoint-url (and --read-only for commands that can act)."""
    group = parser.add_argument_group("AWS connection")
    group.add_argument(
        "--profile", help="the AWS profile to use (default: AWS_PROFILE, else the default one)"
    )
    group.add_argument(
        "--region",
        help="the AWS region (default: an ARN's own region, else AWS_REGION, "
        "AWS_DEFAULT_REGION or the profile's)",
    )
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="another Step Functions endpoint, such as LocalStack or moto "
        "(default: AWS_ENDPOINT_URL_SFN or AWS_ENDPOINT_URL)",
    )
    if read_only:
        group.add_argument(
            "--read-only",
            action="store_true",
            help="refuse to start, stop or redrive executions",
        )


def add_aws_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ls = commands.add_parser(
        "ls",
        help="list the state machines of an AWS account and region",
        description="List the state machines (Standard and Express) of an account and region.",
    )
    ls.add_argument(
        "--versions", action="store_true", help="also list each machine's versions and aliases"
    )
    ls.add_argument(
        "--limit", type=_positive, metavar="N", help="at most N state machines (default: all)"
    )
    ls.add_argument(
        "--json", action="store_true", help="print JSON, as `aws stepfunctions list-state-machines`"
    )
    add_connection_options(ls)
    ls.set_defaults(aws_command="ls")

    executions = commands.add_parser(
        "executions",
        help="list the executions of a state machine, newest first",
        description="List the executions of a state machine, newest first.",
    )
    executions.add_argument("machine", metavar="MACHINE", help="the state machine's name or ARN")
    executions.add_argument("--status", choices=_STATUSES, help="only executions with this status")
    executions.add_argument(
        "--limit", type=_positive, metavar="N", help="at most N executions (default: all)"
    )
    executions.add_argument(
        "--json", action="store_true", help="print JSON, as `aws stepfunctions list-executions`"
    )
    add_connection_options(executions)
    executions.set_defaults(aws_command="executions")

    history = commands.add_parser(
        "history",
        help="print an execution's whole history",
        description=(
            "Print every event of an execution's history. With --json the output is what "
            "`aws stepfunctions get-execution-history` writes, so it can be saved and read "
            "back (`sfntui history FILE.json` reads such a file)."
        ),
    )
    history.add_argument(
        "execution", metavar="EXECUTION_ARN", help="the execution's ARN, or an exported file"
    )
    history.add_argument("--json", action="store_true", help='print {"events": [...]}')
    add_connection_options(history)
    history.set_defaults(aws_command="history")

    tail = commands.add_parser(
        "tail",
        help="follow an execution's events as they happen (exit 0 succeeded, 1 otherwise)",
        description=(
            "Print an execution's events as they are written, one line each, and exit when "
            "it ends: 0 if it succeeded, 1 if it failed, timed out or was aborted."
        ),
    )
    tail.add_argument(
        "execution", metavar="EXECUTION_ARN", help="the execution's ARN, or an exported file"
    )
    tail.add_argument("--json", action="store_true", help="print one JSON object per event")
    tail.add_argument(
        "--interval",
        type=_positive_float,
        default=1.0,
        metavar="SECONDS",
        help="the pause between reads while events arrive (it grows while none do); default 1",
    )
    add_connection_options(tail)
    tail.set_defaults(aws_command="tail")
    add_action_commands(commands)


def add_action_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`start`, `stop` and `redrive`: each asks first (y/N), `--yes` for scripts."""
    start = commands.add_parser(
        "start",
        help="start an execution of a state machine on AWS (asks first)",
        description="Start an execution of a state machine, asking first (--yes: don't ask).",
    )
    start.add_argument("machine", metavar="MACHINE", help="the state machine's name or ARN")
    start_input = start.add_mutually_exclusive_group()
    start_input.add_argument("--input", metavar="JSON", help="the input, as JSON text ({})")
    start_input.add_argument("--input-file", metavar="FILE", help="the input, from FILE")
    start.add_argument("--name", metavar="N", help="the execution's name (default: AWS picks)")
    _add_action_options(start)
    start.set_defaults(aws_command="start")

    stop = commands.add_parser(
        "stop",
        help="stop a running execution on AWS (asks first)",
        description="Stop a running execution, asking first (--yes: don't ask).",
    )
    stop.add_argument("execution", metavar="EXECUTION_ARN", help="the execution's ARN")
    stop.add_argument("--error", metavar="E", help="the error code to stop it with")
    stop.add_argument("--cause", metavar="C", help="a sentence saying why it was stopped")
    _add_action_options(stop)
    stop.set_defaults(aws_command="stop")

    redrive = commands.add_parser(
        "redrive",
        help="redrive a failed, timed-out or aborted execution on AWS (asks first)",
        description=(
            "Redrive an execution that failed, timed out or was aborted, from where it "
            "stopped, asking first (--yes: don't ask)."
        ),
    )
    redrive.add_argument("execution", metavar="EXECUTION_ARN", help="the execution's ARN")
    _add_action_options(redrive)
    redrive.set_defaults(aws_command="redrive")


def _add_action_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true", help="do it without asking")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_connection_options(parser, read_only=True)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value
