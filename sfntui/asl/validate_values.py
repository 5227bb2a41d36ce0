"""Checks of field values: paths, payload templates, JSONata expressions, numbers, Retry, Catch.

Every expression is compiled by the module that will run it (paths, intrinsics, choice,
jsonata), so a definition this accepts is one the engine can load. Nothing here raises: a
compiler's complaint becomes a diagnostic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sfntui.asl.errors import ALL, PREDEFINED, ExpressionSyntaxError
from sfntui.asl.intrinsics import compile_intrinsic, is_intrinsic
from sfntui.asl.jsonata import compile_jsonata, is_jsonata_template, jsonata_text
from sfntui.asl.paths import compile_path, compile_reference_path
from sfntui.asl.placeholders import is_placeholder
from sfntui.asl.timestamps import parse_timestamp
from sfntui.asl.validate_fields import CATCHER_FIELDS, RETRIER_FIELDS, check_object_fields
from sfntui.asl.validate_report import (
    Report,
    Where,
    child,
    describe,
    is_int,
    is_number,
    quoted,
)

#: AWS's ceiling for most second counts (TimeoutSeconds, IntervalSeconds, Wait Seconds...).
MAX_SECONDS = 99_999_999
MAX_DELAY_SECONDS = 31_622_401
MAX_BATCH_BYTES = 262_144
MAX_VARIABLE_NAME = 80
MAX_LABEL = 40
_LABEL_FORBIDDEN = (
    set(' ?*<>{}[]:;,\\|^~$#%&`"')
    | {chr(c) for c in range(0x20)}
    | {chr(c) for c in range(0x7F, 0xA0)}
)


#: Integer fields that have a `...Path` twin under JSONPath.
_PATH_TWINS = frozenset(
    {
        "Seconds",
        "TimeoutSeconds",
        "HeartbeatSeconds",
        "MaxConcurrency",
        "ToleratedFailureCount",
        "MaxItems",
        "MaxItemsPerBatch",
        "MaxInputBytesPerBatch",
    }
)
_LOOKS_LIKE_PATH = re.compile(r"\$\$?(\.|\[|$)|States\.[A-Za-z0-9]+\(")
_WHOLE_SUBSTITUTION = re.compile(r"\$\{[^{}]+\}")
_SUBSTITUTION = re.compile(r"\$\{[^{}]*\}")
#: What a `${...}` placeholder becomes while an ARN is checked: a stand-in for any valid slot.
_SLOT = "\x00"
_ARN = re.compile(
    r"arn:(?P<partition>[a-z\x00-]+):(?P<service>[a-z0-9\x00-]+):(?P<region>[a-z0-9\x00-]*)"
    r":(?P<account>[\d\x00]*):(?P<resource>.+)",
    re.ASCII | re.DOTALL,
)
_PARTITION = re.compile(r"aws[a-z-]*", re.ASCII)
_LAMBDA_FUNCTION = re.compile(
    r"function:[A-Za-z0-9_\x00-]+(?::(?:\$LATEST|[A-Za-z0-9_\x00-]+))?", re.ASCII
)


def sentence(message: str) -> str:
    """Messages from the compilers end with a period; ours do not."""
    return message.strip().rstrip(".")


def compile_problem(compile_: Callable[[str], Any], text: str) -> str | None:
    """Why `text` does not compile, or None when it does."""
    try:
        compile_(text)
    except ExpressionSyntaxError as exc:
        return sentence(exc.message)
    except RecursionError:
        return "it is nested too deeply to compile"
    return None


# --- paths ------------------------------------------------------------------------------------


def check_path(
    report: Report,
    where: Where,
    field: str,
    value: Any,
    pointer: str | None = None,
    *,
    reference: bool = False,
    nullable: bool = False,
    context_allowed: bool = False,
) -> None:
    if (value is None and nullable) or is_placeholder(value):
        return
    if not isinstance(value, str):
        kind = "reference path" if reference else "JSONPath"
        extra = " or null" if nullable else ""
        report.error(
            where.at(field) if pointer is None else pointer,
            where.state,
            f"{field} must be a {kind} such as '$.x'{extra}, not {describe(value)}",
        )
        return
    compile_ = compile_reference_path if reference else compile_path
    if reference and context_allowed and value.startswith("$$"):
        compile_ = _compile_context_reference  # ItemsPath may read the context object
    problem = compile_problem(compile_, value)
    if problem is not None:
        report.error(
            where.at(field) if pointer is None else pointer,
            where.state,
            f"{field} is invalid: {problem}",
        )
    elif field == "ResultPath" and compile_path(value).root == "variable":
        report.error(
            where.at(field) if pointer is None else pointer,
            where.state,
            f"ResultPath cannot be a variable ({value}): it places the result in the state's "
            "output; set variables with Assign",
        )


def _compile_context_reference(text: str) -> Any:
    path = compile_path(text)
    if not path.is_reference:
        raise ExpressionSyntaxError(text, f"'{text}' is not a valid reference path")
    return path


def check_path_or_intrinsic(
    report: Report, where: Where, field: str, value: Any, pointer: str | None = None
) -> None:
    """A `.$` value, ErrorPath or CausePath: a path, or an intrinsic function call."""
    pointer = where.at(field) if pointer is None else pointer
    if not isinstance(value, str):
        report.error(
            pointer,
            where.state,
            f"{field} must be a string holding a path or an intrinsic function call, "
            f"not {describe(value)}",
        )
        return
    intrinsic = _is_intrinsic(value)
    problem = compile_problem(compile_intrinsic if intrinsic else compile_path, value)
    if problem is not None:
        report.error(pointer, where.state, f"{field} is invalid: {problem}")


def _is_intrinsic(text: str) -> bool:
    try:
        return bool(is_intrinsic(text))
    except ExpressionSyntaxError:
        return True


# --- payload templates (JSONPath) and JSONata templates ----------------------------------------


def check_payload_template(
    report: Report,
    where: Where,
    field: str,
    value: Any,
    pointer: str | None = None,
    *,
    array_allowed: bool = False,
) -> None:
    """Parameters, ResultSelector, ItemSelector and the like under JSONPath: an object whose
    `.$` keys hold paths or intrinsic calls, at any depth."""
    pointer = where.at(field) if pointer is None else pointer
    if not isinstance(value, dict) and not (array_allowed and isinstance(value, list)):
        report.error(pointer, where.state, f"{field} must be an object, not {describe(value)}")
        return
    _walk_payload(report, where, field, value, pointer)


def _walk_payload(report: Report, where: Where, field: str, value: Any, pointer: str) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk_payload(report, where, field, item, child(pointer, index))
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        here = child(pointer, key)
        if key.endswith(".$") and len(key) > 2:
            if key[:-2] in value:
                report.error(
                    here,
                    where.state,
                    f"{field} has both {quoted(key[:-2])} and {quoted(key)}, which would "
                    f"both set the field {quoted(key[:-2])}",
                )
            check_path_or_intrinsic(report, where, f"{field} field {quoted(key)}", item, here)
        elif isinstance(item, str) and _LOOKS_LIKE_PATH.match(item):
            report.warning(
                here,
                where.state,
                f"{field} field {quoted(key)} holds {quoted(item)} as plain text; to evaluate "
                f"it, name the field {quoted(key + '.$')}",
            )
        else:
            _walk_payload(report, where, field, item, here)


def check_jsonata_strings(
    report: Report, where: Where, field: str, value: Any, pointer: str | None = None
) -> None:
    """Every `{% %}` string in a JSONata state's field compiles; near misses are warned of."""
    pointer = where.at(field) if pointer is None else pointer
    stack: list[tuple[Any, str]] = [(value, pointer)]
    while stack:
        item, here = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, child(here, k)) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((v, child(here, i)) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, str):
            _check_jsonata_string(report, where, field, item, here)


