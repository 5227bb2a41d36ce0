"""The options `run`, `test` and `debug` share: the definition, the input, mocks, handlers.

Anything wrong with them raises `UsageError` with one sentence; the command prints it and
exits 2. A definition with errors raises it too, after its findings are printed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sfntui.asl.definition import (
    DefinitionLoadError,
    InvalidDefinitionError,
    LoadedStateMachine,
    format_diagnostic,
    load_state_machine,
)
from sfntui.asl.file_limits import read_limited_text
from sfntui.asl.strict_json import JsonValueError, parse_json
from sfntui.engine.handlers import Handler, HandlerImportError, load_handler, load_handler_module
from sfntui.engine.mock_config import MockConfig, MockConfigError
from sfntui.engine.runner import RunSetup


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
        raise UsageError(f"{file}: the definition has {errors} error(s) and was not run") from None


def parse_json_text(text: str, what: str) -> Any:
    try:
        return parse_json(text, what)
    except JsonValueError as exc:
        raise UsageError(str(exc)) from None


def read_input(args: argparse.Namespace) -> Any:
    if getattr(args, "input_file", None):
        try:
            text = read_limited_text(args.input_file, "input")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{args.input_file}: cannot read the input file: {exc}") from None
        return parse_json_text(text, args.input_file)
    if getattr(args, "input", None) is not None:
        return parse_json_text(args.input, "--input")
    return {}


def read_handlers(args: argparse.Namespace) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
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
    try:
        return MockConfig.load(file)
    except MockConfigError as exc:
        raise UsageError(str(exc)) from None


def run_setup(args: argparse.Namespace, loaded: LoadedStateMachine) -> RunSetup:
    setup = RunSetup(
        handlers=read_handlers(args),
        virtual_clock=args.virtual_clock,
        items_dir=getattr(args, "items_dir", None),
    )
    if args.mock_config:
        if not args.test_case:
            raise UsageError("--mock-config needs --test-case to say which test case to use")
        setup.mock_config = read_mock_config(args.mock_config)
        setup.machine_name = args.name or loaded.name
        setup.test_case = args.test_case
        try:
            setup.resolvers(loaded.machine)
        except MockConfigError as exc:
            raise UsageError(str(exc)) from None
    elif args.test_case:
        raise UsageError("--test-case needs --mock-config")
    if getattr(args, "aws", False):
        from sfntui.aws import ConnectionOptions
        from sfntui.aws.task_resolver import AwsTaskResolver

        options = ConnectionOptions(
            profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
        )
        setup.extra_resolvers.append(AwsTaskResolver(options=options))
    return setup


async def close_resolvers(setup: RunSetup) -> None:
    """Release what the resolvers hold open (the AWS resolver's HTTP clients)."""
    for resolver in setup.extra_resolvers:
        close = getattr(resolver, "aclose", None)
        if close is not None:
            await close()
