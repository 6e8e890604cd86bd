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
TYPING_GAP = 0.06  # seconds between letters typed into a search box (~16 letters a second)


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

    def _settled(self, data: bool = True) -> bool:
        app = self.app
        screen = app.screen
        self._hook(screen)
        if self.paints == 0 or screen._dirty_widgets or screen._repaint_required or screen._layout_required:
            return False
        if data and (getattr(screen, "busy", False) or any(w.is_running for w in app.workers)):
            return False  # the key's reads (thread workers) have not landed yet
        queue = getattr(app, "_write_queue", None)
        if data and queue is not None and not queue.wait_idle(0):
            return False  # nor a queued write's (its message is posted before it reports idle)
        nodes = [app, screen, *screen.walk_children()]
        return all(node._message_queue.empty() for node in nodes)

    async def press(self, key: str, *, data: bool = True) -> tuple[float, float, float]:
        """(work, wall, cpu) seconds for one key, up to the end of the last repaint it caused.

        ``data``: up to the repaint that shows what the key's reads brought
        (the screens read in thread workers); False: up to the first repaint
        once the key's own handlers ran (a letter typed in a search box shows
        at once; the search follows).

        The loop is polled every 2 ms (sleeping, so the app runs uncontested);
        the end time is taken inside the repaint hook, not when the poll notices.
        """
        from textual import events

        app = self.app
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        return await self.act(lambda: app._driver.send_message(event), data=data)

    async def act(self, start: Callable[[], object], *, data: bool = True) -> tuple[float, float, float]:
        """As :meth:`press`, for any call that starts the work (``app.show_summary(id)``)."""
        app = self.app
        self._hook(app.screen)
        self.frame_wait, self.paints, self._resumed_at = 0.0, 0, None
        t0, c0 = time.perf_counter(), time.process_time()
        start()
        deadline = t0 + 5
        while not self._settled(data) and time.perf_counter() < deadline:
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
        for word in ("fix check", "legal review", "deck"):
            for ch in word:
                # A fast typist: a letter every TYPING_GAP seconds (not as fast as the app settles).
                await asyncio.sleep(TYPING_GAP)
                # The letter shows at once; the search runs in a worker once the typing pauses.
                add("search: type a letter (all 100k)", await timer.press(ch if ch != " " else "space", data=False))
            started = time.perf_counter()
            while getattr(app.screen, "busy", False) or any(w.is_running for w in app.workers):
                await asyncio.sleep(0.002)
            add("search: results after the last letter (debounce incl.)", (time.perf_counter() - started,) * 3)
            await pilot.press("ctrl+u")
            await _wait_idle(app)
        screen = app.screen
        for text in ("f", "fix", "fix ch", "checkout", "legal"):
            screen._pending_search = text
            add("search: apply (count + page read, all 100k)", await _timed_call(app, screen._apply_search))
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


# -- as seen in a terminal ------------------------------------------------------------------------
SYNC_QUERY = b"\x1b[?2026$p"  # Textual asks whether the terminal has synchronized output
SYNC_REPLY = b"\x1b[?2026;2$y"  # "supported": Textual then brackets every frame
SYNC_END = b"\x1b[?2026l"  # the end of one frame
PAGEDOWN = b"\x1b[6~"
TERMINAL_SIZE = (100, 30)


class Terminal:
    """An app in a pseudo-terminal that answers Textual's synchronized-output
    query, so each frame it writes ends with ``SYNC_END``: the moment a real
    terminal (tmux, kitty, iTerm2…) shows the whole frame."""

    def __init__(
        self, argv: list[str], env: dict[str, str], size: tuple[int, int] = TERMINAL_SIZE, cwd: Path | None = None
    ) -> None:
        import fcntl
        import os
        import struct
        import subprocess
        import termios

        self.os = os
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.text = bytearray()  # everything written, for wait_for
        self._tail = b""

    def _read(self, timeout: float) -> bytes:
        import select

        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = self.os.read(self.master, 65536)
        except OSError:
            return b""
        if SYNC_QUERY in self._tail + chunk:
            self.os.write(self.master, SYNC_REPLY)
        self._tail = chunk[-16:]
        self.text += chunk
        return chunk

    def wait_for(self, marker: str, timeout: float = 60.0) -> None:
        from bench_startup import _ESCAPES

        deadline = time.perf_counter() + timeout
        while marker.encode() not in _ESCAPES.sub(b"", bytes(self.text[-300_000:])):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"never showed {marker!r}")
            self._read(0.05)

    def quiet(self, gap: float = 0.3) -> None:
        """Read until nothing has been written for ``gap`` seconds."""
        while self._read(gap):
            pass

    def key(self, data: bytes, gap: float = 0.15) -> tuple[float, int, int]:
        """Send ``data``; (seconds until the end of the last frame it caused,
        bytes written, frames written). A frame is over at SYNC_END; the key's
        effect is over once nothing more is written for ``gap`` seconds."""
        self.quiet(0.05)
        start = time.perf_counter()
        self.os.write(self.master, data)
        last_end, written, frames, tail = None, 0, 0, b""
        while True:
            chunk = self._read(gap)
            if not chunk:
                break
            now = time.perf_counter()
            written += len(chunk)
            ends = (tail + chunk).count(SYNC_END)
            if ends:
                frames += ends
                last_end = now
            tail = chunk[-len(SYNC_END) + 1 :]
        return ((last_end or start) - start), written, frames

    def close(self) -> None:
        import signal

        if self.proc.poll() is None:
            self.os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.os.close(self.master)


