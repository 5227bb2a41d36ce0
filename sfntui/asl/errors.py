"""The error names of the States language, and the exceptions the language layer raises.

`StatesError` is an ASL runtime error as AWS reports it: an error name (`States.Runtime`,
`States.IntrinsicFailure`, or a task's own) and a cause. Everything else here is a load-time
problem that never reaches a running execution.
"""

from __future__ import annotations

ALL = "States.ALL"
BRANCH_FAILED = "States.BranchFailed"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
EXCEEDS_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
ITEM_READER_FAILED = "States.ItemReaderFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
PERMISSIONS = "States.Permissions"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
RUNTIME = "States.Runtime"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"

#: Every predefined error name; `States.ALL` matches any of them except `States.DataLimitExceeded`
#: and `States.Runtime`, which only a retrier or catcher naming them explicitly handles.
PREDEFINED = frozenset(
    {
        ALL,
        BRANCH_FAILED,
        DATA_LIMIT_EXCEEDED,
        EXCEEDS_TOLERATED_FAILURE_THRESHOLD,
        HEARTBEAT_TIMEOUT,
        INTRINSIC_FAILURE,
        ITEM_READER_FAILED,
        NO_CHOICE_MATCHED,
        PARAMETER_PATH_FAILURE,
        PERMISSIONS,
        QUERY_EVALUATION_ERROR,
        RESULT_PATH_MATCH_FAILURE,
        RESULT_WRITER_FAILED,
        RUNTIME,
        TASK_FAILED,
        TIMEOUT,
    }
)


class StatesError(Exception):
    """An error raised while a state runs, named as AWS names it.

    With `in_state=True` AWS words the cause as "An error occurred while executing the state
    'S' (entered at the event id #N). <cause>": the engine adds that prefix, since only it knows
    the state and the event id. Errors of the language layer (a path that finds nothing, an
    intrinsic that fails, a JSONata expression that throws) are raised that way.
    """

    def __init__(
        self, error: str | None, cause: str | None = None, *, in_state: bool = False
    ) -> None:
        # A task may fail with no error name at all (a mocked `Throw: {}`, as AWS records it).
        super().__init__(f"{error}: {cause}" if cause else str(error))
        self.error = error
        self.cause = cause
        self.in_state = in_state


class PathNotFoundError(Exception):
    """A JSONPath found nothing; the engine words the cause for the field it was in."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


class ExpressionSyntaxError(ValueError):
    """A path, intrinsic call or JSONata expression that does not parse."""

    def __init__(self, text: str, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.text = text
        self.message = message
        self.position = position
