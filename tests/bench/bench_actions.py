"""Action-items and history screens on the large database (10,000 meetings, 100,000 action items).

Run with the other benchmarks (``pytest -m bench tests/bench/bench_actions.py -s``)
or alone as a script (``/tmp/venv/bin/python tests/bench/bench_actions.py``).

How it is measured. The app runs headless under ``run_test`` (100x30) on the
large database, built once with ``Store.generate_demo(LARGE)`` into
``tests/bench/results/large-actions.db`` (about 15 s) and reused. Pilot's
``press()`` is not used for timing: it waits for idle in 20 ms steps and costs
~83 ms whatever the app does. Instead each key event is sent to the driver as
Pilot would, and the loop is polled (sleeping 2 ms, no idle waits) until every
message queue is empty, no widget is dirty and the screen has repainted at
least once; the end time is the end of the last repaint, taken in a hook. The screen's repaint is paced by its frame timer (60 fps):
the time the screen spends waiting for its next frame tick after asking for
one is not the app's work, so it is measured (timer ``resume`` → repaint start)
and subtracted. Reported per key:

* work: key sent → handlers done + repaint done, minus the frame-timer wait;
* wall: the same including the frame wait (what a 60 Hz terminal would show);
* CPU: process CPU time over the same span.

Queries are timed directly on the store (median of 30 calls, first call unmeasured).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

RESULTS = Path(__file__).resolve().parent / "results"
LARGE_DB = RESULTS / "large-actions.db"
NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
SIZE = (100, 30)
TARGET_KEY_P95_MS = 16.0
TARGET_OPEN_MS = 150.0
TARGET_QUERY_MS = 5.0


def ensure_large_db(path: Path = LARGE_DB) -> Path:
    """Build the large database once (about 15 s); later runs reuse it."""
    if path.exists():
        return path
    from cadence_tui.store import open_store
    from cadence_tui.store.demo import LARGE

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building.db")
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    print(f"building {path} (once, ~15 s)...", file=sys.stderr, flush=True)
    store = open_store(partial, now=lambda: NOW)
    store.demo.generate_demo(LARGE)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(path)
    return path


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


class KeyTimer:
    """Sends keys like Pilot does and times the app's own work (see the module docstring)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frame_wait = 0.0
        self.paints = 0
        self.painted_at = (0.0, 0.0)  # (perf_counter, process_time) at the end of the last repaint
        self._resumed_at: float | None = None
        self._hooked: set[int] = set()

    def _hook(self, screen: Any) -> None:
        if id(screen) in self._hooked:
            return
        self._hooked.add(id(screen))
        timer = screen._update_timer
        resume = timer.resume
        refresh = screen._compositor_refresh
        update_widgets = screen._compositor.update_widgets

        def timed_resume() -> None:
            if self._resumed_at is None:
                self._resumed_at = time.perf_counter()
            resume()

        def frame_started() -> None:
            if self._resumed_at is not None:
                self.frame_wait += time.perf_counter() - self._resumed_at
                self._resumed_at = None

        def timed_update_widgets(widgets: Any) -> Any:
            frame_started()
            return update_widgets(widgets)

        def timed_refresh() -> None:
            frame_started()
            refresh()
            self.paints += 1
            self.painted_at = (time.perf_counter(), time.process_time())

        timer.resume = timed_resume
        screen._compositor.update_widgets = timed_update_widgets
        screen._compositor_refresh = timed_refresh

    def _settled(self) -> bool:
        app = self.app
        screen = app.screen
        self._hook(screen)
        if self.paints == 0 or screen._dirty_widgets or screen._repaint_required or screen._layout_required:
            return False
        if any(worker.is_running for worker in app.workers):
            return False  # a thread worker's result is part of what the key shows
        queue = getattr(app, "_write_queue", None)
        if queue is not None and not queue.wait_idle(0):
            return False  # so is a queued write's (its message is posted before it reports idle)
        nodes = [app, screen, *screen.walk_children()]
        return all(node._message_queue.empty() for node in nodes)

    async def press(self, key: str) -> tuple[float, float, float]:
        """(work, wall, cpu) seconds for one key, up to the end of the last repaint it caused.

        The loop is polled every 2 ms (sleeping, so the app runs uncontested);
        the end time is taken inside the repaint hook, not when the poll notices.
        """
        from textual import events

        app = self.app
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        return await self.act(lambda: app._driver.send_message(event))

    async def act(self, start: Callable[[], object]) -> tuple[float, float, float]:
        """As :meth:`press`, for any call that starts the work (``app.show_summary(id)``)."""
        app = self.app
        self._hook(app.screen)
        self.frame_wait, self.paints, self._resumed_at = 0.0, 0, None
        t0, c0 = time.perf_counter(), time.process_time()
        start()
        deadline = t0 + 5
        while not self._settled() and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        end, cpu_end = self.painted_at
        wall = end - t0
        return wall - self.frame_wait, wall, cpu_end - c0


