"""Each run of the debugger screen kept like the app's own local runs: listed among its
machine's executions and written to the run store as it goes (definition, input, what
answered its Tasks, history, every stop), so a new app on the same data folder lists it and
opens it again. The local backend does the keeping (`keep_run`, `keep_stop`); this is the
screen's handle on it, made where the run's set-up is known."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sfntui.asl.model import StateMachine
    from sfntui.engine.interpreter import LocalExecution
    from sfntui.engine.runner import RunSetup


@dataclass(frozen=True)
class RunKeeping:
    #: Lists and keeps a run about to start; the ARN it is kept under comes back.
    keep_run: Callable[[LocalExecution], str]
    #: Keeps one stop (`Stop.as_json()`) with the run of that ARN.
    keep_stop: Callable[[str, Mapping[str, Any]], None]


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