def _check_jsonata_string(report: Report, where: Where, field: str, text: str, here: str) -> None:
    if is_jsonata_template(text):
        problem = compile_problem(compile_jsonata, jsonata_text(text))
        if problem is not None:
            report.error(
                here,
                where.state,
                f"{field} holds a JSONata expression that does not compile: {problem}",
            )
    elif text.lstrip().startswith("{%") or text.rstrip().endswith("%}"):
        report.warning(
            here,
            where.state,
            f"{field} holds {quoted(text)}, which looks like a JSONata expression but is taken "
            "as plain text: an expression must start with '{%' and end with '%}'",
        )


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and bool(is_jsonata_template(value))


def check_assign(report: Report, where: Where, value: Any, pointer: str) -> None:
    """Assign: an object of variable names; under JSONPath, `name.$` keys take paths.

    Under JSONata its `{% %}` strings are compiled by `check_jsonata_strings`, which the caller
    runs over every field of a JSONata state.
    """
    if not isinstance(value, dict):
        report.error(pointer, where.state, f"Assign must be an object, not {describe(value)}")
        return
    for key in value:
        name = key[:-2] if not where.jsonata and key.endswith(".$") else key
        problem = variable_name_problem(name)
        if problem is not None:
            report.error(child(pointer, key), where.state, f"Assign {problem}")
    if not where.jsonata:
        _walk_payload(report, where, "Assign", value, pointer)


