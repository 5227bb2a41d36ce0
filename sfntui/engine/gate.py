"""The gate the engine awaits at every transition point, and how a run is stopped there.

The interpreter and the state runners await a `Gate` when one is attached; the debugger is
the gate there is. Both sides import this module and neither imports the other: the engine
knows only this protocol, and the debugger sees a state only as a `GatedState`.

Moments: a state entered (`enter`), a Task/Parallel/Map result before ResultSelector
(`result`), a state exited (`exit`), and an error before Retry or Catch handles it (`error`).
"""

from __future__ import annotations

from collections import ChainMap
from typing import Any, Literal, Protocol

from sfntui.asl import model as m
from sfntui.engine.inspection import Inspection
from sfntui.engine.outcome import ExecutionFrame

Moment = Literal["enter", "result", "exit", "error"]
MOMENTS: tuple[Moment, ...] = ("enter", "result", "exit", "error")
#: Where a thread runs: e.g. (("Parallel", "P", 1), ("Map", "M", 7)); () is the execution.
Location = tuple[tuple[str, str, int], ...]


class ExecutionStopped(Exception):
    """Raised out of a gate when the user stops the run; the execution ends ABORTED."""


class GatedState(Protocol):
    """What a gate sees of the state a thread stands at."""

    @property
    def state(self) -> m.State: ...

    @property
    def frame(self) -> ExecutionFrame: ...

    @property
    def inspection(self) -> Inspection: ...

    @property
    def context(self) -> dict[str, Any]: ...

    @property
    def variables(self) -> ChainMap[str, Any]: ...


class Gate(Protocol):
    """What the engine awaits and tells; with no gate attached the engine skips all of it."""

    @property
    def active(self) -> bool:
        """False while no gate could stop (no breakpoint, not stepping or pausing): the
        engine then does not await the gates, which would return at once."""

    async def gate(self, moment: Moment, run: GatedState, data: Any = None) -> None:
        """Returns when the thread may go on; raises ExecutionStopped to end the run."""

    def take_input_edit(self) -> tuple[bool, Any]:
        """(True, value) once, if the input of the state just entered was replaced."""

    def take_result_edit(self) -> tuple[bool, Any]:
        """(True, value) once, if the result at a `result` moment was replaced."""

    def thread_done(self, location: Location) -> None:
        """A Parallel branch, Map iteration or distributed Map child run has ended."""

    def waiting_for_slot(self, location: Location) -> None:
        """A Map iteration waits for a MaxConcurrency slot (or a worker) before it starts."""

    async def stopped(self) -> None:
        """Returns when the run is to stop, so the engine aborts whatever is in flight."""
