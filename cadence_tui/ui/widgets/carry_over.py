"""Carried-over action items and blockers, triaged in one key each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from cadence_tui.core.model import CarriedItem
from cadence_tui.core.timefmt import age
from cadence_tui.ui.widgets.agenda_list import truncate

OUTCOME_MARKS = {
    "done": ("✓", "bold green"),
    "dropped": ("✗", "bold red"),
    "open": ("…", "bold yellow"),
    "redated": ("→", "bold cyan"),
    "resolved": ("✓", "bold green"),
}
# kind+outcome 2, who 8, due 6, age 4, and one space of padding each side of 5 cells
_FIXED_WIDTH = 2 + 8 + 6 + 4 + 10


class CarryOverTable(DataTable):
    """One row per carried item; keys decide its fate (see BINDINGS)."""

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
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.items: list[CarriedItem] = []

    def on_mount(self) -> None:
        self.add_column(" ", key="kind", width=2)
        self.add_column("Carried over", key="title", width=30)
        self.add_column("Who", key="who", width=8)
        self.add_column("Due", key="due", width=6)
        self.add_column("Age", key="age", width=4)
        self._shown_with: tuple[datetime, date] | None = None
        self._built_width: int | None = None  # the title width the rows were built for

    def _title_width(self) -> int:
        return max(10, self.scrollable_content_region.width - _FIXED_WIDTH)

    def on_resize(self) -> None:
        if self._shown_with is not None and self.size.width and self._title_width() != self._built_width:
            self._build()

    def show(self, items: Sequence[CarriedItem], now: datetime, today: date) -> None:
        """Show ``items``. While the table has never been laid out (its tab not
        yet opened) the rows wait for its first real width: hundreds of rows
        built at a guessed width, then again at the real one, made opening a
        meeting with a long carry-over slow."""
        self.items = list(items)
        self._shown_with = (now, today)
        self._built_width = None
        if self.size.width:
            self._build()

    def _build(self) -> None:
        assert self._shown_with is not None
        now, today = self._shown_with
        width = self._title_width()
        from textual.widgets.data_table import ColumnKey

        self.columns[ColumnKey("title")].width = width
        cursor = self.cursor_row
        self.clear()
        for item in self.items:
            self.add_row(*self._cells(item, now, today, width), key=f"{item.kind}-{item.id}")
        self._built_width = width
        if self.items:
            self.move_cursor(row=min(max(cursor, 0), len(self.items) - 1))

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
        """Redraw one row after triage (a full rebuild costs ~0.3 s with 600 rows)."""
        if self._shown_with is None:
            return
        key = f"{item.kind}-{item.id}"
        index = next((n for n, it in enumerate(self.items) if (it.kind, it.id) == (item.kind, item.id)), None)
        if index is None:
            return
        self.items[index] = item
        if self._built_width is None:
            return  # not built yet: the row shows the new state when it is
        now, today = self._shown_with
        cells = self._cells(item, now, today, self._title_width())
        for column, cell in zip(("kind", "title", "who", "due", "age"), cells, strict=False):
            self.update_cell(key, column, cell)

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
