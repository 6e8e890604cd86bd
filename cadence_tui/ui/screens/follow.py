"""Follow along: a read-only view of the meeting in progress, for a
participant's laptop or the room's screen (``cadence follow [CADENCE_KEY]``,
or ``f`` on home).

It shows the agenda with its clocks and what has been captured, and changes
nothing. With no meeting running it waits for one to start; when the meeting
ends it shows how it ended and waits for the next. What the facilitator does
in another terminal arrives through ui/live_updates.py (``DatabaseChanged``);
the clocks are redrawn twice a second from the stored timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from cadence_tui.core.meeting import AgendaItem, Meeting
from cadence_tui.core.meeting_clock import clock_state
from cadence_tui.store.errors import StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.stylesheets import FORMS, css
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_log import LogRow, MeetingLog, log_rows
from cadence_tui.ui.widgets.meeting_title import MeetingTitle

TICK_SECONDS = 0.5


@dataclass
class FollowRead:
    """What the follow screen shows, read off the UI thread."""

    now: datetime
    today: date
    meeting: Meeting | None = None
    agenda: list[AgendaItem] = field(default_factory=list)
    log: list[LogRow] = field(default_factory=list)
    cadence_name: str | None = None  # the cadence waited for (None: any)


def read_follow(store: Any, cadence_key: str | None, shown: Meeting | None) -> FollowRead:
    """The meeting to show and its parts: the one shown while it runs; once
    it has ended (or none was shown), the cadence's running one, or with no
    cadence given the most recently started one still running."""
    read = FollowRead(now=store.now(), today=store.today())
    meeting = shown
    if meeting is None or meeting.status == "ended":
        if cadence_key is not None:
            found = store.meetings.running_meeting(cadence_key)
        else:
            running = store.meetings.running_meetings()
            found = running[0] if running else None
        if found is not None:
            meeting = found
    if meeting is not None:
        meeting = store.meetings.get_meeting(meeting.id)
    read.meeting = meeting
    if meeting is None:
        if cadence_key is not None:
            read.cadence_name = store.cadences.get_cadence(cadence_key).name
        return read
    mid = meeting.id
    read.agenda = store.meetings.agenda(mid)
    read.log = log_rows(
        store.meetings.meeting_actions(mid),
        store.meetings.meeting_blockers(mid),
        store.meetings.meeting_decisions(mid),
        store.meetings.meeting_notes(mid),
    )
    return read


class FollowScreen(Screen[None]):
    """The meeting in progress of one cadence (or of any), read-only."""

    CSS_PATH = css(*FORMS, "follow.tcss")

    BINDINGS = [
        Binding("escape", "leave", "Back", id="follow-back"),
        Binding("question_mark", "app.help", "Keys", id="follow-help"),
        Binding("q", "app.quit", "Quit", id="follow-quit"),
        *quiet_global_keys(skip="q"),
    ]

    def __init__(self, cadence_key: str | None = None) -> None:
        super().__init__(id="follow-screen")
        self.cadence_key = cadence_key
        self.meeting: Meeting | None = None
        self.agenda_items: list[AgendaItem] = []

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield MeetingTitle(id="meeting-title")
        yield ClockBar(id="meeting-clock")
        yield Static(id="follow-status")
        with Horizontal(id="meeting-body"):
            with Vertical(id="meeting-left"):
                yield AgendaList(id="agenda")
            with Vertical(id="follow-right"):
                yield MeetingLog(id="meeting-log")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#meeting-log").border_title = "Captured"
        self.reload()
        self.set_interval(TICK_SECONDS, self.tick)

    # -- reading (never writing) ------------------------------------------------
    # The store is read in a thread worker (the database may be across a
    # network); the widgets change when its FollowRead arrives.
    def reload(self) -> None:
        self._read(self.cadence_key, self.meeting)

    @work(thread=True, exclusive=True, group="follow-read", exit_on_error=False)
    def _read(self, cadence_key: str | None, shown: Meeting | None) -> None:
        try:
            read = read_follow(self.store, cadence_key, shown)
        except StoreError as exc:  # e.g. the meeting was deleted by an import
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, read)

    def _show(self, read: FollowRead) -> None:
        if not self.is_attached:
            return
        self.meeting, m = read.meeting, read.meeting
        self.set_class(m is None, "-waiting")
        if m is None:
            self.agenda_items = []
            self.query_one(AgendaList).show([], read.now)
            self.query_one(MeetingLog).show([], read.today)
            self._status(self._waiting_text(read.cadence_name))
            return
        self.agenda_items = read.agenda
        self.query_one(AgendaList).show(self.agenda_items, read.now)
        occurrence = m.scheduled_for.astimezone() if m.scheduled_for else None
        self.query_one(MeetingTitle).show(m.cadence_name, occurrence, m.started_at.astimezone(), m.timebox_min)
        self.query_one(MeetingLog).show(read.log, read.today)
        if m.status == "ended":
            self._status(Text("The meeting has ended; the next one appears here when it starts."))
        else:
            self._status(Text("Following along: read-only; the facilitator's changes appear here.", style="dim"))
        self.tick()

    def _waiting_text(self, cadence_name: str | None) -> Text:
        text = Text("Waiting for ", style="bold")
        text.append(cadence_name or "a meeting", style="bold")
        text.append(" to start… it appears here as soon as it does.", style="bold")
        return text

    def _status(self, text: Text) -> None:
        self.query_one("#follow-status", Static).update(text)

    def tick(self) -> None:
        if not self.is_mounted or self.meeting is None:
            return
        now = self.store.now()
        self.query_one(ClockBar).show(clock_state(self.meeting, self.agenda_items, now))
        self.query_one(AgendaList).tick(now)

    def on_database_changed(self, _message: object) -> None:
        self.reload()

    def on_meeting_log_requested(self, event: MeetingLog.Requested) -> None:
        event.stop()  # read-only: x and del change nothing here
        self.notify("Read-only: the facilitator's terminal changes the meeting", timeout=3)

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
