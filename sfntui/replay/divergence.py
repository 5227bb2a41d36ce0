"""Where a replay parted from its recording, said in one sentence that names the place.

A place is a state and the Map iterations and Parallel branches above it; the sentence reads
innermost first: "'Charge' in iteration 3 of Map 'Orders'".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Divergence:
    """The first point where the local run and the recording differ."""

    #: `missing-result` (the local run asked for a call the recording does not have; the
    #: run stopped there), `no-answer` (the recording's call never returned), `path`, `outcome`.
    kind: str
    message: str
    state: str | None = None
    #: The Map iterations above the state, outermost first: (Map name, index).
    iteration: tuple[tuple[str, int], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "state": self.state,
            "iteration": [{"map": name, "index": index} for name, index in self.iteration],
            "message": self.message,
        }


def place(steps: tuple[tuple[str, str, int | str], ...]) -> str:
    """' in iteration 3 of Map 'M', in the branch of Parallel 'P' starting at 'A'' (or '')."""
    parts = []
    for kind, state, index in reversed(steps):
        if kind == "Map":
            parts.append(f"iteration {index} of Map '{state}'")
        elif isinstance(index, str):
            parts.append(f"the branch of Parallel '{state}' that starts at '{index}'")
        else:
            parts.append(f"branch {index} of Parallel '{state}'")
    return (" in " + ", in ".join(parts)) if parts else ""


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def first_difference(recorded: Any, local: Any, path: str = "$") -> str | None:
    """The JSON path of the first place two JSON values differ (None when they are equal)."""
    if isinstance(recorded, dict) and isinstance(local, dict):
        for key in recorded.keys() | local.keys():
            if key not in local or key not in recorded:
                return f"{path}.{key}"
            found = first_difference(recorded[key], local[key], f"{path}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(recorded, list) and isinstance(local, list):
        if len(recorded) != len(local):
            return path
        for index, (one, other) in enumerate(zip(recorded, local, strict=True)):
            found = first_difference(one, other, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    same = recorded == local and (type(recorded) is type(local) or _both_numbers(recorded, local))
    return None if same else path


def _both_numbers(one: Any, other: Any) -> bool:
    return (
        isinstance(one, int | float)
        and isinstance(other, int | float)
        and not isinstance(one, bool)
        and not isinstance(other, bool)
    )