def variable_name_problem(name: str) -> str | None:
    if name == "states":
        return "cannot set 'states': $states is reserved by Step Functions"
    if not name.isidentifier():
        return (
            f"cannot set {quoted(name)}: a variable name starts with a letter or '_' and "
            "holds only letters, digits and '_'"
        )
    if len(name) > MAX_VARIABLE_NAME:
        return (
            f"cannot set {quoted(name)}: a variable name has at most {MAX_VARIABLE_NAME} characters"
        )
    return None


# --- numbers and other scalars ------------------------------------------------------------------


def integer_words(minimum: int, maximum: int | None) -> str:
    words = {0: "a non-negative integer", 1: "a positive integer"}.get(
        minimum, f"an integer of at least {minimum}"
    )
    return f"{words} no larger than {maximum}" if maximum is not None else words


def check_integer(
    report: Report,
    where: Where,
    field: str,
    value: Any,
    minimum: int,
    maximum: int | None = None,
    pointer: str | None = None,
    *,
    expression_allowed: bool = False,
) -> None:
    """An integer in range; under JSONata (when the field takes one) a `{% %}` expression too."""
    pointer = where.at(field) if pointer is None else pointer
    if (expression_allowed and where.jsonata and is_expression(value)) or is_placeholder(value):
        return
    in_range = is_int(value) and value >= minimum and (maximum is None or value <= maximum)
    if in_range:
        return
    wanted = integer_words(minimum, maximum)
    if expression_allowed and where.jsonata:
        wanted += " or a JSONata expression '{% … %}'"
    got = str(value) if is_int(value) else describe(value)
    hint = ""
    if not where.jsonata and isinstance(value, str) and value.lstrip().startswith("{%"):
        hint = '; JSONata expressions need "QueryLanguage": "JSONata"'
        if field in _PATH_TWINS and where.state is not None:
            hint += f" (or use {field}Path)"
    report.error(pointer, where.state, f"{field} must be {wanted}, not {got}{hint}")


def check_string(
    report: Report, where: Where, field: str, value: Any, pointer: str | None = None
) -> bool:
    if isinstance(value, str):
        return True
    pointer = where.at(field) if pointer is None else pointer
    report.error(pointer, where.state, f"{field} must be a string, not {describe(value)}")
    return False


def check_timestamp(report: Report, where: Where, value: Any) -> None:
    if where.jsonata and is_expression(value):
        return
    if not isinstance(value, str):
        report.error(
            where.at("Timestamp"), where.state, f"Timestamp must be a string, not {describe(value)}"
        )
        return
    if parse_timestamp(value) is None:
        report.error(
            where.at("Timestamp"),
            where.state,
            f"Timestamp {quoted(value)} is not an ISO 8601 timestamp such as 2024-01-31T12:00:00Z",
        )


def check_label(report: Report, where: Where, value: Any) -> None:
    if not check_string(report, where, "Label", value):
        return
    if not value:
        report.error(where.at("Label"), where.state, "Label cannot be empty")
    elif len(value) > MAX_LABEL:
        report.error(where.at("Label"), where.state, f"Label has more than {MAX_LABEL} characters")
    elif bad := sorted({c for c in value if c in _LABEL_FORBIDDEN}):
        shown = ", ".join(repr(c) for c in bad)
        report.error(where.at("Label"), where.state, f"Label cannot contain {shown}")


def check_resource(report: Report, where: Where, value: Any, pointer: str) -> None:
    """An ARN; `${Name}` substitutions (CloudFormation DefinitionSubstitutions) may stand in
    for the whole of it or for parts."""
    if not isinstance(value, str):
        report.error(pointer, where.state, f"Resource must be an ARN string, not {describe(value)}")
        return
    if _WHOLE_SUBSTITUTION.fullmatch(value):
        return
    # A placeholder stands for any valid value of the slot it is in (`arn:${AWS::Partition}:`).
    text = _SUBSTITUTION.sub(_SLOT, value)
    problem = None
    if "${" in text:
        problem = "it has a '${' substitution that is not closed with '}'"
    elif text.startswith(_SLOT):
        return  # the placeholder holds the ARN's start: `${FunctionArn}:$LATEST`
    elif (arn := _ARN.fullmatch(text)) is None:
        problem = "it must look like arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE"
    elif _SLOT not in arn["partition"] and not _PARTITION.fullmatch(arn["partition"]):
        problem = f"{quoted(arn['partition'])} is not a partition such as aws or aws-cn"
    elif arn["resource"].endswith((":", "/")):
        problem = f"it ends with {quoted(arn['resource'][-1])}"
    elif arn["service"] == "lambda" and not _LAMBDA_FUNCTION.fullmatch(arn["resource"]):
        problem = "a Lambda ARN names function:NAME, optionally followed by :VERSION or :ALIAS"
    if problem is not None:
        report.error(
            pointer, where.state, f"Resource {quoted(value)} is not a valid ARN: {problem}"
        )


