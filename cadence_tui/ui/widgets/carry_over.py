"""Carried-over action items and blockers, triaged in one key each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from cadence_tui.core.meeting import CarriedItem
from cadence_tui.core.timefmt import age
from cadence_tui.ui.widgets.agenda_list import truncate
from cadence_tui.ui.widgets.row_list import ListColumn, RowList

OUTCOME_MARKS = {
    "done": ("✓", "bold green"),
    "dropped": ("✗", "bold red"),
    "open": ("…", "bold yellow"),
    "redated": ("→", "bold cyan"),
    "resolved": ("✓", "bold green"),
}
# kind+outcome 2, who 8, due 6, age 4, and one space of padding each side of 5 cells
_FIXED_WIDTH = 2 + 8 + 6 + 4 + 10


class CarryOverTable(RowList):
    """One row per carried item; keys decide its fate (see BINDINGS). Rows
    are drawn only when on screen (widgets/row_list.py): hundreds of carried
    items show as fast as ten."""

    BINDINGS = [
        Binding("x", "triage('done')", "Done/resolved", id="carry-done", show=False),
        Binding("k", "triage('open')", "Still open", id="carry-still-open", show=False),
        Binding("delete,backspace", "triage('dropped')", "Drop", id="carry-drop", show=False),
        Binding("u", "redate", "New due date", id="carry-redate", show=False),
    ]

    class TriageRequested(Message):
        """The facilitator decided about a carried item (``outcome`` as in the store)."""

        def __init__(self, item: CarriedItem, outcome: str) -> None:
            super().__init__()
            self.item = item
            self.outcome = outcome

    class RedateRequested(Message):
        def __init__(self, item: CarriedItem) -> None:
            super().__init__()
            self.item = item

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[CarriedItem] = []
        self._shown_with: tuple[datetime, date] | None = None
        self.columns = self._columns(30)

    @staticmethod
    def _columns(title_width: int) -> list[ListColumn]:
        return [
            ListColumn("kind", " ", 2),
            ListColumn("title", "Carried over", title_width),
            ListColumn("who", "Who", 8),
            ListColumn("due", "Due", 6),
            ListColumn("age", "Age", 4),
        ]

    def _title_width(self) -> int:
        width = self.size.width
        if self.row_count + 1 > self.size.height:  # the vertical scrollbar takes its share
            width -= self.styles.scrollbar_size_vertical
        return max(10, width - _FIXED_WIDTH)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if self.size.width and self._title_width() != self.columns[1].width:
            self.columns = self._columns(self._title_width())
            self.refresh_rows()
        else:
            super().on_resize()

    def show(self, items: Sequence[CarriedItem], now: datetime, today: date) -> None:
        """Show ``items`` (nothing is rendered until a row is on screen)."""
        self.items = list(items)
        self._shown_with = (now, today)
        if self.size.width:
            self.columns = self._columns(self._title_width())
        self.refresh_rows()
        if self.items:
            self.move_cursor(row=min(max(self.cursor_row, 0), len(self.items) - 1))

    def _row_total(self) -> int:
        return len(self.items)

    def row_cells(self, index: int) -> tuple[Text, ...]:
        assert self._shown_with is not None
        now, today = self._shown_with
        return self._cells(self.items[index], now, today, self.columns[1].width)

    def _cells(self, item: CarriedItem, now: datetime, today: date, width: int) -> tuple[Text, ...]:
        closed = item.status != "open"
        kind = Text(
            "A" if item.kind == "action" else "B", style="bold cyan" if item.kind == "action" else "bold yellow"
        )
        mark, mark_style = OUTCOME_MARKS.get(item.outcome or "", (" ", ""))
        kind.append(mark, style=mark_style)
        title = Text(truncate(item.title, width), style="dim strike" if closed else "")
        if item.escalated_here:
            title = Text(
                truncate(item.title, max(4, width - len(item.origin_cadence_name) - 4)),
                style="dim strike" if closed else "",
            )
            title.append(f" ⇠ {item.origin_cadence_name}", style="italic magenta")
        who = Text(truncate(item.who or "—", 8), style="dim" if not item.who else "")
        if item.kind == "action" and item.due:
            due = Text(f"{item.due:%d %b}", style="bold red" if item.is_overdue(today) else "")
        else:
            due = Text("—", style="dim")
        return kind, title, who, due, Text(age(item.created_at, now), style="dim")

    def update_item(self, item: CarriedItem) -> None:
        """Redraw one row after triage (one line repainted)."""
        index = next((n for n, it in enumerate(self.items) if (it.kind, it.id) == (item.kind, item.id)), None)
        if index is None:
            return
        self.items[index] = item
        self.refresh_row(index)

    @property
    def highlighted_item(self) -> CarriedItem | None:
        if not self.items or self.cursor_row < 0:
            return None
        return self.items[min(self.cursor_row, len(self.items) - 1)]

    def action_triage(self, outcome: str) -> None:
        item = self.highlighted_item
        if item is None:
            return
        if item.kind == "blocker":
            if outcome == "dropped":
                self.app.notify("A blocker is resolved or still open; it cannot be dropped", severity="warning")
                return
            outcome = "resolved" if outcome == "done" else outcome
        self.post_message(self.TriageRequested(item, outcome))

    def action_redate(self) -> None:
        item = self.highlighted_item
        if item is None:
            return
        if item.kind != "action":
            self.app.notify("Only action items have a due date", severity="warning")
            return
        self.post_message(self.RedateRequested(item))
