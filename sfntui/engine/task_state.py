"""The Task state's call: its input, timeout, events, and the resolver that answers it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import StatesError
from sfntui.asl.templates import to_json
from sfntui.engine.outcome import too_big
from sfntui.engine.state_execution import StateExecution
from sfntui.engine.tasks import Resource, TaskFailure, TaskInvocation, read_resource

#: Step Functions' default timeout of a Task with no TimeoutSeconds (activities: 99999999 too).
DEFAULT_TIMEOUT = 99_999_999


class _Events:
    """The event names and details for one kind of Task resource."""

    def __init__(self, resource: Resource, run: StateExecution) -> None:
        self.resource = resource
        self.run = run
        if resource.kind == "lambda":
            self.prefix = "LambdaFunction"
        elif resource.kind == "activity":
            self.prefix = "Activity"
        else:
            self.prefix = "Task"
            self.resource_type = resource.service
            self.resource_name = resource.action + (
                f".{resource.pattern}" if resource.pattern else ""
            )

    def emit(self, suffix: str, details: dict[str, Any] | None = None) -> None:
        details = dict(details or {})
        if self.prefix == "Task":
            details = {
                "resourceType": self.resource_type,
                "resource": self.resource_name,
                **details,
            }
        execution = self.run.execution
        execution.history.emit(self.run.frame.thread, self.prefix + suffix, details or None)

    def scheduled(
        self, parameters: Any, timeout: int | None, heartbeat: int | None, credentials: Any
    ) -> None:
        text = to_json(parameters)
        details: dict[str, Any]
        if self.prefix == "Task":
            details = {"region": self.run.execution.options.region, "parameters": text}
        else:
            details = {
                "resource": self.resource.arn,
                "input": text,
                "inputDetails": {"truncated": False},
            }
        if timeout is not None:
            details["timeoutInSeconds"] = timeout
        # The API's detail shapes: a Lambda function has no heartbeat, an activity no credentials.
        if heartbeat is not None and self.prefix != "LambdaFunction":
            details["heartbeatInSeconds"] = heartbeat
        if isinstance(credentials, dict) and "RoleArn" in credentials and self.prefix != "Activity":
            details["taskCredentials"] = {"roleArn": credentials["RoleArn"]}
        self.emit("Scheduled", details)

    def result_too_big(self) -> str:
        """AWS's cause when the result is over the payload quota: the service names the task."""
        name = self.resource_type if self.prefix == "Task" else self.resource.arn
        return (
            f"The state/task '{name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit."
        )

    def started(self) -> None:
        if self.prefix == "Activity":
            self.emit("Started", {"workerName": ""})
        elif self.prefix == "Task":
            self.emit("Started")
        else:
            self.emit("Started")

    def submitted(self, output: Any) -> None:
        self.emit("Submitted", {"output": to_json(output), "outputDetails": {"truncated": False}})

    def succeeded(self, output_text: str) -> None:
        self.emit("Succeeded", {"output": output_text, "outputDetails": {"truncated": False}})

    def failed(self, error: str | None, cause: str | None) -> None:
        details: dict[str, Any] = {"error": error}
        if cause is not None:
            details["cause"] = cause
        timed_out = error in (names.TIMEOUT, names.HEARTBEAT_TIMEOUT)
        self.emit("TimedOut" if timed_out else "Failed", details)


