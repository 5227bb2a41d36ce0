"""Asking a source of executions for something, and how that can fail: in one sentence.

An action that changes something (start, stop, redrive) is described by an `Action` and
handed to the caller's `confirm` callback (a dialog in the app, a prompt or a flag in a
script) before anything is done. Any request that fails raises a `BackendError` whose
`message` is one sentence for a person; `ActionCancelled` is the kind that means nothing was
changed (refused as read-only, or not confirmed).

These are neutral, like the records in `sfntui.history.records`: `sfntui.aws.AwsError` is a
kind of `BackendError`, and the local backend raises `BackendError` itself, so the app
catches one kind of failure from either source, with no translation in between. They live
in this layer because `sfntui.aws` may import nothing above `sfntui.history`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class BackendError(Exception):
    """A request to a source of executions failed; `message` is one sentence for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ActionCancelled(BackendError):
    """The action was refused (read-only) or not confirmed; nothing was changed."""


@dataclass(frozen=True)
class Action:
    verb: str  # "start" | "stop" | "redrive"
    target: str  # the ARN acted on: the state machine for start, else the execution
    summary: str  # one sentence for the confirmation prompt
    details: Mapping[str, Any] = field(default_factory=dict)


#: Answers whether to go ahead with an action; may be sync or async.
Confirm = Callable[[Action], bool | Awaitable[bool]]


def always(_action: Action) -> bool:
    """A `confirm` for scripts and tests that have already decided."""
    return True


async def require_confirmation(
    action: Action, confirm: Confirm | None, declined: type[ActionCancelled] = ActionCancelled
) -> None:
    """Return if `confirm` says yes to the action; else raise `declined` saying why not."""
    if confirm is None:
        raise declined(f"Cannot {action.verb} {action.target} without a confirmation.")
    answer = confirm(action)
    if inspect.isawaitable(answer):
        answer = await answer
    if not answer:
        raise declined(f"Did not {action.verb} {action.target}: it was not confirmed.")
