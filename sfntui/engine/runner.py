"""Setting up a local run: the resolver chain from the user's mocks and handlers, and the
check, before anything runs, that every Task state has something to answer it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sfntui.asl import model as m
from sfntui.asl.templates import Constant, ObjectTemplate
from sfntui.engine.clock import Clock, RealClock, VirtualClock
from sfntui.engine.gate import Gate
from sfntui.engine.handlers import Handler, PythonHandlers
from sfntui.engine.interpreter import ExecutionResult, LocalExecution, RunOptions
from sfntui.engine.item_reader import LocalItemReader
from sfntui.engine.mock_config import MockConfig
from sfntui.engine.tasks import (
    NoResolverError,
    ResolverChain,
    TaskResolver,
    read_resource,
    with_function_name,
)


@dataclass
class RunSetup:
    """Everything a local run needs besides the definition and its input."""

    mock_config: MockConfig | None = None
    machine_name: str | None = None
    test_case: str | None = None
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    #: Resolvers tried after mocks and handlers (the real AWS call, when asked for).
    extra_resolvers: list[TaskResolver] = field(default_factory=list)
    virtual_clock: bool = False
    #: Where a virtual clock starts (now, if not given): fixed, runs repeat to the millisecond.
    clock_start: datetime | None = None
    #: Answer distributed Maps' ItemReaders from DIR/<Bucket>/<Key> instead of S3.
    items_dir: str | None = None

    def resolvers(self, machine: m.StateMachine) -> ResolverChain:
        chain: list[TaskResolver] = []
        if self.mock_config is not None and self.test_case is not None:
            names = {state.name for state, _ in machine.walk()}
            chain.append(self.mock_config.resolver(self.machine_name or "", self.test_case, names))
        if self.handlers:
            chain.append(PythonHandlers(self.handlers))
        if self.items_dir is not None:
            readers = [s.name for s, _ in machine.walk() if getattr(s, "item_reader", None)]
            chain.append(LocalItemReader(self.items_dir, readers))
        chain.extend(self.extra_resolvers)
        return ResolverChain(chain)

    def clock(self) -> Clock:
        return VirtualClock(self.clock_start) if self.virtual_clock else RealClock()


def unanswered_tasks(machine: m.StateMachine, chain: ResolverChain) -> list[tuple[str, str]]:
    """Task states (and ItemReaders) nothing in the chain answers: (state name, resource)."""
    missing = []
    for state, _ in machine.walk():
        if isinstance(state, m.TaskState):
            resource = read_resource(state.resource)
            if resource.is_lambda_invoke:
                resource = with_function_name(
                    resource, _static_field(state.parameters, "FunctionName")
                )
        elif isinstance(state, m.MapState) and state.item_reader is not None:
            resource = read_resource(str(state.item_reader.get("Resource", "")))
        else:
            continue
        if chain.find(state.name, resource) is None:
            missing.append((state.name, resource.arn))
    return missing


def _static_field(template: Any, key: str) -> Any:
    """A field of a Parameters template that is written out, not computed (else None)."""
    if isinstance(template, Constant) and isinstance(template.value, dict):
        return template.value.get(key)
    if isinstance(template, ObjectTemplate):
        for name, value in template.entries:
            if name == key and isinstance(value, Constant):
                return value.value
    return None


def prepare(
    machine: m.StateMachine,
    execution_input: Any,
    setup: RunSetup,
    options: RunOptions | None = None,
    debugger: Gate | None = None,
) -> LocalExecution:
    """A LocalExecution ready to run; NoResolverError names the Task states nothing answers."""
    chain = setup.resolvers(machine)
    missing = unanswered_tasks(machine, chain)
    if missing:
        raise NoResolverError(missing)
    return LocalExecution(
        machine,
        execution_input,
        clock=setup.clock(),
        resolvers=chain,
        options=options,
        debugger=debugger,
    )


async def run_local(
    machine: m.StateMachine,
    execution_input: Any,
    setup: RunSetup | None = None,
    options: RunOptions | None = None,
) -> tuple[LocalExecution, ExecutionResult]:
    execution = prepare(machine, execution_input, setup or RunSetup(), options)
    result = await execution.run()
    return execution, result
