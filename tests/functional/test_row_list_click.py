"""A click picks the row under the mouse in a RowList with a border and
padding too (the Carried list has none today; a stylesheet may give it one):
rows are counted inside them, and a click on the border or header picks none."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from cadence_tui.ui.widgets.row_list import ListColumn, RowList

NAMES = ["Ana", "Ben", "Cleo", "Dev"]


class Names(RowList):
    DEFAULT_CSS = "Names { border: round white; padding: 1 2; height: 12; }"

    def on_mount(self) -> None:
        self.columns = [ListColumn("name", "Name", 10)]
        self.refresh_rows()

    def _row_total(self) -> int:
        return len(NAMES)

    def row_cells(self, index: int) -> tuple[Text, ...]:
        return (Text(NAMES[index]),)


class NamesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Names()


async def test_a_click_picks_the_row_under_it_inside_a_border_and_padding() -> None:
    app = NamesApp()
    async with app.run_test(size=(40, 16)) as pilot:
        names = app.query_one(Names)
        # Border line 0, padding line 1, header line 2: "Cleo" (row 2) is on line 5.
        assert await pilot.click(Names, offset=(5, 5))
        assert names.cursor_row == 2
        assert await pilot.click(Names, offset=(5, 3))  # Ana, the first row
        assert names.cursor_row == 0
        for line in (0, 1, 2):  # the border, the padding, the header: no row
            assert await pilot.click(Names, offset=(5, line))
            assert names.cursor_row == 0
        assert await pilot.click(Names, offset=(5, 9))  # below the last row
        assert names.cursor_row == 0


async def test_the_row_under_the_mouse_is_tinted_until_the_cursor_moves() -> None:
    """As DataTable: the row under the pointer shows the hover tint; leaving
    the list or moving the cursor by key takes it away."""
    app = NamesApp()
    async with app.run_test(size=(40, 16)) as pilot:
        names = app.query_one(Names)
        names.focus()
        await pilot.pause()
        hover = names.get_component_rich_style("datatable--hover").bgcolor

        def tinted(row: int) -> bool:  # content line 0 is the header
            return any(seg.style is not None and seg.style.bgcolor == hover for seg in names.render_line(row + 1))

        assert not tinted(1)
        assert await pilot.hover(Names, offset=(5, 4))  # Ben (row 1): border, padding, header, Ana, Ben
        await pilot.pause()
        assert names.hover_row == 1 and tinted(1) and not tinted(2)
        assert await pilot.hover(Names, offset=(5, 5))  # Cleo
        await pilot.pause()
        assert names.hover_row == 2 and tinted(2) and not tinted(1)
        await pilot.press("down")  # a key moves the cursor: the tint goes
        await pilot.pause()
        assert names.hover_row is None and not tinted(2)
        assert await pilot.hover(Names, offset=(5, 6))  # Dev
        await pilot.pause()
        assert names.hover_row == 3
        assert await pilot.hover(Names, offset=(5, 0))  # the border: no row
        await pilot.pause()
        assert names.hover_row is None and not tinted(3)
