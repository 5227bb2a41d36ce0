"""A recording kept as a regression test: a mock file, its expectations, the definition.

`sfntui test DIR/MockConfigFile.json` then runs it with no other argument: the mock file's
machine finds `<Machine>.asl.json` beside it, and `MockConfigFile.expectations.yaml` holds the
recorded outcome. Step Functions Local numbers a state's responses by invocation, counted
across the run; the numbers come from a replay made with answers that take no time, as the
mocks' do, so each invocation gets the recorded call that answered it there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from sfntui.replay.recording import RecordedCall
from sfntui.replay.session import ReplayResult

MOCK_FILE = "MockConfigFile.json"
EXPECTATIONS_FILE = "MockConfigFile.expectations.yaml"


class ExportError(ValueError):
    """The export could not be written; the message is one sentence."""


def mock_config(
    result: ReplayResult, machine: str, case: str, task_states: list[str]
) -> dict[str, Any]:
    """The Step Functions Local mock file: one test case, each Task's answers in order.

    Every Task state of the definition is in the case, since `sfntui test` checks before the
    run that each has an answer; one the recording never called fails if it is ever called.
    """
    by_state: dict[str, dict[int, RecordedCall]] = {state: {} for state in task_states}
    for answered in result.answered:
        by_state.setdefault(answered.state, {})[answered.invocation] = answered.call
    ending = _ending_error(result)
    mapping: dict[str, str] = {}
    responses: dict[str, Any] = {}
    for state, calls in by_state.items():
        name = f"{case}.{state}"
        mapping[state] = name
        if calls:
            responses[name] = {str(n): _response(calls[n], ending) for n in sorted(calls)}
        else:
            responses[name] = {"0": {"Throw": _NOT_RECORDED}}
    return {
        "StateMachines": {machine: {"TestCases": {case: mapping}}},
        "MockedResponses": responses,
    }


_NOT_RECORDED = {
    "Error": "Replay.NotRecorded",
    "Cause": "The recorded execution never called this state.",
}


def _ending_error(result: ReplayResult) -> dict[str, Any]:
    recording = result.recording
    thrown: dict[str, Any] = {"Error": recording.error or "Replay.NoAnswer"}
    if recording.cause is not None:
        thrown["Cause"] = recording.cause
    return thrown


def _response(call: RecordedCall, ending: dict[str, Any]) -> dict[str, Any]:
    if call.answer is None:
        # The recorded execution ended (a sibling failed) before this call returned, and a
        # mock must answer: with the error that ended the execution, which then ends this
        # run alike whichever of them fails first.
        return {"Throw": ending}
    if call.succeeded:
        return {"Return": call.output}
    error, cause = call.error_and_cause
    thrown: dict[str, Any] = {"Error": error}
    if cause is not None:
        thrown["Cause"] = cause
    return {"Throw": thrown}


def expectations(result: ReplayResult, machine: str, case: str, execution_input: Any) -> str:
    recording = result.recording
    expected: dict[str, Any] = {"input": execution_input, "status": recording.status}
    if recording.status == "SUCCEEDED":
        expected["output"] = recording.output
    else:
        if recording.error is not None:
            expected["error"] = recording.error
        if recording.cause is not None:
            expected["cause"] = recording.cause
    document = {"StateMachines": {machine: {"TestCases": {case: expected}}}}
    header = (
        f"# The outcome execution '{case}' of '{machine}' had, as recorded.\n"
        "# After a fix, change it to the outcome the fixed machine should have.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def export_mocks(
    directory: str | Path,
    result: ReplayResult,
    *,
    machine: str,
    case: str,
    definition: Any,
    execution_input: Any,
) -> list[Path]:
    """Write the three files into `directory` (created if needed); returns their paths."""
    folder = Path(directory)
    task_states = [
        state.name for state, _ in result.execution.machine.walk() if state.type == "Task"
    ]
    files = {
        folder / MOCK_FILE: json.dumps(
            mock_config(result, machine, case, task_states), indent=2, ensure_ascii=False
        )
        + "\n",
        folder / EXPECTATIONS_FILE: expectations(result, machine, case, execution_input),
        folder / f"{machine}.asl.json": json.dumps(definition, indent=2, ensure_ascii=False) + "\n",
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{folder}: cannot write the mock files: {exc.strerror or exc}") from None
    return list(files)
