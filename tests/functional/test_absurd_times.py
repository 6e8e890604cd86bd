"""The meeting screen with absurd stored times (a started_at in year 1 or
9999, or 1970 from a clock that was wrong): it opens, the clock bar stays
readable (bounded at 99:59:59), the keys keep working."""

from __future__ import annotations

import re
import time

import pytest

from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_title import MeetingTitle
from tests.functional.meeting_pilot import start_from_home, text_of


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Tokyo"])
def local_zone(request, monkeypatch):
    """Year 1 has no local time west of UTC, year 9999 none east of it."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def longest_hours(text: str) -> int:
    return max((int(h) for h in re.findall(r"(\d+):\d\d:\d\d", text)), default=0)


@pytest.mark.parametrize(
    ("started", "shown"),
    [
        ("0001-01-01T00:00:00+00:00", ">99:59:59"),
        ("1970-01-01T00:00:00+00:00", ">99:59:59"),
        ("9999-12-31T23:59:59+00:00", "Meeting 00:00 / 30:00"),
    ],
)
async def test_the_meeting_screen_bounds_absurd_stored_times(make_app, store, local_zone, started, shown) -> None:
    meeting = store.meetings.start_meeting("sprint-review")
    with store.write() as conn:
        conn.execute("UPDATE meetings SET started_at = ? WHERE id = ?", (started, meeting.id))
        conn.execute(
            "UPDATE agenda_items SET started_at = ? WHERE meeting_id = ? AND started_at IS NOT NULL",
            (started, meeting.id),
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_home(pilot, "sprint-review", "enter")
        assert screen.id == "meeting-screen", screen
        bar = text_of(screen.query_one(ClockBar))
        assert shown in bar, bar
        assert longest_hours(bar) <= 99, bar
        assert text_of(screen.query_one(MeetingTitle)).startswith("Sprint Review"), local_zone
        await pilot.press("n")  # the next item: the absurd stint is added to the first one
        await pilot.pause()
        bar = text_of(screen.query_one(ClockBar))
        assert "Item 2/4" in bar and longest_hours(bar) <= 99, bar
        assert app.screen is screen
