"""The graph of a state machine: laid out on a character grid and drawn as text.

`lay_out(machine)` turns a parsed machine (`sfntui.asl.model.StateMachine`) into positioned
boxes and routed edges (`GraphLayout`), top to bottom as in the AWS console, with Parallel
branches and Map processors nested in frames; it is cached per definition. `draw(layout,
status)` draws it on a grid (`Drawing`, read line by line by the TUI widget);
`render_text` and `render_rich` do both for the CLI. A `GraphStatus` (or a history
`Projection`, through `status_from_projection`) colours each box by what its run did.

No Textual here: this package imports only the language model, the history and Rich.
"""

from sfntui.graph.layout import clear_cache, lay_out
from sfntui.graph.render import Drawing, as_status, draw, fitted_layout, render_rich, render_text
from sfntui.graph.shapes import END_KEY, START_KEY, Box, Edge, GraphLayout
from sfntui.graph.status import GraphStatus, status_from_projection

__all__ = [
    "END_KEY",
    "START_KEY",
    "Box",
    "Drawing",
    "Edge",
    "GraphLayout",
    "GraphStatus",
    "as_status",
    "draw",
    "clear_cache",
    "fitted_layout",
    "lay_out",
    "render_rich",
    "render_text",
    "status_from_projection",
]
