"""The debugger's JSONPath filter field: it narrows the data flow as it is typed, and a filter
longer than the field scrolls in it (the field keeps its own scroll range, see `FilterInput`)."""

from __future__ import annotations

from sfntui.tui.screens.debugger import DebuggerScreen
from sfntui.tui.widgets.data_flow import DataFlowPanel, FilterInput
from tests.tui.steps import wait_until
from tests.tui.test_debugger_screen import DebuggerApp, select_on_graph, shop_target, wait_for_stop


async def test_a_long_filter_scrolls_in_its_field_and_narrows_every_step() -> None:
    app = DebuggerApp(shop_target())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DebuggerScreen), "the screen")
        await select_on_graph(pilot, "Lookup")
        await pilot.press("B", "c")  # a breakpoint at Lookup's result
        screen = await wait_for_stop(pilot, 1)
        flow = screen.query_one(DataFlowPanel)
        field = screen.query_one(FilterInput)
        await pilot.press("slash")
        await pilot.press(*"$.title")
        await wait_until(pilot, lambda: '"Dune"' in flow.rendered_text(), "the narrowed steps")
        assert '"shelf"' not in flow.rendered_text()
        assert field.scroll_x == 0
        long = "$['" + "x" * 150 + "']"
        field.value = ""
        await pilot.press(*long)
        await wait_until(pilot, lambda: field.value == long, "the long filter typed")
        await pilot.pause()
        assert field.scroll_x > 0  # scrolled to the end typed
        x = field.cursor_screen_offset.x
        assert field.content_region.x <= x <= field.content_region.right  # the end in view
        assert '"Dune"' not in flow.rendered_text()
        assert "No results for path" in flow.rendered_text()
        await pilot.press("home")
        await pilot.pause()
        assert field.scroll_x == 0
