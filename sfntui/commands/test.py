"""`sfntui test MOCK_CONFIG [DEFINITION...]`: every test case of a mock file, for CI.

A mock file says how each Task answers, not how a case should end; that is the job of an
expectations file beside it (`<mock stem>.expectations.json|yaml`, or `--expectations`):

    StateMachines:
      OrderFlow:
        TestCases:
          HappyPath:
            input: {"order": 1}
            status: SUCCEEDED          # or FAILED / TIMED_OUT
            output: {...}              # compared as JSON, when given
            error: Some.Error          # and cause, when the case must fail
            entered: [Charge, Ship]    # states that must be entered
            not_entered: [Refund]      # states that must not be

A case with no expectation passes when it succeeds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sfntui.asl.definition import LoadedStateMachine
from sfntui.commands.local_options import (
    UsageError,
    load_machine,
    read_handlers,
    read_mock_config,
)
from sfntui.engine.interpreter import RunOptions
from sfntui.engine.mock_config import MockConfig, MockConfigError
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError


@dataclass
class CaseOutcome:
    machine: str
    case: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems


def _read_expectations(path: Path) -> dict[str, Any]:
    import json

    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the expectations file: {exc}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(
            f"{path}: the expectations file is not valid JSON or YAML: {exc}"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("StateMachines", {}), dict):
        raise UsageError(f"{path}: an expectations file must hold a StateMachines object")
    return data


def _expectations_file(mock_file: Path, explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    stem = mock_file.name.removesuffix(".json")
    for suffix in (".expectations.json", ".expectations.yaml", ".expectations.yml"):
        candidate = mock_file.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    return None


def _definitions(
    files: list[str], config: MockConfig, mock_file: Path
) -> dict[str, LoadedStateMachine]:
    """Each mock-file machine's definition: the files given, else `<name>.asl.json|yaml` beside."""
    found: dict[str, LoadedStateMachine] = {}
    for file in files:
        loaded = load_machine(file)
        found[loaded.name] = loaded
    for machine in config.machines():
        if machine in found:
            continue
        for suffix in (".asl.json", ".json", ".asl.yaml", ".asl.yml", ".yaml"):
            candidate = mock_file.with_name(machine + suffix)
            if candidate.exists() and candidate != mock_file:
                found[machine] = load_machine(str(candidate))
                break
        else:
            raise UsageError(
                f"no definition for the mock file's state machine '{machine}': pass its file, "
                f"or put {machine}.asl.json beside the mock file"
            )
    return found


def _same(expected: Any, actual: Any) -> bool:
    if type(expected) is not type(actual) and not (
        isinstance(expected, int | float)
        and isinstance(actual, int | float)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        return False
    return bool(expected == actual)


def _problems(expect: dict[str, Any], result: Any, entered: set[str]) -> list[str]:
    problems = []
    status = expect.get("status", "SUCCEEDED" if "error" not in expect else "FAILED")
    if result.status != status:
        detail = f" ({result.error}: {result.cause})" if result.error else ""
        problems.append(f"status {result.status}{detail}, expected {status}")
    if "output" in expect and not _same(expect["output"], result.output):
        problems.append(f"output {result.output!r}, expected {expect['output']!r}")
    for key, actual in (("error", result.error), ("cause", result.cause)):
        if key in expect and expect[key] != actual:
            problems.append(f"{key} {actual!r}, expected {expect[key]!r}")
    for name in expect.get("entered", []):
        if name not in entered:
            problems.append(f"state '{name}' was never entered")
    for name in expect.get("not_entered", []):
        if name in entered:
            problems.append(f"state '{name}' was entered")
    return problems


def _run_case(
    loaded: LoadedStateMachine,
    config: MockConfig,
    machine: str,
    case: str,
    expect: dict[str, Any],
    handlers: dict[str, Any],
) -> CaseOutcome:
    outcome = CaseOutcome(machine, case)
    started = time.perf_counter()
    setup = RunSetup(
        mock_config=config,
        machine_name=machine,
        test_case=case,
        handlers=handlers,
        virtual_clock=True,
    )
    try:
        execution = prepare(
            loaded.machine,
            expect.get("input", {}),
            setup,
            RunOptions(name=case, state_machine_name=machine),
        )
    except (MockConfigError, NoResolverError) as exc:
        outcome.problems.append(str(exc))
        return outcome
    result = asyncio.run(execution.run())
    entered = {
        e["stateEnteredEventDetails"]["name"]
        for e in execution.history.events
        if "stateEnteredEventDetails" in e
    }
    outcome.problems = _problems(expect, result, entered)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _write_junit(path: str, outcomes: list[CaseOutcome]) -> None:
    suite = ElementTree.Element(
        "testsuite",
        name="sfntui",
        tests=str(len(outcomes)),
        failures=str(sum(not o.passed for o in outcomes)),
        time=f"{sum(o.seconds for o in outcomes):.3f}",
    )
    for outcome in outcomes:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=outcome.machine,
            name=outcome.case,
            time=f"{outcome.seconds:.3f}",
        )
        if not outcome.passed:
            failure = ElementTree.SubElement(case, "failure", message=outcome.problems[0])
            failure.text = "\n".join(outcome.problems)
    try:
        ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the JUnit report: {exc}") from None


def test_command(args: argparse.Namespace) -> int:
    try:
        mock_file = Path(args.mock_config)
        config = read_mock_config(str(mock_file))
        definitions = _definitions(args.definitions, config, mock_file)
        expectations_path = _expectations_file(mock_file, args.expectations)
        expectations = _read_expectations(expectations_path) if expectations_path else {}
        handlers = read_handlers(args)
    except UsageError as exc:
        print(f"sfntui: {exc}", file=sys.stderr)
        return 2
    outcomes = []
    machines = expectations.get("StateMachines", {})
    for machine in config.machines():
        cases = (machines.get(machine) or {}).get("TestCases") or {}
        for case in config.test_cases(machine):
            expect = cases.get(case) or {}
            outcome = _run_case(definitions[machine], config, machine, case, expect, handlers)
            outcomes.append(outcome)
            mark = "PASS" if outcome.passed else "FAIL"
            line = f"{mark} {machine}.{case} ({outcome.seconds * 1000:.0f} ms)"
            if outcome.problems:
                line += ": " + "; ".join(outcome.problems)
            print(line)
    passed = sum(o.passed for o in outcomes)
    print(f"{passed} passed, {len(outcomes) - passed} failed")
    if args.junit:
        try:
            _write_junit(args.junit, outcomes)
        except UsageError as exc:
            print(f"sfntui: {exc}", file=sys.stderr)
            return 2
    return 0 if passed == len(outcomes) else 1
