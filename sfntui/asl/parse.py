"""Turn a definition's JSON into the typed model, compiling every expression once.

`parse_state_machine` expects a definition that `validate` found no errors in; on anything it
cannot build it raises `DefinitionError` with the JSON pointer of the field, never a bare
KeyError or TypeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfntui.asl import model as m
from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.paths import JsonPath, compile_path, compile_reference_path
from sfntui.asl.templates import (
    QueryLanguage,
    Template,
    compile_dynamic_string,
    compile_template,
)


class DefinitionError(ValueError):
    """A definition the model cannot be built from; `pointer` names the field."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}")
        self.pointer = pointer
        self.message = message


_IDENTITY = compile_path("$")


def parse_state_machine(
    definition: Mapping[str, Any],
    *,
    pointer: str = "",
    query_language: QueryLanguage | None = None,
) -> m.StateMachine:
    if not isinstance(definition, Mapping):
        raise DefinitionError(pointer, "a state machine must be a JSON object")
    language: QueryLanguage = definition.get("QueryLanguage") or query_language or "JSONPath"
    states_raw = definition.get("States")
    if not isinstance(states_raw, Mapping) or not states_raw:
        raise DefinitionError(f"{pointer}/States", "States must be a non-empty object")
    start_at = definition.get("StartAt")
    if not isinstance(start_at, str) or start_at not in states_raw:
        raise DefinitionError(f"{pointer}/StartAt", f"StartAt names no state: {start_at!r}")
    states = {
        name: _parse_state(name, raw, f"{pointer}/States/{_escape(name)}", language)
        for name, raw in states_raw.items()
    }
    timeout = definition.get("TimeoutSeconds")
    return m.StateMachine(
        start_at=start_at,
        states=states,
        query_language=language,
        comment=definition.get("Comment"),
        timeout_seconds=timeout if isinstance(timeout, int) else None,
        version=definition.get("Version"),
        pointer=pointer,
        raw=definition,
    )


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


class _Fields:
    """Reads one state's fields, compiling each and naming its pointer when it fails."""

    def __init__(self, raw: Mapping[str, Any], pointer: str, language: QueryLanguage) -> None:
        self.raw = raw
        self.pointer = pointer
        self.language = language

    def _fail(self, key: str, exc: Exception) -> DefinitionError:
        message = exc.message if isinstance(exc, ExpressionSyntaxError) else str(exc)
        return DefinitionError(f"{self.pointer}/{key}", message)

    def path(self, key: str, *, reference: bool = False) -> JsonPath | None:
        text = self.raw.get(key)
        if text is None:
            return None
        try:
            return compile_reference_path(text) if reference else compile_path(text)
        except (ExpressionSyntaxError, TypeError) as exc:
            raise self._fail(key, exc) from None

    def io_path(self, key: str, *, reference: bool = False) -> tuple[JsonPath | None, bool]:
        """InputPath/OutputPath/ResultPath: (path, discarded); absent means `$`."""
        if key not in self.raw:
            return _IDENTITY, False
        if self.raw[key] is None:
            return None, True
        return self.path(key, reference=reference), False

    def template(self, key: str, field: str | None = None) -> Template | None:
        if key not in self.raw:
            return None
        try:
            return compile_template(self.raw[key], self.language, field or key)
        except ExpressionSyntaxError as exc:
            raise self._fail(key, exc) from None

    def dynamic_string(self, key: str) -> Template | None:
        """ErrorPath/CausePath: a path or an intrinsic call."""
        text = self.raw.get(key)
        if text is None:
            return None
        try:
            return compile_dynamic_string(text, key)
        except ExpressionSyntaxError as exc:
            raise self._fail(key, exc) from None

    def retriers(self) -> tuple[m.Retrier, ...]:
        return tuple(
            m.Retrier(
                error_equals=tuple(r.get("ErrorEquals", ())),
                interval_seconds=r.get("IntervalSeconds", 1),
                max_attempts=r.get("MaxAttempts", 3),
                backoff_rate=r.get("BackoffRate", 2.0),
                max_delay_seconds=r.get("MaxDelaySeconds"),
                jitter_strategy=r.get("JitterStrategy", "NONE"),
            )
            for r in self.raw.get("Retry") or ()
        )

    def catchers(self) -> tuple[m.Catcher, ...]:
        catchers = []
        for index, raw in enumerate(self.raw.get("Catch") or ()):
            sub = _Fields(raw, f"{self.pointer}/Catch/{index}", self.language)
            result_path, _ = sub.io_path("ResultPath", reference=True)
            catchers.append(
                m.Catcher(
                    error_equals=tuple(raw.get("ErrorEquals", ())),
                    next=raw.get("Next", ""),
                    result_path=result_path,
                    assign=sub.template("Assign"),
                    output=sub.template("Output"),
                )
            )
        return tuple(catchers)

    def error_handling(self) -> dict[str, Any]:
        result_path, discard = self.io_path("ResultPath", reference=True)
        return {
            "parameters": self.template("Parameters"),
            "arguments": self.template("Arguments"),
            "result_selector": self.template("ResultSelector"),
            "result_path": result_path,
            "discard_result": discard,
            "retry": self.retriers(),
            "catch": self.catchers(),
        }


