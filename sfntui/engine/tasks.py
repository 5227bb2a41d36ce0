"""Task resolution: what a Task state's call returns, from mocks, Python handlers or AWS.

A resolver answers one invocation (`TaskInvocation`) with a result or raises `TaskFailure`
carrying the error name and cause the service would report. The engine tries resolvers in
order; the first whose `handles` says yes answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sfntui.engine.clock import Clock

_LAMBDA_FUNCTION = re.compile(
    r"^arn:aws[\w-]*:lambda:[^:]*:\d*:function:(?P<name>[^:]+)(?::(?P<q>.+))?$"
)
_SERVICE = re.compile(
    r"^arn:aws[\w-]*:states:[^:]*:[^:]*:(?P<service>aws-sdk:[\w-]+|[\w-]+)"
    r":(?P<action>[\w.-]+(?::2)?)$"
)
_ACTIVITY = re.compile(r"^arn:aws[\w-]*:states:[^:]*:\d*:activity:(?P<name>.+)$")


@dataclass(frozen=True)
class Resource:
    """A Task's Resource ARN, read: what kind of call it is and how the engine waits on it."""

    arn: str
    kind: str  # "lambda" | "activity" | "service"
    service: str = ""
    action: str = ""
    pattern: str = ""  # "" | "sync" | "sync:2" | "waitForTaskToken"
    function_name: str = ""

    @property
    def is_lambda_invoke(self) -> bool:
        return self.kind == "service" and self.service == "lambda" and self.action == "invoke"


def read_resource(arn: str) -> Resource:
    if (match := _LAMBDA_FUNCTION.match(arn)) is not None:
        return Resource(arn, "lambda", "lambda", "invoke", "", match["name"])
    if (match := _ACTIVITY.match(arn)) is not None:
        return Resource(arn, "activity", function_name=match["name"])
    if (match := _SERVICE.match(arn)) is not None:
        action, pattern = match["action"], ""
        for suffix in (".waitForTaskToken", ".sync:2", ".sync"):
            if action.endswith(suffix):
                action, pattern = action[: -len(suffix)], suffix[1:]
                break
        return Resource(arn, "service", match["service"], action, pattern)
    return Resource(arn, "service", action=arn)


def with_function_name(resource: Resource, function: Any) -> Resource:
    """`lambda:invoke` names its function in Parameters: `arn:...:function:f:alias` -> `f`."""
    if not isinstance(function, str) or not function:
        return resource
    name = (
        function.split(":")[6]
        if function.startswith("arn:") and function.count(":") >= 6
        else function.split(":")[0]
    )
    return replace(resource, function_name=name)


@dataclass
class TaskInvocation:
    state: str
    resource: Resource
    parameters: Any
    attempt: int  # 0 on the first try, then one more for each retry
    invocation: int  # how many times this state has been invoked before, across the run
    clock: Clock
    context: Any = None
    task_token: str | None = None
    execution_name: str = ""
    state_machine_name: str = ""
    credentials: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: Where the call is made: the Map iterations and Parallel branches above the state,
    #: outermost first, as (kind, state name, index); empty at the top level.
    location: tuple[tuple[str, str, int], ...] = ()


class TaskFailure(Exception):
    """The called service failed: `error` and `cause` as AWS would record them."""

    def __init__(self, error: str | None, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}" if cause else str(error))
        self.error = error
        self.cause = cause


class TaskTimeout(TaskFailure):
    def __init__(self, cause: str | None = None) -> None:
        super().__init__("States.Timeout", cause)


class TaskResolver(Protocol):
    def handles(self, state: str, resource: Resource) -> bool: ...

    async def invoke(self, invocation: TaskInvocation) -> Any: ...


class NoResolverError(ValueError):
    """Some Task states have nothing to answer them; named before the run starts."""

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        names = ", ".join(f"'{state}' ({arn})" for state, arn in missing)
        super().__init__(f"no mock, handler or AWS call answers the Task state(s) {names}")
        self.missing = missing


class ResolverChain:
    def __init__(self, resolvers: list[TaskResolver] | None = None) -> None:
        self.resolvers = list(resolvers or [])

    def find(self, state: str, resource: Resource) -> TaskResolver | None:
        for resolver in self.resolvers:
            if resolver.handles(state, resource):
                return resolver
        return None
