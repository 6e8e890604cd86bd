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
    (tests/settle.py), so a test reads the screen or the database once the key
    has taken effect. A test module about the waiting itself (the lock-stall
    test) sets ``RAW_PILOT = True`` to press keys without it, one test says
    ``@pytest.mark.raw_pilot``."""
    if getattr(request.module, "RAW_PILOT", False) or request.node.get_closest_marker("raw_pilot"):
        return
    from textual.pilot import Pilot

    from tests.settle import settle

    press = Pilot.press

    async def press_and_settle(self: Pilot, *keys: str) -> None:
        await press(self, *keys)
        await settle(self)

    monkeypatch.setattr(Pilot, "press", press_and_settle)
