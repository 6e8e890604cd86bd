"""What both engines share: the store's connection, clock and lock, the
transaction helpers every store part uses, and the conversions of stored
dates and times.

Opening a database is the engine's: :mod:`cadence_tui.store.engines.sqlite`
(a file: checks, pragmas, migrations) or :mod:`cadence_tui.store.engines.postgres`
(a URL). The SQLite connection is plain ``sqlite3``, so start-up does not pay
for importing sqlite-utils.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cadence_tui.store.engines import DatabaseUrl, is_postgres_url
from cadence_tui.store.errors import UnreadableValue, damaged, raised_by_store, translate

if TYPE_CHECKING:
    from cadence_tui.store import Store

BUSY_TIMEOUT_MS = 5000
BUSY_TIMEOUT_ENV_VAR = "CADENCE_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """How long a write waits for another process's lock: 5 s, or
    ``$CADENCE_BUSY_TIMEOUT_MS`` (tests of the "busy" message use a short one)."""
    value = os.environ.get(BUSY_TIMEOUT_ENV_VAR, "")
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_ts(dt: datetime) -> str:
    """A timestamp as stored: ISO 8601 in UTC, to the second."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(UTC).isoformat(timespec="seconds")


_T = TypeVar("_T")


def _stored(parse: Callable[[str], _T], text: str) -> _T:
    try:
        return parse(text)
    except (ValueError, TypeError) as exc:
        raise UnreadableValue(f"a stored date or time is unreadable: {str(text)[:40]!r}") from exc


def from_ts(text: str | None) -> datetime | None:
    return _stored(datetime.fromisoformat, text) if text else None


def from_date(text: str | None) -> date | None:
    return _stored(date.fromisoformat, text) if text else None


def required_ts(text: str) -> datetime:
    """A timestamp from a NOT NULL column (or a query that filtered out the NULLs)."""
    return _stored(datetime.fromisoformat, text)


