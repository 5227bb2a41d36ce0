"""Static validation of an Amazon States Language definition.

`validate` takes the raw JSON value (before any model is built) and returns every problem it
finds as a `Diagnostic` naming the field by its JSON pointer, sorted in the order the fields
appear in the definition. It never raises, whatever value it is given.

This module walks the machine: top-level fields, each scope (the top level, every Parallel
branch, every Map's ItemProcessor) with its StartAt, states, transitions and reachability.
What a state's fields may be lives in `validate_fields`; what their values may be in
`validate_states` and `validate_values`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from sfntui.asl.placeholders import placeholder_names
from sfntui.asl.validate_fields import (
    ITEM_PROCESSOR_FIELDS,
    NESTED_MACHINE_FIELDS,
    QUERY_LANGUAGES,
    STATE_TYPES,
    TOP_LEVEL_FIELDS,
    check_object_fields,
    check_state_fields,
    suggestion,
)
from sfntui.asl.validate_report import (
    Diagnostic,
    Report,
    Where,
    child,
    describe,
    quoted,
    unescape,
)
from sfntui.asl.validate_states import check_state_values
from sfntui.asl.validate_values import check_integer, check_string

__all__ = ["Diagnostic", "has_errors", "validate"]

MAX_STATE_NAME = 80
_TERMINAL_TYPES = ("Succeed", "Fail")
_PLACEHOLDERS_SHOWN = 8
_SCOPE_WORDS = {
    "top": "state machine",
    "branch": "Parallel branch",
    "ItemProcessor": "Map ItemProcessor",
    "Iterator": "Map Iterator",
}


def validate(
    definition: Any, positions: Mapping[str, tuple[int, int]] | None = None
) -> list[Diagnostic]:
    """Every problem in `definition`, in document order.

    `positions` maps JSON pointers to (line, column); each diagnostic takes the position of its
    pointer, or of the nearest ancestor that has one.
    """
    report = Report()
    try:
        _Validator(report).run(definition)
    except RecursionError:
        report.error("", None, "The definition is nested too deeply to be checked")
    diagnostics = list(dict.fromkeys(report.diagnostics))
    order = _DocumentOrder(definition)
    diagnostics.sort(key=lambda d: order.key(d.pointer))
    if positions:
        diagnostics = [_placed(d, positions) for d in diagnostics]
    return diagnostics


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


class _Validator:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.top_language = "JSONPath"
        #: Every state name in the whole machine, with the pointers of the states that bear it.
        self.names: dict[str, list[str]] = {}

    def run(self, definition: Any) -> None:
        if not isinstance(definition, dict):
            self.report.error(
                "",
                None,
                f"A state machine definition must be a JSON object, not {describe(definition)}",
            )
            return
        top = Where("", None, "JSONPath")
        check_object_fields(
            self.report, "", None, definition, TOP_LEVEL_FIELDS, "a state machine's top level"
        )
        for field in ("Comment", "Version"):
            if field in definition:
                check_string(self.report, top, field, definition[field])
        if "TimeoutSeconds" in definition:
            check_integer(self.report, top, "TimeoutSeconds", definition["TimeoutSeconds"], 1)
        if "QueryLanguage" in definition:
            language = definition["QueryLanguage"]
            if language in QUERY_LANGUAGES:
                self.top_language = language
            else:
                self.report.error(
                    "/QueryLanguage",
                    None,
                    f"QueryLanguage must be JSONPath or JSONata, not {_shown(language)}",
                )
        _collect_names(definition, "", self.names, self.report.thrown)
        self.check_machine(definition, "", self.top_language, "top", None)
        self._note_placeholders(definition)

    def _note_placeholders(self, definition: Mapping[str, Any]) -> None:
        """One note for every `${...}` left in: each is read as a valid value of its field."""
        names = placeholder_names(definition)
        if not names:
            return
        shown = ", ".join(names[:_PLACEHOLDERS_SHOWN])
        if len(names) > _PLACEHOLDERS_SHOWN:
            shown += f" and {len(names) - _PLACEHOLDERS_SHOWN} more"
        self.report.note(
            "",
            None,
            f"Template placeholders are left in the definition ({shown}): each is taken as a "
            "valid value of the field it stands in, as the template's DefinitionSubstitutions "
            "fill it when it is deployed",
        )

    # --- scopes ---------------------------------------------------------------------------------

    def check_machine(
        self, machine: Any, pointer: str, language: str, kind: str, owner: str | None
    ) -> None:
        """One scope: StartAt, States, each state, then reachability and a terminal state."""
        words = _SCOPE_WORDS.get(kind, kind)
        if not isinstance(machine, dict):
            self.report.error(
                pointer,
                owner,
                f"A {words} must be an object with StartAt and States, not {describe(machine)}",
            )
            return
        if kind != "top":
            allowed = NESTED_MACHINE_FIELDS if kind == "branch" else ITEM_PROCESSOR_FIELDS
            check_object_fields(self.report, pointer, owner, machine, allowed, f"a {words}")
            if "Comment" in machine:
                check_string(
                    self.report, Where(pointer, owner, language), "Comment", machine["Comment"]
                )
        states_pointer = child(pointer, "States")
        states = machine.get("States")
        if "States" not in machine:
            self.report.error(
                states_pointer, owner, f"A {words} needs States: an object holding its states"
            )
        elif not isinstance(states, dict):
            self.report.error(
                states_pointer, owner, f"States must be an object of states, not {describe(states)}"
            )
        elif not states:
            self.report.error(states_pointer, owner, "States must hold at least one state")
        scope = states if isinstance(states, dict) else {}
        start = self._check_start_at(machine, pointer, owner, words, scope)
        for name, raw in scope.items():
            self.check_state(name, raw, child(states_pointer, name), language, scope)
        if scope:
            self._check_reachable(scope, states_pointer, start)
            if not any(_is_terminal(raw) for raw in scope.values()):
                self.report.error(
                    states_pointer,
                    owner,
                    f"No state ends this {words}: at least one state needs End: true, "
                    "or Type Succeed or Fail",
                )

    def _check_start_at(
        self, machine: Mapping[str, Any], pointer: str, owner: str | None, words: str, scope: Any
    ) -> str | None:
        """Report a bad StartAt; return it when it names a state of this scope."""
        here = child(pointer, "StartAt")
        if "StartAt" not in machine:
            self.report.error(
                here, owner, f"A {words} needs StartAt: the name of the state to run first"
            )
            return None
        start = machine["StartAt"]
        if not isinstance(start, str):
            self.report.error(
                here, owner, f"StartAt must be the name of a state, not {describe(start)}"
            )
            return None
        if start in scope:
            return start
        if scope:
            self.report.error(here, owner, self._missing_target("StartAt", start, scope))
        return None

    def _check_reachable(self, scope: Mapping[str, Any], pointer: str, start: str | None) -> None:
        if start is None:
            return  # StartAt is already reported; every state would look unreachable
        seen = {start}
        pending = [start]
        while pending:
            raw = scope[pending.pop()]
            for _, target in _transitions(raw):
                if isinstance(target, str) and target in scope and target not in seen:
                    seen.add(target)
                    pending.append(target)
        for name in scope:
            if name not in seen:
                self.report.error(
                    child(pointer, name),
                    name,
                    f"State {quoted(name)} cannot be reached: no Next, Default, Choice rule or "
                    "Catch leads to it from StartAt",
                )

    # --- states ---------------------------------------------------------------------------------

    def check_state(
        self, name: str, raw: Any, pointer: str, scope_language: str, scope: Mapping[str, Any]
    ) -> None:
        self._check_name(name, pointer)
        if not isinstance(raw, dict):
            self.report.error(
                pointer, name, f"State {quoted(name)} must be an object, not {describe(raw)}"
            )
            return
        where = Where(pointer, name, self._state_language(name, raw, pointer, scope_language))
        kind = raw.get("Type")
        if "Type" not in raw:
            self.report.error(
                where.at("Type"), name, f"The state needs a Type: one of {', '.join(STATE_TYPES)}"
            )
        elif kind not in STATE_TYPES:
            hint = suggestion(kind, STATE_TYPES) if isinstance(kind, str) else ""
            self.report.error(
                where.at("Type"),
                name,
                f"Type {_shown(kind)} is not a state type{hint}; use one of "
                f"{', '.join(STATE_TYPES)}",
            )
        self._check_targets(where, raw, scope)
        if kind not in STATE_TYPES:
            return
        usable = check_state_fields(self.report, where, raw, kind)
        self._check_flow(where, raw, kind)
        check_state_values(self.report, where, raw, kind, usable, self.check_machine)

    def _check_name(self, name: str, pointer: str) -> None:
        if not name:
            self.report.error(pointer, name, "A state name cannot be empty")
        elif len(name) > MAX_STATE_NAME:
            self.report.error(
                pointer,
                name,
                f"State name {quoted(name, 40)} has {len(name)} characters; "
                f"the most AWS allows is {MAX_STATE_NAME}",
            )
        first = self.names.get(name, [pointer])[0]
        if first != pointer:
            self.report.error(
                pointer,
                name,
                f"State name {quoted(name)} is already used by the state at {first}: "
                "names must be unique in the whole state machine, branches included",
            )

    def _state_language(
        self, name: str, raw: Mapping[str, Any], pointer: str, scope_language: str
    ) -> str:
        if "QueryLanguage" not in raw:
            return scope_language
        language = raw["QueryLanguage"]
        here = child(pointer, "QueryLanguage")
        if language not in QUERY_LANGUAGES:
            self.report.error(
                here, name, f"QueryLanguage must be JSONPath or JSONata, not {_shown(language)}"
            )
            return scope_language
        if language == "JSONPath" and self.top_language == "JSONata":
            self.report.error(
                here,
                name,
                "QueryLanguage cannot be JSONPath here: the state machine's top-level "
                "QueryLanguage is JSONata, and its states cannot go back to JSONPath",
            )
        return str(language)

    def _check_targets(
        self, where: Where, raw: Mapping[str, Any], scope: Mapping[str, Any]
    ) -> None:
        for tokens, target in _transitions(raw):
            if isinstance(target, str) and target in scope:
                continue
            pointer = child(where.pointer, *tokens)
            field = "Default" if tokens == ("Default",) else "Next"
            if not isinstance(target, str):
                self.report.error(
                    pointer,
                    where.state,
                    f"{field} must be the name of a state, not {describe(target)}",
                )
            else:
                self.report.error(pointer, where.state, self._missing_target(field, target, scope))

    def _missing_target(self, field: str, target: str, scope: Mapping[str, Any]) -> str:
        message = f"{field} names {quoted(target)}, but there is no state called {quoted(target)}"
        if target in self.names:
            return (
                f"{message} in this scope: it is inside another Parallel branch or Map "
                "ItemProcessor, and transitions cannot cross into or out of one"
            )
        return message + suggestion(target, scope)

    def _check_flow(self, where: Where, raw: Mapping[str, Any], kind: str) -> None:
        """Next and End: a non-terminal state needs exactly one of them."""
        if kind in ("Choice", *_TERMINAL_TYPES):
            return  # their Next and End are reported by the field tables
        has_next, has_end = "Next" in raw, "End" in raw
        end = raw.get("End")
        if has_end and not isinstance(end, bool):
            self.report.error(
                where.at("End"), where.state, f"End must be true or false, not {describe(end)}"
            )
        if has_next and has_end:
            self.report.error(
                where.at("End"),
                where.state,
                "Next and End cannot both be given: a state either moves on or ends",
            )
        elif not has_next and not has_end:
            self.report.error(
                where.pointer,
                where.state,
                f"A {kind} state needs Next (the state to run after it) or End: true",
            )
        elif end is False:
            self.report.error(
                where.at("End"),
                where.state,
                "End is false but there is no Next: set End to true, or name the Next state",
            )


# --- the walk's small pieces ---------------------------------------------------------------------


def _transitions(raw: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(where in the state, target) for Next, Default, each Choice rule's Next and each
    catcher's Next; the place as pointer tokens, made into a pointer only for a finding."""
    if not isinstance(raw, dict):
        return
    if "Next" in raw:
        yield ("Next",), raw["Next"]
    if "Default" in raw:
        yield ("Default",), raw["Default"]
    for field in ("Choices", "Catch"):
        rules = raw.get(field)
        if isinstance(rules, list):
            for index, rule in enumerate(rules):
                if isinstance(rule, dict) and "Next" in rule:
                    yield (field, index, "Next"), rule["Next"]


