"""Issue 15 item 4 for the meeting screen: the UI thread never runs a query.

Every read and write the store makes while a user works a meeting is
recorded with the thread that made it; none made while keys are handled may
be the UI's. Each step presses the real keys, then checks the database rows
and the widgets (recording is off while the test itself reads the store)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from cadence_tui.store.base import StoreBase
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.attendance_list import AttendanceList
from cadence_tui.ui.widgets.capture_forms import CaptureForm
from cadence_tui.ui.widgets.carry_over import CarryOverTable
from cadence_tui.ui.widgets.meeting_log import MeetingLog
from tests.functional.meeting_pilot import fill_form, open_work, start_from_home, text_of
from tests.settle import settle

SIZE = (120, 36)


class UiThreadQueries:
    """Records the SQL run on the UI thread while ``watching``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on_ui: list[str] = []
        self.watching = False
        query, write = StoreBase.query, StoreBase.write

        def recorded_query(store, sql, params=()):
            if self.watching and threading.current_thread() is threading.main_thread():
                self.on_ui.append(sql)
            return query(store, sql, params)

        def recorded_write(store):
            if self.watching and threading.current_thread() is threading.main_thread():
                self.on_ui.append("BEGIN IMMEDIATE")
            return write(store)

        monkeypatch.setattr(StoreBase, "query", recorded_query)
        monkeypatch.setattr(StoreBase, "write", recorded_write)

    @contextmanager
    def keys(self, what: str) -> Iterator[None]:
        """Record while the block presses keys; then none may have queried on the UI thread."""
        self.on_ui.clear()
        self.watching = True
        try:
            yield
        finally:
            self.watching = False
        assert self.on_ui == [], f"{what}: the UI thread queried {self.on_ui}"


def log_row(screen, kind: str, text: str) -> int:
    rows = screen.query_one(MeetingLog).rows_shown
    return next(n for n, r in enumerate(rows) if r.kind == kind and r.text == text)


