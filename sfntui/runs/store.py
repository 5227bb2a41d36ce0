"""The run store: every local run, written as it goes, read back after a restart.

One SQLite file (`$XDG_DATA_HOME/sfntui/runs.sqlite3`, else `~/.local/share/sfntui/...`),
in WAL mode so a reader never blocks the writer. A run's row is written when it starts,
its events are appended in batches as the engine writes them (each batch one transaction),
and the row is finished with its status when it ends: a terminal killed mid-run loses at
most the last batch, and never a run that had finished. Events are stored as the JSON AWS's
`GetExecutionHistory` returns (timestamps as ISO text), so a stored run exports as a history
file as it is. This layer imports only `history`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sfntui.history.events import dump_history, json_default, parse_timestamp

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    machine_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    definition_file TEXT,
    input TEXT NOT NULL,
    setup TEXT NOT NULL,
    status TEXT NOT NULL,
    started TEXT NOT NULL,
    stopped TEXT,
    output TEXT,
    error TEXT,
    cause TEXT,
    parent_arn TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_machine ON runs (machine_name, started);
CREATE TABLE IF NOT EXISTS events (
    run_arn TEXT NOT NULL,
    id INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run_arn, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stops (
    run_arn TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run_arn, seq)
) WITHOUT ROWID;
"""


class RunStoreError(Exception):
    """The store cannot be opened or read; one sentence."""


