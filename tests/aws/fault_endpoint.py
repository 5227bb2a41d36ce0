"""A Step Functions endpoint of our own that fails on purpose, per a script the test gives.

`FaultyStepFunctions` keeps a few state machines and executions in memory and answers
ListStateMachines, ListExecutions, DescribeExecution and GetExecutionHistory as AWS does
(pages of `maxResults` with a `nextToken`, `reverseOrder`). A running execution's history
grows by `events_per_read` on each GetExecutionHistory request, and it ends with the last one.

`script` holds, per action, what each request in turn meets: None (a good answer) or a fault
(a name below); requests past the end of the list are answered well. `always` makes an action
fail the same way every time. Every request is recorded with the fault it met.

Faults: "unavailable" (HTTP 503, an HTML page), "internal" (HTTP 500, InternalFailure),
"throttle" (HTTP 400 ThrottlingException), "expired" (HTTP 400 ExpiredTokenException),
"denied" (HTTP 400 AccessDeniedException),
"reset" (the connection reset without an answer), "stall" (no answer for `stall_seconds`,
then the connection closed), "cut" (the body cut short of its Content-Length), "malformed"
(HTTP 200 and a body that is not JSON), "gap" (a page with an event left out), "short" (a
page that is not the last, without its last event), "repeat" (a
page with an event twice), "loop" (a page whose nextToken is the token it was asked with),
"endless" (a nextToken on every page, past the end too: empty pages for ever),
"oversized" (a page three times longer than maxResults).
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .endpoints import Delivery, FakeEndpoint, Reply, error

ACCOUNT = "123456789012"
REGION = "us-east-1"
_START = 1_764_979_200.0  # 2025-12-06T00:00:00Z
_JSON = "application/x-amz-json-1.0"


@dataclass
class FakeExecution:
    arn: str
    machine_arn: str
    events: list[dict[str, Any]]
    #: Events GetExecutionHistory shows now; a running execution shows more on each read.
    visible: int
    events_per_read: int = 0

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]

    @property
    def status(self) -> str:
        if self.visible < len(self.events):
            return "RUNNING"
        return {
            "ExecutionSucceeded": "SUCCEEDED",
            "ExecutionFailed": "FAILED",
            "ExecutionAborted": "ABORTED",
            "ExecutionTimedOut": "TIMED_OUT",
        }.get(self.events[-1]["type"], "RUNNING")

    def summary(self) -> dict[str, Any]:
        item = {
            "executionArn": self.arn,
            "stateMachineArn": self.machine_arn,
            "name": self.name,
            "status": self.status,
            "startDate": self.events[0]["timestamp"],
        }
        if self.status != "RUNNING":
            item["stopDate"] = self.events[-1]["timestamp"]
        return item


def history(length: int, *, ending: str = "ExecutionSucceeded") -> list[dict[str, Any]]:
    """A history of `length` events (ids 1..length): started, Pass states, and `ending`."""
    events: list[dict[str, Any]] = [
        _event(
            1,
            "ExecutionStarted",
            executionStartedEventDetails={
                "input": "{}",
                "roleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
            },
        )
    ]
    for event_id in range(2, length):
        kind = "PassStateEntered" if event_id % 2 == 0 else "PassStateExited"
        name = f"Step{event_id // 2}"
        key = "stateEnteredEventDetails" if kind.endswith("Entered") else "stateExitedEventDetails"
        events.append(_event(event_id, kind, **{key: {"name": name, "input": "{}"}}))
    if ending == "ExecutionSucceeded":
        events.append(_event(length, ending, executionSucceededEventDetails={"output": "{}"}))
    else:
        events.append(_event(length, ending, executionFailedEventDetails={"error": "E"}))
    return events


def _event(event_id: int, kind: str, **details: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "previousEventId": event_id - 1,
        "timestamp": _START + event_id / 1000,
        "type": kind,
        **details,
    }


@dataclass
class FaultyStepFunctions:
    script: dict[str, list[str | None]] = field(default_factory=dict)
    always: dict[str, str] = field(default_factory=dict)
    #: How long a "stall" keeps the request without an answer (it ends sooner when stopped).
    stall_seconds: float = 5.0
    machines: dict[str, str] = field(default_factory=dict)
    executions: dict[str, FakeExecution] = field(default_factory=dict)
    #: (action, fault met or None) per request, in order.
    log: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], Reply | Delivery]] = {
            action: self._handler(action, answer)
            for action, answer in {
                "ListStateMachines": self._list_state_machines,
                "ListExecutions": self._list_executions,
                "DescribeExecution": self._describe_execution,
                "GetExecutionHistory": self._get_execution_history,
                "DescribeStateMachine": self._describe_state_machine,
                "DescribeStateMachineForExecution": self._describe_machine_for_execution,
            }.items()
        }
        self.endpoint = FakeEndpoint(handlers)

    # -- set-up ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.endpoint.url

    def __enter__(self) -> FaultyStepFunctions:
        self.endpoint.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.endpoint.stop()

    def add_machine(self, name: str) -> str:
        arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"
        self.machines[arn] = name
        return arn

    def add_execution(
        self,
        machine_arn: str,
        name: str,
        events: list[dict[str, Any]],
        *,
        visible: int | None = None,
        events_per_read: int = 0,
    ) -> str:
        machine = machine_arn.rsplit(":", 1)[-1]
        arn = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine}:{name}"
        shown = len(events) if visible is None else visible
        self.executions[arn] = FakeExecution(arn, machine_arn, events, shown, events_per_read)
        return arn

    def faults(self, action: str) -> list[str]:
        """The faults requests of `action` met, in order."""
        return [fault for name, fault in self.log if name == action and fault]

    def requests(self, action: str) -> int:
        return sum(1 for name, _ in self.log if name == action)

    # -- answering -------------------------------------------------------------------------

    def _handler(
        self, action: str, answer: Callable[[dict[str, Any], str | None], Reply]
    ) -> Callable[[dict[str, Any]], Reply | Delivery]:
        def handle(body: dict[str, Any]) -> Reply | Delivery:
            planned = self.script.get(action) or []
            fault = self.always.get(action) or (planned.pop(0) if planned else None)
            self.log.append((action, fault))
            if fault in ("gap", "short", "repeat", "loop", "endless", "oversized", None):
                reply = answer(body, fault)
                return reply
            return self._fault(fault, action, body, answer)

        return handle

    def _fault(
        self,
        fault: str,
        action: str,
        body: dict[str, Any],
        answer: Callable[[dict[str, Any], str | None], Reply],
    ) -> Reply | Delivery:
        if fault == "throttle":
            return error("ThrottlingException", "Rate exceeded")
        if fault == "expired":
            return error(
                "ExpiredTokenException", "The security token included in the request is expired"
            )
        if fault == "denied":
            return error("AccessDeniedException", "not authorized")
        if fault == "internal":
            return error("InternalFailure", "", status=500)
        if fault == "unavailable":
            return _raw(503, b"<html><body>Service Unavailable</body></html>", "text/html")
        if fault == "reset":
            return _reset
        if fault == "stall":
            return self._stall
        status, reply = answer(body, None)
        data = json.dumps(reply).encode()
        if fault == "malformed":
            return _raw(200, data[: len(data) // 2], _JSON)
        if fault == "cut":
            return _cut(status, data)
        raise ValueError(f"no fault named {fault!r}")

    def _stall(self, request: BaseHTTPRequestHandler) -> None:
        self.endpoint.stopping.wait(self.stall_seconds)
        request.close_connection = True

    def _list_state_machines(self, body: dict[str, Any], fault: str | None) -> Reply:
        items = [
            {"stateMachineArn": arn, "name": name, "type": "STANDARD", "creationDate": _START}
            for arn, name in self.machines.items()
        ]
        return 200, _page(items, "stateMachines", body, fault)

    def _list_executions(self, body: dict[str, Any], fault: str | None) -> Reply:
        machine = body.get("stateMachineArn")
        items = [
            execution.summary()
            for execution in reversed(self.executions.values())
            if execution.machine_arn == machine
            and body.get("statusFilter") in (None, execution.status)
        ]
        return 200, _page(items, "executions", body, fault)

    def _describe_execution(self, body: dict[str, Any], fault: str | None) -> Reply:
        execution = self.executions.get(body.get("executionArn", ""))
        if execution is None:
            return error("ExecutionDoesNotExist", "Execution does not exist")
        return 200, {**execution.summary(), "input": "{}"}

    def _describe_state_machine(self, body: dict[str, Any], fault: str | None) -> Reply:
        arn = body.get("stateMachineArn", "")
        if arn not in self.machines:
            return error("StateMachineDoesNotExist", "State Machine does not exist")
        runs = [e for e in self.executions.values() if e.machine_arn == arn]
        return 200, _machine(arn, self.machines[arn], runs[0].events if runs else [])

    def _describe_machine_for_execution(self, body: dict[str, Any], fault: str | None) -> Reply:
        execution = self.executions.get(body.get("executionArn", ""))
        if execution is None:
            return error("ExecutionDoesNotExist", "Execution does not exist")
        name = self.machines.get(execution.machine_arn, "machine")
        return 200, _machine(execution.machine_arn, name, execution.events)

    def _get_execution_history(self, body: dict[str, Any], fault: str | None) -> Reply:
        execution = self.executions.get(body.get("executionArn", ""))
        if execution is None:
            return error("ExecutionDoesNotExist", "Execution does not exist")
        if "nextToken" not in body:  # a new read: a running execution has moved on
            execution.visible = min(
                len(execution.events), execution.visible + execution.events_per_read
            )
        events = execution.events[: execution.visible]
        if body.get("reverseOrder"):
            events = events[::-1]
        return 200, _page(events, "events", body, fault)


def _machine(arn: str, name: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The machine a `history` ran: its Pass states in the order they were entered."""
    names = [
        e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e
    ]
    names = list(dict.fromkeys(names)) or ["Step1"]
    states: dict[str, Any] = {
        state: {"Type": "Pass", **({"Next": after} if after else {"End": True})}
        for state, after in zip(names, [*names[1:], None], strict=True)
    }
    definition = json.dumps({"StartAt": names[0], "States": states})
    return {
        "stateMachineArn": arn,
        "name": name,
        "definition": definition,
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
        "type": "STANDARD",
        "status": "ACTIVE",
        "creationDate": _START,
        "updateDate": _START,
    }


