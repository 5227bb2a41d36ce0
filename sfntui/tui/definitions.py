"""A state machine's definition text, as a backend hands it out, turned into the model the
graph draws; parsed once per distinct text. A definition with findings is drawn all the same,
its states that hold them marked (`sfntui.graph.drawable`)."""

from __future__ import annotations

import json
from functools import lru_cache

from sfntui.asl.model import StateMachine
from sfntui.graph.drawable import CannotDraw, drawable_machine


class UnreadableDefinition(Exception):
    """The definition cannot be drawn; `message` says why in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=64)
def machine_from_definition(text: str) -> StateMachine:
    """The model of an ASL JSON text, as far as it can be drawn; UnreadableDefinition if it
    does not parse or has no states."""
    try:
        definition = json.loads(text)
    except ValueError as error:
        raise UnreadableDefinition(f"The definition is not valid JSON: {error}.") from None
    try:
        return drawable_machine(definition).machine
    except CannotDraw as error:
        raise UnreadableDefinition(f"The definition cannot be drawn: {error.message}.") from None
