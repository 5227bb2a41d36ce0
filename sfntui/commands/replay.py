"""`sfntui replay EXECUTION_ARN_OR_HISTORY_FILE`: a recorded execution run again locally.

From an ARN, the definition the execution ran (DescribeStateMachineForExecution) and its whole
history are read from AWS here, in the command layer (`sfntui.replay` never imports the AWS
side); from an exported history file, `--definition` says what ran. The result is printed as
`sfntui run` prints it, with the verdict: exit 0 when the run matches the recording, 1 when
it does not, 2 on bad input. Without `--batch` (nor `--json` or `--export-mocks`), the app
opens on the debugger screen over the replay, break on error set.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sfntui.asl.file_limits import read_limited_text
from sfntui.asl.visible_text import visible, visible_json
from sfntui.commands.local_options import (
    UsageError,
    load_machine,
    parse_json_text,
    read_handlers,
    read_mock_config,
)
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.mock_config import MockConfigError
from sfntui.engine.runner import RunSetup
from sfntui.engine.tasks import NoResolverError
from sfntui.history.events import HistoryFileError, dump_history, load_history_file
from sfntui.replay import RecordingError, ReplayResult, read_recording, replay
from sfntui.replay.export import ExportError, export_mocks
from sfntui.replay.history_files import MAX_CHILD_EXECUTIONS, missing_children, read_children

_DEFAULT_ACCOUNT = "123456789012"


@dataclass
class _Source:
    """What the recording came with: its events, definition, and the names it ran under."""

    events: list[dict[str, Any]]
    definition: Any  # a JSON value (from AWS), or None when --definition gives it
    machine_name: str
    execution_name: str
    region: str = "us-east-1"
    account: str = _DEFAULT_ACCOUNT
    execution_type: str = "STANDARD"
    #: Distributed Maps' child execution histories, by Map Run ARN.
    children: dict[str, list[list[dict[str, Any]]]] = field(default_factory=dict)


def replay_command(args: argparse.Namespace) -> int:
    try:
        source = _read_source(args)
        loaded, definition = _machine(args, source)
        machine_name = source.machine_name or loaded.name
        recording = read_recording(
            source.events,
            attempt=args.attempt,
            from_state=args.from_state,
            children=source.children,
        )
        # The recording lives until the command ends: the garbage collector need not walk its
        # tens of thousands of events again and again while the replay allocates.
        gc.freeze()
        execution_input = _input(args, recording)
        setup = _setup(args, loaded, machine_name)
        if args.export_mocks and (args.from_state or args.mock_config or args.handlers):
            raise UsageError(
                "--export-mocks keeps the recording as it is: leave out --from-state, "
                "--mock-config and --handlers"
            )
        options = RunOptions(
            name=source.execution_name,
            state_machine_name=machine_name,
            region=source.region,
            account=source.account,
            execution_type=source.execution_type,
        )
        if not (args.batch or args.json or args.export_mocks):
            return _open_screen(args, loaded, recording, setup, options, execution_input)
        result = asyncio.run(
            replay(
                loaded.machine,
                recording,
                setup=setup,
                options=options,
                execution_input=execution_input,
            )
        )
        written: list[Path] = []
        if args.export_mocks:
            instant = asyncio.run(
                replay(
                    loaded.machine,
                    recording,
                    options=options,
                    execution_input=execution_input,
                    follow_clock=False,
                )
            )
            written = export_mocks(
                args.export_mocks,
                instant,
                machine=machine_name,
                case=source.execution_name,
                definition=definition,
                execution_input=execution_input,
            )
    except (UsageError, RecordingError, NoResolverError, MockConfigError, ExportError) as exc:
        print(visible(f"sfntui: {exc}"), file=sys.stderr)
        return 2
    _print(args, result, written)
    return 0 if result.matches else 1


def _open_screen(
    args: argparse.Namespace,
    loaded: Any,
    recording: Any,
    setup: RunSetup,
    options: RunOptions,
    execution_input: Any,
) -> int:
    """The app, opened on the debugger screen over the replay (break on error set)."""
    from sfntui.backends.local import LocalBackend
    from sfntui.commands.local_options import close_resolvers
    from sfntui.tui.app import run_app
    from sfntui.tui.replay_target import replay_target
    from sfntui.tui.screens.debugger import DebuggerScreen

    target = replay_target(
        options.name or loaded.name,
        loaded.machine,
        recording,
        setup=setup,
        options=options,
        execution_input=execution_input,
    )
    target.on_close = lambda: close_resolvers(setup)
    sources = [Path(args.definition)] if args.definition else []
    local = LocalBackend(sources, setup=lambda _name: setup)
    folder = (sources[0] if sources[0].is_dir() else sources[0].parent) if sources else None
    return run_app(local, examples_dir=folder, first_screen=lambda: DebuggerScreen(target))


def _read_source(args: argparse.Namespace) -> _Source:
    target: str = args.execution
    if target.startswith("arn:"):
        return _from_aws(target, args)
    try:
        events = load_history_file(target)
    except HistoryFileError as exc:
        raise UsageError(str(exc)) from None
    if not args.definition:
        raise UsageError(
            f"{target}: a history file holds no definition; say which one ran with --definition"
        )
    name = args.name or Path(target).name.split(".")[0] or "replay"
    children: dict[str, list[list[dict[str, Any]]]] = {}
    try:
        if args.children:
            children = read_children(args.children, events)
        elif (missing := missing_children(events, target)) is not None:
            raise UsageError(missing)
    except HistoryFileError as exc:
        raise UsageError(str(exc)) from None
    return _Source(events, None, "", name, children=children)


def _from_aws(arn: str, args: argparse.Namespace) -> _Source:
    from sfntui.aws import AwsError, AwsSession, StepFunctions
    from sfntui.commands.aws_commands import connection_options

    if args.children:
        raise UsageError(
            "--children is for a history file: from an ARN, the child executions are read from AWS"
        )
    parts = arn.split(":")
    if len(parts) < 8 or parts[5] not in ("execution", "express"):
        raise UsageError(f"{arn} is not an execution ARN")

    async def fetch() -> tuple[Any, list[dict[str, Any]], dict[str, list[list[dict[str, Any]]]]]:
        async with AwsSession(connection_options(args, arn)) as session:
            sfn = StepFunctions(session)
            machine = await sfn.describe_state_machine_for_execution(arn)
            events = await sfn.get_history(arn)
            return machine, events, await _children(sfn, events)

    try:
        machine, events, children = asyncio.run(fetch())
    except AwsError as exc:
        raise UsageError(str(exc)) from None
    definition = None
    if not args.definition:
        try:
            definition = json.loads(machine.definition)
        except ValueError:
            raise UsageError(f"the definition AWS holds for {arn} is not JSON") from None
    return _Source(
        events,
        definition,
        machine.name,
        args.name or parts[7],
        region=parts[3],
        account=parts[4] or _DEFAULT_ACCOUNT,
        execution_type="EXPRESS" if parts[5] == "express" else "STANDARD",
        children=children,
    )


async def _children(
    sfn: Any, events: list[dict[str, Any]]
) -> dict[str, list[list[dict[str, Any]]]]:
    """The histories of the child executions of every Map Run the execution started."""
    runs = [
        e["mapRunStartedEventDetails"]["mapRunArn"]
        for e in events
        if e["type"] == "MapRunStarted" and e.get("mapRunStartedEventDetails", {}).get("mapRunArn")
    ]
    listed = {run: await sfn.list_executions(map_run_arn=run) for run in runs}
    total = sum(len(children) for children in listed.values())
    if total > MAX_CHILD_EXECUTIONS:
        raise UsageError(
            f"the execution's distributed Maps started {total} child executions; a replay reads "
            f"at most {MAX_CHILD_EXECUTIONS} of them (more is not done yet)"
        )
    limit = asyncio.Semaphore(8)

    async def history(child_arn: str) -> list[dict[str, Any]]:
        async with limit:
            found: list[dict[str, Any]] = await sfn.get_history(child_arn)
            return found

    return {
        run: list(await asyncio.gather(*(history(child.arn) for child in children)))
        for run, children in listed.items()
    }


def _machine(args: argparse.Namespace, source: _Source) -> tuple[Any, Any]:
    """The model to run and the definition's JSON (for the export)."""
    if args.definition:
        loaded = load_machine(args.definition, args.state_machine)
        return loaded, loaded.source.definition
    from sfntui.asl.definition import (
        DefinitionLoadError,
        InvalidDefinitionError,
        LoadedStateMachine,
        build_state_machine,
    )
    from sfntui.asl.loader import parse_definition_text

    try:
        parsed = parse_definition_text(json.dumps(source.definition), fmt="json")
        machine, diagnostics = build_state_machine(parsed.definition, parsed)
    except (DefinitionLoadError, InvalidDefinitionError) as exc:
        raise UsageError(f"the definition the execution ran cannot be run locally: {exc}") from None
    return LoadedStateMachine(parsed, machine, diagnostics), source.definition


