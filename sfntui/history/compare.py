"""Two runs of a machine side by side: where their paths part, and how their data differs.

Both histories (a local run's, an AWS execution's, an exported file's) go through the
projection. The top-level state runs are lined up in order: step N of one against step N of
the other. The first step where the states differ is where the paths part; up to there, and
for the steps that visit the same state after it, the input and output are compared value by
value, each difference named by its JSONPath. (Steps inside a Map or Parallel are compared as
the Map or Parallel state's own input and output.) Nothing here knows where a run came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from sfntui.history.projection import Projection
from sfntui.history.runs import StateRun

#: A value one side does not have (a key missing, a list shorter).
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()
#: Differences listed per value at most; the rest are counted.
MAX_CHANGES = 50


@dataclass(frozen=True)
class Change:
    """One value that differs: where (a JSONPath), and what each side holds there."""

    path: str
    left: Any
    right: Any


@dataclass(frozen=True)
class StepComparison:
    """Step `index` of both runs (a side is None when its run took fewer steps)."""

    index: int
    left: StateRun | None
    right: StateRun | None
    input_changes: list[Change] = field(default_factory=list)
    output_changes: list[Change] = field(default_factory=list)

    @property
    def same_state(self) -> bool:
        return (
            self.left is not None and self.right is not None and self.left.name == self.right.name
        )

    @property
    def same_status(self) -> bool:
        return self.left is not None and self.right is not None and (
            self.left.status == self.right.status
        )

    @property
    def identical(self) -> bool:
        return (
            self.same_state
            and self.same_status
            and not self.input_changes
            and not self.output_changes
        )


@dataclass(frozen=True)
class RunComparison:
    steps: list[StepComparison]
    #: The first step where the runs go to different states (or one has ended); None if never.
    parted_at: int | None
    left_status: str
    right_status: str
    output_changes: list[Change]

    def summary(self) -> str:
        """One sentence a person reads first."""
        if self.parted_at is not None:
            step = self.steps[self.parted_at]
            left = step.left.name if step.left is not None else "the end"
            right = step.right.name if step.right is not None else "the end"
            where = f"The paths part at step {self.parted_at + 1}: {left} / {right}"
        else:
            where = "Both runs take the same path"
        changed = sum(1 for step in self.steps if step.input_changes or step.output_changes)
        data = f"{changed} step(s) with different data" if changed else "the same data"
        ending = (
            f"both end {self.left_status}"
            if self.left_status == self.right_status
            else f"one ends {self.left_status}, the other {self.right_status}"
        )
        return f"{where}, {data}; {ending}."


def compare_runs(
    left_events: Sequence[Mapping[str, Any]], right_events: Sequence[Mapping[str, Any]]
) -> RunComparison:
    left, right = Projection(left_events), Projection(right_events)
    steps: list[StepComparison] = []
    parted_at: int | None = None
    pairs = zip_longest(left.root.runs, right.root.runs)
    for index, (one, other) in enumerate(pairs):
        if one is None or other is None or one.name != other.name:
            if parted_at is None:
                parted_at = index
            steps.append(StepComparison(index, one, other))
            continue
        steps.append(
            StepComparison(
                index,
                one,
                other,
                value_changes(one.input, other.input),
                value_changes(one.output, other.output),
            )
        )
    return RunComparison(
        steps,
        parted_at,
        str(left.status),
        str(right.status),
        value_changes(left.output, right.output),
    )


def value_changes(left: Any, right: Any, path: str = "$") -> list[Change]:
    """Every place two JSON values differ, as JSONPaths (at most MAX_CHANGES)."""
    found: list[Change] = []
    _walk(left, right, path, found)
    return found


def _walk(left: Any, right: Any, path: str, found: list[Change]) -> None:
    if len(found) >= MAX_CHANGES:
        return
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        for key in dict.fromkeys([*left, *right]):
            step = f"{path}.{key}" if str(key).isidentifier() else f"{path}['{key}']"
            _walk(left.get(key, MISSING), right.get(key, MISSING), step, found)
        return
    if isinstance(left, list) and isinstance(right, list):
        for index, (one, other) in enumerate(zip_longest(left, right, fillvalue=MISSING)):
            _walk(one, other, f"{path}[{index}]", found)
        return
    if left != right or type(left) is not type(right) and not _both_numbers(left, right):
        found.append(Change(path, left, right))


def _both_numbers(one: Any, other: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(one, numbers)
        and isinstance(other, numbers)
        and not isinstance(one, bool)
        and not isinstance(other, bool)
    )
