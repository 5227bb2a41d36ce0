"""`sfntui test MOCK_CONFIG [DEFINITION...]`: every test case of a mock file, for CI.

A mock file says how each Task answers, not how a case should end; that is the job of an
expectations file beside it (`<mock stem>.expectations.json|yaml`, or `--expectations`):

    StateMachines:
      OrderFlow:
        TestCases:
          HappyPath:
            input: {"order": 1}        # or input_file: orders/one.json (beside this file)
            status: SUCCEEDED          # or FAILED / TIMED_OUT
            output: {...}              # compared as JSON, when given
            error: Some.Error          # and cause, when the case must fail
            entered: [Charge, Ship]    # states that must be entered
            not_entered: [Refund]      # states that must not be

A case with no expectation passes when it succeeds.

As in Step Functions Local, a case mocks only the Task states it reaches; a Task it reaches
that nothing answers (no mock, no `--handlers`, no `--aws`) fails that case, named. A mock
file's state machine is paired with its definition by name (`<Name>.asl.json` beside the
mock file, a file of that name, or a template's machine of that logical id or deployed
name), or, when one definition is given for a mock file of one machine, with that one.
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

from sfntui.asl.definition import (
    DefinitionLoadError,
    InvalidDefinitionError,
    LoadedStateMachine,
    build_state_machine,
    format_diagnostic,
)
from sfntui.asl.loader import LoadedDefinition, load_definitions
from sfntui.asl.visible_text import visible
from sfntui.commands.expectations_file import read_case_input, read_expectations
from sfntui.commands.local_options import (
    UsageError,
    close_resolvers,
    read_handlers,
    read_mock_config,
)
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.mock_config import MockConfig, MockConfigError
from sfntui.engine.runner import RunSetup
from sfntui.engine.tasks import ResolverChain, Resource, TaskResolver


@dataclass
class CaseOutcome:
    machine: str
    case: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: The states the run entered, in order (printed when the case fails).
    entered: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


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
    """Each mock-file machine's definition: by name among the files given (a file's name, a
    template machine's logical id or deployed name), else the one definition given when the mock
    file has one machine, else `<Name>.asl.json|yaml` beside the mock file."""
    given: list[LoadedDefinition] = []
    for file in files:
        try:
            given.extend(load_definitions(file))
        except DefinitionLoadError as exc:
            raise UsageError(str(exc)) from None
    found: dict[str, LoadedStateMachine] = {}
    machines = config.machines()
    for machine in machines:
        named = [d for d in given if machine in (d.name, d.deployed_name)]
        if len(named) > 1:
            files_named = ", ".join(str(d.file) for d in named)
            raise UsageError(f"several definitions are named '{machine}': {files_named}")
        if named:
            found[machine] = _built(named[0])
        elif len(given) == 1 and len(machines) == 1:
            found[machine] = _built(given[0])  # one definition for a mock file of one machine
        else:
            found[machine] = _beside(machine, mock_file, given)
    return found


def _beside(machine: str, mock_file: Path, given: list[LoadedDefinition]) -> LoadedStateMachine:
    for suffix in (".asl.json", ".json", ".asl.yaml", ".asl.yml", ".yaml"):
        candidate = mock_file.with_name(machine + suffix)
        if candidate.exists() and candidate != mock_file:
            try:
                (loaded,) = load_definitions(candidate)[:1]
            except DefinitionLoadError as exc:
                raise UsageError(str(exc)) from None
            return _built(loaded)
    names = ", ".join(f"'{d.name}'" for d in given)
    hint = f" (the definitions given are {names})" if given else ""
    raise UsageError(
        f"no definition for the mock file's state machine '{machine}'{hint}: pass its file, "
        f"or put {machine}.asl.json beside the mock file"
    )


def _built(source: LoadedDefinition) -> LoadedStateMachine:
    try:
        machine, diagnostics = build_state_machine(source.definition, source)
    except InvalidDefinitionError as exc:
        for diagnostic in exc.diagnostics:
            print(format_diagnostic(diagnostic, source.file), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        raise UsageError(
            f"{source.file}: the definition has {errors} error(s) and was not run"
        ) from None
    return LoadedStateMachine(source, machine, diagnostics)


class _AnsweredChain(ResolverChain):
    """The run's resolvers, remembering the Task states nothing answered."""

    def __init__(self, resolvers: list[TaskResolver]) -> None:
        super().__init__(resolvers)
        self.unanswered: list[str] = []

    def find(self, state: str, resource: Resource) -> TaskResolver | None:
        found = super().find(state, resource)
        if found is None and state not in self.unanswered:
            self.unanswered.append(state)
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


