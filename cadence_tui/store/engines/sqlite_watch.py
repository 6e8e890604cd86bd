"""Another client's commits to an SQLite file, seen from a connection of its own.

:class:`SqliteChangeWatcher` is the SQLite half of ``Store.change_watcher()``
(the PostgreSQL half, LISTEN/NOTIFY, is in :mod:`.postgres`). It reads
``PRAGMA data_version`` — a counter that changes only when *another*
connection committed, costs microseconds and touches no table — every
:data:`POLL_SECONDS` on a dedicated connection (the *watch connection*),
opened in the thread that first waits (never the UI thread).

That connection sees the app's own commits too (it is "another" connection
to them), and the app commits on more than one connection (the UI thread's
and the write queue's, ui/write_queue.py). Those commits need no reload, so
every connection of the app is *adopted* (:meth:`SqliteChangeWatcher.adopt`):
its :meth:`StoreBase.write` commits through :meth:`SqliteChangeWatcher.commit`,
which, holding the watcher's lock (so no look falls in between), brackets the
COMMIT with two reads of the watch connection's counter and two of the
committing connection's own:

* before COMMIT, the write lock is held: no one else can commit. The watch
  counter then is ``before``; if it is still the one the watcher last saw,
  nothing unseen was committed since.
* after COMMIT, the watch counter is ``after``, and the committing
  connection's own counter (which its own commit does not move) says whether
  anyone else committed since the write lock was released.

Only when nothing unseen came before and nothing came after is ``after``
taken as seen (the app's own commit, not reported). Any other commit — from
another terminal, however close in time — leaves the watcher's last seen
value behind the counter, and the next look reports it. A doubt (a failed
read, a busy file) always reports: a reload too many, never one missed.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: How often ``wait`` looks at the counter (a change is seen within this long).
POLL_SECONDS = 0.25


def _data_version(conn: sqlite3.Connection) -> int | None:
    try:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])
    except (sqlite3.Error, TypeError):
        return None


class SqliteChangeWatcher:
    """``wait(timeout)`` → True when another client committed since the last
    call; ``stop()`` (any thread) makes a waiting ``wait`` return at once;
    ``close()`` closes its connection; ``adopt(store)`` makes a store's
    commits the app's own (not reported). See the module docstring."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._memory = str(path) == ":memory:"  # no other connection can see it: nothing ever changes
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None  # the watch counter as last seen (or skipped as the app's own)
        self._lost = False  # the watch connection failed: its successor reports a change at once
        self._guard = threading.Lock()  # the watch connection and _version (held across an adopted COMMIT)
        self._stop = threading.Event()
        #: How many adopted commits were told apart as the app's own, not reported (for tests).
        self.skipped_own = 0

    # -- the app's own commits ----------------------------------------------------
    def adopt(self, store: Any) -> None:
        """``store``'s commits are the app's own from now on (see the module docstring)."""
        store.commits_seen_by = self

    def commit(self, conn: sqlite3.Connection) -> None:
        """COMMIT ``conn``'s open write transaction (an adopted store's
        :meth:`StoreBase.write`), recording it as the app's own when no other
        client's commit can hide behind it. Never raises but for the COMMIT."""
        with self._guard:
            watch = self._conn
            if watch is None:  # not watching (yet, or any more): nothing to record
                conn.execute("COMMIT")
                return
            mine = _data_version(conn)
            before = _data_version(watch)
            conn.execute("COMMIT")
            after = _data_version(watch)
            if None in (mine, before, after) or before != self._version:
                return  # a doubt, or an unseen commit came first: the next look reports
            if _data_version(conn) != mine:
                return  # another client committed right after: the next look reports
            self._version = after
            self.skipped_own += 1

    # -- the feed ----------------------------------------------------------------
    def _open(self) -> sqlite3.Connection | None:
        try:
            # mode=rw: a file deleted meanwhile is not created again, empty, by the watcher.
            # timeout=0: a read never waits (an adopted commit reads it holding the write lock).
            uri = "file:" + quote(str(Path(self.path).absolute())) + "?mode=rw"
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=0)
        except sqlite3.Error:
            return None

    def changed(self) -> bool:
        """One look: did another client commit since the last look?"""
        if self._conn is None:
            conn = self._open()  # outside the lock: an adopted commit never waits on a connect
            version = None if conn is None else _data_version(conn)
            if conn is None or version is None:
                if conn is not None:
                    conn.close()
                self._lost = True
                return False
            with self._guard:
                self._conn, self._version = conn, version
            lost, self._lost = self._lost, False
            return lost  # a new connection's counter starts afresh: what it missed is unknown
        with self._guard:
            if self._conn is None:
                return False
            version = _data_version(self._conn)
            if version is None:
                self._close_locked()  # a moved or unreadable file: try again on the next look
                self._lost = True
                return False
            if version == self._version:
                return False
            self._version = version
            return True

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True as soon as another client committed."""
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            if not self._memory and self.changed():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._stop.wait(min(POLL_SECONDS, remaining))
        return False

    def stop(self) -> None:
        self._stop.set()

    def _close_locked(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def close(self) -> None:
        with self._guard:
            self._close_locked()
