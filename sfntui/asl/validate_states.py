"""Checks of one state's field values, by state type.

`check_state_values` runs after the field tables (validate_fields) have said which fields the
state may have: only those are looked at, so a field out of place is reported once. The nested
machines of Parallel and Map are handed back to `validate` through `check_machine`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.asl.placeholders import is_placeholder
from sfntui.asl.validate_fields import (
    ITEM_BATCHER_FIELDS,
    ITEM_READER_FIELDS,
    JSONATA_CHOICE_RULE_FIELDS,
    PROCESSOR_CONFIG_FIELDS,
    RESULT_WRITER_FIELDS,
    check_object_fields,
    language_mismatch,
)
from sfntui.asl.validate_report import Report, Where, child, describe, is_int, is_number, quoted
from sfntui.asl.validate_values import (
    MAX_BATCH_BYTES,
    MAX_SECONDS,
    at_most_one,
    check_assign,
    check_catch,
    check_integer,
    check_jsonata_strings,
    check_label,
    check_path,
    check_path_or_intrinsic,
    check_payload_template,
    check_resource,
    check_retry,
    check_string,
    check_timestamp,
    is_expression,
    sentence,
)

#: check_machine(machine, pointer, language, kind, owner state): validate a nested machine.
MachineCheck = Callable[[Any, str, str, str, str | None], None]

_NULLABLE_PATHS = ("InputPath", "OutputPath")
_PLAIN_PATHS = (
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_TEMPLATES = ("Parameters", "ResultSelector")
#: Fields that hold no JSONata (names, flags, nested machines) or are walked by their own check.
_NOT_JSONATA = frozenset(
    {
        "Type",
        "Comment",
        "QueryLanguage",
        "Next",
        "End",
        "Default",
        "Resource",
        "Branches",
        "ItemProcessor",
        "Iterator",
        "Retry",
        "Catch",
        "Choices",
    }
)
#: Integer fields: (minimum, maximum); under JSONata each may be an expression instead.
_INTEGERS: Mapping[str, tuple[int, int | None]] = {
    "TimeoutSeconds": (1, MAX_SECONDS),
    "HeartbeatSeconds": (1, MAX_SECONDS),
    "Seconds": (0, MAX_SECONDS),
    "MaxConcurrency": (0, None),
    "ToleratedFailureCount": (0, None),
}
_DISTRIBUTED_ONLY = ("ItemReader", "ItemBatcher", "ResultWriter")
_DISTRIBUTED_TUNING = (
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Label",
)


def check_state_values(
    report: Report,
    where: Where,
    raw: Mapping[str, Any],
    kind: str,
    usable: set[str],
    check_machine: MachineCheck,
) -> None:
    for field in raw:
        if field in usable:
            _check_field(report, where, field, raw[field])
    if where.jsonata:
        for field in raw:
            if field in usable and field not in _NOT_JSONATA:
                check_jsonata_strings(report, where, field, raw[field])
    if kind == "Task":
        _check_task(report, where, raw)
    elif kind == "Wait":
        _check_wait(report, where, raw)
    elif kind == "Fail":
        at_most_one(report, where, raw, "Error", "ErrorPath")
        at_most_one(report, where, raw, "Cause", "CausePath")
    elif kind == "Choice":
        _check_choices(report, where, raw)
    elif kind == "Parallel":
        _check_branches(report, where, raw, check_machine)
    elif kind == "Map":
        _check_map(report, where, raw, usable, check_machine)


def _check_field(report: Report, where: Where, field: str, value: Any) -> None:
    if is_placeholder(value):
        return  # `${Name}`: the template fills in a valid value when it is deployed
    if field == "Comment":
        check_string(report, where, field, value)
    elif field in _NULLABLE_PATHS:
        check_path(report, where, field, value, nullable=True)
    elif field == "ResultPath":
        check_path(report, where, field, value, reference=True, nullable=True)
    elif field == "ItemsPath":
        check_path(report, where, field, value, reference=True, context_allowed=True)
    elif field in _PLAIN_PATHS:
        check_path(report, where, field, value)
    elif field in ("ErrorPath", "CausePath"):
        check_path_or_intrinsic(report, where, field, value)
    elif field in ("Error", "Cause"):
        check_string(report, where, field, value)
    elif field == "Parameters" and isinstance(value, list):
        # AWS deploys an array (asl-validator accepts it too): its `.$` keys are evaluated.
        check_payload_template(report, where, field, value, array_allowed=True)
    elif field in _TEMPLATES or (field == "ItemSelector" and not where.jsonata):
        check_payload_template(report, where, field, value)
    elif field == "Credentials":
        _check_credentials(report, where, value)
    elif field == "Assign":
        check_assign(report, where, value, where.at(field))
    elif field in ("Arguments", "ItemSelector"):
        _object_or_expression(report, where, field, value)
    elif field == "Items":
        if not isinstance(value, list) and not is_expression(value):
            report.error(
                where.at(field),
                where.state,
                "Items must be an array or a JSONata expression '{% … %}', "
                f"not {describe(value)}",
            )
    elif field in _INTEGERS:
        minimum, maximum = _INTEGERS[field]
        check_integer(report, where, field, value, minimum, maximum, expression_allowed=True)
    elif field == "ToleratedFailurePercentage":
        _check_percentage(report, where, value)
    elif field == "Timestamp":
        check_timestamp(report, where, value)
    elif field == "Label":
        check_label(report, where, value)
    elif field == "Resource":
        check_resource(report, where, value, where.at(field))
    elif field == "Retry":
        check_retry(report, where, value)
    elif field == "Catch":
        check_catch(report, where, value)


def _object_or_expression(report: Report, where: Where, field: str, value: Any) -> None:
    if not isinstance(value, dict) and not is_expression(value):
        report.error(
            where.at(field),
            where.state,
            f"{field} must be an object or a JSONata expression '{{% … %}}', not {describe(value)}",
        )


def _check_credentials(report: Report, where: Where, value: Any) -> None:
    if not isinstance(value, dict):
        report.error(
            where.at("Credentials"),
            where.state,
            f"Credentials must be an object holding RoleArn, not {describe(value)}",
        )
    elif not where.jsonata:
        check_payload_template(report, where, "Credentials", value)


def _check_percentage(report: Report, where: Where, value: Any) -> None:
    if where.jsonata and is_expression(value):
        return
    if is_number(value) and 0 <= value <= 100:
        return
    got = str(value) if is_number(value) else describe(value)
    report.error(
        where.at("ToleratedFailurePercentage"),
        where.state,
        f"ToleratedFailurePercentage must be a number from 0 to 100, not {got}",
    )


# --- Task, Wait ---------------------------------------------------------------------------------


def _check_task(report: Report, where: Where, raw: Mapping[str, Any]) -> None:
    if "Resource" not in raw:
        report.error(
            where.at("Resource"),
            where.state,
            "A Task state needs a Resource: the ARN of the work it runs",
        )
    at_most_one(report, where, raw, "TimeoutSeconds", "TimeoutSecondsPath")
    at_most_one(report, where, raw, "HeartbeatSeconds", "HeartbeatSecondsPath")
    timeout, heartbeat = raw.get("TimeoutSeconds"), raw.get("HeartbeatSeconds")
    if is_int(timeout) and is_int(heartbeat) and heartbeat >= timeout:
        report.error(
            where.at("HeartbeatSeconds"),
            where.state,
            f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})",
        )


def _check_wait(report: Report, where: Where, raw: Mapping[str, Any]) -> None:
    fields = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")
    present = [field for field in fields if field in raw]
    if not present:
        report.error(
            where.pointer,
            where.state,
            "A Wait state needs one of Seconds, Timestamp, SecondsPath or TimestampPath",
        )
    at_most_one(report, where, raw, *fields)


# --- Choice -------------------------------------------------------------------------------------


def _check_choices(report: Report, where: Where, raw: Mapping[str, Any]) -> None:
    pointer = where.at("Choices")
    if "Choices" not in raw:
        report.error(
            pointer, where.state, "A Choice state needs Choices: a non-empty array of rules"
        )
        return
    rules = raw["Choices"]
    if not isinstance(rules, list) or not rules:
        got = "an empty array" if rules == [] else describe(rules)
        report.error(pointer, where.state, f"Choices must be a non-empty array of rules, not {got}")
        return
    for index, rule in enumerate(rules):
        here = child(pointer, index)
        if not isinstance(rule, dict):
            report.error(
                here, where.state, f"A Choice rule must be an object, not {describe(rule)}"
            )
            continue
        if "Next" not in rule:
            report.error(
                child(here, "Next"),
                where.state,
                "A Choice rule needs Next: the state to go to when the rule matches",
            )
        if where.jsonata:
            _check_jsonata_rule(report, where, rule, here)
        else:
            _check_jsonpath_rule(report, where, rule, here)


def _check_jsonpath_rule(report: Report, where: Where, rule: Mapping[str, Any], here: str) -> None:
    if "Output" in rule:
        message = language_mismatch("Output", where.language) or "Output is not allowed here"
        report.error(child(here, "Output"), where.state, message)
    if "Comment" in rule:
        check_string(report, where, "Comment", rule["Comment"], child(here, "Comment"))
    if "Assign" in rule:
        check_assign(report, where, rule["Assign"], child(here, "Assign"))
    from sfntui.asl.choice import compile_choice_rule  # only for definitions with a Choice

    try:
        compile_choice_rule(_placeholders_filled(rule), here)
    except ExpressionSyntaxError as exc:
        pointer = getattr(exc, "pointer", here)
        report.error(
            pointer if isinstance(pointer, str) else here, where.state, sentence(exc.message)
        )
    except RecursionError:
        report.error(here, where.state, "The Choice rule is nested too deeply to check")


#: A value of each comparison's type, standing in for a `${...}` placeholder while a rule compiles.
_STAND_INS = {"Numeric": 0, "Boolean": True, "Timestamp": "2000-01-01T00:00:00Z", "String": ""}


def _placeholders_filled(rule: Any) -> Any:
    """The rule with each whole `${...}` operand replaced by a value of its comparison's type."""
    from sfntui.asl.choice import COMPARISON_OPERATORS

    if isinstance(rule, list):
        return [_placeholders_filled(item) for item in rule]
    if not isinstance(rule, dict):
        return rule
    filled = {}
    for field, value in rule.items():
        if is_placeholder(value) and (field in COMPARISON_OPERATORS or field == "Variable"):
            if field.endswith("Path") or field == "Variable":
                value = "$"
            else:
                kind = next((k for k in _STAND_INS if field.startswith(k)), None)
                value = _STAND_INS[kind] if kind else value
        elif isinstance(value, dict | list):
            value = _placeholders_filled(value)
        filled[field] = value
    return filled


