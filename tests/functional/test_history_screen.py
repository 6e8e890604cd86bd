"""The history screen: past meetings newest first, full-text search, opening a summary."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from cadence_tui.ui.screens.history import HistoryScreen, HistoryTable
from tests.functional.key_burst import burst
from tests.settle import settle

pytestmark = pytest.mark.both_engines


def held(
    store,
    clock,
    cadence: str,
    *,
    decision: str | None = None,
    action: str | None = None,
    note: str | None = None,
    blocker: str | None = None,
    minutes: int = 20,
) -> int:
    meeting = store.meetings.start_meeting(cadence)
    if decision:
        store.meetings.add_decision(meeting.id, decision)
    if action:
        store.actions.add_action(action, owner="Lena", meeting_id=meeting.id)
    if note:
        store.meetings.add_note(meeting.id, note)
    if blocker:
        store.meetings.add_blocker(blocker, meeting_id=meeting.id)
    clock.advance(minutes=minutes)
    store.meetings.end_meeting(meeting.id)
    clock.advance(days=1)
    return meeting.id


async def retype(pilot, *keys: str) -> None:
    from textual.widgets import Input

    pilot.app.screen.query_one("#history-search-input", Input).value = ""
    await pilot.press(*keys)


def lines(app) -> str:
    table = app.screen.query_one(HistoryTable)
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def test_lists_past_meetings_newest_first_and_searches(make_app, store, clock) -> None:
    first = held(store, clock, "sprint-review", decision="Ship checkout behind a flag", action="Fix checkout bug")
    second = held(store, clock, "finance-review", note="Budget [/] looks fine", blocker="Waiting for legal", minutes=70)
    third = held(store, clock, "sprint-review", decision="Keep scope")
    running = store.meetings.start_meeting("all-hands")  # not past yet: not listed
    async with make_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HistoryScreen)
        table = pilot.app.screen.query_one(HistoryTable)
        assert [r.id for r in table.rows] == [third, second, first]
        assert running.id not in [r.id for r in table.rows]
        text = lines(pilot.app)
        assert "Finance Business Review" in text and "70/60 min" in text
        assert "3 past meetings" in str(pilot.app.screen.query_one("#history-title", Static).render())
        details = str(pilot.app.screen.query_one("#history-details", Static).render())
        assert "0 action items · 1 decision · 0 notes · 0 blockers" in details  # the newest: "Keep scope"

        await pilot.press("c")  # sprint-review only
        await settle(pilot)
        assert [r.id for r in table.rows] == [third, first]
        await pilot.press("c", "c", "c", "c")  # back to all cadences
        await settle(pilot)
        assert len(table.rows) == 3

        await pilot.press("slash", *"check")
        await settle(pilot)
        assert [(h.kind, h.meeting_id) for h in table.rows] == [("action", first), ("decision", first)]
        await retype(pilot, *"legal")
        await settle(pilot)
        assert [(h.kind, h.meeting_id) for h in table.rows] == [("blocker", second)]
        assert "1 record matches" in str(pilot.app.screen.query_one("#history-title", Static).render())
        await retype(pilot, *"budget")
        await settle(pilot)
        assert [h.text for h in table.rows] == ["Budget [/] looks fine"]
        assert "Budget [/] looks fine" in lines(pilot.app)
        await retype(pilot, *'"*(')  # FTS syntax in user text never raises
        await settle(pilot)
        assert table.rows == [] and "Nothing recorded matches" in lines(pilot.app)


async def test_search_follows_edits(make_app, store, clock) -> None:
    meeting = held(store, clock, "sprint-review", action="Draft onboarding email")
    item = store.actions.list_actions()[0]
    with store.write() as conn:
        conn.execute("UPDATE action_items SET title = 'Draft welcome email' WHERE id = ?", (item.id,))
    assert store.history.search_history("onboarding") == []
    assert [h.meeting_id for h in store.history.search_history("welcome")] == [meeting]


async def test_enter_opens_the_meeting_summary(make_app, store, clock) -> None:
    meeting = held(store, clock, "sprint-review", decision="Ship it")
    async with make_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        details = str(pilot.app.screen.query_one("#history-details", Static).render())
        assert "Sprint Review" in details and "Ship it" in details
        await pilot.press("enter")
        await settle(pilot)
        from cadence_tui.ui.screens.summary import SummaryScreen

        assert isinstance(pilot.app.screen, SummaryScreen)
        assert pilot.app.screen.meeting_id == meeting


async def test_one_past_meeting_is_singular(make_app, store, clock) -> None:
    held(store, clock, "finance-review", note="Budget fine")
    async with make_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        title = str(pilot.app.screen.query_one("#history-title", Static).render())
        assert "1 past meeting" in title and "1 past meetings" not in title


async def test_typing_right_after_slash_goes_into_the_search_box(make_app, store, clock) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await pilot.press("h")
        await settle(pilot)
        await burst(pilot, "/dox")
        await settle(pilot)
        assert pilot.app.screen.query_one("#history-search-input", Input).value == "dox"
