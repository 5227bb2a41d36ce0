"""The options `run`, `test`, `debug` and `graph` share: the definition, the input, mocks,
handlers.

Anything wrong with them raises `UsageError` with one sentence; the command prints it and
exits 2. A definition with errors raises it too, after its findings are printed. The
definition may be a file, a template (`--state-machine` picks its machine) or a folder that
holds one definition (or several, `--state-machine` naming one), as the loader reads them.

The engine is imported by the functions that set a run up, not here: `sfntui graph` reads
its definition with this module and draws it without loading the engine.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfntui.asl.definition import (
    DefinitionLoadError,
    InvalidDefinitionError,
    LoadedStateMachine,
    format_diagnostic,
    load_state_machine,
)

if TYPE_CHECKING:
    from sfntui.backends.machine_setup import MachineSetups
    from sfntui.backends.project_file import ProjectFile
    from sfntui.engine.handlers import Handler
    from sfntui.engine.interpreter import ExecutionResult, LocalExecution
    from sfntui.engine.mock_config import MockConfig
    from sfntui.engine.runner import RunSetup
    from sfntui.runs.recording import RunRecording

from sfntui.asl.file_limits import read_limited_text
from sfntui.asl.strict_json import JsonValueError, parse_json


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def load_machine(file: str, state_machine: str | None = None) -> LoadedStateMachine:
    try:
        return load_state_machine(file, state_machine)
    except DefinitionLoadError as exc:
        raise UsageError(str(exc)) from None
    except InvalidDefinitionError as exc:
        file_name = exc.loaded.file if exc.loaded else file
        for diagnostic in exc.diagnostics:
            print(format_diagnostic(diagnostic, file_name), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        raise UsageError(
            f"{file_name}: the definition has {errors} error(s) and was not run"
        ) from None


def parse_json_text(text: str, what: str) -> Any:
    try:
        return parse_json(text, what)
    except JsonValueError as exc:
        raise UsageError(str(exc)) from None


def read_input(args: argparse.Namespace, loaded: LoadedStateMachine | None = None) -> Any:
    """`--input` or `--input-file`; else the project file's input for the machine; else {}."""
    input_file = getattr(args, "input_file", None)
    if not input_file and getattr(args, "input", None) is None and loaded is not None:
        project = project_file()
        entry = project.machines.get(args.name or loaded.name) if project else None
        input_file = entry.input if entry is not None else None
    if input_file:
        try:
            text = read_limited_text(input_file, "input")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{input_file}: cannot read the input file: {exc}") from None
        return parse_json_text(text, str(input_file))
    if getattr(args, "input", None) is not None:
        return parse_json_text(args.input, "--input")
    return {}


def read_handlers(args: argparse.Namespace) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    if not args.handlers and not args.handler:
        return handlers
    from sfntui.engine.handlers import HandlerImportError, load_handler, load_handler_module

    try:
        for module in args.handlers:
            handlers.update(load_handler_module(module))
        for spec in args.handler:
            name, sep, target = spec.partition("=")
            if not sep or not name or not target:
                raise UsageError(f"--handler {spec!r} must read NAME=MODULE:FUNCTION")
            handlers[name] = load_handler(target)
    except HandlerImportError as exc:
        raise UsageError(str(exc)) from None
    return handlers


def read_mock_config(file: str) -> MockConfig:
    from sfntui.engine.mock_config import MockConfig, MockConfigError

    try:
        return MockConfig.load(file)
    except MockConfigError as exc:
        raise UsageError(str(exc)) from None


def project_file() -> ProjectFile | None:
    """The project file of the current folder or one above (`sfntui.toml`, `pyproject.toml`)."""
    from sfntui.backends.project_file import ProjectFileError, find_project_file

    try:
        return find_project_file()
    except ProjectFileError as exc:
        raise UsageError(str(exc)) from None


def machine_setups(args: argparse.Namespace, *, real_aws_calls: bool = True) -> MachineSetups:
    """What answers each machine's Tasks: these options, then the project file, then a
    `MockConfigFile.json` beside the definition (the app's and the debugger's set-up)."""
    from sfntui.backends.machine_setup import MachineSetups

    if args.test_case and not args.mock_config:
        raise UsageError("--test-case needs --mock-config")
    children: dict[str, Path] = {}
    for spec in getattr(args, "child", []):
        target, sep, file = spec.partition("=")
        if not sep or not target or not file:
            raise UsageError(f"--child {spec!r} must read NAME_OR_ARN=FILE")
        if not Path(file).is_file():
            raise UsageError(f"--child {spec}: no such file {file}")
        children[target] = Path(file)
    setups = MachineSetups(
        children=children,
        mock_config=read_mock_config(args.mock_config) if args.mock_config else None,
        test_case=args.test_case,
        handlers=read_handlers(args),
        virtual_clock=args.virtual_clock,
        items_dir=getattr(args, "items_dir", None),
        project=project_file(),
    )
    if real_aws_calls and getattr(args, "aws", False):
        from sfntui.aws import ConnectionOptions
        from sfntui.aws.task_resolver import AwsTaskResolver

        options = ConnectionOptions(
            profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
        )
        setups.extra_resolvers.append(AwsTaskResolver(options=options))
    return setups


