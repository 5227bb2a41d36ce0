"""The left pane: the state machines, and under the open one its executions, newest first.

Choosing a node (Enter or a click) posts `Sidebar.MachineChosen` or `Sidebar.ExecutionChosen`;
the screen loads what was chosen. The executions of a machine are replaced wholesale each
time the backend reports a change, and the cursor stays on the execution it was on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sfntui.backends import ExecutionSummary, StateMachineSummary
from sfntui.tui.status_marks import status_mark

Entry = StateMachineSummary | ExecutionSummary | None


def started_label(started: datetime | None, now: datetime | None = None) -> str:
    """Local time of day for today's executions, the day and minute for older ones."""
    if started is None:
        return "--:--:--"
    local = started.astimezone()
    today = (now or datetime.now().astimezone()).date()
    if local.date() == today:
        return local.strftime("%H:%M:%S")
    if local.year == today.year:
        return local.strftime("%b %d %H:%M")
    return local.strftime("%Y-%m-%d")


def execution_label(execution: ExecutionSummary) -> Text:
    return Text.assemble(
        status_mark(execution.status),
        " ",
        (started_label(execution.started), "dim"),
        " ",
        execution.name,
    )


def machine_label(machine: StateMachineSummary) -> Text:
    label = Text(machine.name, style="bold")
    if machine.type == "EXPRESS":
        label.append(" express", style="dim")
    return label


class Sidebar(Tree[Entry]):
    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            tooltip="Open the machine or execution under the cursor",
            id="sidebar.open",
        ),
    ]

    @dataclass
    class MachineChosen(Message):
        machine: StateMachineSummary

    @dataclass
    class ExecutionChosen(Message):
        execution: ExecutionSummary

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("State machines", id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._machine_nodes: dict[str, TreeNode[Entry]] = {}
        self._execution_nodes: dict[str, TreeNode[Entry]] = {}
        #: Where the cursor goes at the next refresh (a new node has no line before that).
        self._pending_cursor: str | None = None

    # -- contents ------------------------------------------------------------------------

    @property
    def machines(self) -> list[StateMachineSummary]:
        return [n.data for n in self.root.children if isinstance(n.data, StateMachineSummary)]

    def executions_of(self, machine_arn: str) -> list[ExecutionSummary]:
        node = self._machine_nodes.get(machine_arn)
        if node is None:
            return []
        return [n.data for n in node.children if isinstance(n.data, ExecutionSummary)]

    def set_machines(self, machines: Sequence[StateMachineSummary], empty_note: str) -> None:
        self.clear()
        self._machine_nodes.clear()
        self._execution_nodes.clear()
        if not machines:
            self.root.add_leaf(Text(empty_note, style="dim italic"), None)
            return
        for machine in sorted(machines, key=lambda m: (m.name.casefold(), m.name)):
            node = self.root.add(machine_label(machine), machine, allow_expand=True)
            self._machine_nodes[machine.arn] = node
        self._move_to(self.machines[0].arn)

    def set_executions(self, machine_arn: str, executions: Sequence[ExecutionSummary]) -> None:
        """Show these executions (newest first) under their machine, and open it."""
        node = self._machine_nodes.get(machine_arn)
        if node is None:
            return
        kept_arn = self.cursor_arn
        for child in node.children:
            if isinstance(child.data, ExecutionSummary):
                self._execution_nodes.pop(child.data.arn, None)
        node.remove_children()
        ordered = sorted(executions, key=_newest_first)
        if not ordered:
            node.add_leaf(Text("no executions yet", style="dim italic"), None)
        for execution in ordered:
            leaf = node.add_leaf(execution_label(execution), execution)
            self._execution_nodes[execution.arn] = leaf
        node.expand()
        if kept_arn is not None:
            self._move_to(kept_arn)

    def collapse_others(self, machine_arn: str) -> None:
        for arn, node in self._machine_nodes.items():
            if arn != machine_arn and node.is_expanded:
                node.collapse()

    def show_execution(self, arn: str) -> None:
        """Put the cursor on an execution, if it is listed."""
        if arn in self._execution_nodes:
            self._move_to(arn)

    @property
    def cursor_arn(self) -> str | None:
        """The ARN of the machine or execution under the cursor (or about to be)."""
        if self._pending_cursor is not None:
            return self._pending_cursor
        node = self.cursor_node
        return node.data.arn if node is not None and node.data is not None else None

    def _move_to(self, arn: str) -> None:
        if self._pending_cursor is None:
            self.call_after_refresh(self._apply_pending_cursor)
        self._pending_cursor = arn

    def _apply_pending_cursor(self) -> None:
        arn, self._pending_cursor = self._pending_cursor, None
        if arn is None:
            return
        node = self._execution_nodes.get(arn) or self._machine_nodes.get(arn)
        if node is not None:
            self.move_cursor(node)

    def execution_node(self, arn: str) -> TreeNode[Entry] | None:
        return self._execution_nodes.get(arn)

    def machine_node(self, arn: str) -> TreeNode[Entry] | None:
        return self._machine_nodes.get(arn)

    # -- choosing ------------------------------------------------------------------------

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        event.stop()
        data = event.node.data
        if isinstance(data, StateMachineSummary):
            self.post_message(self.MachineChosen(data))
        elif isinstance(data, ExecutionSummary):
            self.post_message(self.ExecutionChosen(data))


def _newest_first(execution: ExecutionSummary) -> float:
    """Sort key; ties keep the backend's own order (newest first too)."""
    return -execution.started.timestamp() if execution.started is not None else 0.0
