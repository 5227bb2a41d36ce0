"""The Map state: inline iterations in this history, or a distributed Map Run of child runs.

Iterations are asyncio tasks gated by a semaphore of MaxConcurrency (0: unbounded). In
distributed mode each item (or batch) is a child execution with a history of its own, as on
AWS, and failures are counted against ToleratedFailureCount/Percentage.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import StatesError
from sfntui.asl.templates import to_json

if TYPE_CHECKING:
    from sfntui.engine.interpreter import _StateRun

#: AWS runs at most this many child executions of a distributed Map at once by default.
DISTRIBUTED_DEFAULT_CONCURRENCY = 1000


def _number_field(
    run: _StateRun, template: Any, path: Any, effective: Any, field: str, kind: type
) -> Any:
    if template is not None:
        value = template.evaluate(run.bindings(effective, input=effective))
        if kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        return value
    if path is None:
        return None
    value = run.apply_path(path, effective, field + "Path", False)
    wanted = "integer" if kind is int else "float"
    if isinstance(value, str):
        try:
            value = kind(value)
        except ValueError:
            pass
    valid = not isinstance(value, bool) and (
        isinstance(value, int) if kind is int else isinstance(value, int | float)
    )
    if not valid:
        shown = value if isinstance(value, str) else to_json(value)
        raise StatesError(
            names.RUNTIME,
            f'The {field}Path field refers to value "{shown}" which is not a valid {wanted}: '
            f"{path.text}",
            in_state=True,
        )
    return value


def _expression_text(template: Any) -> str:
    expression = getattr(template, "expression", None)
    return expression.text if expression is not None else ""


def _items(run: _StateRun, state: m.MapState, raw_input: Any, effective: Any) -> list[Any]:
    from sfntui.engine.interpreter import json_type

    if run.jsonata and state.items is not None:
        value = state.items.evaluate(run.bindings(None, input=raw_input))
        if callable(value) or (
            not isinstance(value, list)
            and json_type(value) == "object"
            and not isinstance(value, dict)
        ):
            raise StatesError(
                names.QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{_expression_text(state.items)}' specified for the field "
                "'Items' returned an unsupported result type.",
                in_state=True,
            )
        if not isinstance(value, list):
            raise StatesError(
                names.QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{_expression_text(state.items)}' specified for the field "
                f"'Items' returned an unexpected result type. Expected 'array', but was "
                f"'{json_type(value)}' for value: {to_json(value)}",
                in_state=True,
            )
        return value
    source = raw_input if run.jsonata else effective
    value = (
        source if run.jsonata else run.apply_path(state.items_path, effective, "ItemsPath", False)
    )
    if not isinstance(value, list):
        raise StatesError(
            names.QUERY_EVALUATION_ERROR,
            f"Map state input must be an array but was: {to_json(value)}",
            in_state=True,
        )
    return value


def _iteration_input(run: _StateRun, state: m.MapState, index: int, item: Any, source: Any) -> Any:
    if state.item_selector is None:
        return item
    context = dict(run.context)
    context["Map"] = {"Item": {"Index": index, "Value": item}}
    if run.jsonata:
        states = {"input": source, "context": context}
        from sfntui.asl.templates import Bindings

        bindings = Bindings(None, context, run.variables, states, run.execution.clock.now())
    else:
        from sfntui.asl.templates import Bindings

        bindings = Bindings(source, context, run.variables)
    return state.item_selector.evaluate(bindings)


def _batches(run: _StateRun, state: m.MapState, items: list[Any], source: Any) -> list[Any]:
    batcher = state.item_batcher
    if not batcher:
        return items
    size = batcher.get("MaxItemsPerBatch") or len(items) or 1
    max_bytes = batcher.get("MaxInputBytesPerBatch")
    batch_input = (
        state.item_batcher_input.evaluate(run.bindings(source, input=source))
        if state.item_batcher_input is not None
        else None
    )
    batches: list[Any] = []
    current: list[Any] = []
    for item in items:
        if current and (
            len(current) >= size
            or (max_bytes and len(to_json([*current, item]).encode()) > max_bytes)
        ):
            batches.append(current)
            current = []
        current.append(item)
    if current:
        batches.append(current)
    out = []
    for batch in batches:
        value: dict[str, Any] = {"Items": batch}
        if batch_input is not None:
            value = {"BatchInput": batch_input, "Items": batch}
        out.append(value)
    return out


async def run_map(run: _StateRun, raw_input: Any, effective: Any, attempt: int) -> Any:
    state = run.state
    assert isinstance(state, m.MapState)
    source = raw_input if run.jsonata else effective
    if state.item_reader is not None:
        items = await _read_items(run, state, source)
    else:
        items = _items(run, state, raw_input, effective)
    concurrency = _number_field(
        run, state.max_concurrency, state.max_concurrency_path, source, "MaxConcurrency", int
    )
    if concurrency is not None and (
        isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 0
    ):
        raise StatesError(
            names.RUNTIME,
            f"MaxConcurrency must be a non-negative integer: {concurrency}",
            in_state=True,
        )
    if state.mode == "DISTRIBUTED":
        return await _run_distributed(run, state, items, source, concurrency or 0)
    return await _run_inline(run, state, items, source, concurrency or 0)


async def _run_inline(
    run: _StateRun, state: m.MapState, items: list[Any], source: Any, concurrency: int
) -> list[Any]:
    from sfntui.engine.interpreter import _Failed

    execution = run.execution
    thread = run.frame.thread
    execution.history.emit(thread, "MapStateStarted", {"length": len(items)})
    inputs = [_iteration_input(run, state, i, item, source) for i, item in enumerate(items)]
    run.inspection.data["afterItemSelector"] = inputs
    limit = asyncio.Semaphore(concurrency) if concurrency > 0 else None
    frames = [run.frame.child("Map", state.name, i) for i in range(len(items))]

    async def iteration(index: int) -> Any:
        frame = frames[index]
        if limit is not None:
            await limit.acquire()
        try:
            execution.history.emit(
                frame.thread, "MapIterationStarted", {"name": state.name, "index": index}
            )
            try:
                result = await execution._run_machine(state.processor, inputs[index], frame)
            except _Failed:
                execution.history.emit(
                    frame.thread, "MapIterationFailed", {"name": state.name, "index": index}
                )
                raise
            except asyncio.CancelledError:
                if frame.is_aborted():
                    execution.history.emit(
                        frame.thread, "MapIterationAborted", {"name": state.name, "index": index}
                    )
                raise
            execution.history.emit(
                frame.thread, "MapIterationSucceeded", {"name": state.name, "index": index}
            )
            return result
        finally:
            execution.thread_done(frame)
            if limit is not None:
                limit.release()

    if concurrency == 1 or len(items) <= 1:
        results = []
        try:
            for index in range(len(items)):
                results.append(await iteration(index))
        except _Failed:
            _map_failed(run, frames)
            raise
    else:
        tasks = [asyncio.ensure_future(iteration(i)) for i in range(len(items))]
        try:
            results = list(await asyncio.gather(*tasks))
        except BaseException as exc:
            # As for Parallel: a failed iteration aborts the others; a stopping run stops all.
            if isinstance(exc, _Failed):
                for frame in frames:
                    frame.aborted = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            _map_failed(run, frames)
            raise
    if frames:
        thread.last_id = max(thread.last_id, *(f.thread.last_id for f in frames))
    execution.history.emit(thread, "MapStateSucceeded")
    return results


def _map_failed(run: _StateRun, frames: list[Any]) -> None:
    thread = run.frame.thread
    if frames:
        thread.last_id = max(thread.last_id, *(f.thread.last_id for f in frames))


async def _run_distributed(
    run: _StateRun, state: m.MapState, items: list[Any], source: Any, concurrency: int
) -> list[Any]:
    from sfntui.engine.interpreter import LocalExecution, RunOptions

    execution = run.execution
    thread = run.frame.thread
    execution.history.emit(thread, "MapStateStarted", {"length": len(items)})
    tolerated_count = _number_field(
        run,
        state.tolerated_failure_count,
        state.tolerated_failure_count_path,
        source,
        "ToleratedFailureCount",
        int,
    )
    tolerated_percentage = _number_field(
        run,
        state.tolerated_failure_percentage,
        state.tolerated_failure_percentage_path,
        source,
        "ToleratedFailurePercentage",
        float,
    )
    if tolerated_count is not None and tolerated_count < 0:
        raise StatesError(names.RUNTIME, "ToleratedFailureCount cannot be negative.", in_state=True)
    if tolerated_percentage is not None and not 0 <= tolerated_percentage <= 100:
        raise StatesError(
            names.RUNTIME, "ToleratedFailurePercentage must be between 0 and 100.", in_state=True
        )
    inputs = [_iteration_input(run, state, i, item, source) for i, item in enumerate(items)]
    work = _batches(run, state, inputs, source)
    opts = execution.options
    label = state.label or state.name
    run_id = f"{opts.name}:{label}"
    map_run_arn = (
        f"arn:aws:states:{opts.region}:{opts.account}:mapRun:{opts.state_machine_name}/{run_id}"
    )
    execution.history.emit(thread, "MapRunStarted", {"mapRunArn": map_run_arn})
    failures = 0
    results: list[Any] = [None] * len(work)
    children: list[LocalExecution] = []

    async def child(index: int) -> None:
        nonlocal failures
        sub = LocalExecution(
            state.processor,
            work[index],
            clock=execution.clock,
            resolvers=execution.resolvers,
            options=RunOptions(
                name=f"{run_id}:{index}",
                state_machine_name=f"{opts.state_machine_name}/{label}",
                region=opts.region,
                account=opts.account,
                seed=None if opts.seed is None else opts.seed + index + 1,
                history_limit=opts.history_limit,
            ),
            debugger=execution.debugger,
        )
        sub._invocations = execution._invocations
        if execution.keep_child_runs:
            children.append(sub)
        outcome = await sub.run()
        execution.transitions += sub.transitions
        if outcome.status == "SUCCEEDED":
            results[index] = outcome.output
        else:
            failures += 1
            results[index] = {"Error": outcome.error, "Cause": outcome.cause}

    # A pool of workers, as many as the concurrency allows, each taking the next item: a
    # Map Run of 100,000 items never holds 100,000 suspended coroutines at once.
    pending = iter(range(len(work)))

    async def worker() -> None:
        for index in pending:
            await child(index)

    workers = min(len(work), concurrency or DISTRIBUTED_DEFAULT_CONCURRENCY)
    await asyncio.gather(*(worker() for _ in range(workers)))
    execution.child_runs.extend(children)
    allowed = 0
    if tolerated_count is not None:
        allowed = tolerated_count
    if tolerated_percentage is not None and work:
        allowed = max(allowed, math.floor(len(work) * tolerated_percentage / 100))
    if failures > allowed:
        cause = "The specified tolerated failure threshold was exceeded"
        execution.history.emit(
            thread,
            "MapRunFailed",
            {"error": names.EXCEEDS_TOLERATED_FAILURE_THRESHOLD, "cause": cause},
        )
        raise StatesError(names.EXCEEDS_TOLERATED_FAILURE_THRESHOLD, cause)
    execution.history.emit(thread, "MapRunSucceeded")
    execution.history.emit(thread, "MapStateSucceeded")
    return results


async def _read_items(run: _StateRun, state: m.MapState, source: Any) -> list[Any]:
    """ItemReader: answered by the task resolvers (mocks, or a local file reader)."""
    from sfntui.engine.tasks import TaskFailure, TaskInvocation, read_resource

    reader = state.item_reader or {}
    parameters = (
        state.item_reader_parameters.evaluate(run.bindings(source, input=source))
        if state.item_reader_parameters is not None
        else {}
    )
    resource = read_resource(str(reader.get("Resource", "")))
    resolver = run.execution.resolvers.find(state.name, resource)
    if resolver is None:
        raise StatesError(
            names.ITEM_READER_FAILED,
            f"No mock or local reader answers the ItemReader of '{state.name}'.",
        )
    invocation = TaskInvocation(
        state=state.name,
        resource=resource,
        parameters=parameters,
        attempt=0,
        invocation=run.execution.next_invocation(state.name),
        clock=run.execution.clock,
        context=run.context,
        extra={"item_reader": reader},
    )
    try:
        value = await resolver.invoke(invocation)
    except TaskFailure as failure:
        raise StatesError(failure.error, failure.cause) from None
    if isinstance(value, dict) and "Items" in value and isinstance(value["Items"], list):
        value = value["Items"]
    if not isinstance(value, list):
        raise StatesError(
            names.ITEM_READER_FAILED, "The ItemReader did not produce a list of items."
        )
    max_items = (reader.get("ReaderConfig") or {}).get("MaxItems")
    if isinstance(max_items, int) and max_items > 0:
        value = value[:max_items]
    return value
