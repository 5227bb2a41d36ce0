"""Histories recorded against AWS (the conformance corpus holds their event types in order).

The corpus keeps only each event's type, so the events are rebuilt here: ids in order, each
following the one before, with made-up state names and errors. Concurrent branches then
look sequential, which is why the checks are ones that hold either way.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sfntui.history.events import (
    EVENT_DETAILS_KEY,
    EVENT_ROLE,
    EVENT_STATE_TYPE,
    ExecutionStatus,
    Role,
)
from sfntui.history.projection import Projection
from sfntui.history.runs import RunStatus

CASES = Path("/work/shared/conformance/cases")
T0 = datetime(2024, 5, 1, tzinfo=UTC)
SCHEDULED = {"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"}


def _cases_with_events() -> list[Path]:
    return sorted(
        path for path in CASES.glob("*.json") if json.loads(path.read_text()).get("events")
    )


def _rebuild(case: dict[str, Any]) -> list[dict[str, Any]]:
    expected = case["expected"]
    events = []
    for event_id, type_ in enumerate(case["events"], 1):
        event: dict[str, Any] = {
            "id": event_id,
            "previousEventId": event_id - 1,
            "timestamp": T0 + timedelta(seconds=event_id),
            "type": type_,
        }
        role = EVENT_ROLE[type_]
        fields: dict[str, Any] = {}
        if role is Role.ENTERED:
            fields = {"name": f"State{event_id}", "input": "{}"}
        elif role is Role.EXITED:
            fields = {"output": "{}"}
        elif role in (Role.FAILURE, Role.ERROR_DETAIL):
            fields = {"error": f"Error{event_id}", "cause": "recorded"}
        elif type_ == "ExecutionFailed":
            fields = {"error": expected.get("error"), "cause": expected.get("cause")}
        elif type_ == "ExecutionStarted":
            fields = {"input": json.dumps(case["input"])}
        if fields and type_ in EVENT_DETAILS_KEY:
            event[EVENT_DETAILS_KEY[type_]] = fields
        events.append(event)
    return events


CASE_PATHS = _cases_with_events()


def test_the_corpus_has_recorded_histories() -> None:
    assert len(CASE_PATHS) > 400


@pytest.mark.parametrize("path", CASE_PATHS, ids=[path.stem for path in CASE_PATHS])
def test_recorded_history(path: Path) -> None:
    case = json.loads(path.read_text())
    events = _rebuild(case)
    projection = Projection(events)
    types = Counter(case["events"])
    expected = case["expected"]["status"]

    assert projection.status.value == expected
    entered = sum(count for type_, count in types.items() if EVENT_ROLE[type_] is Role.ENTERED)
    assert len(projection.runs) == entered
    assert sum(run.attempts for run in projection.runs if run.state_type == "Task") == sum(
        types[type_] for type_ in SCHEDULED
    )
    for event in events:
        if event["type"] in EVENT_STATE_TYPE and not event["type"].startswith("MapIteration"):
            assert projection.run_for_event(event["id"]) is not None, event
    if projection.status is not ExecutionStatus.RUNNING:
        assert projection.open_runs == ()
    if projection.status is ExecutionStatus.FAILED:
        assert projection.error == case["expected"].get("error")
        assert any(run.status is RunStatus.FAILED for run in projection.runs)
    if projection.status is ExecutionStatus.SUCCEEDED:
        assert {run.status for run in projection.root.runs} <= {
            RunStatus.SUCCEEDED,
            RunStatus.CAUGHT,
        }

    one_by_one = Projection()
    for event in events:
        one_by_one.add([event])
    assert [(run.entered_id, run.status, run.attempts) for run in one_by_one.runs] == [
        (run.entered_id, run.status, run.attempts) for run in projection.runs
    ]


def _project(name: str) -> Projection:
    return Projection(_rebuild(json.loads((CASES / f"{name}.json").read_text())))


def _statuses(projection: Projection) -> list[tuple[str, RunStatus]]:
    return [(run.state_type, run.status) for run in projection.runs]


def test_map_catch_with_a_fail_state_in_the_iteration() -> None:
    projection = _project("test_base_scenarios__TestBaseScenarios__test_map_state_catch")
    assert _statuses(projection) == [
        ("Pass", RunStatus.SUCCEEDED),
        ("Map", RunStatus.CAUGHT),
        ("Fail", RunStatus.FAILED),
        ("Pass", RunStatus.SUCCEEDED),
    ]
    map_run = projection.runs[1]
    assert [iteration.status for iteration in map_run.iterations] == [RunStatus.FAILED]
    assert projection.runs[2].frame is map_run.iterations[0]


def test_parallel_retried_twice_then_failing() -> None:
    projection = _project("test_base_scenarios__TestBaseScenarios__test_parallel_state_retry")
    parallel = projection.runs[0]
    assert (parallel.state_type, parallel.status) == ("Parallel", RunStatus.FAILED)
    assert (parallel.attempts, parallel.retries) == (3, 2)
    assert [branch.attempt for branch in parallel.branches] == [1, 2, 3]
    assert parallel.error == "FailureType"


def test_task_retried_inside_a_map_then_caught_then_a_pass_fails() -> None:
    name = (
        "test_error_output__TestStateVariablesTemplate__"
        "test_map_catch_error_MAP_CATCH_ERROR_OUTPUT_WITH_RETRY"
    )
    projection = _project(name)
    assert _statuses(projection) == [
        ("Map", RunStatus.FAILED),
        ("Task", RunStatus.CAUGHT),
        ("Pass", RunStatus.FAILED),
    ]
    task = projection.runs[1]
    assert (task.attempts, [failure.error for failure in task.failures]) == (
        2,
        ["Error8", "Error11"],
    )
    assert projection.runs[2].error == "Error14"  # its EvaluationFailed event


def test_a_failing_task_in_a_branch_is_aborted_and_the_parallel_caught() -> None:
    name = (
        "test_callback__TestCallback__test_sqs_failure_in_wait_for_task_tok_no_error_field_"
        "SQS_PARALLEL_WAIT_FOR_TASK_TOKEN"
    )
    projection = _project(name)
    assert _statuses(projection) == [
        ("Parallel", RunStatus.CAUGHT),
        ("Task", RunStatus.FAILED),
        ("Pass", RunStatus.SUCCEEDED),
    ]
    assert projection.runs[0].branches[0].status is RunStatus.FAILED


def test_a_runtime_error_after_a_task_succeeded() -> None:
    projection = _project("test_base_scenarios__TestBaseScenarios__test_catch_states_runtime")
    task = projection.runs[0]
    assert task.status is RunStatus.FAILED
    assert task.result_event is not None
    assert task.error == projection.error == "States.Runtime"
