"""store.change_watcher(): another client's commits, seen on a connection of
the watcher's own (SQLite: PRAGMA data_version; PostgreSQL: LISTEN/NOTIFY)."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from cadence_tui.store import open_store

pytestmark = pytest.mark.both_engines

HANG_SECONDS = 60


@pytest.fixture(autouse=True)
def _fail_rather_than_hang():
    """Every wait here has a timeout, but under faketime (libfaketime 0.9.10,
    which shifts the monotonic clock but not CPython's sem_clockwait deadline)
    ``Event.wait(timeout)`` waits a year: the run hung here. A kernel alarm,
    counted in real seconds, fails the test with a message instead."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(
            f"still waiting after {HANG_SECONDS} s: a timed wait never timed out"
            " (under faketime: Python's timed waits do not time out there)"
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def settle(watcher) -> None:
    """Open the watcher's connection and take its starting point."""
    watcher.wait(0.3)


def test_another_clients_commit_is_seen_and_the_apps_own_is_not(store, db, clock) -> None:
    other = open_store(db, now=clock)
    watcher = store.change_watcher()
    try:
        settle(watcher)
        store.actions.add_action("Mine", cadence_key="sprint-review")  # the app's own write
        assert watcher.wait(0.6) is False
        other.actions.add_action("Theirs", cadence_key="sprint-review")
        start = time.monotonic()
        assert watcher.wait(2.0) is True
        assert time.monotonic() - start < 1.0
        assert watcher.wait(0.4) is False  # reported once
        # Both at once: the other's commit is not hidden by the app's own.
        store.actions.add_action("Mine again", cadence_key="sprint-review")
        other.topics.add_topic("sprint-review", "Theirs too", by="Sam")
        assert watcher.wait(2.0) is True
    finally:
        watcher.stop()
        watcher.close()
        other.close()


def test_stop_wakes_a_waiting_watcher_at_once(store) -> None:
    watcher = store.change_watcher()
    settle(watcher)
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(watcher.wait(30.0)))
    thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    watcher.stop()
    thread.join(2.0)
    assert not thread.is_alive() and result == [False]
    assert time.monotonic() - start < 0.5
    watcher.close()


def test_every_table_notifies_on_postgres(store, engine) -> None:
    if engine != "postgres":
        pytest.skip("the NOTIFY trigger is PostgreSQL's")
    tables = {
        r[0] for r in store.query("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
    }
    notifying = {
        r[0]
        for r in store.query(
            "SELECT c.relname FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = c.relname || '_notify'"
        )
    }
    assert tables and tables <= notifying
