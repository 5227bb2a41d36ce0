"""One run of one state: its fields evaluated in AWS's order, each step recorded.

Pass, Succeed, Wait, Fail and Choice run here; Task, Parallel and Map run their work in
their own modules, wrapped by `error_handling` for Retry and Catch.
"""

from __future__ import annotations

from collections import ChainMap
from typing import TYPE_CHECKING, Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import PathNotFoundError, StatesError
from sfntui.asl.paths import Path, set_at
from sfntui.asl.templates import Bindings, Template, to_json
from sfntui.asl.timestamps import parse_timestamp
from sfntui.engine.error_handling import with_error_handling
from sfntui.engine.inspection import Inspection
from sfntui.engine.outcome import Frame, StateFailed
from sfntui.engine.tasks import Resource, TaskInvocation, read_resource

if TYPE_CHECKING:
    from sfntui.engine.interpreter import LocalExecution

#: AWS's quotas on variables: one variable, and one Assign's values together; and all the
#: variables an execution holds at once.
MAX_VARIABLE_BYTES = 256 * 1024
MAX_VARIABLES_TOTAL_BYTES = 10 * 1024 * 1024


class StateRun:
    """One run of one state: evaluates its fields in AWS's order and records each step."""

    def __init__(
        self,
        execution: LocalExecution,
        state: m.State,
        frame: Frame,
        inspection: Inspection,
        context: dict[str, Any],
    ) -> None:
        self.execution = execution
        self.state = state
        self.frame = frame
        self.inspection = inspection
        self.context = context
        self.assigned: dict[str, Any] = {}
        self.assigned_texts: dict[str, str] = {}
        self.jsonata = state.query_language == "JSONata"
        #: Set once the state's failure events were written (Map/Parallel after retries).
        self.evaluated_failure = False
        self.error_gated = False

    # -- the pieces every state shares -------------------------------------------------

    @property
    def variables(self) -> ChainMap[str, Any]:
        return self.frame.variables

    def bindings(self, document: Any, **states: Any) -> Bindings:
        rng = self.execution.random()
        if self.jsonata:
            states.setdefault("context", self.context)
            return Bindings(
                document, self.context, self.variables, states, self.execution.clock.now(), rng
            )
        return Bindings(document, self.context, self.variables, rng=rng)

    def apply_path(self, path: Path | None, data: Any, field: str, discard: bool) -> Any:
        if discard:
            return {}
        if path is None or (path.steps == () and path.root == "input"):
            return data
        try:
            return path.find(data, self.context, self.variables)
        except PathNotFoundError as exc:
            raise StatesError(
                names.RUNTIME, f"Invalid path '{path.text}' : {exc.message}", in_state=True
            ) from None

    def input_path(self, raw_input: Any) -> Any:
        if self.jsonata:
            return raw_input
        value = self.apply_path(
            self.state.input_path, raw_input, "InputPath", self.state.discard_input
        )
        self.inspection.data["afterInputPath"] = value
        return value

    def output_path(self, data: Any) -> Any:
        return self.apply_path(
            self.state.output_path, data, "OutputPath", self.state.discard_output
        )

    def result_path(self, raw_input: Any, result: Any, path: Path | None, discard: bool) -> Any:
        if discard:
            value = raw_input
        elif path is None or not path.steps:
            value = result
        else:
            try:
                value = set_at(raw_input, path, result)
            except PathNotFoundError as exc:
                raise StatesError(
                    names.RUNTIME, f"Invalid path '{path.text}' : {exc.message}", in_state=True
                ) from None
        self.inspection.data["afterResultPath"] = value
        return value

    def assign(self, template: Template | None, bindings: Bindings) -> None:
        """Evaluate Assign now; the values take effect when the state is done (AWS's order)."""
        if template is None:
            return
        values = template.evaluate(bindings)
        if not isinstance(values, dict):
            raise StatesError(names.RUNTIME, "Assign must produce a JSON object", in_state=True)
        for name in values:
            if self.frame.location and _defined_outside(self.variables, name):
                raise StatesError(
                    names.RUNTIME,
                    f"The variable '{name}' is defined in an outer scope and cannot be "
                    "assigned in a Map iteration or Parallel branch.",
                    in_state=True,
                )
        texts = {name: to_json(value) for name, value in values.items()}
        self.assigned_texts.update(texts)
        sizes = {name: len(text.encode()) for name, text in texts.items()}
        for name, size in sizes.items():
            if size > MAX_VARIABLE_BYTES:
                raise StatesError(
                    names.RUNTIME,
                    f"The value assigned to the variable '{name}' is {size} bytes, over the "
                    f"{MAX_VARIABLE_BYTES} bytes a variable may hold.",
                    in_state=True,
                )
        if sum(sizes.values()) > MAX_VARIABLE_BYTES:
            raise StatesError(
                names.RUNTIME,
                f"The values of one Assign add up to {sum(sizes.values())} bytes, over the "
                f"{MAX_VARIABLE_BYTES} bytes an Assign may hold.",
                in_state=True,
            )
        self.execution.track_variables(self.frame, sizes)
        self.assigned.update(values)

    def commit_assignments(self) -> None:
        if self.assigned:
            self.variables.maps[0].update(self.assigned)
            self.inspection.variables = dict(self.variables)

    def jsonata_output(self, default: Any, **states: Any) -> Any:
        template = self.state.output
        if template is None:
            return default
        return template.evaluate(self.bindings(None, **states))

    async def error_gate(self, error: str | None, cause: str | None) -> None:
        """Break on failure: once per run of a state, before Retry or Catch sees the error."""
        debugger = self.execution.debugger
        if debugger is None or self.error_gated:
            return
        self.error_gated = True
        self.inspection.error, self.inspection.cause = error, cause
        await debugger.gate("error", self, {"Error": error, "Cause": cause})

    async def result_gate(self, result: Any) -> Any:
        """A stop on a work state's result, before ResultSelector: the result may be edited."""
        debugger = self.execution.debugger
        if debugger is None:
            return result
        self.inspection.data["result"] = result
        await debugger.gate("result", self, result)
        edited, value = debugger.take_result_edit()
        return value if edited else result

    # -- dispatch ----------------------------------------------------------------------

    async def execute(self, raw_input: Any) -> tuple[str | None, Any]:
        state = self.state
        runner = getattr(self, f"_run_{state.type.lower()}")
        result: tuple[str | None, Any] = await runner(state, raw_input)
        return result

    def next_state(self) -> str | None:
        return None if self.state.end else self.state.next

    # -- Pass, Succeed, Wait, Fail, Choice ---------------------------------------------

    async def _run_pass(self, state: m.PassState, raw_input: Any) -> tuple[str | None, Any]:
        if self.jsonata:
            self.assign(state.assign, self.bindings(None, input=raw_input))
            return self.next_state(), self.jsonata_output(raw_input, input=raw_input)
        effective = self.input_path(raw_input)
        if state.parameters is not None:
            result = state.parameters.evaluate(self.bindings(effective))
            self.inspection.data["afterParameters"] = result
        elif state.has_result:
            result = state.result
        else:
            result = effective
        self.inspection.data["result"] = result
        self.assign(state.assign, self.bindings(result))
        after = self.result_path(raw_input, result, state.result_path, state.discard_result)
        return self.next_state(), self.output_path(after)

    async def _run_succeed(self, state: m.SucceedState, raw_input: Any) -> tuple[None, Any]:
        if self.jsonata:
            return None, self.jsonata_output(raw_input, input=raw_input)
        return None, self.output_path(self.input_path(raw_input))

    async def _run_wait(self, state: m.WaitState, raw_input: Any) -> tuple[str | None, Any]:
        effective = self.input_path(raw_input)
        bindings = self.bindings(effective, input=raw_input)
        seconds = self._wait_seconds(state, effective, bindings)
        if seconds > 0:
            await self.execution.clock.sleep(seconds)
        self.assign(state.assign, bindings)
        if self.jsonata:
            return self.next_state(), self.jsonata_output(raw_input, input=raw_input)
        return self.next_state(), self.output_path(effective)

    def _wait_seconds(self, state: m.WaitState, effective: Any, bindings: Bindings) -> float:
        now = self.execution.clock.now()
        if state.seconds is not None:
            value = state.seconds.evaluate(bindings)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StatesError(
                    names.QUERY_EVALUATION_ERROR if self.jsonata else names.RUNTIME,
                    f"The Seconds field must be a number but was: {to_json(value)}",
                    in_state=True,
                )
            return float(value)
        if state.seconds_path is not None:
            value = self.apply_path(state.seconds_path, effective, "SecondsPath", False)
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
                    names.QUERY_EVALUATION_ERROR if self.jsonata else names.RUNTIME,
                    "The Timestamp field cannot be parsed as an ISO-8601 extended offset "
                    f"date-time format string: {_plain(value)}",
                    in_state=True,
                )
            return (when - now).total_seconds()
        if state.timestamp_path is not None:
            value = self.apply_path(state.timestamp_path, effective, "TimestampPath", False)
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

    async def _run_fail(self, state: m.FailState, raw_input: Any) -> tuple[None, Any]:
        bindings = self.bindings(raw_input, input=raw_input)
        error = _fail_field(state.error, state.error_path, bindings)
        cause = _fail_field(state.cause, state.cause_path, bindings)
        raise StateFailed(error, cause)

    async def _run_choice(self, state: m.ChoiceState, raw_input: Any) -> tuple[str | None, Any]:
        effective = self.input_path(raw_input)
        bindings = self.bindings(effective, input=raw_input)
        for branch in state.choices:
            if self.jsonata:
                matched = branch.condition.evaluate(bindings) if branch.condition else False
                if not isinstance(matched, bool):
                    raise StatesError(
                        names.QUERY_EVALUATION_ERROR,
                        f"The JSONata expression '{_inner(branch.text)}' specified for the "
                        "field 'Condition' returned an unexpected result type. Expected "
                        f"'boolean', but was '{json_type(matched)}' for value: "
                        f"{to_json(matched)}",
                        in_state=True,
                    )
            else:
                matched = branch.rule.evaluate(effective, self.context, self.variables)
            if matched:
                self.assign(branch.assign or state.assign, bindings)
                if self.jsonata:
                    template = branch.output or state.output
                    output = template.evaluate(bindings) if template else raw_input
                    return branch.next, output
                return branch.next, self.output_path(effective)
        if state.default is None:
            raise StateFailed(names.NO_CHOICE_MATCHED, "No Matches!")
        self.assign(state.assign, bindings)
        if self.jsonata:
            return state.default, self.jsonata_output(raw_input, input=raw_input)
        return state.default, self.output_path(effective)

    # -- Task, Parallel, Map: work that can fail, be retried and caught ------------------

    async def _run_task(self, state: m.TaskState, raw_input: Any) -> tuple[str | None, Any]:
        from sfntui.engine.task_state import run_task

        return await with_error_handling(self, state, raw_input, run_task)

    async def _run_parallel(self, state: m.ParallelState, raw_input: Any) -> tuple[str | None, Any]:
        from sfntui.engine.parallel_state import run_parallel

        return await with_error_handling(self, state, raw_input, run_parallel)

    async def _run_map(self, state: m.MapState, raw_input: Any) -> tuple[str | None, Any]:
        from sfntui.engine.map_state import run_map

        return await with_error_handling(self, state, raw_input, run_map)

    # -- the task call itself, shared by the Task runner -------------------------------

    def resource(self) -> Resource:
        assert isinstance(self.state, m.TaskState)
        return read_resource(self.state.resource)

    def invocation(self, parameters: Any, attempt: int) -> TaskInvocation:
        assert isinstance(self.state, m.TaskState)
        return TaskInvocation(
            state=self.state.name,
            resource=self.resource(),
            parameters=parameters,
            attempt=attempt,
            invocation=self.execution.next_invocation(self.state.name),
            clock=self.execution.clock,
            context=self.context,
            execution_name=self.execution.options.name,
            state_machine_name=self.execution.options.state_machine_name,
            location=self.frame.location,
        )


def _defined_outside(variables: ChainMap[str, Any], name: str) -> bool:
    return name not in variables.maps[0] and any(name in scope for scope in variables.maps[1:])


def _fail_field(value: Template | None, path: Template | None, bindings: Bindings) -> Any:
    template = path or value
    if template is None:
        return None
    result = template.evaluate(bindings)
    return result


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else to_json(value)


def _inner(text: str) -> str:
    from sfntui.asl.jsonata import is_jsonata_template, jsonata_text

    return jsonata_text(text) if is_jsonata_template(text) else text


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
