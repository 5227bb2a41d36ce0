"""What a source of executions says about its state machines, executions and Map Runs.

Neutral records: `sfntui.aws` reads them from the Step Functions API (`from_api`), and the
local engine fills the same ones for its own runs, so the app shows both the same way. They
live here, beside the event model, because this is the one layer both `sfntui.aws` and
`sfntui.backends` may import. The shapes and names follow the API (an ARN, a status,
dates); each record keeps the `raw` API dict it was read from (empty for a local run), which
is what `--json` output prints (as the AWS CLI would).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sfntui.history.events import ExecutionStatus

#: Execution statuses ListExecutions can filter on.
EXECUTION_STATUSES = tuple(
    status for status in ExecutionStatus if status is not ExecutionStatus.NOT_STARTED
)


def execution_status(text: Any) -> ExecutionStatus:
    """The status the API sent, as `ExecutionStatus` (NOT_STARTED when it sent none)."""
    try:
        return ExecutionStatus(text)
    except ValueError:
        return ExecutionStatus.NOT_STARTED


def _raw(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value) if value else {}


@dataclass(frozen=True)
class StateMachineSummary:
    arn: str
    name: str
    type: str = "STANDARD"  # STANDARD | EXPRESS ("" where the API does not say: versions)
    created: datetime | None = None
    #: "STATE_MACHINE", "VERSION" or "ALIAS"
    kind: str = "STATE_MACHINE"
    #: For a version or an alias: the state machine it belongs to.
    parent_arn: str | None = None
    #: Shown after the name when the machine is not where its backend usually finds them
    #: (a local machine known only from its kept runs).
    origin: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> StateMachineSummary:
        return cls(
            arn=item["stateMachineArn"],
            name=item.get("name", ""),
            type=item.get("type", "STANDARD"),
            created=item.get("creationDate"),
            raw=_raw(item),
        )


@dataclass(frozen=True)
class StateMachineDescription:
    arn: str
    name: str
    definition: str  # the ASL JSON text, as deployed
    type: str = "STANDARD"
    status: str = "ACTIVE"
    role_arn: str | None = None
    created: datetime | None = None
    revision_id: str | None = None
    description: str | None = None
    #: Where an Express machine's executions are logged (CloudWatch Logs), if anywhere.
    log_group_arn: str | None = None
    log_level: str = "OFF"
    logs_include_execution_data: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> StateMachineDescription:
        logging = item.get("loggingConfiguration") or {}
        log_group = None
        for destination in logging.get("destinations") or []:
            log_group = (destination.get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
            if log_group:
                break
        return cls(
            arn=item["stateMachineArn"],
            name=item.get("name", ""),
            definition=item.get("definition", ""),
            type=item.get("type", "STANDARD"),
            status=item.get("status", "ACTIVE"),
            role_arn=item.get("roleArn"),
            created=item.get("creationDate") or item.get("updateDate"),
            revision_id=item.get("revisionId"),
            description=item.get("description"),
            log_group_arn=log_group,
            log_level=logging.get("level", "OFF"),
            logs_include_execution_data=bool(logging.get("includeExecutionData")),
            raw=_raw(item),
        )


def _execution_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """What ListExecutions and DescribeExecution both say of an execution."""
    return {
        "arn": item["executionArn"],
        "name": item.get("name", ""),
        "machine_arn": item.get("stateMachineArn", ""),
        "status": execution_status(item.get("status")),
        "started": item.get("startDate"),
        "stopped": item.get("stopDate"),
        "map_run_arn": item.get("mapRunArn"),
        "redrive_count": item.get("redriveCount") or 0,
        "raw": _raw(item),
    }


@dataclass(frozen=True)
class ExecutionSummary:
    arn: str
    name: str
    machine_arn: str
    status: ExecutionStatus
    started: datetime | None = None
    stopped: datetime | None = None
    map_run_arn: str | None = None
    redrive_count: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> ExecutionSummary:
        return cls(**_execution_fields(item))


@dataclass(frozen=True)
class ExecutionDescription:
    arn: str
    name: str
    machine_arn: str
    status: ExecutionStatus
    started: datetime | None = None
    stopped: datetime | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    map_run_arn: str | None = None
    redrive_count: int = 0
    redrive_status: str | None = None
    machine_version_arn: str | None = None
    machine_alias_arn: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_running(self) -> bool:
        return self.status in (ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> ExecutionDescription:
        return cls(
            **_execution_fields(item),
            input=item.get("input"),
            output=item.get("output"),
            error=item.get("error"),
            cause=item.get("cause"),
            redrive_status=item.get("redriveStatus"),
            machine_version_arn=item.get("stateMachineVersionArn"),
            machine_alias_arn=item.get("stateMachineAliasArn"),
        )


@dataclass(frozen=True)
class MapRunSummary:
    arn: str
    execution_arn: str
    machine_arn: str
    started: datetime | None = None
    stopped: datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> MapRunSummary:
        return cls(
            arn=item["mapRunArn"],
            execution_arn=item.get("executionArn", ""),
            machine_arn=item.get("stateMachineArn", ""),
            started=item.get("startDate"),
            stopped=item.get("stopDate"),
            raw=_raw(item),
        )


@dataclass(frozen=True)
class MapRunDescription:
    arn: str
    execution_arn: str
    status: str
    started: datetime | None = None
    stopped: datetime | None = None
    max_concurrency: int = 0
    tolerated_failure_count: int = 0
    tolerated_failure_percentage: float = 0.0
    #: pending, running, succeeded, failed, timedOut, aborted, total, resultsWritten
    item_counts: Mapping[str, int] = field(default_factory=dict)
    execution_counts: Mapping[str, int] = field(default_factory=dict)
    redrive_count: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> MapRunDescription:
        return cls(
            arn=item["mapRunArn"],
            execution_arn=item.get("executionArn", ""),
            status=item.get("status", ""),
            started=item.get("startDate"),
            stopped=item.get("stopDate"),
            max_concurrency=item.get("maxConcurrency") or 0,
            tolerated_failure_count=item.get("toleratedFailureCount") or 0,
            tolerated_failure_percentage=item.get("toleratedFailurePercentage") or 0.0,
            item_counts=dict(item.get("itemCounts") or {}),
            execution_counts=dict(item.get("executionCounts") or {}),
            redrive_count=item.get("redriveCount") or 0,
            raw=_raw(item),
        )
