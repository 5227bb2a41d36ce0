"""The remote side: AWS Step Functions through aiobotocore.

`AwsSession` holds the connection (profile, region, endpoint URL) and the request budget all
polls share; `StepFunctions` lists, describes, reads and tails histories, and acts (start,
stop, redrive, each confirmed first). Failures are `AwsError`s with a one-sentence `message`,
a kind of the neutral `sfntui.history.actions.BackendError`; faults that may clear by
themselves are retried first, and a live tail rides them out. The records handed out are
the neutral ones of `sfntui.history.records`.
This package never imports textual, and the engine never imports it: the real-AWS task
resolver (`sfntui.aws.task_resolver`) is handed to the engine at run time.
"""

from sfntui.aws.actions import Action, Confirm, always
from sfntui.aws.budget import AWS_QUOTAS, Quota, RequestBudget, TokenBucket
from sfntui.aws.connection import AwsSession, ConnectionOptions
from sfntui.aws.errors import (
    ActionDeclined,
    AwsError,
    IncompleteHistoryError,
    ReadOnlyError,
    ThrottledError,
    TransientError,
    UnreachableError,
)
from sfntui.aws.reconnect import ConnectionTrouble, Reconnector
from sfntui.aws.stepfunctions import StepFunctions
from sfntui.aws.tail import ExecutionsWatch, HistoryTail, PollInterval, PollStats
from sfntui.history.records import (
    EXECUTION_STATUSES,
    ExecutionDescription,
    ExecutionSummary,
    MapRunDescription,
    MapRunSummary,
    StateMachineDescription,
    StateMachineSummary,
)

__all__ = [
    "AWS_QUOTAS",
    "EXECUTION_STATUSES",
    "Action",
    "ActionDeclined",
    "AwsError",
    "AwsSession",
    "Confirm",
    "ConnectionOptions",
    "ConnectionTrouble",
    "ExecutionDescription",
    "ExecutionSummary",
    "ExecutionsWatch",
    "HistoryTail",
    "IncompleteHistoryError",
    "MapRunDescription",
    "MapRunSummary",
    "PollInterval",
    "PollStats",
    "Quota",
    "ReadOnlyError",
    "Reconnector",
    "RequestBudget",
    "StateMachineDescription",
    "StateMachineSummary",
    "StepFunctions",
    "ThrottledError",
    "TokenBucket",
    "TransientError",
    "UnreachableError",
    "always",
]
