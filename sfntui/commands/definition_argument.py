"""The DEFINITION argument of `run`, `debug`, `graph` and `test`: a file, or a folder.

A folder is taken wherever a file is, as the app takes it: a CDK `cdk.out`, a SAM project, or
any folder of `*.asl.json`/`*.asl.yaml` files. A command that runs one definition takes a
folder holding exactly one; with several, the error names them and asks for one.

Only the loader and the validator are imported here: `sfntui graph` needs no engine.
"""

from __future__ import annotations

import sys

from sfntui.asl.definition import (
    DefinitionLoadError,
    InvalidDefinitionError,
    LoadedStateMachine,
    build_state_machine,
    format_diagnostic,
    load_state_machine,
)


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def load_machine(path: str, state_machine: str | None = None) -> LoadedStateMachine:
    """The one definition `path` names (a template's or a folder's: `state_machine`)."""
    try:
        return load_state_machine(path, state_machine)
    except DefinitionLoadError as exc:
        raise UsageError(str(exc)) from None
    except InvalidDefinitionError as exc:
        raise _refused(exc, path) from None


def load_machines(path: str) -> list[LoadedStateMachine]:
    """Every definition `path` holds: a file's one, a template's or a folder's each."""
    from sfntui.asl.loader import load_definitions

    try:
        sources = load_definitions(path)
    except DefinitionLoadError as exc:
        raise UsageError(str(exc)) from None
    machines = []
    for source in sources:
        try:
            machine, diagnostics = build_state_machine(source.definition, source)
        except InvalidDefinitionError as exc:
            raise _refused(exc, source.file or path) from None
        machines.append(LoadedStateMachine(source, machine, diagnostics))
    return machines


def _refused(error: InvalidDefinitionError, path: str) -> UsageError:
    """The findings on stderr, as `validate` prints them; one sentence to end on."""
    file_name = error.loaded.file if error.loaded else path
    for diagnostic in error.diagnostics:
        print(format_diagnostic(diagnostic, file_name), file=sys.stderr)
    errors = sum(d.severity == "error" for d in error.diagnostics)
    return UsageError(f"{file_name}: the definition has {errors} error(s) and was not run")