def _is_terminal(raw: Any) -> bool:
    return isinstance(raw, dict) and (raw.get("Type") in _TERMINAL_TYPES or raw.get("End") is True)


def _nested_machines(raw: Any, pointer: str) -> Iterator[tuple[Any, str]]:
    if not isinstance(raw, dict):
        return
    branches = raw.get("Branches")
    if isinstance(branches, list):
        for index, branch in enumerate(branches):
            yield branch, child(pointer, "Branches", index)
    for field in ("ItemProcessor", "Iterator"):
        if field in raw:
            yield raw[field], child(pointer, field)


def _collect_names(
    machine: Any, pointer: str, names: dict[str, list[str]], thrown: set[str]
) -> None:
    """Every state name of the machine and its nested machines, in document order, and the
    Error names its Fail states throw."""
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for name, raw in states.items():
        state_pointer = child(pointer, "States", name)
        names.setdefault(name, []).append(state_pointer)
        error = raw.get("Error") if isinstance(raw, dict) and raw.get("Type") == "Fail" else None
        if isinstance(error, str):
            thrown.add(error)
        for nested, nested_pointer in _nested_machines(raw, state_pointer):
            _collect_names(nested, nested_pointer, names, thrown)


def _shown(value: Any) -> str:
    return quoted(value) if isinstance(value, str) else describe(value)


