"""The Map state: inline iterations in this history, or a distributed Map Run of child runs.

Iterations are asyncio tasks gated by a semaphore of MaxConcurrency (0: unbounded). In
distributed mode each item (or batch) is a child execution with a history of its own, as on
AWS, and failures are counted against ToleratedFailureCount/Percentage.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import StatesError
from sfntui.asl.paths import compile_path
from sfntui.asl.templates import Bindings, compile_template, to_json
from sfntui.engine.outcome import ExecutionFrame, StateFailed
from sfntui.engine.state_execution import StateExecution, expression_text, json_type
from sfntui.engine.tasks import TaskFailure, TaskInvocation, read_resource
from sfntui.history.events import ExecutionStatus

#: AWS runs at most this many child executions of a distributed Map at once by default.
DISTRIBUTED_DEFAULT_CONCURRENCY = 1000


def _number_field(
    run: StateExecution, template: Any, path: Any, effective: Any, field: str, kind: type
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


def _items(run: StateExecution, state: m.MapState, raw_input: Any, effective: Any) -> list[Any]:
    if run.jsonata and state.items is not None:
        value = state.items.evaluate(run.bindings(None, input=raw_input))
        if callable(value) or (
            not isinstance(value, list)
            and json_type(value) == "object"
            and not isinstance(value, dict)
        ):
            raise StatesError(
                names.QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{expression_text(state.items)}' specified for the field "
                "'Items' returned an unsupported result type.",
                in_state=True,
            )
        if not isinstance(value, list):
            raise StatesError(
                names.QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{expression_text(state.items)}' specified for the field "
                f"'Items' returned an unexpected result type. Expected 'array', but was "
                f"'{json_type(value)}' for value: {to_json(value)}",
                in_state=True,
            )
        return value
    source = raw_input if run.jsonata else effective
    if run.jsonata:
        value = source
    else:
        value = run.apply_path(state.items_path, effective, "ItemsPath", False)
        run.inspection.data["afterItemsPath"] = value
    if not isinstance(value, list):
        raise StatesError(
            names.QUERY_EVALUATION_ERROR,
            f"Map state input must be an array but was: {to_json(value)}",
            in_state=True,
        )
    return value


def _iteration_input(
    run: StateExecution, state: m.MapState, index: int, item: Any, source: Any
) -> Any:
    if state.item_selector is None:
        return item
    context = dict(run.context)
    context["Map"] = {"Item": {"Index": index, "Value": item}}
    if run.jsonata:
        states = {"input": source, "context": context}
        bindings = Bindings(None, context, run.variables, states, run.execution.clock.now())
    else:
        bindings = Bindings(source, context, run.variables)
    return state.item_selector.evaluate(bindings)


@functools.lru_cache(maxsize=256)
def _compiled_field(value: str, kind: str, language: str) -> Any:
    """A limit field's path (`...Path`) or JSONata expression, compiled once."""
    if kind == "path":
        return compile_path(value)
    return compile_template(value, "JSONata" if language == "JSONata" else "JSONPath")


def _limit(
    run: StateExecution, state: m.MapState, fields: Any, key: str, source: Any
) -> int | None:
    """A count such as ItemBatcher's MaxItemsPerBatch or ReaderConfig's MaxItems: a number, a
    JSONata expression, or read from the input through its `...Path` twin (0: no limit)."""
    value = fields.get(key)
    if isinstance(value, str):
        template = _compiled_field(value, "template", state.query_language)
        value = template.evaluate(run.bindings(None, input=source))
    elif value is None and isinstance(fields.get(key + "Path"), str):
        path = _compiled_field(fields[key + "Path"], "path", state.query_language)
        value = run.apply_path(path, source, key + "Path", False)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StatesError(
            names.QUERY_EVALUATION_ERROR if run.jsonata else names.RUNTIME,
            f"The {key} field must be a positive integer but was: {to_json(value)}",
            in_state=True,
        )
    return value or None


def _batches(
    run: StateExecution, state: m.MapState, items: list[Any], source: Any
) -> list[Any]:
    batcher = state.item_batcher
    if not batcher:
        return items
    size = _limit(run, state, batcher, "MaxItemsPerBatch", source) or len(items) or 1
    max_bytes = _limit(run, state, batcher, "MaxInputBytesPerBatch", source)
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


async def run_map(run: StateExecution, raw_input: Any, effective: Any, attempt: int) -> Any:
    """A Map state's work: its iterations, inline or as the child runs of a Map Run."""
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
    if concurrency is not None:
        run.inspection.data["maxConcurrency"] = concurrency
    if state.mode == "DISTRIBUTED":
        return await _run_distributed(run, state, items, source, concurrency or 0)
    return await _run_inline(run, state, items, source, concurrency or 0)


