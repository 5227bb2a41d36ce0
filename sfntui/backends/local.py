"""The local backend: definitions from local files, run on the engine, kept in the run store.

Every listing reads the folders again, so a definition file added or edited since shows
(the app's "Reload"); a run keeps the machine it started from. A running execution is
followed event by event as the engine writes them. What answers a machine's Tasks comes from
`MachineSetups` (command line, project file, a mock file beside the definition). Each run is
written to the run store (`sfntui.runs`) as it goes, and the runs stored by an earlier session
are listed among a machine's executions. It hands out the same neutral records as the AWS
backend and raises `BackendError` (`ActionCancelled` when an action is not confirmed).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.asl.definition import InvalidDefinitionError, build_state_machine, format_diagnostic
from sfntui.asl.loader import DefinitionLoadError, LoadedDefinition, load_definitions
from sfntui.asl.model import StateMachine
from sfntui.asl.strict_json import JsonValueError, parse_json
from sfntui.backends.child_executions import ChildExecutions, ChildMachine, ChildStart
from sfntui.backends.machine_setup import MachineSetupError, MachineSetups, machine_name_of
from sfntui.backends.protocol import Capabilities, Event, TroubleReport
from sfntui.builtin_examples import EXAMPLES_DIR
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.recorder import Thread
from sfntui.engine.runner import RunSetup, prepare
from sfntui.engine.tasks import NoResolverError, TaskFailure
from sfntui.history.actions import Action, BackendError, Confirm, require_confirmation
from sfntui.history.events import ExecutionStatus
from sfntui.history.records import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
    execution_status,
)
from sfntui.runs.recording import RunRecording, describe_setup
from sfntui.runs.store import RunStore, RunStoreError, StoredRun

#: Files a folder is searched for when it is neither a CDK cloud assembly nor a SAM project.
_DEFINITION_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")
LOCAL_REGION = "local"
LOCAL_ACCOUNT = "123456789012"
#: Beside the name of a machine listed only because the run store keeps runs of it (an AWS
#: machine debugged locally, a definition file gone since).
KEPT_ONLY = "(from kept runs)"


@dataclass
class _LocalMachine:
    """A listed machine. Its definition is built (and checked) when first asked for, not as
    it is listed: a folder of 500 machines is listed without building 500 machines."""

    name: str
    arn: str
    source: LoadedDefinition
    created: datetime
    origin: str = ""  # shown after its name: KEPT_ONLY when known only from kept runs
    #: (the machine, or None and why it cannot run), once built.
    _built: tuple[StateMachine | None, str | None] | None = field(default=None, repr=False)

    def build(self) -> tuple[StateMachine | None, str | None]:
        if self._built is None:
            try:
                self._built = build_state_machine(self.source.definition, self.source)[0], None
            except InvalidDefinitionError as error:
                self._built = None, _first_error(error)
        return self._built

    @property
    def machine(self) -> StateMachine | None:
        return self.build()[0]

    @machine.setter
    def machine(self, machine: StateMachine | None) -> None:
        self._built = machine, None

    @property
    def problem(self) -> str | None:
        """Why it cannot run (an invalid definition)."""
        return self.build()[1]


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

    #: The ARN the run is listed and kept under when its execution's own is taken already
    #: (debug runs, named alike each time).
    listed_arn: str | None = None

    @property
    def arn(self) -> str:
        return self.listed_arn or self.execution.execution_arn

    @property
    def status(self) -> ExecutionStatus:
        if self.aborted is not None:
            return ExecutionStatus.ABORTED
        result = self.execution.result
        return execution_status(result.status) if result is not None else ExecutionStatus.RUNNING

    #: Where the run is written as it goes (None when runs are not kept).
    recording: RunRecording | None = None
    #: The execution that started this one (a Task `states:startExecution`), if any.
    parent_arn: str | None = None

    def on_event(self, event: Event) -> None:
        for queue in self.subscribers:
            queue.put_nowait(event)
        if self.recording is not None:
            self.recording.on_event(event)

    def finished(self) -> None:
        if self.stopped is None:
            self.stopped = self.execution.clock.now()
        for queue in self.subscribers:
            queue.put_nowait(None)
        if self.recording is not None:
            result = self.execution.result
            error, cause = self.aborted or (None, None)
            output = None
            if result is not None and self.aborted is None:
                error, cause = result.error, result.cause
                output = result.output if result.status == "SUCCEEDED" else None
            self.recording.finish(
                status=self.status if self.status != "RUNNING" else "ABORTED",
                stopped=self.stopped,
                output=output,
                error=error,
                cause=cause,
            )


class LocalBackend:
    """Definitions from local files, run on the engine; executions live in memory.

    `sources` are files (ASL JSON/YAML, CloudFormation/SAM templates) and folders (a CDK
    `cdk.out`, a SAM project, or any folder holding `*.asl.json`/`*.asl.yaml` files).
    `setup` gives the mocks, handlers and resolvers for a machine's runs (by its name).
    """

    capabilities = Capabilities(start=True, stop=True, debug=True, test_cases=True)

    def __init__(
        self,
        sources: Iterable[str | os.PathLike[str]] = (EXAMPLES_DIR,),
        *,
        setup: Callable[[str], RunSetup] | MachineSetups | None = None,
        store: RunStore | None = None,
        keep_runs: bool = True,
    ) -> None:
        """`setup`: the set-ups of the machines (by default, the mock files beside their
        definitions), or a function of a machine's name. `store`: where runs are kept (the
        user's run store unless `keep_runs` is False; runs then live in memory only)."""
        self.sources = [Path(source) for source in sources]
        self.setups = setup if isinstance(setup, MachineSetups) else MachineSetups()
        self._setup_of_name = setup if callable(setup) else None
        if store is None and keep_runs:
            try:
                store = RunStore()
            except RunStoreError:
                store = None  # runs are still run, only not kept
        self.store = store
        self._machines: dict[str, _LocalMachine] | None = None
        self._runs: dict[str, _LocalRun] = {}
        self._changed = asyncio.Event()
        self._count = 0
        self._children: ChildExecutions | None = None

    def run_setup(
        self, machine_name: str, definition_file: str | None = None, test_case: str | None = None
    ) -> RunSetup:
        """The mocks, handlers and resolvers a run of this machine gets (the debugger's too);
        `BackendError` with one sentence when they cannot be used."""
        if self._setup_of_name is not None:
            return self._setup_of_name(machine_name)
        if definition_file is None and self._machines is not None:
            for entry in self._machines.values():
                if entry.name == machine_name:
                    definition_file = entry.source.file
        try:
            setup = self.setups.for_machine(machine_name, definition_file, test_case)
        except MachineSetupError as error:
            raise BackendError(f"{machine_name} cannot run: {error}.") from None
        setup.extra_resolvers.insert(0, self.child_executions)
        return setup

    @property
    def child_executions(self) -> ChildExecutions:
        """Runs the children a Task starts (`states:startExecution`) on the engine, as runs
        of this backend: listed, followed and kept like the others, their parent named."""
        if self._children is None:
            self._children = ChildExecutions(
                self._child_machine, self._child_setup, self._child_started
            )
        return self._children

    def _child_setup(self, machine_name: str) -> RunSetup:
        try:
            return self.setups.for_machine(machine_name, self._file_of(machine_name))
        except MachineSetupError as error:
            raise TaskFailure("States.Runtime", f"{machine_name} cannot run: {error}") from None

    def _file_of(self, machine_name: str) -> str | None:
        for entry in (self._machines or {}).values():
            if entry.name == machine_name:
                return entry.source.file
        return None

    def _child_machine(self, target: str) -> ChildMachine | None:
        file = self.setups.child_file(target)
        if file is not None:
            return _child_from_file(file, machine_name_of(target))
        name = machine_name_of(target)
        for entry in (self._machines or {}).values():
            if entry.name == name and entry.machine is not None:
                return ChildMachine(name, entry.machine, entry.source.definition, entry.source.file)
        return None

    def _child_started(self, start: ChildStart) -> None:
        self.keep_run(
            start.execution,
            machine_name=start.machine.name,
            setup=start.setup,
            machine=start.machine.machine,
            definition=start.machine.definition,
            definition_file=start.machine.file,
            parent_arn=start.parent_arn,
        )

    def keep_run(
        self,
        execution: LocalExecution,
        *,
        machine_name: str,
        setup: RunSetup,
        machine: StateMachine | None = None,
        definition: Any = None,
        definition_file: str | None = None,
        parent_arn: str | None = None,
    ) -> str:
        """List and keep a run started elsewhere (a child execution, a run of the debugger
        screen) like this backend's own: followed while it runs, in the run store for good.
        Call it before the run starts; the ARN it is listed under comes back (the
        execution's own, or with `-2`, `-3`... when a run of that name is listed already)."""
        entry = next((e for e in (self._machines or {}).values() if e.name == machine_name), None)
        if entry is None:
            source = LoadedDefinition(
                name=machine_name, definition=definition, file=definition_file, positions={}
            )
            entry = _LocalMachine(machine_name, _machine_arn(machine_name), source, _now())
            entry.machine = machine
        run = _LocalRun(execution, entry, execution.options.name, execution.clock.now())
        count = 1
        while run.arn in self._runs or self._stored(run.arn) is not None:
            count += 1
            run.name = f"{execution.options.name}-{count}"
            run.listed_arn = _execution_arn(machine_name, run.name)
        run.parent_arn = parent_arn
        if self.store is not None:
            run.recording = RunRecording(
                self.store,
                arn=run.arn,
                name=run.name,
                machine_name=entry.name,
                definition=entry.source.definition,
                definition_file=entry.source.file,
                execution_input=execution.input,
                setup=describe_setup(setup),
                started=run.started,
                parent_arn=parent_arn,
            )
        ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_event(event: Event) -> None:
            run.on_event(event)
            if event["type"] in _TERMINAL_EVENTS and not ended.done():
                ended.set_result(None)

        execution.history.listen(on_event)
        self._runs[run.arn] = run
        run.task = asyncio.ensure_future(self._child_ended(run, ended))
        self._announce_change()
        return run.arn

    def keep_stop(self, arn: str, stop: Mapping[str, Any]) -> None:
        """A debugger stop of a kept run (`Stop.as_json()`), kept with it."""
        run = self._runs.get(arn)
        if run is not None and run.recording is not None:
            run.recording.add_stop(stop)

    async def _child_ended(self, run: _LocalRun, ended: asyncio.Future[None]) -> None:
        try:
            await ended
        finally:
            run.finished()
            self._announce_change()

    def children_of(self, arn: str) -> list[str]:
        """The ARNs of the child executions a run started (this session's and kept ones)."""
        found = [run.arn for run in self._runs.values() if run.parent_arn == arn]
        if self.store is not None:
            found += [kept.arn for kept in self.store.children(arn) if kept.arn not in found]
        return found

    async def test_cases(self, machine_arn: str) -> list[str]:
        """The mock file's test cases a run of the machine can use, the default first."""
        entry = await self._machine(machine_arn)
        if self._setup_of_name is not None:
            return []
        try:
            return self.setups.test_cases(entry.name, entry.source.file)
        except MachineSetupError as error:
            raise BackendError(f"{entry.name}: {error}.") from None

    async def case_inputs(self, machine_arn: str) -> dict[str, Any]:
        """The inputs the mock file's test cases come with (from its expectations file)."""
        entry = await self._machine(machine_arn)
        if self._setup_of_name is not None:
            return {}
        try:
            return await asyncio.to_thread(self.setups.case_inputs, entry.name, entry.source.file)
        except MachineSetupError as error:
            raise BackendError(f"{entry.name}: {error}.") from None

    def project_input(self, machine_name: str) -> Path | None:
        """The input file the project file gives the machine, if any."""
        return self.setups.input_file(machine_name)

    async def project_input_text(self, machine_arn: str) -> tuple[str, str] | None:
        """(the text, the file) of the project file's input for the machine, if it has one."""
        entry = await self._machine(machine_arn)
        path = self.project_input(entry.name)
        if path is None:
            return None
        try:
            return await asyncio.to_thread(path.read_text, "utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as error:
            raise BackendError(f"{path}: the project's input cannot be read: {error}.") from None

    @property
    def label(self) -> str:
        return "local: " + (", ".join(str(source) for source in self.sources) or "no files")

    # -- state machines -----------------------------------------------------------------------

    def _read_sources(self, kept: Sequence[StoredRun] = ()) -> dict[str, _LocalMachine]:
        """Every machine in the sources as the files are now, then those only `kept` runs
        know of, with the definition of their newest (run off the event loop)."""
        machines: dict[str, _LocalMachine] = {}
        for source in self.sources:
            for loaded in _definitions_in(source):
                name = loaded.name
                while _machine_arn(name) in machines:
                    name += "-2"
                arn = _machine_arn(name)
                machines[arn] = _LocalMachine(name, arn, loaded, _modified(loaded.file))
        names = {entry.name for entry in machines.values()}
        for stored in kept:
            if (
                stored.machine_name not in names
                and _machine_arn(stored.machine_name) not in machines
            ):
                kept_entry = _kept_machine(stored)
                if kept_entry is not None:
                    machines[kept_entry.arn] = kept_entry
        return machines

    def machine_named(self, name: str) -> StateMachine | None:
        """The parsed machine of that name, as last listed (None if unknown or invalid)."""
        for entry in (self._machines or {}).values():
            if entry.name == name:
                return entry.machine
        return None

    def read_sources_now(self) -> None:
        """Read the definitions once, here and now (the command line, before a run)."""
        self._machines = self._read_sources(self._kept_machines())

    async def _reload(self) -> dict[str, _LocalMachine]:
        kept = self._kept_machines()  # the store's connection is this thread's
        self._machines = await asyncio.to_thread(self._read_sources, kept)
        return self._machines

    def _kept_machines(self) -> list[StoredRun]:
        if self.store is None:
            return []
        try:
            return self.store.machines()
        except sqlite3.Error:
            return []  # a store that cannot be read lists no machine, it does not fail the list

    async def _machine(self, arn: str) -> _LocalMachine:
        machines = self._machines if self._machines is not None else await self._reload()
        found = machines.get(arn)
        if found is None:
            raise BackendError(f"There is no local state machine {arn}.")
        await asyncio.to_thread(found.build)  # (off the event loop: it may be big)
        return found

    async def list_state_machines(self) -> list[StateMachineSummary]:
        return [
            StateMachineSummary(
                arn=m.arn, name=m.name, type="STANDARD", created=m.created, origin=m.origin
            )
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

    def _stored(self, arn: str) -> StoredRun | None:
        """A run of an earlier session (not one of this session's, which live in memory)."""
        if arn in self._runs or self.store is None:
            return None
        return self.store.run(arn)

    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        runs = [
            run
            for run in reversed(self._runs.values())
            if run.machine.arn == machine_arn and (status is None or run.status == status)
        ]
        summaries = [_summary(run) for run in runs]
        if self.store is not None:
            name = machine_arn.rpartition(":")[2]
            summaries.extend(
                summary
                for stored in self.store.runs(name)
                if stored.arn not in self._runs
                and (summary := _stored_summary(stored, machine_arn)) is not None
                and (status is None or summary.status == status)
            )
        return summaries[:limit] if limit else summaries

    async def watch_executions(
        self,
        machine_arn: str,
        *,
        status: str | None = None,
        limit: int = 100,
        on_trouble: TroubleReport | None = None,
    ) -> AsyncIterator[list[ExecutionSummary]]:
        """`on_trouble` is never told anything: the local engine is always there."""
        while True:
            changed = self._changed
            yield await self.list_executions(machine_arn, status=status, limit=limit)
            await changed.wait()

    def _announce_change(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def describe_execution(self, arn: str) -> ExecutionDescription:
        stored = self._stored(arn)
        if stored is not None:
            return _stored_description(stored)
        run = self._run(arn)
        result = run.execution.result
        error, cause = run.aborted or (None, None)
        output = None
        if result is not None and run.aborted is None:
            error, cause = result.error, result.cause
            if result.status == ExecutionStatus.SUCCEEDED:
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
        stored = self._stored(arn)
        if stored is not None:
            return StateMachineDescription(
                arn=_machine_arn(stored.machine_name),
                name=stored.machine_name,
                definition=stored.definition,
                status="ACTIVE",
                created=stored.started,
                description=stored.definition_file,
            )
        return _description(self._run(arn).machine)  # as it was read when the run started

    async def get_history(self, arn: str) -> list[Event]:
        if self._stored(arn) is not None:
            assert self.store is not None
            return self.store.events(arn)
        return list(self._run(arn).execution.history.events)

    async def follow(
        self, arn: str, *, on_trouble: TroubleReport | None = None
    ) -> AsyncIterator[list[Event]]:
        if self._stored(arn) is not None:
            yield await self.get_history(arn)
            return
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
        if self._stored(execution_arn) is None:
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
        test_case: str | None = None,
    ) -> ExecutionSummary:
        """`test_case`: which of the machine's mock file's test cases answers its Tasks."""
        entry = await self._machine(machine_arn)
        if isinstance(execution_input, str):
            try:
                execution_input = parse_json(execution_input, "The input")
            except JsonValueError as error:
                raise BackendError(f"{error}.") from None
        if not name:
            name = self._free_name(entry.name)
        action = Action(
            "start",
            machine_arn,
            f"Run {entry.name} locally as '{name}'?",
            {"name": name, "input": execution_input},
        )
        await require_confirmation(action, confirm)
        if entry.machine is None:
            raise BackendError(f"{entry.name} cannot run: {entry.problem}")
        arn = _execution_arn(entry.name, name)
        if arn in self._runs or self._stored(arn) is not None:
            raise BackendError(f"There is already a local execution named '{name}'.")
        options = RunOptions(
            name=name, state_machine_name=entry.name, region=LOCAL_REGION, account=LOCAL_ACCOUNT
        )
        setup = self.run_setup(entry.name, entry.source.file, test_case)
        try:
            execution = prepare(entry.machine, execution_input, setup, options)
        except NoResolverError as error:
            raise BackendError(f"{entry.name} cannot run: {error}.") from None
        run = _LocalRun(execution, entry, name, execution.clock.now())
        if self.store is not None:
            run.recording = RunRecording(
                self.store,
                arn=run.arn,
                name=name,
                machine_name=entry.name,
                definition=entry.source.definition,
                definition_file=entry.source.file,
                execution_input=execution_input,
                setup=describe_setup(setup),
                started=run.started,
            )
        execution.history.listen(run.on_event)
        self._runs[run.arn] = run
        run.task = asyncio.create_task(self._drive(run))
        self._announce_change()
        return _summary(run)

    def _free_name(self, machine_name: str) -> str:
        """`local-N`, N one more than any run of this session or an earlier one used."""
        while True:
            self._count += 1
            name = f"local-{self._count}"
            arn = _execution_arn(machine_name, name)
            if arn not in self._runs and self._stored(arn) is None:
                return name

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
        stored = self._stored(arn)
        if stored is not None:
            raise BackendError(f"{stored.name} has already ended ({_stored_status(stored)}).")
        run = self._run(arn)
        await require_confirmation(Action("stop", arn, f"Stop the local run {run.name}?"), confirm)
        if run.task is None or run.task.done():
            raise BackendError(f"{run.name} has already ended ({run.status}).")
        run.aborted = (error, cause)
        run.execution.stop(error, cause)
        await asyncio.gather(run.task, return_exceptions=True)

    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None:
        if self._stored(arn) is None:
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
        if self._children is not None:  # children started and left running (plain form)
            for child in self._children.running:
                child.cancel()
            pending.extend(self._children.running)
        await asyncio.gather(*pending, return_exceptions=True)


_TERMINAL_EVENTS = {
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "ExecutionAborted",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _child_from_file(file: Path, name: str) -> ChildMachine | None:
    """A child's definition from a file given for it (None when it cannot be used)."""
    try:
        loaded = load_definitions(file)
    except DefinitionLoadError:
        return None
    if not loaded:
        return None
    try:
        machine, _ = build_state_machine(loaded[0].definition, loaded[0])
    except InvalidDefinitionError:
        return None
    return ChildMachine(name, machine, loaded[0].definition, loaded[0].file)


def _kept_machine(stored: StoredRun) -> _LocalMachine | None:
    """A machine known only from its kept runs, on the definition its newest one ran."""
    try:
        definition = json.loads(stored.definition)
    except ValueError:
        return None
    name = stored.machine_name
    source = LoadedDefinition(
        name=name, definition=definition, file=stored.definition_file, positions={}
    )
    return _LocalMachine(name, _machine_arn(name), source, stored.started, origin=KEPT_ONLY)


def _stored_status(stored: StoredRun) -> str:
    """A run still RUNNING in the store was cut short when its session ended."""
    return "ABORTED" if stored.status == "RUNNING" else stored.status


def _stored_summary(stored: StoredRun, machine_arn: str) -> ExecutionSummary | None:
    return ExecutionSummary(
        arn=stored.arn,
        name=stored.name,
        machine_arn=machine_arn,
        status=ExecutionStatus(_stored_status(stored)),
        started=stored.started,
        stopped=stored.stopped,
    )


def _stored_description(stored: StoredRun) -> ExecutionDescription:
    error, cause = stored.error, stored.cause
    if stored.status == "RUNNING":
        error, cause = "States.Runtime", "The session running it ended before the run did."
    return ExecutionDescription(
        arn=stored.arn,
        name=stored.name,
        machine_arn=_machine_arn(stored.machine_name),
        status=ExecutionStatus(_stored_status(stored)),
        started=stored.started,
        stopped=stored.stopped,
        input=stored.input,
        output=stored.output,
        error=error,
        cause=cause,
    )


def _execution_arn(machine_name: str, name: str) -> str:
    return f"arn:aws:states:{LOCAL_REGION}:{LOCAL_ACCOUNT}:execution:{machine_name}:{name}"


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
