"""Where executions come from, behind one interface: AWS, or the local engine.

The app talks to a `Backend` and never asks which one it has. `AwsBackend` reads and acts on
Step Functions through `sfntui.aws`; `LocalBackend` runs definitions from local files on
the engine, keeps its executions in memory, and follows a running one event by event. Both
hand out the same records (`StateMachineSummary`, `ExecutionSummary`, ...) and the same
history events, and both raise `BackendError` with a one-sentence `message`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine, format_diagnostic
from sfntui.asl.loader import DefinitionLoadError, LoadedDefinition, load_definitions
from sfntui.asl.model import StateMachine
from sfntui.aws.actions import Action, Confirm, check_allowed
from sfntui.aws.budget import RequestBudget
from sfntui.aws.connection import AwsSession, ConnectionOptions
from sfntui.aws.errors import ActionDeclined, AwsError
from sfntui.aws.models import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)
from sfntui.aws.stepfunctions import StepFunctions
from sfntui.aws.tail import PollInterval
from sfntui.builtin_examples import EXAMPLES_DIR
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.recorder import Thread
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError

__all__ = [
    "Action",
    "ActionCancelled",
    "AwsBackend",
    "Backend",
    "BackendError",
    "Confirm",
    "ExecutionDescription",
    "ExecutionSummary",
    "LocalBackend",
    "MapRunDescription",
    "MapRunSummary",
    "StateMachineDescription",
    "StateMachineSummary",
]

Event = dict[str, Any]


class BackendError(Exception):
    """A failure to show the person: `message` is one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionCancelled(BackendError):
    """The action was refused (read-only) or not confirmed; nothing was changed."""


