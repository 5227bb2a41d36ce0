"""What the app may ask of a source of executions, and what each source says it can do.

The app holds several backends at once (the local engine always, an AWS account beside it
when one is given) and never asks which kind one is: it reads `capabilities` to decide
which controls to offer (Run, Stop, Redrive, Debug, Replay, ...), and every failure is a
`BackendError` (`sfntui.history.actions`) with a one-sentence `message`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sfntui.history.actions import Confirm
from sfntui.history.events import Event
from sfntui.history.records import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)


class HistoryBatch(list[Event]):
    """A batch `follow` may yield while it reads the history already written, page by page:
    `loading` is True while more of that history is to come, so the app can draw each page
    at once and show progress. A plain list (or `loading` False) means it has all arrived."""

    def __init__(self, events: list[Event], *, loading: bool) -> None:
        super().__init__(events)
        self.loading = loading

#: Told, while something is followed live, of trouble reaching the source: a sentence
#: ("reconnecting in 4 s, last update 12 s ago: ...") on each failed try, None once it answers
#: again. Following goes on meanwhile; nothing is lost or repeated.
TroubleReport = Callable[[str | None], Any]


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do; the UI shows a control only when its capability is True.

    `start`, `stop`, `redrive` and `map_runs` say that the backend's methods for them work.
    `debug` and `replay` say what the app can do with the backend's machines and executions
    on the local engine (the screens for them build on these flags). `task_tokens` is True on
    AWS when not read-only (the task panel answers callbacks); `logs` is True on AWS (a Lambda
    invocation's log lines, `invocation_logs`).
    """

    #: `start_execution` (False when connected read-only).
    start: bool = False
    #: `stop_execution` on a running execution.
    stop: bool = False
    #: `redrive_execution` on a failed, timed-out or aborted one.
    redrive: bool = False
    #: Its machines run on the local engine, so they can be paused and stepped in the debugger.
    debug: bool = False
    #: Its executions were recorded elsewhere, so they can be replayed on the local engine.
    replay: bool = False
    #: `list_map_runs` and `describe_map_run` answer (distributed Map children).
    map_runs: bool = False
    #: A Task waiting for a task token can be answered (SendTaskSuccess/Failure).
    task_tokens: bool = False
    #: An execution's logs (CloudWatch Logs) can be read.
    logs: bool = False
    #: A run can be given one of a mock file's test cases (`TestCaseChoice`).
    test_cases: bool = False


class TestCaseChoice(Protocol):
    """A backend whose runs can be answered by a mock file's test case (the local engine)."""

    async def test_cases(self, machine_arn: str) -> list[str]:
        """The test cases a run of the machine can use, the default first; [] when none."""
        ...

    async def case_inputs(self, machine_arn: str) -> dict[str, Any]:
        """The input each test case comes with, for those that have one."""
        ...

    async def project_input_text(self, machine_arn: str) -> tuple[str, str] | None:
        """(text, file) of the input the project file gives the machine, if any."""
        ...

    async def start_execution(
        self,
        machine_arn: str,
        *,
        name: str | None = None,
        execution_input: Any = None,
        confirm: Confirm | None,
        test_case: str | None = None,
    ) -> ExecutionSummary: ...


class Backend(Protocol):
    """What the app can ask of a source of executions."""

    #: Shown to the person: "AWS us-east-1 (profile prod)", "local: examples".
    @property
    def label(self) -> str: ...

    @property
    def capabilities(self) -> Capabilities: ...

    async def list_state_machines(self) -> list[StateMachineSummary]:
        """The machines as they are now (a local backend reads its folders again)."""
        ...

    async def describe_state_machine(self, arn: str) -> StateMachineDescription: ...

    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]: ...

    def watch_executions(
        self,
        machine_arn: str,
        *,
        status: str | None = None,
        limit: int = 100,
        on_trouble: TroubleReport | None = None,
    ) -> AsyncIterator[list[ExecutionSummary]]:
        """The newest executions, again each time they change; runs until cancelled."""
        ...

    async def describe_execution(self, arn: str) -> ExecutionDescription: ...

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        """The definition the execution ran (the machine may have changed since)."""
        ...

    async def get_history(self, arn: str) -> list[Event]: ...

    def follow(
        self, arn: str, *, on_trouble: TroubleReport | None = None
    ) -> AsyncIterator[list[Event]]:
        """The history so far, then new events as they are written, until the execution ends.

        Faults that may clear by themselves are ridden out, each told to `on_trouble`."""
        ...

    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]: ...

    async def describe_map_run(self, arn: str) -> MapRunDescription: ...

    async def list_map_run_executions(
        self, map_run_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        """A Map Run's child executions, newest first (ListExecutions with mapRunArn)."""
        ...

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

    async def send_task_success(
        self, task_token: str, output: Any, *, confirm: Confirm | None
    ) -> None: ...

    async def send_task_failure(
        self,
        task_token: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None: ...

    async def send_task_heartbeat(self, task_token: str, *, confirm: Confirm | None) -> None: ...

    async def invocation_logs(
        self, function: str, request_id: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, str]]:
        """(time, line) of one Lambda invocation's log, found by its request id."""
        ...

    async def aclose(self) -> None: ...
