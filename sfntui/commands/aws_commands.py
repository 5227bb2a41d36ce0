"""`sfntui ls | executions | history | tail`: a quick look at AWS without the app.

Each prints plain lines (or JSON shaped as the AWS CLI's, with `--json`). A failure is one
line on stderr and exit 2, and a history that cannot be read whole is such a failure (nothing
is printed); `tail` rides out faults, saying so on stderr, and exits 0 when the execution
succeeded and 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.asl.visible_text import visible, visible_json
from sfntui.aws import (
    AwsError,
    AwsSession,
    ConnectionOptions,
    ConnectionTrouble,
    PollInterval,
    StepFunctions,
)
from sfntui.commands.aws_actions import redrive_command, start_command, stop_command
from sfntui.history.events import (
    EXECUTION_END_STATUS,
    HistoryFileError,
    details,
    dump_history,
    json_default,
    load_history_file,
    state_name,
)


def run_aws_command(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
        "ls": _ls,
        "executions": _executions,
        "history": _history,
        "tail": _tail,
        "start": start_command,
        "stop": stop_command,
        "redrive": redrive_command,
    }
    try:
        if args.aws_command in ("history", "tail") and not args.execution.startswith("arn:"):
            return _exported_history(args)
        return asyncio.run(commands[args.aws_command](args))
    except (AwsError, HistoryFileError) as error:
        print(visible(f"sfntui: {error}"), file=sys.stderr)
        return 2


def fetch_history(arn: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """An execution's whole history from AWS (for `sfntui graph --execution ARN`)."""

    async def fetch() -> list[dict[str, Any]]:
        async with AwsSession(connection_options(args, arn)) as session:
            return await StepFunctions(session).get_history(arn)

    return asyncio.run(fetch())


def connection_options(args: argparse.Namespace, arn: str | None = None) -> ConnectionOptions:
    options = ConnectionOptions(
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        read_only=getattr(args, "read_only", False),
    )
    return options.for_arn(arn) if arn else options


# -- ls ---------------------------------------------------------------------------------------


async def _ls(args: argparse.Namespace) -> int:
    async with AwsSession(connection_options(args)) as session:
        sfn = StepFunctions(session)
        machines = await sfn.list_state_machines(limit=args.limit)
        children = {}
        if args.versions:
            for machine in machines:
                children[machine.arn] = [
                    *await sfn.list_versions(machine.arn),
                    *await sfn.list_aliases(machine.arn),
                ]
    if args.json:
        items = []
        for machine in machines:
            item = dict(machine.raw)
            if args.versions:
                item["versions"] = [
                    dict(c.raw) for c in children[machine.arn] if c.kind == "VERSION"
                ]
                item["aliases"] = [dict(c.raw) for c in children[machine.arn] if c.kind == "ALIAS"]
            items.append(item)
        _print_json({"stateMachines": items})
        return 0
    if not machines:
        print(visible(f"No state machines in {session.region}."), file=sys.stderr)
        return 0
    width = max(len(m.name) for m in machines)
    for machine in machines:
        created = _when(machine.created)
        print(visible(f"{machine.name:<{width}}  {machine.type:<8}  {created}  {machine.arn}"))
        for child in children.get(machine.arn, []):
            print(visible(f"  {child.kind.lower():<7} {child.name:<{width - 8}}  {child.arn}"))
    return 0


# -- executions -------------------------------------------------------------------------------


async def _executions(args: argparse.Namespace) -> int:
    machine = args.machine
    options = connection_options(args, machine if machine.startswith("arn:") else None)
    async with AwsSession(options) as session:
        sfn = StepFunctions(session)
        machine_arn = await sfn.find_state_machine(machine)
        executions = await sfn.list_executions(machine_arn, status=args.status, limit=args.limit)
    if args.json:
        _print_json({"executions": [dict(e.raw) or _summary_json(e) for e in executions]})
        return 0
    if not executions:
        which = f"{args.status} " if args.status else ""
        print(visible(f"No {which}executions of {machine}."), file=sys.stderr)
        return 0
    width = max(len(e.name) for e in executions)
    for execution in executions:
        print(
            visible(
                f"{execution.status:<15} {_when(execution.started)}  "
                f"{execution.name:<{width}}  {execution.arn}"
            )
        )
    return 0


