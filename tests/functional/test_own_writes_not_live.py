"""The app's own writes are not another terminal's: a meeting's agenda and
triage keys, written on the write queue's connection (ui/write_queue.py),
cause no live reload of the screen (ui/live_updates.py), while another
terminal's change still arrives within a second. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from cadence_tui.store import open_store
from cadence_tui.ui.write_queue import write_queue
from tests.functional.meeting_pilot import open_work, start_from_home
from tests.functional.test_team import within
from tests.settle import settle

pytestmark = pytest.mark.both_engines

#: Long enough for the watcher to look several times (SQLite polls every 0.25 s).
QUIET = 1.0


def watching(app) -> bool:
    """The live-updates thread took its starting point (it reports from then on)."""
    watcher = app.live_updates.watcher
    return getattr(watcher, "_conn", None) is not None or getattr(watcher, "_raw", None) is not None


async def test_agenda_and_triage_keys_cause_no_live_reload(store, db, clock, make_app) -> None:
    open_work(store, "sprint-review", clock)
    other = open_store(db, now=clock, seed=False)  # another terminal
    try:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await start_from_home(pilot, "sprint-review")
            await settle(pilot)
            await within(pilot, 5.0, lambda: watching(app))
            await pilot.pause(QUIET)  # the meeting's start (the app's own writes) has been looked at
            live = app.live_updates
            refreshes: list[int] = []
            real_refresh = screen.refresh_all

            def counted(*args, **kwargs):
                refreshes.append(1)
                return real_refresh(*args, **kwargs)

            screen.refresh_all = counted  # the live reload's one entry (on_database_changed)
            announced = live.changes
            first = screen.clock.item_id

            for key in ("n", "n", "p"):  # agenda keys, through the write queue
                await pilot.press(key)
                await settle(pilot)
            assert screen.clock.item_id != first  # the keys did move the agenda
            await pilot.press("c")  # the carried items, then triage
            await settle(pilot)
            for key in ("k", "x"):
                await pilot.press(key)
                await settle(pilot)
            assert write_queue(app).pending == 0
            await pilot.pause(QUIET)
            assert live.changes == announced, "the app's own writes were announced as another terminal's"
            assert refreshes == []

            # Another terminal's change still arrives, within a second.
            await asyncio.to_thread(other.actions.add_action, "Theirs", cadence_key="sprint-review")
            await within(pilot, 1.0, lambda: live.changes > announced and bool(refreshes))
    finally:
        other.close()
