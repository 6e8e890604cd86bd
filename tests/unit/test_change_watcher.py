"""store.change_watcher(): another client's commits, seen on a connection of
the watcher's own (SQLite: PRAGMA data_version; PostgreSQL: LISTEN/NOTIFY)."""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

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


@contextmanager
def apps_two_connections_and_another(store, db, clock):
    """The app's store and the write queue's (adopted by the app's watcher),
    and another client's store; the watcher has taken what opening them did."""
    queue_store = open_store(db, now=clock, seed=False)
    other = open_store(db, now=clock, seed=False)
    watcher = store.change_watcher()
    watcher.adopt(queue_store)
    try:
        settle(watcher)
        yield watcher, queue_store, other
    finally:
        watcher.stop()
        watcher.close()
        queue_store.close()
        other.close()


def test_an_adopted_connections_commits_are_the_apps_own(store, db, clock) -> None:
    """The write queue's connection (a second Store on the same database,
    adopted by the watcher) commits without being reported; another
    client's commit still is, once."""
    with apps_two_connections_and_another(store, db, clock) as (watcher, queue_store, other):
        for n in range(5):  # the app's two connections, interleaved
            queue_store.actions.add_action(f"Queued {n}", cadence_key="sprint-review")
            store.actions.add_action(f"Direct {n}", cadence_key="sprint-review")
        assert watcher.wait(0.6) is False
        other.actions.add_action("Theirs", cadence_key="sprint-review")
        assert watcher.wait(2.0) is True
        assert watcher.wait(0.4) is False


class _CommitThen:
    """A connection that runs ``then()`` right after its next COMMIT: another
    client committing in the instant between the app's commit and anything
    the app does next."""

    def __init__(self, conn, then) -> None:
        self._conn = conn
        self._then = then

    def execute(self, sql, *args):
        cursor = self._conn.execute(sql, *args)
        if sql.strip().upper() == "COMMIT" and self._then is not None:
            then, self._then = self._then, None
            then()
        return cursor

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_another_commit_right_after_the_apps_own_is_never_swallowed(store, db, clock) -> None:
    other = open_store(db, now=clock, seed=False)
    watcher = store.change_watcher()
    try:
        settle(watcher)
        real = store.conn
        store.conn = _CommitThen(real, lambda: other.actions.add_action("Theirs", cadence_key="sprint-review"))
        try:
            store.actions.add_action("Mine", cadence_key="sprint-review")
        finally:
            store.conn = real
        assert other.scalar("SELECT count(*) FROM action_items WHERE title = 'Theirs'") == 1
        assert watcher.wait(2.0) is True
    finally:
        watcher.stop()
        watcher.close()
        other.close()


def _hammer(store, name: str, stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        store.actions.add_action(f"{name}.{n}", cadence_key="sprint-review")
        n += 1


def test_own_writes_and_another_clients_at_nearly_the_same_time(store, db, clock) -> None:
    """The app's two connections write as fast as they can; another client's
    one commit, landing anywhere among them, is reported every time."""
    with apps_two_connections_and_another(store, db, clock) as (watcher, queue_store, other):
        for round_ in range(4):
            stop = threading.Event()

            threads = [
                threading.Thread(target=_hammer, args=(s, f"{name} {round_}", stop))
                for s, name in ((store, "direct"), (queue_store, "queued"))
            ]
            for t in threads:
                t.start()
            try:
                time.sleep(0.05 * round_)
                watcher.wait(0.3)  # whatever the app's writes did so far is taken
                other.topics.add_topic("sprint-review", f"Theirs {round_}", by="Sam")
                assert watcher.wait(2.0) is True, f"round {round_}: the other client's commit was swallowed"
            finally:
                stop.set()
                for t in threads:
                    t.join(10)
            watcher.wait(0.3)
        assert watcher.wait(0.6) is False  # quiet again: nothing more reported


def test_notify_triggers_are_made_on_open_when_missing(db, clock, engine) -> None:
    """A PostgreSQL database at the current schema but without the NOTIFY
    triggers (made before they existed) gets them when opened, and live
    updates work on it."""
    if engine != "postgres":
        pytest.skip("the NOTIFY trigger is PostgreSQL's")
    first = open_store(db, now=clock)
    tables = [
        r[0] for r in first.query("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
    ]
    for table in tables:
        first.conn.executescript(f'DROP TRIGGER IF EXISTS "{table}_notify" ON "{table}"')
    assert first.scalar("SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgname LIKE '%\\_notify'") == 0
    first.close()
    store = open_store(db, now=clock)
    other = open_store(db, now=clock, seed=False)
    watcher = store.change_watcher()
    try:
        assert store.scalar("SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgname LIKE '%\\_notify'") == len(tables)
        settle(watcher)
        other.actions.add_action("Theirs", cadence_key="sprint-review")
        assert watcher.wait(2.0) is True
    finally:
        watcher.stop()
        watcher.close()
        other.close()
        store.close()
