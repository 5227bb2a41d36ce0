"""The local backend: definitions from local files, run on the engine, kept in memory.

Every listing reads the folders again, so a definition file added or edited since shows
(the app's "Reload"); a run keeps the machine it started from. A running execution is
followed event by event as the engine writes them. It hands out the same neutral records as
the AWS backend and raises `BackendError` (`ActionCancelled` when an action is not confirmed).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine, format_diagnostic
from sfntui.asl.loader import DefinitionLoadError, LoadedDefinition, load_definitions
from sfntui.asl.model import StateMachine
from sfntui.backends.protocol import Capabilities, Event
from sfntui.builtin_examples import EXAMPLES_DIR
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.recorder import Thread
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError
from sfntui.history.actions import Action, BackendError, Confirm, require_confirmation
from sfntui.history.records import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)

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

    capabilities = Capabilities(start=True, stop=True, debug=True)

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
        return "local: " + (", ".join(str(source) for source in self.sources) or "no files")

    # -- state machines -----------------------------------------------------------------------

    def _read_sources(self) -> dict[str, _LocalMachine]:
        """Every machine in the sources as the files are now (run off the event loop)."""
        machines: dict[str, _LocalMachine] = {}
        for source in self.sources:
            for loaded in _definitions_in(source):
                name = loaded.name
                while _machine_arn(name) in machines:
                    name += "-2"
                arn = _machine_arn(name)
                entry = _LocalMachine(name, arn, loaded, _modified(loaded.file))
                try:
                    entry.machine, _ = build_state_machine(loaded.definition, loaded)
                except InvalidDefinitionError as error:
                    entry.problem = _first_error(error)
                machines[arn] = entry
        return machines

    async def _reload(self) -> dict[str, _LocalMachine]:
        self._machines = await asyncio.to_thread(self._read_sources)
        return self._machines

    async def _machine(self, arn: str) -> _LocalMachine:
        machines = self._machines if self._machines is not None else await self._reload()
        found = machines.get(arn)
        if found is None:
            raise BackendError(f"There is no local state machine {arn}.")
        return found

    async def list_state_machines(self) -> list[StateMachineSummary]:
        return [
            StateMachineSummary(arn=m.arn, name=m.name, type="STANDARD", created=m.created)
            for m in (await self._reload()).values()
        ]

    async def describe_state_machine(self, arn: str) -> StateMachineDescription:
        return _description(await self._machine(arn))

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
        return _description(self._run(arn).machine)  # as it was read when the run started

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

    async def list_map_run_executions(
        self, map_run_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
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
        entry = await self._machine(machine_arn)
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
        await require_confirmation(action, confirm)
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
        await require_confirmation(Action("stop", arn, f"Stop the local run {run.name}?"), confirm)
        if run.task is None or run.task.done():
            raise BackendError(f"{run.name} has already ended ({run.status}).")
        run.aborted = (error, cause)
        run.execution.stop(error, cause)
        await asyncio.gather(run.task, return_exceptions=True)

    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None:
        self._run(arn)
        raise BackendError("Local executions cannot be redriven: start a new run instead.")

    async def send_task_success(
        self, task_token: str, output: Any, *, confirm: Confirm | None
    ) -> None:
        raise BackendError("Local tasks are not answered by task token.")

    async def send_task_failure(
        self,
        task_token: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        raise BackendError("Local tasks are not answered by task token.")

    async def send_task_heartbeat(self, task_token: str, *, confirm: Confirm | None) -> None:
        raise BackendError("Local tasks are not answered by task token.")

    async def invocation_logs(
        self, function: str, request_id: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, str]]:
        raise BackendError("Local tasks have no CloudWatch Logs.")

    async def aclose(self) -> None:
        for run in self._runs.values():
            if run.task is not None and not run.task.done():
                run.task.cancel()
        pending = [run.task for run in self._runs.values() if run.task is not None]
        await asyncio.gather(*pending, return_exceptions=True)


def _write_aborted(run: _LocalRun) -> None:
    events = run.execution.history.events
    error, cause = run.aborted or (None, None)
    details = {key: value for key, value in (("error", error), ("cause", cause)) if value}
    last = events[-1]["id"] if events else 0
    run.execution.history.emit(Thread(last), "ExecutionAborted", details)


def _description(entry: _LocalMachine) -> StateMachineDescription:
    return StateMachineDescription(
        arn=entry.arn,
        name=entry.name,
        definition=json.dumps(entry.source.definition, indent=2),
        status="ACTIVE" if entry.problem is None else "INVALID",
        created=entry.created,
        description=entry.source.file,
    )


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


def _machine_arn(name: str) -> str:
    return f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:stateMachine:{name}"


def _modified(file: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(os.path.getmtime(file or ""), tz=UTC)
    except OSError:
        return datetime.now(UTC)


def _first_error(error: InvalidDefinitionError) -> str:
    errors = [d for d in error.diagnostics if d.severity == "error"]
    return format_diagnostic(errors[0], None) if errors else "the definition is not valid"
