"""The debugger's breakpoints panel: every breakpoint, on or off, with its condition.

It reads and changes the `Debugger`'s breakpoints directly (they are plain records the
engine reads at each gate). Space turns the highlighted one on or off, Delete removes it;
the condition field below edits its condition (a JSONPath or a JSONata expression): it is
compiled as it is typed, its error shown in place, and Enter applies it when it compiles.
Beside it, for a state inside a Map or Parallel, a field limits the breakpoint to one
iteration or branch (its index, from 0; empty for all), as the debugger's `Breakpoint` can.
`BreakpointsPanel.Changed` tells the screen to redraw the graph's marks.

The list keeps one height (four rows, scrolling beyond), as debuggers' breakpoint panes do:
a breakpoint added or removed then repaints the list alone, where a list growing by a row
laid the whole screen out (the graph above it included) twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sfntui.asl import model as m
from sfntui.asl.errors import ExpressionSyntaxError
from sfntui.engine.debugger import Breakpoint, Debugger, Expression
from sfntui.tui.widgets.data_flow import visible_text


def enclosing_states(machine: m.StateMachine | None) -> dict[str, tuple[str, str]]:
    """Each state inside a Map or Parallel: (the kind, the name) of the innermost one."""
    found: dict[str, tuple[str, str]] = {}

    def visit(inner: m.StateMachine, around: tuple[str, str] | None) -> None:
        for state in inner.states.values():
            if around is not None:
                found[state.name] = around
            if isinstance(state, m.ParallelState):
                for branch in state.branches:
                    visit(branch, ("Parallel", state.name))
            elif isinstance(state, m.MapState):
                visit(state.processor, ("Map", state.name))

    if machine is not None:
        visit(machine, None)
    return found


def breakpoint_label(point: Breakpoint) -> str:
    mark = "●" if point.enabled else "○"
    return visible_text(f"{mark} {point.describe()}")


class BreakpointList(OptionList):
    """An option list whose rows changing repaint it, not the screen: `virtual_size` is a
    layout reactive in Textual (see `virtual_size.py`), needed only while the list's own
    size follows its rows. Its scrollbar appearing or going still lays the screen out."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self) -> None:
        if self.styles.auto_dimensions:
            self.refresh(layout=True)


