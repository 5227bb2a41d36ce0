"""The states that move data and control but call nothing: Pass, Succeed, Wait, Fail, Choice.

Each runner takes the `StateExecution` of its state and the state's raw input, and returns
the next state's name (None at the end) and the output.
"""

from __future__ import annotations

from typing import Any, cast

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import StatesError
from sfntui.asl.templates import Bindings, Template, to_json
from sfntui.asl.timestamps import parse_timestamp
from sfntui.engine.outcome import StateFailed
from sfntui.engine.state_execution import StateExecution, expression_text, json_type


async def run_pass(run: StateExecution, raw_input: Any) -> tuple[str | None, Any]:
    state = cast(m.PassState, run.state)
    if run.jsonata:
        if state.assign is not None:
            run.assign(state.assign, run.bindings(None, input=raw_input))
        return run.next_state(), run.jsonata_output(raw_input, input=raw_input)
    effective = run.input_path(raw_input)
    data = run.inspection.data
    if state.parameters is not None:
        result = state.parameters.evaluate(run.bindings(effective))
        data["afterParameters"] = result
    elif state.has_result:
        result = state.result
    else:
        result = effective
    data["result"] = result
    if state.assign is not None:
        run.assign(state.assign, run.bindings(result))
    after = run.result_path(raw_input, result, state.result_path, state.discard_result)
    return run.next_state(), run.output_path(after)


async def run_succeed(run: StateExecution, raw_input: Any) -> tuple[str | None, Any]:
    if run.jsonata:
        return None, run.jsonata_output(raw_input, input=raw_input)
    return None, run.output_path(run.input_path(raw_input))


async def run_wait(run: StateExecution, raw_input: Any) -> tuple[str | None, Any]:
    state = cast(m.WaitState, run.state)
    effective = run.input_path(raw_input)
    bindings = run.bindings(effective, input=raw_input)
    seconds = _wait_seconds(run, state, effective, bindings)
    if seconds > 0:
        await run.execution.clock.sleep(seconds)
    run.assign(state.assign, bindings)
    if run.jsonata:
        return run.next_state(), run.jsonata_output(raw_input, input=raw_input)
    return run.next_state(), run.output_path(effective)


def _wait_seconds(
    run: StateExecution, state: m.WaitState, effective: Any, bindings: Bindings
) -> float:
    now = run.execution.clock.now()
    if state.seconds is not None:
        value = state.seconds.evaluate(bindings)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise StatesError(
                names.QUERY_EVALUATION_ERROR if run.jsonata else names.RUNTIME,
                f"The Seconds field must be a number but was: {to_json(value)}",
                in_state=True,
            )
        return float(value)
    if state.seconds_path is not None:
        value = run.apply_path(state.seconds_path, effective, "SecondsPath", False)
        text = state.seconds_path.text
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not value.is_integer())
        ):
            raise StatesError(
                names.RUNTIME,
                f"The SecondsPath parameter cannot be parsed as a long value: "
                f"{text} == {_plain(value)}",
                in_state=True,
            )
        if value < 0:
            raise StatesError(
                names.RUNTIME,
                f"The SecondsPath parameter references a negative value: {text} == {value}",
                in_state=True,
            )
        return float(value)
    if state.timestamp is not None:
        value = state.timestamp.evaluate(bindings)
        when = parse_timestamp(value) if isinstance(value, str) else None
        if when is None:
            raise StatesError(
                names.QUERY_EVALUATION_ERROR if run.jsonata else names.RUNTIME,
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset "
                f"date-time format string: {_plain(value)}",
                in_state=True,
            )
        return (when - now).total_seconds()
    if state.timestamp_path is not None:
        value = run.apply_path(state.timestamp_path, effective, "TimestampPath", False)
        when = parse_timestamp(value) if isinstance(value, str) else None
        if when is None:
            raise StatesError(
                names.RUNTIME,
                "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                f"offset date-time format string: {state.timestamp_path.text} == "
                f"{_plain(value)}",
                in_state=True,
            )
        return (when - now).total_seconds()
    return 0.0


async def run_fail(run: StateExecution, raw_input: Any) -> tuple[str | None, Any]:
    state = cast(m.FailState, run.state)
    bindings = run.bindings(raw_input, input=raw_input)
    error = _fail_field(state.error, state.error_path, bindings)
    cause = _fail_field(state.cause, state.cause_path, bindings)
    raise StateFailed(error, cause)


async def run_choice(run: StateExecution, raw_input: Any) -> tuple[str | None, Any]:
    state = cast(m.ChoiceState, run.state)
    effective = run.input_path(raw_input)
    bindings = run.bindings(effective, input=raw_input)
    for branch in state.choices:
        if run.jsonata:
            matched = branch.condition.evaluate(bindings) if branch.condition else False
            if not isinstance(matched, bool):
                raise StatesError(
                    names.QUERY_EVALUATION_ERROR,
                    f"The JSONata expression '{expression_text(branch.condition, branch.text)}' "
                    "specified for the field 'Condition' returned an unexpected result type. "
                    f"Expected 'boolean', but was '{json_type(matched)}' for value: "
                    f"{to_json(matched)}",
                    in_state=True,
                )
        else:
            matched = branch.rule.evaluate(effective, run.context, run.variables)
        if matched:
            run.assign(branch.assign or state.assign, bindings)
            if run.jsonata:
                template = branch.output or state.output
                output = template.evaluate(bindings) if template else raw_input
                return branch.next, output
            return branch.next, run.output_path(effective)
    if state.default is None:
        raise StateFailed(names.NO_CHOICE_MATCHED, "No Matches!")
    run.assign(state.assign, bindings)
    if run.jsonata:
        return state.default, run.jsonata_output(raw_input, input=raw_input)
    return state.default, run.output_path(effective)


def _fail_field(value: Template | None, path: Template | None, bindings: Bindings) -> Any:
    template = path or value
    if template is None:
        return None
    return template.evaluate(bindings)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value)
