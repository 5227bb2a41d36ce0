"""Python's garbage collector paused while an execution's history is read page by page.

25,000 events are some 300,000 new containers in a second or two, and each time the tracked
objects grow by a quarter Python walks every one of them (a full collection): 0.2-0.5 s
each on a busy machine, two or three of them in one load, a third of the time a big
execution took to open. What is read lives as long as the execution is open, so those walks
find nothing to free. The pause lasts until the history written so far is in (AWS's quota
bounds it: 25 pages of 1,000 events), or the load fails or is cancelled; then the collector
is as it was. Pauses nest (two loads at once resume it when both are done).
"""

from __future__ import annotations

import gc


class CollectorPause:
    """The collector off from now until `resume` (called once or more)."""

    #: Pauses not yet resumed, and whether the collector was on before the first.
    _held = 0
    _was_enabled = False

    def __init__(self) -> None:
        if CollectorPause._held == 0:
            CollectorPause._was_enabled = gc.isenabled()
            gc.disable()
        CollectorPause._held += 1
        self._holding = True

    def resume(self) -> None:
        if not self._holding:
            return
        self._holding = False
        CollectorPause._held -= 1
        if CollectorPause._held == 0 and CollectorPause._was_enabled:
            gc.enable()
