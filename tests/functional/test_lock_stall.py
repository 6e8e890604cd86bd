"""Issue 15 item 4: the UI never waits on the database lock.

Another process holds ``BEGIN EXCLUSIVE`` on the file for 4 s while the user
captures two action items and a note and switches tabs: every key takes
effect at once, the clock bar says "saving…", and once the lock frees the
rows land in the order typed, each exactly once.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from textual.widgets import TabbedContent

from cadence_tui.store import open_store
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.write_queue import write_queue
from tests.functional.meeting_pilot import fill_form, start_from_home
from tests.settle import settle

# Keys are pressed while writes wait on the lock: Pilot must not wait for them (conftest.py).
RAW_PILOT = True
LOCK_SECONDS = 4.0  # the lock is held at least this long, and until the keys are done
# A key pressed during the lock takes effect within this. Pilot on a loaded
# 2-core machine adds 0.1–0.8 s a step; code that waited on the lock would
# wait the busy timeout (60 s here), so the margin still tells them apart.
PROMPT = 3.0
# A whole form (a dozen keys typed and submitted).
FORM_PROMPT = 6.0


def hold_lock(db: Path) -> subprocess.Popen:
    """Another process takes the write lock, says so, and keeps it until its
    stdin closes (so a slow machine never runs the keys past the lock)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None); c.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True); sys.stdin.read(); c.execute('ROLLBACK')",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


async def timed(pilot, *keys: str) -> float:
    start = time.monotonic()
    await pilot.press(*keys)
    await pilot.pause()
    return time.monotonic() - start


async def test_capture_while_another_process_holds_the_lock(tmp_path: Path, clock, monkeypatch) -> None:
    from cadence_tui.ui.app import make_app

    # The queued writes wait for the lock however long a loaded machine takes.
    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "60000")
    db = tmp_path / "stall.db"
    store = open_store(db, now=clock)
    try:
        async with make_app(store).run_test(size=(100, 30)) as pilot:
            await start_from_home(pilot, "sprint-review")
            await settle(pilot)  # the meeting opened (read in a worker) before the lock is taken
            screen = pilot.app.screen
            meeting_id = screen.meeting_id
            tabs = screen.query_one("#meeting-tabs", TabbedContent)
            bar = screen.query_one(ClockBar)
            holder = hold_lock(db)
            locked_at = time.monotonic()
            try:
                for title in ("Call the supplier", "Book the room"):
                    assert await timed(pilot, "a") < PROMPT
                    start = time.monotonic()
                    await fill_form(pilot, title, "Marco", "+3d")
                    assert time.monotonic() - start < FORM_PROMPT, "the form waited on the lock"
                    assert pilot.app.screen is screen  # the form closed at once
                    assert bar.saving and "saving…" in str(bar.render())
                assert await timed(pilot, "c") < PROMPT
                assert tabs.active == "tab-carry"
                assert await timed(pilot, "o") < PROMPT
                start = time.monotonic()
                await fill_form(pilot, "Supplier is late again", submit="ctrl+s")
                assert time.monotonic() - start < FORM_PROMPT
                assert pilot.app.screen is screen
                assert await timed(pilot, "l") < PROMPT
                assert tabs.active == "tab-log"
                assert write_queue(pilot.app).pending == 3
                assert store.meetings.meeting_actions(meeting_id) == []  # nothing written yet: still locked
                await asyncio.sleep(max(0.0, LOCK_SECONDS - (time.monotonic() - locked_at)))
                assert write_queue(pilot.app).pending == 3 and bar.saving
            finally:
                assert holder.stdin is not None
                holder.stdin.close()
                holder.wait(timeout=30)
            assert await asyncio.to_thread(write_queue(pilot.app).wait_idle, 10)
            await pilot.pause()
            await pilot.pause()
            assert [a.title for a in store.meetings.meeting_actions(meeting_id)] == [
                "Call the supplier",
                "Book the room",
            ]
            assert store.meetings.notes(meeting_id) == ["Supplier is late again"]
            assert not bar.saving and "saving…" not in str(bar.render())
            assert len(screen.query_one("#meeting-log").rows) == 3
    finally:
        store.close()


def test_a_failed_write_whose_screen_has_closed_is_shown_whole(tmp_path) -> None:
    """Leave the meeting (or quit) while a queued write then fails: the text
    still reaches the user, in a notification that stays up."""
    from cadence_tui.store.errors import DatabaseBusy
    from cadence_tui.ui.write_queue import WriteJob, WriteQueue

    class ClosedScreen:
        def post_message(self, _message) -> bool:
            return False  # what a removed screen answers

    class App:
        def __init__(self) -> None:
            self.notes: list[tuple[str, str]] = []

        def notify(self, message: str, *, title: str = "", **_kw) -> None:
            self.notes.append((title, message))

    def busy(_store):
        raise DatabaseBusy("the database is busy: try again")

    class MemoryStore:
        path = ":memory:"

        def close(self) -> None:
            pass

    app = App()
    queue = WriteQueue(MemoryStore(), app)
    job = WriteJob(
        busy, ClosedScreen(), what="action item", data={"values": {"title": "Call the bank", "owner": "Sam"}}
    )
    queue.submit(job)
    assert queue.wait_idle(5)
    assert app.notes and "Call the bank · Sam" in app.notes[0][1] and "busy" in app.notes[0][1]
    assert app.notes[0][0] == "The action item was not saved"