def _parse_state(name: str, raw: Any, pointer: str, machine_language: QueryLanguage) -> m.State:
    if not isinstance(raw, Mapping):
        raise DefinitionError(pointer, f"state '{name}' must be a JSON object")
    language: QueryLanguage = raw.get("QueryLanguage") or machine_language
    f = _Fields(raw, pointer, language)
    input_path, discard_input = f.io_path("InputPath")
    output_path, discard_output = f.io_path("OutputPath")
    common: dict[str, Any] = {
        "name": name,
        "type": raw.get("Type"),
        "pointer": pointer,
        "query_language": language,
        "comment": raw.get("Comment"),
        "next": raw.get("Next"),
        "end": bool(raw.get("End", False)),
        "input_path": input_path,
        "output_path": output_path,
        "discard_input": discard_input,
        "discard_output": discard_output,
        "assign": f.template("Assign"),
        "output": f.template("Output"),
    }
    kind = raw.get("Type")
    if kind == "Pass":
        result_path, discard = f.io_path("ResultPath", reference=True)
        return m.PassState(
            **common,
            result=raw.get("Result"),
            has_result="Result" in raw,
            parameters=f.template("Parameters"),
            result_path=result_path,
            discard_result=discard,
        )
    if kind == "Task":
        resource = raw.get("Resource")
        if not isinstance(resource, str):
            raise DefinitionError(f"{pointer}/Resource", "a Task needs a Resource string")
        return m.TaskState(
            **common,
            **f.error_handling(),
            resource=resource,
            timeout_seconds=f.template("TimeoutSeconds"),
            timeout_seconds_path=f.path("TimeoutSecondsPath"),
            heartbeat_seconds=f.template("HeartbeatSeconds"),
            heartbeat_seconds_path=f.path("HeartbeatSecondsPath"),
            credentials=f.template("Credentials"),
        )
    if kind == "Choice":
        return m.ChoiceState(
            **common, choices=_choices(raw, pointer, language), default=raw.get("Default")
        )
    if kind == "Wait":
        return m.WaitState(
            **common,
            seconds=f.template("Seconds"),
            seconds_path=f.path("SecondsPath"),
            timestamp=f.template("Timestamp"),
            timestamp_path=f.path("TimestampPath"),
        )
    if kind == "Succeed":
        return m.SucceedState(**common)
    if kind == "Fail":
        return m.FailState(
            **common,
            error=f.template("Error"),
            cause=f.template("Cause"),
            error_path=f.dynamic_string("ErrorPath"),
            cause_path=f.dynamic_string("CausePath"),
        )
    if kind == "Parallel":
        branches = raw.get("Branches")
        if not isinstance(branches, list) or not branches:
            raise DefinitionError(f"{pointer}/Branches", "a Parallel needs at least one branch")
        return m.ParallelState(
            **common,
            **f.error_handling(),
            branches=tuple(
                parse_state_machine(b, pointer=f"{pointer}/Branches/{i}", query_language=language)
                for i, b in enumerate(branches)
            ),
        )
    if kind == "Map":
        return _map_state(raw, pointer, language, f, common)
    raise DefinitionError(f"{pointer}/Type", f"state '{name}' has an unknown Type: {kind!r}")


