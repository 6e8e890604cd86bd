"""The longest frame gap while another process holds the write lock for 4 s
(issue 15 item 4; the same case as tests/functional/test_lock_stall.py).

Run: ``pytest -m bench tests/bench/bench_lock_stall.py -s`` or as a script.

How it is measured: the app runs headless under ``run_test`` (100x30) on a
fresh database. A 10 ms interval timer on the app records when it fires;
the longest gap between two firings is the longest time the event loop (so
the painting) stood still. During the 4 s lock the user captures two action
items and a note and switches tabs; the writes wait in the write queue
(ui/write_queue.py). The same keys are first timed with no lock: that is
the screen's own cost (opening and closing forms, refreshing the log), which
the lock should not add to. Goal: under 50 ms. Before the queue, the capture
waited on the lock in the UI thread: a gap of ~4 s.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

LOCK_SECONDS = 4.0
GOAL_MS = 50.0
# Generous ceiling for a shared 2-core box; the goal above is what is reported.
MAX_GAP_MS = 500.0


async def measure(lock_seconds: float = LOCK_SECONDS) -> dict[str, float]:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.write_queue import write_queue
    from tests.functional.meeting_pilot import fill_form, start_from_home
    from tests.functional.test_lock_stall import hold_lock

    db = Path(tempfile.mkdtemp()) / "lock-stall-bench.db"
    store = open_store(db)
    out: dict[str, float] = {}
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        meeting_id = screen.meeting_id
        fired: list[float] = []
        timer = app.set_interval(0.01, lambda: fired.append(time.perf_counter()))
        await pilot.pause(0.2)
        # hold_lock keeps the lock until its stdin closes (test_lock_stall.py).
        holder = hold_lock(db) if lock_seconds > 0 else None
        fired.clear()
        locked_at = time.perf_counter()
        for title in ("Call the supplier", "Book the room"):
            await pilot.press("a")
            await fill_form(pilot, title, "Marco", "+3d")
        await pilot.press("c")
        await pilot.press("o")
        await fill_form(pilot, "Supplier is late again", submit="ctrl+s")
        await pilot.press("l")
        out["keys done after (s)"] = time.perf_counter() - locked_at
        out["writes queued"] = write_queue(app).pending
        if holder is not None:  # keep measuring while the lock is held, then free it
            await asyncio.sleep(max(0.0, lock_seconds - (time.perf_counter() - locked_at)))
            assert holder.stdin is not None
            holder.stdin.close()
            await asyncio.to_thread(holder.wait, 30)
        assert await asyncio.to_thread(write_queue(app).wait_idle, 10)
        await pilot.pause(0.1)
        timer.stop()
        gaps = [b - a for a, b in itertools.pairwise(fired)]
        out["timer firings"] = len(fired)
        out["longest frame gap (ms)"] = 1000 * max(gaps)
        out["saved rows"] = len(store.meetings.meeting_actions(meeting_id)) + len(store.meetings.notes(meeting_id))
    store.close()
    return out


async def measure_both() -> dict[str, dict[str, float]]:
    """The same keys with no lock (the screen's own cost) and with the 4 s lock."""
    return {"no lock": await measure(0.0), f"{LOCK_SECONDS:.0f} s lock": await measure()}


def report(results: dict[str, dict[str, float]]) -> str:
    lines = [f"lock stall: 2 action items + a note + 2 tab keys, 100x30; goal gap < {GOAL_MS:.0f} ms"]
    for case, figures in results.items():
        lines.append(f" {case}")
        lines += [f"  {name:38} {value:10.3f}" for name, value in figures.items()]
    return "\n".join(lines)


@pytest.mark.bench
def test_longest_frame_gap_while_the_database_is_locked() -> None:
    results = asyncio.run(measure_both())
    print(report(results))
    locked = results[f"{LOCK_SECONDS:.0f} s lock"]
    assert locked["saved rows"] == 3
    assert locked["longest frame gap (ms)"] < MAX_GAP_MS


if __name__ == "__main__":
    print(report(asyncio.run(measure_both())))
