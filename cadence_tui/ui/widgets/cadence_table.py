"""Home's table of cadences, drawn line by line (widgets/row_list.py).

The home screen shows a handful of rows; a ``DataTable`` for them cost
about 2.5 ms to import and several more to build and style before the
app's first frame. This is a :class:`RowList` whose columns are as wide as
their widest cell (as ``DataTable`` sizes them), with a key per row so the
cursor stays on the same cadence when the rows are read again.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events

from cadence_tui.ui.widgets.row_list import ListColumn, RowList


class CadenceTable(RowList):
    """Rows of ``Text`` cells, each row with a key (the cadence's key)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._cells: list[tuple[Text, ...]] = []
        self._keys: list[str] = []

    # -- what RowList asks for ----------------------------------------------------
    def _row_total(self) -> int:
        return len(self._cells)

    def row_cells(self, index: int) -> tuple[Text, ...]:
        return self._cells[index]

    # -- the table's own surface ------------------------------------------------
    @property
    def rows(self) -> list[str]:
        """The rows' keys, in display order."""
        return list(self._keys)

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor (``None`` when the table is empty)."""
        if not self._keys:
            return None
        return self._keys[min(max(self.cursor_row, 0), len(self._keys) - 1)]

    @property
    def column_labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def on_click(self, event: events.Click) -> None:
        """As DataTable: a click highlights a row; a click on the highlighted
        row selects it (home: starts or resumes its meeting)."""
        event.prevent_default()  # not RowList's (there a double click selects)
        index = self.row_at(event)
        if index is not None:
            if index == self.cursor_row:
                self.action_select_cursor()
            else:
                self.move_cursor(row=index)

    def show(self, labels: Sequence[str], rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        """Show ``rows`` of ``(key, cells)`` under ``labels``. The cursor stays on
        the row with the key it was on, else on the same line."""
        before = self.selected_key
        line = self.cursor_row
        self._keys = [key for key, _cells in rows]
        self._cells = [tuple(cells) for _key, cells in rows]
        widths = [len(label) for label in labels]
        for cells in self._cells:
            for i, cell in enumerate(cells):
                widths[i] = max(widths[i], cell.cell_len)
        self.columns = [
            ListColumn(str(i), label, width) for i, (label, width) in enumerate(zip(labels, widths, strict=True))
        ]
        if before in self._keys:
            line = self._keys.index(before)
        self.refresh_rows()
        if self._cells:
            self.move_cursor(row=min(max(line, 0), len(self._cells) - 1))
