"""`?`: every key the app answers, grouped by where it works, read from the bindings
themselves so the list cannot drift from what the keys do."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

#: (where the keys work, their bindings)
KeyGroup = tuple[str, Sequence[BindingType]]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, groups: Sequence[KeyGroup], extra: Sequence[tuple[str, str, str]] = ()):
        """`extra`: (group, keys, description) rows for keys no binding lists (Textual's)."""
        super().__init__()
        self.groups = groups
        self.extra = extra

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(self._table(), id="help-keys")

    def on_mount(self) -> None:
        dialog = self.query_one("#help-dialog")
        dialog.border_title = "Keys"
        dialog.border_subtitle = "escape to close"

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, keys, description), in the order shown; keys that do the same thing (the
        four pan keys) share a row."""
        rows: list[tuple[str, str, str]] = []
        for group, bindings in self.groups:
            keys_of: dict[str, list[str]] = {}
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                text = binding.tooltip or binding.description
                keys = keys_of.setdefault(text, [])
                for key in binding.key.split(","):
                    shown = self.app.get_key_display(Binding(key.strip(), binding.action))
                    if shown not in keys:
                        keys.append(shown)
            rows.extend((group, " ".join(keys), text) for text, keys in keys_of.items())
        rows.extend(self.extra)
        return rows

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", style="bold")
        table.add_column()
        group = None
        for where, keys, description in self.rows():
            if where != group:
                if group is not None:
                    table.add_row("", "")
                table.add_row("", Text(where, style="bold"))
                group = where
            table.add_row(Text(keys), Text(description))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
