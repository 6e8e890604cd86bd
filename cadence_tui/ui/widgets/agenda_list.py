"""The meeting's agenda: each item with its timebox, time spent and state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from cadence_tui.core.meeting import AgendaItem
from cadence_tui.core.meeting_clock import item_elapsed
from cadence_tui.core.timefmt import clock

MARKERS = {"current": "▶", "done": "✓", "pending": "·"}
# Fixed columns: timebox and time spent, plus one space of padding each side of 3 cells.
_FIXED_WIDTH = 3 + 5 + 6


def short_clock(seconds: float) -> str:
    """At most 5 characters: ``03:10``, ``59:59``, ``1h02``."""
    if seconds >= 3600:
        h, rest = divmod(int(seconds), 3600)
        return f"{h}h{rest // 60:02d}"
    return clock(seconds)


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class AgendaList(DataTable):
    """Rows keyed by agenda item id. Enter on a row asks the screen to jump
    there; ``delete`` asks it to remove an item not yet started."""

    BINDINGS = [Binding("delete", "remove_item", "Remove item", id="agenda-remove", show=False)]

    class RemoveRequested(Message):
        def __init__(self, item: AgendaItem) -> None:
            super().__init__()
            self.item = item

    def action_remove_item(self) -> None:
        item = self.highlighted_item
        if item is not None:
            self.post_message(self.RemoveRequested(item))

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.items: list[AgendaItem] = []
        self._now: datetime | None = None
        self._select_id: int | None = None

    def on_mount(self) -> None:
        self.add_column("Agenda", key="title", width=self._title_width())
        self.add_column("Box", key="box", width=3)
        self.add_column("Time", key="time", width=5)
        if self._now is not None:  # shown before this mount ran (the screen opened with its data)
            self.show(self.items, self._now, select_id=self._select_id)

    def _title_width(self) -> int:
        return max(8, self.scrollable_content_region.width - _FIXED_WIDTH) if self.size.width else 24

    def on_resize(self) -> None:
        self._refit()

    def _refit(self) -> None:
        """Re-show when the title column no longer matches the width (first
        layout, terminal resized)."""
        if self._now is None or not self.size.width:
            return
        column = self.columns.get(self.columns_key("title"))
        if column is not None and column.width != self._title_width():
            self.show(self.items, self._now)

    def show(self, items: Sequence[AgendaItem], now: datetime, *, select_id: int | None = None) -> None:
        """Rebuild every row (after a change to the agenda).

        The cursor goes to ``select_id`` if given, else stays where it was
        while the list has focus, else follows the current item.
        """
        self.items = list(items)
        self._now = now
        if not self.columns:  # not mounted yet: on_mount shows them
            self._select_id = select_id
            return
        width = self._title_width()
        column = self.columns.get(self.columns_key("title"))
        if column is not None and column.width != width:
            column.width = width
        if not self.size.width:  # not laid out yet: fit the columns once it is
            self.call_after_refresh(self._refit)
        cursor = self.cursor_row
        self.clear()
        for item in self.items:
            self.add_row(*self._cells(item, now, width), key=str(item.id))
        if not self.items:
            return
        ids = [i.id for i in self.items]
        current = next((n for n, it in enumerate(self.items) if it.state == "current"), None)
        if select_id in ids:
            target = ids.index(select_id)
        elif self.has_focus and cursor >= 0:
            target = cursor
        else:
            target = current if current is not None else len(ids) - 1
        self.move_cursor(row=min(max(target, 0), len(ids) - 1))

    def columns_key(self, key: str):
        from textual.widgets.data_table import ColumnKey

        return ColumnKey(key)

    def _cells(self, item: AgendaItem, now: datetime, width: int) -> tuple[Text, Text, Text]:
        spent = item_elapsed(item, now)
        over = spent > item.timebox_min * 60
        style = {"current": "bold", "done": "dim", "pending": ""}[item.state]
        title = Text(MARKERS[item.state] + " ", style="bold green" if item.state == "current" else "dim")
        if item.topic_id is not None:
            # A proposed topic: who proposed it, after the title (the title gives way first).
            by = f" · {item.proposed_by}" if item.proposed_by else " · topic"
            by = truncate(by, max(0, (width - 2) // 2))
            title.append(
                truncate(item.title, max(1, width - 2 - len(by))),
                style="bold red" if over and item.state == "current" else style,
            )
            title.append(by, style="italic dim")
        else:
            title.append(
                truncate(item.title, width - 2), style="bold red" if over and item.state == "current" else style
            )
        box = Text(f"{item.timebox_min}′", justify="right", style="dim")
        time_style = "bold red" if over else ("bold" if item.state == "current" else "dim")
        time = Text(short_clock(spent) if spent or item.state != "pending" else "–", justify="right", style=time_style)
        return title, box, time

    def tick(self, now: datetime) -> None:
        """Update only the running item's time cell (called every half second)."""
        self._now = now
        for item in self.items:
            if item.state == "current":
                title, _, time = self._cells(item, now, self._title_width())
                self.update_cell(str(item.id), "time", time)
                self.update_cell(str(item.id), "title", title)

    @property
    def highlighted_item(self) -> AgendaItem | None:
        if not self.items or self.cursor_row < 0:
            return None
        return self.items[min(self.cursor_row, len(self.items) - 1)]
