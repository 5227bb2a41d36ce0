"""The left pane: one group per backend (the local engine, an AWS account), its state
machines, and under the open one its executions, newest first.

Choosing a node (Enter or a click) posts `Sidebar.MachineChosen` or `Sidebar.ExecutionChosen`
with the group it is in, so the screen asks the right backend. A group's machines, and a
machine's executions, are replaced wholesale each time the backend reports them, and the
cursor stays on what it was on. Colours and emphasis come from the component classes below
(styled in `DEFAULT_CSS`, overridable in the app's stylesheet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sfntui.asl.visible_text import visible
from sfntui.backends import ExecutionSummary, StateMachineSummary
from sfntui.tui.execution_filter import ExecutionFilter
from sfntui.tui.status_marks import status_mark


@dataclass(frozen=True)
class Group:
    """A top-level node: the machines of one backend (`index` in the screen's list)."""

    index: int
    label: str


@dataclass(frozen=True)
class MoreExecutions:
    """The last leaf of a machine listing only its newest executions: reached, it asks for
    the next page (`Sidebar.MoreWanted`)."""

    machine_arn: str


Entry = Group | StateMachineSummary | ExecutionSummary | MoreExecutions | None


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


def execution_label(execution: ExecutionSummary, time_style: Style | str = "dim") -> Text:
    return Text.assemble(
        status_mark(execution.status),
        " ",
        (started_label(execution.started), time_style),
        " ",
        visible(execution.name),
    )


def machine_label(
    machine: StateMachineSummary, name_style: Style | str = "bold", tag_style: Style | str = "dim"
) -> Text:
    label = Text(visible(machine.name), style=name_style)
    if machine.type == "EXPRESS":
        label.append(" express", style=tag_style)
    if machine.origin:
        label.append(f" {visible(machine.origin)}", style=tag_style)
    return label


class Sidebar(Tree[Entry]):
    COMPONENT_CLASSES = {
        "sidebar--group",
        "sidebar--machine",
        "sidebar--tag",
        "sidebar--time",
        "sidebar--note",
    }
    DEFAULT_CSS = """
    Sidebar > .sidebar--group { color: $text-muted; text-style: bold; }
    Sidebar > .sidebar--machine { text-style: bold; }
    Sidebar > .sidebar--tag { text-style: dim; }
    Sidebar > .sidebar--time { text-style: dim; }
    Sidebar > .sidebar--note { text-style: dim italic; }
    """

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
        group: int

    @dataclass
    class ExecutionChosen(Message):
        execution: ExecutionSummary
        group: int

    @dataclass
    class MoreWanted(Message):
        """The cursor reached the end of a machine's executions: list the next page."""

        machine_arn: str

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__("State machines", id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._group_nodes: dict[int, TreeNode[Entry]] = {}
        self._machine_nodes: dict[str, TreeNode[Entry]] = {}
        self._execution_nodes: dict[str, TreeNode[Entry]] = {}
        #: Every execution listed per machine, the filter's hidden ones included.
        self._all_executions: dict[str, list[ExecutionSummary]] = {}
        #: The machines with older executions than those listed.
        self._more: dict[str, bool] = {}
        #: Which executions are shown (typed into the filter box, `f`).
        self.execution_filter = ExecutionFilter()
        #: Where the cursor goes at the next refresh (a new node has no line before that).
        self._pending_cursor: str | None = None

    # -- contents ------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"sidebar--{name}", partial=True)

    def _note(self, text: str) -> Text:
        return Text(text, style=self._style("note"))

    @property
    def machines(self) -> list[StateMachineSummary]:
        """Every listed machine, group after group."""
        return [machine for index in self._group_nodes for machine in self.machines_in(index)]

    def machines_in(self, group: int) -> list[StateMachineSummary]:
        node = self._group_nodes.get(group)
        if node is None:
            return []
        return [n.data for n in node.children if isinstance(n.data, StateMachineSummary)]

    def executions_of(self, machine_arn: str) -> list[ExecutionSummary]:
        node = self._machine_nodes.get(machine_arn)
        if node is None:
            return []
        return [n.data for n in node.children if isinstance(n.data, ExecutionSummary)]

    def set_groups(self, labels: Sequence[str]) -> None:
        """One group per backend, in this order, each waiting for its machines."""
        self.clear()
        self._group_nodes.clear()
        self._machine_nodes.clear()
        self._execution_nodes.clear()
        self._all_executions.clear()
        for index, label in enumerate(labels):
            group = Group(index, label)
            node = self.root.add(Text(label, style=self._style("group")), group, expand=True)
            node.add_leaf(self._note("listing…"), None)
            self._group_nodes[index] = node

    def set_machines(
        self, group: int, machines: Sequence[StateMachineSummary], empty_note: str
    ) -> None:
        """The machines of one group (sorted by name), in place of what it listed before."""
        node = self._group_nodes.get(group)
        if node is None:
            return
        kept_arn = self.cursor_arn
        for machine in self.machines_in(group):
            machine_node = self._machine_nodes.pop(machine.arn, None)
            for child in machine_node.children if machine_node is not None else ():
                if isinstance(child.data, ExecutionSummary):
                    self._execution_nodes.pop(child.data.arn, None)
        node.remove_children()
        if not machines:
            node.add_leaf(self._note(empty_note), None)
            return
        name_style, tag_style = self._style("machine"), self._style("tag")  # (once, not a row)
        for machine in sorted(machines, key=lambda m: (m.name.casefold(), m.name)):
            label = machine_label(machine, name_style, tag_style)
            self._machine_nodes[machine.arn] = node.add(label, machine, allow_expand=True)
        if kept_arn in self._machine_nodes or kept_arn in self._execution_nodes:
            self._move_to(kept_arn)  # rows above it may have come or gone
        else:
            self._move_to(self.machines_in(group)[0].arn)

    def set_filter(self, text: str) -> None:
        """Show only the executions `text` matches (see `ExecutionFilter`), in every machine."""
        self.execution_filter = ExecutionFilter.parse(text)
        for machine_arn, executions in list(self._all_executions.items()):
            self.set_executions(machine_arn, executions)

    def set_executions(
        self, machine_arn: str, executions: Sequence[ExecutionSummary], *, more: bool | None = None
    ) -> None:
        """Show these executions (newest first, as filtered) under their machine, and open it.

        `more`: older ones are not listed yet (a "more" leaf asks for them); None: as before."""
        node = self._machine_nodes.get(machine_arn)
        if node is None:
            return
        if more is not None:
            self._more[machine_arn] = more
        self._all_executions[machine_arn] = list(executions)
        shown = [e for e in executions if self.execution_filter.matches(e)]
        hidden = len(executions) - len(shown)
        executions = shown
        kept_arn = self.cursor_arn
        for child in node.children:
            if isinstance(child.data, ExecutionSummary):
                self._execution_nodes.pop(child.data.arn, None)
        node.remove_children()
        ordered = sorted(executions, key=_newest_first)
        if not ordered:
            note = f"none match the filter ({hidden} hidden)" if hidden else "no executions yet"
            node.add_leaf(self._note(note), None)
        time_style = self._style("time")
        for execution in ordered:
            leaf = node.add_leaf(execution_label(execution, time_style), execution)
            self._execution_nodes[execution.arn] = leaf
        if self._more.get(machine_arn):
            node.add_leaf(self._note("more… (older executions)"), MoreExecutions(machine_arn))
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
        if node is not None and isinstance(node.data, StateMachineSummary | ExecutionSummary):
            return node.data.arn
        return None

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
        group = self.group_of(event.node)
        if group is None:
            return
        if isinstance(data, MoreExecutions):
            self.post_message(self.MoreWanted(data.machine_arn))
        elif isinstance(data, StateMachineSummary):
            self.post_message(self.MachineChosen(data, group))
        elif isinstance(data, ExecutionSummary):
            self.post_message(self.ExecutionChosen(data, group))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Entry]) -> None:
        """Scrolling onto the "more" leaf lists the next page, as the end of a list would."""
        if isinstance(event.node.data, MoreExecutions):
            self.post_message(self.MoreWanted(event.node.data.machine_arn))

    @staticmethod
    def group_of(node: TreeNode[Entry]) -> int | None:
        """The index of the group a node is in (its backend)."""
        found: TreeNode[Entry] | None = node
        while found is not None and not isinstance(found.data, Group):
            found = found.parent
        return found.data.index if found is not None and isinstance(found.data, Group) else None


def _newest_first(execution: ExecutionSummary) -> float:
    """Sort key; ties keep the backend's own order (newest first too)."""
    return -execution.started.timestamp() if execution.started is not None else 0.0