class BreakpointsPanel(Vertical):
    BINDINGS = [
        Binding("space", "toggle_enabled", "On/off", id="breakpoints.toggle"),
        Binding("delete", "remove", "Remove", id="breakpoints.remove"),
    ]
    DEFAULT_CSS = """
    BreakpointsPanel { height: auto; max-height: 14; }
    BreakpointsPanel > BreakpointList { height: 6; }
    BreakpointsPanel > #breakpoint-condition-error { height: auto; color: $text-error; }
    BreakpointsPanel > #breakpoint-fields { height: auto; }
    BreakpointsPanel #breakpoint-condition { width: 1fr; }
    BreakpointsPanel #breakpoint-where { width: 17; display: none; }
    BreakpointsPanel #breakpoint-where.-inside { display: block; }
    """

    @dataclass
    class Changed(Message):
        panel: BreakpointsPanel

    def __init__(
        self,
        debugger: Debugger,
        machine: m.StateMachine | None = None,
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.debugger = debugger
        #: State -> (Map or Parallel, its name), for the states inside one.
        self.enclosing = enclosing_states(machine)
        self._error_shown = ""

    def compose(self) -> ComposeResult:
        yield BreakpointList(id="breakpoint-list")
        with Horizontal(id="breakpoint-fields"):
            yield Input(
                placeholder="condition of the highlighted breakpoint", id="breakpoint-condition"
            )
            yield Input(id="breakpoint-where", restrict=r"[0-9]*")
        yield Static("", id="breakpoint-condition-error")

    def on_mount(self) -> None:
        self.refresh_list()

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#breakpoint-list", OptionList)

    @property
    def highlighted(self) -> Breakpoint | None:
        option_list = self.option_list
        index = option_list.highlighted
        if index is None or index >= option_list.option_count:
            return None
        option_id = option_list.get_option_at_index(index).id
        return self.debugger.breakpoints.get(int(option_id)) if option_id else None

    def refresh_list(self) -> None:
        """List the breakpoints again. The same breakpoints only have their labels replaced
        where they changed: the list is not rebuilt, so the screen is not laid out again
        (a new height is what lays it out)."""
        option_list = self.option_list
        keep = option_list.highlighted
        points = list(self.debugger.breakpoints.values())
        listed = [option_list.get_option_at_index(i) for i in range(option_list.option_count)]
        if points and [option.id for option in listed] == [str(p.id) for p in points]:
            for index, (option, point) in enumerate(zip(listed, points, strict=True)):
                label = breakpoint_label(point)
                if str(option.prompt) != label:
                    option_list.replace_option_prompt_at_index(index, label)
            return
        if not points:
            option_list.set_options(
                [Option("No breakpoints: b on a state sets one.", disabled=True)]
            )
            return
        option_list.set_options(Option(breakpoint_label(p), id=str(p.id)) for p in points)
        option_list.highlighted = min(keep or 0, len(points) - 1)

    def select_breakpoint(self, breakpoint_id: int) -> None:
        ids = list(self.debugger.breakpoints)
        if breakpoint_id in ids:
            self.option_list.highlighted = ids.index(breakpoint_id)

    def _changed(self) -> None:
        self.refresh_list()
        self.post_message(self.Changed(self))

    def action_toggle_enabled(self) -> None:
        point = self.highlighted
        if point is not None:
            point.enabled = not point.enabled
            self._changed()

    def action_remove(self) -> None:
        point = self.highlighted
        if point is not None:
            self.debugger.remove_breakpoint(point.id)
            self._changed()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        point = self.highlighted
        field = self.query_one("#breakpoint-condition", Input)
        with field.prevent(Input.Changed):
            field.value = point.condition.text if point and point.condition else ""
        self._show_error(None)
        self._show_where(point)

    def _show_where(self, point: Breakpoint | None) -> None:
        """The iteration or branch field, for a breakpoint on a state inside a Map or
        Parallel only."""
        where = self.query_one("#breakpoint-where", Input)
        around = self.enclosing.get(point.state) if point is not None else None
        where.set_class(around is not None, "-inside")
        if point is None or around is None:
            return
        kind, name = around
        index = point.iteration if kind == "Map" else point.branch
        word = "iteration" if kind == "Map" else "branch"
        where.placeholder = f"{word} #"
        where.tooltip = f"Stop only in this {word} of {name} (from 0; empty: every one)"
        with where.prevent(Input.Changed):
            where.value = "" if index is None else str(index)

    def condition_error(self, text: str) -> str | None:
        if not text.strip():
            return None
        try:
            Expression(text.strip())
        except ExpressionSyntaxError as error:
            return error.message
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "breakpoint-condition":
            return
        event.stop()
        self._show_error(self.condition_error(event.value))

    def _show_error(self, error: str | None) -> None:
        """The condition's error under its field (its text is set only when it changes: an
        update lays the screen out again)."""
        text = visible_text(error) if error else ""
        if text != self._error_shown:
            self._error_shown = text
            self.query_one("#breakpoint-condition-error", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "breakpoint-where":
            event.stop()
            self._apply_where(event.value.strip())
            return
        if event.input.id != "breakpoint-condition":
            return
        event.stop()
        point = self.highlighted
        if point is None or self.condition_error(event.value) is not None:
            return
        text = event.value.strip()
        point.condition = Expression(text) if text else None
        self._changed()
        self.option_list.focus()

    def _apply_where(self, text: str) -> None:
        """Limit the highlighted breakpoint to the iteration or branch typed (empty: none)."""
        point = self.highlighted
        around = self.enclosing.get(point.state) if point is not None else None
        if point is None or around is None:
            return
        index = int(text) if text else None  # the field takes digits only
        if around[0] == "Map":
            point.iteration = index
        else:
            point.branch = index
        self._changed()
        self.option_list.focus()
