"""A line view's scrollable size changed without laying the whole screen out again.

`virtual_size` is a layout reactive: every change reflows each widget of the screen (tens of
milliseconds on the debugger's, at every stop). A view whose own size does not follow its
content (no `auto` width or height) needs only its scrollbars brought up to date; when one
appears or goes, its own reactive lays the screen out as before. A view not laid out yet
(not mounted, or in a hidden tab) takes the size up when it is.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget


def set_virtual_size(view: Widget, size: Size) -> None:
    if size == view.virtual_size:
        return
    if view.styles.auto_dimensions:
        view.virtual_size = size  # its own size follows the content: a layout it needs
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)
    view.refresh()
