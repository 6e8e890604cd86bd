"""Issue 16's table in one command: the facilitator's keys and screens on the
100,000-item demo database.

Run: ``python tests/bench/bench_table.py`` (options: ``--before REV`` to
measure an earlier commit in the same run, ``--rounds N``, ``--startup-runs N``
or ``--no-startup``).

How it is measured. The large demo database (10,000 meetings, 100,000 action
items) is built once into ``/tmp/cadence-bench-large.db`` (about 15 s) and
each measuring process works on a fresh copy of it. The app runs headless
under ``run_test`` (100x30). Keys are sent as Pilot sends them, but timed by
``bench_actions.KeyTimer``: from the key event sent to every message queue
empty, no widget dirty and the screen repainted (the end is taken inside the
repaint), polling every 2 ms without idle waits. Three figures per sample:

* work: that span minus the time spent waiting for the 60 fps frame timer;
* wall: the same including the frame wait (what a 60 Hz terminal shows);
* CPU: process CPU time (``time.process_time``) over the span, which other
  busy processes on the shared machine do not inflate.

Thread workers count: the span ends only once the screen shows their result
(their message handled and repainted), and their CPU is in the process's.
Screen openings are timed the same way around the call that opens them
(``app.show_summary``). The carry-over query is timed on the store directly.

``--before REV`` extracts ``REV``'s package and styles with ``git archive`` into a temporary folder
and measures it with this same script: rounds alternate before / after, one
fresh process each, so background load hits both alike. The start-up row
runs ``bench_startup.py`` (minimal app and Cadence interleaved, per round).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LARGE = Path(os.environ.get("CADENCE_BENCH_LARGE", "/tmp/cadence-bench-large.db"))
SIZE = (100, 30)

# (row label, goal text, goal ms, which figure is held to the goal)
ROWS: list[tuple[str, str, float, str]] = [
    ("open a meeting (s)", "<=100 ms", 100, "median"),
    ("Carried tab, first show (c)", "<=100 ms", 100, "median"),
    ("capture form open (a)", "<=50 ms", 50, "median"),
    ("capture form close (esc)", "<=50 ms", 50, "median"),
    ("agenda key (n/p)", "<=16 ms p95", 16, "p95"),
    ("triage key in Carried (k/x)", "<=16 ms p95", 16, "p95"),
    ("summary screen open (200 items)", "<=100 ms", 100, "median"),
    ("actions: type a letter in search", "<=16 ms p95", 16, "p95"),
    ("actions: filter/sort change", "<=16 ms p95", 16, "p95"),
    ("carry-over query", "<=1 ms", 1, "median"),
]


def ensure_large() -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.bench.bench_actions import ensure_large_db

    return ensure_large_db(LARGE)


# -- one measuring process ---------------------------------------------------------------
async def _measure_meeting(db: Path, out: dict[str, list[list[float]]]) -> None:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app
    from tests.bench.bench_actions import NOW, KeyTimer

    store = open_store(db, now=lambda: NOW)
    app = make_app(store)

    def add(name: str, sample: tuple[float, float, float]) -> None:
        out.setdefault(name, []).append(list(sample))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.8)  # past start-up's deferred work
        timer = KeyTimer(app)
        home = app.screen
        for n in range(6):
            sample = await timer.press("s")
            if n:  # the first opening imports the meeting screen's modules
                add("open a meeting (s)", sample)
            await _settle(app, pilot)
            add("Carried tab, first show (c)", await timer.press("c"))
            await _settle(app, pilot)
            if n < 5:
                await pilot.press("escape")
                await _settle(app, pilot)
                assert app.screen is home
        meeting_id = app.screen.meeting_id
        for _ in range(20):  # k then x: still open, done; the cursor moves on after each
            add("triage key in Carried (k/x)", await timer.press("k"))
            add("triage key in Carried (k/x)", await timer.press("x"))
        await pilot.press("escape")
        await _settle(app, pilot)
        await pilot.press("s")
        await _settle(app, pilot)
        for _ in range(15):
            add("agenda key (n/p)", await timer.press("n"))
            add("agenda key (n/p)", await timer.press("p"))
        for n in range(9):
            opened = await timer.press("a")
            await _settle(app, pilot)
            closed = await timer.press("escape")
            await _settle(app, pilot)
            if n:
                add("capture form open (a)", opened)
                add("capture form close (esc)", closed)
        await _drain(app)
        times = []
        for _ in range(31):
            t0, c0 = time.perf_counter(), time.process_time()
            store.meetings.carry_over(meeting_id)
            times.append((time.perf_counter() - t0, time.perf_counter() - t0, time.process_time() - c0))
        for sample in times[1:]:
            add("carry-over query", sample)
    store.close()


async def _measure_summary(db: Path, meeting_id: int, out: dict[str, list[list[float]]]) -> None:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.summary import SummaryScreen
    from tests.bench.bench_actions import KeyTimer

    store = open_store(db)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.8)
        timer = KeyTimer(app)
        for n in range(8):
            sample = await timer.act(lambda: app.show_summary(meeting_id))
            assert isinstance(app.screen, SummaryScreen)
            if n:
                out.setdefault("summary screen open (200 items)", []).append(list(sample))
            app.pop_screen()
            await _settle(app, pilot)
    store.close()


async def _measure_actions(db: Path, out: dict[str, list[list[float]]]) -> None:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.actions import ActionItemsScreen
    from tests.bench.bench_actions import NOW, KeyTimer

    store = open_store(db, now=lambda: NOW)
    app = make_app(store)

    def add(name: str, sample: tuple[float, float, float]) -> None:
        out.setdefault(name, []).append(list(sample))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.8)
        timer = KeyTimer(app)
        await timer.press("a")
        await _settle(app, pilot)
        assert isinstance(app.screen, ActionItemsScreen), app.screen
        for key in ("v", "v", "v", "v", "w", "w", "w", "c", "c", "c", "c", "c", "s", "s", "s") * 2:
            add("actions: filter/sort change", await timer.press(key))
        await pilot.press("v", "v", "v")  # all statuses: 100,000 rows
        await _settle(app, pilot)
        await pilot.press("slash")
        await _settle(app, pilot)
        for _ in range(2):
            for ch in "fix check":
                add("actions: type a letter in search", await timer.press(ch if ch != " " else "space"))
            for _ in range(9):
                await timer.press("backspace")
            await _settle(app, pilot)
    store.close()


async def _settle(app: Any, pilot: Any) -> None:
    await pilot.pause()
    await _drain(app)


async def _drain(app: Any) -> None:
    """Let thread workers and queued writes finish (between measured keys)."""
    await app.workers.wait_for_complete()
    queue = getattr(app, "_write_queue", None)
    if queue is not None:
        await asyncio.to_thread(queue.wait_idle, 10)


def measure_once() -> dict[str, Any]:
    import cadence_tui
    from tests.bench.bench_summary import build_big_meeting

    out: dict[str, list[list[float]]] = {}
    work = Path(tempfile.mkdtemp(prefix="cadence-table-"))
    try:
        db = work / "large.db"
        shutil.copyfile(ensure_large(), db)
        asyncio.run(_measure_meeting(db, out))
        asyncio.run(_measure_actions(db, out))
        store, meeting_id = build_big_meeting(work / "summary.db")
        store.close()
        asyncio.run(_measure_summary(work / "summary.db", meeting_id, out))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"package": str(Path(cadence_tui.__file__).parent), "samples": out}


# -- the table -----------------------------------------------------------------------------
def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if q == 0.5:
        return statistics.median(ordered) * 1000
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def _cells(samples: list[list[float]]) -> tuple[float, float, float, float, float]:
    work = [s[0] for s in samples]
    wall = [s[1] for s in samples]
    cpu = [s[2] for s in samples]
    return _ms(work, 0.5), _ms(work, 0.95), _ms(wall, 0.5), _ms(cpu, 0.5), _ms(cpu, 0.95)


def format_table(runs: dict[str, dict[str, list[list[float]]]]) -> str:
    lines = [
        f"Issue 16 table — {time.strftime('%Y-%m-%d %H:%M')}, 100,000-item demo database, headless {SIZE[0]}x{SIZE[1]};"
        f" load average {os.getloadavg()[0]:.2f}",
        "work = key sent -> handlers, workers and repaint done, minus the 60 fps frame wait; wall includes it;",
        "CPU = process CPU time over the same span (steadier on a shared machine). ms; n = samples.",
        "",
        f"{'interaction':<34} {'tree':<7} {'n':>3} {'work med':>8} {'work p95':>8} {'wall med':>8}"
        f" {'CPU med':>8} {'CPU p95':>8}  goal (on CPU)",
    ]
    for label, goal, goal_ms, which in ROWS:
        for tree, samples in runs.items():
            values = samples.get(label)
            if not values:
                lines.append(f"{label:<34} {tree:<7} {'—':>3}")
                continue
            wm, wp, wallm, cm, cp = _cells(values)
            figure = cm if which == "median" else cp
            verdict = "met" if figure <= goal_ms else "MISSED"
            lines.append(
                f"{label:<34} {tree:<7} {len(values):>3} {wm:>8.2f} {wp:>8.2f} {wallm:>8.2f} {cm:>8.2f} {cp:>8.2f}"
                f"  {goal} {verdict}"
            )
    return "\n".join(lines)


def _run_tree(tree: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    if tree is not None:
        cmd += ["--tree", str(tree)]
    env.setdefault("CADENCE_NOW", "2026-11-25T16:00:00+00:00")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"measuring {tree or 'this tree'} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="a git revision to measure in the same run (before / after)")
    parser.add_argument("--rounds", type=int, default=2, help="measuring processes per tree (alternated)")
    parser.add_argument("--startup-runs", type=int, default=15, help="interleaved start-up rounds")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up row")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        # The tree measured comes first on the path; the bench helpers come from this one.
        sys.path.insert(0, str(ROOT))
        if args.tree:
            sys.path.insert(0, args.tree)
        os.environ.setdefault("CADENCE_NOW", "2026-11-25T16:00:00+00:00")
        print(json.dumps(measure_once()))
        return
    ensure_large()
    trees: dict[str, Path | None] = {}
    scratch = Path(tempfile.mkdtemp(prefix="cadence-before-"))
    try:
        if args.before:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.before, "cadence_tui", "styles"],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
            trees["before"] = scratch
        trees["after" if args.before else "now"] = None
        runs: dict[str, dict[str, list[list[float]]]] = {name: {} for name in trees}
        packages: dict[str, str] = {}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                result = _run_tree(tree)
                packages[name] = result["package"]
                for label, samples in result["samples"].items():
                    runs[name].setdefault(label, []).extend(samples)
        print(format_table(runs))
        for name, package in packages.items():
            print(f"  {name}: {package}" + (f" ({args.before})" if name == "before" else ""))
        if not args.no_startup:
            sys.path.insert(0, str(ROOT))
            from tests.bench import bench_startup

            cases = bench_startup.run_benchmark(args.startup_runs, cache_dir=Path("/tmp/cadence-bench"))
            base = cases[0]
            print()
            print(f"start-up to the first painted home, {args.startup_runs} interleaved rounds (this tree):")
            for case in cases[1:]:
                ratios = [s / b for s, b in zip(case.seconds, base.seconds, strict=True)]
                print(
                    f"  {case.label:<52} median {case.median_s / base.median_s:.2f}x minimal app"
                    f" (per round {min(ratios):.2f}-{max(ratios):.2f}x); goal <=1.2x"
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
