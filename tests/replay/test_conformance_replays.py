"""Every execution of the conformance corpus, replayed from its own history with no mocks.

tests/engine/conformance.py runs each case as the corpus says (its recorded mocks, or local
handlers), which gives the history AWS recorded for it (the event types are checked there
against AWS's). That history, written to a file and read back, is then replayed with nothing
but the recording: the run must match it, and take the same state events in the same order.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.history.events import dump_history, load_history_file
from sfntui.replay import read_recording, replay
from tests.engine.conformance import load_cases, run_case
from tests.replay.recordings import state_events

#: Cases whose recording cannot be replayed as it is, and why.
NOT_REPLAYABLE = {
    "test_activities__TestActivities__test_activity_task_on_deleted": (
        "nothing answered the Task when the history was made: the failure is the engine's own "
        "('no mock, handler or AWS call'), not a recorded result"
    ),
    "test_apigetway_task_service__TestTaskApiGateway__"
    "test_invoke_with_headers_singleStringHeader": (
        "nothing answered the Task when the history was made (as above)"
    ),
}
#: Distributed Maps: their iterations' Tasks ran in child executions, with histories of their
#: own, given to the replay beside the parent's (or not: then the replay must say so).
DISTRIBUTED = {
    "test_base_scenarios__TestBaseScenarios__test_map_state_config_distributed_reentrant_lambda",
    "test_base_scenarios__TestBaseScenarios__test_map_state_lambda",
}
#: A distributed Map inside a distributed Map's child: the grandchildren are not replayed yet.
NESTED_DISTRIBUTED = (
    "test_base_scenarios__TestBaseScenarios__"
    "test_map_state_nested_config_distributed_no_max_max_concurrency"
)
CASES = [c for c in load_cases() if c["name"] not in NOT_REPLAYABLE]
SIMPLE = [c for c in CASES if c["name"] not in DISTRIBUTED and c["name"] != NESTED_DISTRIBUTED]


def _children(execution: LocalExecution) -> dict[str, list[list[dict[str, Any]]]]:
    """The child executions' histories, by the Map Run ARN their parent's history names."""
    runs = [
        e["mapRunStartedEventDetails"]["mapRunArn"]
        for e in execution.history.events
        if e["type"] == "MapRunStarted"
    ]
    found: dict[str, list[list[dict[str, Any]]]] = {arn: [] for arn in runs}
    for child in execution.child_runs:
        label = child.options.state_machine_name.rsplit("/", 1)[-1]
        arn = next(a for a in runs if a.endswith(f":{label}"))
        found[arn].append(child.history.events)
    return found


def _replayed(case: dict, folder: Path, with_children: bool = False):  # type: ignore[no-untyped-def]
    execution, _ = run_case(case)
    history = folder / "history.json"
    history.write_text(dump_history(execution.history.events), encoding="utf-8")
    children = _children(execution) if with_children else None
    recording = read_recording(load_history_file(history), children=children)
    options = RunOptions(
        name="conformance",
        state_machine_name="Conformance",
        execution_type="EXPRESS" if "express" in (case.get("flags") or []) else "STANDARD",
    )
    result = asyncio.run(
        replay(parse_state_machine(case["definition"]), recording, options=options)
    )
    return execution, result


@pytest.mark.parametrize("case", SIMPLE, ids=lambda c: c["name"])
def test_a_recorded_execution_replays_to_the_same_run(case: dict, tmp_path: Path) -> None:
    execution, replayed = _replayed(case, tmp_path)
    assert replayed.matches, [d.message for d in replayed.differences]
    assert replayed.result.as_json() == json.loads(json.dumps(execution.result.as_json()))
    assert state_events(replayed.execution.history.events) == state_events(execution.history.events)


@pytest.mark.parametrize("name", sorted(DISTRIBUTED))
def test_a_distributed_map_replays_from_its_children(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c["name"] == name)
    execution, replayed = _replayed(case, tmp_path, with_children=True)
    assert replayed.matches, [d.message for d in replayed.differences]
    assert replayed.result.as_json() == json.loads(json.dumps(execution.result.as_json()))


@pytest.mark.parametrize("name", sorted(DISTRIBUTED))
def test_a_distributed_map_without_its_children_says_so(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c["name"] == name)
    _, replayed = _replayed(case, tmp_path)
    assert replayed.divergence is not None
    assert "runs in a child execution of the distributed Map" in replayed.divergence.message
    assert "whose history is not part of the recording" in replayed.divergence.message


def test_a_distributed_map_inside_a_child_execution_is_named_as_not_replayed(
    tmp_path: Path,
) -> None:
    case = next(c for c in CASES if c["name"] == NESTED_DISTRIBUTED)
    _, replayed = _replayed(case, tmp_path, with_children=True)
    assert replayed.divergence is not None
    assert replayed.divergence.message == (
        "The Task state 'ProcessJob' in iteration 0 of Map 'InnerMap', in iteration 0 of Map "
        "'OuterMap' runs in a distributed Map inside a child execution of the distributed Map "
        "'OuterMap' (replaying such nested child executions is not done yet)."
    )
