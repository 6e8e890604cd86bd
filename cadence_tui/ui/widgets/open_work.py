"""What is still open for one cadence: its action items, due date first.

Shown on the home screen when the terminal is tall enough to have room for it
(at 80x24 the table, details and scorecard fill the screen). The rows are read
in a thread worker, so moving the cursor never waits on the database.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from cadence_tui.ui.app_access import app_store

if TYPE_CHECKING:
    from cadence_tui.core.meeting import ActionItem

# More than a tall terminal shows; the widget crops what does not fit.
ROWS_READ = 40


class OpenWork(Static):
    """The open action items of the cadence named by :meth:`show_cadence`."""

    class Loaded(Message):
        """The open items of ``cadence_key`` were read (``total`` of them open)."""

        def __init__(self, cadence_key: str, items: list[ActionItem], total: int, today: date) -> None:
            super().__init__()
            self.cadence_key = cadence_key
            self.items = items
            self.total = total
            self.today = today

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cadence_key: str | None = None
        self.cadence_name = ""

    def show_cadence(self, cadence_key: str, cadence_name: str) -> None:
        """Read and show ``cadence_key``'s open items (in a worker)."""
        self.cadence_key, self.cadence_name = cadence_key, cadence_name
        self.border_title = f"Open for {cadence_name}"
        self._load(cadence_key)

    @work(thread=True, exclusive=True, group="home-open-work", exit_on_error=False)
    def _load(self, cadence_key: str) -> None:
        from cadence_tui.store.actions import ActionFilter

        store = app_store(self)
        wanted = ActionFilter(cadence_key=cadence_key)
        items = store.actions.list_actions(wanted, limit=ROWS_READ)
        total = store.actions.count_actions(wanted) if len(items) == ROWS_READ else len(items)
        self.post_message(self.Loaded(cadence_key, items, total, store.today()))

    def on_open_work_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.cadence_key != self.cadence_key:
            return  # the cursor has moved on since
        self.border_title = f"Open for {self.cadence_name} ({message.total:,})"
        if not message.items:
            self.update(Text("Nothing open: every action item of this cadence is closed.", style="dim"))
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        for item in message.items:
            overdue = item.is_overdue(message.today)
            due = f"{item.due:%a %d %b}" if item.due else "no due date"
            text.append("! " if overdue else "  ", style="bold red")
            text.append(f"{due:<12}", style="bold red" if overdue else "dim")
            text.append(f"{(item.owner or '—')[:12]:<13}")
            text.append(item.title)
            text.append("\n")
        text.rstrip()
        self.update(text)
