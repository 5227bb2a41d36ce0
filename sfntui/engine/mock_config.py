"""Step Functions Local mock files (`MockConfigFile.json`), read and answered.

A file maps `StateMachines -> <name> -> TestCases -> <case> -> <state> -> <response name>`,
and `MockedResponses -> <response name> -> <invocation number or range "1-3"> -> Return|Throw`.
Invocations of a state are counted from 0 across the run, retries included.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfntui.asl.file_limits import read_limited_text
from sfntui.asl.strict_json import JsonValueError, parse_json
from sfntui.engine.tasks import Resource, TaskFailure, TaskInvocation


class MockConfigError(ValueError):
    """A mock file that cannot be used; the message is one sentence naming what is wrong."""


@dataclass(frozen=True)
class MockedResponse:
    """One response: a value to return, or an error to throw."""

    returns: Any = None
    throws: tuple[str | None, str | None] | None = None

    @classmethod
    def from_json(cls, raw: Any, where: str) -> MockedResponse:
        if not isinstance(raw, Mapping) or ("Return" in raw) == ("Throw" in raw):
            raise MockConfigError(f"{where} must hold exactly one of Return or Throw")
        if "Return" in raw:
            return cls(returns=raw["Return"])
        thrown = raw["Throw"]
        if not isinstance(thrown, Mapping):
            raise MockConfigError(f"{where}: Throw must be an object with Error and Cause")
        error, cause = thrown.get("Error"), thrown.get("Cause")
        return cls(
            throws=(None if error is None else str(error), None if cause is None else str(cause))
        )

    def answer(self) -> Any:
        if self.throws is not None:
            raise TaskFailure(*self.throws)
        return self.returns


class ResponseSequence:
    """The responses of one mocked state, by invocation number."""

    def __init__(self, by_range: list[tuple[int, int, MockedResponse]], name: str) -> None:
        self.by_range = sorted(by_range, key=lambda r: r[0])
        self.name = name

    @classmethod
    def from_json(cls, raw: Any, name: str) -> ResponseSequence:
        if isinstance(raw, list):
            items = [(i, i, MockedResponse.from_json(r, f"{name}[{i}]")) for i, r in enumerate(raw)]
            return cls(items, name)
        if not isinstance(raw, Mapping) or not raw:
            raise MockConfigError(f"the mocked response '{name}' must be a non-empty object")
        items = []
        for key, value in raw.items():
            first, _, last = str(key).partition("-")
            try:
                low, high = int(first), int(last or first)
            except ValueError:
                raise MockConfigError(
                    f"the mocked response '{name}' has a key '{key}' that is not an invocation "
                    'number or range such as "0" or "1-3"'
                ) from None
            items.append((low, high, MockedResponse.from_json(value, f"{name}['{key}']")))
        return cls(items, name)

    def response(self, invocation: int) -> MockedResponse:
        for low, high, response in self.by_range:
            if low <= invocation <= high:
                return response
        raise TaskFailure(
            "States.Runtime",
            f"The mocked response '{self.name}' has no answer for invocation {invocation}.",
        )


class MockResolver:
    """Answers the states a test case mocks; everything else falls through the chain."""

    def __init__(self, responses: Mapping[str, ResponseSequence]) -> None:
        self.responses = dict(responses)

    def handles(self, state: str, resource: Resource) -> bool:
        return state in self.responses

    async def invoke(self, invocation: TaskInvocation) -> Any:
        sequence = self.responses[invocation.state]
        response = sequence.response(invocation.invocation)
        if invocation.resource.pattern == "waitForTaskToken":
            invocation.extra["callback_answered"] = True
        return response.answer()


@dataclass(frozen=True)
class MockConfig:
    raw: Mapping[str, Any]
    file: str | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MockConfig:
        try:
            raw = parse_json(read_limited_text(path, "mock file"), f"{path}: the mock file")
        except FileNotFoundError:
            raise MockConfigError(f"{path}: no such mock file") from None
        except JsonValueError as exc:
            if exc.line:
                raise MockConfigError(
                    f"{path}:{exc.line}:{exc.column}: the mock file is {exc.reason}"
                ) from None
            raise MockConfigError(str(exc)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MockConfigError(f"{path}: cannot read the mock file: {exc}") from None
        config = cls(raw, str(path))
        config.check()
        return config

    def check(self) -> None:
        where = self.file or "mock file"
        if not isinstance(self.raw, Mapping):
            raise MockConfigError(f"{where}: a mock file must be a JSON object")
        machines = self.raw.get("StateMachines")
        responses = self.raw.get("MockedResponses", {})
        if not isinstance(machines, Mapping):
            raise MockConfigError(f"{where}: StateMachines must be an object")
        if not isinstance(responses, Mapping):
            raise MockConfigError(f"{where}: MockedResponses must be an object")
        for name, raw in responses.items():
            try:
                ResponseSequence.from_json(raw, name)
            except MockConfigError as exc:
                raise MockConfigError(f"{where}: {exc}") from None
        for machine, body in machines.items():
            cases = body.get("TestCases") if isinstance(body, Mapping) else None
            if not isinstance(cases, Mapping):
                raise MockConfigError(f"{where}: StateMachines.{machine} needs a TestCases object")
            for case, states in cases.items():
                if not isinstance(states, Mapping):
                    raise MockConfigError(
                        f"{where}: the test case '{machine}.{case}' must map states to responses"
                    )
                for state, response in states.items():
                    if response not in responses:
                        raise MockConfigError(
                            f"{where}: the test case '{machine}.{case}' maps state '{state}' to "
                            f"'{response}', which MockedResponses does not define"
                        )

    def machines(self) -> list[str]:
        return list(self.raw.get("StateMachines", {}))

    def test_cases(self, machine: str) -> list[str]:
        return list(self._machine(machine).get("TestCases", {}))

    def _machine(self, machine: str) -> Mapping[str, Any]:
        machines = self.raw.get("StateMachines", {})
        if machine not in machines:
            known = ", ".join(sorted(machines)) or "none"
            raise MockConfigError(
                f"the mock file has no state machine '{machine}' (it has: {known})"
            )
        return machines[machine]

    def resolver(
        self, machine: str, test_case: str, state_names: set[str] | None = None
    ) -> MockResolver:
        cases = self._machine(machine).get("TestCases", {})
        if test_case not in cases:
            known = ", ".join(sorted(cases)) or "none"
            raise MockConfigError(
                f"the state machine '{machine}' has no test case '{test_case}' (it has: {known})"
            )
        mapping = cases[test_case]
        if state_names is not None:
            unknown = sorted(set(mapping) - state_names)
            if unknown:
                raise MockConfigError(
                    f"the test case '{machine}.{test_case}' mocks state(s) the definition does "
                    f"not have: {', '.join(unknown)}"
                )
        responses = self.raw.get("MockedResponses", {})
        return MockResolver(
            {
                state: ResponseSequence.from_json(responses[name], name)
                for state, name in mapping.items()
            }
        )
