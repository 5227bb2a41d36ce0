"""Each run of the debugger screen kept like the app's own local runs: listed among its
machine's executions and written to the run store as it goes (definition, input, what
answered its Tasks, history, every stop), so a new app on the same data folder lists it and
opens it again. The local backend does the keeping (`keep_run`, `keep_stop`); this is the
screen's handle on it, made where the run's set-up is known.

A stop is kept as `Stop.as_kept()`: with what showing it again needs, so a kept run can be
reopened in the debugger screen with its stops to walk back and forth (`kept_debug_run`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sfntui.engine.debugger import Stop

if TYPE_CHECKING:
    from sfntui.asl.model import StateMachine
    from sfntui.engine.interpreter import LocalExecution
    from sfntui.engine.runner import RunSetup

#: The names the debugger screen's runs are kept under (`debug`, `debug-2`...).
_DEBUG_RUN_NAME = re.compile(r"debug(-\d+)?")


@dataclass(frozen=True)
class RunKeeping:
    #: Lists and keeps a run about to start; the ARN it is kept under comes back.
    keep_run: Callable[[LocalExecution], str]
    #: Keeps one stop (`Stop.as_kept(...)`) with the run of that ARN.
    keep_stop: Callable[[str, Mapping[str, Any]], None]


@dataclass(frozen=True)
class KeptDebugRun:
    """A debug run read back from the run store: its stops, each with the number of events
    written when it was reached, and its whole history."""

    arn: str
    name: str
    status: str
    stops: list[tuple[Stop, int]]
    events: list[dict[str, Any]]


def keeping_in(
    local: Any,
    *,
    machine_name: str,
    setup: RunSetup,
    machine: StateMachine,
    definition: Any,
    definition_file: str | None = None,
) -> RunKeeping | None:
    """Keeping by `local` (a backend that keeps runs: the local one), else None."""
    keep_run = getattr(local, "keep_run", None)
    keep_stop = getattr(local, "keep_stop", None)
    if keep_run is None or keep_stop is None or getattr(local, "store", None) is None:
        return None

    def keep(execution: LocalExecution) -> str:
        return str(
            keep_run(
                execution,
                machine_name=machine_name,
                setup=setup,
                machine=machine,
                definition=definition,
                definition_file=definition_file,
            )
        )

    return RunKeeping(keep, keep_stop)


def kept_debug_run(local: Any, arn: str) -> KeptDebugRun | None:
    """The run of that ARN as `local`'s run store keeps it, if it is a debug run (it has
    stops, or the debugger screen's name); None otherwise."""
    store = getattr(local, "store", None)
    run = store.run(arn) if store is not None else None
    if store is None or run is None:
        return None
    bodies = store.stops(arn)
    if not bodies and _DEBUG_RUN_NAME.fullmatch(run.name) is None:
        return None
    events = store.events(arn)
    stops = []
    for body in bodies:
        count = body.get("event_count")
        count = count if isinstance(count, int) and 0 <= count <= len(events) else len(events)
        stops.append((Stop.from_kept(body), count))
    status = "ABORTED" if run.status == "RUNNING" else run.status
    return KeptDebugRun(arn, run.name, status, stops, events)