def measure_terminal(
    db: Path, presses: int = 40, compare: Path | None = None
) -> dict[str, list[tuple[float, int, int]]]:
    """PageDown in the action-items list (all 100k items) as a terminal shows
    it, against the minimal pager (tests/bench/minimal_pager.py) repainting 20
    rows of 90 columns, alternating the two apps key by key so load on the
    machine hits both alike. Per key: (seconds, bytes, frames)."""
    import shutil
    import tempfile

    here = Path(__file__).resolve().parent
    if str(here) not in sys.path:
        sys.path.insert(0, str(here))
    from bench_startup import bench_env

    work = Path(tempfile.mkdtemp(prefix="cadence-term-"))
    try:
        copy = work / "large.db"
        shutil.copyfile(db, copy)
        env = bench_env(work)
        # Run from a neutral folder with PYTHONPATH naming each tree: `python -m`
        # puts the current folder first on sys.path (bench_startup.run_benchmark).
        this_tree = {**env, "PYTHONPATH": str(here.parent.parent)}
        apps = {
            "terminal: cadence PageDown": Terminal(
                [sys.executable, "-m", "cadence_tui", "--db", str(copy)], this_tree, cwd=work
            ),
            "terminal: minimal pager PageDown": Terminal([sys.executable, str(here / "minimal_pager.py")], env),
        }
        if compare is not None:  # another checkout (e.g. main before a change), on its own copy
            other = work / "compare.db"
            shutil.copyfile(db, other)
            apps[f"terminal: {compare.name} PageDown"] = Terminal(
                [sys.executable, "-m", "cadence_tui", "--db", str(other)],
                {**env, "PYTHONPATH": str(compare)},
                cwd=work,
            )
        try:
            for name, term in apps.items():
                if "minimal" in name:
                    term.wait_for("Minimal pager")
                    continue
                term.wait_for("All-Hands Strategy")
                term.key(b"a", gap=0.5)
                for _ in range(3):  # status: open -> done -> dropped -> all (100,000 items)
                    term.key(b"v", gap=0.5)
                term.quiet(0.5)
            results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in apps}
            for _ in range(3):  # warm-up
                for term in apps.values():
                    term.key(PAGEDOWN)
            for _ in range(presses):
                for name, term in apps.items():
                    results[name].append(term.key(PAGEDOWN))
            return results
        finally:
            for term in apps.values():
                term.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def terminal_report(results: dict[str, list[tuple[float, int, int]]]) -> str:
    lines = [
        "As seen in a terminal (100x30 pty answering Textual's synchronized-output query; key sent -> end of the",
        "last frame it caused, frames and bytes written; keys alternate between the two apps):",
        f"{'interaction':<46} {'n':>4} {'med ms':>8} {'p95 ms':>8} {'bytes med':>10} {'frames med':>11}",
    ]
    for name, values in results.items():
        secs = [v[0] for v in values]
        lines.append(
            f"{name:<46} {len(values):>4} {median_ms(secs):>8.1f} {p95_ms(secs):>8.1f}"
            f" {statistics.median(v[1] for v in values):>10.0f} {statistics.median(v[2] for v in values):>11.0f}"
        )
    a = [v[0] for v in results["terminal: cadence PageDown"]]
    b = [v[0] for v in results["terminal: minimal pager PageDown"]]
    lines.append(
        f"target: cadence within one frame (16 ms) of the minimal pager: median {median_ms(a) - median_ms(b):+.1f} ms"
    )
    return "\n".join(lines)


async def _wait_idle(app: Any) -> None:
    while getattr(app.screen, "busy", False) or any(w.is_running for w in app.workers):
        await asyncio.sleep(0.002)
    await asyncio.sleep(0.01)


async def _timed_call(app: Any, call: Callable[[], Any]) -> tuple[float, float, float]:
    """``call()`` on the UI thread, then until its reads landed and were handled."""
    t0, c0 = time.perf_counter(), time.process_time()
    call()
    await asyncio.sleep(0)
    while getattr(app.screen, "busy", False) or any(w.is_running for w in app.workers):
        await asyncio.sleep(0.001)
    return (time.perf_counter() - t0, time.perf_counter() - t0, time.process_time() - c0)


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


def run(terminal: bool = True) -> str:
    db = ensure_large_db()
    queries = measure_queries(db)
    app_results = asyncio.run(measure_app(db))
    text = report(app_results, queries)
    if terminal:
        text += "\n\n" + terminal_report(measure_terminal(db))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_actions.txt").write_text(text + "\n", encoding="utf-8")
    return text


@pytest.mark.bench
def test_actions_benchmark() -> None:
    text = run()
    print("\n" + text)


if __name__ == "__main__":
    if "--terminal-only" in sys.argv:
        # --compare PATH: another checkout's PageDown in the same alternation
        other = Path(sys.argv[sys.argv.index("--compare") + 1]) if "--compare" in sys.argv else None
        print(terminal_report(measure_terminal(ensure_large_db(), compare=other)))
    else:
        print(run(terminal="--no-terminal" not in sys.argv))
