"""One run written to the store while it goes: the row when it starts, its events in batches
(one transaction for what the engine wrote in the last 0.2 s, or for each 1,000 events), its
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

#: Events wait at most this long before they are written (what a killed terminal may lose).
BATCH_SECONDS = 0.2
#: ...or until this many are waiting.
BATCH_EVENTS = 1000


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
        """A history listener: the event is written with the others of the next
        `BATCH_SECONDS` (one transaction), or at once when `BATCH_EVENTS` are waiting."""
        if not self._unsaved:
            try:
                asyncio.get_running_loop().call_later(BATCH_SECONDS, self.save_events)
            except RuntimeError:  # no loop running: written at the next save or at the end
                pass
        self._unsaved.append(event)
        if len(self._unsaved) >= BATCH_EVENTS:
            self.save_events()

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


def describe_setup(setup: Any) -> dict[str, Any]:
    """What answered a run's Tasks (an engine `RunSetup`, read by its attributes), as the
    run store keeps it: names, not objects."""
    described: dict[str, Any] = {"virtual_clock": setup.virtual_clock}
    if setup.mock_config is not None:
        described["mock_config"] = setup.mock_config.file
        described["test_case"] = setup.test_case
    if setup.handlers:
        described["handlers"] = sorted(setup.handlers)
    if setup.items_dir:
        described["items_dir"] = setup.items_dir
    extra = [type(r).__name__ for r in setup.extra_resolvers]
    if extra:
        described["extra"] = extra
    return described
