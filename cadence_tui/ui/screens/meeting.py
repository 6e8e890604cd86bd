"""Running a meeting: agenda and clocks, capture, carry-over triage, attendance,
and the cadence's own panel.

Layout: a clock bar on top; the agenda on the left; on the right a
``TabbedContent`` (``#meeting-tabs``) with the cadence panel (if any), what was
captured, the carried-over items and attendance. Every action is a
``Binding`` with an id, so the footer shows the keys and the palette finds them.

Extension points (for features that add to the meeting screen):

* **Tabs**: override :meth:`MeetingScreen.compose_extra_tabs` (yield
  ``TabPane`` objects).
* **Capture actions**: add a ``Binding`` (in a mixin's ``BINDINGS``) and an
  ``action_...`` method that calls :meth:`MeetingScreen.open_form` with
  ``FormField`` specs, a ``write(store, values)`` callable that calls the
  store it is given (it runs on the ordered write queue's thread) and a
  ``check(values)`` that validates without the database (raise
  ``InvalidInput`` with ``.field`` set, e.g. via ``store.meetings.at_field``,
  to put the message under the field; a refusal only the store can make
  comes back and opens the form again with the message).
* **Refresh**: ``self.refresh_all()`` re-reads everything; override
  :meth:`refresh_extra` to re-read your tabs with it. The agenda, log,
  carried items and attendance are read in a thread worker
  (:func:`read_meeting`) and shown when the result arrives; keys that change
  them write through the ordered write queue (:meth:`MeetingScreen.write`).
* **End of meeting**: ``e`` asks for confirmation, then
  :meth:`finish_meeting` queues the end on the ordered write queue; when it
  has landed it calls :meth:`after_end`, which asks for the attendees'
  ratings and then leaves this screen for the summary (a failed end leaves
  the meeting open and says so).
* **Panel**: the cadence panel's data is read in a thread worker
  (``PANEL.read``) and drawn on the UI thread (``panel.show``); keys that
  act on its highlighted row go through :meth:`after_panel_read`.

The playbook (``screens/meeting_playbook.py``) is wired in this way: the
``MeetingPlaybook`` mixin, its ``MEETING_PLAYBOOK_BINDINGS`` (M metric,
F fail-fast, X escalate, R rate; listed by each concrete screen after the
panel's keys), its scorecard tab from
``compose_extra_tabs``, its refresh from ``refresh_extra`` and its ratings
from ``after_end``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from cadence_tui.core.meeting import AgendaItem, Attendee, CarriedItem, Meeting
from cadence_tui.core.meeting_clock import ClockState, OverTimeWatch, clock_state
from cadence_tui.core.timefmt import local_time
from cadence_tui.core.wording import counted
from cadence_tui.kinds import GENERIC, all_kinds
from cadence_tui.store.actions import clean_title
from cadence_tui.store.errors import DatabaseBusy, InvalidInput, NotFound, StoreError
from cadence_tui.store.meetings import (
    MeetingEnded,
    at_field,
    check_action_capture,
    check_agenda_item,
    check_blocker_capture,
    check_entry_capture,
    check_guest,
    check_redate,
    field_error,
)
from cadence_tui.store.panels import (
    check_budget_line,
    check_campaign_change,
    check_demo,
    check_demo_feedback,
    check_demo_feedback_lines,
    check_handoff_rating,
    check_pipeline,
    check_reforecast,
    check_variance_threshold,
    check_win,
)
from cadence_tui.ui.app_access import app_store, cadence_app
from cadence_tui.ui.dialogs import ConfirmDialog
from cadence_tui.ui.screens.footer_room import FooterRoom
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.screens.meeting_playbook import MEETING_PLAYBOOK_BINDINGS, MeetingPlaybook
from cadence_tui.ui.store_work import in_thread
from cadence_tui.ui.stylesheets import FORMS, css
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.attendance_list import AttendanceList
from cadence_tui.ui.widgets.cadence_panels import BudgetPanel, CadencePanel, DemoPanel, HealthPanel, PipelinePanel
from cadence_tui.ui.widgets.capture_forms import QUEUED, CaptureForm, FormField
from cadence_tui.ui.widgets.carry_over import CarryOverTable
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_log import LogRow, MeetingLog, log_rows
from cadence_tui.ui.widgets.meeting_title import MeetingTitle
from cadence_tui.ui.widgets.steady_footer import SteadyFooter
from cadence_tui.ui.write_queue import WriteDone, WriteFailed, WriteJob, write_queue

TICK_SECONDS = 0.5  # the clocks are redrawn twice a second: never a skipped second
DUE_PLACEHOLDER = "fri, next mon, +3d, 2026-12-04"


@dataclass
class MeetingRead:
    """What one read of the database gave the screen (parts not asked for are None)."""

    now: datetime
    today: date
    meeting: Meeting | None = None
    agenda: list[AgendaItem] | None = None
    log: list[LogRow] | None = None
    carried: list[CarriedItem] | None = None
    people: list[Attendee] | None = None
    select_id: int | None = None
    panel: object = None  # the cadence panel's data (its ``read``), when asked
    scorecard: list[Any] | None = None  # the metrics the cadence reviews, when asked


def read_meeting(
    store: Any,
    meeting_id: int,
    *,
    agenda: bool = False,
    log: bool = False,
    carried: bool = False,
    people: bool = False,
    select_id: int | None = None,
    panel: type[CadencePanel] | None = None,
    scorecard: str | None = None,
) -> MeetingRead:
    """The parts of a meeting the screen shows, read on whichever thread calls
    it (``panel``: the panel class whose data to read; ``scorecard``: the
    cadence key whose reviewed metrics to read)."""
    s, mid = store, meeting_id
    out = MeetingRead(now=s.now(), today=s.today(), select_id=select_id)
    meetings = s.meetings
    if agenda:
        out.meeting = meetings.get_meeting(mid)
        out.agenda = meetings.agenda(mid)
    if log:
        out.log = log_rows(
            meetings.meeting_actions(mid),
            meetings.meeting_blockers(mid),
            meetings.meeting_decisions(mid),
            meetings.meeting_notes(mid),
        )
    if carried:
        out.carried = meetings.carry_over(mid)
    if people:
        out.people = meetings.attendance(mid)
    if panel is not None:
        out.panel = panel.read(s, mid)
    if scorecard is not None:
        out.scorecard = s.scorecard.scorecard(scorecard)
    return out


class MeetingScreen(FooterRoom, MeetingPlaybook, Screen[None]):
    """One running meeting. Subclasses add a cadence's panel and its keys;
    :class:`MeetingPlaybook` adds the scorecard tab, fail-fast, escalation
    and the rating at the end."""

    CSS_PATH = css(*FORMS)

    PANEL: type[CadencePanel] | None = None
    # On a wide terminal the footer shows these too (screens/footer_room.py).
    FOOTER_WHEN_ROOM = (
        "agenda-previous",
        "meeting-pause",
        "show-panel",
        "show-log",
        "show-carry-over",
        "show-attendance",
        "agenda-add",
        "panel-threshold",
        "meeting-record-metric",
        "meeting-log-failfast",
        "meeting-escalate",
        "meeting-rate",
    )

    BINDINGS = [
        # Capture first: the footer shows the leftmost keys on a narrow terminal.
        Binding("a", "capture_action", "Action", id="capture-action"),
        Binding("b", "capture_blocker", "Blocker", id="capture-blocker"),
        Binding("d", "capture_decision", "Decision", id="capture-decision"),
        Binding("o", "capture_note", "Note", id="capture-note"),
        Binding("n", "next_item", "Next", id="agenda-next"),
        Binding(
            "p", "previous_item", "Back", id="agenda-previous", show=False, tooltip="Back to the previous agenda item"
        ),
        # Not in the footer (no room at 80 columns); the clock bar says how to resume.
        Binding("space", "toggle_pause", "Pause", id="meeting-pause", key_display="␣", show=False),
        Binding("e", "end_meeting", "End", id="meeting-end"),
        # `?` before the panel's keys, so an 80-column footer still shows it;
        # the panel's own text names its keys when they do not fit.
        Binding("question_mark", "app.help", "Keys", id="meeting-help"),
        Binding("i", "add_agenda_item", "Add item", id="agenda-add", show=False),
        Binding("K,ctrl+up", "move_item(-1)", "Move item up", id="agenda-move-up", show=False),
        Binding("J,ctrl+down", "move_item(1)", "Move item down", id="agenda-move-down", show=False),
        Binding("c", "show_carry_over", "Carry-over", id="show-carry-over", show=False),
        Binding("t", "show_attendance", "Attendance", id="show-attendance", show=False),
        Binding("plus", "add_guest", "Add guest", id="attendance-add-guest", show=False),
        # l is the Finance panel's budget line there; L opens the log everywhere.
        Binding("l,L", "show_log", "Log", id="show-log", show=False, tooltip="What this meeting captured so far"),
        Binding("escape", "leave", "Home", id="meeting-home", show=False),
        # At 80 columns the footer has room for the capture, agenda and panel
        # keys only; the app's h and q are in `?` and the palette (a captures).
        *quiet_global_keys(skip="a"),
        # The playbook's keys are listed by each concrete screen below, after
        # the panel's keys: the footer of a narrow terminal shows the panel first.
    ]

    def __init__(self, meeting_id: int, read: MeetingRead | None = None) -> None:
        super().__init__(id="meeting-screen", classes="meeting-screen")
        self.meeting_id = meeting_id
        self._first_read = read  # read before the screen opened (open_meeting): shown on mount
        self.meeting: Meeting | None = None  # read on mount, re-read after every change
        self.agenda_items: list[AgendaItem] = []
        self.overtime_watch = OverTimeWatch()  # not `watch`: that name is Textual's DOMNode.watch
        self.panel: CadencePanel | None = None
        self.ending_here = False  # this screen ended it (vs another terminal: ended_elsewhere)
        self.ended_elsewhere = False
        self.carried: list[CarriedItem] = []  # as last read (the Carried tab's rows)
        self.people: list[Attendee] = []  # as last read (the Who tab; names for the forms)
        # Reads run in thread workers; a result older than the last one shown is dropped.
        self._asked: dict[str, int] = {}
        self._shown_seq: dict[str, int] = {}
        self._tab_labels: dict[str, str] = {}  # what each tab shows (see _set_tab_label)
        self._capture_forms: dict[str, CaptureForm] = {}  # the last capture form opened, by id
        self._panel_waiting: list[Callable[[], object]] = []  # panel keys waiting for its read
        self._agenda_pick: int | None = None  # the agenda row a re-read keeps the cursor on (refresh_agenda)

    @property
    def store(self):
        return app_store(self)

    # -- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield MeetingTitle(id="meeting-title")
        yield ClockBar(id="meeting-clock")
        with Horizontal(id="meeting-body"):
            with Vertical(id="meeting-left"):
                yield AgendaList(id="agenda")
            with TabbedContent(id="meeting-tabs"):
                if self.PANEL is not None:
                    with TabPane(self.PANEL.TAB_TITLE, id="tab-panel"):
                        self.panel = self.PANEL(id="cadence-panel")
                        yield self.panel
                with TabPane("Log", id="tab-log"):
                    yield MeetingLog(id="meeting-log")
                    yield Static(id="log-detail", classes="panel-detail")
                with TabPane("Carried", id="tab-carry"):
                    yield Static(id="carry-help", classes="panel-caption")
                    yield CarryOverTable(id="carry-over")
                with TabPane("Who", id="tab-people"):
                    yield Static(
                        Text("enter toggles present · + adds a guest", style="dim"),
                        id="attendance-help",
                        classes="panel-caption",
                    )
                    yield AttendanceList(id="attendance")
                yield from self.compose_extra_tabs()
        yield SteadyFooter(compact=True, show_command_palette=False, keys_in_first_frame=True)

    def compose_extra_tabs(self) -> Iterable[TabPane]:
        """Hook: more tabs for the right-hand side (the playbook's scorecard)."""
        return self.playbook_tabs()

    def on_mount(self) -> None:
        if self._first_read is not None:
            # Read by the worker that opened this screen: the first frame shows it.
            first, self._first_read = self._first_read, None
            self._show_read(first)
            if self.panel is not None and first.panel is not None:
                self.panel.show(first.panel)
            else:
                self.refresh_panel()
            if first.scorecard and first.meeting is not None:
                self._show_scorecard((first.meeting.cadence_key, first.scorecard))
            if first.scorecard is None:  # not in the first read: the scorecard tab reads it now
                self.refresh_extra()
        else:
            self.refresh_all()
        self.set_interval(TICK_SECONDS, self.tick)

    def on_screen_resume(self) -> None:
        self.tick()

    # -- live: another terminal changed the database (ui/live_updates.py) -------------------
    # Re-read in a worker like any refresh; when the read is shown (_show_agenda),
    # a meeting ended by another window is said (_check_ended_elsewhere).
    def on_database_changed(self, _message: object) -> None:
        if self.meeting is None or self.ending_here:
            return
        self.refresh_all()

    def _check_ended_elsewhere(self, *, quiet: bool = False) -> bool:
        """If the meeting was ended elsewhere: say so (at length the first
        time, briefly after unless ``quiet``), stop the clock (the ended
        meeting's own times), stay usable. True when ended."""
        if self.meeting is None or self.meeting.status != "ended":
            return False
        if self.ended_elsewhere and not quiet:
            self.notify("This meeting has ended: e opens its summary, Esc goes home", timeout=3)
        if not self.ending_here and not self.ended_elsewhere:
            self.ended_elsewhere = True
            self.query_one(ClockBar).ended_elsewhere = True
            self.tick()
            self.notify(
                "This meeting was ended in another window. What you type now is offered as an open"
                " action item of the cadence; e opens the summary, Esc goes home.",
                title="Meeting ended elsewhere",
                severity="warning",
                timeout=10,
                markup=False,
            )
        return True

    # -- reading --------------------------------------------------------------------
    # The screen never reads the database on the UI thread: each refresh asks a
    # thread worker (read_meeting) and shows what it posts back (_show_read).
    def refresh_all(self) -> None:
        self._read(agenda=True, log=True, carried=True, people=True)
        self.refresh_panel()
        self.refresh_extra()

    def refresh_extra(self) -> None:
        """Hook: re-read extra tabs."""
        self.refresh_playbook()

    def refresh_agenda(self, *, select_id: int | None = None) -> None:
        if select_id is not None:
            # The item just added: the cursor stays on it through the re-reads
            # that follow (another window's change, a queued write landing),
            # until an agenda key moves on.
            self._agenda_pick = select_id
        self._read(agenda=True, select_id=select_id)

    def refresh_log(self) -> None:
        self._read(log=True)

    def refresh_carry_over(self) -> None:
        self._read(carried=True)

    def refresh_attendance(self) -> None:
        self._read(people=True)

    def _read(self, **parts: Any) -> None:
        if parts.get("agenda") and parts.get("select_id") is None:
            parts["select_id"] = self._agenda_pick
        asked = tuple(name for name in ("agenda", "log", "carried", "people") if parts.get(name))
        seq = {name: self._asked.get(name, 0) + 1 for name in asked}
        self._asked.update(seq)
        self._read_in_worker(parts, seq)

    @work(thread=True, exit_on_error=False, group="meeting-read")
    def _read_in_worker(self, parts: dict[str, Any], seq: dict[str, int]) -> None:
        try:
            read = read_meeting(self.store, self.meeting_id, **parts)
        except NotFound:  # the meeting itself was deleted (a restore, an import)
            message = "This meeting no longer exists in the database"
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        except StoreError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_read, read, seq)

    def _show_read(self, read: MeetingRead, seq: dict[str, int] | None = None) -> None:
        """Show a read (from a worker, or from a queued write's job)."""
        if not self.is_attached:  # closed meanwhile (not is_mounted: False during on_mount)
            return

        def fresh(name: str) -> bool:
            if seq is None or name not in seq:
                return True
            if seq[name] < self._shown_seq.get(name, 0):
                return False  # an older read finishing late
            self._shown_seq[name] = seq[name]
            return True

        if read.meeting is not None and read.agenda is not None and fresh("agenda"):
            self._show_agenda(read.meeting, read.agenda, read.now, read.select_id)
        if read.log is not None and fresh("log"):
            self.query_one(MeetingLog).show(read.log, read.today)
            self._tab_label("tab-log", "Log", len(read.log))
        if read.carried is not None and fresh("carried"):
            self.carried = list(read.carried)
            self.query_one(CarryOverTable).show(self.carried, read.now, read.today)
            self._carry_counts()
        if read.people is not None and fresh("people"):
            self._show_people(read.people)

    def _show_agenda(self, meeting: Meeting, agenda: list[AgendaItem], now: datetime, select_id: int | None) -> None:
        self.meeting = meeting
        self.agenda_items = agenda
        self.query_one(AgendaList).show(agenda, now, select_id=select_id)
        m = meeting
        # Which occurrence this meeting is for (recurrence.meeting_occurrence),
        # worded to fit the terminal's width (widgets/meeting_title.py).
        occurrence = local_time(m.scheduled_for) if m.scheduled_for else None
        self.query_one(MeetingTitle).show(m.cadence_name, occurrence, local_time(m.started_at), m.timebox_min)
        self.tick()
        self._check_ended_elsewhere(quiet=True)  # another window ended it: say so once, stop the clock

    @on(DataTable.RowHighlighted, "#meeting-log")
    def _show_log_detail(self, _event: DataTable.RowHighlighted) -> None:
        """The whole text of the highlighted record (the table shows one line)."""
        row = self.query_one(MeetingLog).highlighted
        detail = Text()
        if row is not None:
            detail.append(row.text)
            if row.detail:
                detail.append(f"\n{row.detail}", style="dim")
            detail.append("\nx done/resolved · del remove", style="dim")
        self.query_one("#log-detail", Static).update(detail)

    def _carry_counts(self) -> None:
        items = self.carried
        waiting = sum(1 for i in items if i.outcome is None)
        self._tab_label("tab-carry", "Carried", waiting)
        help_text = Text()
        if items:
            help_text.append(f"{waiting} of {len(items)} to triage · ", style="bold" if waiting else "dim")
            help_text.append("x done/resolved · k still open · del drop · u new due date", style="dim")
        else:
            help_text.append("Nothing carried over: no open items from earlier meetings.", style="dim")
        caption = self.query_one("#carry-help", Static)
        # A triage key changes the count, rarely the caption's height: then only
        # the caption repaints, not the whole screen's layout.
        width = caption.content_region.width
        lines = len(help_text.wrap(self.app.console, width)) if width else -1
        caption.update(help_text, layout=lines != getattr(caption, "_cadence_lines", None) or lines < 0)
        caption._cadence_lines = lines  # type: ignore[attr-defined]

    def _show_people(self, people: list[Attendee]) -> None:
        self.people = list(people)
        self.query_one(AttendanceList).show(people)
        present = sum(1 for p in people if p.present)
        # "Who 4/5": present / on the list (short: five tabs share 48 columns at 80x24)
        self._set_tab_label("tab-people", f"Who {present}/{len(people)}")

    def refresh_panel(self) -> None:
        """Re-read the cadence panel in a thread worker; shown when it arrives
        (a read older than one already shown is dropped)."""
        panel, mid = self.panel, self.meeting_id
        if panel is None:
            return
        seq = self._asked.get("panel", 0) + 1
        self._asked["panel"] = seq

        def show(data: object) -> None:
            if self.is_attached and seq >= self._shown_seq.get("panel", 0):
                self._shown_seq["panel"] = seq
                panel.show(data)
            self._panel_read_done()

        def failed(exc: StoreError) -> None:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            self._shown_seq["panel"] = max(seq, self._shown_seq.get("panel", 0))
            self._panel_read_done()  # the keys that waited act on what is shown

        in_thread(self, lambda store: type(panel).read(store, mid), show, group="panel-read", failed=failed)

    def after_panel_read(self, action: Callable[[], object]) -> None:
        """Run ``action`` (a panel key: it acts on the highlighted row) now, or
        once the panel's read in flight is shown: a key typed right after a
        save acts on the saved state, as when the panel was read at once."""
        if self._asked.get("panel", 0) > self._shown_seq.get("panel", 0):
            self._panel_waiting.append(action)
        else:
            action()

    def _panel_read_done(self) -> None:
        if self._asked.get("panel", 0) <= self._shown_seq.get("panel", 0):
            waiting, self._panel_waiting = self._panel_waiting, []
            for action in waiting:
                action()

    def _tab_label(self, pane_id: str, title: str, count: int) -> None:
        self._set_tab_label(pane_id, f"{title} ({count})" if count else title)

    def _set_tab_label(self, pane_id: str, label: str) -> None:
        # Only when it changes: a new label re-lays out the whole screen.
        tab = self.query_one("#meeting-tabs", TabbedContent).get_tab(pane_id)
        shown = self._tab_labels.get(pane_id, str(tab.label))
        if shown == label:
            return
        if pane_id == "tab-carry" and cell_len(label) == cell_len(shown):
            # A triage key's new count, as wide as the old one: repaint the tab
            # alone (Static.update without layout) instead of laying out the
            # screen. ``tab.label`` keeps the older text; _tab_labels is current.
            Static.update(tab, Content.from_text(label), layout=False)
        else:
            tab.label = label
        self._tab_labels[pane_id] = label

    # -- clocks -----------------------------------------------------------------------
    def tick(self) -> None:
        """Redraw the clocks from the stored timestamps; announce over-runs once."""
        if not self.is_mounted or self.meeting is None:
            return
        now = self.store.now()
        state = clock_state(self.meeting, self.agenda_items, now)
        if self.is_current:
            # Under a form the dimmed screen is not redrawn: repainting it
            # means re-blending the whole background (see on_screen_resume).
            self.query_one(ClockBar).show(state)
            self.query_one(AgendaList).tick(now)
        for event in self.overtime_watch.check(state):
            if event.item_id is None:
                self.notify(
                    f"The meeting is over its {event.timebox_min}-minute timebox",
                    title="Over time",
                    severity="warning",
                    timeout=8,
                )
            else:
                self.notify(
                    f"“{event.title}” is over its {event.timebox_min}-minute timebox",
                    title="Over time",
                    severity="warning",
                    timeout=6,
                    markup=False,
                )

    @property
    def clock(self) -> ClockState:
        """The current :class:`ClockState` (for tests and extensions)."""
        assert self.meeting is not None, "the meeting is read on mount"
        return clock_state(self.meeting, self.agenda_items, self.store.now())

    # -- forms ----------------------------------------------------------------------------
    def open_form(
        self,
        title: str,
        fields: Sequence[FormField],
        write: Callable[[Any, dict[str, str]], Any],
        *,
        check: Callable[[dict[str, str]], object] | None = None,
        then: Callable[[Any], object] | None = None,
        saved: str | Callable[[Any], str] | None = None,
        form_id: str = "capture-form",
    ) -> None:
        """Open a form whose ``write(store, values)`` runs on the ordered write
        queue, never on the UI thread: ``check(values)`` (no database: an
        ``InvalidInput`` keeps the form open, the message under its field)
        runs when Enter is pressed; the form then closes, and when the write
        lands ``then(result)`` runs and ``saved`` is said. A write the store
        refuses (a duplicate, the meeting ended, the lock held too long)
        opens the form again with what was typed and the message."""
        self.open_capture(
            title,
            fields,
            check or (lambda _values: None),
            write,
            saved=saved,
            then=then,
            form_id=form_id,
            at_once=False,
            offer_action=False,
        )

    def people_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.people)  # as last read: opening a form reads nothing

    # -- capture ---------------------------------------------------------------------------
    # Capture forms never wait on the database: the form checks what it can
    # without it (InvalidInput keeps it open, the message under its field).
    # The four captures (a, b, d, o) then try the write at once, failing at
    # once if another process holds the lock; every other form (open_form),
    # and a capture when the file is busy or earlier writes still wait, hands
    # it to the app's ordered write queue (ui/write_queue.py) and closes; the
    # clock bar says "saving…" until it lands. A queued write the store
    # refuses opens the form again with what was typed and the message
    # (_reopen_form).
    def open_capture(
        self,
        title: str,
        fields: Sequence[FormField],
        check: Callable[[dict[str, str]], object],
        write: Callable[[Any, dict[str, str]], Any],
        *,
        saved: str | Callable[[Any], str] | None,
        form_id: str,
        error: str = "",
        error_field: str | None = None,
        then: Callable[[Any], object] | None = None,
        at_once: bool = True,
        offer_action: bool = True,
        as_action: bool = False,
        focus: str | None = None,
        closed: Callable[[], object] | None = None,
    ) -> None:
        """Open a capture form whose write may be queued (see above).
        ``then(result)`` runs once it is saved (default: the log is re-read);
        ``at_once=False``: always queued, never tried on the UI thread
        (:meth:`open_form`); ``offer_action``: in a meeting that has ended, offer to keep the text
        as an open action item of the cadence (``as_action``: offered
        already, Enter saves it so); ``focus``: the field the cursor starts
        in; ``closed()`` runs when the form is cancelled."""
        spec = {
            "title": title,
            "fields": fields,
            "check": check,
            "write": write,
            "saved": saved,
            "form_id": form_id,
            "then": then,
            "at_once": at_once,
            "offer_action": offer_action,
            "focus": focus,
            "closed": closed,
        }
        offered = {"as_action": as_action}  # the meeting ended: Enter again saves it as an action item

        def save(values: dict[str, str]) -> Any:
            if offered["as_action"]:
                return self.save_as_cadence_action(values, spec)
            if offer_action and (self.ended_elsewhere or (self.meeting is not None and self.meeting.status == "ended")):
                offered["as_action"] = True
                raise self.offer_as_action()
            check(values)  # InvalidInput: the form shows it and stays open
            queue = write_queue(self.app)
            if at_once and self.store.writes_at_once and not queue.pending:
                # The four captures: tried at once (a local SQLite write that
                # fails at once if the file is busy), else queued (always on
                # PostgreSQL: StoreBase.writes_at_once).
                try:
                    with self.store.without_waiting():
                        return write(self.store, values)
                except DatabaseBusy:
                    pass
                except MeetingEnded:
                    self.refresh_agenda()  # when shown, the ended meeting is said (_show_agenda)
                    offered["as_action"] = True
                    raise self.offer_as_action() from None
            queue.submit(WriteJob(lambda store: write(store, values), self, form_id, {"values": values, **spec}))
            self.show_saving()
            return QUEUED

        def done(result: Any) -> None:
            if result is None:
                if closed is not None:
                    closed()
                return
            if result is QUEUED:
                return
            self._captured(spec, result)

        if focus is not None:
            from cadence_tui.ui.widgets.playbook_forms import PlaybookForm

            form: CaptureForm = PlaybookForm(
                title, fields, save, form_id=form_id, error=error, error_field=error_field, focus=focus
            )
        else:
            form = CaptureForm(title, fields, save, form_id=form_id, error=error, error_field=error_field)
        self._capture_forms[form_id] = form  # a failed write waits until it is gone (see _reopen_form)
        self.app.push_screen(form, done)

    def offer_as_action(self) -> InvalidInput:
        """The form's message when the meeting has ended: the text stays in the form."""
        name = self.meeting.cadence_name if self.meeting else "the cadence"
        return InvalidInput(
            f"This meeting has ended (in another window). Enter again saves this as an open action item"
            f" of {name}; Esc discards it."
        )

    def _captured(self, spec: dict[str, Any], result: Any) -> None:
        """A capture form's write landed: show it, say so."""
        then, saved = spec.get("then"), spec.get("saved")
        if then is not None:
            then(result)
        else:
            self.refresh_log()
        if saved:
            self.notify(saved if isinstance(saved, str) else saved(result), timeout=3, markup=False)

    def save_as_cadence_action(self, values: dict[str, str], spec: dict[str, Any] | None = None) -> Any:
        """A capture typed into an ended meeting, kept as an open action item
        of its cadence: checked here (the store's checks, no database), written
        on the ordered write queue; a failure opens the same form again with
        the text and the message, still saving it as an action item."""
        assert self.meeting is not None
        cadence_key, cadence_name = self.meeting.cadence_key, self.meeting.cadence_name

        def as_action(v: dict[str, str], today: date) -> tuple[str, str, str, Any]:
            field = next(f for f in ("title", "what", "text") if f in v)
            text = " ".join(v[field].split())  # a note's lines, on one line
            owner = v.get("owner") or v.get("raised_by") or ""
            with at_field(field):
                clean_title(text)
            _title, owner, due = check_action_capture(text, owner, v.get("due", ""), today)
            return field, text, owner, due

        def write(store: Any, v: dict[str, str]) -> Any:
            field, text, owner, due = as_action(v, store.today())
            with at_field(field):
                return store.actions.add_action(text, owner=owner, due=due, cadence_key=cadence_key)

        def check(v: dict[str, str]) -> None:
            as_action(v, self.store.today())

        check(values)  # InvalidInput: the form shows it and stays open
        data = {
            **(spec or {"title": "New action item", "fields": [FormField(k, k) for k in values]}),
            "check": check,
            "write": write,
            "saved": lambda item: f"Saved as an open action item of {cadence_name}: {item.title}",
            "form_id": (spec or {}).get("form_id", "action-form"),
            "then": lambda _item: None,
            "at_once": False,
            "offer_action": False,
        }
        write_queue(self.app).submit(
            WriteJob(lambda store: write(store, values), self, "action item", {"values": values, **data})
        )
        self.show_saving()
        return QUEUED

    def show_saving(self) -> None:
        self.query_one(ClockBar).show_saving(write_queue(self.app).pending)

    # -- keys that write ---------------------------------------------------------------
    # Agenda moves, triage, attendance: the write and the read of what it
    # changed run as one job on the ordered write queue (its own thread and
    # connection), so keys pressed quickly land in order and the UI thread
    # never waits; the job's result is shown when it lands.
    def write(
        self,
        what: str,
        run: Callable[[Any], Any],
        done: Callable[[Any], object],
        failed: Callable[[StoreError], object] | None = None,
    ) -> None:
        queue = write_queue(self.app)
        queue.submit(WriteJob(run, self, what, {"done": done, "failed": failed}))

    def _agenda_write(self, what: str, change: Callable[[Any], Any], *, select_id: int | None = None) -> None:
        """An agenda change and the agenda's read, as one queued job. A change
        the store refuses (the meeting ended, or the item changed, in another
        window) is said when the read lands, not a crash."""
        mid = self.meeting_id
        self._agenda_pick = select_id

        def run(store: Any) -> tuple[Any, StoreError | None, MeetingRead]:
            try:
                result, refused = change(store), None
            except (InvalidInput, NotFound) as exc:
                result, refused = None, exc
            return result, refused, read_meeting(store, mid, agenda=True, select_id=select_id)

        def done(outcome: tuple[Any, StoreError | None, MeetingRead]) -> None:
            result, refused, read = outcome
            if not self.is_attached:  # left meanwhile (e.g. ended here while this waited)
                return
            said = self.ended_elsewhere  # said at length already: say it briefly this time
            self._asked["agenda"] = self._asked.get("agenda", 0) + 1  # newer than any read in flight
            self._show_read(read, {"agenda": self._asked["agenda"]})
            if refused is None:
                self._agenda_written(what, result)
            elif not self._check_ended_elsewhere(quiet=not said):
                self.notify(str(refused), severity="warning", markup=False)

        self.write(what, run, done, lambda _exc: self.refresh_agenda())

    def _agenda_written(self, what: str, result: Any) -> None:
        if what == "next" and result is None:
            self.notify("Agenda done. Press e to end the meeting.", timeout=4)
        elif what == "pause":
            self.notify("Paused: the clocks stopped" if result.status == "paused" else "Resumed", timeout=2)
        elif what == "remove":
            dropped = " (the proposed topic is dropped)" if result.topic_id is not None else ""
            self.notify(f"Removed from the agenda: {result.title}{dropped}", timeout=4, markup=False)

    @on(WriteDone)
    def _write_done(self, event: WriteDone) -> None:
        if "done" in event.job.data:
            event.job.data["done"](event.result)
            return
        self.show_saving()
        self._captured(event.job.data, event.result)

    @on(WriteFailed)
    def _write_failed(self, event: WriteFailed) -> None:
        """Nothing typed is lost: the same form opens again with the text and the error."""
        if "done" in event.job.data:
            self.notify(str(event.error), severity="error", timeout=8, markup=False)
            if event.job.data["failed"] is not None:
                event.job.data["failed"](event.error)
            return
        self.show_saving()
        self.notify(str(event.error), severity="error", timeout=8, markup=False)
        self._reopen_form(event)

    def _reopen_form(self, event: WriteFailed) -> None:
        data = event.job.data
        previous = self._capture_forms.get(data["form_id"])
        # A form already popped but not yet removed is still attached, and still
        # owns its id; a form with that id anywhere on the stack (the user opened
        # it again) owns it too.
        if (previous is not None and previous.is_attached) or any(
            screen.id == data["form_id"] for screen in self.app.screen_stack
        ):
            # The form that queued this write is still closing (a quick
            # failure), or the user has opened the same form again: open the
            # copy once that one is gone (ids are unique).
            self.set_timer(0.05, lambda: self._reopen_form(event))
            return
        values = data["values"]
        fields = [replace(f, value=values.get(f.name, f.value)) for f in data["fields"]]
        error = event.error
        if isinstance(error, MeetingEnded) and data.get("offer_action", True):
            # Ended in another window before the write landed: the text is
            # offered as an open action item of the cadence (Enter saves it so).
            self.refresh_agenda()  # when shown, the ended meeting is said (_show_agenda)
            error = self.offer_as_action()
        self.open_capture(
            data["title"],
            fields,
            data["check"],
            data["write"],
            saved=data["saved"],
            form_id=data["form_id"],
            error=str(error),
            error_field=getattr(error, "field", None),
            then=data.get("then"),
            at_once=data.get("at_once", True),
            offer_action=data.get("offer_action", True),
            as_action=isinstance(event.error, MeetingEnded) and data.get("offer_action", True),
            focus=data.get("focus"),
            closed=data.get("closed"),
        )

    def action_capture_action(self) -> None:
        names = self.people_names()
        self.open_capture(
            "New action item",
            [
                FormField("title", "What", placeholder="what needs doing"),
                FormField("owner", "Owner", placeholder="who does it", suggestions=names),
                FormField("due", "Due", placeholder=DUE_PLACEHOLDER),
            ],
            lambda v: check_action_capture(v["title"], v["owner"], v["due"], self.store.today()),
            lambda store, v: store.meetings.capture_action(self.meeting_id, v["title"], v["owner"], v["due"]),
            saved=lambda a: (
                f"Action item saved: {a.title}"
                + (f" — {a.owner}" if a.owner else "")
                + (f", due {a.due:%a %d %b}" if a.due else "")
            ),
            form_id="action-form",
        )

    def action_capture_blocker(self) -> None:
        names = self.people_names()
        self.open_capture(
            "New blocker",
            [
                FormField("what", "Blocked", placeholder="what is blocked"),
                FormField("raised_by", "Raised by", suggestions=names),
                FormField("unblocker", "Unblocker", placeholder="who can unblock it", suggestions=names),
                FormField("status", "Status", choices=(("open", "open"), ("resolved", "resolved"))),
            ],
            lambda v: check_blocker_capture(v["what"], v["raised_by"], v["unblocker"], v["status"]),
            lambda store, v: store.meetings.capture_blocker(
                self.meeting_id, v["what"], v["raised_by"], v["unblocker"], v["status"]
            ),
            saved=lambda b: f"Blocker saved: {b.what}",
            form_id="blocker-form",
        )

    def action_capture_decision(self) -> None:
        self.open_capture(
            "New decision",
            [FormField("text", "Decision", placeholder="what was decided")],
            lambda v: check_entry_capture("decision", v["text"]),
            lambda store, v: store.meetings.capture_decision(self.meeting_id, v["text"]),
            saved=lambda _r: "Decision saved",
            form_id="decision-form",
        )

    def action_capture_note(self) -> None:
        self.open_capture(
            "New note",
            [FormField("text", "Note", multiline=True, placeholder="Ctrl+S saves")],
            lambda v: check_entry_capture("note", v["text"]),
            lambda store, v: store.meetings.capture_note(self.meeting_id, v["text"]),
            saved=lambda _r: "Note saved",
            form_id="note-form",
        )

    @on(MeetingLog.Requested)
    def _log_request(self, event: MeetingLog.Requested) -> None:
        """x (done/resolved, or open again) and del on the Log tab: written on
        the ordered write queue with the log's read, shown when it lands; a
        refusal (changed in another window, the lock held too long) is said
        and the log re-read."""
        row, mid = event.row, self.meeting_id
        change: Callable[[Any], Any]
        said = ""
        if event.what == "toggle":
            if row.kind == "action":
                status = "open" if row.closed else "done"
                change = lambda store: store.actions.set_action_status(row.id, status, meeting_id=mid)  # noqa: E731
            elif row.kind == "blocker":
                status = "open" if row.closed else "resolved"
                change = lambda store: store.meetings.set_blocker_status(row.id, status, meeting_id=mid)  # noqa: E731
            else:
                return
        elif row.kind in ("decision", "note"):
            change = lambda store: store.meetings.delete_entry(row.kind, row.id)  # noqa: E731
            said = f"{row.kind.capitalize()} removed"
        elif row.kind == "action":
            change = lambda store: store.actions.set_action_status(row.id, "dropped", meeting_id=mid)  # noqa: E731
        else:
            self.notify("A blocker is resolved (x), not removed", severity="warning")
            return

        def run(store: Any) -> MeetingRead:
            change(store)
            return read_meeting(store, mid, log=True)

        def done(read: MeetingRead) -> None:
            self._asked["log"] = self._asked.get("log", 0) + 1  # newer than any read in flight
            self._show_read(read, {"log": self._asked["log"]})
            if said:
                self.notify(said, timeout=3)

        self.write("log", run, done, lambda _exc: self.refresh_log())

    # -- agenda ---------------------------------------------------------------------------
    def action_next_item(self) -> None:
        if self._check_ended_elsewhere():
            return
        mid = self.meeting_id
        self._agenda_write("next", lambda store: store.meetings.next_item(mid))

    def action_previous_item(self) -> None:
        if self._check_ended_elsewhere():
            return
        mid = self.meeting_id
        self._agenda_write("previous", lambda store: store.meetings.previous_item(mid))

    @on(DataTable.RowSelected, "#agenda")
    def _agenda_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.query_one(AgendaList).highlighted_item
        if item is not None and item.state != "current" and not self._check_ended_elsewhere():
            mid, item_id = self.meeting_id, item.id
            self._agenda_write("goto", lambda store: store.meetings.goto_item(mid, item_id))

    def action_move_item(self, delta: int) -> None:
        item = self.query_one(AgendaList).highlighted_item
        if item is None or self._check_ended_elsewhere():
            return
        item_id = item.id
        self._agenda_write("move", lambda store: store.meetings.move_agenda_item(item_id, delta), select_id=item_id)

    @on(AgendaList.RemoveRequested)
    def _remove_agenda_item(self, event: AgendaList.RemoveRequested) -> None:
        if self._check_ended_elsewhere():
            return
        item_id = event.item.id
        self._agenda_write("remove", lambda store: store.meetings.remove_agenda_item(item_id))

    def action_add_agenda_item(self) -> None:
        mid = self.meeting_id
        self.open_form(
            "Add an agenda item",
            [FormField("title", "Item", placeholder="topic"), FormField("timebox", "Minutes", value="5")],
            lambda store, v: store.meetings.add_agenda_item(mid, v["title"], v["timebox"]),
            check=lambda v: check_agenda_item(v["title"], v["timebox"]),
            then=lambda item: self.refresh_agenda(select_id=item.id),
            saved=lambda item: f"Added to the agenda: {item.title} ({item.timebox_min} min)",
            form_id="agenda-item-form",
        )

    def action_toggle_pause(self) -> None:
        if self._check_ended_elsewhere():
            return
        mid = self.meeting_id
        self._agenda_write("pause", lambda store: store.meetings.toggle_pause(mid))

    # -- views ------------------------------------------------------------------------------
    def show_tab(self, pane_id: str, focus: str | None = None) -> None:
        tabs = self.query_one("#meeting-tabs", TabbedContent)
        tabs.active = pane_id
        if focus:
            self.query_one(focus).focus()

    def action_show_carry_over(self) -> None:
        self.show_tab("tab-carry", "#carry-over")

    def action_show_attendance(self) -> None:
        self.show_tab("tab-people", "#attendance")

    def action_show_log(self) -> None:
        self.show_tab("tab-log", "#meeting-log")

    def action_show_panel(self) -> None:
        if self.panel is not None:
            self.show_tab("tab-panel")
            self.panel.table().focus()

    # -- attendance -------------------------------------------------------------------------
    @on(AttendanceList.Toggled)
    def _toggle_present(self, event: AttendanceList.Toggled) -> None:
        mid, person = self.meeting_id, event.person

        def run(store: Any) -> MeetingRead:
            store.meetings.toggle_present(mid, person)
            return read_meeting(store, mid, people=True)

        def done(read: MeetingRead) -> None:
            self._asked["people"] = self._asked.get("people", 0) + 1
            self._show_read(read, {"people": self._asked["people"]})

        self.write("attendance", run, done, lambda _exc: self.refresh_attendance())

    def action_add_guest(self) -> None:
        mid = self.meeting_id

        def check(v: dict[str, str]) -> None:
            name, _role = check_guest(v["name"], v["role"])
            if name in self.people_names():  # as last read; the store checks again
                raise field_error("name", f"{name} is already on the list")

        self.open_form(
            "Add a guest",
            [FormField("name", "Name"), FormField("role", "Role", placeholder="optional")],
            lambda store, v: store.meetings.add_guest(mid, v["name"], v["role"]),
            check=check,
            then=lambda _r: (self.refresh_attendance(), self.show_tab("tab-people")),
            saved=lambda a: f"{a.name} added as a guest",
            form_id="guest-form",
        )

    # -- carry-over -------------------------------------------------------------------------
    @on(CarryOverTable.TriageRequested)
    def _triage(self, event: CarryOverTable.TriageRequested) -> None:
        """Shown at once (the mark, the count, the cursor on the next row);
        written on the queue; the stored item replaces the shown one when it
        lands, or the old one comes back with the error."""
        before, outcome, mid = event.item, event.outcome, self.meeting_id
        status = {"done": "done", "dropped": "dropped", "resolved": "resolved"}.get(outcome, "open")
        self._set_carried(replace(before, outcome=outcome, status=status))
        self._advance_carry_cursor()
        self.write(
            "triage",
            lambda store: store.meetings.triage(mid, before.kind, before.id, outcome),
            self._set_carried,
            lambda _exc: self._set_carried(before),
        )

    def _set_carried(self, item: CarriedItem) -> None:
        for n, it in enumerate(self.carried):
            if (it.kind, it.id) == (item.kind, item.id):
                self.carried[n] = item
        self.query_one(CarryOverTable).update_item(item)
        self._carry_counts()

    def _triaged(self, item) -> None:
        self._set_carried(item)
        self._advance_carry_cursor()

    def _advance_carry_cursor(self) -> None:
        table = self.query_one(CarryOverTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    @on(CarryOverTable.RedateRequested)
    def _redate(self, event: CarryOverTable.RedateRequested) -> None:
        item, mid = event.item, self.meeting_id
        self.open_form(
            f"New due date: {item.title}",
            [FormField("due", "Due", value=item.due.isoformat() if item.due else "", placeholder=DUE_PLACEHOLDER)],
            lambda store, v: store.meetings.triage(mid, "action", item.id, "redated", due=v["due"]),
            check=lambda v: check_redate(v["due"], self.store.today()),
            then=self._triaged,
            saved=lambda r: f"Now due {r.due:%a %d %b}",
            form_id="redate-form",
        )

    # -- ending ---------------------------------------------------------------------------------
    def action_end_meeting(self) -> None:
        if self.ending_here:
            self.notify("Ending the meeting… (saving)", timeout=3)
            return
        if self._check_ended_elsewhere():
            self.after_end(self.meeting_id)  # nothing to end: the ratings, then its summary
            return
        waiting = sum(1 for i in self.carried if i.outcome is None)  # as shown
        detail = "The clocks stop and the summary opens."
        if waiting:
            detail += f" {counted(waiting, 'carried item')} not triaged stay open."
        unreached = sum(
            1 for i in self.agenda_items if i.topic_id is not None and i.state == "pending" and not i.elapsed_seconds
        )
        if unreached:
            verb = "waits" if unreached == 1 else "wait"
            detail += f" {counted(unreached, 'proposed topic')} not reached {verb} for the next meeting."

        def answered(yes: bool | None) -> None:
            if yes:
                self.finish_meeting()

        self.app.push_screen(ConfirmDialog("End the meeting?", detail, confirm_id="end-confirm"), answered)

    def finish_meeting(self) -> None:
        """End the meeting on the ordered write queue (after the writes typed
        before it); the ratings and the summary follow when it has landed. If
        it fails (the lock held past the timeout), say so: the meeting stays
        open and usable, and e tries again."""
        if self.ending_here:
            return  # already on its way (e pressed again meanwhile)
        self.ending_here = True
        mid = self.meeting_id

        def run(store: Any) -> tuple[MeetingRead, list[str]]:
            store.meetings.end_meeting(mid)
            return read_meeting(store, mid, agenda=True), list(store.playbook.present_attendees(mid))

        def done(outcome: tuple[MeetingRead, list[str]]) -> None:
            read, present = outcome
            self.show_saving()
            if not self.is_attached:
                return
            self._asked["agenda"] = self._asked.get("agenda", 0) + 1
            self._show_read(read, {"agenda": self._asked["agenda"]})
            self.after_end(mid, present)

        def failed(exc: StoreError) -> None:
            self.show_saving()
            self.ending_here = False
            self.notify(
                "The meeting was not ended and is still open: press e to try again.",
                title="Not ended",
                severity="error",
                timeout=10,
                markup=False,
            )
            self.refresh_all()

        self.write("end", run, done, failed)
        self.show_saving()

    def after_end(self, meeting_id: int, present: list[str] | None = None) -> None:
        """Once the meeting has ended: the attendees' ratings (Esc skips), then
        the summary. ``present``: who was present, read with the end (else
        read in a worker)."""

        def to_summary() -> None:
            self.app.pop_screen()
            cadence_app(self).show_summary(meeting_id)

        self.ask_ratings(to_summary, present)

    def action_leave(self) -> None:
        """Back to the home screen; the meeting keeps running (its clocks are timestamps)."""
        if self.meeting is not None and self.meeting.status != "ended":
            self.notify("The meeting is still running; press s on it to resume", timeout=4)
        self.app.pop_screen()


# -- per-cadence screens ----------------------------------------------------------------------
class SprintReviewScreen(MeetingScreen):
    """Sprint Review: demos and the feedback on each."""

    PANEL = DemoPanel
    BINDINGS = [
        Binding("m", "add_demo", "Demo", id="panel-add-demo"),
        Binding("f", "demo_feedback", "Feedback", id="panel-demo-feedback"),
        Binding("E", "edit_demo", "Edit demo & feedback", id="panel-edit-demo", show=False),
        Binding("delete,backspace", "delete_demo", "Delete demo", id="panel-delete-demo", show=False),
        Binding("v", "show_panel", "Demos", id="show-panel", show=False),
        *MEETING_PLAYBOOK_BINDINGS,
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Editing and deleting act on the highlighted demo: only while the demos are shown.
        # (The active tab is kept from TabActivated: bindings are checked on every
        # key and repaint, and a DOM query each time showed in the lock-stall profile.)
        if action in ("edit_demo", "delete_demo"):
            return self._demos_shown
        return super().check_action(action, parameters)

    _demos_shown = False

    @on(TabbedContent.TabActivated)
    def _demo_keys_follow_tab(self, event: TabbedContent.TabActivated) -> None:
        self._demos_shown = event.tabbed_content.active == "tab-panel"
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#demo-table")
    def _edit_selected_demo(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_demo()

    def action_edit_demo(self) -> None:
        self.after_panel_read(self._edit_demo_now)

    def _edit_demo_now(self) -> None:
        demo = self.panel.highlighted  # type: ignore[union-attr]
        if demo is None:
            self.notify("Add a demo first (m)", severity="warning")
            return
        self.open_form(
            f"Edit demo: {demo.what}",
            [
                FormField("what", "What", value=demo.what),
                FormField("presenter", "By", value=demo.presenter, suggestions=self.people_names()),
                FormField(
                    "feedback",
                    "Feedback",
                    value="\n".join(demo.feedback_lines),
                    multiline=True,
                    placeholder="one piece a line; empty a line to delete it",
                ),
            ],
            lambda store, v: store.panels.update_demo(demo.id, v["what"], v["presenter"], v["feedback"]),
            check=lambda v: (check_demo(v["what"], v["presenter"]), check_demo_feedback_lines(v["feedback"])),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved=lambda d: f"Demo saved: {d.what}",
            form_id="demo-edit-form",
        )

    def action_delete_demo(self) -> None:
        self.after_panel_read(self._delete_demo_now)

    def _delete_demo_now(self) -> None:
        demo = self.panel.highlighted  # type: ignore[union-attr]
        if demo is None:
            self.notify("No demo to delete", severity="warning")
            return
        pieces = len(demo.feedback_lines)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            # On the ordered write queue; a failure (e.g. deleted meanwhile
            # from another window) is said and the panel re-read.
            self.write(
                "demo",
                lambda store: store.panels.delete_demo(demo.id),
                lambda _r: (self.notify(f"Demo deleted: {demo.what}", timeout=3, markup=False), self.refresh_panel()),
                lambda _exc: self.refresh_panel(),
            )

        self.app.push_screen(
            ConfirmDialog(
                f"Delete the demo “{demo.what}”?",
                f"Its feedback ({counted(pieces, 'piece')}) goes with it." if pieces else "",
                confirm_id="demo-delete-confirm",
            ),
            answered,
        )

    def action_add_demo(self) -> None:
        mid = self.meeting_id
        self.open_form(
            "New demo",
            [
                FormField("what", "What", placeholder="what is shown"),
                FormField("presenter", "By", suggestions=self.people_names()),
            ],
            lambda store, v: store.panels.add_demo(mid, v["what"], v["presenter"]),
            check=lambda v: check_demo(v["what"], v["presenter"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved=lambda d: f"Demo added: {d.what}",
            form_id="demo-form",
        )

    def action_demo_feedback(self) -> None:
        self.after_panel_read(self._demo_feedback_now)

    def _demo_feedback_now(self) -> None:
        panel: DemoPanel = self.panel  # type: ignore[assignment]
        demo = panel.highlighted
        if demo is None:
            self.notify("Add a demo first (m)", severity="warning")
            return
        self.open_form(
            f"Feedback on: {demo.what}",
            [FormField("feedback", "Feedback"), FormField("who", "From", suggestions=self.people_names())],
            lambda store, v: store.panels.add_demo_feedback(demo.id, v["feedback"], v["who"]),
            check=lambda v: check_demo_feedback(v["feedback"], v["who"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved="Feedback saved",
            form_id="feedback-form",
        )


class SalesSyncScreen(MeetingScreen):
    """Marketing–Sales Sync: pipeline metrics vs the last sync, campaign changes."""

    PANEL = PipelinePanel
    BINDINGS = [
        Binding("m", "pipeline_metrics", "Metrics", id="panel-pipeline-metrics"),
        Binding("g", "campaign_change", "Campaign", id="panel-campaign-change"),
        Binding("v", "show_panel", "Pipeline", id="show-panel", show=False),
        *MEETING_PLAYBOOK_BINDINGS,
    ]

    def action_pipeline_metrics(self) -> None:
        mid = self.meeting_id
        # Last sync's values are the placeholders: read in a thread worker.
        in_thread(self, lambda store: store.panels.pipeline(mid), self._open_pipeline_form, group="panel-form")

    def _open_pipeline_form(self, view: Any) -> None:
        from cadence_tui.kinds.pipeline import STAGE_LABELS, STAGES

        mid = self.meeting_id
        fields = [
            FormField(
                stage,
                STAGE_LABELS[stage],
                value="" if view.current.get(stage) is None else str(view.current[stage]),
                placeholder=f"last sync: {view.previous[stage]:,}"
                if view.previous.get(stage) is not None
                else "a whole number",
            )
            for stage in STAGES
        ]
        self.open_form(
            "Pipeline this period",
            fields,
            lambda store, v: store.panels.set_pipeline(mid, v),
            check=check_pipeline,
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved="Pipeline metrics saved",
            form_id="pipeline-form",
        )

    def action_campaign_change(self) -> None:
        mid = self.meeting_id
        self.open_form(
            "Campaign change agreed",
            [FormField("text", "Change", placeholder="e.g. pause the webinar ads")],
            lambda store, v: store.panels.add_campaign_change(mid, v["text"]),
            check=lambda v: check_campaign_change(v["text"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved="Campaign change saved",
            form_id="campaign-form",
        )


class FinanceReviewScreen(MeetingScreen):
    """Finance Business Review: budget vs actual, threshold, re-forecast."""

    PANEL = BudgetPanel
    BINDINGS = [
        Binding(
            "l",
            "budget_line",
            "Budget",
            id="panel-budget-line",
            tooltip="Add or edit a department's budget vs actual line",
        ),
        Binding("r", "reforecast", "Forecast", id="panel-reforecast", tooltip="Set the re-forecast for the period"),
        # Not in the footer (it overflowed 80 columns): the panel names the key.
        Binding(
            "percent_sign",
            "threshold",
            "Threshold",
            id="panel-threshold",
            show=False,
            tooltip="Set the variance threshold (%) that flags a line",
        ),
        Binding("v", "show_panel", "Budget", id="show-panel", show=False),
        *MEETING_PLAYBOOK_BINDINGS,
    ]

    def action_budget_line(self) -> None:
        self.after_panel_read(self._budget_line_now)

    def _budget_line_now(self) -> None:
        panel: BudgetPanel = self.panel  # type: ignore[assignment]
        line = panel.highlighted if panel.table().has_focus else None
        mid = self.meeting_id
        # The previous review's departments pre-fill the form: read in a thread worker.
        in_thread(
            self,
            lambda store: dict(store.panels.previous_budget_departments(mid)),
            lambda previous: self._open_budget_form(line, previous),
            group="panel-form",
        )

    def _open_budget_form(self, line: Any, previous: dict[str, float]) -> None:
        panel: BudgetPanel = self.panel  # type: ignore[assignment]
        mid = self.meeting_id
        known = {bl.department for bl in panel.lines}
        next_dept = next((d for d in previous if d not in known), "")
        dept = line.department if line else next_dept
        budget = line.budget if line else previous.get(next_dept)
        self.open_form(
            "Budget vs actual" + (f": {line.department}" if line else ""),
            [
                FormField("department", "Department", value=dept, suggestions=tuple(previous)),
                FormField("budget", "Budget", value="" if budget is None else f"{budget:g}", placeholder="e.g. 120000"),
                FormField("actual", "Actual", value=f"{line.actual:g}" if line else "", placeholder="e.g. 131500"),
            ],
            lambda store, v: store.panels.set_budget_line(mid, v["department"], v["budget"], v["actual"]),
            check=lambda v: check_budget_line(v["department"], v["budget"], v["actual"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved=lambda bl: f"Budget line saved: {bl.department}",
            form_id="budget-form",
        )

    def action_reforecast(self) -> None:
        self.after_panel_read(self._reforecast_now)

    def _reforecast_now(self) -> None:
        panel: BudgetPanel = self.panel  # type: ignore[assignment]
        current, mid = panel.reforecast, self.meeting_id  # as the panel last read it
        self.open_form(
            "Re-forecast for the period",
            [
                FormField(
                    "reforecast",
                    "Re-forecast",
                    value="" if current is None else f"{current:g}",
                    placeholder="amount; empty clears it",
                )
            ],
            lambda store, v: ("set", store.panels.set_reforecast(mid, v["reforecast"])),
            check=lambda v: check_reforecast(v["reforecast"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved="Re-forecast saved",
            form_id="reforecast-form",
        )

    def action_threshold(self) -> None:
        self.after_panel_read(self._threshold_now)

    def _threshold_now(self) -> None:
        panel: BudgetPanel = self.panel  # type: ignore[assignment]
        current, mid = panel.threshold, self.meeting_id  # as the panel last read it
        self.open_form(
            "Variance threshold",
            [FormField("threshold", "Threshold %", value=f"{current:g}")],
            lambda store, v: store.panels.set_variance_threshold(mid, v["threshold"]),
            check=lambda v: check_variance_threshold(v["threshold"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved=lambda t: f"Lines over ±{t:g} % are flagged",
            form_id="threshold-form",
        )

    @on(DataTable.RowSelected, "#budget-table")
    def _edit_line(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_budget_line()


class AllHandsScreen(MeetingScreen):
    """All-Hands: wins to celebrate and the hand-off health check."""

    PANEL = HealthPanel
    BINDINGS = [
        Binding("w", "add_win", "Win", id="panel-add-win"),
        Binding("r", "rate_handoff", "Rate hand-off", id="panel-rate-handoff"),
        Binding("v", "show_panel", "Health", id="show-panel", show=False),
        *MEETING_PLAYBOOK_BINDINGS,
    ]

    def action_add_win(self) -> None:
        mid = self.meeting_id
        self.open_form(
            "A win to celebrate",
            [FormField("text", "Win"), FormField("who", "Who", suggestions=self.people_names())],
            lambda store, v: store.panels.add_win(mid, v["text"], v["who"]),
            check=lambda v: check_win(v["text"], v["who"]),
            then=lambda _r: (self.refresh_panel(), self.show_tab("tab-panel")),
            saved="Win saved",
            form_id="win-form",
        )

    def action_rate_handoff(self) -> None:
        self.after_panel_read(self._rate_handoff_now)

    def _rate_handoff_now(self) -> None:
        panel: HealthPanel = self.panel  # type: ignore[assignment]
        row = panel.highlighted
        if row is None:
            self.notify("No hand-offs are registered", severity="warning")
            return
        last = f"last time {row.previous_rating}" if row.previous_rating else "1 poor … 5 great"
        mid = self.meeting_id
        self.open_form(
            f"Health of {row.handoff.label}",
            [
                FormField("rating", "Rating 1–5", value=str(row.rating or ""), placeholder=last),
                FormField("comment", "Comment", value=row.comment),
            ],
            lambda store, v: store.panels.rate_handoff(mid, row.handoff.id, v["rating"], v["comment"]),
            check=lambda v: check_handoff_rating(v["rating"], v["comment"]),
            then=lambda _r: self._rated(),
            saved=lambda r: f"{r.handoff.label} rated {r.rating}",
            form_id="rating-form",
        )

    def _rated(self) -> None:
        self.refresh_panel()
        self.show_tab("tab-panel")
        table = self.panel.table()  # type: ignore[union-attr]
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)  # on to the next hand-off

    @on(DataTable.RowSelected, "#health-table")
    def _rate_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_rate_handoff()


class GenericMeetingScreen(MeetingScreen):
    """A cadence without a panel of its own (one the user created)."""

    BINDINGS = [*MEETING_PLAYBOOK_BINDINGS]


def _resolve_screen(path: str) -> type[MeetingScreen]:
    """``module:Class`` (a kind's ``meeting_screen``) as the class."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


#: The meeting screen each cadence kind plugs in (cadence_tui.kinds), by kind.
MEETING_SCREENS: dict[str, type[MeetingScreen]] = {
    name: _resolve_screen(kind.meeting_screen) for name, kind in all_kinds().items() if name != GENERIC
}


def meeting_screen_for(meeting: Meeting, read: MeetingRead | None = None) -> MeetingScreen:
    """The screen for a meeting: its cadence kind's own, or the shared one."""
    return MEETING_SCREENS.get(meeting.cadence_kind, GenericMeetingScreen)(meeting.id, read)


def open_meeting(app, cadence_key: str) -> None:
    """:func:`start_or_resume` without the UI thread touching the database
    (the home screen's ``s``): a thread worker finds, or starts, the meeting
    and reads what its screen shows; the screen opens with it, painted whole
    in its first frame. Asking about a second meeting, and starting it, work
    the same way."""

    def find() -> None:
        store = app.store
        try:
            meeting = store.meetings.running_meeting(cadence_key)
            if meeting is not None:
                app.call_from_thread(_open_read, app, meeting, _first_read(store, meeting), None)
                return
            occurrence, held = store.meetings.meeting_occurrence(cadence_key)
        except StoreError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
            return
        if held is None:
            _start_in_worker(app, cadence_key, occurrence)
        else:
            app.call_from_thread(_ask_second, app, cadence_key, occurrence, held)

    app.run_worker(find, thread=True, group="meeting-open", exit_on_error=False)


def _first_read(store: Any, meeting: Meeting) -> MeetingRead:
    screen = MEETING_SCREENS.get(meeting.cadence_kind, GenericMeetingScreen)
    return read_meeting(
        store,
        meeting.id,
        agenda=True,
        log=True,
        carried=True,
        people=True,
        panel=screen.PANEL,
        scorecard=meeting.cadence_key,
    )


def _start_in_worker(app, cadence_key: str, occurrence, *, second: bool = False) -> None:
    """Start the meeting (on the calling worker thread) and open its screen."""
    try:
        meeting = app.store.meetings.start_meeting(cadence_key, scheduled_for=occurrence)
        read = _first_read(app.store, meeting)
    except StoreError as exc:
        app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
        return
    app.call_from_thread(_open_read, app, meeting, read, (occurrence, second))


def _open_read(app, meeting: Meeting, read: MeetingRead, started: tuple[Any, bool] | None) -> None:
    if isinstance(app.screen, MeetingScreen):
        return  # s pressed twice: the first one opened it
    if started is not None:
        _say_started(app, meeting, *started)
    app.push_screen(meeting_screen_for(meeting, read))


def _ask_second(app, cadence_key: str, occurrence, held) -> None:
    when = f"{occurrence.astimezone():%a %d %b %H:%M}"

    def answered(yes: bool | None) -> None:
        if yes:
            app.run_worker(
                lambda: _start_in_worker(app, cadence_key, occurrence, second=True),
                thread=True,
                group="meeting-open",
                exit_on_error=False,
            )

    app.push_screen(_second_meeting_dialog(held, when), answered)


def _second_meeting_dialog(held, when: str) -> ConfirmDialog:
    return ConfirmDialog(
        f"{held.cadence_name} of {when} was already held. Start a second meeting for it?",
        f"Its meeting started {local_time(held.started_at):%a %d %b %H:%M}; a second one"
        " would be recorded against the same date.",
        confirm_id="second-meeting-confirm",
    )


def _say_started(app, meeting: Meeting, occurrence, second: bool) -> None:
    which = f"for {occurrence.astimezone():%a %d %b %H:%M}" if occurrence else "(no scheduled occurrence)"
    app.notify(
        f"{meeting.cadence_name}: {'a second meeting' if second else 'meeting'} {which}",
        title="Meeting started",
        markup=False,
    )


def start_or_resume(app, cadence_key: str) -> MeetingScreen | None:
    """Resume the cadence's running meeting, or start one for the occurrence
    the rule picks (recurrence.meeting_occurrence) and show it; the
    notification names the occurrence. If a meeting was already held for that
    occurrence, ask first (returns None; the answer starts it or not)."""
    store = app.store
    meeting = store.meetings.running_meeting(cadence_key)
    if meeting is not None:
        return _show_meeting(app, meeting)
    occurrence, held = store.meetings.meeting_occurrence(cadence_key)
    if held is None:
        return _start_for(app, cadence_key, occurrence)
    when = f"{occurrence.astimezone():%a %d %b %H:%M}"

    def answered(yes: bool | None) -> None:
        if yes:
            _start_for(app, cadence_key, occurrence, second=True)

    app.push_screen(_second_meeting_dialog(held, when), answered)
    return None


def _start_for(app, cadence_key: str, occurrence, *, second: bool = False) -> MeetingScreen:
    meeting = app.store.meetings.start_meeting(cadence_key, scheduled_for=occurrence)
    _say_started(app, meeting, occurrence, second)
    return _show_meeting(app, meeting)


def _show_meeting(app, meeting: Meeting) -> MeetingScreen:
    screen = meeting_screen_for(meeting)
    app.push_screen(screen)
    return screen