async def test_sprint_review_keys_never_query_on_the_ui_thread(make_app, store, clock, monkeypatch) -> None:
    work = open_work(store, "sprint-review", clock)
    meeting = store.meetings.start_meeting("sprint-review")
    mid = meeting.id
    action = store.meetings.capture_action(mid, "Write the release notes", "Lena", "")
    store.meetings.capture_decision(mid, "Ship on Friday")
    spy = UiThreadQueries(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        assert screen.meeting_id == mid
        log = screen.query_one(MeetingLog)

        # 1. The Log tab: x marks the action item done, x again opens it, del removes the decision.
        with spy.keys("log x"):
            await pilot.press("L")
            log.move_cursor(row=log_row(screen, "action", "Write the release notes"))
            await pilot.press("x")
        assert store.actions.get_action(action.id).status == "done"
        assert log.rows_shown[log_row(screen, "action", "Write the release notes")].closed
        with spy.keys("log x again"):
            await pilot.press("x")
        assert store.actions.get_action(action.id).status == "open"
        with spy.keys("log del"):
            log.move_cursor(row=log_row(screen, "decision", "Ship on Friday"))
            await pilot.press("delete")
        assert [d.text for d in store.meetings.meeting_decisions(mid)] == []
        assert [r.kind for r in log.rows_shown] == ["action"]

        # 3. Forms: an agenda item, a guest, a guest the store refuses, a new due date.
        with spy.keys("add an agenda item"):
            await pilot.press("i")
            await fill_form(pilot, "Retro actions")
        assert [i.title for i in store.meetings.agenda(mid)][-1] == "Retro actions"
        assert screen.query_one(AgendaList).highlighted_item.title == "Retro actions"
        with spy.keys("add a guest"):
            await pilot.press("plus")
            await fill_form(pilot, "Gwen", "Customer")
        assert ("Gwen", 1) in [(a.name, a.guest) for a in store.meetings.attendance(mid)]
        assert "Gwen" in [p.name for p in screen.query_one(AttendanceList).people]

        store.meetings.add_guest(mid, "Zoe")  # behind the screen's back: only the store knows
        with spy.keys("a guest the store refuses"):
            await pilot.press("plus")
            await fill_form(pilot, "Zoe", "Legal")
            await pilot.pause(0.2)  # the form opens again once the first has gone
            await settle(pilot)
        form = app.screen
        assert isinstance(form, CaptureForm) and form.id == "guest-form", "the refused guest's form is not back"
        assert form.query_one("#field-name", Input).value == "Zoe"
        assert form.query_one("#field-role", Input).value == "Legal"
        assert "already on the list" in str(form.query_one("#error-name", Static).render())
        await pilot.press("escape")
        assert [a.name for a in store.meetings.attendance(mid)].count("Zoe") == 1

        with spy.keys("new due date"):
            await pilot.press("c")
            carry = screen.query_one(CarryOverTable)
            titles = [str(carry.get_row_at(r)[1]) for r in range(carry.row_count)]
            carry.move_cursor(row=next(n for n, t in enumerate(titles) if "Old overdue task" in t))
            await pilot.press("u")
            await fill_form(pilot, "2026-12-10", clear=True)
        assert str(store.actions.get_action(work["overdue"]).due) == "2026-12-10"
        assert any(i.id == work["overdue"] and str(i.due) == "2026-12-10" for i in screen.carried)

        # The Sprint Review's panel: a demo and feedback on it.
        with spy.keys("add a demo"):
            await pilot.press("m")
            await fill_form(pilot, "Checkout flow", "Lena")
            await pilot.press("f")
            await fill_form(pilot, "Faster than before", "Sam")
        demos = store.panels.demos(mid)
        assert [(d.what, d.feedback_lines) for d in demos] == [("Checkout flow", ["Sam: Faster than before"])]
        table = screen.query_one("#demo-table", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["Checkout flow", "Lena", "1"]

        # 2. End: e, confirm; the ratings form (asked once it landed), Esc, the summary.
        with spy.keys("end the meeting"):
            await pilot.press("e")
            await pilot.press("y")
            assert app.screen.id == "rate-meeting-form"
            await pilot.press("escape")
        assert store.meetings.get_meeting(mid).status == "ended"
        assert type(app.screen).__name__ == "SummaryScreen"


async def test_finance_panel_forms_never_query_on_the_ui_thread(make_app, store, clock, monkeypatch) -> None:
    meeting = store.meetings.start_meeting("finance-review")
    mid = meeting.id
    spy = UiThreadQueries(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "finance-review")
        assert screen.meeting_id == mid
        with spy.keys("budget line"):
            await pilot.press("l")
            await fill_form(pilot, "Engineering", "100000", "131500", clear=True)
        assert [(b.department, b.budget, b.actual) for b in store.panels.budget_lines(mid)] == [
            ("Engineering", 100000, 131500)
        ]
        with spy.keys("re-forecast and threshold"):
            await pilot.press("r")
            await fill_form(pilot, "500000", clear=True)
            await pilot.press("percent_sign")
            await fill_form(pilot, "40", clear=True)
        stored = store.meetings.get_meeting(mid)
        assert (stored.reforecast, stored.variance_threshold) == (500000, 40)
        summary = text_of(screen.query_one("#budget-summary", Static))
        assert "Threshold ±40 %" in summary and "Re-forecast: 500,000" in summary
        assert "⚑" not in str(screen.query_one("#budget-table", DataTable).get_row_at(0)[0])  # 31.5 % < 40 %

        # A bad amount stays in the form, its message under the field (checked without the database).
        with spy.keys("a bad amount"):
            await pilot.press("r")
            await fill_form(pilot, "lots", clear=True)
        assert app.screen.id == "reforecast-form"
        assert str(app.screen.query_one("#error-reforecast", Static).render())
        await pilot.press("escape")

        # 5. The meeting is ended in another window: a capture is kept as a cadence action item.
        other = type(store)(store.path, now=store._now)
        other.meetings.end_meeting(mid)
        other.close()
        await pilot.pause(1.0)  # the live watcher reports it
        await settle(pilot)
        with spy.keys("capture into an ended meeting"):
            await pilot.press("a")
            await fill_form(pilot, "Chase the invoice")
            assert app.screen.id == "action-form"  # offered as an action item of the cadence
            await pilot.press("enter")
        rows = store.query("SELECT meeting_id FROM action_items WHERE title = 'Chase the invoice'")
        assert [r[0] for r in rows] == [None]


async def test_ending_while_the_file_stays_locked_keeps_the_meeting_open(make_app, store, monkeypatch) -> None:
    """Item 2: the end is queued; locked past the timeout it fails, says so,
    and the meeting stays open and usable; e pressed while it is on its way
    ends nothing twice; once the file is free, e ends it."""
    from tests.functional.test_lock_stall import hold_lock

    meeting = store.meetings.start_meeting("sprint-review")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "300")  # the queue's connection gives up soon
        holder = hold_lock(Path(store.path))
        try:
            await pilot.press("e", "y")
            await settle(pilot)
        finally:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(timeout=30)
        assert store.meetings.get_meeting(meeting.id).status == "running"
        assert app.screen is screen and not screen.ending_here
        titles = [n.title for n in app._notifications]
        assert "Not ended" in titles, titles
        await pilot.press("n")  # still usable: the agenda moves on
        assert screen.clock.item_number == 2
        await pilot.press("e", "y")
        assert store.meetings.get_meeting(meeting.id).status == "ended"
        assert app.screen.id == "rate-meeting-form"
        await pilot.press("escape")
        assert type(app.screen).__name__ == "SummaryScreen"
    ended = [r[0] for r in store.query("SELECT ended_at FROM meetings WHERE id = ?", (meeting.id,))]
    assert len(ended) == 1 and ended[0] is not None


@pytest.mark.both_engines
async def test_the_quick_captures_never_write_on_the_ui_thread_on_postgresql(
    make_app, store, engine, monkeypatch
) -> None:
    """a, d, b and o: on SQLite tried at once on the UI thread (a local write
    that fails at once when the file is busy, then queued); on PostgreSQL,
    where each statement is a round trip to the server, always written by the
    write queue's thread. Either way the rows land and the log shows them."""
    meeting = store.meetings.start_meeting("sprint-review")
    spy = UiThreadQueries(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        spy.watching = True
        await pilot.press("a")
        await fill_form(pilot, "Write the release notes", "Lena")
        await settle(pilot)
        await pilot.press("d")
        await fill_form(pilot, "Ship on Friday")
        await settle(pilot)
        await pilot.press("b")
        await fill_form(pilot, "Staging is down", "Marco", "Ops")
        await settle(pilot)
        await pilot.press("o")
        await fill_form(pilot, "Demo went well", submit="ctrl+s")
        await settle(pilot)
        spy.watching = False
        writes_on_ui = spy.on_ui.count("BEGIN IMMEDIATE")
        assert writes_on_ui == (0 if engine == "postgres" else 4)
        assert [(a.title, a.owner) for a in store.meetings.meeting_actions(meeting.id)] == [
            ("Write the release notes", "Lena")
        ]
        assert [d.text for d in store.meetings.meeting_decisions(meeting.id)] == ["Ship on Friday"]
        assert [(b.what, b.raised_by, b.unblocker) for b in store.meetings.meeting_blockers(meeting.id)] == [
            ("Staging is down", "Marco", "Ops")
        ]
        assert [n.text for n in store.meetings.meeting_notes(meeting.id)] == ["Demo went well"]
        shown = {(r.kind, r.text) for r in screen.query_one(MeetingLog).rows_shown}
        assert {("action", "Write the release notes"), ("decision", "Ship on Friday")} <= shown
        assert any(kind == "blocker" and "Staging is down" in text for kind, text in shown)
        assert any(kind == "note" and "Demo went well" in text for kind, text in shown)
