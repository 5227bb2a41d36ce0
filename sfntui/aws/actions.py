"""Actions that change something on AWS (start, stop, redrive) ask first.

An `Action` (neutral: `sfntui.history.actions`, which the local backend uses too) is handed
to the caller's `confirm` callback; a read-only connection refuses them all before asking.
"""

from __future__ import annotations

from sfntui.aws.errors import ActionDeclined, ReadOnlyError
from sfntui.history.actions import Action, Confirm, always, require_confirmation

__all__ = ["Action", "Confirm", "always", "check_allowed"]


async def check_allowed(action: Action, confirm: Confirm | None, read_only: bool) -> None:
    """Raise ReadOnlyError or ActionDeclined unless the action may go ahead."""
    if read_only:
        raise ReadOnlyError(
            f"sfntui is connected read-only, so it will not {action.verb} {action.target}; "
            "connect without --read-only to do that."
        )
    await require_confirmation(action, confirm, ActionDeclined)
