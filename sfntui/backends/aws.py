"""The AWS backend: Step Functions in one account and region, through `sfntui.aws`.

A thin layer: `sfntui.aws.StepFunctions` already hands out the neutral records and raises
`AwsError`, which is a kind of the neutral `BackendError`, so nothing here translates
(`ActionDeclined` and `ReadOnlyError` are kinds of `ActionCancelled` too). What this adds is
the shared request budget every poll draws on, the poll interval (an open execution's polls
at most `FOLLOW_SLOWEST` apart), faults told to `on_trouble` in words, and what it can do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sfntui.aws.budget import RequestBudget
from sfntui.aws.connection import AwsSession, ConnectionOptions
from sfntui.aws.errors import AwsError
from sfntui.aws.express import is_express_execution
from sfntui.aws.lambda_logs import invocation_logs
from sfntui.aws.reconnect import ConnectionTrouble
from sfntui.aws.reconnect import TroubleReport as AwsTroubleReport
from sfntui.aws.stepfunctions import StepFunctions
from sfntui.aws.tail import PollInterval
from sfntui.aws.whole_history import history_pages
from sfntui.backends.protocol import Capabilities, Event, HistoryBatch, TroubleReport
from sfntui.history.actions import Confirm
from sfntui.history.events import EXECUTION_END_STATUS
from sfntui.history.records import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)

#: Seconds: the longest pause between two polls of an open execution, however long nothing
#: changes (the screen is at most this far behind AWS; every poll still draws on the budget).
FOLLOW_SLOWEST = 2.0


class AwsBackend:
    """Step Functions in one account and region; every poll shares one request budget."""

    #: Events per page when a history is read page by page (the most AWS gives).
    history_page_size = 1000

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
        acts = not self.session.options.read_only
        self.capabilities = Capabilities(
            start=acts, stop=acts, redrive=acts, replay=True, map_runs=True, task_tokens=acts,
            logs=True,
        )

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

    async def list_state_machines(self) -> list[StateMachineSummary]:
        return await self.sfn.list_state_machines()

    async def describe_state_machine(self, arn: str) -> StateMachineDescription:
        return await self.sfn.describe_state_machine(arn)

    async def list_executions(
        self, machine_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        return await self.sfn.list_executions(machine_arn, status=status, limit=limit)

    async def watch_executions(
        self,
        machine_arn: str,
        *,
        status: str | None = None,
        limit: int = 100,
        on_trouble: TroubleReport | None = None,
    ) -> AsyncIterator[list[ExecutionSummary]]:
        watch = self.sfn.watch_executions(
            machine_arn,
            status=status,
            limit=limit,
            interval=self._poll_interval(),
            on_trouble=_in_words(on_trouble),
        )
        async for executions in watch.follow():
            yield executions

    async def describe_execution(self, arn: str) -> ExecutionDescription:
        return await self.sfn.describe_execution(arn)

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        return await self.sfn.describe_state_machine_for_execution(arn)

    async def get_history(self, arn: str) -> list[Event]:
        return await self.sfn.get_history(arn)

    def follow_interval(self) -> PollInterval:
        """An open execution's polls: as the backend's, but never more than 2 s apart."""
        given = self._interval or PollInterval()
        slowest = min(given.slowest, FOLLOW_SLOWEST)
        return PollInterval(min(given.fastest, slowest), slowest, given.factor)

    async def follow(
        self, arn: str, *, on_trouble: TroubleReport | None = None
    ) -> AsyncIterator[list[Event]]:
        """The history written so far page by page (each a `HistoryBatch`, so the app draws
        it as it arrives), then, unless it has ended, a tail from its last event on that
        rides out faults, telling `on_trouble` about them."""
        interval, trouble = self.follow_interval(), _in_words(on_trouble)
        if is_express_execution(arn):
            async for batch in self.sfn.follow(arn, interval=interval, on_trouble=trouble):
                yield batch
            return
        loaded: list[Event] = []
        pages = history_pages(self.session, arn, page_size=self.history_page_size)
        async for page, more in pages:
            loaded.extend(page)
            yield HistoryBatch(page, loading=more)
        if loaded and loaded[-1].get("type") in EXECUTION_END_STATUS:
            return
        tail = await self.sfn.tail(arn, interval=interval, on_trouble=trouble)
        tail.events.extend(loaded)  # the tail reads on from the last event loaded
        async for batch in tail.follow():
            yield batch

    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]:
        return await self.sfn.list_map_runs(execution_arn)

    async def describe_map_run(self, arn: str) -> MapRunDescription:
        return await self.sfn.describe_map_run(arn)

    async def list_map_run_executions(
        self, map_run_arn: str, *, status: str | None = None, limit: int | None = None
    ) -> list[ExecutionSummary]:
        return await self.sfn.list_executions(map_run_arn=map_run_arn, status=status, limit=limit)

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

    async def stop_execution(
        self,
        arn: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        await self.sfn.stop_execution(arn, error=error, cause=cause, confirm=confirm)

    async def redrive_execution(self, arn: str, *, confirm: Confirm | None) -> None:
        await self.sfn.redrive_execution(arn, confirm=confirm)

    async def send_task_success(
        self, task_token: str, output: Any, *, confirm: Confirm | None
    ) -> None:
        await self.sfn.send_task_success(task_token, output, confirm=confirm)

    async def send_task_failure(
        self,
        task_token: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        await self.sfn.send_task_failure(task_token, error=error, cause=cause, confirm=confirm)

    async def send_task_heartbeat(self, task_token: str, *, confirm: Confirm | None) -> None:
        await self.sfn.send_task_heartbeat(task_token, confirm=confirm)

    async def invocation_logs(
        self, function: str, request_id: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, str]]:
        lines = await invocation_logs(self.session, function, request_id, start, end)
        return [(line.at, line.message) for line in lines]

    async def aclose(self) -> None:
        await self.session.aclose()


def _in_words(on_trouble: TroubleReport | None) -> AwsTroubleReport | None:
    """The AWS layer's `ConnectionTrouble` handed on as the sentence the protocol promises."""
    if on_trouble is None:
        return None
    report = on_trouble

    def tell(trouble: ConnectionTrouble | None) -> None:
        report(None if trouble is None else trouble.sentence())

    return tell
