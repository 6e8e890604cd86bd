"""The playbook inside meetings: record a metric, log a fail-fast entry,
escalate a blocker across cadences, rate a meeting when it ends."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Static

from cadence_tui.ui.widgets.cadence_table import CadenceTable
from cadence_tui.ui.widgets.carry_over import CarryOverTable
from cadence_tui.ui.widgets.scorecard import Scorecard
from tests.functional.meeting_pilot import fill_form, start_from_home
from tests.settle import settle

SIZE = (120, 36)


async def end_and_skip_rating(pilot) -> None:
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    assert pilot.app.screen.id == "rate-meeting-form"
    await pilot.press("escape")  # one key skips the rating
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "SummaryScreen"


async def test_record_a_metric_in_the_meeting_that_reviews_it(make_app, store, clock) -> None:
    store.scorecard.record_metric_value("ttv", 31, on=date(2026, 11, 1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        card = screen.query_one("#meeting-scorecard", Scorecard)
        assert [r.metric.key for r in card.rows] == ["ttv"]  # only what the Sprint Review reviews
        assert card.rows[0].off_target
        clock.advance(minutes=20)
        await pilot.press("M")
        assert app.screen.id == "record-metric-form"
        assert app.focused.id == "field-value"
        assert not app.screen.query("#field-date")  # the meeting's date is used
        await pilot.press("2", "6", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#meeting-tabs").active == "tab-scorecard"
        assert card.plain_lines()[0].startswith("Time-to-Value: 26 days −5")
        assert not card.rows[0].off_target
        await pilot.press("escape")  # home; the meeting keeps running
        await pilot.pause()
        home_card = app.screen.query_one("#home-scorecard", Scorecard)
        assert "Time-to-Value: 26 days" in "\n".join(home_card.plain_lines())
    values = store.scorecard.metric_history("ttv")
    assert [(v.value, v.recorded_on, v.meeting_id) for v in values][-1] == (26, date(2026, 11, 25), screen.meeting_id)


async def test_log_a_failfast_entry_from_a_meeting(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sales-marketing-sync")
        await pilot.press("F")
        assert app.screen.id == "failfast-form"
        await pilot.press("tab")  # hand-off: Marketing → Sales (first)
        await fill_form(pilot, "Leads arrived without intent signals", "missing data", "Intent made required")
        assert app.screen is screen
        await pilot.press("escape", "F")
        await pilot.pause()
        assert app.screen.id == "failfast-screen"
        by_handoff = app.screen.query_one("#by-handoff", DataTable)
        assert [str(c) for c in by_handoff.get_row_at(0)] == ["Marketing → Sales", "1"]
        entries = str(app.screen.query_one("#failfast-entries-text", Static).render())
        assert "(in Marketing–Sales Sync)" in entries and "Leads arrived without intent signals" in entries
    entry = store.playbook.failfast_entries()[0]
    assert (entry.handoff_key, entry.meeting_id, entry.cause) == ("marketing-sales", screen.meeting_id, "missing data")


async def test_escalate_a_sprint_blocker_to_finance_and_resolve_it_there(make_app, store, clock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        sprint = await start_from_home(pilot, "sprint-review")
        await pilot.press("b")
        await fill_form(pilot, "Load tests need budget", "Marco", "Dana")
        blocker_id = store.meetings.meeting_blockers(sprint.meeting_id)[0].id
        await pilot.press("l")  # the Captured log, cursor on the new blocker
        await pilot.press("X")
        assert app.screen.id == "escalate-form"
        await pilot.press("enter")  # Finance Business Review is proposed for a blocker
        await pilot.pause()
        assert app.screen is sprint
        row = store.query_one("SELECT escalated_to_cadence_id, status FROM blockers WHERE id = ?", (blocker_id,))
        assert tuple(row) == (store.cadences.get_cadence("finance-review").id, "open")
        await end_and_skip_rating(pilot)
        await settle(pilot)
        assert "escalated to Finance Business Review" in app.screen.text
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen.query_one("#cadence-table", CadenceTable)
        assert str(home.get_row_at(0)[5]) == "1"  # still an open Sprint Review blocker

        clock.advance(days=12)
        finance = await start_from_home(pilot, "finance-review")
        await pilot.press("c")
        carry = finance.query_one("#carry-over", CarryOverTable)
        titles = [str(carry.get_row_at(r)[1]) for r in range(carry.row_count)]
        index = next(i for i, t in enumerate(titles) if "Load tests need budget" in t)
        assert "⇠ Sprint Review" in titles[index]
        carry.move_cursor(row=index)
        await pilot.press("x")  # resolved, here
        await pilot.pause()
        row = store.query_one("SELECT status, resolved_in_meeting_id FROM blockers WHERE id = ?", (blocker_id,))
        assert tuple(row) == ("resolved", finance.meeting_id)
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen.query_one("#cadence-table", CadenceTable)
        assert str(home.get_row_at(0)[5]) == "0"  # resolved in the Sprint Review too: one row
    assert store.playbook.escalated_to("finance-review") == []


async def test_rate_the_meeting_when_it_ends(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.id == "rate-meeting-form"
        labels = [str(label.render()) for label in app.screen.query(".form-label")]
        assert labels == ["Priya", "Marco", "Lena", "Sam"]
        await fill_form(pilot, "8", "11", "", "7")
        assert app.screen.id == "rate-meeting-form"  # 11 is refused, nothing saved
        assert "from 1 to 10" in str(app.screen.query_one("#error-p1", Static).render())
        assert store.playbook.meeting_ratings(screen.meeting_id) == {}
        app.screen.query_one("#field-p1").value = "9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SummaryScreen"
    assert store.playbook.meeting_ratings(screen.meeting_id) == {"Priya": 8, "Marco": 9, "Sam": 7}
    assert store.stats.cadence_stats("sprint-review").avg_rating == 8
