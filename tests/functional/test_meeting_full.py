"""A full meeting of each of the four cadences, driven through the keys a
facilitator uses: start, attendance, walk the agenda, capture each kind of
record, triage carried items, fill the cadence panel, end. Each test checks
the screen and the database rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import DataTable, TabbedContent

from cadence_tui.core.duedates import parse_due
from cadence_tui.ui.screens.meeting import AllHandsScreen, FinanceReviewScreen, SalesSyncScreen, SprintReviewScreen
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.carry_over import CarryOverTable
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_log import MeetingLog
from tests.functional.meeting_pilot import column, fill_form, open_work, start_from_home, text_of


def rows(store, sql: str, *args) -> list[tuple]:
    return [tuple(r) for r in store.query(sql, args)]


async def capture_all_kinds(pilot, store, meeting_id: int, owner: str) -> None:
    """a / b / d / o: one record of each kind, checked in the log and the DB."""
    await pilot.press("a")
    await fill_form(pilot, "Fix the login bug", owner, "fri", typed=True)
    await pilot.press("b")
    await fill_form(pilot, "Staging is down", owner, "Ops team")
    await pilot.press("d")
    await fill_form(pilot, "Ship on Monday")
    await pilot.press("o")
    await fill_form(pilot, "Energy was good", submit="ctrl+s")
    actions = store.meetings.meeting_actions(meeting_id)
    friday = parse_due("fri", store.today())
    assert [(a.title, a.owner, a.due) for a in actions] == [("Fix the login bug", owner, friday)]
    blockers = store.meetings.meeting_blockers(meeting_id)
    assert [(b.what, b.raised_by, b.unblocker, b.status) for b in blockers] == [
        ("Staging is down", owner, "Ops team", "open")
    ]
    assert [d.text for d in store.meetings.meeting_decisions(meeting_id)] == ["Ship on Monday"]
    assert [n.text for n in store.meetings.meeting_notes(meeting_id)] == ["Energy was good"]
    log = pilot.app.screen.query_one(MeetingLog)
    assert column(log, 0) == ["Action", "Blocker", "Decision", "Note"]
    assert column(log, 1)[0] == "Fix the login bug"


async def triage_carried(pilot, store, meeting_id: int, work: dict[str, int]) -> None:
    """c, then x (done) on the overdue item, u (new date) on the undated one,
    x (resolved) on the blocker."""
    await pilot.press("c")
    table = pilot.app.screen.query_one(CarryOverTable)
    assert table.has_focus
    assert column(table, 1) == ["Old overdue task", "Undated task", "Waiting on legal"]
    await pilot.press("x")  # done; the cursor moves on
    await pilot.press("u")
    await fill_form(pilot, "+7d")
    await pilot.press("x")  # the blocker: resolved
    await pilot.pause()
    assert column(table, 0) == ["A✓", "A→", "B✓"]
    assert rows(store, "SELECT status, closed_in_meeting_id FROM action_items WHERE id = ?", work["overdue"]) == [
        ("done", meeting_id)
    ]
    week_later = (store.today() + timedelta(days=7)).isoformat()
    assert rows(store, "SELECT status, due FROM action_items WHERE id = ?", work["undated"]) == [("open", week_later)]
    assert rows(store, "SELECT status, resolved_in_meeting_id FROM blockers WHERE id = ?", work["blocker"]) == [
        ("resolved", meeting_id)
    ]
    assert rows(
        store, "SELECT kind, outcome FROM carry_over_triage WHERE meeting_id = ? ORDER BY kind, record_id", meeting_id
    ) == [("action", "done"), ("action", "redated"), ("blocker", "resolved")]


async def walk_agenda(pilot, store, clock, meeting_id: int, steps: int) -> None:
    """n through the agenda with time passing; the clock bar follows."""
    for _ in range(steps):
        clock.advance(minutes=3)
        await pilot.press("n")
    screen = pilot.app.screen
    screen.tick()
    agenda = store.meetings.agenda(meeting_id)
    assert [i.state for i in agenda[:steps]] == ["done"] * steps
    assert all(round(i.elapsed_seconds) == 180 for i in agenda[:steps])
    assert agenda[steps].state == "current"
    assert f"Item {steps + 1}/{len(agenda)}" in text_of(screen.query_one(ClockBar))


async def end_meeting(pilot, store, meeting_id: int) -> None:
    await pilot.press("e")
    await pilot.pause()
    assert pilot.app.screen.id == "end-confirm"
    await pilot.press("y")
    await pilot.pause()
    assert pilot.app.screen.id == "rate-meeting-form"  # the playbook asks each attendee present
    await pilot.press("escape")  # skip
    await pilot.pause()
    meeting = store.meetings.get_meeting(meeting_id)
    assert meeting.status == "ended" and meeting.ended_at is not None
    assert store.meetings.current_item(meeting_id) is None or store.meetings.current_item(meeting_id).started_at is None
    assert not isinstance(pilot.app.screen, (SprintReviewScreen, SalesSyncScreen, FinanceReviewScreen, AllHandsScreen))
    assert type(pilot.app.screen).__name__ == "SummaryScreen"


async def test_full_sprint_review(make_app, store, clock) -> None:
    work = open_work(store, "sprint-review", clock)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        assert isinstance(screen, SprintReviewScreen)
        meeting = store.meetings.running_meeting("sprint-review")
        assert meeting is not None and meeting.id == screen.meeting_id

        # Attendance: Priya is away, a guest joins.
        await pilot.press("t")
        await pilot.press("x")
        await pilot.press("plus")
        await fill_form(pilot, "Gwen", "Customer")
        assert rows(
            store, "SELECT person, present, guest FROM attendance WHERE meeting_id = ? ORDER BY rowid", meeting.id
        ) == [("Priya", 0, 0), ("Marco", 1, 0), ("Lena", 1, 0), ("Sam", 1, 0), ("Gwen", 1, 1)]
        tabs = screen.query_one("#meeting-tabs", TabbedContent)
        assert str(tabs.get_tab("tab-people").label) == "Who 4/5"

        # Agenda: add an item, move it up, walk two items.
        await pilot.press("i")
        await fill_form(pilot, "Retro actions")
        agenda_titles = [i.title for i in store.meetings.agenda(meeting.id)]
        assert agenda_titles[-1] == "Retro actions"
        screen.query_one(AgendaList).focus()
        await pilot.press("K")
        assert [i.title for i in store.meetings.agenda(meeting.id)][-2] == "Retro actions"
        await walk_agenda(pilot, store, clock, meeting.id, 2)

        await capture_all_kinds(pilot, store, meeting.id, "Marco")
        await triage_carried(pilot, store, meeting.id, work)

        # Panel: a demo and feedback on it.
        await pilot.press("m")
        await fill_form(pilot, "New checkout", "Lena")
        await pilot.press("f")
        await fill_form(pilot, "Button too small", "Gwen")
        assert rows(store, "SELECT what, presenter, feedback FROM demo_items WHERE meeting_id = ?", meeting.id) == [
            ("New checkout", "Lena", "Gwen: Button too small")
        ]
        assert tabs.active == "tab-panel"
        demo_table = screen.query_one("#demo-table", DataTable)
        assert column(demo_table, 0) == ["New checkout"] and column(demo_table, 2) == ["1"]
        assert "Button too small" in text_of(screen.query_one("#demo-feedback"))

        await end_meeting(pilot, store, meeting.id)


async def test_full_marketing_sales_sync(make_app, store, clock) -> None:
    previous = store.meetings.start_meeting("sales-marketing-sync")
    store.panels.set_pipeline(previous.id, {"leads": "1000", "mql": "200", "sql": "50", "won": "10"})
    store.meetings.end_meeting(previous.id)
    work = open_work(store, "sales-marketing-sync", clock, days=14)
    # An action escalated here from the Sprint Review shows with its origin.
    other = store.actions.add_action("Fix lead scoring webhook", cadence_key="sprint-review", due=date(2026, 12, 20))
    store.playbook.escalate_action(other.id, "sales-marketing-sync")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "sales-marketing-sync")
        assert isinstance(screen, SalesSyncScreen)
        mid = screen.meeting_id
        await pilot.press("t", "down", "x")  # Alex absent
        assert rows(store, "SELECT person FROM attendance WHERE meeting_id = ? AND present = 0", mid) == [("Alex",)]
        await walk_agenda(pilot, store, clock, mid, 1)
        await capture_all_kinds(pilot, store, mid, "Riley")

        # Carry-over: the escalated item is listed with its origin; triage the rest.
        carry = screen.query_one(CarryOverTable)
        await pilot.press("c")
        titles = column(carry, 1)
        assert any(t.startswith("Fix lead") and t.endswith("⇠ Sprint Review") for t in titles)
        store_items = store.meetings.carry_over(mid)
        escalated = next(i for i in store_items if i.escalated_here)
        assert escalated.origin_cadence_key == "sprint-review"
        # Order by due: overdue, escalated (Dec 20), undated, then the blocker.
        assert column(carry, 1)[0] == "Old overdue task"
        await pilot.press("x", "k", "delete", "x")
        await pilot.pause()
        assert store.actions.get_action(work["overdue"]).status == "done"
        assert store.actions.get_action(escalated.id).status == "open"
        assert store.actions.get_action(work["undated"]).status == "dropped"
        assert store.meetings.get_blocker(work["blocker"]).status == "resolved"
        assert column(carry, 0) == ["A✓", "A…", "A✗", "B✓"]

        # Panel: this period's funnel, compared with the last sync.
        await pilot.press("m")
        await fill_form(pilot, "1200", "300", "60", "15")
        assert dict(rows(store, "SELECT stage, value FROM pipeline_metrics WHERE meeting_id = ?", mid)) == {
            "leads": 1200,
            "mql": 300,
            "sql": 60,
            "won": 15,
        }
        table = screen.query_one("#pipeline-table", DataTable)
        assert column(table, 1) == ["1,200", "300", "60", "15"]
        assert column(table, 2) == ["1,000", "200", "50", "10"]
        assert column(table, 3)[0] == "+200 +20%"
        assert [c.replace(" ", "") for c in column(table, 4)[1:]] == ["25.0%", "20.0%", "25.0%"]
        await pilot.press("g")
        await fill_form(pilot, "Pause webinar ads")
        assert [c.text for c in store.panels.campaign_changes(mid)] == ["Pause webinar ads"]
        assert "Pause webinar ads" in text_of(screen.query_one("#campaign-changes"))

        await end_meeting(pilot, store, mid)


# One whole meeting also runs on PostgreSQL (the others would add ~1 min of suite time for little more).
@pytest.mark.both_engines
async def test_full_finance_business_review(make_app, store, clock) -> None:
    work = open_work(store, "finance-review", clock, days=30)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "finance-review", key="enter")
        assert isinstance(screen, FinanceReviewScreen)
        mid = screen.meeting_id
        await pilot.press("t", "x")
        assert rows(store, "SELECT person FROM attendance WHERE meeting_id = ? AND present = 0", mid) == [("Dana",)]
        await walk_agenda(pilot, store, clock, mid, 3)
        await capture_all_kinds(pilot, store, mid, "Dana")
        await triage_carried(pilot, store, mid, work)

        # Panel: two lines, one over the threshold; raise the threshold; re-forecast.
        await pilot.press("l")
        await fill_form(pilot, "Engineering", "420000", "470000")
        await pilot.press("l")
        await fill_form(pilot, "Marketing", "180000", "185000")
        assert rows(
            store, "SELECT department, budget, actual FROM budget_lines WHERE meeting_id = ? ORDER BY id", mid
        ) == [("Engineering", 420000.0, 470000.0), ("Marketing", 180000.0, 185000.0)]
        table = screen.query_one("#budget-table", DataTable)
        assert column(table, 0) == ["⚑ Engineering", "Marketing"]
        assert column(table, 4) == ["+11.9%", "+2.8%"]
        summary = text_of(screen.query_one("#budget-summary"))
        assert "Threshold ±10 %" in summary and "1 line over it" in summary
        await pilot.press("percent_sign")
        screen_form = app.screen
        screen_form.query_one("#field-threshold").value = ""
        await fill_form(pilot, "15")
        assert store.meetings.get_meeting(mid).variance_threshold == 15
        assert column(table, 0) == ["Engineering", "Marketing"]
        await pilot.press("r")
        await fill_form(pilot, "1.2m")
        assert store.meetings.get_meeting(mid).reforecast == 1_200_000
        assert "Re-forecast: 1,200,000" in text_of(screen.query_one("#budget-summary"))

        await end_meeting(pilot, store, mid)


async def test_full_all_hands(make_app, store, clock) -> None:
    last_quarter = store.meetings.start_meeting("all-hands")
    handoffs = store.playbook.list_handoffs()
    store.panels.rate_handoff(last_quarter.id, handoffs[0].id, 4, "fine")
    store.panels.rate_handoff(last_quarter.id, handoffs[1].id, 2, "late stories")
    store.meetings.end_meeting(last_quarter.id)
    work = open_work(store, "all-hands", clock, days=91)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "all-hands")
        assert isinstance(screen, AllHandsScreen)
        mid = screen.meeting_id
        await pilot.press("t", "x", "down", "x")
        assert len(rows(store, "SELECT person FROM attendance WHERE meeting_id = ? AND present = 0", mid)) == 2
        await walk_agenda(pilot, store, clock, mid, 4)
        await capture_all_kinds(pilot, store, mid, "Chris")
        await triage_carried(pilot, store, mid, work)

        # Panel: a win, then rate the first two hand-offs (the cursor moves on).
        await pilot.press("w")
        await fill_form(pilot, "Biggest deal of the year", "Alex")
        assert [(w.text, w.who) for w in store.panels.wins(mid)] == [("Biggest deal of the year", "Alex")]
        screen.query_one("#health-table", DataTable).focus()
        await pilot.press("r")
        await fill_form(pilot, "3", "slower")
        await pilot.press("enter")  # enter on the next hand-off rates it too
        await fill_form(pilot, "5", "much better")
        assert rows(
            store, "SELECT handoff_id, rating, comment FROM health_ratings WHERE meeting_id = ? ORDER BY 1", mid
        ) == [(handoffs[0].id, 3, "slower"), (handoffs[1].id, 5, "much better")]
        table = screen.query_one("#health-table", DataTable)
        assert column(table, 1)[:3] == ["3", "5", "—"]
        assert column(table, 2)[:3] == ["4", "2", "—"]
        assert column(table, 3)[:2] == ["▼", "▲"]
        assert "Biggest deal of the year" in text_of(screen.query_one("#wins-list"))

        await end_meeting(pilot, store, mid)
