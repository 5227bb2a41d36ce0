"""Runs one case of ../shared/conformance/ through the engine and says how it differs from AWS.

The README beside the cases is the contract: a virtual clock; Lambda tasks answered by the
recorded mocks or, where none were recorded, by a local handler written for the function's
`kind`; other service tasks by the mocks; then status, output or error/cause and the event
types compared, with `masks` tokens matching any run of characters.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from sfntui.asl.parse import parse_state_machine
from sfntui.engine.clock import VirtualClock
from sfntui.engine.handlers import PythonHandlers
from sfntui.engine.interpreter import LocalExecution, RunOptions
from sfntui.engine.mock_config import MockResolver, ResponseSequence
from sfntui.engine.tasks import ResolverChain

CASES_DIR = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases"


def load_cases() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(CASES_DIR.glob("*.json"))]


def uses_jsonata(case: dict[str, Any]) -> bool:
    return "jsonata" in case["features"]["features"] or "JSONata" in json.dumps(case["definition"])


def areas(case: dict[str, Any]) -> list[str]:
    features = case["features"]
    found = list(features["features"]) + [f"state:{t}" for t in features["state_types"]]
    return found or ["basic"]


class CustomException(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def handler_for(kind: str, clock: VirtualClock) -> Any:
    """The local stand-in for each recorded Lambda function's kind."""

    def id_function(event: Any, context: Any) -> Any:
        return event

    def echo_function(event: Any, context: Any) -> Any:
        return {"Return": "HelloWorld"}

    def raise_exception(event: Any, context: Any) -> Any:
        raise Exception("Some exception was raised.")

    def raise_custom_exception(event: Any, context: Any) -> Any:
        raise CustomException("CustomException message")

    def return_bytes_str(event: Any, context: Any) -> Any:
        return b'"HelloWorld!"'

    def large_output_string(event: Any, context: Any) -> Any:
        return ("a" * (257 * 1024)).encode()

    async def wait_60_seconds(event: Any, context: Any) -> Any:
        await clock.sleep(60)
        return event

    return {
        "id_function": id_function,
        "echo_function": echo_function,
        "raise_exception": raise_exception,
        "raise_custom_exception": raise_custom_exception,
        "return_bytes_str": return_bytes_str,
        "large_output_string": large_output_string,
        "wait_60_seconds": wait_60_seconds,
    }[kind]


def run_case(case: dict[str, Any]) -> tuple[LocalExecution, Any]:
    clock = VirtualClock()
    machine = parse_state_machine(case["definition"])
    resolvers: list[Any] = []
    mocks = case.get("mocks") or {}
    if mocks:
        resolvers.append(
            MockResolver({s: ResponseSequence.from_json(r, s) for s, r in mocks.items()})
        )
    handlers = PythonHandlers(
        {arn: handler_for(h["kind"], clock) for arn, h in (case.get("handlers") or {}).items()}
    )
    resolvers.append(handlers)
    execution = LocalExecution(
        machine,
        case.get("input"),
        clock=clock,
        resolvers=ResolverChain(resolvers),
        options=RunOptions(
            name="conformance",
            state_machine_name="Conformance",
            execution_type="EXPRESS" if "express" in (case.get("flags") or []) else "STANDARD",
        ),
    )
    result = asyncio.run(execution.run())
    return execution, result


def _mask_pattern(expected: str, masks: list[str]) -> re.Pattern[str]:
    pattern = re.escape(expected)
    for token in sorted(masks, key=len, reverse=True):
        pattern = pattern.replace(re.escape(token), ".*?")
    return re.compile(pattern, re.DOTALL)


def same_json(expected: Any, actual: Any, masks: list[str]) -> bool:
    """Equal as JSON values, number types kept; strings may hold mask tokens."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(same_json(v, actual[k], masks) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(same_json(e, a, masks) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, str) and masks and any(t in expected for t in masks):
        return (
            isinstance(actual, str) and _mask_pattern(expected, masks).fullmatch(actual) is not None
        )
    if type(expected) is not type(actual):
        return False
    return bool(expected == actual)


def differences(case: dict[str, Any]) -> list[str]:
    """What the engine did differently from the recording; empty when it conforms."""
    execution, result = run_case(case)
    expected = case["expected"]
    masks = case.get("masks") or []
    flags = set(case.get("flags") or [])
    problems: list[str] = []
    if result.status != expected["status"]:
        problems.append(
            f"status {result.status} ({result.error}: {result.cause}), "
            f"expected {expected['status']}"
        )
        return problems
    nondeterministic = "nondeterministic" in flags
    if result.status == "SUCCEEDED":
        if not nondeterministic and not same_json(expected.get("output"), result.output, masks):
            problems.append(
                f"output {json.dumps(result.output)[:600]}\n  expected "
                f"{json.dumps(expected.get('output'))[:600]}"
            )
    else:
        if expected.get("error") != result.error:
            problems.append(f"error {result.error!r}, expected {expected.get('error')!r}")
        if "cause_json" in expected:
            try:
                actual_cause = json.loads(result.cause or "")
            except ValueError:
                actual_cause = result.cause
            if not same_json(expected["cause_json"], actual_cause, masks):
                problems.append(f"cause {result.cause!r}, expected JSON {expected['cause_json']!r}")
        elif not same_json(expected.get("cause"), result.cause, masks):
            problems.append(f"cause {result.cause!r}, expected {expected.get('cause')!r}")
    if case.get("events") and "express" not in flags:
        actual = [e["type"] for e in execution.history.events]
        wanted = case["events"]
        if "event-order-may-vary" in flags:
            if Counter(actual) != Counter(wanted):
                problems.append(f"events {actual}, expected (any order) {wanted}")
        elif actual != wanted:
            problems.append(f"events {actual}\n  expected {wanted}")
    return problems
