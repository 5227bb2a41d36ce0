"""Where executions come from, behind one interface: AWS, or the local engine.

- `protocol`: the `Backend` protocol the app talks to, and the `Capabilities` it reads to
  decide what to offer (start, stop, redrive, debug, replay, Map Runs, task tokens, logs).
- `aws`: `AwsBackend`, Step Functions in one account and region (`sfntui.aws`).
- `local`: `LocalBackend`, definitions from local files run on the engine.

The records both hand out (machines, executions, Map Runs) and the error both raise are
neutral, and live one layer down, in `sfntui.history.records` and `sfntui.history.actions`:
`sfntui.aws` fills those records and its `AwsError` is a kind of `BackendError`, and `aws`
may import nothing above `history`. They are re-exported here, as the backends' vocabulary.

This module imports neither backend, so that opening the app on local files does not load
aiobotocore: import `AwsBackend` from `sfntui.backends.aws`, `LocalBackend` from
`sfntui.backends.local`.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sfntui.backends.protocol import Backend, Capabilities, Event, HistoryBatch, TroubleReport
    from sfntui.history.actions import Action, ActionCancelled, BackendError, Confirm, always
    from sfntui.history.records import (
        ExecutionDescription,
        ExecutionSummary,
        MapRunDescription,
        MapRunSummary,
        StateMachineDescription,
        StateMachineSummary,
    )

#: Where each name lives: loaded when first asked for, so that `sfntui run` importing
#: `sfntui.backends.machine_setup` does not load the records and the protocol.
_MODULE_OF = {
    **dict.fromkeys(
        ("Backend", "Capabilities", "Event", "HistoryBatch", "TroubleReport"),
        "sfntui.backends.protocol",
    ),
    **dict.fromkeys(
        ("Action", "ActionCancelled", "BackendError", "Confirm", "always"),
        "sfntui.history.actions",
    ),
    **dict.fromkeys(
        (
            "ExecutionDescription",
            "ExecutionSummary",
            "MapRunDescription",
            "MapRunSummary",
            "StateMachineDescription",
            "StateMachineSummary",
        ),
        "sfntui.history.records",
    ),
}


def __getattr__(name: str) -> Any:
    import importlib

    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULE_OF[name]), name)


__all__ = [
    "HistoryBatch",
    "Action",
    "ActionCancelled",
    "Backend",
    "BackendError",
    "Capabilities",
    "Confirm",
    "Event",
    "ExecutionDescription",
    "ExecutionSummary",
    "MapRunDescription",
    "MapRunSummary",
    "StateMachineDescription",
    "StateMachineSummary",
    "TroubleReport",
    "always",
]
