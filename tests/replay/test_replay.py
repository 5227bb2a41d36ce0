"""Replaying recorded executions from history files: same path, same ending, same events.

Each recording is made by the local engine with a scripted service whose calls take time
(tests/replay/recordings.py); the replay runs the definition again with no service at all,
only the recording, and must end with the same status, error and cause, the same state
events in the same order, at the same timestamps.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.mock_config import MockConfig
from sfntui.engine.runner import RunSetup
from sfntui.replay import DIVERGED, RecordingError, ReplayResult, read_recording, replay
from tests.replay.recordings import Fails, Recorded, lambda_task, record, state_events

CATCH = {
    "StartAt": "Charge",
    "States": {
        "Charge": lambda_task(
            "charge",
            ResultPath="$.charge",
            Catch=[
                {"ErrorEquals": ["Payment.Declined"], "ResultPath": "$.error", "Next": "Refund"}
            ],
            Next="Ship",
        ),
        "Ship": lambda_task("ship", End=True),
        "Refund": lambda_task("refund", ResultPath="$.refund", Next="ChargeFailed"),
        "ChargeFailed": {
            "Type": "Fail",
            "Error": "ChargeFailed",
            "Cause": "The card could not be charged.",
        },
    },
}

RETRY = {
    "StartAt": "Hold",
    "States": {
        "Hold": {"Type": "Wait", "Seconds": 86400, "Next": "Reserve"},
        "Reserve": lambda_task(
            "reserve",
            Retry=[
                {
                    "ErrorEquals": ["Stock.Busy"],
                    "IntervalSeconds": 2,
                    "MaxAttempts": 2,
                    "BackoffRate": 3,
                }
            ],
            End=True,
        ),
    },
}

MAP = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Process",
                "States": {"Process": lambda_task("process", End=True)},
            },
            "End": True,
        }
    },
}

PARALLEL = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Invoice", "States": {"Invoice": lambda_task("invoice", End=True)}},
                {"StartAt": "Notify", "States": {"Notify": lambda_task("notify", End=True)}},
            ],
            "Next": "After",
        },
        "After": {"Type": "Pass", "End": True},
    },
}

NESTED = {
    "StartAt": "Groups",
    "States": {
        "Groups": {
            "Type": "Map",
            "ItemsPath": "$.groups",
            "ItemProcessor": {
                "StartAt": "Members",
                "States": {
                    "Members": {
                        "Type": "Map",
                        "ItemProcessor": {
                            "StartAt": "Check",
                            "States": {"Check": lambda_task("check", End=True)},
                        },
                        "End": True,
                    }
                },
            },
            "End": True,
        }
    },
}


def _payload(parameters: Any) -> Any:
    return parameters["Payload"]


def catch_script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
    if state == "Charge":
        return 1.5, Fails("Payment.Declined", "Card declined.")
    return 0.5, {"Payload": {"done": state}}


def retry_script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
    return 1.5, Fails("Stock.Busy", f"Busy on attempt {attempt}.")


#: How long each Map item's call takes; item 3 fails at 3 s, while items 0 and 1 still run.
MAP_SECONDS = {0: 5.0, 1: 4.0, 2: 2.0, 3: 3.0, 4: 1.0, 5: 0.5}


def map_script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
    item = _payload(parameters)
    if item == 3:
        return MAP_SECONDS[item], Fails("Item.Invalid", "Item 3 is not valid.")
    return MAP_SECONDS[item], {"Payload": item * 10}


def parallel_script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
    if state == "Notify":
        return 1.0, Fails("Notify.Down", "The mail service is down.")
    return 0.5, {"Payload": {"invoice": 7}}


def nested_script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
    value = _payload(parameters)
    if value == 4:
        return 0.25, Fails("Check.Failed", "Member 4 failed its check.")
    return 0.1 * value, {"Payload": value}


def _replay(
    recorded: Recorded,
    definition: dict[str, Any] | None = None,
    **kwargs: Any,
) -> ReplayResult:
    recording = read_recording(
        recorded.events,
        attempt=kwargs.pop("attempt", None),
        from_state=kwargs.pop("from_state", None),
    )
    machine = parse_state_machine(definition or recorded.definition)
    options = RunOptions(name="exec-1", state_machine_name="Orders")
    return asyncio.run(replay(machine, recording, options=options, **kwargs))


def _assert_same_run(recorded: Recorded, replayed: ReplayResult) -> None:
    assert replayed.result.status == recorded.result.status
    assert replayed.result.error == recorded.result.error
    assert replayed.result.cause == recorded.result.cause
    local = replayed.execution.history.events
    assert state_events(local) == state_events(recorded.events)
    assert [e["timestamp"] for e in local] == [e["timestamp"] for e in recorded.events]
    assert replayed.matches, [d.message for d in replayed.differences]
    assert replayed.notes == []


SCENARIOS = {
    "catch": (CATCH, {"order": 1}, catch_script),
    "retry": (RETRY, {"sku": "X"}, retry_script),
    "map": (MAP, {"items": list(range(6))}, map_script),
    "parallel": (PARALLEL, {"order": 2}, parallel_script),
    "nested-map": (NESTED, {"groups": [[1, 2], [3, 4], [5]]}, nested_script),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_failed_execution_replays_to_the_same_end(tmp_path: Path, scenario: str) -> None:
    definition, execution_input, script = SCENARIOS[scenario]
    recorded = record(tmp_path, definition, execution_input, script)
    assert recorded.result.status == "FAILED"

    replayed = _replay(recorded)

    _assert_same_run(recorded, replayed)


def test_the_catch_scenario_ends_as_the_fail_state_says(tmp_path: Path) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    replayed = _replay(recorded)
    assert (replayed.result.error, replayed.result.cause) == (
        "ChargeFailed",
        "The card could not be charged.",
    )


def test_retries_and_waits_keep_the_recordings_clock(tmp_path: Path) -> None:
    recorded = record(tmp_path, RETRY, {"sku": "X"}, retry_script)
    replayed = _replay(recorded)
    failures = [e for e in replayed.execution.history.events if e["type"] == "TaskFailed"]
    assert [f["taskFailedEventDetails"]["cause"] for f in failures] == [
        "Busy on attempt 0.",
        "Busy on attempt 1.",
        "Busy on attempt 2.",
    ]
    start = replayed.execution.history.events[0]["timestamp"]
    # A day's Wait, then three calls of 1.5 s with back-offs of 2 s and 6 s between them.
    seconds = [(f["timestamp"] - start).total_seconds() for f in failures]
    assert seconds == [86401.5, 86405.0, 86412.5]


def test_a_map_iteration_aborted_on_aws_is_aborted_here(tmp_path: Path) -> None:
    recorded = record(tmp_path, MAP, {"items": list(range(6))}, map_script)
    replayed = _replay(recorded)
    aborted = [
        e["mapIterationAbortedEventDetails"]["index"]
        for e in replayed.execution.history.events
        if e["type"] == "MapIterationAborted"
    ]
    assert aborted == [0, 1]
    assert replayed.result.error == "Item.Invalid"


def test_a_fixed_definition_now_succeeds_on_the_recorded_results(tmp_path: Path) -> None:
    recorded = record(tmp_path, PARALLEL, {"order": 2}, parallel_script)
    fixed = json.loads(json.dumps(PARALLEL))
    notify = fixed["States"]["Both"]["Branches"][1]["States"]
    notify["Notify"]["Catch"] = [{"ErrorEquals": ["Notify.Down"], "Next": "Later"}]
    notify["Notify"].pop("End")
    notify["Notify"]["Next"] = "Later"
    notify["Later"] = {"Type": "Pass", "Result": "mail later", "End": True}

    replayed = _replay(recorded, fixed)

    assert replayed.result.status == "SUCCEEDED"
    assert replayed.result.output == [{"value": {"invoice": 7}}, "mail later"]
    assert not replayed.matches
    assert replayed.differences[0].message == (
        "'Notify' in the branch of Parallel 'Both' that starts at 'Notify' ended FAILED with "
        "'Notify.Down' ('The mail service is down.') in the recording, CAUGHT with "
        "'Notify.Down' ('The mail service is down.') in the local run."
    )


def test_a_changed_path_stops_at_the_call_the_recording_lacks(tmp_path: Path) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    changed = json.loads(json.dumps(CATCH))
    changed["States"]["Charge"]["Catch"][0]["Next"] = "Ship"
    changed["States"]["Ship"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}]

    replayed = _replay(recorded, changed)

    assert replayed.result.status == "ABORTED"
    assert replayed.result.error == DIVERGED
    divergence = replayed.divergence
    assert divergence is not None
    assert divergence.kind == "missing-result"
    assert divergence.state == "Ship"
    assert divergence.message == (
        "The local run called the Task state 'Ship', which the recording never called: "
        "the path changed."
    )
    assert replayed.result.cause == divergence.message


def test_a_divergence_in_a_map_names_the_iteration(tmp_path: Path) -> None:
    seconds = {0: 0.5, 1: 0.25, 2: 0.75}

    def script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
        return seconds[_payload(parameters)], {"Payload": "ok"}

    recorded = record(tmp_path, MAP, {"items": [0, 1, 2]}, script)

    replayed = _replay(recorded, execution_input={"items": [0, 1, 2, 1]})

    assert replayed.divergence is not None
    assert replayed.divergence.iteration == (("Each", 3),)
    assert replayed.divergence.message == (
        "The local run called the Task state 'Process' in iteration 3 of Map 'Each', where "
        "the recording has no call (it has 3 call(s) of that state elsewhere): the path changed."
    )


def test_a_call_that_never_returned_on_aws_is_a_divergence_when_awaited(tmp_path: Path) -> None:
    recorded = record(tmp_path, MAP, {"items": list(range(6))}, map_script)
    caught = json.loads(json.dumps(MAP))
    process = caught["States"]["Each"]["ItemProcessor"]["States"]["Process"]
    process["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Skip"}]
    process.pop("End")
    process["Next"] = "Skip"
    caught["States"]["Each"]["ItemProcessor"]["States"]["Skip"] = {"Type": "Pass", "End": True}

    replayed = _replay(recorded, caught)

    assert replayed.divergence is not None
    assert replayed.divergence.kind == "no-answer"
    assert replayed.divergence.message == (
        "The recording's 1st call of the Task state 'Process' in iteration 0 of Map 'Each' "
        "never returned (the execution ended first), but the local run went on waiting for it."
    )


def test_a_mock_file_answers_its_tasks_instead_of_the_recording(tmp_path: Path) -> None:
    recorded = record(tmp_path, PARALLEL, {"order": 2}, parallel_script)
    mocks = tmp_path / "mocks.json"
    mocks.write_text(
        json.dumps(
            {
                "StateMachines": {"Orders": {"TestCases": {"Up": {"Notify": "NotifyOk"}}}},
                "MockedResponses": {"NotifyOk": {"0": {"Return": {"Payload": "sent"}}}},
            }
        )
    )
    setup = RunSetup(mock_config=MockConfig.load(mocks), machine_name="Orders", test_case="Up")

    replayed = _replay(recorded, setup=setup)

    assert replayed.result.status == "SUCCEEDED"
    assert replayed.result.output == [{"value": {"invoice": 7}}, {"value": "sent"}]
    assert "'Notify' in branch" not in replayed.differences[0].message
    assert replayed.differences[0].state == "Notify"


def test_from_a_state_with_the_input_it_got(tmp_path: Path) -> None:
    recorded = record(tmp_path, RETRY, {"sku": "X"}, retry_script)

    replayed = _replay(recorded, from_state="Reserve")

    events = replayed.execution.history.events
    assert [name for _, name in state_events(events)][:1] == ["Reserve"]
    entered = next(e for e in recorded.events if e["type"] == "TaskStateEntered")
    assert events[0]["timestamp"] == entered["timestamp"]
    assert json.loads(events[0]["executionStartedEventDetails"]["input"]) == {"sku": "X"}
    assert replayed.result.error == "Stock.Busy"
    assert replayed.matches, [d.message for d in replayed.differences]


def test_from_a_state_inside_a_map_is_refused_with_a_sentence(tmp_path: Path) -> None:
    recorded = record(tmp_path, MAP, {"items": [2]}, map_script)
    with pytest.raises(RecordingError, match="'Process' runs inside a Map or Parallel"):
        read_recording(recorded.events, from_state="Process")


def test_a_history_with_a_gap_is_refused(tmp_path: Path) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    with pytest.raises(RecordingError, match="jumps from event 3 to event 5"):
        read_recording([e for e in recorded.events if e["id"] != 4])