async def _run_inline(
    run: StateExecution, state: m.MapState, items: list[Any], source: Any, concurrency: int
) -> list[Any]:
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
            if limit.locked() and execution.debugger is not None:
                execution.debugger.waiting_for_slot(frame.location)
            await limit.acquire()
        try:
            execution.history.emit(
                frame.thread, "MapIterationStarted", {"name": state.name, "index": index}
            )
            try:
                result = await execution.run_branch(state.processor, inputs[index], frame)
            except StateFailed:
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
        if execution.debugger is not None:  # each later iteration waits for its turn
            for frame in frames[1:]:
                execution.debugger.waiting_for_slot(frame.location)
        results = []
        try:
            for index in range(len(items)):
                results.append(await iteration(index))
        except StateFailed:
            _map_failed(run, frames)
            raise
    else:
        tasks = [asyncio.ensure_future(iteration(i)) for i in range(len(items))]
        try:
            results = list(await asyncio.gather(*tasks))
        except BaseException as exc:
            # As for Parallel: a failed iteration aborts the others; a stopping run stops all.
            if isinstance(exc, StateFailed):
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


def _map_failed(run: StateExecution, frames: list[ExecutionFrame]) -> None:
    thread = run.frame.thread
    if frames:
        thread.last_id = max(thread.last_id, *(f.thread.last_id for f in frames))


async def _run_distributed(
    run: StateExecution, state: m.MapState, items: list[Any], source: Any, concurrency: int
) -> list[Any]:
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
    for key, value in (
        ("toleratedFailureCount", tolerated_count),
        ("toleratedFailurePercentage", tolerated_percentage),
    ):
        if value is not None:
            run.inspection.data[key] = value
    inputs = [_iteration_input(run, state, i, item, source) for i, item in enumerate(items)]
    run.inspection.data["afterItemSelector"] = inputs
    work = _batches(run, state, inputs, source)
    if state.item_batcher:
        run.inspection.data["afterItemBatcher"] = work
    opts = execution.options
    label = state.label or state.name
    run_id = f"{opts.name}:{label}"
    map_run_arn = (
        f"arn:aws:states:{opts.region}:{opts.account}:mapRun:{opts.state_machine_name}/{run_id}"
    )
    execution.history.emit(thread, "MapRunStarted", {"mapRunArn": map_run_arn})
    failed_items = 0
    results: list[Any] = [None] * len(work)

    async def child(index: int) -> None:
        nonlocal failed_items
        child_run = execution.child_execution(
            state.processor,
            work[index],
            name=f"{run_id}:{index}",
            state_machine_name=f"{opts.state_machine_name}/{label}",
            location=(*run.frame.location, ("Map", state.name, index)),
            seed_offset=index + 1,
        )
        outcome = await execution.run_child(child_run)
        if outcome.status == ExecutionStatus.SUCCEEDED:
            results[index] = outcome.output
        else:
            # AWS counts failed items: a failed batch fails every item in it.
            failed_items += len(work[index]["Items"]) if state.item_batcher else 1
            results[index] = {"Error": outcome.error, "Cause": outcome.cause}

    # A pool of workers, as many as the concurrency allows, each taking the next item: a
    # Map Run of 100,000 items never holds 100,000 suspended coroutines at once.
    pending = iter(range(len(work)))

    async def worker() -> None:
        for index in pending:
            await child(index)

    workers = min(len(work), concurrency or DISTRIBUTED_DEFAULT_CONCURRENCY)
    if execution.debugger is not None:
        for index in range(workers, len(work)):  # these wait for a worker to be free
            execution.debugger.waiting_for_slot((*run.frame.location, ("Map", state.name, index)))
    await asyncio.gather(*(worker() for _ in range(workers)))
    if _threshold_exceeded(failed_items, len(inputs), tolerated_count, tolerated_percentage):
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


def _threshold_exceeded(
    failed: int, total: int, count: int | None, percentage: float | None
) -> bool:
    """Over ToleratedFailureCount, or over ToleratedFailurePercentage of all the items: with
    both given, either one fails the Map Run; with neither, no failure is tolerated."""
    if count is None and percentage is None:
        return failed > 0
    if count is not None and failed > count:
        return True
    return percentage is not None and total > 0 and failed * 100 > percentage * total


async def _read_items(run: StateExecution, state: m.MapState, source: Any) -> list[Any]:
    """ItemReader: answered by the task resolvers (mocks, or a local file reader)."""
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
        with run.execution.clock.hold():
            value = await resolver.invoke(invocation)
    except TaskFailure as failure:
        raise StatesError(failure.error, failure.cause) from None
    if isinstance(value, dict) and "Items" in value and isinstance(value["Items"], list):
        value = value["Items"]
    if not isinstance(value, list):
        raise StatesError(
            names.ITEM_READER_FAILED, "The ItemReader did not produce a list of items."
        )
    max_items = _limit(run, state, reader.get("ReaderConfig") or {}, "MaxItems", source)
    if max_items is not None:
        value = value[:max_items]
    return value