async def measure_app(db: Path) -> dict[str, list[tuple[float, float, float]]]:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.actions import ActionItemsScreen

    store = open_store(db, now=lambda: NOW)
    store.load_all_parts()
    app = make_app(store)
    results: dict[str, list[tuple[float, float, float]]] = {}

    def add(name: str, value: tuple[float, float, float]) -> None:
        results.setdefault(name, []).append(value)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.6)
        timer = KeyTimer(app)
        add("open action items (first time, with imports)", await timer.press("a"))
        assert isinstance(app.screen, ActionItemsScreen), app.screen
        for _ in range(7):
            await pilot.press("escape")
            await pilot.pause()
            add("open action items", await timer.press("a"))
        for _ in range(3):
            add("scroll: down", await timer.press("down"))  # warm-up, not kept
        results.pop("scroll: down")
        for _ in range(300):
            add("scroll: down", await timer.press("down"))
        for _ in range(100):
            add("scroll: up", await timer.press("up"))
        for _ in range(40):
            add("scroll: page down", await timer.press("pagedown"))
        for _ in range(3):
            add("scroll: end / home", await timer.press("end"))
            add("scroll: end / home", await timer.press("home"))
        # Filter changes: status open -> done -> dropped -> all (100k rows) -> open, etc.
        for _ in range(2):
            for key in ("v", "v", "v", "v", "w", "w", "w", "c", "c", "c", "c", "c", "s", "s", "s"):
                add("filter/sort change (v/w/c/s)", await timer.press(key))
        await pilot.press("v", "v", "v")  # all statuses: 100,000 rows
        await pilot.pause()
        for _ in range(200):
            add("scroll all 100k: down", await timer.press("down"))
        for _ in range(30):
            add("scroll all 100k: page down", await timer.press("pagedown"))
        await pilot.press("slash")
        await pilot.pause()
        for ch in "fix check":
            # The letter shows at once; a slow search waits for a 120 ms pause in the typing.
            add("search: type a letter (all 100k)", await timer.press(ch if ch != " " else "space"))
        screen = app.screen
        for text in ("f", "fix", "fix ch", "checkout", "legal"):
            started = time.perf_counter()
            screen._pending_search = text
            screen._apply_search()
            add("search: apply (count + page, all 100k)", (time.perf_counter() - started,) * 3)
        await pilot.press("escape", "escape")
        await pilot.pause()
        for _ in range(3):
            add("open history", await timer.press("h"))
            await pilot.press("escape")
            await pilot.pause()
        add("open history", await timer.press("h"))
        for _ in range(100):
            add("history: down", await timer.press("down"))
    store.close()
    return results


