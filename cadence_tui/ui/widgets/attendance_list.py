"""Who is in the meeting: participants and guests, present or not."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from cadence_tui.core.meeting import Attendee
from cadence_tui.ui.widgets.agenda_list import truncate


class AttendanceList(DataTable):
    """Enter or ``x`` toggles whether the highlighted person is present."""

    BINDINGS = [
        Binding("x", "toggle", "Present/absent", id="attendance-toggle", show=False),
    ]

    class Toggled(Message):
        def __init__(self, person: str) -> None:
            super().__init__()
            self.person = person

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.people: list[Attendee] = []

    def on_mount(self) -> None:
        self.add_column(" ", key="present", width=1)
        self.add_column("Name", key="name", width=18)
        self.add_column("Role", key="role", width=16)
        self.add_column("", key="guest", width=5)
        if self.people:  # shown before this mount ran
            self.show(self.people)

    def show(self, people: Sequence[Attendee]) -> None:
        self.people = list(people)
        if not self.columns:  # not mounted yet: on_mount shows them
            return
        cursor = self.cursor_row
        self.clear()
        for p in self.people:
            self.add_row(
                Text("☑" if p.present else "☐", style="bold green" if p.present else "dim"),
                Text(truncate(p.name, 18), style="" if p.present else "dim"),
                Text(truncate(p.role, 16), style="dim"),
                Text("guest" if p.guest else "", style="italic dim"),
                key=p.name,
            )
        if self.people:
            self.move_cursor(row=min(max(cursor, 0), len(self.people) - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_toggle()

    def action_toggle(self) -> None:  # type: ignore[override]  # our "toggle" key marks attendance, not DOMNode.action_toggle(attribute)
        if self.people and self.cursor_row >= 0:
            self.post_message(self.Toggled(self.people[min(self.cursor_row, len(self.people) - 1)].name))