def _summary_json(execution: Any) -> dict[str, Any]:
    return {
        "executionArn": execution.arn,
        "stateMachineArn": execution.machine_arn,
        "name": execution.name,
        "status": execution.status,
        "startDate": execution.started,
        "stopDate": execution.stopped,
    }


# -- history ----------------------------------------------------------------------------------


async def _history(args: argparse.Namespace) -> int:
    async with AwsSession(connection_options(args, args.execution)) as session:
        events = await StepFunctions(session).get_history(args.execution)
    _print_history(events, args.json)
    return 0


def _exported_history(args: argparse.Namespace) -> int:
    """`history FILE` and `tail FILE`: an exported history read back, as if from AWS."""
    if not Path(args.execution).exists():
        raise AwsError(f"{args.execution} is neither an execution ARN nor a history file.")
    events = load_history_file(args.execution)
    if args.aws_command == "history":
        _print_history(events, args.json)
        return 0
    _print_events(events, args.json)
    return _exit_code(_final_status(events))


def _print_history(events: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(dump_history(events))
    else:
        for event in events:
            print(event_line(event))


# -- tail -------------------------------------------------------------------------------------


async def _tail(args: argparse.Namespace) -> int:
    target = args.execution
    interval = PollInterval(fastest=args.interval, slowest=max(args.interval, 10.0))
    async with AwsSession(connection_options(args, target)) as session:
        tail = await StepFunctions(session).tail(target, interval=interval, on_trouble=_say_trouble)
        async for batch in tail.follow():
            _print_events(batch, args.json)
    return _exit_code(tail.status)


def _say_trouble(trouble: ConnectionTrouble | None) -> None:
    """A fault met while following, and the end of it, on stderr (stdout keeps the events)."""
    print(visible(f"sfntui: {trouble.sentence() if trouble else 'reconnected'}"), file=sys.stderr)
    sys.stderr.flush()


def _print_events(events: Iterable[Mapping[str, Any]], as_json: bool) -> None:
    for event in events:
        if as_json:
            print(visible_json(event, default=json_default))
        else:
            print(event_line(event))
    sys.stdout.flush()


def _final_status(events: list[dict[str, Any]]) -> str | None:
    status = None
    for event in events:
        status = EXECUTION_END_STATUS.get(event["type"], status)
    return status


def _exit_code(status: str | None) -> int:
    return 0 if status == "SUCCEEDED" else 1


# -- formatting -------------------------------------------------------------------------------


def event_line(event: Mapping[str, Any]) -> str:
    """`   12  2024-05-01T12:00:00.123Z  TaskStateEntered            ChargeCard`"""
    parts = [f"{event['id']:>5}", _when(event.get("timestamp")), f"{event['type']:<30}"]
    name = state_name(event)
    if name:
        parts.append(_one_line(name))
    found = details(event)
    if found.get("index") is not None:
        parts.append(f"[{found['index']}]")
    if found.get("error") or found.get("cause"):
        # error names and causes are free text (a Fail state's, a function's): keep one line
        error = _one_line(found.get("error") or "")
        cause = _one_line(found.get("cause") or "")
        if len(cause) > 160:
            cause = cause[:159] + "…"
        parts.append(f"{error}: {cause}" if cause else error)
    return visible("  ".join(parts).rstrip())


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _when(moment: Any) -> str:
    if isinstance(moment, datetime):
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(moment, int | float):
        return _when(datetime.fromtimestamp(moment, tz=UTC))
    return str(moment or "-")


def _print_json(document: Any) -> None:
    print(visible_json(document, indent=4, default=json_default))