def run_setup(args: argparse.Namespace, loaded: LoadedStateMachine) -> RunSetup:
    """The set-up of one run of `loaded`: `--mock-config` (with `--test-case`) for the machine
    `--name` or the definition names, else the project file's, else a mock file beside it."""
    if args.mock_config and not args.test_case:
        raise UsageError("--mock-config needs --test-case to say which test case to use")
    from sfntui.backends.machine_setup import MachineSetupError

    setups = machine_setups(args, real_aws_calls=False)
    machine = args.name or loaded.name
    try:
        setup = setups.for_machine(machine, loaded.source.file, args.test_case)
    except MachineSetupError as exc:
        raise UsageError(str(exc)) from None
    if setups.mock_config is not None or setup.mock_config is not None:
        from sfntui.engine.mock_config import MockConfigError

        try:
            if setups.mock_config is not None:
                setups.mock_config.test_cases(machine)  # names the machine the file lacks
            setup.resolvers(loaded.machine)
        except MockConfigError as exc:
            raise UsageError(str(exc)) from None
    if _starts_executions(loaded):
        setup.extra_resolvers.append(_children_beside(loaded, setups))
    if getattr(args, "aws", False):
        from sfntui.aws import ConnectionOptions
        from sfntui.aws.task_resolver import AwsTaskResolver

        options = ConnectionOptions(
            profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
        )
        setup.extra_resolvers.append(AwsTaskResolver(options=options))
    return setup


def _starts_executions(loaded: LoadedStateMachine) -> bool:
    """Whether a Task of the machine starts another state machine (startExecution)."""
    return any(
        str(getattr(state, "resource", "")).startswith("arn:aws:states:::states:startExecution")
        for state, _ in loaded.machine.walk()
    )


def _children_beside(loaded: LoadedStateMachine, setups: MachineSetups) -> Any:
    """Child executions of `run`/`debug`: the definitions `--child` or the project file give,
    else `<Name>.asl.json` (or `.asl.yaml`) beside the parent's definition; kept in the run
    store with their parent's ARN."""
    from sfntui.backends.local import LocalBackend

    folder = Path(loaded.source.file).parent if loaded.source.file else Path.cwd()
    backend = LocalBackend([folder], setup=setups)
    backend.read_sources_now()
    return backend.child_executions


async def close_resolvers(setup: RunSetup) -> None:
    """Release what the resolvers hold open (the AWS resolver's HTTP clients)."""
    for resolver in setup.extra_resolvers:
        close = getattr(resolver, "aclose", None)
        if close is not None:
            await close()


def record_run(
    kind: str,
    execution: LocalExecution,
    loaded: LoadedStateMachine,
    setup: RunSetup,
) -> RunRecording | None:
    """Keep this run of `sfntui run`/`debug` in the run store (None when it cannot be opened:
    the run goes on, unkept). Its name says the command and when: `debug-20241231T120000-3fa2`."""
    from sfntui.runs.recording import RunRecording, describe_setup
    from sfntui.runs.store import RunStore, RunStoreError

    try:
        store = RunStore()
    except RunStoreError:
        return None
    started = execution.clock.now()
    name = f"{kind}-{started:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"
    recording = RunRecording(
        store,
        arn=f"{execution.execution_arn.rpartition(':')[0]}:{name}",
        name=name,
        machine_name=loaded.name,
        definition=loaded.source.definition,
        definition_file=loaded.source.file,
        execution_input=execution.input,
        setup=describe_setup(setup),
        started=started,
    )
    execution.history.listen(recording.on_event)
    return recording


def finish_recording(
    recording: RunRecording | None, execution: LocalExecution, result: ExecutionResult | None
) -> None:
    if recording is None:
        return
    status = result.status if result is not None else "ABORTED"
    recording.finish(
        status=status,
        stopped=execution.clock.now(),
        output=result.output if result is not None and status == "SUCCEEDED" else None,
        error=result.error if result is not None else None,
        cause=result.cause if result is not None else None,
    )
