"""What this meeting captured so far: action items, blockers, decisions, notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from cadence_tui.core.meeting import ActionItem, Blocker, Entry
from cadence_tui.ui.widgets.agenda_list import truncate

KIND_STYLES = {
    "action": ("Action", "bold cyan"),
    "blocker": ("Blocker", "bold yellow"),
    "decision": ("Decision", "bold magenta"),
    "note": ("Note", "bold"),
}


@dataclass(frozen=True)
class LogRow:
    """One line of the meeting log: an action item, blocker, decision or note captured, with its detail."""

    kind: str
    id: int
    text: str
    detail: str
    closed: bool = False


def log_rows(
    actions: Sequence[ActionItem], blockers: Sequence[Blocker], decisions: Sequence[Entry], notes: Sequence[Entry]
) -> list[LogRow]:
    rows = []
    for a in actions:
        bits = [a.owner or "no owner", f"due {a.due:%a %d %b}" if a.due else "no due date"]
        if a.status != "open":
            bits.append(f"{a.status} by {a.closed_by}" if a.closed_by else a.status)
        if a.created_by:
            bits.append(f"by {a.created_by}")
        rows.append(LogRow("action", a.id, a.title, " · ".join(bits), a.status != "open"))
    for b in blockers:
        bits = [
            f"raised by {b.raised_by}" if b.raised_by else "",
            f"unblock: {b.unblocker}" if b.unblocker else "",
            f"resolved by {b.resolved_by}" if b.status == "resolved" and b.resolved_by else b.status,
            f"by {b.created_by}" if b.created_by else "",
        ]
        rows.append(LogRow("blocker", b.id, b.what, " · ".join(x for x in bits if x), b.status != "open"))
    rows += [LogRow("decision", d.id, d.text, f"by {d.created_by}" if d.created_by else "") for d in decisions]
    rows += [LogRow("note", n.id, n.text, f"by {n.created_by}" if n.created_by else "") for n in notes]
    return rows


class MeetingLog(DataTable):
    """One row per captured record. ``x`` closes/reopens an action or blocker,
    ``delete`` removes a decision or note typed by mistake."""

    BINDINGS = [
        Binding("x", "toggle_done", "Done/resolved", id="log-toggle-done", show=False),
        Binding("delete", "remove", "Remove", id="log-remove", show=False),
    ]

    class Requested(Message):
        def __init__(self, row: LogRow, what: str) -> None:
            super().__init__()
            self.row = row
            self.what = what  # "toggle" | "remove"

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.rows_shown: list[LogRow] = []
        self._today: date | None = None

    def on_resize(self) -> None:
        if self._today is not None:
            self.show(self.rows_shown, self._today)

    def on_mount(self) -> None:
        self.add_column("Kind", key="kind", width=8)
        self.add_column("Captured", key="text", width=30)
        self.add_column("Detail", key="detail", width=20)
        if self._today is not None:  # shown before this mount ran
            self.show(self.rows_shown, self._today)

    def show(self, rows: Sequence[LogRow], today: date) -> None:
        from textual.widgets.data_table import ColumnKey

        self.rows_shown = list(rows)
        self._today = today
        if not self.columns:  # not mounted yet: on_mount shows them
            return
        avail = max(20, self.scrollable_content_region.width - 8 - 6) if self.size.width else 50
        text_w = max(12, avail * 3 // 5)
        detail_w = max(8, avail - text_w)
        self.columns[ColumnKey("text")].width = text_w
        self.columns[ColumnKey("detail")].width = detail_w
        cursor = self.cursor_row
        self.clear()
        for row in self.rows_shown:
            label, style = KIND_STYLES[row.kind]
            first_line = row.text.splitlines()[0] if row.text else ""
            shown = truncate(first_line, text_w)
            if "\n" in row.text and not shown.endswith("…"):
                shown = shown[: text_w - 1] + "…" if len(shown) >= text_w else shown + "…"
            self.add_row(
                Text(label, style=style),
                Text(shown, style="dim strike" if row.closed else ""),
                Text(truncate(row.detail, detail_w), style="dim"),
                key=f"{row.kind}-{row.id}",
            )
        if self.rows_shown:
            target = cursor if self.has_focus and cursor >= 0 else len(self.rows_shown) - 1
            self.move_cursor(row=min(target, len(self.rows_shown) - 1))

    @property
    def highlighted(self) -> LogRow | None:
        if not self.rows_shown or self.cursor_row < 0:
            return None
        return self.rows_shown[min(self.cursor_row, len(self.rows_shown) - 1)]

    def action_toggle_done(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.Requested(row, "toggle"))

    def action_remove(self) -> None:
        if (row := self.highlighted) is not None:
            self.post_message(self.Requested(row, "remove"))
