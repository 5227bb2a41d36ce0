"""The expectations file of `sfntui test`, read strictly: a typo is an error, never a pass.

An expectations file says how each case of a mock file should end. If a key were ignored
because it is misspelt (`Output`, `ouput`), or a case name matched no case of the mock file,
the check it meant would silently not run, and CI would pass. So every key is checked against
the ones this file knows, a wrongly cased key is named with the right spelling, and every
machine and case must be one the mock file has; any of these is a UsageError (exit 2).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from sfntui.asl.file_limits import read_limited_text
from sfntui.asl.strict_json import JsonValueError, check_json_value, parse_json
from sfntui.commands.local_options import UsageError
from sfntui.engine.mock_config import MockConfig

#: The keys of one test case's expectations.
CASE_KEYS = ("input", "input_file", "status", "output", "error", "cause", "entered", "not_entered")
STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def read_expectations(path: Path, config: MockConfig) -> dict[str, Any]:
    """The expectations file's content, checked against `config`'s machines and cases."""
    import yaml

    try:
        text = read_limited_text(path, "expectations")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the expectations file: {exc}") from None
    what = f"{path}: the expectations file"
    try:
        if path.suffix == ".json":
            data = parse_json(text, what)
        else:
            data = yaml.safe_load(text)
            check_json_value(data, what)
    except JsonValueError as exc:
        raise UsageError(str(exc)) from None
    except RecursionError:
        raise UsageError(f"{what} is nested too deeply") from None
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{what} is not valid JSON or YAML: {_first_line(exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("StateMachines", {}), dict):
        raise UsageError(f"{path}: an expectations file must hold a StateMachines object")
    _check_keys(data, ("StateMachines",), f"{path}")
    machines = config.machines()
    for machine, machine_expectations in data.get("StateMachines", {}).items():
        where = f"{path}: StateMachines.{machine}"
        if machine not in machines:
            raise UsageError(_unknown_name(where, "state machine", machine, machines))
        if machine_expectations is None:
            continue
        if not isinstance(machine_expectations, dict):
            raise UsageError(f"{where} must be an object with TestCases")
        _check_keys(machine_expectations, ("TestCases",), where)
        cases = machine_expectations.get("TestCases") or {}
        if not isinstance(cases, dict):
            raise UsageError(f"{where}.TestCases must be an object of test cases")
        known_cases = config.test_cases(machine)
        for case, expect in cases.items():
            case_where = f"{where}.TestCases.{case}"
            if case not in known_cases:
                raise UsageError(_unknown_name(case_where, "test case", str(case), known_cases))
            if expect is None:
                continue
            if not isinstance(expect, dict):
                raise UsageError(f"{case_where} must be an object of expectations")
            _check_keys(expect, CASE_KEYS, case_where)
            _check_case(expect, case_where)
    return data


def _check_keys(found: dict[Any, Any], known: tuple[str, ...], where: str) -> None:
    for key in found:
        if key in known:
            continue
        text = str(key)
        same_letters = [k for k in known if k.lower() == text.lower()]
        if same_letters:
            hint = f"; it is spelt {same_letters[0]}"
        else:
            close = difflib.get_close_matches(text, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f" (known: {', '.join(known)})"
        raise UsageError(f"{where}: unknown key {text!r}{hint}")


def _check_case(expect: dict[str, Any], where: str) -> None:
    status = expect.get("status")
    if status is not None and status not in STATUSES:
        raise UsageError(f"{where}.status is {status!r}; it must be one of {', '.join(STATUSES)}")
    for key in ("entered", "not_entered"):
        names = expect.get(key)
        if names is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            raise UsageError(f"{where}.{key} must be a list of state names")
    if "input" in expect and "input_file" in expect:
        raise UsageError(f"{where} has both input and input_file; keep one")


def _unknown_name(where: str, kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    listed = ", ".join(known) or "none"
    return f"{where}: the mock file has no {kind} {name!r}{hint} (it has: {listed})"


def read_case_input(base: Path, name: Any, case: str) -> Any:
    """The input of a case given as `input_file`, read beside the expectations file."""
    if not isinstance(name, str):
        raise UsageError(f"the test case '{case}': input_file must be a file name")
    path = base / name
    try:
        text = read_limited_text(path, "input")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"{path}: cannot read the input file of test case '{case}': {exc}"
        ) from None
    try:
        return parse_json(text, f"{path} (the input of test case '{case}')")
    except JsonValueError as exc:
        raise UsageError(str(exc)) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