def measure_queries(db: Path) -> list[tuple[str, float]]:
    from cadence_tui.store import open_store
    from cadence_tui.store.actions import ActionFilter

    store = open_store(db, now=lambda: NOW)
    out: list[tuple[str, float]] = []

    def q(name: str, fn: Callable[[], Any], runs: int = 30) -> Any:
        result = fn()
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        out.append((name, median_ms(times)))
        return result

    for label, f in [
        ("open", ActionFilter()),
        ("all statuses", ActionFilter(status=None)),
        ("done", ActionFilter(status="done")),
        ("owner Lena", ActionFilter(owner="Lena")),
        ("overdue", ActionFilter(overdue=True)),
        ("due this week", ActionFilter(due_this_week=True)),
        ("cadence finance", ActionFilter(cadence_key="finance-review", status=None)),
        ("search 'fix' open", ActionFilter(search="fix")),
        ("search 'fix' all", ActionFilter(search="fix", status=None)),
    ]:
        for sort in ("due", "owner", "age"):
            first = q(f"page first [{label}, by {sort}]", lambda f=f, sort=sort: store.actions.page_actions(f, sort))
            if first.keys and sort == "due":
                q(
                    f"page next [{label}, by {sort}]",
                    lambda f=f, k=first.keys[-1]: store.actions.page_actions(f, "due", after=k),
                )
                q(f"page last [{label}, by {sort}]", lambda f=f: store.actions.page_actions(f, "due", from_end=True))
        q(f"count [{label}]", lambda f=f: store.actions.count_actions(f))
    q("owner counts (open, overdue)", lambda: store.actions.owner_counts())
    page = q("history: past meetings page", lambda: store.history.past_meetings())
    q("history: next page", lambda: store.history.past_meetings(before=page[-1].key))
    q("history: count meetings", lambda: store.history.count_past_meetings())
    q("history: search 'checkout' page", lambda: store.history.search_history("checkout"))
    q("history: search count (capped 1000)", lambda: store.history.count_search_hits("checkout"))
    q("history: search rare 'legal review'", lambda: store.history.search_history("legal review"))
    store.close()
    return out


def report(app_results: dict[str, list[tuple[float, float, float]]], queries: list[tuple[str, float]]) -> str:
    lines = [
        "Action items / history on 10,000 meetings and 100,000 action items (headless 100x30)",
        "work = key sent -> handlers + repaint done, minus the 60 fps frame-timer wait; wall includes it",
        "",
        f"{'interaction':<46} {'n':>4} {'work med':>9} {'work p95':>9} {'wall med':>9} {'wall p95':>9}"
        f" {'cpu med':>8} {'cpu p95':>8}",
    ]
    for name, values in app_results.items():
        work = [v[0] for v in values]
        wall = [v[1] for v in values]
        cpu = [v[2] for v in values]
        lines.append(
            f"{name:<46} {len(values):>4} {median_ms(work):>8.1f}m {p95_ms(work):>8.1f}m"
            f" {median_ms(wall):>8.1f}m {p95_ms(wall):>8.1f}m {median_ms(cpu):>7.1f}m {p95_ms(cpu):>7.1f}m"
        )
    lines += ["", f"{'query (median of 30)':<60} {'ms':>7}"]
    for name, ms in queries:
        flag = "" if ms < TARGET_QUERY_MS else "  over target"
        lines.append(f"{name:<60} {ms:>7.2f}{flag}")
    scroll = [v for k, vs in app_results.items() if k.startswith("scroll") and "end" not in k for v in vs]
    opened = app_results["open action items"]
    lines += [
        "",
        f"targets: key p95 (scrolling) work {p95_ms([v[0] for v in scroll]):.1f} ms,"
        f" cpu {p95_ms([v[2] for v in scroll]):.1f} ms < {TARGET_KEY_P95_MS} ms;"
        f" open (median) work {median_ms([v[0] for v in opened]):.1f} ms,"
        f" cpu {median_ms([v[2] for v in opened]):.1f} ms < {TARGET_OPEN_MS} ms;"
        f" queries over {TARGET_QUERY_MS} ms: {sum(ms >= TARGET_QUERY_MS for _, ms in queries)} of {len(queries)}",
    ]
    return "\n".join(lines)


def run() -> str:
    db = ensure_large_db()
    queries = measure_queries(db)
    app_results = asyncio.run(measure_app(db))
    text = report(app_results, queries)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_actions.txt").write_text(text + "\n", encoding="utf-8")
    return text


@pytest.mark.bench
def test_actions_benchmark() -> None:
    text = run()
    print("\n" + text)


if __name__ == "__main__":
    print(run())
