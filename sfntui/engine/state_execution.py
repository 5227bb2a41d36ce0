"""The execution of one state: what every state runner shares while it runs one state.

A `StateExecution` holds the state, the thread it runs in (`ExecutionFrame`), its inspection
record and context object, and evaluates the fields all states have (InputPath, ResultPath,
OutputPath, Assign) in AWS's order, recording each step. The runners of each state type
(`flow_states`, `task_state`, `parallel_state`, `map_state`) take one and return the next
state's name and the output. It sees its `LocalExecution` (the composition root, which
imports every runner) only under TYPE_CHECKING.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sfntui.asl import errors as names
from sfntui.asl import model as m
from sfntui.asl.errors import PathNotFoundError, StatesError
from sfntui.asl.paths import Path, set_at
from sfntui.asl.templates import Bindings, Template, to_json
from sfntui.engine.inspection import Inspection
from sfntui.engine.outcome import ExecutionFrame

if TYPE_CHECKING:
    from sfntui.engine.interpreter import LocalExecution

#: AWS's quotas on variables: one variable, and one Assign's values together; and all the
#: variables an execution holds at once.
MAX_VARIABLE_BYTES = 256 * 1024
MAX_VARIABLES_TOTAL_BYTES = 10 * 1024 * 1024

#: Runs one state: gives the name of the next state (None at the end) and the output.
StateRunner = Callable[["StateExecution", Any], Awaitable[tuple[str | None, Any]]]


class StateExecution:
    """One state being run: evaluates its fields in AWS's order and records each step."""

    __slots__ = (
        "execution",
        "state",
        "frame",
        "inspection",
        "entered_at",
        "assigned",
        "assigned_texts",
        "jsonata",
        "evaluated_failure",
        "error_gated",
        "_context",
    )

    def __init__(
        self,
        execution: LocalExecution,
        state: m.State,
        frame: ExecutionFrame,
        inspection: Inspection,
        entered_at: datetime,
    ) -> None:
        self.execution = execution
        self.state = state
        self.frame = frame
        self.inspection = inspection
        self.entered_at = entered_at
        self.assigned: dict[str, Any] = {}
        self.assigned_texts: dict[str, str] = {}
        self.jsonata = state.query_language == "JSONata"
        #: Set once the state's failure events were written (Map/Parallel after retries).
        self.evaluated_failure = False
        self.error_gated = False
        self._context: dict[str, Any] | None = None

    # -- the pieces every state shares -------------------------------------------------

    @property
    def context(self) -> dict[str, Any]:
        """The context object (`$$`), built when something first reads it: most states never
        do. Built once, so what a state adds to it (RetryCount, a task token) stays."""
        if self._context is None:
            self._context = self.execution.context_object(self.state, self.entered_at)
        return self._context

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
        state = self.state
        value = self.apply_path(state.input_path, raw_input, "InputPath", state.discard_input)
        self.inspection.data["afterInputPath"] = value
        return value

    def output_path(self, data: Any) -> Any:
        state = self.state
        return self.apply_path(state.output_path, data, "OutputPath", state.discard_output)

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

    def next_state(self) -> str | None:
        return None if self.state.end else self.state.next

    # -- the gates a state's own steps pass ----------------------------------------------

    async def error_gate(self, error: str | None, cause: str | None) -> None:
        """Break on failure: once per run of a state, before Retry or Catch sees the error."""
        debugger = self.execution.debugger
        if debugger is None or self.error_gated:
            return
        self.error_gated = True
        self.inspection.error, self.inspection.cause = error, cause
        if debugger.active:
            await debugger.gate("error", self, {"Error": error, "Cause": cause})

    async def result_gate(self, result: Any) -> Any:
        """A stop on a work state's result, before ResultSelector: the result may be edited."""
        debugger = self.execution.debugger
        if debugger is None:
            return result
        self.inspection.data["result"] = result
        if debugger.active:
            await debugger.gate("result", self, result)
        edited, value = debugger.take_result_edit()
        return value if edited else result


def _defined_outside(variables: ChainMap[str, Any], name: str) -> bool:
    return name not in variables.maps[0] and any(name in scope for scope in variables.maps[1:])


def json_type(value: Any) -> str:
    """The JSON type name AWS's messages use for a value."""
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


def expression_text(template: Any, written: str = "") -> str:
    """The JSONata expression a compiled field holds, as AWS quotes it in its messages (the
    text inside `{% %}`); `written`, the field as written, when it holds none."""
    expression = getattr(template, "expression", None)
    return expression.text if expression is not None else written
