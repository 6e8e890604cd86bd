"""Start-up benchmark: process start to the first rendered home screen.

Run all benchmarks with::

    /tmp/venv/bin/pytest -m bench tests/bench -s

or this one alone, with options, as a script::

    /tmp/venv/bin/python tests/bench/bench_startup.py --runs 9

How it is measured (the same way for every app, in the same run): each app is
started as a fresh ``python`` process whose stdin/stdout/stderr are a
pseudo-terminal (100x30, ``TERM=xterm-256color``), exactly as a user's
terminal would run it. The clock starts just before the process is spawned and
stops when the pty output, with escape sequences stripped, first contains a
string that only the rendered first screen shows: the minimal app's greeting,
or the name of the first cadence ("Sprint Review") in Cadence's home table.
No hook inside the app is needed. The process is then left to settle for a
moment (so work deferred until after the first frame is included) and killed;
its peak resident set size comes from ``wait4``'s ``ru_maxrss``. Runs are
interleaved (minimal, empty, large, minimal, ...) so background load hits all
apps alike; one unmeasured warm-up run each fills the OS file cache.

The large database (10,000 meetings, 100,000 action items) is built once with
``cadence demo --size large`` into ``$CADENCE_BENCH_CACHE`` (default
``~/.cache/cadence-bench``) and reused.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import platform
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # the checkout whose package the Cadence cases run
MINIMAL_APP = HERE / "minimal_app.py"
RESULTS = HERE / "results"
MINIMAL_MARKER = "Hello from the minimal app"
# Only the home table shows this (the details panel shows the first cadence).
CADENCE_MARKER = "All-Hands Strategy"
# Resolved at import time, before the test fixtures point HOME at a temp dir.
CACHE_DIR = Path(os.environ.get("CADENCE_BENCH_CACHE") or Path.home() / ".cache" / "cadence-bench")
SIZE = (100, 30)
SETTLE_S = 1.0
TIME_TARGET = 1.2
MEMORY_TARGET = 1.3

_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[@-Z\\-_=>78]"
)


@dataclass
class Case:
    label: str
    argv: list[str]
    marker: str
    seconds: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    package: str = ""  # where the run imports cadence_tui from (checked before measuring)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_cpu_s(self) -> float:
        return statistics.median(self.cpu_s)

    @property
    def median_rss_mib(self) -> float:
        return statistics.median(self.rss_kib) / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time of a live process (all its threads, in nanoseconds from each
    thread's /proc schedstat; /proc/PID/stat's 10 ms ticks as a fallback)."""
    try:
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as fh:
                total += int(fh.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        pass
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(
    argv: list[str], marker: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 60.0
) -> tuple[float, float, int]:
    """Start ``argv`` in a pty (in ``cwd``); return (seconds to ``marker`` on
    screen, CPU seconds used by then, peak RSS KiB)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    needle = marker.encode()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True, close_fds=True
    )
    os.close(slave)
    raw = bytearray()
    seen_at: float | None = None
    cpu = 0.0
    deadline = start + timeout
    try:
        while True:
            now = time.perf_counter()
            if seen_at is not None and now - seen_at >= SETTLE_S:
                break
            if now > deadline:
                tail = _ESCAPES.sub(b"", bytes(raw))[-400:].decode(errors="replace")
                raise TimeoutError(f"{argv} never showed {marker!r}; last output: {tail!r}")
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None and seen_at is None:
                    tail = _ESCAPES.sub(b"", bytes(raw))[-400:].decode(errors="replace")
                    raise RuntimeError(f"{argv} exited ({proc.returncode}) before its first frame: {tail!r}")
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the pty
                chunk = b""
            if not chunk:
                if seen_at is None:
                    tail = _ESCAPES.sub(b"", bytes(raw))[-400:].decode(errors="replace")
                    raise RuntimeError(f"{argv} closed the terminal before its first frame: {tail!r}")
                break
            if seen_at is None:
                raw += chunk
                if needle in _ESCAPES.sub(b"", bytes(raw[-200_000:])):
                    seen_at = time.perf_counter()
                    cpu = cpu_seconds(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        proc.returncode = -9
        os.close(master)
    return seen_at - start, cpu, usage.ru_maxrss


def ensure_large_db(cache_dir: Path = CACHE_DIR) -> Path:
    """The large demo database, built once (about 15 s) and kept in the cache."""
    path = cache_dir / "large.db"
    if path.exists():
        # Built by an older Cadence: migrate the cached file once, so no
        # measured run (nor the warm-up) pays for a schema upgrade.
        import sqlite3

        from cadence_tui.store import SCHEMA_VERSION, open_store

        conn = sqlite3.connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.close()
        if version < SCHEMA_VERSION:
            print(f"migrating the cached large database to schema v{SCHEMA_VERSION}...", file=sys.stderr, flush=True)
            open_store(path).close()
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / "large.building.db"
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    print(f"building the large demo database in {path} (once, ~15 s)...", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, "-m", "cadence_tui", "demo", "--size", "large", "--db", str(partial)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    # Checkpoint so the copy is one self-contained file, then move into place.
    import sqlite3

    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(path)
    Path(f"{partial}-wal").unlink(missing_ok=True)
    Path(f"{partial}-shm").unlink(missing_ok=True)
    return path


def bench_env(home: Path) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE is dropped: a user's second start runs from .pyc
    # files, and so must every measured run (see compile_package).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CADENCE_", "PYTEST", "TEXTUAL")) and k not in ("NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        CADENCE_NOW="2026-11-25T16:00:00+00:00",
        TZ="UTC",
    )
    return env


def imported_package(py: str, env: dict[str, str], cwd: Path) -> str:
    """The ``cadence_tui`` a case's process imports, as it will be run."""
    done = subprocess.run(
        [py, "-c", "import cadence_tui; print(cadence_tui.__file__)"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(Path(done.stdout.strip()).parent)


def compile_package() -> None:
    """Byte-compile Cadence's modules, as a wheel install does (an editable
    install writes them on first start instead). Textual's are compiled by pip,
    so without this only Cadence would pay for compiling its source on every
    measured start (a sandbox may set PYTHONDONTWRITEBYTECODE)."""
    import compileall

    compileall.compile_dir(ROOT / "cadence_tui", quiet=1)


def run_benchmark(runs: int = 11, cache_dir: Path = CACHE_DIR, compare: Path | None = None) -> list[Case]:
    """``compare``: another checkout of Cadence (say, main before a change),
    measured in the same interleaved rounds (``PYTHONPATH`` points at it)."""
    compile_package()
    if compare is not None:
        import compileall

        compileall.compile_dir(compare / "cadence_tui", quiet=1)
    large = ensure_large_db(cache_dir)
    work = Path(tempfile.mkdtemp(prefix="cadence-bench-"))
    try:
        env = bench_env(work)
        empty = work / "empty.db"
        # A working copy, so the cached file is never modified by a run.
        large_copy = work / "large.db"
        shutil.copyfile(large, large_copy)
        py = sys.executable
        cases = [
            Case("minimal Textual app", [py, str(MINIMAL_APP)], MINIMAL_MARKER),
            Case("cadence, empty database", [py, "-m", "cadence_tui", "--db", str(empty)], CADENCE_MARKER),
            Case(
                "cadence, large database (10k meetings, 100k items)",
                [py, "-m", "cadence_tui", "--db", str(large_copy)],
                CADENCE_MARKER,
            ),
        ]
        # Each Cadence case imports the package from the tree it names
        # (PYTHONPATH), run from a neutral folder: ``python -m`` puts the
        # current directory first on sys.path, so run from a checkout every
        # case would import that checkout's package whatever PYTHONPATH says.
        envs = {id(case): env for case in cases}
        for case in cases[1:]:
            envs[id(case)] = {**env, "PYTHONPATH": str(ROOT)}
        if compare is not None:
            other_env = {**env, "PYTHONPATH": str(compare)}
            other_empty = work / "empty-compare.db"
            for label, db in (("empty database", other_empty), ("large database", large_copy)):
                case = Case(f"{compare.name}: {label}", [py, "-m", "cadence_tui", "--db", str(db)], CADENCE_MARKER)
                cases.append(case)
                envs[id(case)] = other_env
        for case in cases[1:]:
            case.package = imported_package(py, envs[id(case)], work)
        for case in cases:  # warm-up: OS cache, .pyc files, the empty DB's first creation
            run_once(case.argv, case.marker, envs[id(case)], work)
        for _ in range(runs):
            for case in cases:
                seconds, cpu, rss = run_once(case.argv, case.marker, envs[id(case)], work)
                case.seconds.append(seconds)
                case.cpu_s.append(cpu)
                case.rss_kib.append(rss)
        return cases
    finally:
        shutil.rmtree(work, ignore_errors=True)


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def _ratios(case: Case, base: Case) -> list[float]:
    """Each round's wall time over the minimal app's in the same round."""
    return [a / b for a, b in zip(case.seconds, base.seconds, strict=True)]


def format_table(cases: list[Case], runs: int) -> str:
    base = cases[0]
    lines = [
        f"Start-up to first rendered home screen — {time.strftime('%Y-%m-%d %H:%M')}, {machine()}",
        f"Measured: fresh process in a {SIZE[0]}x{SIZE[1]} pty; wall clock from spawn until the screen text shows",
        "(escape sequences stripped); CPU = the process's CPU time at that moment (all threads, /proc schedstat;",
        f"less sensitive to other load on the machine); peak RSS from wait4 after {SETTLE_S} s of settling.",
        f"{runs} interleaved runs per app, medians; load average at the end: {os.getloadavg()[0]:.2f}.",
        "",
        f"{'app':<52} {'wall s':>7} {'min':>6} {'max':>6} {'x min.':>7} {'CPU s':>6} {'x min.':>7}"
        f" {'RSS MiB':>8} {'x min.':>7}",
    ]
    for case in cases:
        lines.append(
            f"{case.label:<52} {case.median_s:>7.3f} {min(case.seconds):>6.3f} {max(case.seconds):>6.3f}"
            f" {case.median_s / base.median_s:>7.2f} {case.median_cpu_s:>6.3f}"
            f" {case.median_cpu_s / base.median_cpu_s:>7.2f}"
            f" {case.median_rss_mib:>8.1f} {case.median_rss_mib / base.median_rss_mib:>7.2f}"
            f"  (wall ratio per round: {min(_ratios(case, base)):.2f}–{max(_ratios(case, base)):.2f})"
        )
    verdicts = []
    for case in cases[1:]:
        t_ok = case.median_s / base.median_s <= TIME_TARGET
        m_ok = case.median_rss_mib / base.median_rss_mib <= MEMORY_TARGET
        verdicts.append(
            f"  {case.label}: time {'met' if t_ok else 'MISSED'} (≤{TIME_TARGET}x wall), "
            f"memory {'met' if m_ok else 'MISSED'} (≤{MEMORY_TARGET}x)"
        )
    lines += ["", "Targets:", *verdicts, "", "Packages measured:"]
    lines += [f"  {case.label}: {case.package}" for case in cases[1:]]
    return "\n".join(lines)


def save(table: str) -> None:
    """Keep the latest table beside the other benchmarks' results."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_startup.txt").write_text(table + "\n")


@pytest.mark.bench
def test_startup_benchmark() -> None:
    runs = int(os.environ.get("CADENCE_BENCH_RUNS", "11"))
    cases = run_benchmark(runs)
    table = format_table(cases, runs)
    print("\n" + table)
    save(table)
    base = cases[0]
    for case in cases:
        assert len(case.seconds) == runs
    if os.environ.get("CADENCE_BENCH_STRICT"):
        for case in cases[1:]:
            assert case.median_s / base.median_s <= TIME_TARGET, case.label
            assert case.median_rss_mib / base.median_rss_mib <= MEMORY_TARGET, case.label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=11, help="measured runs per app (default 11: single starts spread ±25 %% here)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="another checkout of Cadence (e.g. `git worktree` of main) measured in the same interleaved rounds",
    )
    args = parser.parse_args()
    cases = run_benchmark(args.runs, compare=args.compare)
    table = format_table(cases, args.runs)
    print(table)
    save(table)


if __name__ == "__main__":
    main()
