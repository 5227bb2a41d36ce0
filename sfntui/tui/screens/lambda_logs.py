"""A Lambda Task's invocation log beside its failure: the error and cause Step Functions
recorded, and under them the function's own log lines for that invocation (CloudWatch Logs,
found by the invocation's request id, bounded to the Task's time).

Reached with `L` on a Lambda Task selected in the graph, when the backend has `logs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sfntui.backends import Backend
from sfntui.history.invocation import LambdaInvocation


def visible(text: str) -> str:
    """Control characters made visible (a log line is outside text)."""
    return "".join(c if c.isprintable() or c == "\t" else f"\\x{ord(c):02x}" for c in text)


def event_time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.now(UTC)


class LambdaLogsScreen(Screen[None]):
    """One invocation's log lines, under the failure they explain."""

    BINDINGS = [Binding("escape,L", "app.pop_screen", "Back", id="lambda_logs.back")]

    @dataclass
    class LinesRead(Message):
        lines: list[tuple[datetime, str]]

    def __init__(
        self,
        backend: Backend,
        invocation: LambdaInvocation,
        state_name: str,
        span: tuple[datetime, datetime],
        failure: tuple[str | None, str | None],
    ) -> None:
        super().__init__()
        self.backend = backend
        self.invocation = invocation
        self.state_name = state_name
        self.span = span
        self.failure = failure
        self.lines: list[tuple[datetime, str]] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        error, cause = self.failure
        head = Text()
        if error or cause:
            head.append(f"{error or ''}", style="bold red")
            head.append(f"  {visible(cause or '')}")
        else:
            head.append("The task did not fail.", style="green")
        yield Static(head, id="lambda-failure")
        with VerticalScroll(id="lambda-lines"):
            yield Static("Reading the function's log…", id="lambda-log")
        yield Footer()

    def on_mount(self) -> None:
        function = self.invocation.function
        self.sub_title = f"{self.state_name} · {function} · {self.invocation.request_id}"
        self.query_one("#lambda-lines").focus()
        self.read_lines()

    @work(exclusive=True, group="lambda-logs", exit_on_error=False)
    async def read_lines(self) -> None:
        request_id = self.invocation.request_id or ""
        start, end = self.span
        lines = await self.backend.invocation_logs(
            self.invocation.function, request_id, start, end
        )
        self.post_message(self.LinesRead(lines))

    def on_lambda_logs_screen_lines_read(self, message: LinesRead) -> None:
        self.lines = message.lines
        text = Text()
        for at, line in message.lines:
            text.append(f"{at:%H:%M:%S.%f}"[:12] + "  ", style="dim")
            text.append(visible(line) + "\n")
        if not message.lines:
            text.append("No log lines carry this request id in that time (log delivery can lag).")
        self.query_one("#lambda-log", Static).update(text)