class _DocumentOrder:
    """Sort keys that put pointers in the order their fields appear in the definition.

    A pointer to a missing field sorts after its parent's existing fields.
    """

    def __init__(self, definition: Any) -> None:
        self.definition = definition
        self._indexes: dict[int, dict[str, int]] = {}

    def key(self, pointer: str) -> tuple[int, ...]:
        key: list[int] = []
        node = self.definition
        for token in pointer.split("/")[1:] if pointer else []:
            name = unescape(token)
            if isinstance(node, dict):
                index = self._index_of(node).get(name)
                if index is None:
                    key.append(len(node))
                    break
                key.append(index)
                node = node[name]
            elif isinstance(node, list) and name.isdigit() and int(name) < len(node):
                key.append(int(name))
                node = node[int(name)]
            else:
                key.append(1 << 30)
                break
        return tuple(key)

    def _index_of(self, node: dict[str, Any]) -> dict[str, int]:
        indexes = self._indexes.get(id(node))
        if indexes is None:
            indexes = {name: index for index, name in enumerate(node)}
            self._indexes[id(node)] = indexes
        return indexes


def _placed(diagnostic: Diagnostic, positions: Mapping[str, tuple[int, int]]) -> Diagnostic:
    pointer = diagnostic.pointer
    while True:
        position = positions.get(pointer)
        if position is not None:
            try:
                line, column = position
            except (TypeError, ValueError):
                return diagnostic
            return replace(diagnostic, line=line, column=column)
        if not pointer:
            return diagnostic
        pointer = pointer.rsplit("/", 1)[0]
