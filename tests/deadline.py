"""How long a test waits for what it awaits before it calls it a hang.

One limit for every test: long enough for a loaded 2-core CI machine (a few seconds there is
an ordinary delay, not a hang), short enough that a real hang fails with a name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

HANG_SECONDS = 60.0


async def awaited(awaitable: Awaitable[T]) -> T:
    """`awaitable`'s result; a TimeoutError once `HANG_SECONDS` have passed without it."""
    return await asyncio.wait_for(awaitable, HANG_SECONDS)
