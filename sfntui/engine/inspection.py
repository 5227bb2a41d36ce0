"""Per-state inspection data: the data at each processing step, named as AWS's TestState API.

JSONPath states fill `input`, `afterInputPath`, `afterParameters`, `result`,
`afterResultSelector`, `afterResultPath`, `output`; JSONata states fill `input`,
`afterArguments`, `result`, `output` and `variables` (after Assign). A Map state adds
`afterItemsPath`, `afterItemSelector`, `afterItemBatcher` and the limits it ran with
(`maxConcurrency`, `toleratedFailureCount`, `toleratedFailurePercentage`). Values are
references to the immutable JSON values the engine built, never copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STEPS_JSONPATH = (
    "input",
    "afterInputPath",
    "afterParameters",
    "afterItemsPath",
    "afterItemSelector",
    "afterItemBatcher",
    "result",
    "afterResultSelector",
    "afterResultPath",
    "output",
)
STEPS_JSONATA = (
    "input",
    "afterArguments",
    "afterItemSelector",
    "afterItemBatcher",
    "result",
    "output",
)


@dataclass(slots=True)
class Inspection:
    """What one run of one state did to its data."""

    state: str
    state_type: str
    query_language: str
    entered_event_id: int
    #: Where this run sits: e.g. (("Parallel", "P", 1), ("Map", "M", 7)).
    location: tuple[tuple[str, str, int], ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] | None = None
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None

    def steps(self) -> list[tuple[str, Any]]:
        """The recorded steps in processing order."""
        order = STEPS_JSONATA if self.query_language == "JSONata" else STEPS_JSONPATH
        return [(name, self.data[name]) for name in order if name in self.data]
