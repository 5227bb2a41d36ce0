"""Retry and Catch around the work of Task, Parallel and Map states, as AWS orders them.

`with_retry_and_catch(work)` makes a state runner of a state's work (the call, the branches,
the iterations), which returns the raw result; this module then applies ResultSelector,
ResultPath and OutputPath, or, on an error, the state's Retriers and Catchers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import StatesError
from sfntui.engine.outcome import StateFailed, in_state_cause
from sfntui.engine.state_execution import StateExecution, StateRunner

#: A state's work: (its execution, raw input, input after InputPath, attempt) -> raw result.
StateWork = Callable[[StateExecution, Any, Any, int], Awaitable[Any]]

#: A runtime error of the state itself (a bad path) fails the execution: no Retry, no Catch.
UNCATCHABLE = frozenset({names.RUNTIME})
_NOT_MATCHED_BY_ALL = frozenset({names.RUNTIME, names.DATA_LIMIT_EXCEEDED})
#: `States.TaskFailed` matches any task error except a timeout (AWS's error-handling guide).
_NOT_MATCHED_BY_TASK_FAILED = (
    frozenset({names.TIMEOUT, names.HEARTBEAT_TIMEOUT}) | _NOT_MATCHED_BY_ALL
)


def matches(error_equals: tuple[str, ...], error: str | None) -> bool:
    for name in error_equals:
        if name == error:
            return True
        if name == names.ALL and error not in _NOT_MATCHED_BY_ALL:
            return True
        if name == names.TASK_FAILED and error not in _NOT_MATCHED_BY_TASK_FAILED:
            return True
    return False


def with_retry_and_catch(work: StateWork) -> StateRunner:
    """The runner of a Task, Parallel or Map state whose work is `work`."""

    async def run_with_retry_and_catch(
        run: StateExecution, raw_input: Any
    ) -> tuple[str | None, Any]:
        return await with_error_handling(run, raw_input, work)

    return run_with_retry_and_catch


async def with_error_handling(
    run: StateExecution, raw_input: Any, work: StateWork
) -> tuple[str | None, Any]:
    """Run the state's work with its Retry and Catch; the work returns the raw result."""
    state: Any = run.state
    effective = run.input_path(raw_input)
    attempts: dict[int, int] = {}
    retry_count = 0
    while True:
        try:
            run.context["State"]["RetryCount"] = retry_count
            result = await work(run, raw_input, effective, retry_count)
            if run.execution.debugger is not None:
                result = await run.result_gate(result)
            return finish_work(run, state, raw_input, result)
        except (StatesError, StateFailed) as exc:
            error = exc.error
            cause = exc.cause
            if isinstance(exc, StatesError) and exc.in_state:
                if error in UNCATCHABLE:
                    raise
                cause = in_state_cause(state.name, run.inspection.entered_event_id, cause)
            if error in UNCATCHABLE:
                raise StateFailed(error, cause) from None
            await run.error_gate(error, cause)
            delay = retry_delay(run, state.retry, error, attempts)
            if delay is not None:
                run.error_gated = False  # the next attempt's failure may stop too
                if delay > 0:
                    await run.execution.clock.sleep(delay)
                retry_count += 1
                continue
            if state.type in ("Map", "Parallel"):
                own = isinstance(exc, StatesError) and exc.in_state
                if error == names.QUERY_EVALUATION_ERROR and own:
                    run.execution.evaluation_failed(run.frame, state.name, error, cause)
                # The API gives MapStateFailed and ParallelStateFailed no details.
                run.execution.history.emit(run.frame.thread, f"{state.type}StateFailed")
                run.evaluated_failure = True
            caught = catch(run, state, raw_input, error, cause)
            if caught is not None:
                return caught
            raise StateFailed(error, cause) from None


def finish_work(
    run: StateExecution, state: Any, raw_input: Any, result: Any
) -> tuple[str | None, Any]:
    run.inspection.data["result"] = result
    if run.jsonata:
        bindings = run.bindings(None, input=raw_input, result=result)
        run.assign(state.assign, bindings)
        if state.output is None:
            return run.next_state(), result
        return run.next_state(), state.output.evaluate(bindings)
    if state.result_selector is not None:
        result = state.result_selector.evaluate(run.bindings(result))
        run.inspection.data["afterResultSelector"] = result
    if state.assign is not None:
        run.assign(state.assign, run.bindings(result))
    after = run.result_path(raw_input, result, state.result_path, state.discard_result)
    return run.next_state(), run.output_path(after)


def retry_delay(
    run: StateExecution,
    retriers: tuple[m.Retrier, ...],
    error: str | None,
    attempts: dict[int, int],
) -> float | None:
    for index, retrier in enumerate(retriers):
        if not matches(retrier.error_equals, error):
            continue
        done = attempts.get(index, 0)
        if done >= retrier.max_attempts:
            return None
        attempts[index] = done + 1
        delay = retrier.interval_seconds * (retrier.backoff_rate**done)
        if retrier.max_delay_seconds is not None:
            delay = min(delay, retrier.max_delay_seconds)
        if retrier.jitter_strategy == "FULL":
            delay = run.execution.random().uniform(0, delay)
        return float(delay)
    return None


def catch(
    run: StateExecution, state: Any, raw_input: Any, error: str | None, cause: str | None
) -> tuple[str | None, Any] | None:
    for catcher in state.catch:
        if not matches(catcher.error_equals, error):
            continue
        error_output: dict[str, Any] = {"Error": error, "Cause": cause}
        run.inspection.error, run.inspection.cause = error, cause
        # The failed state never completed: only the catcher's Assign takes effect.
        run.assigned, run.assigned_texts = {}, {}
        if run.jsonata:
            bindings = run.bindings(None, input=raw_input, errorOutput=error_output)
            run.assign(catcher.assign, bindings)
            output = (
                catcher.output.evaluate(bindings) if catcher.output is not None else error_output
            )
        else:
            run.assign(catcher.assign, run.bindings(error_output))
            if catcher.result_path is None:
                output = raw_input
            else:
                output = run.result_path(raw_input, error_output, catcher.result_path, False)
        run.inspection.data["afterResultPath"] = output
        return catcher.next, output
    return None
