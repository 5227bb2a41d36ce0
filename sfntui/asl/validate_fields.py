"""Which fields each state type may have, under each query language.

The tables follow AWS's developer guide: the common fields every state has, the fields of each
state type, and the fields that belong to one query language only (JSONPath's paths and
`Parameters`; JSONata's `Arguments`, `Output`, `Items`). `Assign` exists under both.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from sfntui.asl.validate_report import Report, Where, child, quoted

STATE_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
QUERY_LANGUAGES = ("JSONPath", "JSONata")

TOP_LEVEL_FIELDS = frozenset(
    {"Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"}
)
#: A Parallel branch or a Map's ItemProcessor is a machine of its own, with fewer fields.
NESTED_MACHINE_FIELDS = frozenset({"Comment", "StartAt", "States"})
ITEM_PROCESSOR_FIELDS = NESTED_MACHINE_FIELDS | {"ProcessorConfig"}

COMMON_FIELDS = frozenset({"Type", "Comment", "QueryLanguage"})

#: JSONPath-only fields, each with what a JSONata state uses instead.
JSONPATH_ONLY: Mapping[str, str] = {
    "InputPath": "Arguments or Output",
    "OutputPath": "Output",
    "Parameters": "Arguments",
    "ResultPath": "Output or Assign",
    "ResultSelector": "Output",
    "Result": "Output",
    "ItemsPath": "Items",
    "SecondsPath": "Seconds",
    "TimestampPath": "Timestamp",
    "TimeoutSecondsPath": "TimeoutSeconds",
    "HeartbeatSecondsPath": "HeartbeatSeconds",
    "MaxConcurrencyPath": "MaxConcurrency",
    "ToleratedFailureCountPath": "ToleratedFailureCount",
    "ToleratedFailurePercentagePath": "ToleratedFailurePercentage",
    "ErrorPath": "Error",
    "CausePath": "Cause",
    "Variable": "Condition",
    "MaxItemsPath": "MaxItems",
    "MaxItemsPerBatchPath": "MaxItemsPerBatch",
    "MaxInputBytesPerBatchPath": "MaxInputBytesPerBatch",
}
#: JSONata-only fields, each with what a JSONPath state uses instead.
JSONATA_ONLY: Mapping[str, str] = {
    "Arguments": "Parameters",
    "Output": "OutputPath or ResultSelector",
    "Items": "ItemsPath",
    "Condition": "Variable and a comparison operator",
}

_FLOW = {"Next", "End"}
_IO = {"InputPath", "OutputPath", "Output", "Assign"}
_ERRORS = {"Retry", "Catch"}

STATE_FIELDS: Mapping[str, frozenset[str]] = {
    "Pass": frozenset(_FLOW | _IO | {"Parameters", "ResultPath", "Result"}),
    "Task": frozenset(
        _FLOW
        | _IO
        | _ERRORS
        | {
            "Resource",
            "Parameters",
            "Arguments",
            "ResultPath",
            "ResultSelector",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        }
    ),
    "Choice": frozenset(_IO | {"Choices", "Default"}),
    "Wait": frozenset(_FLOW | _IO | {"Seconds", "Timestamp", "SecondsPath", "TimestampPath"}),
    "Succeed": frozenset({"InputPath", "OutputPath", "Output"}),
    "Fail": frozenset({"Error", "Cause", "ErrorPath", "CausePath"}),
    "Parallel": frozenset(
        _FLOW
        | _IO
        | _ERRORS
        | {"Branches", "Parameters", "Arguments", "ResultPath", "ResultSelector"}
    ),
    "Map": frozenset(
        _FLOW
        | _IO
        | _ERRORS
        | {
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "Parameters",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ResultPath",
            "ResultSelector",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
        }
    ),
}

RETRIER_FIELDS = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
CATCHER_FIELDS = frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"})
JSONATA_CHOICE_RULE_FIELDS = frozenset({"Condition", "Next", "Assign", "Output", "Comment"})
PROCESSOR_CONFIG_FIELDS = frozenset({"Mode", "ExecutionType"})
ITEM_READER_FIELDS = frozenset({"Resource", "Parameters", "Arguments", "ReaderConfig"})
ITEM_BATCHER_FIELDS = frozenset(
    {
        "MaxItemsPerBatch",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath",
        "BatchInput",
    }
)
RESULT_WRITER_FIELDS = frozenset({"Resource", "Parameters", "Arguments", "WriterConfig"})

_KNOWN_FIELDS = frozenset().union(*STATE_FIELDS.values()) | COMMON_FIELDS

#: Messages for fields whose absence from a type is a common slip worth explaining.
_NOT_FOR_TYPE: Mapping[tuple[str, str], str] = {
    ("Choice", "Next"): "A Choice state cannot have Next: put Next in each rule of Choices, "
    "and name the fallback in Default",
    ("Choice", "End"): "A Choice state cannot have End: a Choice always moves to another state",
    ("Succeed", "Next"): "A Succeed state ends its branch of the execution and cannot have Next",
    ("Succeed", "End"): "A Succeed state is terminal already and cannot have End",
    ("Fail", "Next"): "A Fail state ends the execution and cannot have Next",
    ("Fail", "End"): "A Fail state is terminal already and cannot have End",
}


def suggestion(name: str, candidates: Any) -> str:
    """' (did you mean X?)' when a name is a near miss of one of the candidates."""
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def language_mismatch(field: str, language: str) -> str | None:
    """Why `field` is out of place under `language`, or None when it is not."""
    if language == "JSONata" and field in JSONPATH_ONLY:
        return (
            f"{field} is a JSONPath field, but this state uses JSONata: "
            f"use {JSONPATH_ONLY[field]} instead"
        )
    if language == "JSONPath" and field in JSONATA_ONLY:
        return (
            f"{field} is a JSONata field, but this state uses JSONPath: use {JSONATA_ONLY[field]} "
            'instead, or set "QueryLanguage": "JSONata"'
        )
    return None


def check_state_fields(report: Report, where: Where, raw: Mapping[str, Any], kind: str) -> set[str]:
    """Report fields a state of this type and language cannot have; return the ones it can."""
    allowed = STATE_FIELDS[kind] | COMMON_FIELDS
    usable: set[str] = set()
    for field in raw:
        if field not in allowed:
            if (kind, field) in _NOT_FOR_TYPE:
                message = _NOT_FOR_TYPE[kind, field]
            elif field in _KNOWN_FIELDS:
                message = f"A {kind} state cannot have {field}"
            else:
                message = (
                    f"{quoted(field)} is not a field of a {kind} state{suggestion(field, allowed)}"
                )
            report.error(where.at(field), where.state, message)
            continue
        mismatch = language_mismatch(field, where.language)
        if mismatch is not None:
            report.error(where.at(field), where.state, mismatch)
            continue
        usable.add(field)
    return usable


def check_object_fields(
    report: Report,
    pointer: str,
    state: str | None,
    raw: Mapping[str, Any],
    allowed: frozenset[str],
    what: str,
    language: str | None = None,
) -> set[str]:
    """The same check for a smaller object (a retrier, a catcher, a nested machine...)."""
    usable: set[str] = set()
    for field in raw:
        mismatch = language_mismatch(field, language) if language else None
        if field not in allowed and mismatch is None:
            message = f"{quoted(field)} is not a field of {what}{suggestion(field, allowed)}"
            report.error(child(pointer, field), state, message)
            continue
        if mismatch is not None:
            report.error(child(pointer, field), state, mismatch)
            continue
        usable.add(field)
    return usable
