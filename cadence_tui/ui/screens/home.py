"""Home: each cadence with its next occurrence, last meeting, open work.

The screen never queries the database on the UI thread: everything it shows
is read in one go (screens/home_data.py) in a thread, and the handlers paint
the finished :class:`HomeSnapshot`. At start-up that read began in a thread
before Textual was even imported (launch.run_app), so the first frame waits
for it only if it has not finished by the time the screen mounts (at most
``FIRST_READ_WAIT``; then the rows follow when it does). Every later refresh
(the minute changing, a return from another screen, ``r``) runs in a worker
while the rows shown stay up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from cadence_tui.core.model import CadenceOverview
from cadence_tui.core.timefmt import relative_day
from cadence_tui.ui.app_access import app_store, cadence_app
from cadence_tui.ui.screens.footer_room import FooterRoom
from cadence_tui.ui.screens.home_data import HomeSnapshot, prefetch_home, read_home
from cadence_tui.ui.screens.playbook_nav import PLAYBOOK_BINDINGS, PlaybookNavigation
from cadence_tui.ui.stylesheets import STARTUP, css
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from cadence_tui.ui.widgets.open_work import OpenWork
from cadence_tui.ui.widgets.scorecard import Scorecard
from cadence_tui.ui.widgets.steady_footer import SteadyFooter

# From this height home has room for the highlighted cadence's open items.
TALL_ROWS = 36
# From this width the table has room for a "Topics" column (proposed topics
# waiting for each next meeting); narrower, the details below list them.
TOPICS_COLUMN_WIDTH = 90
# How long the first frame waits for the start-up read (launch.run_app began
# it before importing Textual; it is nearly always done by mount).
FIRST_READ_WAIT = 1.0
TOPIC_FORM = "topic-form"
# The table's columns (README, "Home screen"); "Topics" follows on wide terminals.
COLUMNS = ("Cadence", "Next", "Last", "Open", "Overdue", "Blockers")


class HomeScreen(FooterRoom, PlaybookNavigation, Screen[None]):
    """The first screen: the cadences at a glance; one key starts a meeting."""

    class Loaded(Message):
        """A fresh :class:`HomeSnapshot`, read in a thread."""

        def __init__(self, snapshot: HomeSnapshot | None, error: BaseException | None = None) -> None:
            super().__init__()
            self.snapshot = snapshot
            self.error = error

    CSS_PATH = css(*STARTUP)

    # On a wide terminal the footer shows these too (screens/footer_room.py).
    FOOTER_WHEN_ROOM = (
        "propose-topic",
        "follow-meeting",
        "edit-cadence",
        "new-cadence",
        "open-metrics",
        "open-handoffs",
        "open-stats",
        "open-failfast",
        "archive-cadence",
    )

    BINDINGS = [
        Binding(
            "s",
            "start_meeting",
            "Start meeting",
            id="start-meeting",
            tooltip="Start the highlighted cadence's next meeting, or resume the one running",
        ),
        Binding(
            "t",
            "propose_topic",
            "Topic",
            id="propose-topic",
            show=False,
            tooltip="Propose a topic for the highlighted cadence's next meeting",
        ),
        Binding(
            "f",
            "follow",
            "Follow",
            id="follow-meeting",
            show=False,
            tooltip="Follow the highlighted cadence's meeting in progress, read-only (or wait for it)",
        ),
        Binding("r", "refresh", "Refresh", id="refresh", show=False),
        # Shown in the footer only when the terminal is wide (FOOTER_WHEN_ROOM);
        # always in `?` help and the command palette.
        Binding("E", "edit_cadence", "Edit cadence", id="edit-cadence", show=False),
        Binding("N", "new_cadence", "New cadence", id="new-cadence", show=False),
        Binding("A", "archive_cadence", "Archive cadence", id="archive-cadence", show=False),
        *PLAYBOOK_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CadenceOverview] = []
        self._snapshot: HomeSnapshot | None = None
        self._details_shown: tuple[Any, Any] = (None, None)  # (row, snapshot) the details show
        self._shown_minute: datetime | None = None  # the minute the rows were computed for
        self._suspended = False  # another screen was opened on top
        self._topics_column = False  # the table shows "Topics" (wide terminals)
        self._topic_form_shown: Screen | None = None  # the last topic form opened (ids are unique)

    def compose(self) -> ComposeResult:
        # The panels sit on the screen itself, spaced by their margins
        # (styles/home.tcss): a container around them cost ~2 ms of the first frame.
        yield Static("Cadence", id="home-title")
        yield CadenceTable(id="cadence-table")
        yield Static(id="cadence-details")
        yield OpenWork(id="cadence-open-work")
        yield Scorecard(id="home-scorecard", read_on_mount=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self._first_read()
        # Left open all day, home stays true: the clock in the title, "Next"
        # once a meeting's time has passed, "tomorrow" after midnight.
        self.set_interval(15, self._refresh_if_minute_changed)

    def _first_read(self) -> None:
        """Paint the start-up read (see the module docstring)."""
        future = getattr(self.app, "home_prefetch", None)
        if future is None:
            future = prefetch_home(self.store)  # not started by launch (tests, textual-serve)
        else:
            cadence_app(self).home_prefetch = None  # used once
        try:
            snapshot = future.result(timeout=FIRST_READ_WAIT)
        except TimeoutError:
            # A slow file: paint now, fill in when the read lands.
            future.add_done_callback(
                lambda done: self.post_message(
                    self.Loaded(None, done.exception()) if done.exception() else self.Loaded(done.result())
                )
            )
            return
        self._show(snapshot)

    def _refresh_if_minute_changed(self) -> None:
        if not self.is_current:
            return  # another screen is on top; returning to home refreshes it
        minute = self.store.now().astimezone().replace(second=0, microsecond=0)
        if minute != self._shown_minute:
            self.refresh_rows()

    def on_resize(self) -> None:
        # Short terminals lose the spacing between panels, not the panels.
        self.set_class(self.size.height < 30, "-short")
        if (self.size.width >= TOPICS_COLUMN_WIDTH) != self._topics_column and self._snapshot is not None:
            self._show(self._snapshot)  # the Topics column comes or goes: a repaint, no read
        tall = self.size.height >= TALL_ROWS
        if tall != self.has_class("-tall"):
            self.set_class(tall, "-tall")
            self._show_open_work()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # Textual also sends a resume right after mount: only a return from
        # another screen needs a refresh (start-up paints once).
        if self._suspended and self._snapshot is not None:
            self.refresh_rows()

    @property
    def store(self):
        return app_store(self)

    def on_database_changed(self, _message: object) -> None:
        """Another terminal changed the database (ui/live_updates.py): read it
        again in a worker (the scorecard comes with it: a value recorded in
        another terminal's meeting)."""
        if self.is_current and self._snapshot is not None:
            self.refresh_rows()

    @property
    def busy(self) -> bool:
        """A refresh is being read (tests wait for it)."""
        return self._reading

    _reading = False

    def refresh_rows(self) -> None:
        """Read everything home shows again (in a worker) and repaint it."""
        self._reading = True
        self._read()

    @work(thread=True, exclusive=True, group="home-read", exit_on_error=False)
    def _read(self) -> None:
        try:
            snapshot = read_home(self.store)
        except Exception as exc:  # re-raised on the UI thread: a StoreError ends the app cleanly
            self.post_message(self.Loaded(None, exc))
            return
        self.post_message(self.Loaded(snapshot))

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:  # a failed read (the open-work panel): as if a key had raised it
            from cadence_tui.ui.widgets.action_table import raise_worker_error

            raise_worker_error(self, event)

    def on_home_screen_loaded(self, message: Loaded) -> None:
        self._reading = False
        if message.error is not None:
            # As if a key had raised it: a store error ends the app with its one line.
            if not cadence_app(self).exit_on_store_error(message.error):
                raise message.error
            return
        if message.snapshot is not None:
            self._show(message.snapshot)

    def reload_scorecard(self) -> None:
        # Home's scorecard comes with every read (refresh_rows).
        self.refresh_rows()

    def _show(self, snapshot: HomeSnapshot) -> None:
        """Paint a snapshot: the table, the details, the title, the scorecard."""
        first = self._snapshot is None
        self._snapshot = snapshot
        now = snapshot.now
        self._shown_minute = now.astimezone().replace(second=0, microsecond=0)
        self._rows = snapshot.rows
        wide = self._topics_column = self.size.width >= TOPICS_COLUMN_WIDTH
        lines: list[tuple[str, list[Text]]] = []
        for row in self._rows:
            c = row.cadence
            nxt = snapshot.next.get(c.id)
            if row.running_meeting_id is not None:
                next_cell = Text("● in progress", style="bold green")
            elif nxt is not None:
                next_cell = Text(f"{nxt.astimezone(c.schedule.zone):%a %d %b %H:%M}")
            else:
                next_cell = Text("—", style="dim")
            last_cell = (
                Text(f"{row.last_held.astimezone(c.schedule.zone):%d %b}")
                if row.last_held
                else Text("never", style="dim")
            )
            overdue = Text(
                str(row.overdue_actions), style="bold red" if row.overdue_actions else "dim", justify="right"
            )
            blockers = Text(
                str(row.open_blockers), style="bold yellow" if row.open_blockers else "dim", justify="right"
            )
            topics = Text(str(row.waiting_topics), style="bold cyan" if row.waiting_topics else "dim", justify="right")
            cells = [Text(c.name, style="bold"), next_cell, last_cell]
            cells += [Text(str(row.open_actions), justify="right"), overdue, blockers]
            lines.append((c.key, [*cells, *([topics] if wide else [])]))
        # The cursor stays on the cadence it was on (CadenceTable.show).
        self.query_one(CadenceTable).show(COLUMNS + (("Topics",) if wide else ()), lines)
        self._show_details()
        self.query_one("#home-title", Static).update(
            Text.assemble(("Cadence", "bold"), "  ", (f"{now.astimezone():%a %d %b %Y, %H:%M}", "dim"))
        )
        scorecard = self.query_one(Scorecard)
        if first:
            # The first frame keeps the scorecard's place (same height, same
            # border) and its grid is drawn right after: the frame shows sooner.
            scorecard.hold(snapshot.scorecard, snapshot.focus_warning)
            self.call_after_refresh(self._show_scorecard)
        else:
            scorecard.show(snapshot.scorecard, snapshot.focus_warning)

    def _show_scorecard(self) -> None:
        if self._snapshot is not None:  # the latest read (a refresh may have come first)
            self.query_one(Scorecard).show(self._snapshot.scorecard, self._snapshot.focus_warning)

    def selected(self) -> CadenceOverview | None:
        table = self.query_one(CadenceTable)
        if not self._rows or table.cursor_row < 0:
            return None
        return self._rows[min(table.cursor_row, len(self._rows) - 1)]

    def on_row_list_row_highlighted(self, _event: CadenceTable.RowHighlighted) -> None:
        row = self.selected()
        if (row, self._snapshot) != self._details_shown:  # filling the table highlights the row shown already
            self._show_details()

    def _show_details(self) -> None:
        from cadence_tui.core.recurrence import describe

        row = self.selected()
        details = self.query_one("#cadence-details", Static)
        snapshot = self._snapshot
        if row is None or snapshot is None:
            details.update("")
            return
        c = row.cadence
        template = snapshot.templates.get(c.id, [])
        text = Text()
        text.append(c.name, style="bold")
        text.append(f" — {c.purpose}\n" if c.purpose else "\n")
        text.append(f"{describe(c.rule)} at {c.start_time:%H:%M} {c.tz} · {c.timebox_min} min", style="dim")
        today = snapshot.now.astimezone().date()
        nxt = snapshot.next.get(c.id)
        text.append("\nNext: ", style="dim")
        if row.running_meeting_id is not None:
            text.append("a meeting is in progress", style="bold green")
        elif nxt is not None:
            local = nxt.astimezone(c.schedule.zone)
            text.append(f"{local:%a %d %b %Y %H:%M} ({relative_day(local.date(), today)})")
        else:
            text.append("no further occurrence")
        text.append("  Last held: ", style="dim")
        if row.last_held:
            last = row.last_held.astimezone(c.schedule.zone)
            text.append(f"{last:%a %d %b} ({relative_day(last.date(), today)})")
        else:
            text.append("never")
        text.append("\nWho: ", style="dim")
        text.append(", ".join(p.label for p in c.participants) or "—")
        text.append("\nAgenda: ", style="dim")
        text.append(" · ".join(f"{i.title} {i.timebox_min}′" for i in template) or "—")
        if row.waiting_topics:
            text.append(f"\nTopics ({row.waiting_topics}): ", style="dim")
            text.append(
                " · ".join(
                    f"{t.title} {t.minutes}′" + (f" ({t.proposed_by})" if t.proposed_by else "")
                    for t in snapshot.topics.get(c.id, [])
                )
            )
        details.update(text)
        self._details_shown = (row, snapshot)
        self._show_open_work()

    def _show_open_work(self) -> None:
        row = self.selected()
        if row is not None and self.has_class("-tall"):
            self.query_one(OpenWork).show_cadence(row.cadence.key, row.cadence.name)

    def action_refresh(self) -> None:
        self.refresh_rows()

    # Meetings: start the highlighted cadence's next one, or resume it (screens/meeting.py).
    def action_start_meeting(self) -> None:
        from cadence_tui.ui.screens.meeting import open_meeting

        row = self.selected()
        if row is not None:
            open_meeting(self.app, row.cadence.key)  # read in a worker; the screen opens with it

    def action_follow(self) -> None:
        """The read-only follow-along view of the highlighted cadence (screens/follow.py)."""
        from cadence_tui.ui.screens.follow import FollowScreen

        row = self.selected()
        if row is not None:
            self.app.push_screen(FollowScreen(row.cadence.key))

    def action_propose_topic(self) -> None:
        """A small form: a topic for the highlighted cadence's next meeting (store/topics.py)."""
        from cadence_tui.store.topics import DEFAULT_TOPIC_MINUTES

        row = self.selected()
        if row is not None:
            values = {"title": "", "minutes": str(DEFAULT_TOPIC_MINUTES), "by": self.store.actor or ""}
            self._topic_form(row.cadence, values)

    def _topic_form(self, cadence: Any, values: dict[str, str], error: str = "") -> None:
        """The topic form, its write made by the app's write queue (never on the
        UI thread): a bad value is said under its field before anything is
        queued; a write that fails opens the form again with what was typed."""
        from cadence_tui.store.topics import check_topic
        from cadence_tui.ui.widgets.capture_forms import QUEUED, CaptureForm, FormField
        from cadence_tui.ui.write_queue import WriteJob, write_queue

        earlier = self._topic_form_shown
        if earlier is not None and earlier.is_attached:  # still closing (a quick failure): ids are unique
            self.set_timer(0.05, lambda: self._topic_form(cadence, values, error))
            return

        def save(typed: dict[str, str]) -> Any:
            check_topic(typed["title"], typed["minutes"], typed["by"])  # InvalidInput: the field's error line
            job = WriteJob(
                lambda store: store.topics.add_topic(
                    cadence.key, typed["title"], minutes=typed["minutes"], by=typed["by"]
                ),
                self,
                what="topic",
                data={"topic_for": cadence, "values": typed},
            )
            write_queue(self.app).submit(job)
            return QUEUED

        self._topic_form_shown = form = CaptureForm(
            f"Topic for the next {cadence.name}",
            [
                FormField("title", "Topic", value=values["title"], placeholder="what to discuss"),
                FormField("minutes", "Minutes", value=values["minutes"]),
                FormField("by", "By", value=values["by"]),
            ],
            save,
            form_id=TOPIC_FORM,
            error=error,
        )
        self.app.push_screen(form)

    def on_write_done(self, event: Any) -> None:
        cadence = event.job.data.get("topic_for")
        if cadence is None:
            return
        event.stop()
        self.refresh_rows()  # the Topics column and the details
        self.notify(f"Topic for the next {cadence.name}: {event.result.title}", timeout=4, markup=False)

    def on_write_failed(self, event: Any) -> None:
        """Nothing typed is lost: the form opens again with the text and the error."""
        cadence = event.job.data.get("topic_for")
        if cadence is None:
            return
        event.stop()
        if self.is_attached:
            self._topic_form(cadence, event.job.data["values"], str(event.error))

    def on_row_list_row_selected(self, event: CadenceTable.RowSelected) -> None:
        if event.row_list.id == "cadence-table":
            event.stop()
            self.action_start_meeting()

    # Editing cadences: the editor and its dialogs live in screens/cadence_editor.py.
    def action_edit_cadence(self) -> None:
        from cadence_tui.ui.screens.cadence_editor import open_editor

        row = self.selected()
        if row is not None:
            open_editor(self, row.cadence.key)

    def action_new_cadence(self) -> None:
        from cadence_tui.ui.screens.cadence_editor import new_cadence

        row = self.selected()
        new_cadence(self, row.cadence if row else None)

    def action_archive_cadence(self) -> None:
        from cadence_tui.ui.screens.cadence_editor import archive_cadence

        row = self.selected()
        if row is not None:
            archive_cadence(self, row.cadence, done=self.refresh_rows)
