"""Which occurrence `s` starts a meeting for, driven from home (issue 13.5).

The clock is pinned and moved between days with the ``clock`` fixture; each
test reads the header, the notification, the confirm dialog and the rows in
``meetings``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Static

from cadence_tui.ui.dialogs import ConfirmDialog
from cadence_tui.ui.screens.home import HomeScreen
from cadence_tui.ui.screens.meeting import MeetingScreen
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from tests.functional.meeting_pilot import HOME_ROWS, start_from_home, text_of
from tests.notes import shown_notes
from tests.settle import settle

UTC = UTC


def rows(store, key: str) -> list[tuple[str, str, str]]:
    cid = store.cadences.get_cadence(key).id
    return [
        (r["scheduled_for"], r["started_at"], r["status"])
        for r in store.query(
            "SELECT scheduled_for, started_at, status FROM meetings WHERE cadence_id = ? ORDER BY id", (cid,)
        )
    ]


def home_cell(app, key: str, col: int = 1) -> str:
    table = app.screen.query_one("#cadence-table", CadenceTable)
    return str(table.get_row_at(HOME_ROWS[key])[col])


async def test_sunday_start_is_for_the_coming_occurrence_and_says_so(make_app, store, clock) -> None:
    clock.current = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # Sun 29 Nov, the day
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        assert isinstance(screen, MeetingScreen)
        header = text_of(screen.query_one("#meeting-title", Static))
        assert "for Thu 03 Dec 15:00" in header and "scheduled" not in header
        assert any("Sprint Review: meeting for Thu 03 Dec 15:00" in n for n in await shown_notes(pilot))
        assert rows(store, "sprint-review") == [("2026-12-03T15:00:00+00:00", "2026-11-29T16:00:00+00:00", "running")]


async def test_a_late_start_is_for_the_occurrence_just_past(make_app, store, clock) -> None:
    clock.current = datetime(2026, 11, 26, 15, 40, tzinfo=UTC)  # 40 min late
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        assert "for Thu 26 Nov 15:00" in text_of(screen.query_one("#meeting-title", Static))
        assert rows(store, "sprint-review")[0][0] == "2026-11-26T15:00:00+00:00"


async def test_held_occurrence_leaves_next_and_s_asks_before_a_second_meeting(make_app, store, clock) -> None:
    # Finance held on Mon 7 Dec 14:00-15:00, started from home.
    clock.current = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await start_from_home(pilot, "finance-review")
        assert "for Mon 07 Dec 14:00" in text_of(screen.query_one("#meeting-title", Static))
        clock.advance(hours=1)
        store.meetings.end_meeting(screen.meeting_id)
        app.pop_screen()
        clock.advance(minutes=30)
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.refresh_rows()
        await settle(pilot)  # home reads in a worker
        # Home's Next skips the held 7 Dec, in the table and in the details.
        assert home_cell(app, "finance-review") == "Mon 04 Jan 14:00"
        assert home.selected().cadence.key == "finance-review"  # the cursor stayed on it
        details = text_of(home.query_one("#cadence-details", Static))
        assert "Next: Mon 04 Jan 2027 14:00" in details and "07 Dec 2026" not in details

        # `s` asks; n cancels and nothing is stored.
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        question = text_of(dialog.query_one("#confirm-question", Static))
        assert "Mon 07 Dec 14:00 was already held" in question and "second meeting" in question
        assert "started Mon 07 Dec 14:00" in text_of(dialog.query_one("#confirm-detail", Static))
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is home and len(rows(store, "finance-review")) == 1
        # Esc cancels too.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home and len(rows(store, "finance-review")) == 1

        # Enter confirms: a second meeting for the same occurrence, said so.
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, MeetingScreen) and second.meeting_id != screen.meeting_id
        assert "for Mon 07 Dec 14:00" in text_of(second.query_one("#meeting-title", Static))
        assert any("a second meeting for Mon 07 Dec 14:00" in n for n in await shown_notes(pilot))
        assert rows(store, "finance-review") == [
            ("2026-12-07T14:00:00+00:00", "2026-12-07T14:00:00+00:00", "ended"),
            ("2026-12-07T14:00:00+00:00", "2026-12-07T15:30:00+00:00", "running"),
        ]


async def test_y_confirms_a_second_meeting(make_app, store, clock) -> None:
    clock.current = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    first = store.meetings.start_meeting("sprint-review", scheduled_for=clock.current)
    clock.advance(minutes=30)
    store.meetings.end_meeting(first.id)
    clock.advance(minutes=5)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        assert home_cell(app, "sprint-review") == "Thu 03 Dec 15:00"
        dialog = await start_from_home(pilot, "sprint-review")
        assert isinstance(dialog, ConfirmDialog)
        assert "Thu 26 Nov 15:00" in text_of(dialog.query_one("#confirm-question", Static))
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        assert [r[0] for r in rows(store, "sprint-review")] == ["2026-11-26T15:00:00+00:00"] * 2


async def test_history_shows_start_times_of_two_meetings_on_one_day(make_app, store, clock) -> None:
    from cadence_tui.ui.screens.history import HistoryTable
    from tests.hostile.helpers import cadence

    clock.current = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    for _ in range(2):
        m = store.meetings.start_meeting("sprint-review", scheduled_for=datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
        clock.advance(minutes=30)
        store.meetings.end_meeting(m.id)
        clock.advance(minutes=45)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("h")
        await pilot.pause()
        table = app.screen.query_one(HistoryTable)
        lines = [table.render_row(r, 98).plain for r in table.rows]
        assert "Thu 26 Nov 2026 16:15" in lines[0] and "Thu 26 Nov 2026 15:00" in lines[1]
        narrow = [table.render_row(r, 60).plain for r in table.rows]
        assert "26 Nov 2026 16:15" in narrow[0] and "26 Nov 2026 15:00" in narrow[1]
        assert "When" in table.header(98).plain
    out = cadence("history", db=store.path).stdout.splitlines()
    assert "2026-11-26 16:15" in out[0] and "2026-11-26 15:00" in out[1]


async def test_home_next_skips_an_occurrence_held_early(make_app, store, clock) -> None:
    # Finance held on Friday 4 Dec for Monday 7 Dec; on Saturday home's Next is January.
    clock.current = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    m = store.meetings.start_meeting("finance-review", scheduled_for=datetime(2026, 12, 7, 14, 0, tzinfo=UTC))
    clock.advance(hours=1)
    store.meetings.end_meeting(m.id)
    clock.current = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert home_cell(app, "finance-review") == "Mon 04 Jan 14:00"
        assert home_cell(app, "sprint-review") == "Thu 10 Dec 15:00"