def _input(args: argparse.Namespace, recording: Any) -> Any:
    if args.input_file:
        try:
            text = read_limited_text(args.input_file, "input")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{args.input_file}: cannot read the input file: {exc}") from None
        return parse_json_text(text, args.input_file)
    if args.input is not None:
        return parse_json_text(args.input, "--input")
    return recording.start_input


def _setup(args: argparse.Namespace, loaded: Any, machine_name: str) -> RunSetup:
    setup = RunSetup(handlers=read_handlers(args))
    if args.mock_config:
        config = read_mock_config(args.mock_config)
        machines = config.machines()
        machine = machine_name if machine_name in machines else None
        if machine is None and len(machines) == 1:
            machine = machines[0]
        if machine is None:
            raise UsageError(
                f"the mock file has no state machine '{machine_name}' "
                f"(it has: {', '.join(machines) or 'none'})"
            )
        cases = config.test_cases(machine)
        case = args.test_case or (cases[0] if len(cases) == 1 else None)
        if case is None:
            raise UsageError(
                f"say which test case of the mock file answers with --test-case "
                f"(it has: {', '.join(cases) or 'none'})"
            )
        setup.mock_config, setup.machine_name, setup.test_case = config, machine, case
        setup.resolvers(loaded.machine)  # a case naming unknown states fails here
    elif args.test_case:
        raise UsageError("--test-case needs --mock-config")
    return setup


def _print(args: argparse.Namespace, result: ReplayResult, written: list[Path]) -> None:
    if args.json:
        report = result.as_json()
        if args.history:
            report["events"] = json.loads(dump_history(result.execution.history.events))["events"]
        if written:
            report["exported"] = [str(path) for path in written]
        print(visible_json(report, indent=2))
        return
    local = result.result
    if local.status == "SUCCEEDED":
        print(visible_json(local.output, indent=2))
    else:
        ending = f"{local.status}: {local.error}" + (f": {local.cause}" if local.cause else "")
        print(visible(ending))
    if result.matches:
        print("The local run matches the recording.")
    else:
        first = result.differences[0].message
        print(visible(f"The local run differs from the recording: {first}"))
        for other in result.differences[1:3]:
            print(visible(f"  then: {other.message}"))
    for note in result.notes:
        print(visible(f"note: {note}"))
    for path in written:
        print(visible(f"wrote {path}"))
