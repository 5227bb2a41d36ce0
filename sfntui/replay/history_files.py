"""A replay from files: an exported history, the definition beside it, and the histories of
its distributed Maps' child executions from a folder.

A history (`sfntui history --json`, `aws stepfunctions get-execution-history`) holds neither
the definition nor the child executions' events (on AWS each child is an execution of its
own). The definition: `--definition`, else the one `*.asl.json` beside the file, or among
several the one named after the machine the history names (its Map Run or version ARNs).
The children: a folder of their history files, one file per child execution (named by its
execution name, as `sfntui history --json CHILD_ARN > NAME.json` writes it); with several
distributed Maps in the execution, a subfolder per Map state (`DIR/<Map state>/*.json`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sfntui.history.events import details, load_history_file
from sfntui.history.projection import Projection
from sfntui.replay.recording import RecordingError

#: The most child executions a replay reads, over all its distributed Maps (from AWS or
#: from a folder of history files).
MAX_CHILD_EXECUTIONS = 1_000

Events = Sequence[Mapping[str, Any]]


def map_runs(events: Events) -> dict[str, str]:
    """The execution's distributed Map Runs: Map Run ARN -> the Map state that started it."""
    found: dict[str, str] = {}
    if not any(e.get("type") == "MapRunStarted" for e in events):
        return found
    for run in Projection(events).runs:
        if run.state_type == "Map" and run.map_run_arn:
            found.setdefault(run.map_run_arn, run.name)
    return found


def missing_children(events: Events, source: str) -> str | None:
    """The sentence saying what a replay of these events lacks without the children, if so."""
    runs = map_runs(events)
    if not runs:
        return None
    states = ", ".join(f"'{state}'" for state in dict.fromkeys(runs.values()))
    return (
        f"{source} has a distributed Map ({states}) whose iterations ran as child executions, "
        "and their histories are not in it: export each one (sfntui history --json CHILD_ARN) "
        "into a folder and give it with --children DIR"
    )


def read_children(folder: str | Path, events: Events) -> dict[str, list[list[dict[str, Any]]]]:
    """The child executions' histories by Map Run ARN, from `folder` (see the module
    docstring); RecordingError or HistoryFileError say what is wrong, in one sentence."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RecordingError(f"--children {folder}: no such folder.")
    runs = map_runs(events)
    if not runs:
        raise RecordingError(
            f"--children {folder}: the execution has no distributed Map (no MapRunStarted "
            "event), so it has no child executions."
        )
    found: dict[str, list[list[dict[str, Any]]]] = {}
    for run, state in runs.items():
        inside = folder / state
        files = sorted((inside if inside.is_dir() else folder).glob("*.json"))
        if not inside.is_dir() and len(runs) > 1:
            raise RecordingError(
                f"--children {folder}: the execution has {len(runs)} distributed Maps; put "
                f"each one's child histories in a subfolder named after it ({state}/ ...)."
            )
        if not files:
            raise RecordingError(
                f"--children {folder}: no child history (*.json) for the distributed Map '{state}'."
            )
        if len(files) > MAX_CHILD_EXECUTIONS:
            raise RecordingError(
                f"--children {folder}: {len(files)} child histories for '{state}'; a replay "
                f"reads at most {MAX_CHILD_EXECUTIONS}."
            )
        found[run] = [load_history_file(path) for path in files]
    return found


def machine_names(events: Events) -> list[str]:
    """The state machine names the history itself gives (version, alias and Map Run ARNs)."""
    names: list[str] = []
    for event in events:
        found = details(event)
        for key in ("stateMachineVersionArn", "stateMachineAliasArn", "mapRunArn"):
            arn = found.get(key)
            if isinstance(arn, str) and arn.count(":") >= 6:
                name = arn.split(":")[6].split("/")[0]
                if name and name not in names:
                    names.append(name)
    return names


def definition_beside(history: str | Path, events: Events) -> Path:
    """The definition beside a history file (see the module docstring); RecordingError says
    why none is known."""
    history = Path(history)
    candidates = sorted(history.parent.glob("*.asl.json"))
    if len(candidates) == 1:
        return candidates[0]
    wanted = [*machine_names(events), history.name.split(".")[0]]
    for name in wanted:
        for path in candidates:
            if path.name == f"{name}.asl.json":
                return path
    there = f"{len(candidates)} *.asl.json files there" if candidates else "no *.asl.json there"
    raise RecordingError(
        f"No definition is known for {history.name} ({there}, none named after its machine): "
        "give the one that ran with --definition."
    )


__all__ = [
    "MAX_CHILD_EXECUTIONS",
    "definition_beside",
    "machine_names",
    "map_runs",
    "missing_children",
    "read_children",
]