def _check_jsonata_rule(report: Report, where: Where, rule: Mapping[str, Any], here: str) -> None:
    from sfntui.asl.choice import COMBINATORS, COMPARISON_OPERATORS

    operators = [field for field in rule if field in COMPARISON_OPERATORS or field in COMBINATORS]
    for field in operators:
        report.error(
            child(here, field),
            where.state,
            f"{field} is a JSONPath comparison, but this state uses JSONata: write the test as "
            "a Condition such as '{% $states.input.status = \"done\" %}'",
        )
    rest = {field: value for field, value in rule.items() if field not in operators}
    usable = check_object_fields(
        report, here, where.state, rest, JSONATA_CHOICE_RULE_FIELDS, "a Choice rule", where.language
    )
    condition = rule.get("Condition")
    if "Condition" not in rule:
        report.error(
            child(here, "Condition"),
            where.state,
            "A Choice rule needs a Condition: a JSONata expression such as '{% $x > 1 %}'",
        )
    elif not is_expression(condition) and not isinstance(condition, bool):
        report.error(
            child(here, "Condition"),
            where.state,
            f"Condition must be a JSONata expression '{{% … %}}', not {describe(condition)}",
        )
    if "Comment" in usable:
        check_string(report, where, "Comment", rule["Comment"], child(here, "Comment"))
    if "Assign" in usable:
        check_assign(report, where, rule["Assign"], child(here, "Assign"))
    for field in ("Condition", "Assign", "Output"):
        if field in usable:
            check_jsonata_strings(report, where, field, rule[field], child(here, field))