def required_date(text: str) -> date:
    """A date from a NOT NULL column."""
    return _stored(date.fromisoformat, text)


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (sqlite3 types ``lastrowid`` as optional)."""
    rowid = cur.lastrowid
    assert rowid is not None, "no row was inserted"
    return rowid


class StoreBase:
    """Connection, clock and transactions shared by every part of the store
    (:class:`cadence_tui.store.Store` adds the parts)."""

    #: Whether opening this file just seeded the defaults (a new database).
    seeded_now: bool = False
    #: Who "me" is for this connection: recorded as created_by / closed_by /
    #: proposed_by. The app and the CLI set it (the config's `me`, else the login name).
    actor: str = ""

    #: "sqlite" or "postgres": the few statements that differ ask (store/engines).
    engine: str = "sqlite"
    #: The app's change watcher, when it adopted this connection (its commits
    #: are the app's own, not reported as changes): :meth:`write` commits
    #: through its ``commit(conn)``. See :meth:`change_watcher`.
    commits_seen_by: Any = None

    def __init__(self, path: Path | str | DatabaseUrl, now: Callable[[], datetime] = utcnow) -> None:
        self._now = now
        if is_postgres_url(path):
            # PostgreSQL: psycopg loads only now (an optional extra).
            from cadence_tui.store.engines import open_postgres

            url = path if isinstance(path, DatabaseUrl) else DatabaseUrl(str(path))
            self.path: Path | str | DatabaseUrl = url
            self.engine = "postgres"
            # A PgConnection: the surface of sqlite3.Connection the parts use (engines/postgres.py).
            pg: Any = open_postgres(url)
            self.conn: sqlite3.Connection = pg
        else:
            from cadence_tui.store.engines.sqlite import open_connection

            assert not isinstance(path, DatabaseUrl)
            self.path = path if str(path) == ":memory:" else Path(path).expanduser()
            self.conn = open_connection(self.path)
        self._lock = threading.RLock()

    # -- time ---------------------------------------------------------------
    def now(self) -> datetime:
        """The current time, zone-aware (tests pin it)."""
        dt = self._now()
        return dt if dt.tzinfo else dt.astimezone()

    def today(self) -> date:
        """Today in the user's local zone."""
        return self.now().astimezone().date()

    # -- plumbing -----------------------------------------------------------
    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def change_watcher(self) -> Any:
        """A feed of other clients' commits, on a connection of its own (opened
        by the thread that first waits): ``wait(timeout) -> bool``, ``stop()``,
        ``close()``. SQLite polls ``PRAGMA data_version``
        (engines/sqlite_watch.py); PostgreSQL LISTENs to the NOTIFY every write
        sends (engines/postgres.py). The app's own commits are not reported:
        this store's, and those of every store passed to the watcher's
        ``adopt(store)`` (the write queue's connection)."""
        watcher: Any
        if self.engine == "postgres":
            from cadence_tui.store.engines.postgres import PgChangeWatcher

            assert isinstance(self.path, DatabaseUrl)
            watcher = PgChangeWatcher(self.path)
        else:
            from cadence_tui.store.engines.sqlite_watch import SqliteChangeWatcher

            assert not isinstance(self.path, DatabaseUrl)
            watcher = SqliteChangeWatcher(self.path)
        watcher.adopt(self)
        return watcher

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Run a read and return all rows (as ``sqlite3.Row``)."""
        with self._lock:
            try:
                cur = self.conn.execute(sql, params)
                cur.row_factory = sqlite3.Row
                return cur.fetchall()
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None
            except UnicodeDecodeError:  # SQLite's message about a broken schema is not UTF-8
                raise damaged(self.path, "the schema is not readable") from None

    def query_one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        row = self.query_one(sql, params)
        return row[0] if row else None

    @property
    def writes_at_once(self) -> bool:
        """Whether the UI may try a write on its own thread before queueing
        it (ui/write_queue.py): on an SQLite file, yes (no round trip, and
        :meth:`without_waiting` fails at once when another process holds the
        lock). On PostgreSQL every statement is a round trip to a server
        that may be across a network: the UI always queues."""
        return self.engine == "sqlite"

    @contextlib.contextmanager
    def without_waiting(self) -> Iterator[None]:
        """Writes inside fail at once with :class:`DatabaseBusy` if another
        process holds the lock, instead of waiting the busy timeout: the UI
        thread tries a write this way and hands it to its write queue
        (ui/write_queue.py) when the file is busy."""
        with self._lock:
            self.conn.execute("PRAGMA busy_timeout = 0")
            try:
                yield
            finally:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction, taken with ``BEGIN IMMEDIATE`` so a
        read-modify-write never fails on a stale snapshot. Errors roll back
        and come out as :class:`StoreError`."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None
            except UnicodeDecodeError:
                raise damaged(self.path, "the schema is not readable") from None
            try:
                yield self.conn
                if self.commits_seen_by is None:
                    self.conn.execute("COMMIT")
                else:
                    self.commits_seen_by.commit(self.conn)
            except BaseException as exc:
                if self.conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise translate(exc, self.path) from None
                if isinstance(exc, UnicodeDecodeError) and raised_by_store(exc):
                    raise damaged(self.path, "the schema is not readable") from None
                raise

    def schema_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


class StorePart:
    """One part of the store (meetings, action items, …): it runs its SQL on
    the store's one connection, under its lock, with its clock, and reaches
    the other parts through :attr:`store` (``self.store.cadences.get_cadence``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    @property
    def path(self) -> Path | str | DatabaseUrl:
        return self.store.path

    @property
    def engine(self) -> str:
        """ "sqlite" or "postgres" (see :attr:`StoreBase.engine`)."""
        return self.store.engine

    @property
    def _lock(self) -> threading.RLock:
        return self.store._lock

    def now(self) -> datetime:
        return self.store.now()

    @property
    def actor(self) -> str:
        """Who "me" is on this connection (:attr:`StoreBase.actor`)."""
        return self.store.actor

    def today(self) -> date:
        return self.store.today()

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.store.query(sql, params)

    def query_one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.store.query_one(sql, params)

    def scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        return self.store.scalar(sql, params)

    def write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self.store.write()

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        return self.store.get_setting(key, default)

    def schema_version(self) -> int:
        return self.store.schema_version()