async def _run_case(
    loaded: LoadedStateMachine,
    config: MockConfig,
    machine: str,
    case: str,
    expect: dict[str, Any],
    execution_input: Any,
    setup: RunSetup,
) -> CaseOutcome:
    outcome = CaseOutcome(machine, case)
    started = time.perf_counter()
    setup.mock_config, setup.machine_name, setup.test_case = config, machine, case
    try:
        chain = _AnsweredChain(setup.resolvers(loaded.machine).resolvers)
    except MockConfigError as exc:
        outcome.problems.append(str(exc))
        return outcome
    execution = LocalExecution(
        loaded.machine,
        execution_input,
        clock=setup.clock(),
        resolvers=chain,
        options=RunOptions(name=case, state_machine_name=machine),
    )
    execution.keep_child_runs = False  # a case checks its own history: no child run is read
    result = await execution.run()
    outcome.entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in execution.history.events
        if "stateEnteredEventDetails" in e
    ]
    if chain.unanswered:
        names = ", ".join(f"'{name}'" for name in chain.unanswered)
        outcome.problems.append(
            f"the run reached the Task state(s) {names}, which the test case does not mock "
            "(and no --handlers or --aws answers)"
        )
    else:
        outcome.problems = _problems(expect, result, set(outcome.entered))
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


def _print_outcome(outcome: CaseOutcome) -> None:
    mark = "PASS" if outcome.passed else "FAIL"
    line = f"{mark} {outcome.machine}.{outcome.case} ({outcome.seconds * 1000:.0f} ms)"
    if outcome.problems:
        line += ": " + "; ".join(outcome.problems)
    print(visible(line))
    if not outcome.passed:
        path = " -> ".join(outcome.entered) if outcome.entered else "none"
        print(visible(f"     states entered: {path}"))


def test_command(args: argparse.Namespace) -> int:
    try:
        mock_file = Path(args.mock_config)
        config = read_mock_config(str(mock_file))
        definitions = _definitions(args.definitions, config, mock_file)
        expectations_path = _expectations_file(mock_file, args.expectations)
        expectations = read_expectations(expectations_path, config) if expectations_path else {}
        base = expectations_path.parent if expectations_path else mock_file.parent
        setup = RunSetup(handlers=read_handlers(args), virtual_clock=True)
        if getattr(args, "aws", False):
            from sfntui.aws import ConnectionOptions
            from sfntui.aws.task_resolver import AwsTaskResolver

            options = ConnectionOptions(
                profile=args.profile, region=args.region, endpoint_url=args.endpoint_url
            )
            setup.extra_resolvers.append(AwsTaskResolver(options=options))
        cases = []
        machines = expectations.get("StateMachines", {})
        for machine in config.machines():
            expected_cases = (machines.get(machine) or {}).get("TestCases") or {}
            for case in config.test_cases(machine):
                expect = expected_cases.get(case) or {}
                if "input_file" in expect:
                    execution_input = read_case_input(base, expect["input_file"], case)
                else:
                    execution_input = expect.get("input", {})
                cases.append((machine, case, expect, execution_input))
    except UsageError as exc:
        print(visible(f"sfntui: {exc}"), file=sys.stderr)
        return 2

    async def run_all() -> list[CaseOutcome]:
        outcomes = []
        try:
            for machine, case, expect, execution_input in cases:
                outcome = await _run_case(
                    definitions[machine], config, machine, case, expect, execution_input, setup
                )
                outcomes.append(outcome)
                _print_outcome(outcome)
        finally:
            await close_resolvers(setup)
        return outcomes

    outcomes = asyncio.run(run_all())
    passed = sum(o.passed for o in outcomes)
    print(f"{passed} passed, {len(outcomes) - passed} failed")
    if args.junit:
        try:
            _write_junit(args.junit, outcomes)
        except UsageError as exc:
            print(visible(f"sfntui: {exc}"), file=sys.stderr)
            return 2
    return 0 if passed == len(outcomes) else 1
