"""Small HTTP endpoints on 127.0.0.1 for what moto cannot show.

`FakeEndpoint` speaks the AWS JSON protocol (`X-Amz-Target: AWSStepFunctions.<Action>`): each
action is answered by a handler, and every request is recorded. With `upstream` set, actions
without a handler are forwarded to that server (moto), so one test can change a single
action's behaviour: throttle it, or page it the way AWS does where moto does not. A handler
may also return a `Delivery`, which writes (or does not write) the answer itself: a reset, a
stall, a body cut short (see `fault_endpoint.py`).
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: (HTTP status, JSON body) for one request.
Reply = tuple[int, dict[str, Any]]
#: Writes the answer to one request itself, on the request handler it is given.
Delivery = Callable[[BaseHTTPRequestHandler], None]
Handler = Callable[[dict[str, Any]], Reply | Delivery]


@dataclass
class Request:
    action: str
    body: dict[str, Any]


@dataclass
class FakeEndpoint:
    handlers: dict[str, Handler] = field(default_factory=dict)
    upstream: str | None = None
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        endpoint = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                target = self.headers.get("X-Amz-Target", "")
                action = target.rsplit(".", 1)[-1]
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                endpoint.requests.append(Request(action, body))
                handler = endpoint.handlers.get(action)
                if handler is None and endpoint.upstream:
                    status, data, content_type = endpoint.forward(raw, dict(self.headers))
                else:
                    answer = handler(body) if handler else _unknown(action)
                    if callable(answer):
                        answer(self)
                        return
                    status, reply = answer
                    data = json.dumps(reply, default=_json_default).encode()
                    content_type = "application/x-amz-json-1.0"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.stopping = threading.Event()
        self.server = _QuietServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeEndpoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # deliveries that stall stop waiting
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeEndpoint:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def actions(self, name: str) -> list[Request]:
        return [request for request in self.requests if request.action == name]

    def forward(self, raw: bytes, headers: dict[str, str]) -> tuple[int, bytes, str]:
        assert self.upstream is not None
        request = urllib.request.Request(self.upstream + "/", data=raw, method="POST")
        for key in ("X-Amz-Target", "Content-Type", "Authorization", "X-Amz-Date"):
            if key in headers:
                request.add_header(key, headers[key])
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.read(), response.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get("Content-Type", "")

    def upstream_call(self, action: str, body: dict[str, Any], region: str) -> dict[str, Any]:
        """Call `action` on the upstream server and return its JSON answer."""
        status, data, _ = self.forward(
            json.dumps(body).encode(),
            {
                "X-Amz-Target": f"AWSStepFunctions.{action}",
                "Content-Type": "application/x-amz-json-1.0",
                "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20240101/{region}/"
                "states/aws4_request, SignedHeaders=host, Signature=x",
            },
        )
        assert status == 200, data
        return json.loads(data)


class _QuietServer(ThreadingHTTPServer):
    """A server that does not print a traceback when a client (or a fault) drops a connection."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def error(code: str, message: str = "", status: int = 400) -> Reply:
    return status, {"__type": code, "message": message}


def throttle_then(times: int, then: Handler) -> Handler:
    """A handler answering ThrottlingException `times` times, then as `then` does."""
    left = [times]

    def handle(body: dict[str, Any]) -> Reply:
        if left[0] > 0:
            left[0] -= 1
            return error("ThrottlingException", "Rate exceeded")
        return then(body)

    return handle


def aws_paged_history(endpoint: FakeEndpoint) -> Handler:
    """GetExecutionHistory as AWS pages it (reverseOrder, maxResults, nextToken), over moto's
    whole history; the client sees what it would see from AWS."""

    def handle(body: dict[str, Any]) -> Reply:
        arn = body["executionArn"]
        region = arn.split(":")[3]
        whole = endpoint.upstream_call("GetExecutionHistory", {"executionArn": arn}, region)
        newest_first = bool(body.get("reverseOrder"))
        events = sorted(whole["events"], key=lambda e: e["id"], reverse=newest_first)
        start = int(body.get("nextToken") or 0)
        size = int(body.get("maxResults") or 100) or 100
        page = events[start : start + size]
        reply: dict[str, Any] = {"events": page}
        if start + size < len(events):
            reply["nextToken"] = str(start + size)
        return 200, reply

    return handle


def _unknown(action: str) -> Reply:
    return error("UnknownOperationException", f"{action} is not scripted", 400)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(type(value).__name__)
