"""Which executions the sidebar shows, from what is typed into its filter box (key `f`).

Each word is either a status (`failed`, `running`, `timed_out`, `aborted`, `succeeded`,
`pending_redrive`, or a prefix of one at least three letters long: `fail`, `time`) or a
piece of the execution's name, matched case-insensitively. An execution is shown when its
status is one of the statuses named (any, if none is) and its name holds every piece:
`failed order-` shows the failed executions whose names hold "order-".
"""

from __future__ import annotations

from dataclasses import dataclass

from sfntui.history.records import ExecutionSummary

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")


@dataclass(frozen=True)
class ExecutionFilter:
    statuses: frozenset[str] = frozenset()
    name_pieces: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> ExecutionFilter:
        statuses: set[str] = set()
        pieces: list[str] = []
        for word in text.split():
            named = _status_named(word)
            if named is not None:
                statuses.add(named)
            else:
                pieces.append(word.casefold())
        return cls(frozenset(statuses), tuple(pieces))

    @property
    def is_empty(self) -> bool:
        return not self.statuses and not self.name_pieces

    def matches(self, execution: ExecutionSummary) -> bool:
        if self.statuses and execution.status not in self.statuses:
            return False
        name = execution.name.casefold()
        return all(piece in name for piece in self.name_pieces)


def _status_named(word: str) -> str | None:
    wanted = word.upper().replace("-", "_")
    if wanted in STATUSES:
        return wanted
    if len(wanted) >= 3:
        found = [status for status in STATUSES if status.startswith(wanted)]
        if len(found) == 1:
            return found[0]
    return None
