"""The command palette (Ctrl+P): the app's actions, and every listed machine and execution
by name, so a person can jump to one by typing part of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sfntui.tui.screens.main import MainScreen
from sfntui.tui.status_marks import status_symbol

#: (name shown, help line, what it does)
Command = tuple[str, str, Callable[[], object]]


def main_screen_commands(screen: MainScreen, *, with_items: bool) -> Iterator[Command]:
    if screen.machine is not None and screen.can_run:
        yield (
            f"Run {screen.machine.name}",
            "Start an execution of the selected state machine (r)",
            screen.action_run,
        )
    yield (
        "Filter the inspector",
        "Type a JSONPath that narrows the JSON the inspector shows (/)",
        screen.action_filter,
    )
    if screen.machine is not None:
        yield (
            "Compare two runs",
            "Where two runs of the machine part, and how their data differs (C)",
            screen.action_compare,
        )
    if screen.workspace.execution is not None:
        yield (
            "Export history",
            "Write the open execution's history to <name>.history.json (w)",
            screen.action_export_history,
        )
    yield (
        "Overview: what failed",
        "Failed, timed-out and aborted executions across every state machine (O)",
        screen.action_overview,
    )
    yield (
        "Show the definition",
        "The definition as text, highlighted, with the validator's findings (D)",
        screen.action_definition,
    )
    show_keys = partial(screen.run_action, "app.help")
    yield ("Show the keys", "Every key and what it does (?)", show_keys)
    yield (
        "Reload the state machines",
        "List them again (local definition files are read again)",
        screen.load_machines,
    )
    if not with_items:
        return
    for group, backend in enumerate(screen.backends):
        for machine in screen.sidebar.machines_in(group):
            yield (
                f"Open state machine {machine.name}",
                f"Show its graph and list its executions ({backend.label})",
                partial(screen.open_machine, machine, backend),
            )
    if screen.machine is not None:
        for execution in screen.sidebar.executions_of(screen.machine.arn):
            yield (
                f"Open execution {execution.name}",
                f"{status_symbol(execution.status)} {execution.status} · {screen.machine.name}",
                partial(screen.open_execution, execution),
            )


class SfntuiCommands(Provider):
    def _commands(self, *, with_items: bool) -> Iterator[Command]:
        screen = self.screen
        if isinstance(screen, MainScreen):
            yield from main_screen_commands(screen, with_items=with_items)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands(with_items=False):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands(with_items=True):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
