"""One run written to the store while it goes: the row when it starts, its events in batches
(one transaction per turn of the event loop, however many events the engine wrote in it), its
debugger stops as they come, its outcome when it ends.

Whoever drives a run (the local backend, `sfntui debug`, the debugger screen) makes a
`RunRecording`, passes `on_event` to the execution's history listeners and `add_stop` each
debugger stop, and calls `finish` at the end. It knows nothing of the engine: events are the
AWS-shaped dicts of `sfntui.history`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sfntui.runs.store import RunStore


class RunRecording:
    def __init__(
        self,
        store: RunStore,
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
        self.store = store
        self.arn = arn
        self._unsaved: list[Mapping[str, Any]] = []
        store.begin_run(
            arn=arn,
            name=name,
            machine_name=machine_name,
            definition=definition,
            definition_file=definition_file,
            execution_input=execution_input,
            setup=setup,
            started=started,
            parent_arn=parent_arn,
        )

    def on_event(self, event: Mapping[str, Any]) -> None:
        """A history listener: the event is written with the others of this loop turn."""
        if not self._unsaved:
            try:
                asyncio.get_running_loop().call_soon(self.save_events)
            except RuntimeError:  # no loop running: written at the next save or at the end
                pass
        self._unsaved.append(event)

    def save_events(self) -> None:
        batch, self._unsaved = self._unsaved, []
        if batch:
            self.store.append_events(self.arn, batch)

    def add_stop(self, stop: Mapping[str, Any]) -> None:
        self.save_events()  # the events up to the stop first, so the two agree
        self.store.add_stop(self.arn, stop)

    def finish(
        self,
        *,
        status: str,
        stopped: datetime,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
    ) -> None:
        self.save_events()
        self.store.finish_run(
            self.arn, status=status, stopped=stopped, output=output, error=error, cause=cause
        )
