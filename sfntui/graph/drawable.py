"""A definition with findings, made drawable: the graph shows what it can, marked.

The engine needs a definition without errors; a drawing does not. `drawable_machine`
validates the definition, then builds the model from a copy where each part the model
cannot hold is set aside: a field that does not compile is left out, a state of no known
type becomes a plain box, a Choice rule that does not compile keeps its edge under a
neutral label. Transitions stay as written, so the graph still shows the machine's shape,
and the states that hold findings are named so the drawing can mark them.

Only a definition that is not an object, or has no states, cannot be drawn.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfntui.asl.model import StateMachine
from sfntui.asl.parse import DefinitionError, parse_state_machine
from sfntui.asl.validate import Diagnostic, validate

#: More set-asides than this means something is wrong with the repair itself: give up.
_MAX_REPAIRS = 500
#: Fields whose loss would change the drawing's shape: repaired in place, not left out.
_SHAPE_FIELDS = ("Type", "Branches", "ItemProcessor", "Iterator")


#: id(machine) -> (the machine, its marked states): read by the layout, so every drawing of a
#: machine built here (the CLI's, the app's) marks the same boxes.
_MARKS: dict[int, tuple[weakref.ref[StateMachine], frozenset[str]]] = {}


def marked_states(machine: StateMachine) -> frozenset[str]:
    """The states of a machine built by `drawable_machine` that hold findings."""
    found = _MARKS.get(id(machine))
    if found is None or found[0]() is not machine:
        return frozenset()
    return found[1]


def _remember(machine: StateMachine, marked: frozenset[str]) -> None:
    if marked:
        key = id(machine)
        _MARKS[key] = (weakref.ref(machine, lambda _ref: _MARKS.pop(key, None)), marked)


class CannotDraw(ValueError):
    """There is nothing to draw; `message` says why in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Drawable:
    machine: StateMachine
    diagnostics: list[Diagnostic]
    #: The states that hold an error or a warning.
    marked: frozenset[str]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def drawable_machine(
    definition: Any, positions: Mapping[str, tuple[int, int]] | None = None
) -> Drawable:
    """The definition's model as far as it can be built, its findings, and the marked states."""
    if not isinstance(definition, dict):
        raise CannotDraw("the definition is not a JSON object, so there is nothing to draw")
    states = definition.get("States")
    if not isinstance(states, dict) or not states:
        raise CannotDraw("the definition has no states to draw")
    diagnostics = validate(definition, positions)
    marked = frozenset(
        d.state for d in diagnostics if d.state is not None and d.severity != "note"
    )
    raw = copy.deepcopy(definition)
    for _ in range(_MAX_REPAIRS):
        try:
            machine = parse_state_machine(raw)
        except DefinitionError as error:
            if not _set_aside(raw, error.pointer):
                raise CannotDraw(f"{error.pointer or '/'}: {error.message}") from None
            continue
        except RecursionError:
            break
        _remember(machine, marked)
        return Drawable(machine, diagnostics, marked)
    raise CannotDraw("the definition is too broken to draw")


def _set_aside(raw: dict[str, Any], pointer: str) -> bool:
    """Change the copy so the part at `pointer` no longer stops the model; False if it can't."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    machine: dict[str, Any] = raw
    state: dict[str, Any] | None = None
    states: dict[str, Any] | None = None
    name = ""
    rest: list[str] = []
    node: Any = raw
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if isinstance(node, dict) and token == "States" and index + 1 < len(tokens):
            states, name = node.get("States"), tokens[index + 1]
            machine = node
            node = states.get(name) if isinstance(states, dict) else None
            state = node if isinstance(node, dict) else None
            rest = tokens[index + 2 :]
            index += 2
            continue
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            break
        index += 1
    if states is None or name not in states:  # the machine itself: StartAt or States
        return _repair_machine(machine, tokens[-1] if tokens else "")
    nested = _nested_machine(state, rest)
    if nested is not None and _repair_machine(nested, rest[-1]):
        return True
    if state is None or not rest or rest[0] in _SHAPE_FIELDS:
        states[name] = _plain_box(state)
        return True
    field = rest[0]
    if field == "Resource":
        if state.get("Resource") == "(unreadable)":
            return False
        state["Resource"] = "(unreadable)"
        return True
    if field == "Choices" and len(rest) > 1:
        return _neutral_rule(state, rest[1])
    if field == "Catch" and len(rest) > 2 and rest[2] not in ("Next", "ErrorEquals"):
        catcher = _item(state.get("Catch"), rest[1])
        if isinstance(catcher, dict) and rest[2] in catcher:
            del catcher[rest[2]]
            return True
    if field in state:
        del state[field]
        return True
    return False


def _nested_machine(state: dict[str, Any] | None, rest: list[str]) -> dict[str, Any] | None:
    """The Parallel branch or Map processor a pointer's StartAt or States belongs to."""
    if state is None or not rest or rest[-1] not in ("StartAt", "States"):
        return None
    if rest[0] in ("ItemProcessor", "Iterator") and len(rest) == 2:
        found = state.get(rest[0])
    elif rest[0] == "Branches" and len(rest) == 3:
        found = _item(state.get("Branches"), rest[1])
    else:
        return None
    return found if isinstance(found, dict) else None


def _repair_machine(machine: dict[str, Any], field: str) -> bool:
    states = machine.get("States")
    if field == "StartAt" and isinstance(states, dict) and states:
        first = next(iter(states))
        if machine.get("StartAt") != first:
            machine["StartAt"] = first
            return True
    if field == "States" and machine is not None and not (isinstance(states, dict) and states):
        machine["States"] = {"(no states)": {"Type": "Succeed"}}
        machine["StartAt"] = "(no states)"
        return True
    return False


def _plain_box(state: dict[str, Any] | None) -> dict[str, Any]:
    """A state the model cannot hold, as a Pass box keeping its transitions."""
    box: dict[str, Any] = {"Type": "Pass"}
    if isinstance(state, dict):
        if isinstance(state.get("Next"), str):
            box["Next"] = state["Next"]
        else:
            box["End"] = True
    else:
        box["End"] = True
    return box


def _neutral_rule(state: dict[str, Any], position: str) -> bool:
    rules = state.get("Choices")
    rule = _item(rules, position)
    if rule is None or not isinstance(rules, list):
        return False
    target = rule.get("Next") if isinstance(rule, dict) else None
    if isinstance(rule, dict) and rule.get("Condition") == "(a rule that does not compile)":
        return False
    rules[int(position)] = {
        "Condition": "(a rule that does not compile)",
        "Next": target if isinstance(target, str) else "",
    }
    return True


def _item(items: Any, position: str) -> Any:
    if isinstance(items, list) and position.isdigit() and int(position) < len(items):
        return items[int(position)]
    return None
