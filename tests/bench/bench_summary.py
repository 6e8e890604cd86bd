"""Summary benchmark: build a meeting's record and render each format.

Run with the other benchmarks::

    /tmp/venv/bin/pytest -m bench tests/bench/bench_summary.py -s

or as a script: ``/tmp/venv/bin/python tests/bench/bench_summary.py``.

How it is measured: in-process wall time (``time.perf_counter``) of
``store.records.meeting_record(id)`` (every SQL read and the domain objects) and of
``render(record, fmt)`` for each format, and of both together (what the
summary screen and ``cadence summary`` do), on a file database in WAL mode,
after one warm-up call. Medians and p95 over the runs. The meeting holds 200
new action items, 40 carried-over ones, decisions, notes, blockers and a
Sprint Review demo panel. Target: record + render under 10 ms per format.
The summary screen itself is opened on that meeting under Pilot (press to idle,
after one unmeasured opening).
If the large demo database of the start-up benchmark exists
(``$CADENCE_BENCH_CACHE/large.db``: 10,000 meetings, 100,000 action items),
the latest meeting of each cadence there is measured too.
"""

from __future__ import annotations

import os
import pwd
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cadence_tui.core.summary import FORMATS, render
from cadence_tui.store import open_store

RUNS = 50
TARGET_MS = 10.0


def _timed(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float, float]:
    """Median and p95 wall time, and median process CPU time, in ms."""
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    return statistics.median(wall), wall[int(len(wall) * 0.95) - 1], statistics.median(cpu)


def build_big_meeting(path: Path) -> tuple[object, int]:
    now = [datetime(2026, 11, 25, 14, 0, tzinfo=UTC)]
    store = open_store(path, now=lambda: now[0])
    earlier = store.meetings.start_meeting("sprint-review").id
    for i in range(40):
        store.actions.add_action(
            f"Carried item {i} from the last sprint",
            owner="Lena",
            due=date(2026, 11, 20) + timedelta(days=i % 9),
            meeting_id=earlier,
        )
    store.meetings.end_meeting(earlier)
    now[0] += timedelta(days=7)
    meeting = store.meetings.start_meeting("sprint-review").id
    owners = ["Priya", "Marco", "Lena", "Sam"]
    with store.write() as conn:
        cadence_id = conn.execute("SELECT cadence_id FROM meetings WHERE id = ?", (meeting,)).fetchone()[0]
        conn.executemany(
            "INSERT INTO action_items(cadence_id, meeting_id, title, owner, due, created_at) VALUES (?,?,?,?,?,?)",
            [
                (
                    cadence_id,
                    meeting,
                    f"Action item number {i}: follow up on the *demo* <feedback> & @here",
                    owners[i % 4],
                    (date(2026, 12, 2) + timedelta(days=i % 20)).isoformat(),
                    now[0].isoformat(),
                )
                for i in range(200)
            ],
        )
        conn.executemany(
            "INSERT INTO demo_items(meeting_id, what, presenter, feedback, created_at) VALUES (?,?,?,?,?)",
            [
                (
                    meeting,
                    f"Demo {i}",
                    owners[i % 4],
                    "Priya: Looks great\nSam: Needs a clearer empty state",
                    now[0].isoformat(),
                )
                for i in range(6)
            ],
        )
    for i in range(10):
        store.meetings.add_decision(meeting, f"Decision {i}: keep the scope as planned")
        store.meetings.add_note(meeting, f"Note {i}\nwith a second line")
        store.meetings.add_blocker(f"Blocker {i}", raised_by="Marco", unblocker="Dana", meeting_id=meeting)
    now[0] += timedelta(minutes=35)
    store.meetings.end_meeting(meeting)
    return store, meeting


def measure(store, meeting_id: int, label: str) -> list[tuple[str, str, float, float, float]]:
    rows = [(label, "record", *_timed(lambda: store.records.meeting_record(meeting_id)))]
    record = store.records.meeting_record(meeting_id)
    for fmt in FORMATS:
        rows.append((label, f"render {fmt}", *_timed(lambda fmt=fmt: render(record, fmt))))
    for fmt in FORMATS:
        rows.append(
            (label, f"record + {fmt}", *_timed(lambda fmt=fmt: render(store.records.meeting_record(meeting_id), fmt)))
        )
    return rows


async def _screen_open(path: Path, meeting_id: int, runs: int = 7) -> tuple[float, float, float]:
    """The summary screen opened on ``meeting_id`` (Markdown preview), from the
    key press to the screen painted and idle, under Pilot; ms as in _timed."""
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.summary import SummaryScreen

    store = open_store(path)
    app = make_app(store)
    wall, cpu = [], []
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.8)  # past start-up's deferred work
            for n in range(runs + 1):
                started, started_cpu = time.perf_counter(), time.process_time()
                app.show_summary(meeting_id)
                await pilot.pause()
                assert isinstance(app.screen, SummaryScreen)
                if n:  # the first opening imports the screen's modules
                    wall.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                app.pop_screen()
                await pilot.pause()
    finally:
        store.close()
    return statistics.median(wall), sorted(wall)[int(0.95 * (len(wall) - 1))], statistics.median(cpu)


def run() -> list[tuple[str, str, float, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store, meeting_id = build_big_meeting(Path(tmp) / "bench.db")
        record = store.records.meeting_record(meeting_id)
        assert len(record.new_actions) == 200
        rows += measure(store, meeting_id, "200 new + 40 carried items")
        store.close()
        import asyncio

        rows.append(
            (
                "200 new + 40 carried items",
                "open summary screen",
                *asyncio.run(_screen_open(Path(tmp) / "bench.db", meeting_id)),
            )
        )
        # The real home (tests point $HOME at a temporary folder).
        home = Path(pwd.getpwuid(os.getuid()).pw_dir)
        cache = Path(os.environ.get("CADENCE_BENCH_CACHE", home / ".cache" / "cadence-bench")) / "large.db"
        if cache.exists():
            copy = Path(tmp) / "large.db"
            shutil.copy(cache, copy)
            large = open_store(copy)
            for key in ("sprint-review", "finance-review"):
                rec_id = large.records.last_meeting_id(key)
                label = f"large db, last {key}"
                rows += [r for r in measure(large, rec_id, label) if r[1] in ("record", "record + markdown")]
            large.close()
    return rows


def print_table(rows: list[tuple[str, str, float, float, float]]) -> None:
    print()
    print(
        f"Summary benchmark: in-process perf_counter (wall) and process_time (CPU), {RUNS} runs after a"
        f" warm-up; target record + render < {TARGET_MS:g} ms. Other processes share the 2 cores: CPU time is"
        " the steadier figure."
    )
    print(f"{'meeting':<34} {'step':<20} {'wall median':>11} {'wall p95':>9} {'CPU median':>11}")
    for label, step, median, p95, cpu in rows:
        flag = "" if not step.startswith("record +") or median < TARGET_MS else "  (wall over target)"
        if step == "open summary screen":
            flag = "  (a screen: not held to the 10 ms target)"
        print(f"{label:<34} {step:<20} {median:>11.2f} {p95:>9.2f} {cpu:>11.2f}{flag}")


@pytest.mark.bench
def test_summary_benchmark() -> None:
    rows = run()
    print_table(rows)
    # The benchmark reports; it does not fail on timing (2 shared cores).
    assert rows


if __name__ == "__main__":
    print_table(run())
