"""Capped, jittered exponential back-off: the one formula for every retry sfntui makes itself.

botocore retries a single request (standard mode, see `connection.py`); what it cannot see is
retried here: a throttle that outlasts botocore's attempts, an answer that does not parse, a
history page with a gap, a tail reconnecting after an outage. Each pause doubles from `base`
up to `cap`, and is drawn at random from its upper half, so that several sfntui processes
retrying the same fault do not retry in step.
"""

from __future__ import annotations

import random

#: The longest pause between two tries (botocore's standard mode caps its own at 20 s too).
MAX_PAUSE = 20.0


def pause(base: float, attempt: int, cap: float = MAX_PAUSE) -> float:
    """Seconds to wait before try `attempt + 1` (`attempt` counts the failed tries, from 1)."""
    ceiling = min(cap, base * 2 ** max(0, min(attempt - 1, 30)))
    return ceiling * (0.5 + random.random() / 2)
