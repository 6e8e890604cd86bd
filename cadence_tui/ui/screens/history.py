"""History: past meetings newest first, and full-text search over what they recorded.

Without a search the list shows meetings (date, cadence, duration vs timebox,
counts); with one it shows the matching action items, decisions, notes and
blockers, newest first. Enter opens the meeting's summary either way.

The UI thread never waits on the database: the list reads its pages in
thread workers (widgets/action_table.py), and the details of the highlighted
row and the cadence names are read in workers of this screen.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from cadence_tui.core.timefmt import clock
from cadence_tui.core.wording import counted
from cadence_tui.store.history import MeetingRecord, SearchHit
from cadence_tui.ui.app_access import app_store, cadence_app
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.stylesheets import css
from cadence_tui.ui.widgets.action_table import FunctionSource, Page, PagedTable, raise_worker_error

KIND_LABELS = {"action": "action", "decision": "decision", "note": "note", "blocker": "blocker"}


class HistoryTable(PagedTable[Any]):
    """Meetings, or search hits, one per line."""

    empty_text = "No past meetings match."

    def header(self, width: int) -> Text:
        when = "When".ljust(_when_width(width))
        if self.rows and isinstance(self.rows[0], SearchHit):
            return Text(" " + when + "Cadence".ljust(24) + "What".ljust(10) + "Text")
        counts = "  Act Dec Note Blk" if width >= 70 else ""
        return Text(" " + when + "Cadence".ljust(24) + "Minutes".rjust(10) + counts)

    def render_row(self, row: Any, width: int) -> Text:
        text = Text(" ")
        # The start time too: two meetings on one day are two distinct lines.
        when = row.started_at.astimezone()
        wide = _when_width(width) > WHEN_NARROW
        text.append(f"{when:%a %d %b %Y %H:%M}" if wide else f"{when:%d %b %Y %H:%M}")
        text.append(" " * (_when_width(width) - len(text) + 1))
        text.append(_fit(row.cadence_name, 23).ljust(24), style="bold")
        if isinstance(row, SearchHit):
            text.append(KIND_LABELS.get(row.kind, row.kind).ljust(10), style="cyan")
            text.append_text(Text(row.text))
            return text
        if row.duration_seconds is not None:
            over = row.duration_seconds > row.timebox_min * 60
            text.append(
                f"{round(row.duration_seconds / 60)}/{row.timebox_min} min".rjust(10),
                style="red" if over else "",
            )
        else:
            text.append("—".rjust(10), style="dim")
        if width >= 70:
            for n, w in ((row.actions, 5), (row.decisions, 4), (row.notes, 5), (row.blockers, 4)):
                text.append(str(n).rjust(w), style="" if n else "dim")
        return text


WHEN_NARROW, WHEN_WIDE = 18, 22


def _when_width(width: int) -> int:
    """The "When" column: "Thu 26 Nov 2026 15:00" where the counts still fit, "26 Nov 2026 15:00" below."""
    return WHEN_WIDE if width >= 75 else WHEN_NARROW


def _fit(value: str, width: int) -> str:
    return value if len(value) <= width else value[: max(0, width - 1)] + "…"


class HistoryScreen(Screen[None]):
    """Look back: which meetings were held, and what was said in them."""

    CSS_PATH = css("actions.tcss", "history.tcss")

    class CadencesLoaded(Message):
        def __init__(self, cadences: list[tuple[str, str]]) -> None:
            super().__init__()
            self.cadences = cadences

    class DetailsLoaded(Message):
        """The meeting behind the highlighted ``row``, and its first decisions."""

        def __init__(self, row: Any, meeting: MeetingRecord, decisions: list[str]) -> None:
            super().__init__()
            self.row = row
            self.meeting = meeting
            self.decisions = decisions

    BINDINGS = [
        Binding("escape", "back", "Back", id="history-back"),
        Binding("enter", "open_meeting", "Summary", id="history-open"),
        Binding("slash", "search", "Search", id="history-search"),
        Binding("c", "cycle_cadence", "Cadence", id="history-cadence"),
        *quiet_global_keys(),
    ]

    def __init__(self, cadence_key: str | None = None) -> None:
        super().__init__()
        self.cadence_key = cadence_key
        self.search = ""
        self._cadences: list[tuple[str, str]] = []
        self._highlighted: Any = None
        # meeting id -> (its record, its first decisions), read with the pages
        self._details: dict[int, tuple[MeetingRecord, list[str]]] = {}

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield Static(id="history-title")
        with Horizontal(id="history-filterbar"):
            yield Input(
                placeholder="/ search decisions, actions, notes, blockers", id="history-search-input", max_length=200
            )
            yield Static(id="history-filters")
        yield HistoryTable(id="history-table")
        yield Static(id="history-details")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(HistoryTable).on_move = self._table_moved
        self._load_cadences()
        self.reload()
        self.query_one(HistoryTable).focus()

    def on_database_changed(self, _message: object) -> None:
        """Another terminal changed the database (ui/live_updates.py): read the
        list again in its workers, cursor kept (the title and the details
        panel follow when the pages land)."""
        table = self.query_one(HistoryTable)
        if self.is_current and table.source is not None:
            self._details = {}  # read again with the pages
            table.reload()

    @property
    def busy(self) -> bool:
        """A read is still to come (tests and benches wait)."""
        return self.query_one(HistoryTable).busy

    @work(thread=True, group="history-cadences", exit_on_error=False)
    def _load_cadences(self) -> None:
        self.post_message(self.CadencesLoaded([(c.key, c.name) for c in self.store.cadences.list_cadences()]))

    def on_worker_state_changed(self, event: Any) -> None:
        raise_worker_error(self, event)  # a failed read: as if a key had raised it

    def on_history_screen_cadences_loaded(self, message: CadencesLoaded) -> None:
        self._cadences = message.cadences
        self._refresh_header()

    def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
        event.stop()
        self._refresh_header()

    def reload(self) -> None:
        store, cadence, text = self.store, self.cadence_key, self.search
        table = self.query_one(HistoryTable)
        self._details = {}  # read again with the new list's pages
        if text:

            def hits(*, after=None, before=None, inclusive=False, from_end=False, limit=64) -> Page[Any]:
                # Display order is newest first: "after" in the list is an older (smaller) rowid.
                if after is not None:
                    rows = store.history.search_history(
                        text, cadence, before=after[0] + (1 if inclusive else 0), limit=limit
                    )
                elif before is not None:
                    rows = store.history.search_history(text, cadence, after=before[0], limit=limit)
                else:
                    rows = store.history.search_history(text, cadence, oldest=from_end, limit=limit)
                self._read_details(store, rows)
                return Page(rows, [(r.rowid,) for r in rows])

            table.empty_text = "Nothing recorded matches the search."
            table.set_source(FunctionSource(hits, lambda: store.history.count_search_hits(text, cadence)))
        else:

            def meetings(*, after=None, before=None, inclusive=False, from_end=False, limit=64) -> Page[Any]:
                if after is not None:
                    key = (after[0], after[1] + 1) if inclusive else after
                    rows = store.history.past_meetings(cadence, before=key, limit=limit)
                elif before is not None:
                    rows = store.history.past_meetings(cadence, after=before, limit=limit)
                else:
                    rows = store.history.past_meetings(cadence, oldest=from_end, limit=limit)
                self._read_details(store, rows)
                return Page(rows, [r.key for r in rows])

            table.empty_text = "No past meetings yet."
            table.set_source(FunctionSource(meetings, lambda: store.history.count_past_meetings(cadence)))
        self._refresh_header()  # the count follows once the list is read (Loaded)

    def _refresh_header(self) -> None:
        table = self.query_one(HistoryTable)
        title = Text.assemble(("History", "bold"), "  ")
        if self.search:
            shown = f"{table.total:,}" + ("+" if table.total >= 1000 else "")
            title.append(f"{shown} records match" if table.total != 1 else "1 record matches")
        else:
            title.append(counted(table.total, "past meeting"))
        self.query_one("#history-title", Static).update(title, layout=False)
        name = dict(self._cadences).get(self.cadence_key or "", "all cadences")
        self.query_one("#history-filters", Static).update(
            Text.assemble(("c ", "dim"), ("cadence: ", "dim"), (name, "bold" if self.cadence_key else "")),
            layout=False,
        )

    DETAILS_KEPT = 1000  # meetings whose details are kept (a few pages' worth)

    def _read_details(self, store: Any, rows: list[Any]) -> None:
        """With each page (in the table's worker), what the details panel shows
        for its rows: moving the cursor then paints them in the same frame."""
        details = self._details
        for row in rows:
            meeting_id = row.id if isinstance(row, MeetingRecord) else row.meeting_id
            if meeting_id in details:
                continue
            meeting = row if isinstance(row, MeetingRecord) else store.history.history_entry(meeting_id)
            details[meeting_id] = (meeting, store.meetings.decisions(meeting_id)[:2])
        if len(details) > self.DETAILS_KEPT:
            for key in list(details)[: len(details) - self.DETAILS_KEPT]:
                details.pop(key, None)

    def _table_moved(self, table: PagedTable) -> None:
        details = self.query_one("#history-details", Static)
        row = table.current
        if row is self._highlighted:
            return
        self._highlighted = row
        if row is None:
            details.update("", layout=False)
            return
        known = self._details.get(row.id if isinstance(row, MeetingRecord) else row.meeting_id)
        if known is not None:
            self._show_details(row, *known)  # read with its page: in this frame
        else:
            self._load_details(row)  # painted once read (a millisecond or two)

    @work(thread=True, exclusive=True, group="history-details", exit_on_error=False)
    def _load_details(self, row: Any) -> None:
        store = self.store
        meeting = row if isinstance(row, MeetingRecord) else store.history.history_entry(row.meeting_id)
        decisions = store.meetings.decisions(meeting.id)[:2]
        self.post_message(self.DetailsLoaded(row, meeting, decisions))

    def on_history_screen_details_loaded(self, message: DetailsLoaded) -> None:
        if message.row is self._highlighted:  # the cursor has not moved on since
            self._show_details(message.row, message.meeting, message.decisions)

    def _show_details(self, row: Any, meeting: MeetingRecord, decisions: list[str]) -> None:
        text = Text()
        text.append(meeting.cadence_name, style="bold")
        text.append(f" · {meeting.started_at.astimezone():%a %d %b %Y %H:%M}")
        if meeting.duration_seconds is not None:
            text.append(f" · {clock(meeting.duration_seconds)} of {meeting.timebox_min} min")
        text.append(
            f"\n{counted(meeting.actions, 'action item')} · {counted(meeting.decisions, 'decision')}"
            f" · {counted(meeting.notes, 'note')} · {counted(meeting.blockers, 'blocker')}",
            style="dim",
        )
        for d in decisions:
            text.append("\n• ")
            text.append_text(Text(d))
        text.append("\nEnter: open the summary", style="dim")
        # Fixed height (history.tcss): no layout pass per key while scrolling.
        self.query_one("#history-details", Static).update(text, layout=False)

    def on_paged_table_selected(self, event: PagedTable.Selected) -> None:
        self._open(event.row)

    def action_open_meeting(self) -> None:
        self._open(self.query_one(HistoryTable).current)

    def _open(self, row: Any) -> None:
        if row is None:
            return
        meeting_id = row.id if isinstance(row, MeetingRecord) else row.meeting_id
        cadence_app(self).show_summary(meeting_id)

    def action_search(self) -> None:
        # At once, not after the keys already queued (Widget.focus waits for them):
        # the letters typed right after '/' are the search, not the list's keys.
        self.set_focus(self.query_one("#history-search-input", Input))

    @on(Input.Changed, "#history-search-input")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value.strip()
        self.reload()

    @on(Input.Submitted, "#history-search-input")
    def _search_submitted(self, _event: Input.Submitted) -> None:
        self.set_focus(self.query_one(HistoryTable))  # at once, as action_search

    def action_cycle_cadence(self) -> None:
        keys: list[str | None] = [None, *(k for k, _ in self._cadences)]
        i = keys.index(self.cadence_key) if self.cadence_key in keys else 0
        self.cadence_key = keys[(i + 1) % len(keys)]
        self.reload()

    def action_back(self) -> None:
        search = self.query_one("#history-search-input", Input)
        if search.has_focus:
            self.set_focus(self.query_one(HistoryTable))
            return
        self.app.pop_screen()
