"""Statistics benchmark: the statistics screen on the large demo database.

Run with the other benchmarks::

    /tmp/venv/bin/pytest -m bench tests/bench/bench_stats.py -s

or as a script: ``/tmp/venv/bin/python tests/bench/bench_stats.py``.

How it is measured: in-process wall time (``time.perf_counter``).

- ``store``: ``store.stats.cadence_stats(key, 12)`` per cadence (every SQL read and
  the computation), after one warm-up call.
- ``screen``: the real app, headless (``run_test``, 100x30), on a copy of the
  database; the clock starts just before ``push_screen(StatsScreen(key))`` and
  stops when the screen is mounted (its statistics read and its widgets
  updated) and every widget's pending messages are processed (Pilot's
  ``_wait_for_screen``, which waits on the message queues, not on idle time),
  i.e. the first frame is ready to paint. The screen is popped between runs.
- Both wall time and process CPU time (``time.process_time``) are reported:
  the machine is shared, and CPU time shows the app's own work when other
  processes load the cores (the load average is printed with the table).

Target: the screen opens in under 200 ms. The large database (10,000 meetings,
100,000 action items) is built once with ``cadence demo --size large`` into
``$CADENCE_BENCH_CACHE`` (default ``~/.cache/cadence-bench``, shared with the
start-up benchmark) and copied, so the cached file is never written.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

CACHE_DIR = Path(os.environ.get("CADENCE_BENCH_CACHE") or Path.home() / ".cache" / "cadence-bench")
TARGET_MS = 200.0
NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def large_db(cache_dir: Path = CACHE_DIR) -> Path:
    path = cache_dir / "large.db"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / "large.building.db"
    partial.unlink(missing_ok=True)
    print(f"building the large demo database in {path} (once)...", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, "-m", "cadence_tui", "demo", "--size", "large", "--db", str(partial)],
        check=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "CADENCE_NOW": NOW.isoformat()},
    )
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(path)
    return path


def ms(values: list[float]) -> tuple[float, float]:
    values = sorted(v * 1000 for v in values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return statistics.median(values), p95


Row = tuple[str, str, float, float, float, float]  # what, cadence, wall median, wall p95, cpu median, cpu p95


def run(runs: int = 15) -> list[Row]:
    from cadence_tui.store import open_store

    work = Path(tempfile.mkdtemp(prefix="cadence-bench-stats-"))
    try:
        db = work / "large.db"
        shutil.copy(large_db(), db)
        store = open_store(db, now=lambda: NOW)
        meetings = store.scalar("SELECT count(*) FROM meetings")
        actions = store.scalar("SELECT count(*) FROM action_items")
        print(f"\ndatabase: {meetings:,} meetings, {actions:,} action items")
        rows = []
        keys = [c.key for c in store.cadences.list_cadences()]
        for key in keys:
            store.stats.cadence_stats(key)
            times, cpu = [], []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                store.stats.cadence_stats(key)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            rows.append(("store", key, *ms(times), *ms(cpu)))
        rows += asyncio.run(_screen_runs(store, keys, runs))
        store.close()
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def _screen_runs(store, keys: list[str], runs: int) -> list[Row]:
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.stats import StatsScreen
    from tests.settle import settle

    app = make_app(store)
    out = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in keys:
            times, cpu = [], []
            for i in range(runs + 1):
                t0, c0 = time.perf_counter(), time.process_time()
                await app.push_screen(StatsScreen(key))
                await settle(pilot)  # the figures are read in a worker: until they are drawn
                elapsed, cpu_used = time.perf_counter() - t0, time.process_time() - c0
                assert app.screen.stats is not None and app.screen.stats.cadence_key == key
                if i:  # the first run is a warm-up
                    times.append(elapsed)
                    cpu.append(cpu_used)
                await app.pop_screen()
                await pilot.pause()
            out.append(("screen", key, *ms(times), *ms(cpu)))
    return out


def report(rows: list[Row]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nStatistics over the last 12 meetings, ms (load average {load} on {os.cpu_count()} cores)")
    print(f"{'what':<8} {'cadence':<22} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>9} {'cpu p95':>9}")
    for what, key, median, p95, cpu_median, cpu_p95 in rows:
        print(f"{what:<8} {key:<22} {median:>9.1f} {p95:>9.1f} {cpu_median:>9.1f} {cpu_p95:>9.1f}")
    print(f"target: the screen opens in under {TARGET_MS:.0f} ms")


@pytest.mark.bench
def test_stats_screen_opens_fast_on_large_db() -> None:
    rows = run()
    report(rows)
    for what, key, median, _p95, cpu_median, _cpu_p95 in rows:
        if what == "screen":
            # The median, and CPU time too: on a shared machine a wall-time p95
            # measures the neighbours as much as the app.
            assert min(median, cpu_median) < TARGET_MS, f"statistics screen for {key}: {median:.0f} ms"


if __name__ == "__main__":
    report(run())