def default_store_path() -> Path:
    """`$XDG_DATA_HOME/sfntui/runs.sqlite3`, else `~/.local/share/sfntui/runs.sqlite3`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sfntui" / "runs.sqlite3"


@dataclass(frozen=True)
class StoredRun:
    """One run as the store holds it (its events are read separately: they may be many)."""

    arn: str
    name: str
    machine_name: str
    definition: str  # the definition as JSON text, as the run started from it
    definition_file: str | None
    input: str  # JSON text
    setup: dict[str, Any]  # the resolver set-up, described (mock file, test case, handlers)
    status: str
    started: datetime
    stopped: datetime | None
    output: str | None
    error: str | None
    cause: str | None
    parent_arn: str | None


class RunStore:
    """The store at `path` (created on first use); a connection on the caller's thread."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise RunStoreError(f"The run store {self.path} cannot be opened: {error}.") from None

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction (the connection is in autocommit mode, where `with connection`
        would commit every statement of an `executemany` on its own)."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing ------------------------------------------------------------------------------

    def begin_run(
        self,
        *,
        arn: str,
        name: str,
        machine_name: str,
        definition: Any,
        definition_file: str | None,
        execution_input: Any,
        setup: Mapping[str, Any],
        started: datetime,
        parent_arn: str | None = None,
    ) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM events WHERE run_arn = ?", (arn,))
            self._db.execute("DELETE FROM stops WHERE run_arn = ?", (arn,))
            self._db.execute(
                "INSERT OR REPLACE INTO runs (arn, name, machine_name, definition,"
                " definition_file, input, setup, status, started, parent_arn)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?)",
                (
                    arn,
                    _storable(name),
                    _storable(machine_name),
                    _storable(definition) if isinstance(definition, str) else _json(definition),
                    definition_file,
                    _json(execution_input),
                    _json(dict(setup)),
                    _iso(started),
                    parent_arn,
                ),
            )

    def append_events(self, arn: str, events: Iterable[Mapping[str, Any]]) -> None:
        rows = [(arn, event["id"], _json(event)) for event in events]
        if rows:
            with self._transaction():
                self._db.executemany(
                    "INSERT OR REPLACE INTO events (run_arn, id, body) VALUES (?, ?, ?)", rows
                )

    def add_stop(self, arn: str, stop: Mapping[str, Any]) -> None:
        with self._transaction():
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM stops WHERE run_arn = ?", (arn,)
            ).fetchone()
            self._db.execute(
                "INSERT INTO stops (run_arn, seq, body) VALUES (?, ?, ?)",
                (arn, count + 1, json.dumps(stop, default=_any_default)),
            )

    def finish_run(
        self,
        arn: str,
        *,
        status: str,
        stopped: datetime,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET status = ?, stopped = ?, output = ?, error = ?, cause = ?"
                " WHERE arn = ?",
                (
                    status,
                    _iso(stopped),
                    None if output is None else _json(output),
                    _storable(error),
                    _storable(cause),
                    arn,
                ),
            )

    def delete_run(self, arn: str) -> None:
        with self._transaction():
            for table, key in (("events", "run_arn"), ("stops", "run_arn"), ("runs", "arn")):
                self._db.execute(f"DELETE FROM {table} WHERE {key} = ?", (arn,))

    # -- reading ------------------------------------------------------------------------------

    def runs(self, machine_name: str | None = None) -> list[StoredRun]:
        """The stored runs (of one machine), newest first."""
        query = "SELECT * FROM runs"
        params: tuple[Any, ...] = ()
        if machine_name is not None:
            query, params = query + " WHERE machine_name = ?", (machine_name,)
        rows = self._db.execute(query + " ORDER BY started DESC, rowid DESC", params)
        return [_stored(row) for row in rows.fetchall()]

    def machines(self) -> list[StoredRun]:
        """The newest top-level run of each machine (its definition as last run), by name."""
        rows = self._db.execute(
            "SELECT * FROM runs AS r WHERE parent_arn IS NULL AND rowid = ("
            " SELECT rowid FROM runs WHERE machine_name = r.machine_name AND parent_arn IS NULL"
            " ORDER BY started DESC, rowid DESC LIMIT 1) ORDER BY machine_name"
        )
        return [_stored(row) for row in rows.fetchall()]

    def run(self, arn: str) -> StoredRun | None:
        row = self._db.execute("SELECT * FROM runs WHERE arn = ?", (arn,)).fetchone()
        return None if row is None else _stored(row)

    def children(self, parent_arn: str) -> list[StoredRun]:
        rows = self._db.execute(
            "SELECT * FROM runs WHERE parent_arn = ? ORDER BY started", (parent_arn,)
        )
        return [_stored(row) for row in rows.fetchall()]

    def events(self, arn: str) -> list[dict[str, Any]]:
        """The run's events, as botocore returns them (timestamps as aware datetimes)."""
        rows = self._db.execute(
            "SELECT body FROM events WHERE run_arn = ? ORDER BY id", (arn,)
        ).fetchall()
        events = []
        for (body,) in rows:
            event = json.loads(body)
            event["timestamp"] = parse_timestamp(event["timestamp"])
            events.append(event)
        return events

    def stops(self, arn: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT body FROM stops WHERE run_arn = ? ORDER BY seq", (arn,)
        ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def export_history(self, arn: str, path: Path) -> int:
        """Write the run's history as `sfntui history` / the AWS CLI would; the event count."""
        events = self.events(arn)
        path.write_text(dump_history(events), encoding="utf-8")
        return len(events)


def _stored(row: tuple[Any, ...]) -> StoredRun:
    (arn, name, machine, definition, file, input_text, setup, status, started, stopped,
     output, error, cause, parent) = row  # fmt: skip
    return StoredRun(
        arn=arn,
        name=name,
        machine_name=machine,
        definition=definition,
        definition_file=file,
        input=input_text,
        setup=json.loads(setup),
        status=status,
        started=datetime.fromisoformat(started),
        stopped=datetime.fromisoformat(stopped) if stopped else None,
        output=output,
        error=error,
        cause=cause,
        parent_arn=parent,
    )


def _storable(text: str | None) -> str | None:
    """Text SQLite can hold: a lone surrogate (JSON allows one, UTF-8 does not) as its escape."""
    if text is None:
        return None
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _json(value: Any) -> str:
    # ASCII: JSON escapes a lone surrogate (which AWS histories can hold), SQLite cannot store one.
    return json.dumps(value, default=json_default)


def _any_default(value: Any) -> Any:
    """A debugger stop may hold values JSON has no type for: shown as text, as printed."""
    try:
        return json_default(value)
    except TypeError:
        return str(value)


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
