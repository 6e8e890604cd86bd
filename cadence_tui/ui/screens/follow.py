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

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from cadence_tui.core.meeting_clock import clock_state
from cadence_tui.core.model import AgendaItem, Meeting
from cadence_tui.store.errors import StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.stylesheets import FORMS, css
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_log import MeetingLog, log_rows
from cadence_tui.ui.widgets.meeting_title import MeetingTitle

TICK_SECONDS = 0.5


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
    def find_meeting(self) -> Meeting | None:
        """The meeting to show: the cadence's running one, or (no cadence
        given) the most recently started one still running."""
        if self.cadence_key is not None:
            return self.store.meetings.running_meeting(self.cadence_key)
        running = self.store.meetings.running_meetings()
        return running[0] if running else None

    def reload(self) -> None:
        try:
            self._reload()
        except StoreError as exc:  # e.g. the meeting was deleted by an import
            self.notify(str(exc), severity="error", markup=False)

    def _reload(self) -> None:
        store = self.store
        if self.meeting is None or self.meeting.status == "ended":
            found = self.find_meeting()
            if found is not None:
                self.meeting = found
        if self.meeting is not None:
            self.meeting = store.meetings.get_meeting(self.meeting.id)
        m = self.meeting
        self.set_class(m is None, "-waiting")
        if m is None:
            self.agenda_items = []
            self.query_one(AgendaList).show([], store.now())
            self.query_one(MeetingLog).show([], store.today())
            self._status(self._waiting_text())
            return
        self.agenda_items = store.meetings.agenda(m.id)
        self.query_one(AgendaList).show(self.agenda_items, store.now())
        occurrence = m.scheduled_for.astimezone() if m.scheduled_for else None
        self.query_one(MeetingTitle).show(m.cadence_name, occurrence, m.started_at.astimezone(), m.timebox_min)
        mid = m.id
        rows = log_rows(
            store.meetings.meeting_actions(mid),
            store.meetings.meeting_blockers(mid),
            store.meetings.meeting_decisions(mid),
            store.meetings.meeting_notes(mid),
        )
        self.query_one(MeetingLog).show(rows, store.today())
        if m.status == "ended":
            self._status(Text("The meeting has ended; the next one appears here when it starts."))
        else:
            self._status(Text("Following along: read-only; the facilitator's changes appear here.", style="dim"))
        self.tick()

    def _waiting_text(self) -> Text:
        text = Text("Waiting for ", style="bold")
        if self.cadence_key is not None:
            text.append(self.store.cadences.get_cadence(self.cadence_key).name, style="bold")
        else:
            text.append("a meeting", style="bold")
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
