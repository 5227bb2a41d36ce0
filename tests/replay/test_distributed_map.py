"""Distributed Maps: each iteration a child execution with its own history, replayed from it.

The recording is made by the local engine, whose distributed Map runs each iteration as a
child execution with its own AWS-shaped history (as AWS does: the parent's history holds
MapRunStarted and the Map Run's end, not the children's events).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from sfntui.asl.parse import parse_state_machine
from sfntui.cli import main
from sfntui.engine.clock import VirtualClock
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.tasks import ResolverChain
from sfntui.replay import read_recording, replay
from tests.aws.endpoints import FakeEndpoint, Reply
from tests.replay.recordings import START, Fails, ScriptedService, lambda_task, state_events

DISTRIBUTED = {
    "StartAt": "Fan",
    "States": {
        "Fan": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Work",
                "States": {"Work": lambda_task("work", End=True)},
            },
            "End": True,
        }
    },
}


def script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
    item = parameters["Payload"]["n"]
    if item == 2:
        return 1.0, Fails("Work.Failed", "Item 2 failed.")
    return 0.5 * item, {"Payload": {"done": item}}


def _recorded() -> LocalExecution:
    execution = LocalExecution(
        parse_state_machine(DISTRIBUTED),
        {"items": [{"n": n} for n in range(4)]},
        clock=VirtualClock(START),
        resolvers=ResolverChain([ScriptedService(script)]),
        options=RunOptions(name="exec-1", state_machine_name="Orders"),
    )
    asyncio.run(execution.run())
    return execution


def _children(execution: LocalExecution) -> dict[str, list[list[dict[str, Any]]]]:
    started = next(e for e in execution.history.events if e["type"] == "MapRunStarted")
    arn = started["mapRunStartedEventDetails"]["mapRunArn"]
    # AWS lists a Map Run's children newest first: the order is not the items'.
    return {arn: [child.history.events for child in reversed(execution.child_runs)]}


def _replay(execution: LocalExecution, children: Any, execution_input: Any = None) -> Any:
    recording = read_recording(execution.history.events, children=children)
    options = RunOptions(name="exec-1", state_machine_name="Orders")
    extra = {} if execution_input is None else {"execution_input": execution_input}
    return asyncio.run(
        replay(parse_state_machine(DISTRIBUTED), recording, options=options, **extra)
    )


def test_child_executions_replay_to_the_same_end() -> None:
    recorded = _recorded()
    assert recorded.result is not None
    assert recorded.result.error == "States.ExceedToleratedFailureThreshold"

    replayed = _replay(recorded, _children(recorded))

    assert replayed.matches, [d.message for d in replayed.differences]
    assert replayed.result.as_json() == recorded.result.as_json()
    assert [c.result.as_json() for c in replayed.execution.child_runs] == [
        c.result.as_json() for c in recorded.child_runs
    ]
    for mine, theirs in zip(replayed.execution.child_runs, recorded.child_runs, strict=True):
        assert state_events(mine.history.events) == state_events(theirs.history.events)
        assert [e["timestamp"] for e in mine.history.events] == [
            e["timestamp"] for e in theirs.history.events
        ]


def test_without_the_children_the_replay_says_what_is_missing() -> None:
    recorded = _recorded()

    replayed = _replay(recorded, None)

    assert replayed.divergence is not None
    assert replayed.divergence.message == (
        "The Task state 'Work' in iteration 0 of Map 'Fan' runs in a child execution of the "
        "distributed Map 'Fan', whose history is not part of the recording."
    )


def test_an_item_no_child_had_is_a_divergence_naming_the_iteration() -> None:
    recorded = _recorded()

    replayed = _replay(
        recorded, _children(recorded), {"items": [{"n": 0}, {"n": 1}, {"n": 7}, {"n": 3}]}
    )

    assert replayed.divergence is not None
    assert replayed.divergence.message == (
        "No recorded child execution of the distributed Map 'Fan' had the input of its "
        "iteration 2 (the items changed): 'Work' in iteration 2 of Map 'Fan' has no recorded "
        "calls."
    )


def test_sfntui_replay_reads_the_child_executions_of_an_arn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """moto cannot list a Map Run's child executions (ListExecutions with mapRunArn fails),
    so this endpoint answers the four calls a replay makes, in the API's shapes, with the
    recording above."""
    recorded = _recorded()
    region, account = "us-east-1", "123456789012"
    arn = f"arn:aws:states:{region}:{account}:execution:Orders:exec-1"
    run_arn = next(iter(_children(recorded)))
    children = {
        f"arn:aws:states:{region}:{account}:execution:Orders/Fan:child-{index}": child
        for index, child in enumerate(recorded.child_runs)
    }

    def as_api(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**e, "timestamp": e["timestamp"].timestamp()} for e in events]

    def history(body: dict[str, Any]) -> Reply:
        if body["executionArn"] == arn:
            return 200, {"events": as_api(recorded.history.events)}
        return 200, {"events": as_api(children[body["executionArn"]].history.events)}

    def listing(body: dict[str, Any]) -> Reply:
        assert body["mapRunArn"] == run_arn
        return 200, {
            "executions": [
                {
                    "executionArn": child_arn,
                    "stateMachineArn": f"arn:aws:states:{region}:{account}:stateMachine:Orders/Fan",
                    "name": child_arn.rsplit(":", 1)[-1],
                    "status": child.result.status if child.result else "RUNNING",
                    "startDate": START.timestamp(),
                    "mapRunArn": run_arn,
                }
                for child_arn, child in reversed(children.items())
            ]
        }

    handlers = {
        "DescribeStateMachineForExecution": lambda body: (
            200,
            {
                "stateMachineArn": f"arn:aws:states:{region}:{account}:stateMachine:Orders",
                "name": "Orders",
                "definition": json.dumps(DISTRIBUTED),
                "roleArn": f"arn:aws:iam::{account}:role/orders",
                "updateDate": START.timestamp(),
            },
        ),
        "GetExecutionHistory": history,
        "ListExecutions": listing,
    }
    with FakeEndpoint(handlers) as fake:
        code = main(["replay", arn, "--endpoint-url", fake.url, "--batch", "--json"])
        fetched = len(fake.actions("GetExecutionHistory"))

    report = json.loads(capsys.readouterr().out)
    assert report["matches"] is True, report["differences"]
    assert code == 0
    assert fetched == 1 + len(children)
    assert (report["status"], report["error"]) == (
        "FAILED",
        "States.ExceedToleratedFailureThreshold",
    )


#: A distributed Map's execution exported as files, written by hand in AWS's shape (where the
#: shape comes from: histories/distributed/README.md): the parent's history, the definition
#: beside it, and one history file per child execution in `children/`.
EXPORTED = Path(__file__).parent / "histories" / "distributed"


def _replay_files(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(
        [
            "replay",
            str(EXPORTED / "fan-out.json"),
            "--definition",
            str(EXPORTED / "Orders.asl.json"),
            "--batch",
            *extra,
        ]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_history_file_replays_with_its_children_from_a_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _replay_files(capsys, "--children", str(EXPORTED / "children"), "--json")

    report = json.loads(out)
    assert report["matches"] is True, report["differences"]
    assert code == 0
    assert (report["status"], report["error"]) == (
        "FAILED",
        "States.ExceedToleratedFailureThreshold",
    )


def test_a_history_file_without_its_children_says_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _replay_files(capsys)

    assert code == 2
    assert out == ""
    assert err == (
        f"sfntui: {EXPORTED / 'fan-out.json'} has a distributed Map ('Fan') whose iterations ran "
        "as child executions, and their histories are not in it: export each one (sfntui "
        "history --json CHILD_ARN) into a folder and give it with --children DIR\n"
    )


def test_a_child_missing_from_the_folder_is_a_divergence_naming_the_iteration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = sorted((EXPORTED / "children").glob("*.json"))[0]
    (tmp_path / first.name).write_text(first.read_text())

    code, out, _ = _replay_files(capsys, "--children", str(tmp_path), "--json")

    report = json.loads(out)
    assert code == 1
    assert report["divergence"]["message"] == (
        "No recorded child execution of the distributed Map 'Fan' had the input of its "
        "iteration 1 (the items changed): 'Work' in iteration 1 of Map 'Fan' has no recorded "
        "calls."
    )


@pytest.mark.parametrize(
    ("children", "message"),
    [
        ("nowhere", "no such folder."),
        ("empty", "no child history (*.json) for the distributed Map 'Fan'."),
    ],
)
def test_a_bad_children_folder_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], children: str, message: str
) -> None:
    (tmp_path / "empty").mkdir()

    code, out, err = _replay_files(capsys, "--children", str(tmp_path / children))

    assert code == 2
    assert out == ""
    assert err == f"sfntui: --children {tmp_path / children}: {message}\n"
