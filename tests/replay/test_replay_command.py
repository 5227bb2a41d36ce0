"""`sfntui replay` from history files: its JSON, its exit codes, redrives, and the export that
`sfntui test` runs as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfntui.cli import main
from tests.replay.recordings import record
from tests.replay.test_replay import (
    CATCH,
    MAP,
    PARALLEL,
    catch_script,
    map_script,
    parallel_script,
)

HISTORIES = Path(__file__).parent / "histories"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_batch_json_prints_the_run_and_the_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    code, report = _json(
        capsys,
        [
            "replay",
            str(recorded.history_file),
            "--definition",
            str(recorded.definition_file),
            "--batch",
            "--json",
        ],
    )
    assert code == 0
    assert report == {
        "status": "FAILED",
        "error": "ChargeFailed",
        "cause": "The card could not be charged.",
        "matches": True,
        "divergence": None,
        "differences": [],
        "notes": [],
        "recorded": {
            "status": "FAILED",
            "error": "ChargeFailed",
            "cause": "The card could not be charged.",
        },
    }


def test_a_divergence_exits_1_and_names_the_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = record(tmp_path, CATCH, {"order": 1}, catch_script)
    changed = json.loads(json.dumps(CATCH))
    changed["States"]["Charge"]["Catch"][0]["Next"] = "Ship"
    changed["States"]["Ship"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}]
    fixed = tmp_path / "changed.asl.json"
    fixed.write_text(json.dumps(changed))

    code, report = _json(
        capsys,
        ["replay", str(recorded.history_file), "--definition", str(fixed), "--batch", "--json"],
    )

    assert code == 1
    assert report["matches"] is False
    assert report["status"] == "ABORTED"
    assert report["divergence"]["state"] == "Ship"
    assert report["divergence"]["kind"] == "missing-result"


def test_batch_prints_the_result_and_the_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = record(tmp_path, PARALLEL, {"order": 2}, parallel_script)
    code = main(
        [
            "replay",
            str(recorded.history_file),
            "--definition",
            str(recorded.definition_file),
            "--batch",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "FAILED: Notify.Down: The mail service is down.",
        "The local run matches the recording.",
    ]


def test_a_changed_input_that_changes_the_path_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = record(tmp_path, MAP, {"items": [4, 5]}, map_script)
    code = main(
        [
            "replay",
            str(recorded.history_file),
            "--definition",
            str(recorded.definition_file),
            "--input",
            '{"items": [4, 5, 2]}',
            "--batch",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "'Process' in iteration 2 of Map 'Each'" in out


def test_the_last_attempt_of_a_redriven_execution_is_replayed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = _json(
        capsys,
        [
            "replay",
            str(HISTORIES / "redriven-order.json"),
            "--definition",
            str(HISTORIES / "Orders.asl.json"),
            "--batch",
            "--json",
        ],
    )
    assert code == 0
    assert report["status"] == "SUCCEEDED"
    assert report["output"] == {"charged": 42}
    assert report["attempt"] == 1
    assert report["matches"] is True


def test_a_chosen_attempt_of_a_redriven_execution_is_replayed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = _json(
        capsys,
        [
            "replay",
            str(HISTORIES / "redriven-order.json"),
            "--definition",
            str(HISTORIES / "Orders.asl.json"),
            "--attempt",
            "0",
            "--json",
        ],
    )
    assert code == 0
    assert report["status"] == "FAILED"
    assert report["error"] == "Gateway.Unavailable"
    assert report["matches"] is True


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--attempt", "4"], "The execution has no attempt 4: it ran 2 time(s)"),
        (["--from-state", "Nowhere"], "The recording never entered the state 'Nowhere'."),
        (["--input", "{nope"], "--input is not valid JSON"),
    ],
)
def test_bad_options_exit_2_with_one_sentence(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = main(
        [
            "replay",
            str(HISTORIES / "redriven-order.json"),
            "--definition",
            str(HISTORIES / "Orders.asl.json"),
            *argv,
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert message in captured.err
    assert len(captured.err.splitlines()) == 1
    assert "Traceback" not in captured.err


def test_a_history_file_needs_a_definition(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", str(HISTORIES / "redriven-order.json")])
    assert code == 2
    assert "a history file holds no definition; say which one ran with --definition" in (
        capsys.readouterr().err
    )


def test_a_missing_history_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", str(tmp_path / "gone.json"), "--definition", "x.asl.json"])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("definition", "execution_input", "script", "error"),
    [
        (CATCH, {"order": 1}, catch_script, "ChargeFailed"),
        (MAP, {"items": list(range(6))}, map_script, "Item.Invalid"),
        (PARALLEL, {"order": 2}, parallel_script, "Notify.Down"),
    ],
)
def test_exported_mocks_are_a_test_that_reproduces_the_failure(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    definition: dict,
    execution_input: dict,
    script: object,
    error: str,
) -> None:
    recorded = record(tmp_path, definition, execution_input, script)  # type: ignore[arg-type]
    out = tmp_path / "regression"
    code = main(
        [
            "replay",
            str(recorded.history_file),
            "--definition",
            str(recorded.definition_file),
            "--export-mocks",
            str(out),
        ]
    )
    assert code == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == [
        "MockConfigFile.expectations.yaml",
        "MockConfigFile.json",
        "Orders.asl.json",
    ]

    assert main(["test", str(out / "MockConfigFile.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PASS Orders.exec-1 ")
    assert lines[-1] == "1 passed, 0 failed"

    # After a fix, the same test fails until its expected outcome is changed.
    expectations = out / "MockConfigFile.expectations.yaml"
    assert f"error: {error}" in expectations.read_text()
    expectations.write_text(expectations.read_text().replace("status: FAILED", "status: SUCCEEDED"))
    assert main(["test", str(out / "MockConfigFile.json")]) == 1
    assert f"status FAILED ({error}:" in capsys.readouterr().out


def test_exported_mock_file_holds_each_tasks_recorded_answers_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.replay.test_replay import RETRY, retry_script

    recorded = record(tmp_path, RETRY, {"sku": "X"}, retry_script)
    out = tmp_path / "regression"
    main(
        [
            "replay",
            str(recorded.history_file),
            "--definition",
            str(recorded.definition_file),
            "--export-mocks",
            str(out),
        ]
    )
    mocks = json.loads((out / "MockConfigFile.json").read_text())
    assert mocks == {
        "StateMachines": {"Orders": {"TestCases": {"exec-1": {"Reserve": "exec-1.Reserve"}}}},
        "MockedResponses": {
            "exec-1.Reserve": {
                str(n): {"Throw": {"Error": "Stock.Busy", "Cause": f"Busy on attempt {n}."}}
                for n in range(3)
            }
        },
    }


def test_handlers_answer_their_lambdas_instead_of_the_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = record(tmp_path, PARALLEL, {"order": 2}, parallel_script)
    (tmp_path / "mail_fixed.py").write_text("def notify(event, context):\n    return 'sent'\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    code, report = _json(
        capsys,
        [
            "replay",
            str(recorded.history_file),
            "--definition",
            str(recorded.definition_file),
            "--handlers",
            "mail_fixed",
            "--json",
        ],
    )

    assert code == 1
    assert report["status"] == "SUCCEEDED"
    assert report["output"] == [{"value": {"invoice": 7}}, {"value": "sent"}]
    assert report["divergence"]["state"] == "Notify"