async def _await_token_with_heartbeats(
    run: StateExecution,
    invocation: TaskInvocation,
    token_future: asyncio.Future[Any],
    seconds: int,
) -> Any:
    """The token's answer, unless HeartbeatSeconds pass with no heartbeat sent for it."""
    execution = run.execution
    token = invocation.task_token or ""
    last = execution.clock.now()
    while True:
        wait = (last - execution.clock.now()).total_seconds() + seconds
        timer = asyncio.ensure_future(execution.clock.sleep(wait))
        try:
            done, _ = await asyncio.wait({token_future, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            timer.cancel()
        if token_future in done:
            return token_future.result()
        beat = execution.heartbeats.get(token)
        if beat is None or beat <= last:
            raise TaskFailure(names.HEARTBEAT_TIMEOUT, "")
        last = beat


def _compact_json(text: str) -> str:
    """The optimized Lambda integration reports a function's error document as compact JSON."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return to_json(value) if isinstance(value, dict) else text


def _seconds(
    run: StateExecution, template: Any, path: Any, effective: Any, field: str
) -> int | None:
    if template is not None:
        value = template.evaluate(run.bindings(effective, input=effective))
    elif path is not None:
        value = run.apply_path(path, effective, field, False)
    else:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise StatesError(
            names.QUERY_EVALUATION_ERROR if run.jsonata else names.RUNTIME,
            f"The {field} field must be a positive integer but was: {to_json(value)}",
            in_state=True,
        )
    return value


def _invocation(
    run: StateExecution, resource: Resource, parameters: Any, attempt: int
) -> TaskInvocation:
    execution = run.execution
    name = run.state.name
    return TaskInvocation(
        state=name,
        resource=resource,
        parameters=parameters,
        attempt=attempt,
        invocation=execution.next_invocation(name),
        clock=execution.clock,
        context=run.context,
        execution_name=execution.options.name,
        state_machine_name=execution.options.state_machine_name,
        location=run.frame.location,
    )


async def run_task(run: StateExecution, raw_input: Any, effective: Any, attempt: int) -> Any:
    """A Task state's work: the call to whatever answers its resource; the raw result."""
    state = run.state
    assert isinstance(state, m.TaskState)
    resource = read_resource(state.resource)
    token_future = None
    if resource.pattern:
        token, future = run.execution.new_token()
        run.context["Task"] = {"Token": token}
        if resource.pattern == "waitForTaskToken":
            token_future = future
    if run.jsonata:
        bindings = run.bindings(None, input=raw_input)
        parameters = state.arguments.evaluate(bindings) if state.arguments else raw_input
        run.inspection.data["afterArguments"] = parameters
    else:
        parameters = (
            state.parameters.evaluate(run.bindings(effective)) if state.parameters else effective
        )
        run.inspection.data["afterParameters"] = parameters
    source = raw_input if run.jsonata else effective
    timeout = _seconds(
        run, state.timeout_seconds, state.timeout_seconds_path, source, "TimeoutSeconds"
    )
    heartbeat = _seconds(
        run, state.heartbeat_seconds, state.heartbeat_seconds_path, source, "HeartbeatSeconds"
    )
    credentials = None
    if state.credentials is not None:
        credentials = state.credentials.evaluate(
            run.bindings(None, input=raw_input) if run.jsonata else run.bindings(effective)
        )
    events = _Events(resource, run)
    events.scheduled(parameters, timeout, heartbeat, credentials)
    resolver = run.execution.resolvers.find(state.name, resource)
    if resolver is None:
        events.failed(names.RUNTIME, f"Nothing answers the Task state '{state.name}'.")
        raise StatesError(
            names.RUNTIME,
            f"No mock, handler or AWS call answers the Task state '{state.name}' ({resource.arn}).",
            in_state=True,
        )
    events.started()
    invocation = _invocation(run, resource, parameters, attempt)
    invocation.credentials = credentials
    if token_future is not None:
        invocation.task_token = run.context["Task"]["Token"]
    try:
        result = await _call(run, resolver, invocation, events, token_future, timeout, heartbeat)
    except TaskFailure as failure:
        cause = failure.cause
        if failure.error in (names.TIMEOUT, names.HEARTBEAT_TIMEOUT) and cause is None:
            cause = ""
        if resource.is_lambda_invoke and cause:
            cause = _compact_json(cause)
        events.failed(failure.error, cause)
        raise StatesError(failure.error, cause) from None
    finally:
        task = run.context.pop("Task", None)
        if task is not None:
            run.execution.drop_token(task["Token"])
    result_text = to_json(result)
    if too_big(result_text):
        # The connector's output over the quota fails the task (States.ALL cannot catch it).
        cause = events.result_too_big()
        events.failed(names.DATA_LIMIT_EXCEEDED, cause)
        raise StatesError(names.DATA_LIMIT_EXCEEDED, cause)
    events.succeeded(result_text)
    return result


async def _call(
    run: StateExecution,
    resolver: Any,
    invocation: TaskInvocation,
    events: _Events,
    token_future: asyncio.Future[Any] | None,
    time_limit: int | None,
    heartbeat: int | None = None,
) -> Any:
    clock = run.execution.clock

    pattern = invocation.resource.pattern

    async def call() -> Any:
        try:
            with clock.hold():
                response = await resolver.invoke(invocation)
        except TaskFailure:
            if pattern:
                events.submitted({})
            raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a resolver's own failure fails the task, not the engine
            error = getattr(exc, "error", None)
            if isinstance(error, str):  # a resolver's failure class of its own (AWS's)
                raise TaskFailure(error, getattr(exc, "cause", None)) from None
            raise TaskFailure(type(exc).__name__, str(exc) or repr(exc)) from None
        if not pattern:
            return response
        if token_future is None or invocation.extra.get("callback_answered"):
            # A .sync job, or a mock answering the callback itself: the response is the outcome.
            events.submitted({})
            return response
        events.submitted(response)
        if heartbeat is None:
            return await token_future
        return await _await_token_with_heartbeats(run, invocation, token_future, heartbeat)

    if time_limit is None:
        # Step Functions' default (99999999 s) never ends a run in practice; with no timer a
        # virtual clock does not leap to it while a task waits for its token.
        return await call()
    work = asyncio.ensure_future(call())
    timer = asyncio.ensure_future(clock.sleep(time_limit))
    try:
        done, _ = await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        work.cancel()
        timer.cancel()
        raise
    if work in done:
        timer.cancel()
        return work.result()
    work.cancel()
    raise TaskFailure(names.TIMEOUT, "")
