"""Shared fixtures: a pinned clock, a fresh database file, the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cadence_tui.store import Store, open_store

# Wednesday 25 November 2026, 16:00 UTC: a fixed "now" for every test.
FROZEN_NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


class Clock:
    """A settable clock: tests move time forward with ``advance``."""

    def __init__(self, start: datetime = FROZEN_NOW) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.current += timedelta(**delta)


@pytest.fixture(autouse=True)
def _isolated_env(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keep the developer's data, config, clipboard and clock out of every test.

    ``CADENCE_NOW`` pins the clock of every CLI call (subprocesses inherit it),
    so no test depends on the day it runs. A test that needs the real clock
    says so with ``@pytest.mark.real_clock``.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("CADENCE_DB", raising=False)
    monkeypatch.delenv("CADENCE_ME", raising=False)
    if request.node.get_closest_marker("real_clock"):
        monkeypatch.delenv("CADENCE_NOW", raising=False)
    else:
        monkeypatch.setenv("CADENCE_NOW", FROZEN_NOW.isoformat())
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cadence.db"


# The longest tests, started first: with ``-n``, xdist hands tests out in
# collection order, so a long test left for the end keeps one core busy alone
# after the other has finished (issue 15: the suite on 2 cores). Node ids or
# their prefixes; a name that no longer matches only loses its place.
SLOW_FIRST = (
    "tests/unit/test_postgres.py::test_many_clients_writing_at_once_lose_nothing",  # 20 clients x 30 s (issue 17)
    "tests/functional/test_meeting_forms.py",
    "tests/functional/test_meeting_full.py",
    "tests/functional/test_team.py::test_two_apps_on_one_database_see_each_other_live",
    "tests/functional/test_team.py::test_two_facilitators_resume_one_meeting_and_share_its_clock",
    "tests/functional/test_palette_and_help.py::test_the_palette_finds_every_binding_and_every_help_row",
    "tests/functional/test_meeting_clock.py::test_layout_fits_at_small_and_large_sizes",
    "tests/functional/test_playbook_meeting.py::test_escalate_a_sprint_blocker_to_finance_and_resolve_it_there",
)


def _slow_rank(item: pytest.Item) -> int:
    for rank, prefix in enumerate(SLOW_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(SLOW_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the longest tests first (``SLOW_FIRST``); the rest keep their order."""
    items.sort(key=_slow_rank)  # a stable sort: every xdist worker gets the same order


async def _wait_for_idle_in_steps_of_5_ms(min_sleep: float = 0.02, max_sleep: float = 1) -> None:
    """textual._wait.wait_for_idle with a 5 ms step instead of 20 ms, and the
    same rule: idle once the process used under 1/20 of a step on the CPU."""
    import asyncio
    from time import monotonic, process_time

    step = 0.005
    start = monotonic()
    while True:
        cpu = process_time()
        await asyncio.sleep(step)
        cpu_elapsed = process_time() - cpu
        elapsed = monotonic() - start
        if elapsed >= max_sleep or (elapsed > min_sleep and cpu_elapsed < step / 20):
            return


def pytest_configure(config: pytest.Config) -> None:
    """Pilot's ``press`` waits twice per key for the app to be "idle"
    (textual/app.py ``_press_keys``), with Textual's heuristic: sleep 20 ms,
    stop once the process used under 1/20 of that on the CPU. That 20 ms
    step is the floor of every key, most of the time of a test that types.
    Here those per-key waits step by 5 ms (the same 1/20 rule), so a key
    the app has already handled costs 5 ms, not 20; and animations are off
    (see below). ``pilot.pause()`` keeps
    Textual's own wait; what a test must wait for off the UI thread
    (workers, queued writes) it waits for explicitly (tests/settle.py)."""
    import os

    import textual.app
    import textual.constants

    textual.app.wait_for_idle = _wait_for_idle_in_steps_of_5_ms  # type: ignore[assignment]
    # No scroll animations: Pilot's idle wait counts an animating table as busy
    # and waits up to a second on a Home/End/PageDown that scrolls (a test
    # reads where the scroll ends, never its frames). Apps made here read the
    # constant; apps started as subprocesses (serve, tmux) read the variable.
    textual.constants.TEXTUAL_ANIMATIONS = "none"  # type: ignore[misc]
    os.environ["TEXTUAL_ANIMATIONS"] = "none"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests in a module marked ``both_engines`` that use the database (the
    ``store`` or ``db`` fixture) run twice: on SQLite and on PostgreSQL."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The database engine of this test: "sqlite" unless its module is marked ``both_engines``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_admin() -> str:
    """The admin URI of the run's one PostgreSQL server (started on first use)."""
    from tests.postgres_server import server

    return server()


@pytest.fixture
def db(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Iterator[Path | str]:
    """Where this test's database is: the file ``db_path`` on SQLite, on
    PostgreSQL the URL of this worker's database, emptied for the test."""
    if engine == "sqlite":
        yield db_path
        return
    from tests.postgres_server import fresh_database

    yield fresh_database(request.getfixturevalue("pg_admin"))


@pytest.fixture
def store(db: Path | str, clock: Clock) -> Iterator[Store]:
    s = open_store(db, now=clock)
    yield s
    with s._lock:  # after any query an app's thread worker is still running
        s.close()


@pytest.fixture
def make_app(store: Store):
    """Build the real app on the test store (as the CLI does)."""
    from cadence_tui.ui.app import make_app as build

    def factory():
        return build(store)

    return factory


@pytest.fixture(autouse=True)
def _press_waits_for_workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Screens read and write the database in thread workers and on the
    ordered write queue; a key's effect lands as a message after Pilot's
    ``press`` returns. Every ``press`` here waits for those results too
    (tests/settle.py, ``settle_after_press``), so a test reads the screen or the database once the key
    has taken effect. A test module about the waiting itself (the lock-stall
    test) sets ``RAW_PILOT = True`` to press keys without it, one test says
    ``@pytest.mark.raw_pilot``."""
    if getattr(request.module, "RAW_PILOT", False) or request.node.get_closest_marker("raw_pilot"):
        return
    from textual.pilot import Pilot

    from tests.settle import settle_after_press

    press = Pilot.press

    async def press_and_settle(self: Pilot, *keys: str) -> None:
        await press(self, *keys)
        await settle_after_press(self)

    monkeypatch.setattr(Pilot, "press", press_and_settle)