def _page(items: list[dict[str, Any]], key: str, body: dict[str, Any], fault: str | None) -> Any:
    start = int(body["nextToken"].removeprefix("page-")) if body.get("nextToken") else 0
    size = min(1000, int(body.get("maxResults") or 100) or 100)
    if fault == "oversized":
        size *= 3
    page = list(items[start : start + size])
    reply: dict[str, Any] = {key: page}
    if start + size < len(items):
        reply["nextToken"] = f"page-{start + size}"
    if fault == "loop" and body.get("nextToken"):
        reply["nextToken"] = body["nextToken"]
    elif fault == "endless":
        reply["nextToken"] = f"page-{start + size}"
    elif fault == "gap" and len(page) > 2:
        del page[len(page) // 2]
    elif fault == "short" and page and "nextToken" in reply:
        del page[-1]
    elif fault == "repeat" and len(page) > 2:
        page.insert(len(page) // 2, page[len(page) // 2])
    return reply


def _raw(status: int, data: bytes, content_type: str) -> Delivery:
    def deliver(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    return deliver


def _cut(status: int, data: bytes) -> Delivery:
    """Headers promising the whole body, half of it, and the connection closed."""

    def deliver(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        request.send_header("Content-Type", _JSON)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data[: len(data) // 2])
        request.wfile.flush()
        _hang_up(request, reset=False)

    return deliver


def _reset(request: BaseHTTPRequestHandler) -> None:
    """No answer: the connection reset (RST), as a load balancer dropping it would."""
    _hang_up(request, reset=True)


def _hang_up(request: BaseHTTPRequestHandler, *, reset: bool) -> None:
    connection: socket.socket = request.connection
    if reset:  # linger 0: close sends RST instead of FIN
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    request.close_connection = True
    try:
        connection.shutdown(socket.SHUT_RDWR) if not reset else None
    finally:
        connection.close()
