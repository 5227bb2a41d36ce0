"""The typed model of a state machine: one frozen dataclass per state type.

Every expression a state holds (paths, templates, intrinsic calls, Choice rules, JSONata) is
compiled when the model is built (`sfntui.asl.parse`), so running a state only evaluates.
Fields that AWS lets be either a number or a path (or a JSONata expression) hold a
`Template` or a `Path`, named for the field they came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sfntui.asl.paths import JsonPath
from sfntui.asl.templates import QueryLanguage, Template

StateType = Literal["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]

#: `InputPath`/`OutputPath`/`ResultPath` given as JSON null: the data is discarded.
DISCARD = None


@dataclass(frozen=True, kw_only=True)
class Retrier:
    """A Retry entry: which errors it covers, and how long to wait between attempts."""

    error_equals: tuple[str, ...]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_strategy: Literal["FULL", "NONE"] = "NONE"


@dataclass(frozen=True, kw_only=True)
class Catcher:
    """A Catch entry: which errors it covers, the state to go to, where the error goes."""

    error_equals: tuple[str, ...]
    next: str
    result_path: JsonPath | None
    assign: Template | None = None
    output: Template | None = None


@dataclass(frozen=True, kw_only=True)
class State:
    """What every state has: its name, type, JSON pointer, query language, transitions."""

    name: str
    type: StateType
    pointer: str
    query_language: QueryLanguage
    comment: str | None = None
    next: str | None = None
    end: bool = False
    input_path: JsonPath | None = None
    output_path: JsonPath | None = None
    assign: Template | None = None
    output: Template | None = None
    #: For JSONPath states: whether InputPath/OutputPath were given as null (discard).
    discard_input: bool = False
    discard_output: bool = False

    @property
    def is_terminal(self) -> bool:
        return self.end or self.type in ("Succeed", "Fail")

    def transitions(self) -> tuple[str, ...]:
        """Every state this one can move to (Next, Choices, Default, Catch)."""
        return (self.next,) if self.next else ()


@dataclass(frozen=True, kw_only=True)
class ErrorHandling:
    """Fields shared by the states that do work and can fail: Task, Parallel, Map."""

    parameters: Template | None = None
    arguments: Template | None = None
    result_selector: Template | None = None
    result_path: JsonPath | None = None
    discard_result: bool = False
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PassState(State):
    """Pass: its input (or `Result`) passed on, shaped by the paths or `Output`."""

    result: Any = None
    has_result: bool = False
    parameters: Template | None = None
    result_path: JsonPath | None = None
    discard_result: bool = False


@dataclass(frozen=True, kw_only=True)
class TaskState(ErrorHandling, State):
    """Task: a resource called (a Lambda, an SDK integration, an activity), with timeouts."""

    resource: str
    timeout_seconds: Template | None = None
    timeout_seconds_path: JsonPath | None = None
    heartbeat_seconds: Template | None = None
    heartbeat_seconds_path: JsonPath | None = None
    credentials: Template | None = None

    def transitions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*super().transitions(), *(c.next for c in self.catch)]))


@dataclass(frozen=True, kw_only=True)
class ChoiceBranch:
    """One entry of a Choice's `Choices`: a JSONPath rule or a JSONata `Condition`, and Next."""

    next: str
    rule: Any = None  # sfntui.asl.choice.ChoiceRule (JSONPath)
    condition: Template | None = None  # JSONata Condition
    assign: Template | None = None
    output: Template | None = None
    text: str = ""  # a short description of the rule, for the graph's edge labels


@dataclass(frozen=True, kw_only=True)
class ChoiceState(State):
    """Choice: the first branch whose rule matches, else `Default`."""

    choices: tuple[ChoiceBranch, ...]
    default: str | None = None

    def transitions(self) -> tuple[str, ...]:
        targets = [c.next for c in self.choices]
        if self.default:
            targets.append(self.default)
        return tuple(dict.fromkeys(targets))


@dataclass(frozen=True, kw_only=True)
class WaitState(State):
    """Wait: a number of seconds or a timestamp, given or read from a path."""

    seconds: Template | None = None
    seconds_path: JsonPath | None = None
    timestamp: Template | None = None
    timestamp_path: JsonPath | None = None


@dataclass(frozen=True, kw_only=True)
class SucceedState(State):
    """Succeed: the end of the run (or of a branch or iteration), successfully."""

    pass


@dataclass(frozen=True, kw_only=True)
class FailState(State):
    """Fail: the end of the run with an error and a cause, given or read from a path."""

    error: Template | None = None
    cause: Template | None = None
    error_path: Template | None = None
    cause_path: Template | None = None


@dataclass(frozen=True, kw_only=True)
class ParallelState(ErrorHandling, State):
    """Parallel: each branch run on the same input; the output is their outputs, in order."""

    branches: tuple[StateMachine, ...]

    def transitions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*super().transitions(), *(c.next for c in self.catch)]))


@dataclass(frozen=True, kw_only=True)
class MapState(ErrorHandling, State):
    """Map: the processor run for each item, inline or distributed (reader, batcher, writer)."""

    processor: StateMachine
    mode: Literal["INLINE", "DISTRIBUTED"] = "INLINE"
    execution_type: Literal["STANDARD", "EXPRESS"] = "STANDARD"
    items_path: JsonPath | None = None
    items: Template | None = None
    item_selector: Template | None = None
    max_concurrency: Template | None = None
    max_concurrency_path: JsonPath | None = None
    tolerated_failure_count: Template | None = None
    tolerated_failure_count_path: JsonPath | None = None
    tolerated_failure_percentage: Template | None = None
    tolerated_failure_percentage_path: JsonPath | None = None
    item_reader: Mapping[str, Any] | None = None
    item_reader_parameters: Template | None = None
    item_batcher: Mapping[str, Any] | None = None
    item_batcher_input: Template | None = None
    result_writer: Mapping[str, Any] | None = None
    label: str | None = None

    def transitions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*super().transitions(), *(c.next for c in self.catch)]))


@dataclass(frozen=True, kw_only=True)
class StateMachine:
    """A state machine, or a Parallel branch or Map processor: its states and its start."""

    start_at: str
    states: Mapping[str, State]
    query_language: QueryLanguage = "JSONPath"
    comment: str | None = None
    timeout_seconds: int | None = None
    version: str | None = None
    pointer: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def walk(self) -> list[tuple[State, tuple[StateMachine, ...]]]:
        """Every state, nested ones included, with the chain of machines enclosing it."""
        found: list[tuple[State, tuple[StateMachine, ...]]] = []

        def visit(machine: StateMachine, chain: tuple[StateMachine, ...]) -> None:
            for state in machine.states.values():
                found.append((state, (*chain, machine)))
                if isinstance(state, ParallelState):
                    for branch in state.branches:
                        visit(branch, (*chain, machine))
                elif isinstance(state, MapState):
                    visit(state.processor, (*chain, machine))

        visit(self, ())
        return found
