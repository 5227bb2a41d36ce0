"""A footer that dims and lights its keys in place when only their state changed.

Textual's `Footer` removes and mounts every key whenever the screen's bindings are refreshed,
then lays the screen out again: tens of milliseconds, paid by the debugger at each stop where
a key is offered or not (edit, step out). When the keys shown are the same ones in the same
order, only their `-disabled` mark is switched here; anything else (focus moved to a widget
with other keys) is composed again as before.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuickFooter(Footer):
    def bindings_changed(self, screen: Screen) -> None:
        ready = self._bindings_ready and self.is_attached and screen is self.screen
        if not (ready and self.restate_keys()):
            super().bindings_changed(screen)

    def restate_keys(self) -> bool:
        """Switch each key's disabled mark; False when the keys shown are not the same.
        Called by a screen at once, it lands in the frame being drawn (the bindings signal
        comes after that frame is painted)."""
        # Per action, as `Footer.compose` shows it: its first binding's key, and enabled.
        wanted: dict[str, tuple[str, bool]] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show:
                wanted.setdefault(binding.action, (binding.key, enabled))
        keys = [key for key in self.query(FooterKey) if "-command-palette" not in key.classes]
        if [(key.action, key.key) for key in keys] != [(a, k) for a, (k, _) in wanted.items()]:
            return False
        for key in keys:
            disabled = not wanted[key.action][1]
            if key._disabled != disabled:
                key._disabled = disabled
                key.set_class(disabled, "-disabled")
        return True
