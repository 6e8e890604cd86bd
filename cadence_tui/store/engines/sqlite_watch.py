"""Another client's commits to an SQLite file, seen from a connection of its own.

:class:`SqliteChangeWatcher` is the SQLite half of ``Store.change_watcher()``
(the PostgreSQL half, LISTEN/NOTIFY, is in :mod:`.postgres`). It reads
``PRAGMA data_version`` — a counter that changes only when *another*
connection committed, costs microseconds and touches no table — every
:data:`POLL_SECONDS` on a dedicated connection, opened in the thread that
first waits (never the UI thread). So it never takes the app connection's lock
and never waits on it.

The dedicated connection sees the app's own commits too (it is "another"
connection to them). Those need no reload, and are told apart cheaply: when
the app's connection changed nothing since the last look (``total_changes``),
the commit was someone else's; when it did, the app connection's own
``data_version`` says whether someone else committed as well (read only if
its lock is free at that instant; if not, the next look asks again, and after
:data:`MAX_DEFERRED` busy looks the change is announced, to be safe).
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
#: Looks a decision may wait for the app connection's lock before the change is announced anyway.
MAX_DEFERRED = 3


class SqliteChangeWatcher:
    """``wait(timeout)`` → True when another client committed since the last
    call; ``stop()`` (any thread) makes a waiting ``wait`` return at once;
    ``close()`` closes its connection. See the module docstring."""

    def __init__(self, path: Path | str, app_conn: sqlite3.Connection | None = None, lock: Any = None) -> None:
        self.path = path
        self._memory = str(path) == ":memory:"  # no other connection can see it: nothing ever changes
        self._app_conn = app_conn
        self._lock = lock
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._app_changes = self._total_changes()
        self._app_version: int | None = None
        self._deferred = 0  # looks in a row that found the app's lock busy
        self._stop = threading.Event()

    # -- the app's connection (read without waiting) --------------------------------
    def _total_changes(self) -> int | None:
        try:
            return None if self._app_conn is None else self._app_conn.total_changes
        except sqlite3.Error:
            return None

    def _app_data_version(self) -> int | None:
        """The app connection's data_version, if its lock is free right now."""
        if self._app_conn is None or self._lock is None or not self._lock.acquire(blocking=False):
            return None
        try:
            return int(self._app_conn.execute("PRAGMA data_version").fetchone()[0])
        except (sqlite3.Error, TypeError):
            return None
        finally:
            self._lock.release()

    # -- the feed ----------------------------------------------------------------
    def _read(self) -> int | None:
        try:
            if self._conn is None:
                # mode=rw: a file deleted meanwhile is not created again, empty, by the watcher.
                uri = "file:" + quote(str(Path(self.path).absolute())) + "?mode=rw"
                self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except (sqlite3.Error, TypeError):
            self.close()  # a moved or unreadable file: try again on the next look
            return None

    def changed(self) -> bool:
        """One look: did another client commit since the last look?"""
        version = self._read()
        if version is None:
            return False
        if self._version is None:
            self._version = version
            self._app_version = self._app_data_version()
            return False
        if version == self._version:
            return False
        changes = self._total_changes()
        if changes is None or changes == self._app_changes:
            # The app wrote nothing meanwhile: someone else committed.
            self._version, self._deferred = version, 0
            self._refresh_app_version(version)
            return True
        # The app wrote too: its own connection's data_version says whether someone else did.
        app_version = self._app_data_version()
        if app_version is None or self._app_version is None:
            if app_version is None and self._deferred < MAX_DEFERRED:
                self._deferred += 1  # its lock is busy: decide on the next look
                return False
            self._version, self._app_changes, self._app_version, self._deferred = version, changes, app_version, 0
            return True  # cannot tell: announce
        again = self._read()
        self._app_changes, self._deferred = changes, 0
        if again is not None and again != version:
            # Someone committed while we looked at the app's connection: it is in
            # app_version now, and must not pass unannounced.
            self._version, self._app_version = again, app_version
            return True
        someone_else = app_version != self._app_version
        self._version, self._app_version = version, app_version
        return someone_else

    def _refresh_app_version(self, version: int) -> None:
        """After announcing someone else's commit: the app connection's
        data_version as of now (kept only if nothing was committed while it
        was read), so a later look does not announce that commit again."""
        app_version = self._app_data_version()
        if app_version is not None and self._read() == version:
            self._app_version = app_version

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

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
