"""The task token a Task waiting for a callback handed out, found in its TaskScheduled event.

A `.waitForTaskToken` Task passes `$$.Task.Token` (JSONPath) or
`$states.context.Task.Token` (JSONata) somewhere in its Parameters or Arguments; the
TaskScheduled event's parameters hold the same shape with the token filled in. Following the
definition's path to that placeholder in the scheduled parameters finds the token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from sfntui.history.runs import StateRun

_PLACEHOLDERS = ("$$.Task.Token", "{% $states.context.Task.Token %}")


def find_state(definition: Any, name: str) -> Mapping[str, Any] | None:
    """The raw state called `name`, at any depth (Parallel branches, Map processors)."""
    for states in _state_tables(definition):
        state = states.get(name)
        if isinstance(state, Mapping):
            return state
    return None


def _state_tables(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        states = node.get("States")
        if isinstance(states, Mapping):
            yield states
        for value in node.values():
            yield from _state_tables(value)
    elif isinstance(node, list):
        for value in node:
            yield from _state_tables(value)


def _token_paths(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(value, str) and value.strip() in _PLACEHOLDERS:
                yield (*path, key.removesuffix(".$"))
            else:
                yield from _token_paths(value, (*path, key.removesuffix(".$")))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _token_paths(value, (*path, index))


def callback_token(run: StateRun, state: Mapping[str, Any]) -> str | None:
    """The token of `run` when it is a Task still waiting for its callback, else None."""
    resource = state.get("Resource")
    if not isinstance(resource, str) or not resource.endswith(".waitForTaskToken"):
        return None
    if not run.is_open or run.scheduled_event is None:
        return None
    details = run.scheduled_event.get("taskScheduledEventDetails") or {}
    try:
        scheduled = json.loads(details.get("parameters") or "null")
    except ValueError:
        return None
    template = state.get("Parameters", state.get("Arguments"))
    for path in _token_paths(template):
        value: Any = scheduled
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        if isinstance(value, str) and value:
            return value
    return None
