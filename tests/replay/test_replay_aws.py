"""`sfntui replay EXECUTION_ARN` against moto's server: executions moto really ran, replayed.

moto runs state machines with its own interpreter (a port of LocalStack's) and calls its own
DynamoDB for `arn:aws:states:::dynamodb:getItem`: a missing table fails the Task with
`DynamoDB.ResourceNotFoundException`, a present one answers. So these histories, unlike the
others in tests/replay, were written by another Step Functions implementation, with its own
event order, ids and timestamps.

Where moto's shape is not AWS's, the case is built around it: when a Map iteration fails,
moto lets the other iterations run on and writes their events after `ExecutionFailed`, where
AWS aborts them (`MapIterationAborted`). So here the failing item or branch waits a second
first, and the others have ended when it fails; the shape with aborted siblings is replayed
from history files (tests/replay/test_replay.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

import pytest

from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions
from sfntui.cli import main
from tests.aws.conftest import REGION, Moto, unique
from tests.aws.endpoints import FakeEndpoint
from tests.aws.test_pagination import strict_pages
from tests.replay.recordings import state_events


def _get(table_path: str = "$.table", **fields: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:getItem",
        "Parameters": {"TableName.$": table_path, "Key": {"id": {"S.$": "$.id"}}},
        **fields,
    }


def _map(processor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Map", "ItemProcessor": processor, **fields}


#: The failing item waits a second first, so the others have ended when it fails.
_PAUSED_LOOKUP = {
    "StartAt": "Pause",
    "States": {
        "Pause": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Lookup"},
        "Lookup": _get(End=True),
    },
}

CATCH = {
    "StartAt": "Lookup",
    "States": {
        "Lookup": _get(
            Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Missing"}],
            End=True,
        ),
        "Missing": {"Type": "Fail", "Error": "LookupFailed", "Cause": "No such table."},
    },
}
RETRY = {
    "StartAt": "Lookup",
    "States": {
        "Lookup": _get(
            Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}],
            End=True,
        )
    },
}
MAP = {
    "StartAt": "Each",
    "States": {
        "Each": _map(
            _PAUSED_LOOKUP,
            ItemsPath="$.items",
            End=True,
        )
    },
}
PARALLEL = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Found", "States": {"Found": _get("$.good", End=True)}},
                {
                    "StartAt": "Later",
                    "States": {
                        "Later": {"Type": "Wait", "Seconds": 1, "Next": "Lost"},
                        "Lost": _get("$.bad", End=True),
                    },
                },
            ],
            "End": True,
        }
    },
}
NESTED = {
    "StartAt": "Groups",
    "States": {
        "Groups": _map(
            {
                "StartAt": "Members",
                "States": {
                    "Members": _map(
                        _PAUSED_LOOKUP,
                        ItemsPath="$",
                        End=True,
                    )
                },
            },
            ItemsPath="$.groups",
            End=True,
        )
    },
}
GOOD = {"table": "Stock", "id": "a", "delay": 0}
BAD = {"table": "Nope", "id": "b", "delay": 1}
SCENARIOS = {
    "catch": (CATCH, BAD, "LookupFailed"),
    "retry": (RETRY, BAD, "DynamoDB.ResourceNotFoundException"),
    "map": (MAP, {"items": [GOOD, GOOD, BAD]}, "DynamoDB.ResourceNotFoundException"),
    "parallel": (
        PARALLEL,
        {"good": "Stock", "bad": "Nope", "id": "a"},
        "DynamoDB.ResourceNotFoundException",
    ),
    "nested-map": (
        NESTED,
        {"groups": [[GOOD], [GOOD, BAD]]},
        "DynamoDB.ResourceNotFoundException",
    ),
}


@pytest.fixture(scope="module")
def stock_table(moto: Moto) -> None:
    dynamodb = moto.client("dynamodb")
    if "Stock" not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(
            TableName="Stock",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName="Stock", Item={"id": {"S": "a"}, "count": {"N": "3"}})


def _run_to_the_end(moto: Moto, definition: dict[str, Any], execution_input: Any) -> str:
    """Start an execution on moto and follow its history until it ends (sfntui's own tail)."""
    arn = moto.start(moto.create_machine(definition, unique("replay")), execution_input)

    async def follow() -> None:
        options = ConnectionOptions(endpoint_url=moto.url, region=REGION)
        async with AwsSession(options) as session:
            async for _ in StepFunctions(session).follow(arn):
                pass

    asyncio.run(follow())
    return arn


@pytest.mark.usefixtures("stock_table")
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_failed_execution_on_moto_replays_to_the_same_end(
    moto: Moto, capsys: pytest.CaptureFixture[str], scenario: str
) -> None:
    definition, execution_input, error = SCENARIOS[scenario]
    arn = _run_to_the_end(moto, definition, execution_input)
    described = moto.client().describe_execution(executionArn=arn)
    assert described["status"] == "FAILED"
    assert described["error"] == error

    code = main(["replay", arn, "--endpoint-url", moto.url, "--batch", "--json", "--history"])

    report = json.loads(capsys.readouterr().out)
    assert report["matches"] is True, report["differences"]
    assert code == 0
    assert (report["status"], report["error"], report["cause"]) == (
        "FAILED",
        described["error"],
        described["cause"],
    )
    recorded = moto.client().get_execution_history(executionArn=arn)["events"]
    # moto interleaves iterations in its own order; each state's events are the same.
    assert Counter(state_events(report["events"])) == Counter(state_events(recorded))


@pytest.mark.usefixtures("stock_table")
def test_a_fixed_definition_replayed_against_an_aws_execution_now_succeeds(
    moto: Moto, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    arn = _run_to_the_end(moto, MAP, {"items": [GOOD, GOOD, BAD]})
    fixed = json.loads(json.dumps(MAP))
    fixed["States"]["Each"]["ItemProcessor"] = json.loads(json.dumps(_PAUSED_LOOKUP))
    lookup = fixed["States"]["Each"]["ItemProcessor"]["States"]["Lookup"]
    lookup["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Skip"}]
    fixed["States"]["Each"]["ItemProcessor"]["States"]["Skip"] = {
        "Type": "Pass",
        "Result": "skipped",
        "End": True,
    }
    definition = tmp_path / "fixed.asl.json"
    definition.write_text(json.dumps(fixed))

    code = main(
        ["replay", arn, "--endpoint-url", moto.url, "--definition", str(definition), "--json"]
    )

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["status"] == "SUCCEEDED"
    assert report["output"][2] == "skipped"
    assert report["output"][0] == {"Item": {"id": {"S": "a"}, "count": {"N": "3"}}}
    assert report["divergence"]["state"] == "Lookup"
    assert report["divergence"]["iteration"] == [{"map": "Each", "index": 2}]


def test_a_history_past_one_page_is_replayed_whole(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    many = {
        "StartAt": "Each",
        "States": {
            "Each": _map(
                {"StartAt": "Touch", "States": {"Touch": {"Type": "Pass", "End": True}}},
                End=True,
            )
        },
    }
    arn = _run_to_the_end(moto, many, list(range(300)))
    # moto answers a history in one page; this endpoint pages moto's as AWS does (1,000 at most).
    with FakeEndpoint(upstream=moto.url) as fake:

        def whole(body: dict[str, Any]) -> list[dict[str, Any]]:
            answer = fake.upstream_call("GetExecutionHistory", {"executionArn": arn}, REGION)
            return answer["events"]

        fake.handlers["GetExecutionHistory"] = strict_pages(whole, "events")
        code = main(["replay", arn, "--endpoint-url", fake.url, "--batch", "--json"])
        pages = len(fake.actions("GetExecutionHistory"))

    report = json.loads(capsys.readouterr().out)
    assert pages == 2
    assert code == 0, report["differences"]
    assert report["status"] == "SUCCEEDED"
    assert report["output"] == list(range(300))


def test_an_unknown_execution_is_one_sentence(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = f"arn:aws:states:{REGION}:123456789012:execution:nothing:here"
    code = main(["replay", arn, "--endpoint-url", moto.url, "--batch", "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert captured.err.startswith("sfntui: ")


def test_an_express_execution_is_replayed_from_its_logs(
    moto: Moto, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    from tests.aws.test_express import express_machine, express_run_arn, put_logs
    from tests.replay.recordings import Fails, record
    from tests.replay.test_replay import CATCH

    machine, group = express_machine(moto)
    moto.client().update_state_machine(stateMachineArn=machine, definition=json.dumps(CATCH))
    execution = express_run_arn(machine)

    def script(state: str, parameters: Any, attempt: int) -> tuple[float, Any]:
        if state == "Charge":
            return 1.0, Fails("Payment.Declined", "Card declined.")
        return 0.5, {"Payload": "refunded"}

    recorded = record(tmp_path, CATCH, {"order": 9}, script)
    # Each event as Step Functions logs it for an Express execution (AWS's log format, as
    # tests/aws/test_express.py writes it): ids and times as text, `details` for the details;
    # moved to now, since CloudWatch Logs refuses events older than 14 days.
    shift = time.time() * 1000 - recorded.events[0]["timestamp"].timestamp() * 1000
    put_logs(
        moto,
        group,
        [
            {
                "id": str(event["id"]),
                "type": event["type"],
                "details": next((v for k, v in event.items() if k.endswith("EventDetails")), {}),
                "previous_event_id": str(event["previousEventId"]),
                "event_timestamp": str(int(event["timestamp"].timestamp() * 1000 + shift)),
                "execution_arn": execution,
                "redrive_count": "0",
            }
            for event in recorded.events
        ],
    )

    code = main(["replay", execution, "--endpoint-url", moto.url, "--batch", "--json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["differences"]
    assert (report["status"], report["error"]) == ("FAILED", "ChargeFailed")
    assert report["matches"] is True


def test_an_express_log_without_execution_data_is_named(
    moto: Moto, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.aws.test_express import express_machine, express_run_arn, put_logs

    machine, group = express_machine(moto)
    execution = express_run_arn(machine)
    put_logs(
        moto,
        group,
        [
            {
                "id": "1",
                "type": "ExecutionStarted",
                "details": {"roleArn": "arn:aws:iam::123456789012:role/r"},
                "previous_event_id": "0",
                "event_timestamp": str(int(time.time() * 1000)),
                "execution_arn": execution,
                "redrive_count": "0",
            }
        ],
    )

    code = main(["replay", execution, "--endpoint-url", moto.url, "--batch", "--json"])

    captured = capsys.readouterr()
    assert code == 2
    assert "holds no execution data" in captured.err
    assert "includeExecutionData" in captured.err
