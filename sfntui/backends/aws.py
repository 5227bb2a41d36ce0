"""The AWS backend: Step Functions in one account and region, through `sfntui.aws`.

A thin layer: `sfntui.aws.StepFunctions` already hands out the neutral records and raises
`AwsError`, which is a kind of the neutral `BackendError`, so nothing here translates
(`ActionDeclined` and `ReadOnlyError` are kinds of `ActionCancelled` too). What this adds is
the shared request budget every poll draws on, the poll interval, and what the backend can do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sfntui.aws.budget import RequestBudget
from sfntui.aws.connection import AwsSession, ConnectionOptions
from sfntui.aws.errors import AwsError
from sfntui.aws.lambda_logs import invocation_logs
from sfntui.aws.stepfunctions import StepFunctions
from sfntui.aws.tail import PollInterval
from sfntui.backends.protocol import Capabilities, Event
from sfntui.history.actions import Confirm
from sfntui.history.records import (
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)


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
        self, machine_arn: str, *, status: str | None = None, limit: int = 100
    ) -> AsyncIterator[list[ExecutionSummary]]:
        watch = self.sfn.watch_executions(
            machine_arn, status=status, limit=limit, interval=self._poll_interval()
        )
        async for executions in watch.follow():
            yield executions

    async def describe_execution(self, arn: str) -> ExecutionDescription:
        return await self.sfn.describe_execution(arn)

    async def definition_for_execution(self, arn: str) -> StateMachineDescription:
        return await self.sfn.describe_state_machine_for_execution(arn)

    async def get_history(self, arn: str) -> list[Event]:
        return await self.sfn.get_history(arn)

    async def follow(self, arn: str) -> AsyncIterator[list[Event]]:
        async for batch in self.sfn.follow(arn, interval=self._poll_interval()):
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
