"""One replay: a definition run locally on a recording's input, its Tasks answered as recorded.

The run goes through the engine's public surface: a `RunSetup` whose resolver chain has the
recorded results first (the user's mocks and handlers, when given, answer their Tasks instead),
a virtual clock started at the recording's start, and the recording's execution name, ARNs and
role in the context object. Then the local history is compared with the recorded one.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sfntui.asl import model as m
from sfntui.asl.templates import Constant, ObjectTemplate
from sfntui.engine.gate import Gate
from sfntui.engine.interpreter import ExecutionResult, LocalExecution, RunOptions
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import ResolverChain, Resource, read_resource, with_function_name
from sfntui.replay.compare import differences
from sfntui.replay.divergence import Divergence
from sfntui.replay.recording import Recording, RecordingError
from sfntui.replay.resolver import AnsweredCall, RecordedResults

#: The error a run stopped at a divergence ends with (ABORTED, as a stopped execution does).
DIVERGED = "Replay.Diverged"
_UNSET: Any = object()


@dataclass
class ReplaySetup(RunSetup):
    """A `RunSetup` whose chain starts with the recorded results."""

    recorded: RecordedResults | None = None

    def resolvers(self, machine: m.StateMachine) -> ResolverChain:
        chain = super().resolvers(machine)
        if self.recorded is None:
            return chain
        others = list(chain.resolvers)
        if others:
            named = _named_functions(machine)

            def answered_elsewhere(state: str, resource: Resource) -> bool:
                # A `lambda:invoke` Task names its function in Parameters: with it, handlers
                # claim only the functions they have (the engine asks without it).
                if resource.is_lambda_invoke and not resource.function_name:
                    resource = named.get(state, resource)
                return any(other.handles(state, resource) for other in others)

            self.recorded.answered_elsewhere = answered_elsewhere
        return ResolverChain([self.recorded, *others])


def _named_functions(machine: m.StateMachine) -> dict[str, Resource]:
    """Each `lambda:invoke` Task whose Parameters write out FunctionName, with that name."""
    found = {}
    for state, _ in machine.walk():
        if not isinstance(state, m.TaskState):
            continue
        resource = read_resource(state.resource)
        template = state.parameters
        function = None
        if isinstance(template, Constant) and isinstance(template.value, dict):
            function = template.value.get("FunctionName")
        elif isinstance(template, ObjectTemplate):
            for key, value in template.entries:
                if key == "FunctionName" and isinstance(value, Constant):
                    function = value.value
        if resource.is_lambda_invoke and function is not None:
            found[state.name] = with_function_name(resource, function)
    return found


@dataclass(repr=False)
class ReplayResult:
    result: ExecutionResult
    execution: LocalExecution
    recording: Recording
    #: Every difference found, the first first; the run matches when there is none.
    differences: list[Divergence] = field(default_factory=list)
    #: Things worth knowing that do not make the run differ (other Task parameters, ...).
    notes: list[str] = field(default_factory=list)
    #: Which recorded call answered each local invocation, in the order they were made.
    answered: list[AnsweredCall] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences

    def __repr__(self) -> str:  # short: asyncio and tracebacks print it, histories are long
        return f"<ReplayResult {self.result.status} matches={self.matches}>"

    @property
    def divergence(self) -> Divergence | None:
        return self.differences[0] if self.differences else None

    def as_json(self) -> dict[str, Any]:
        """`sfntui run --json`'s object, plus the verdict."""
        report = self.result.as_json()
        report["matches"] = self.matches
        report["divergence"] = self.divergence.as_json() if self.divergence else None
        report["differences"] = [d.message for d in self.differences]
        report["notes"] = list(self.notes)
        recorded: dict[str, Any] = {"status": self.recording.status}
        if self.recording.status == "SUCCEEDED":
            recorded["output"] = self.recording.output
        else:
            recorded["error"] = self.recording.error
            recorded["cause"] = self.recording.cause
        report["recorded"] = recorded
        if self.recording.attempts > 1:
            report["attempt"] = self.recording.attempt
        return report


def start_at(machine: m.StateMachine, state: str) -> m.StateMachine:
    """The machine, started at one of its top-level states (RecordingError if it has none)."""
    if state not in machine.states:
        inside = any(s.name == state for s, _ in machine.walk())
        if inside:
            raise RecordingError(
                f"The state '{state}' runs inside a Map or Parallel; replay from the Map or "
                "Parallel state that holds it."
            )
        raise RecordingError(f"The definition has no state '{state}'.")
    return dataclasses.replace(machine, start_at=state)


def prepare_replay(
    machine: m.StateMachine,
    recording: Recording,
    *,
    setup: RunSetup | None = None,
    options: RunOptions | None = None,
    execution_input: Any = _UNSET,
    follow_clock: bool = True,
    debugger: Gate | None = None,
) -> tuple[LocalExecution, RecordedResults]:
    """The local run of a replay, not started, and the recorded results answering it.

    A divergence stops the run (ABORTED with `DIVERGED` and the sentence): so the debugger
    screen, which runs it with `debugger` at its gates, shows where the path changed.
    """
    if recording.from_state is not None:
        machine = start_at(machine, recording.from_state)
    recorded = RecordedResults(recording, follow_clock=follow_clock)
    base = setup or RunSetup()
    replay_setup = ReplaySetup(
        mock_config=base.mock_config,
        machine_name=base.machine_name,
        test_case=base.test_case,
        handlers=base.handlers,
        extra_resolvers=list(base.extra_resolvers),
        virtual_clock=True,
        clock_start=recording.start_time,
        items_dir=base.items_dir,
        recorded=recorded,
    )
    options = options or RunOptions()
    if options.role_arn is None and recording.role_arn:
        options = dataclasses.replace(options, role_arn=recording.role_arn)
    start_input = recording.start_input if execution_input is _UNSET else execution_input
    execution = prepare(machine, start_input, replay_setup, options, debugger)

    def stop(divergence: Divergence) -> None:
        execution.stop(DIVERGED, divergence.message)

    recorded.stop = stop
    return execution, recorded


async def replay(
    machine: m.StateMachine,
    recording: Recording,
    *,
    setup: RunSetup | None = None,
    options: RunOptions | None = None,
    execution_input: Any = _UNSET,
    follow_clock: bool = True,
) -> ReplayResult:
    """Run `machine` against `recording` (from its `from_state`, if it has one) and compare.

    `setup` brings the user's mocks and handlers (they answer their Tasks instead of the
    recording); `execution_input` replaces the recorded input. NoResolverError and the
    mock file's errors come from `prepare`, as for any local run.
    """
    execution, recorded = prepare_replay(
        machine,
        recording,
        setup=setup,
        options=options,
        execution_input=execution_input,
        follow_clock=follow_clock,
    )
    run = asyncio.ensure_future(execution.run())
    try:
        await run
    except asyncio.CancelledError:
        if recorded.divergence is None or execution.result is None:
            raise
    assert execution.result is not None
    found = differences(recording, execution.history.events)
    if recorded.divergence is not None:
        found.insert(0, recorded.divergence)
    return ReplayResult(
        result=execution.result,
        execution=execution,
        recording=recording,
        differences=found,
        notes=recorded.notes,
        answered=recorded.answered,
    )
