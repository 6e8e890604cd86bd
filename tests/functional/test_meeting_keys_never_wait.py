"""Issue 16 / issue 15 item 4: the meeting's own keys never wait on the database.

Another process holds the write lock while the facilitator triages carried
items (x, k) and moves through the agenda (n): each key takes effect at once
(the triage mark and the count show before the write lands), and once the
lock frees every change is stored, in the order pressed.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from cadence_tui.store import open_store
from cadence_tui.ui.widgets.carry_over import CarryOverTable
from cadence_tui.ui.write_queue import write_queue
from tests.functional.meeting_pilot import column, open_work, start_from_home
from tests.functional.test_lock_stall import hold_lock
from tests.settle import settle

# Keys are pressed while writes wait on the lock: Pilot must not wait for them (conftest.py).
RAW_PILOT = True
BUSY_TIMEOUT_S = 10  # a key that waited on the lock would take this long, then fail
PROMPT = 4.0  # a key that does not: well under it even on a loaded 2-core machine (2.3 s seen)


async def timed(pilot, key: str) -> float:
    start = time.monotonic()
    await pilot.press(key)
    await pilot.pause()
    return time.monotonic() - start


async def test_triage_and_agenda_keys_while_another_process_holds_the_lock(tmp_path: Path, clock, monkeypatch) -> None:
    from cadence_tui.ui.app import make_app

    # Long enough that a key waiting on the lock would show as a stall.
    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", str(BUSY_TIMEOUT_S * 1000))
    db = tmp_path / "keys.db"
    store = open_store(db, now=clock)
    work = open_work(store, "sprint-review", clock)
    try:
        async with make_app(store).run_test(size=(100, 30)) as pilot:
            screen = await start_from_home(pilot, "sprint-review")
            await settle(pilot)
            meeting_id = screen.meeting_id
            await pilot.press("c")
            await settle(pilot)
            table = screen.query_one(CarryOverTable)
            assert column(table, 1) == ["Old overdue task", "Undated task", "Waiting on legal"]
            first_item = screen.agenda_items[0].id
            holder = hold_lock(db)
            try:
                assert await timed(pilot, "x") < PROMPT  # done, shown at once
                assert await timed(pilot, "k") < PROMPT  # still open
                assert column(table, 0) == ["A✓", "A…", "B "]
                assert "1 of 3 to triage" in str(screen.query_one("#carry-help").render())
                assert table.cursor_row == 2  # on to the next row after each key
                assert await timed(pilot, "n") < PROMPT
                assert write_queue(pilot.app).pending == 3
                assert store.actions.get_action(work["overdue"]).status == "open"  # not written yet: locked
            finally:
                assert holder.stdin is not None
                holder.stdin.close()
                holder.wait(timeout=30)
            assert await asyncio.to_thread(write_queue(pilot.app).wait_idle, 10)
            await settle(pilot)
            assert store.actions.get_action(work["overdue"]).status == "done"
            rows = store.query(
                "SELECT record_id, outcome FROM carry_over_triage WHERE meeting_id = ? ORDER BY record_id",
                (meeting_id,),
            )
            assert [tuple(r) for r in rows] == [(work["overdue"], "done"), (work["undated"], "open")]
            assert [i.state for i in screen.agenda_items][:2] == ["done", "current"]
            assert screen.agenda_items[0].id == first_item
            assert column(table, 0) == ["A✓", "A…", "B "]  # the stored items, as shown before
    finally:
        store.close()