def _choices(raw: Mapping[str, Any], pointer: str, language: QueryLanguage) -> tuple:
    from sfntui.asl.choice import compile_choice_rule

    branches = []
    for index, rule in enumerate(raw.get("Choices") or ()):
        rule_pointer = f"{pointer}/Choices/{index}"
        if not isinstance(rule, Mapping):
            raise DefinitionError(rule_pointer, "a Choice rule must be a JSON object")
        sub = _Fields(rule, rule_pointer, language)
        try:
            if language == "JSONata" or "Condition" in rule:
                condition = sub.template("Condition")
                compiled = None
                text = str(rule.get("Condition", ""))
            else:
                compiled = compile_choice_rule(rule, rule_pointer)
                condition = None
                text = describe_rule(rule)
        except ExpressionSyntaxError as exc:
            raise DefinitionError(rule_pointer, exc.message) from None
        branches.append(
            m.ChoiceBranch(
                next=rule.get("Next", ""),
                rule=compiled,
                condition=condition,
                assign=sub.template("Assign"),
                output=sub.template("Output"),
                text=text,
            )
        )
    return tuple(branches)


def describe_rule(rule: Mapping[str, Any]) -> str:
    """A short human reading of a JSONPath Choice rule: `$.n > 10`, `not (...)`."""
    symbols = {
        "Equals": "==",
        "LessThan": "<",
        "GreaterThan": ">",
        "LessThanEquals": "<=",
        "GreaterThanEquals": ">=",
        "Matches": "~",
    }
    for key in ("And", "Or"):
        if key in rule and isinstance(rule[key], list):
            joiner = f" {key.lower()} "
            return joiner.join(f"({describe_rule(r)})" for r in rule[key] if isinstance(r, Mapping))
    if isinstance(rule.get("Not"), Mapping):
        return f"not ({describe_rule(rule['Not'])})"
    variable = rule.get("Variable", "?")
    for key, value in rule.items():
        if key in ("Variable", "Next", "Comment", "Assign", "Output"):
            continue
        if key.startswith("Is"):
            return f"{variable} {key}" if value else f"{variable} not {key}"
        for suffix, symbol in symbols.items():
            base = key.removesuffix("Path")
            if base.endswith(suffix):
                shown = value if key.endswith("Path") else _literal(value)
                return f"{variable} {symbol} {shown}"
    return str(variable)


def _literal(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _map_state(
    raw: Mapping[str, Any],
    pointer: str,
    language: QueryLanguage,
    f: _Fields,
    common: dict[str, Any],
) -> m.MapState:
    processor_key = "ItemProcessor" if "ItemProcessor" in raw else "Iterator"
    processor_raw = raw.get(processor_key)
    if not isinstance(processor_raw, Mapping):
        raise DefinitionError(f"{pointer}/ItemProcessor", "a Map needs an ItemProcessor")
    config = processor_raw.get("ProcessorConfig") or {}
    processor = parse_state_machine(
        processor_raw, pointer=f"{pointer}/{processor_key}", query_language=language
    )
    reader = raw.get("ItemReader")
    batcher = raw.get("ItemBatcher")
    selector_key = "ItemSelector" if "ItemSelector" in raw else "Parameters"
    handling = f.error_handling()
    handling["parameters"] = None
    items_path = f.path("ItemsPath") if "ItemsPath" in raw else _IDENTITY
    reader_parameters = None
    if isinstance(reader, Mapping) and ("Parameters" in reader or "Arguments" in reader):
        key = "Parameters" if "Parameters" in reader else "Arguments"
        reader_parameters = _Fields(reader, f"{pointer}/ItemReader", language).template(key)
    batcher_input = None
    if isinstance(batcher, Mapping) and "BatchInput" in batcher:
        batcher_input = _Fields(batcher, f"{pointer}/ItemBatcher", language).template("BatchInput")
    return m.MapState(
        **common,
        **handling,
        processor=processor,
        mode=config.get("Mode", "INLINE"),
        execution_type=config.get("ExecutionType", "STANDARD"),
        items_path=items_path,
        items=f.template("Items"),
        item_selector=f.template(selector_key),
        max_concurrency=f.template("MaxConcurrency"),
        max_concurrency_path=f.path("MaxConcurrencyPath"),
        tolerated_failure_count=f.template("ToleratedFailureCount"),
        tolerated_failure_count_path=f.path("ToleratedFailureCountPath"),
        tolerated_failure_percentage=f.template("ToleratedFailurePercentage"),
        tolerated_failure_percentage_path=f.path("ToleratedFailurePercentagePath"),
        item_reader=reader if isinstance(reader, Mapping) else None,
        item_reader_parameters=reader_parameters,
        item_batcher=batcher if isinstance(batcher, Mapping) else None,
        item_batcher_input=batcher_input,
        result_writer=raw.get("ResultWriter"),
        label=raw.get("Label"),
    )
