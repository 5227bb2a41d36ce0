"""Reading and acting on Step Functions: state machines, executions, histories, Map Runs.

`StepFunctions(session)` is the one object the rest of the app uses for AWS. Listing calls
read every page (or up to a `limit`); histories come whole (`get_history`) or live
(`tail`); Express executions, which have no history in Step Functions, are read from the
machine's CloudWatch Logs group instead.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sfntui.aws.actions import Action, Confirm, check_allowed
from sfntui.aws.connection import AwsSession
from sfntui.aws.errors import AwsError
from sfntui.aws.express import (
    ExpressLogReader,
    execution_name_of,
    is_express_execution,
    is_map_run_child,
    list_express_executions,
    machine_arn_of_execution,
)
from sfntui.aws.reconnect import Reconnector, TroubleReport
from sfntui.aws.tail import (
    Event,
    ExecutionsWatch,
    HistoryReader,
    HistoryTail,
    PollInterval,
    StandardHistoryReader,
)
from sfntui.aws.whole_history import endless_pages, read_whole_history
from sfntui.history.events import EXECUTION_END_STATUS, ExecutionStatus, details
from sfntui.history.listing_progress import page_read
from sfntui.history.records import (
    EXECUTION_STATUSES,
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)

_SFN = "stepfunctions"
#: Empty pages in a row (each with a token for the next) after which a listing is taken for one
#: that never ends: AWS may answer an empty page now and then, not dozens in a row.
_MAX_EMPTY_PAGES = 50


class StepFunctions:
    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._express_machines: set[str] = set()

    async def _call(self, operation: str, resource: str | None = None, **params: Any) -> Any:
        return await self.session.call(_SFN, operation, resource=resource, **params)

    async def _pages(
        self,
        operation: str,
        key: str,
        *,
        limit: int | None = None,
        page_size: int = 1000,
        resource: str | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        # Every page of a chain is asked for with the same arguments, maxResults included (the
        # API reference: "keep all other arguments unchanged"); a limit trims the last page
        # (and a page longer than asked for). A chain that does not end is reported: the same
        # token again, or page after page with nothing on it.
        items: list[dict[str, Any]] = []
        token: str | None = None
        seen_tokens: set[str] = set()
        pages = empty_pages = 0
        size = page_size if limit is None else max(1, min(page_size, limit))
        while True:
            page_params = dict(params, maxResults=size)
            if token:
                page_params["nextToken"] = token
            response = await self.session.call(
                _SFN, operation, resource=resource, expect=key, **page_params
            )
            page = response[key]
            if not isinstance(page, list):
                page = []
            pages += 1
            items.extend(page)
            page_read(len(page))
            empty_pages = 0 if page else empty_pages + 1
            next_token = response.get("nextToken")
            if not next_token or (limit is not None and len(items) >= limit):
                return items[:limit] if limit is not None else items
            if next_token == token or next_token in seen_tokens:
                raise endless_pages(operation, resource, pages, "the same page token")
            if empty_pages >= _MAX_EMPTY_PAGES:
                how = f"{empty_pages} empty pages in a row"
                raise endless_pages(operation, resource, pages, how)
            seen_tokens.add(next_token)
            token = next_token

    # -- state machines -------------------------------------------------------------------

    async def list_state_machines(
        self, *, page_size: int = 1000, limit: int | None = None
    ) -> list[StateMachineSummary]:
        items = await self._pages(
            "ListStateMachines", "stateMachines", page_size=page_size, limit=limit
        )
        return [StateMachineSummary.from_api(item) for item in items]

    async def list_versions(self, machine_arn: str) -> list[StateMachineSummary]:
        return await self._children(machine_arn, "VERSION")

    async def list_aliases(self, machine_arn: str) -> list[StateMachineSummary]:
        return await self._children(machine_arn, "ALIAS")

    async def _children(self, machine_arn: str, kind: str) -> list[StateMachineSummary]:
        """A machine's versions or aliases, as summaries named by their ARN's last part."""
        noun = "Version" if kind == "VERSION" else "Alias"
        plural = "Versions" if kind == "VERSION" else "Aliases"
        items = await self._pages(
            f"ListStateMachine{plural}",
            f"stateMachine{plural}",
            resource=machine_arn,
            stateMachineArn=machine_arn,
        )
        return [
            StateMachineSummary(
                arn=item[f"stateMachine{noun}Arn"],
                name=item[f"stateMachine{noun}Arn"].rsplit(":", 1)[-1],
                type="",
                created=item.get("creationDate"),
                kind=kind,
                parent_arn=machine_arn,
                raw=item,
            )
            for item in items
        ]

    async def find_state_machine(self, name_or_arn: str) -> str:
        """The ARN of the state machine named so (an ARN is returned as is)."""
        if name_or_arn.startswith("arn:"):
            return name_or_arn
        machines = await self.list_state_machines()
        for machine in machines:
            if machine.name == name_or_arn:
                return machine.arn
        raise AwsError(
            f"There is no state machine named '{name_or_arn}' in {self.session.region}: "
            "`sfntui ls` lists them, or pass its ARN."
        )

    async def describe_state_machine(self, arn: str) -> StateMachineDescription:
        """A state machine, version or alias (an alias is read through its first version)."""
        if _is_alias(arn):
            alias = await self._call("DescribeStateMachineAlias", arn, stateMachineAliasArn=arn)
            routes = alias.get("routingConfiguration") or []
            if routes:
                arn = routes[0]["stateMachineVersionArn"]
        item = await self._call("DescribeStateMachine", arn, stateMachineArn=arn)
        return StateMachineDescription.from_api(item)

    async def describe_state_machine_for_execution(
        self, execution_arn: str
    ) -> StateMachineDescription:
        """The definition the execution actually ran (the machine may have changed since)."""
        if is_express_execution(execution_arn):
            return await self.describe_state_machine(machine_arn_of_execution(execution_arn))
        item = await self._call(
            "DescribeStateMachineForExecution", execution_arn, executionArn=execution_arn
        )
        return StateMachineDescription.from_api(item)

    # -- executions -----------------------------------------------------------------------

    async def list_executions(
        self,
        machine_arn: str | None = None,
        *,
        status: str | None = None,
        limit: int | None = None,
        map_run_arn: str | None = None,
        page_size: int = 100,
    ) -> list[ExecutionSummary]:
        """Executions newest first: a state machine's, or the child executions of a Map Run."""
        if status is not None and status not in EXECUTION_STATUSES:
            raise AwsError(
                f"'{status}' is not an execution status; "
                f"use one of {', '.join(EXECUTION_STATUSES)}."
            )
        params: dict[str, Any] = {}
        if map_run_arn:
            params["mapRunArn"] = map_run_arn
        elif machine_arn:
            if machine_arn in self._express_machines:
                return await self._list_express_executions(machine_arn, status, limit)
            params["stateMachineArn"] = machine_arn
        else:
            raise AwsError("Say which state machine (or Map Run) to list the executions of.")
        if status:
            params["statusFilter"] = status
        try:
            items = await self._pages(
                "ListExecutions",
                "executions",
                limit=limit,
                page_size=min(page_size, 1000),
                resource=map_run_arn or machine_arn,
                **params,
            )
        except AwsError as error:
            if error.code != "StateMachineTypeNotSupported" or not machine_arn:
                raise
            self._express_machines.add(machine_arn)
            return await self._list_express_executions(machine_arn, status, limit)
        return [ExecutionSummary.from_api(item) for item in items]

    async def _list_express_executions(
        self, machine_arn: str, status: str | None, limit: int | None
    ) -> list[ExecutionSummary]:
        """Express executions are not listed by Step Functions: read them from the logs."""
        machine = await self.describe_state_machine(machine_arn)
        return await list_express_executions(
            self.session, self._log_group(machine), machine.arn, status=status, limit=limit
        )

    async def describe_execution(self, arn: str) -> ExecutionDescription:
        # DescribeExecution answers for Express executions only when a Map Run started them
        if is_express_execution(arn) and not is_map_run_child(arn):
            return await self._describe_express_execution(arn)
        item = await self._call("DescribeExecution", arn, executionArn=arn)
        return ExecutionDescription.from_api(item)

    async def _describe_express_execution(self, arn: str) -> ExecutionDescription:
        events = await self.get_history(arn)
        status, error, cause, output = ExecutionStatus.RUNNING, None, None, None
        started = stopped = None
        for event in events:
            kind = event["type"]
            if kind == "ExecutionStarted":
                started = event["timestamp"]
            if kind in EXECUTION_END_STATUS:
                status, stopped = EXECUTION_END_STATUS[kind], event["timestamp"]
                found = details(event)
                error, cause, output = found.get("error"), found.get("cause"), found.get("output")
        return ExecutionDescription(
            arn=arn,
            name=execution_name_of(arn),
            machine_arn=machine_arn_of_execution(arn),
            status=status,
            started=started,
            stopped=stopped,
            output=output,
            error=error,
            cause=cause,
        )

    # -- histories ------------------------------------------------------------------------

    async def get_history(self, execution_arn: str, *, page_size: int = 1000) -> list[Event]:
        """The whole history, every page, in id order: ids 1..N, checked, or an `AwsError`.

        (An Express execution's comes from CloudWatch Logs, whose delivery is best effort: it is
        handed on as the logs hold it.)
        """
        if is_express_execution(execution_arn):
            reader = await self._express_reader(execution_arn)
            events, _, _ = await reader.read_new(0, 0)
            return events
        return await read_whole_history(self.session, execution_arn, page_size=page_size)

    async def history_reader(self, execution_arn: str) -> HistoryReader:
        if is_express_execution(execution_arn):
            return await self._express_reader(execution_arn)
        return StandardHistoryReader(self.session, execution_arn)

    async def tail(
        self,
        execution_arn: str,
        *,
        interval: PollInterval | None = None,
        on_trouble: TroubleReport | None = None,
    ) -> HistoryTail:
        """A live tail of the execution; iterate `tail.follow()` for batches of new events.

        It rides out faults (see `sfntui.aws.reconnect`), telling `on_trouble` about each.
        """
        reconnect = self.reconnector(on_trouble)
        reader = await self.history_reader(execution_arn)
        budget = self.session.budget
        return HistoryTail(
            reader,
            interval=interval,
            throttles=lambda: sum(budget.throttles.values()),
            reconnect=reconnect,
        )

    async def follow(
        self,
        execution_arn: str,
        *,
        interval: PollInterval | None = None,
        on_trouble: TroubleReport | None = None,
    ) -> AsyncIterator[list[Event]]:
        tail = await self.tail(execution_arn, interval=interval, on_trouble=on_trouble)
        async for batch in tail.follow():
            yield batch

    def reconnector(self, on_trouble: TroubleReport | None = None) -> Reconnector:
        """What tries a live read again after a fault, at this session's pace."""
        return Reconnector(
            base_delay=self.session.options.retry_delay,
            on_trouble=on_trouble,
            forget_credentials=self.session.forget_credentials,
        )

    async def _express_reader(self, execution_arn: str) -> ExpressLogReader:
        machine = await self.describe_state_machine(machine_arn_of_execution(execution_arn))
        return ExpressLogReader(self.session, self._log_group(machine), execution_arn)

    @staticmethod
    def _log_group(machine: StateMachineDescription) -> str:
        if not machine.log_group_arn or machine.log_level == "OFF":
            raise AwsError(
                f"Step Functions keeps no history for Express executions, and {machine.name} "
                "does not log to CloudWatch Logs: turn its logging on (level ALL, with "
                "execution data) to see them."
            )
        return machine.log_group_arn

    # -- Map Runs -------------------------------------------------------------------------

    async def list_map_runs(self, execution_arn: str) -> list[MapRunSummary]:
        items = await self._pages(
            "ListMapRuns", "mapRuns", resource=execution_arn, executionArn=execution_arn
        )
        return [MapRunSummary.from_api(item) for item in items]

    async def describe_map_run(self, map_run_arn: str) -> MapRunDescription:
        item = await self._call("DescribeMapRun", map_run_arn, mapRunArn=map_run_arn)
        return MapRunDescription.from_api(item)

    # -- actions --------------------------------------------------------------------------

    async def start_execution(
        self,
        machine_arn: str,
        *,
        name: str | None = None,
        execution_input: Any = None,
        confirm: Confirm | None,
    ) -> ExecutionSummary:
        """Start an execution; `execution_input` is JSON text or a JSON value."""
        if isinstance(execution_input, str):
            text = execution_input
        else:
            text = json.dumps({} if execution_input is None else execution_input)
        named = f" '{name}'" if name else ""
        action = Action(
            "start",
            machine_arn,
            f"Start an execution{named} of {machine_arn}?",
            {"name": name, "input": text},
        )
        await check_allowed(action, confirm, self.session.options.read_only)
        params: dict[str, Any] = {"stateMachineArn": machine_arn, "input": text}
        if name:
            params["name"] = name
        response = await self._call("StartExecution", machine_arn, **params)
        arn = response.get("executionArn")
        if not isinstance(arn, str):
            raise AwsError(
                f"The answer to StartExecution of {machine_arn} did not name the new execution: "
                "`sfntui executions` shows whether it started."
            )
        return ExecutionSummary(
            arn=arn,
            name=name or execution_name_of(arn),
            machine_arn=machine_arn,
            status=ExecutionStatus.RUNNING,
            started=response.get("startDate"),
            raw=response,
        )

    async def stop_execution(
        self,
        execution_arn: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> datetime | None:
        action = Action(
            "stop",
            execution_arn,
            f"Stop {execution_arn}?",
            {"error": error, "cause": cause},
        )
        await check_allowed(action, confirm, self.session.options.read_only)
        params: dict[str, Any] = {"executionArn": execution_arn}
        if error is not None:
            params["error"] = error
        if cause is not None:
            params["cause"] = cause
        response = await self._call("StopExecution", execution_arn, **params)
        return response.get("stopDate")

    async def redrive_execution(
        self, execution_arn: str, *, confirm: Confirm | None
    ) -> datetime | None:
        """Redrive a failed, timed-out or aborted execution from where it stopped."""
        action = Action("redrive", execution_arn, f"Redrive {execution_arn} from where it stopped?")
        await check_allowed(action, confirm, self.session.options.read_only)
        response = await self._call("RedriveExecution", execution_arn, executionArn=execution_arn)
        return response.get("redriveDate")

    async def send_task_success(
        self, task_token: str, output: Any, *, confirm: Confirm | None
    ) -> None:
        """Answer a Task waiting for a callback (`.waitForTaskToken`): it succeeds with `output`."""
        action = Action(
            "send task success", task_token, "Make the waiting task succeed?", {"output": output}
        )
        await check_allowed(action, confirm, self.session.options.read_only)
        await self._call(
            "SendTaskSuccess", None, taskToken=task_token, output=json.dumps(output)
        )

    async def send_task_failure(
        self,
        task_token: str,
        *,
        error: str | None = None,
        cause: str | None = None,
        confirm: Confirm | None,
    ) -> None:
        """Answer a Task waiting for a callback: it fails with `error` and `cause`."""
        action = Action(
            "send task failure",
            task_token,
            "Make the waiting task fail?",
            {"error": error, "cause": cause},
        )
        await check_allowed(action, confirm, self.session.options.read_only)
        params: dict[str, Any] = {"taskToken": task_token}
        if error is not None:
            params["error"] = error
        if cause is not None:
            params["cause"] = cause
        await self._call("SendTaskFailure", None, **params)

    async def send_task_heartbeat(self, task_token: str, *, confirm: Confirm | None) -> None:
        """Tell a Task waiting for a callback that its worker is still at it."""
        action = Action("send task heartbeat", task_token, "Send a heartbeat to the waiting task?")
        await check_allowed(action, confirm, self.session.options.read_only)
        await self._call("SendTaskHeartbeat", None, taskToken=task_token)

    def watch_executions(
        self,
        machine_arn: str,
        *,
        status: str | None = None,
        limit: int = 100,
        interval: PollInterval | None = None,
        on_trouble: TroubleReport | None = None,
    ) -> ExecutionsWatch:
        async def newest_page() -> list[ExecutionSummary]:
            return await self.list_executions(machine_arn, status=status, limit=limit)

        return ExecutionsWatch(
            newest_page, interval=interval, reconnect=self.reconnector(on_trouble)
        )


def _is_alias(arn: str) -> bool:
    parts = arn.split(":")
    return len(parts) == 8 and parts[5] == "stateMachine" and not parts[7].isdigit()
