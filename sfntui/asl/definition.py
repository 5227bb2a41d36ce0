"""From a file to a runnable model in one call: load, validate, build.

`load_state_machine` is what the commands and the app use: it returns the model, or raises
`DefinitionLoadError` (the file cannot be read or parsed) or `InvalidDefinitionError` (it was
read, and validation found errors; each finding carries its line and column).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sfntui.asl.loader import DefinitionLoadError, LoadedDefinition, load_definition
from sfntui.asl.validate import Diagnostic, has_errors, validate
from sfntui.asl.visible_text import visible

if TYPE_CHECKING:
    from sfntui.asl.model import StateMachine

__all__ = [
    "DefinitionLoadError",
    "InvalidDefinitionError",
    "LoadedStateMachine",
    "build_state_machine",
    "format_diagnostic",
    "load_state_machine",
]


class InvalidDefinitionError(ValueError):
    def __init__(self, loaded: LoadedDefinition | None, diagnostics: list[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.severity == "error"]
        first = format_diagnostic(errors[0], loaded.file if loaded else None) if errors else ""
        super().__init__(first)
        self.loaded = loaded
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class LoadedStateMachine:
    source: LoadedDefinition
    machine: StateMachine
    diagnostics: list[Diagnostic]

    @property
    def name(self) -> str:
        return self.source.name


def format_diagnostic(diagnostic: Diagnostic, file: str | None) -> str:
    """`file:line:col: error: <state>: <sentence>`, as a compiler prints it."""
    where = file or "<definition>"
    if diagnostic.line is not None:
        where += f":{diagnostic.line}:{diagnostic.column or 1}"
    state = f"{diagnostic.state}: " if diagnostic.state else ""
    return visible(f"{where}: {diagnostic.severity}: {state}{diagnostic.message}")


def build_state_machine(
    definition: Any, source: LoadedDefinition | None = None
) -> tuple[StateMachine, list[Diagnostic]]:
    """Validate a definition's JSON and build its model; InvalidDefinitionError if invalid."""
    # Here, not above: `sfntui validate` formats its findings with this module and has no
    # use for the model (tests/test_import_hygiene.py keeps it so).
    from sfntui.asl.parse import DefinitionError, parse_state_machine

    positions = source.positions if source is not None else None
    diagnostics = validate(definition, positions)
    if has_errors(diagnostics):
        raise InvalidDefinitionError(source, diagnostics)
    try:
        machine = parse_state_machine(definition)
    except DefinitionError as exc:
        finding = Diagnostic("error", exc.pointer, None, exc.message)
        if source is not None:
            position = source.position(exc.pointer)
            if position is not None:
                finding = Diagnostic("error", exc.pointer, None, exc.message, *position)
        raise InvalidDefinitionError(source, [*diagnostics, finding]) from None
    return machine, diagnostics


def load_state_machine(
    path: str | os.PathLike[str], state_machine: str | None = None
) -> LoadedStateMachine:
    source = load_definition(path, state_machine)
    machine, diagnostics = build_state_machine(source.definition, source)
    return LoadedStateMachine(source, machine, diagnostics)
