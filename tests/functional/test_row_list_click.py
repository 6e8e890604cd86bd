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
