"""What a run did, in the terms the graph draws: a status per state, Map iteration counts,
the debugger's current stop and its breakpoints.

The graph takes this plain form rather than a history `Projection`, so a caller can colour
it from anything; `status_from_projection` is the adapter for the usual case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sfntui.history.projection import Projection

NOT_REACHED = "NOT_REACHED"
RUNNING = "RUNNING"
RETRIED = "RETRIED"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
CAUGHT = "CAUGHT"
ABORTED = "ABORTED"

#: Every status the graph knows, in the order a legend lists them.
STATUSES = (SUCCEEDED, FAILED, CAUGHT, RETRIED, RUNNING, ABORTED, NOT_REACHED)

_EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True)
class GraphStatus:
    #: State name -> one of STATUSES (`RunStatus` values are these strings). None: there is
    #: no run to show, and boxes carry no status symbol. With a mapping, a state missing
    #: from it was not reached.
    states: Mapping[str, str] | None = None
    #: Map state name -> iteration status -> how many iterations are in it.
    map_iterations: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    #: The state the debugger is stopped at.
    current: str | None = None
    breakpoints: frozenset[str] = frozenset()
    #: States that hold a validator finding (an error or a warning): marked on their border.
    findings: frozenset[str] = frozenset()

    @property
    def shows_run(self) -> bool:
        return self.states is not None

    def of(self, name: str) -> str | None:
        """The status to draw for a state, or None when there is no run."""
        if self.states is None:
            return None
        status = self.states.get(name, NOT_REACHED)
        return status if status in STATUSES else NOT_REACHED

    def iterations_of(self, name: str) -> Mapping[str, int]:
        return self.map_iterations.get(name) or _EMPTY  # type: ignore[return-value]

    @property
    def marks_anything(self) -> bool:
        return (
            self.states is not None
            or self.current is not None
            or bool(self.breakpoints)
            or bool(self.findings)
        )


def status_from_projection(
    projection: Projection | None,
    *,
    current: str | None = None,
    breakpoints: Collection[str] = (),
) -> GraphStatus:
    """The graph's view of a history projection: each state's latest run status, and for
    each Map the iterations of its latest run counted by status."""
    if projection is None:
        return GraphStatus(current=current, breakpoints=frozenset(breakpoints))
    states: dict[str, str] = {}
    iterations: dict[str, Mapping[str, int]] = {}
    for name in projection.state_names:
        run = projection.latest_run(name)
        if run is None:
            continue
        states[name] = str(run.status)
        if run.state_type == "Map":
            iterations[name] = dict(Counter(str(frame.status) for frame in run.iterations))
    return GraphStatus(states, iterations, current, frozenset(breakpoints))
