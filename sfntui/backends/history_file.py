"""One exported execution history, offline: `sfntui app --history FILE`.

The file (as `sfntui history --json` or `aws stepfunctions get-execution-history` writes it)
is one machine with one execution in the sidebar, shown as any execution is (graph, events,
inspector). It was recorded elsewhere, so it can be replayed (`capabilities.replay`): with the
definition beside it (see `sfntui.replay.history_files`) and, for a distributed Map, its
children's histories from a folder, listed as the Map Run's child executions. Nothing can be
started, stopped or redriven: every such request is a `BackendError` saying so.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sfntui.asl.file_limits import read_limited_text
from sfntui.backends.protocol import Capabilities, Event, TroubleReport
from sfntui.history.actions import BackendError, Confirm
from sfntui.history.events import load_history_file
from sfntui.history.projection import Projection
from sfntui.history.records import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)
from sfntui.replay.history_files import machine_names, map_runs

_ARN = "arn:aws:states:us-east-1:123456789012"


class HistoryFileBackend:
    """A history file as a backend of one machine and one execution (see the module)."""

    capabilities = Capabilities(replay=True)

    def __init__(
        self,
        path: str | Path,
        *,
        definition: str | Path | None = None,
        children: dict[str, list[list[dict[str, Any]]]] | None = None,
        no_definition: str = "",
    ) -> None:
        """HistoryFileError (one sentence) when the file cannot be read as a history.

        `definition`: the definition file that ran, if known (else `no_definition` says why
        not, and the history is shown without a graph); `children`: distributed Maps' child
        histories by Map Run ARN.
        """
        self.path = Path(path)
        self.events = load_history_file(self.path)
        self.definition_path = Path(definition) if definition is not None else None
        self.no_definition = no_definition
        self.projection = Projection(self.events)
        name = self.path.name.split(".")[0] or "execution"
        if self.definition_path is not None:
            machine = self.definition_path.name.split(".")[0]
        else:
            machine = next(iter(machine_names(self.events)), "history")
        self.machine = StateMachineSummary(f"{_ARN}:stateMachine:{machine}", machine)
        self.execution = ExecutionSummary(
            f"{_ARN}:execution:{machine}:{name}",
            name,
            self.machine.arn,
            self.projection.status,
            started=self.projection.started,
            stopped=self.projection.ended,
        )
        #: Child executions by their ARN here, and each Map Run's, newest first as AWS lists.
        self._children: dict[str, tuple[ExecutionSummary, list[dict[str, Any]]]] = {}
        self._runs: dict[str, list[ExecutionSummary]] = {}
        for run, histories in (children or {}).items():
            state = map_runs(self.events).get(run, "Map")
            for index, events in enumerate(histories):
                child = Projection(events)
                summary = ExecutionSummary(
                    f"{_ARN}:execution:{machine}/{state}:{name}-{index}",
                    f"{name}-{index}",
                    f"{self.machine.arn}/{state}",
                    child.status,
                    started=child.started,
                    stopped=child.ended,
                    map_run_arn=run,
                )
                self._children[summary.arn] = (summary, events)
                self._runs.setdefault(run, []).insert(0, summary)

    @property
    def label(self) -> str:
        return f"history: {self.path.name}"

    # -- the one machine and its execution ------------------------------------------------

    async def list_state_machines(self) -> list[StateMachineSummary]:
        return [self.machine]

    async def describe_state_machine(self, arn: str) -> StateMachineDescription:
        text = ""
        if self.definition_path is not None:
            try:
                path = self.definition_path
                text = await asyncio.to_thread(read_limited_text, path, "definition")
            except (OSError, UnicodeDecodeError, ValueError) as error:
                raise BackendError(f"{self.definition_path}: cannot be read: {error}.") from None
        return StateMachineDescription(
            self.machine.arn,
            self.machine.name,
            text,
            description=None if text else self.no_definition,
        )

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        return await self.describe_state_machine(self.machine.arn)

    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        if machine_arn != self.machine.arn or status not in (None, self.execution.status):
            return []
        return [self.execution]

    async def watch_executions(
        self,
        machine_arn: str,
        *,
        status: str | None = None,
        limit: int = 100,
        on_trouble: TroubleReport | None = None,
    ) -> AsyncIterator[list[ExecutionSummary]]:
        """Listed once: a file does not change under the app."""
        yield await self.list_executions(machine_arn, status=status)
        await asyncio.Event().wait()

    async def describe_execution(self, arn: str) -> ExecutionDescription:
        summary, events = self._find(arn)
        projection = self.projection if arn == self.execution.arn else Projection(events)
        return ExecutionDescription(
            summary.arn,
            summary.name,
            summary.machine_arn,
            summary.status,
            started=summary.started,
            stopped=summary.stopped,
            input=projection.input_text,
            output=projection.output_text,
            error=projection.error,
            cause=projection.cause,
            map_run_arn=summary.map_run_arn,
        )

    async def get_history(self, arn: str) -> list[Event]:
        return list(self._find(arn)[1])

    async def follow(
        self, arn: str, *, on_trouble: TroubleReport | None = None
    ) -> AsyncIterator[list[Event]]:
        yield await self.get_history(arn)

    def _find(self, arn: str) -> tuple[ExecutionSummary, list[dict[str, Any]]]:
        if arn == self.execution.arn:
            return self.execution, self.events
        found = self._children.get(arn)
        if found is None:
            raise BackendError(f"{self.path.name} holds no execution {arn}.")
        return found

    # -- distributed Maps -----------------------------------------------------------------

    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]:
        raise BackendError("A history file holds no Map Run descriptions.")

    async def describe_map_run(self, arn: str) -> MapRunDescription:
        raise BackendError("A history file holds no Map Run descriptions.")

    async def list_map_run_executions(
        self, map_run_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        if map_run_arn not in self._runs:
            states = ", ".join(f"'{s}'" for s in map_runs(self.events).values()) or "a Map"
            raise BackendError(
                f"The child executions of the distributed Map {states} are not in "
                f"{self.path.name}: open it with --children DIR (a folder of their histories)."
            )
        return list(self._runs[map_run_arn])

    # -- what a file cannot do ------------------------------------------------------------

    def _read_only(self) -> BackendError:
        return BackendError(f"{self.path.name} is a history file: nothing runs on AWS from it.")

    async def start_execution(
        self,
        machine_arn: str,
        *,
        name: str | None = None,
        execution_input: Any = None,
        confirm: Confirm | None,
    ) -> ExecutionSummary:
        raise self._read_only()

    async def stop_execution(
        self,
        arn: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        raise self._read_only()

    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None:
        raise self._read_only()

    async def send_task_success(
        self, task_token: str, output: Any, *, confirm: Confirm | None
    ) -> None:
        raise self._read_only()

    async def send_task_failure(
        self,
        task_token: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        raise self._read_only()

    async def send_task_heartbeat(self, task_token: str, *, confirm: Confirm | None) -> None:
        raise self._read_only()

    async def invocation_logs(
        self, function: str, request_id: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, str]]:
        raise BackendError("A history file holds no log lines.")

    async def aclose(self) -> None:
        return None


__all__ = ["HistoryFileBackend"]
