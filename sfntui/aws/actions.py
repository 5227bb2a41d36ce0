"""Actions that change something on AWS (start, stop, redrive) ask first.

Every action is described by an `Action` and handed to the caller's `confirm` callback (a
dialog in the app, a prompt or a flag in a script); a read-only connection refuses them all
before asking.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sfntui.aws.errors import ActionDeclined, ReadOnlyError


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


async def check_allowed(action: Action, confirm: Confirm | None, read_only: bool) -> None:
    """Raise ReadOnlyError or ActionDeclined unless the action may go ahead."""
    if read_only:
        raise ReadOnlyError(
            f"sfntui is connected read-only, so it will not {action.verb} {action.target}; "
            "connect without --read-only to do that."
        )
    if confirm is None:
        raise ActionDeclined(f"Cannot {action.verb} {action.target} without a confirmation.")
    answer = confirm(action)
    if inspect.isawaitable(answer):
        answer = await answer
    if not answer:
        raise ActionDeclined(f"Did not {action.verb} {action.target}: it was not confirmed.")