# --- Parallel and Map ---------------------------------------------------------------------------


def _check_branches(
    report: Report, where: Where, raw: Mapping[str, Any], check_machine: MachineCheck
) -> None:
    pointer = where.at("Branches")
    if "Branches" not in raw:
        report.error(
            pointer, where.state, "A Parallel state needs Branches: a non-empty array of machines"
        )
        return
    branches = raw["Branches"]
    if not isinstance(branches, list) or not branches:
        got = "an empty array" if branches == [] else describe(branches)
        report.error(pointer, where.state, f"Branches must be a non-empty array, not {got}")
        return
    for index, branch in enumerate(branches):
        check_machine(branch, child(pointer, index), where.language, "branch", where.state)


def _check_map(
    report: Report,
    where: Where,
    raw: Mapping[str, Any],
    usable: set[str],
    check_machine: MachineCheck,
) -> None:
    mode = "INLINE"
    if "ItemProcessor" in raw and "Iterator" in raw:
        report.error(
            where.at("Iterator"),
            where.state,
            "ItemProcessor and Iterator cannot both be given: keep ItemProcessor",
        )
    elif "ItemProcessor" not in raw and "Iterator" not in raw:
        report.error(
            where.at("ItemProcessor"),
            where.state,
            "A Map state needs an ItemProcessor: the state machine run for each item",
        )
    elif "Iterator" in raw:
        report.warning(
            where.at("Iterator"),
            where.state,
            "Iterator is deprecated: AWS now calls it ItemProcessor",
        )
    for field in ("ItemProcessor", "Iterator"):
        processor = raw.get(field)
        if isinstance(processor, dict) and "ProcessorConfig" in processor:
            config = processor["ProcessorConfig"]
            mode = _check_processor_config(report, where, config, field)
    for field in ("ItemProcessor", "Iterator"):
        if field in raw:
            check_machine(raw[field], where.at(field), where.language, field, where.state)
    if mode != "DISTRIBUTED":
        for field in _DISTRIBUTED_ONLY:
            if field in raw:
                report.error(
                    where.at(field),
                    where.state,
                    f"{field} needs a distributed Map: set ItemProcessor.ProcessorConfig.Mode "
                    "to DISTRIBUTED",
                )
        for field in _DISTRIBUTED_TUNING:
            if field in raw:
                report.warning(
                    where.at(field),
                    where.state,
                    f"{field} has an effect only in a distributed Map "
                    "(ItemProcessor.ProcessorConfig.Mode DISTRIBUTED)",
                )
    if "Parameters" in usable:
        report.warning(
            where.at("Parameters"),
            where.state,
            "Parameters in a Map state is deprecated: use ItemSelector",
        )
    at_most_one(report, where, raw, "ItemSelector", "Parameters")
    at_most_one(report, where, raw, "MaxConcurrency", "MaxConcurrencyPath")
    at_most_one(report, where, raw, "ToleratedFailureCount", "ToleratedFailureCountPath")
    at_most_one(report, where, raw, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath")
    if "ItemReader" in raw:
        _check_io_config(report, where, raw["ItemReader"], "ItemReader", ITEM_READER_FIELDS)
    if "ResultWriter" in raw:
        _check_io_config(report, where, raw["ResultWriter"], "ResultWriter", RESULT_WRITER_FIELDS)
    if "ItemBatcher" in raw:
        _check_item_batcher(report, where, raw["ItemBatcher"])


def _check_processor_config(report: Report, where: Where, config: Any, field: str) -> str:
    """Check ProcessorConfig; return the Map's mode (INLINE unless it says DISTRIBUTED)."""
    pointer = where.at(field, "ProcessorConfig")
    if not isinstance(config, dict):
        report.error(
            pointer, where.state, f"ProcessorConfig must be an object, not {describe(config)}"
        )
        return "INLINE"
    check_object_fields(
        report, pointer, where.state, config, PROCESSOR_CONFIG_FIELDS, "ProcessorConfig"
    )
    mode = config.get("Mode", "INLINE")
    if mode not in ("INLINE", "DISTRIBUTED"):
        report.error(
            child(pointer, "Mode"),
            where.state,
            f"Mode must be INLINE or DISTRIBUTED, not {quoted(mode)}",
        )
        return "INLINE"
    if "ExecutionType" in config:
        kind = config["ExecutionType"]
        if kind not in ("STANDARD", "EXPRESS"):
            report.error(
                child(pointer, "ExecutionType"),
                where.state,
                f"ExecutionType must be STANDARD or EXPRESS, not {quoted(kind)}",
            )
        elif mode == "INLINE":
            report.warning(
                child(pointer, "ExecutionType"),
                where.state,
                "ExecutionType has an effect only when Mode is DISTRIBUTED",
            )
    elif mode == "DISTRIBUTED":
        report.error(
            child(pointer, "ExecutionType"),
            where.state,
            "A distributed Map needs an ExecutionType: STANDARD or EXPRESS",
        )
    return mode


def _check_io_config(
    report: Report, where: Where, value: Any, field: str, allowed: frozenset[str]
) -> None:
    """ItemReader and ResultWriter: a Resource ARN, its Parameters (or Arguments), a config."""
    pointer = where.at(field)
    if not isinstance(value, dict):
        report.error(pointer, where.state, f"{field} must be an object, not {describe(value)}")
        return
    usable = check_object_fields(
        report, pointer, where.state, value, allowed, field, where.language
    )
    if "Resource" in value:
        check_resource(report, where, value["Resource"], child(pointer, "Resource"))
    elif field == "ItemReader":
        report.error(
            child(pointer, "Resource"),
            where.state,
            "ItemReader needs a Resource: the ARN to read from",
        )
    if "Parameters" in usable:
        check_payload_template(
            report, where, f"{field}.Parameters", value["Parameters"], child(pointer, "Parameters")
        )
    arguments = value.get("Arguments")
    if "Arguments" in usable and not isinstance(arguments, dict) and not is_expression(arguments):
        report.error(
            child(pointer, "Arguments"),
            where.state,
            f"Arguments must be an object or a JSONata expression, not {describe(arguments)}",
        )
    config = value.get("ReaderConfig")
    if field == "ItemReader" and "ReaderConfig" in value:
        here = child(pointer, "ReaderConfig")
        if not isinstance(config, dict):
            report.error(
                here, where.state, f"ReaderConfig must be an object, not {describe(config)}"
            )
            return
        if "MaxItems" in config:
            check_integer(
                report,
                where,
                "MaxItems",
                config["MaxItems"],
                0,
                None,
                child(here, "MaxItems"),
                expression_allowed=True,
            )
        if "MaxItemsPath" in config:
            if where.jsonata:
                report.error(
                    child(here, "MaxItemsPath"),
                    where.state,
                    language_mismatch("MaxItemsPath", where.language) or "",
                )
            else:
                check_path(
                    report,
                    where,
                    "MaxItemsPath",
                    config["MaxItemsPath"],
                    child(here, "MaxItemsPath"),
                )
        if "MaxItems" in config and "MaxItemsPath" in config:
            report.error(
                child(here, "MaxItemsPath"),
                where.state,
                "MaxItems and MaxItemsPath cannot both be given: keep only one",
            )


def _check_item_batcher(report: Report, where: Where, value: Any) -> None:
    pointer = where.at("ItemBatcher")
    if not isinstance(value, dict):
        report.error(pointer, where.state, f"ItemBatcher must be an object, not {describe(value)}")
        return
    usable = check_object_fields(
        report, pointer, where.state, value, ITEM_BATCHER_FIELDS, "ItemBatcher", where.language
    )
    for field, maximum in (("MaxItemsPerBatch", None), ("MaxInputBytesPerBatch", MAX_BATCH_BYTES)):
        if field in usable:
            check_integer(
                report,
                where,
                field,
                value[field],
                1,
                maximum,
                child(pointer, field),
                expression_allowed=True,
            )
        if f"{field}Path" in usable:
            check_path(
                report, where, f"{field}Path", value[f"{field}Path"], child(pointer, f"{field}Path")
            )
        if field in value and f"{field}Path" in value:
            report.error(
                child(pointer, f"{field}Path"),
                where.state,
                f"{field} and {field}Path cannot both be given: keep only one",
            )
    if "BatchInput" in usable and not where.jsonata:
        check_payload_template(
            report, where, "BatchInput", value["BatchInput"], child(pointer, "BatchInput")
        )