class Backend(Protocol):
    """What the app can ask of a source of executions."""

    #: Shown to the person: "AWS us-east-1 (profile prod)", "local: examples".
    @property
    def label(self) -> str: ...

    @property
    def read_only(self) -> bool: ...

    async def list_state_machines(self) -> list[StateMachineSummary]: ...

    async def describe_state_machine(self, arn: str) -> StateMachineDescription: ...

    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]: ...

    def watch_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int = 100
    ) -> AsyncIterator[list[ExecutionSummary]]:
        """The newest executions, again each time they change; runs until cancelled."""
        ...

    async def describe_execution(self, arn: str) -> ExecutionDescription: ...

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        """The definition the execution ran (the machine may have changed since)."""
        ...

    async def get_history(self, arn: str) -> list[Event]: ...

    def follow(self, arn: str) -> AsyncIterator[list[Event]]:
        """The history so far, then new events as they are written, until the execution ends."""
        ...

    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]: ...

    async def describe_map_run(self, arn: str) -> MapRunDescription: ...

    async def start_execution(
        self,
        machine_arn: str,
        *,
        name: str | None = None,
        execution_input: Any = None,
        confirm: Confirm | None,
    ) -> ExecutionSummary: ...

    async def stop_execution(
        self,
        arn: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None: ...

    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None: ...

    async def aclose(self) -> None: ...


# -- AWS --------------------------------------------------------------------------------------

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _in_sentences(
    method: Callable[_P, Coroutine[Any, Any, _T]],
) -> Callable[_P, Coroutine[Any, Any, _T]]:
    """AwsError -> BackendError, so the app handles one kind of failure."""

    @functools.wraps(method)
    async def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return await method(*args, **kwargs)
        except ActionDeclined as error:
            raise ActionCancelled(error.message) from None
        except AwsError as error:
            raise BackendError(error.message) from None

    return wrapper


class AwsBackend:
    """Step Functions in one account and region; every poll shares one request budget."""

    def __init__(
        self,
        options: ConnectionOptions | None = None,
        *,
        budget: RequestBudget | None = None,
        interval: PollInterval | None = None,
    ) -> None:
        self.session = AwsSession(options, budget)
        self.sfn = StepFunctions(self.session)
        self._interval = interval

    @property
    def read_only(self) -> bool:
        return self.session.options.read_only

    @property
    def label(self) -> str:
        try:
            region = self.session.region
        except AwsError:
            region = "(no region)"
        profile = self.session.profile
        where = f"AWS {region}" + (f" (profile {profile})" if profile else "")
        if self.session.options.endpoint_url:
            where += f" at {self.session.options.endpoint_url}"
        return where

    def _poll_interval(self) -> PollInterval | None:
        if self._interval is None:
            return None
        return PollInterval(self._interval.fastest, self._interval.slowest, self._interval.factor)

    @_in_sentences
    async def list_state_machines(self) -> list[StateMachineSummary]:
        return await self.sfn.list_state_machines()

    @_in_sentences
    async def list_versions_and_aliases(self, machine_arn: str) -> list[StateMachineSummary]:
        return [
            *await self.sfn.list_versions(machine_arn),
            *await self.sfn.list_aliases(machine_arn),
        ]

    @_in_sentences
    async def describe_state_machine(self, arn: str) -> StateMachineDescription:
        return await self.sfn.describe_state_machine(arn)

    @_in_sentences
    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        return await self.sfn.list_executions(machine_arn, status=status, limit=limit)

    async def watch_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int = 100
    ) -> AsyncIterator[list[ExecutionSummary]]:
        watch = self.sfn.watch_executions(
            machine_arn, status=status, limit=limit, interval=self._poll_interval()
        )
        try:
            async for executions in watch.follow():
                yield executions
        except AwsError as error:
            raise BackendError(error.message) from None

    @_in_sentences
    async def describe_execution(self, arn: str) -> ExecutionDescription:
        return await self.sfn.describe_execution(arn)

    @_in_sentences
    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        return await self.sfn.describe_state_machine_for_execution(arn)

    @_in_sentences
    async def get_history(self, arn: str) -> list[Event]:
        return await self.sfn.get_history(arn)

    async def follow(self, arn: str) -> AsyncIterator[list[Event]]:
        try:
            async for batch in self.sfn.follow(arn, interval=self._poll_interval()):
                yield batch
        except AwsError as error:
            raise BackendError(error.message) from None

    @_in_sentences
    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]:
        return await self.sfn.list_map_runs(execution_arn)

    @_in_sentences
    async def describe_map_run(self, arn: str) -> MapRunDescription:
        return await self.sfn.describe_map_run(arn)

    @_in_sentences
    async def list_map_run_executions(
        self, map_run_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        return await self.sfn.list_executions(map_run_arn=map_run_arn, status=status, limit=limit)

    @_in_sentences
    async def start_execution(
        self,
        machine_arn: str,
        *,
        name: str | None = None,
        execution_input: Any = None,
        confirm: Confirm | None,
    ) -> ExecutionSummary:
        return await self.sfn.start_execution(
            machine_arn, name=name, execution_input=execution_input, confirm=confirm
        )

    @_in_sentences
    async def stop_execution(
        self,
        arn: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        await self.sfn.stop_execution(arn, error=error, cause=cause, confirm=confirm)

    @_in_sentences
    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None:
        await self.sfn.redrive_execution(arn, confirm=confirm)

    async def aclose(self) -> None:
        await self.session.aclose()


# -- local ------------------------------------------------------------------------------------

#: Files a folder is searched for when it is neither a CDK cloud assembly nor a SAM project.
_DEFINITION_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")
LOCAL_REGION = "local"
LOCAL_ACCOUNT = "123456789012"


@dataclass
class _LocalMachine:
    name: str
    arn: str
    source: LoadedDefinition
    created: datetime
    machine: StateMachine | None = None
    problem: str | None = None  # why it cannot run (an invalid definition)


@dataclass
class _LocalRun:
    execution: LocalExecution
    machine: _LocalMachine
    name: str
    started: datetime
    task: asyncio.Task[Any] | None = None
    stopped: datetime | None = None
    aborted: tuple[str | None, str | None] | None = None
    subscribers: list[asyncio.Queue[Event | None]] = field(default_factory=list)

    @property
    def arn(self) -> str:
        return self.execution.execution_arn

    @property
    def status(self) -> str:
        if self.aborted is not None:
            return "ABORTED"
        result = self.execution.result
        return result.status if result is not None else "RUNNING"

    def on_event(self, event: Event) -> None:
        for queue in self.subscribers:
            queue.put_nowait(event)

    def finished(self) -> None:
        if self.stopped is None:
            self.stopped = self.execution.clock.now()
        for queue in self.subscribers:
            queue.put_nowait(None)


class LocalBackend:
    """Definitions from local files, run on the engine; executions live in memory.

    `sources` are files (ASL JSON/YAML, CloudFormation/SAM templates) and folders (a CDK
    `cdk.out`, a SAM project, or any folder holding `*.asl.json`/`*.asl.yaml` files).
    `setup` gives the mocks, handlers and resolvers for a machine's runs (by its name).
    """

    read_only = False

    def __init__(
        self,
        sources: Iterable[str | os.PathLike[str]] = (EXAMPLES_DIR,),
        *,
        setup: Callable[[str], RunSetup] | None = None,
    ) -> None:
        self.sources = [Path(source) for source in sources]
        self._setup = setup or (lambda _name: RunSetup())
        self._machines: dict[str, _LocalMachine] | None = None
        self._runs: dict[str, _LocalRun] = {}
        self._changed = asyncio.Event()
        self._count = 0

    @property
    def label(self) -> str:
        return "local: " + ", ".join(str(source) for source in self.sources)

    # -- state machines -----------------------------------------------------------------------

    def _load(self) -> dict[str, _LocalMachine]:
        if self._machines is not None:
            return self._machines
        machines: dict[str, _LocalMachine] = {}
        for source in self.sources:
            for loaded in _definitions_in(source):
                name = loaded.name
                while f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:stateMachine:{name}" in (
                    machines
                ):
                    name += "-2"
                arn = f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:stateMachine:{name}"
                created = _modified(loaded.file)
                entry = _LocalMachine(name, arn, loaded, created)
                try:
                    entry.machine, _ = build_state_machine(loaded.definition, loaded)
                except InvalidDefinitionError as error:
                    entry.problem = _first_error(error)
                machines[arn] = entry
        self._machines = machines
        return machines

    def _machine(self, arn: str) -> _LocalMachine:
        found = self._load().get(arn)
        if found is None:
            raise BackendError(f"There is no local state machine {arn}.")
        return found

    async def list_state_machines(self) -> list[StateMachineSummary]:
        return [
            StateMachineSummary(arn=m.arn, name=m.name, type="STANDARD", created=m.created)
            for m in self._load().values()
        ]

    async def describe_state_machine(self, arn: str) -> StateMachineDescription:
        entry = self._machine(arn)
        return StateMachineDescription(
            arn=entry.arn,
            name=entry.name,
            definition=json.dumps(entry.source.definition, indent=2),
            status="ACTIVE" if entry.problem is None else "INVALID",
            created=entry.created,
            description=entry.source.file,
        )

    # -- executions ---------------------------------------------------------------------------

    def _run(self, arn: str) -> _LocalRun:
        found = self._runs.get(arn)
        if found is None:
            raise BackendError(f"There is no local execution {arn}.")
        return found

    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        runs = [
            run
            for run in reversed(self._runs.values())
            if run.machine.arn == machine_arn and (status is None or run.status == status)
        ]
        summaries = [_summary(run) for run in runs]
        return summaries[:limit] if limit else summaries

    async def watch_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int = 100
    ) -> AsyncIterator[list[ExecutionSummary]]:
        while True:
            changed = self._changed
            yield await self.list_executions(machine_arn, status=status, limit=limit)
            await changed.wait()

    def _announce_change(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def describe_execution(self, arn: str) -> ExecutionDescription:
        run = self._run(arn)
        result = run.execution.result
        error, cause = run.aborted or (None, None)
        output = None
        if result is not None and run.aborted is None:
            error, cause = result.error, result.cause
            if result.status == "SUCCEEDED":
                output = json.dumps(result.output)
        return ExecutionDescription(
            arn=run.arn,
            name=run.name,
            machine_arn=run.machine.arn,
            status=run.status,
            started=run.started,
            stopped=run.stopped,
            input=json.dumps(run.execution.input),
            output=output,
            error=error,
            cause=cause,
        )

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        return await self.describe_state_machine(self._run(arn).machine.arn)

    async def get_history(self, arn: str) -> list[Event]:
        return list(self._run(arn).execution.history.events)

    async def follow(self, arn: str) -> AsyncIterator[list[Event]]:
        run = self._run(arn)
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        so_far = list(run.execution.history.events)
        done = run.task is None or run.task.done()
        if not done:
            run.subscribers.append(queue)  # no await since the copy: nothing slips between
        try:
            if so_far:
                yield so_far
            while not done:
                batch: list[Event] = []
                item = await queue.get()
                while item is not None:
                    batch.append(item)
                    if queue.empty():
                        break
                    item = queue.get_nowait()
                done = item is None
                if batch:
                    yield batch
        finally:
            if queue in run.subscribers:
                run.subscribers.remove(queue)

    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]:
        self._run(execution_arn)
        return []  # a local distributed Map runs its children inline, with no Map Run

    async def describe_map_run(self, arn: str) -> MapRunDescription:
        raise BackendError("Local executions have no Map Runs.")

    # -- actions ------------------------------------------------------------------------------

    async def start_execution(
        self,
        machine_arn: str,
        *,
        name: str | None = None,
        execution_input: Any = None,
        confirm: Confirm | None,
    ) -> ExecutionSummary:
        entry = self._machine(machine_arn)
        if isinstance(execution_input, str):
            try:
                execution_input = json.loads(execution_input)
            except ValueError as error:
                raise BackendError(f"The input is not valid JSON: {error}.") from None
        self._count += 1
        name = name or f"local-{self._count}"
        action = Action(
            "start",
            machine_arn,
            f"Run {entry.name} locally as '{name}'?",
            {"name": name, "input": execution_input},
        )
        await _allowed(action, confirm)
        if entry.machine is None:
            raise BackendError(f"{entry.name} cannot run: {entry.problem}")
        arn = f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:execution:{entry.name}:{name}"
        if arn in self._runs:
            raise BackendError(f"There is already a local execution named '{name}'.")
        options = RunOptions(
            name=name, state_machine_name=entry.name, region=LOCAL_REGION, account=LOCAL_ACCOUNT
        )
        try:
            execution = prepare(entry.machine, execution_input, self._setup(entry.name), options)
        except NoResolverError as error:
            raise BackendError(f"{entry.name} cannot run: {error}.") from None
        run = _LocalRun(execution, entry, name, execution.clock.now())
        execution.history.listen(run.on_event)
        self._runs[run.arn] = run
        run.task = asyncio.create_task(self._drive(run))
        self._announce_change()
        return _summary(run)

    async def _drive(self, run: _LocalRun) -> None:
        try:
            await run.execution.run()
        except asyncio.CancelledError:
            pass  # stopped (the engine ended the history with ExecutionAborted) or closed
        except Exception as error:  # an engine bug must not pass silently, nor crash the app
            run.aborted = ("States.Runtime", f"The local engine failed: {error}")
            _write_aborted(run)
        finally:
            run.finished()
            self._announce_change()

    async def stop_execution(
        self,
        arn: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        run = self._run(arn)
        await _allowed(Action("stop", arn, f"Stop the local run {run.name}?"), confirm)
        if run.task is None or run.task.done():
            raise BackendError(f"{run.name} has already ended ({run.status}).")
        run.aborted = (error, cause)
        run.execution.stop(error, cause)
        await asyncio.gather(run.task, return_exceptions=True)

    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None:
        self._run(arn)
        raise BackendError("Local executions cannot be redriven: start a new run instead.")

    async def aclose(self) -> None:
        for run in self._runs.values():
            if run.task is not None and not run.task.done():
                run.task.cancel()
        pending = [run.task for run in self._runs.values() if run.task is not None]
        await asyncio.gather(*pending, return_exceptions=True)


async def _allowed(action: Action, confirm: Confirm | None) -> None:
    try:
        await check_allowed(action, confirm, read_only=False)
    except ActionDeclined as error:
        raise ActionCancelled(error.message) from None


def _write_aborted(run: _LocalRun) -> None:
    events = run.execution.history.events
    error, cause = run.aborted or (None, None)
    details = {key: value for key, value in (("error", error), ("cause", cause)) if value}
    last = events[-1]["id"] if events else 0
    run.execution.history.emit(Thread(last), "ExecutionAborted", details)


def _summary(run: _LocalRun) -> ExecutionSummary:
    return ExecutionSummary(
        arn=run.arn,
        name=run.name,
        machine_arn=run.machine.arn,
        status=run.status,
        started=run.started,
        stopped=run.stopped,
    )


def _definitions_in(source: Path) -> Sequence[LoadedDefinition]:
    """Every definition at `source`; unreadable files are skipped, not fatal."""
    if source.is_dir():
        try:
            return load_definitions(source)
        except DefinitionLoadError:
            pass  # not a CDK or SAM project: look for ASL files
        found: list[LoadedDefinition] = []
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.name.endswith(_DEFINITION_SUFFIXES):
                found.extend(_definitions_in(path))
        return found
    try:
        return load_definitions(source)
    except DefinitionLoadError:
        return []


def _modified(file: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(os.path.getmtime(file or ""), tz=UTC)
    except OSError:
        return datetime.now(UTC)


def _first_error(error: InvalidDefinitionError) -> str:
    errors = [d for d in error.diagnostics if d.severity == "error"]
    return format_diagnostic(errors[0], None) if errors else "the definition is not valid"
