"""What a run of states produces and passes around: a result, a thread of control, a failure.

Below the interpreter and the state runners, which both use these.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass
from typing import Any

from sfntui.engine.recorder import Thread

#: AWS's payload quota for a state's input, output and a task's result, in UTF-8 bytes.
MAX_PAYLOAD_BYTES = 256 * 1024


@dataclass
class ExecutionResult:
    status: str  # SUCCEEDED | FAILED | TIMED_OUT | ABORTED
    output: Any = None
    error: str | None = None
    cause: str | None = None

    def as_json(self) -> dict[str, Any]:
        if self.status == "SUCCEEDED":
            return {"status": self.status, "output": self.output}
        return {"status": self.status, "error": self.error, "cause": self.cause}


@dataclass(slots=True)
class ExecutionFrame:
    """One thread of control: the execution itself, a Parallel branch or a Map iteration."""

    thread: Thread
    variables: ChainMap[str, Any]
    location: tuple[tuple[str, str, int], ...] = ()
    parent: ExecutionFrame | None = None
    #: Set when a sibling's failure stops this branch or iteration (AWS writes *Aborted).
    aborted: bool = False

    def child(self, kind: str, state: str, index: int) -> ExecutionFrame:
        return ExecutionFrame(
            thread=self.thread.fork(),
            variables=self.variables.new_child(),
            location=(*self.location, (kind, state, index)),
            parent=self,
        )

    def is_aborted(self) -> bool:
        """Stopped because a sibling failed, here or in an enclosing branch or iteration."""
        frame: ExecutionFrame | None = self
        while frame is not None:
            if frame.aborted:
                return True
            frame = frame.parent
        return False


class StateFailed(Exception):
    """A state failed with an error that no Catch of its own took: it propagates upward."""

    def __init__(self, error: str | None, cause: str | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.cause = cause


def error_details(failure: StateFailed) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if failure.error is not None:
        details["error"] = failure.error
    if failure.cause:
        details["cause"] = failure.cause
    return details


def too_big(text: str) -> bool:
    return len(text) > MAX_PAYLOAD_BYTES // 4 and len(text.encode()) > MAX_PAYLOAD_BYTES


def in_state_cause(state: str, entered_event_id: int, cause: str | None) -> str:
    """The cause of an error AWS reports "in" a state, located as AWS locates it."""
    return (
        f"An error occurred while executing the state '{state}' "
        f"(entered at the event id #{entered_event_id}). {cause}"
    )
