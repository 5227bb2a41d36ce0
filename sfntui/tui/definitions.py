"""A state machine's definition text, as a backend hands it out, turned into the model the
graph draws; parsed once per distinct text."""

from __future__ import annotations

import json
from functools import lru_cache

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine
from sfntui.asl.model import StateMachine


class UnreadableDefinition(Exception):
    """The definition cannot be drawn; `message` says why in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=64)
def machine_from_definition(text: str) -> StateMachine:
    """The parsed model of an ASL JSON text; UnreadableDefinition if it is not valid."""
    try:
        definition = json.loads(text)
    except ValueError as error:
        raise UnreadableDefinition(f"The definition is not valid JSON: {error}.") from None
    try:
        machine, _diagnostics = build_state_machine(definition)
    except InvalidDefinitionError as error:
        raise UnreadableDefinition(f"The definition is not valid: {error}") from None
    return machine