def at_most_one(report: Report, where: Where, raw: Mapping[str, Any], *fields: str) -> None:
    """Report each field after the first of a group that excludes one another."""
    present = [field for field in fields if field in raw]
    for extra in present[1:]:
        report.error(
            where.at(extra),
            where.state,
            f"{present[0]} and {extra} cannot both be given: keep only one",
        )


# --- Retry and Catch ----------------------------------------------------------------------------


def check_retry(report: Report, where: Where, value: Any) -> None:
    pointer = where.at("Retry")
    if not isinstance(value, list):
        report.error(
            pointer, where.state, f"Retry must be an array of retriers, not {describe(value)}"
        )
        return
    for index, retrier in enumerate(value):
        here = child(pointer, index)
        if not isinstance(retrier, dict):
            report.error(here, where.state, f"A retrier must be an object, not {describe(retrier)}")
            continue
        usable = check_object_fields(
            report, here, where.state, retrier, RETRIER_FIELDS, "a retrier"
        )
        check_error_equals(report, where, retrier, here, index == len(value) - 1, "retrier")
        for field, minimum, maximum in (
            ("IntervalSeconds", 1, MAX_SECONDS),
            ("MaxAttempts", 0, MAX_SECONDS),
            ("MaxDelaySeconds", 1, MAX_DELAY_SECONDS),
        ):
            if field in usable:
                check_integer(
                    report, where, field, retrier[field], minimum, maximum, child(here, field)
                )
        if "BackoffRate" in usable:
            rate = retrier["BackoffRate"]
            if not is_placeholder(rate) and (not is_number(rate) or rate < 1.0):
                got = str(rate) if is_number(rate) else describe(rate)
                report.error(
                    child(here, "BackoffRate"),
                    where.state,
                    f"BackoffRate must be a number of at least 1.0, not {got}",
                )
        if "JitterStrategy" in usable and retrier["JitterStrategy"] not in ("FULL", "NONE"):
            report.error(
                child(here, "JitterStrategy"),
                where.state,
                f"JitterStrategy must be FULL or NONE, not {quoted(retrier['JitterStrategy'])}",
            )


def check_catch(report: Report, where: Where, value: Any) -> None:
    pointer = where.at("Catch")
    if not isinstance(value, list):
        report.error(
            pointer, where.state, f"Catch must be an array of catchers, not {describe(value)}"
        )
        return
    for index, catcher in enumerate(value):
        here = child(pointer, index)
        if not isinstance(catcher, dict):
            report.error(here, where.state, f"A catcher must be an object, not {describe(catcher)}")
            continue
        usable = check_object_fields(
            report, here, where.state, catcher, CATCHER_FIELDS, "a catcher", where.language
        )
        check_error_equals(report, where, catcher, here, index == len(value) - 1, "catcher")
        if "Next" not in catcher:
            report.error(
                child(here, "Next"),
                where.state,
                "A catcher needs Next: the state to go to on a match",
            )
        if "ResultPath" in usable:
            check_path(
                report,
                where,
                "ResultPath",
                catcher["ResultPath"],
                child(here, "ResultPath"),
                reference=True,
                nullable=True,
            )
        if "Assign" in usable:
            check_assign(report, where, catcher["Assign"], child(here, "Assign"))
        if where.jsonata:
            for field in ("Assign", "Output"):
                if field in usable:
                    check_jsonata_strings(report, where, field, catcher[field], child(here, field))


def check_error_equals(
    report: Report, where: Where, rule: Mapping[str, Any], pointer: str, last: bool, kind: str
) -> None:
    here = child(pointer, "ErrorEquals")
    if "ErrorEquals" not in rule:
        report.error(here, where.state, f"A {kind} needs ErrorEquals: the error names it handles")
        return
    names = rule["ErrorEquals"]
    if not isinstance(names, list) or not names:
        got = "an empty array" if names == [] else describe(names)
        report.error(
            here, where.state, f"ErrorEquals must be a non-empty array of error names, not {got}"
        )
        return
    for index, name in enumerate(names):
        if not isinstance(name, str):
            report.error(
                child(here, index),
                where.state,
                f"An error name must be a string, not {describe(name)}",
            )
        elif name.startswith("States.") and name not in PREDEFINED and name not in report.thrown:
            # AWS deploys it: a Task or a Fail elsewhere may throw it; it is only suspicious.
            report.warning(
                child(here, index),
                where.state,
                f"{quoted(name)} is not one of Step Functions' own error names, and no Fail "
                "state of this machine throws it: check its spelling",
            )
    if ALL in names:
        if len(names) > 1:
            report.error(here, where.state, f"{ALL} must appear alone in its ErrorEquals")
        if not last:
            report.error(
                here,
                where.state,
                f"The {kind} with {ALL} must be the last one: the ones after it can never match",
            )
