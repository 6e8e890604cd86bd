"""PostgreSQL: a connection the store parts use like their ``sqlite3`` one.

The parts run SQL through ``self.conn.execute(sql, params)`` with ``?``
placeholders and read rows by name or position. :class:`PgConnection` gives
them that surface over psycopg 3: it rewrites placeholders (``?`` and
``:name`` to ``%s`` / ``%(name)s``, literal ``%`` escaped), reports the id an
INSERT added (``lastrowid``, through ``RETURNING id``), answers the two
PRAGMAs the base uses, and turns psycopg's errors into the ones the store
already handles (``sqlite3.IntegrityError`` for a broken constraint, which
:func:`~cadence_tui.store.errors.translate` and the import understand;
a :class:`~cadence_tui.store.errors.StoreError` for the rest).

The schema is the SQLite one, translated (:func:`pg_schema`), plus full-text
search: ``search_index`` kept by a trigger, with a ``tsvector`` column and a
GIN index; action titles have a GIN expression index of their own.

Imported only when a PostgreSQL URL is opened (psycopg is an optional extra).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus

from cadence_tui.store.engines import DatabaseUrl
from cadence_tui.store.errors import (
    DatabaseBusy,
    DatabaseUnavailable,
    NewerSchemaError,
    ReadOnlyAccess,
    StoreError,
)
from cadence_tui.store.schema import DUE_KEY, MIGRATIONS, SCHEMA_VERSION, V3

#: Key of the advisory lock held while migrating (any constant; "cadence" in ASCII).
MIGRATION_LOCK = 0x63616465_6E6365
#: Key of the advisory lock every write transaction takes first: writers go
#: one at a time, as SQLite's BEGIN IMMEDIATE makes them, so the parts'
#: read-then-write steps (next position, "seeded yet?") stay correct. Readers
#: never wait for it; lock_timeout (the busy timeout) bounds the wait.
WRITE_LOCK = MIGRATION_LOCK + 1

#: Tables whose rows have an ``id`` (read from the schema): an INSERT into
#: one reports it as ``lastrowid``.
ID_TABLES = frozenset(re.findall(r"CREATE TABLE (\w+) \(\s*id INTEGER PRIMARY KEY", "\n".join(MIGRATIONS.values())))

# -- SQL ---------------------------------------------------------------------

_INSERT_TABLE = re.compile(r"^\s*INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


_QUOTED = re.compile(r"'(?:[^']|'')*'" + r'|"(?:[^"]|"")*"')
_CODE_REWRITES = [
    # SQLite's "IS ?" / "IS NOT ?" compare values NULL-safely.
    (re.compile(r"\bIS\s+NOT\s+(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.IGNORECASE), "IS DISTINCT FROM "),
    (re.compile(r"\bIS\s+(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.IGNORECASE), "IS NOT DISTINCT FROM "),
    # A unary + keeps SQLite's planner off an index; PostgreSQL has none on text.
    (re.compile(r"(?<=[\s(,=<>])\+(?=[A-Za-z_])"), ""),
    (re.compile(r"(?<![A-Za-z0-9_.])temp\.(?=[A-Za-z_])", re.IGNORECASE), "pg_temp."),
    (re.compile(r"%"), "%%"),
]
_NAMED = re.compile(r"(?<!:):([A-Za-z_][A-Za-z0-9_]*)")


@functools.lru_cache(maxsize=1024)
def to_pg(sql: str, named: bool = False) -> tuple[str, bool]:
    """``sql`` in PostgreSQL's dialect and psycopg's placeholder style, and
    whether it reports an id (``RETURNING id`` added to an INSERT).

    Quoted strings and identifiers are copied as they are (their ``%``
    doubled); outside them ``?`` becomes ``%s``, ``:name`` ``%(name)s``
    (``named``), and the few SQLite-only forms the parts use are rewritten
    (``_CODE_REWRITES``).
    """
    out: list[str] = []
    pos = 0
    for m in [*_QUOTED.finditer(sql), None]:
        code = sql[pos : m.start() if m else len(sql)]
        for pattern, replacement in _CODE_REWRITES:
            code = pattern.sub(replacement, code)
        code = code.replace("?", "%s")
        if named:
            code = _NAMED.sub(r"%(\1)s", code)
        out.append(code)
        if m:
            out.append(m.group(0).replace("%", "%%"))
            pos = m.end()
    text = "".join(out)
    returns_id = False
    insert = _INSERT_TABLE.match(text)
    if insert and insert.group(1).lower() in ID_TABLES and not re.search(r"\bRETURNING\b", text, re.IGNORECASE):
        text = text.rstrip().rstrip(";") + " RETURNING id"
        returns_id = True
    return text, returns_id


#: Full-text conditions, as the indexes are built (:data:`PG_SEARCH`): words
#: lower-cased and without diacritics ("café" finds "Cafe"), as SQLite's
#: ``unicode61 remove_diacritics 2`` tokenizer does; the argument is
#: :func:`tsquery_terms`.
TITLE_MATCH = "to_tsvector('simple', cadence_fold(title)) @@ to_tsquery('simple', cadence_fold(?))"
SEARCH_MATCH = "s.tsv @@ to_tsquery('simple', cadence_fold(?))"


def create_fold_function(conn: PgConnection) -> None:
    """``cadence_fold(text)``: lower case without diacritics, through the
    ``unaccent`` extension (trusted: a database owner may create it); where it
    cannot be had, lower case alone."""
    body = "SELECT lower($1)"
    conn.execute("SAVEPOINT cadence_fold")
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema = conn.execute(
            "SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'unaccent'"
        ).fetchone()[0]
        body = f'SELECT lower("{schema}".unaccent(\'"{schema}".unaccent\'::regdictionary, $1))'
        conn.execute("RELEASE SAVEPOINT cadence_fold")
    except StoreError:
        conn.execute("ROLLBACK TO SAVEPOINT cadence_fold")
    conn.executescript(
        f"CREATE FUNCTION cadence_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ {body} $$"
    )


def tsquery_terms(text: str) -> str | None:
    """User text as a ``to_tsquery`` argument that cannot raise: each word
    quoted and prefix-matched, all required (as the SQLite FTS query is).
    None when the text holds no word."""
    import unicodedata

    words = [w.lower() for w in re.findall(r"\w+", unicodedata.normalize("NFC", text))][:16]
    if not words:
        return None
    return " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in words)


# -- rows and cursors --------------------------------------------------------


class PgRow:
    """A row readable by position or (case-insensitive) name, like ``sqlite3.Row``."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key.lower()]]
            except KeyError:
                raise IndexError(f"No item with that key: {key!r}") from None
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PgRow):
            return tuple(self._values) == tuple(other._values) and self.keys() == other.keys()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=False))!r})"


def _row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return tuple
    index: dict[str, int] = {}
    for position, column in enumerate(description):
        index.setdefault(column.name.lower(), position)
    return lambda values: PgRow(values, index)


class _NumberLoader(Loader):
    """``numeric`` (what ``sum`` and ``avg`` of integers give) as int or float, as SQLite returns."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


class PgCursor:
    """What ``PgConnection.execute`` returns: ``fetchone``/``fetchall``,
    iteration, ``lastrowid`` and ``rowcount``."""

    row_factory: Any = None  # set by StoreBase.query; rows are always PgRow

    def __init__(self, cursor: Any, returns_id: bool) -> None:
        self._cursor = cursor
        self.lastrowid: int | None = None
        self._buffered: list[Any] | None = None
        if returns_id:
            rows = cursor.fetchall()
            self.lastrowid = rows[-1][0] if rows else None
            self._buffered = []
        self.rowcount = cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        if self._buffered is not None or self._cursor.description is None:
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        if self._buffered is not None or self._cursor.description is None:
            return []
        return self._cursor.fetchall()

    def fetchmany(self, size: int = 1) -> list[Any]:
        if self._buffered is not None or self._cursor.description is None:
            return []
        return self._cursor.fetchmany(size)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    def close(self) -> None:
        self._cursor.close()


class _Empty:
    lastrowid = None
    rowcount = -1
    description = None

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


_EMPTY: Any = _Empty()


# -- errors ------------------------------------------------------------------

#: Said of a lost connection only when it broke a change (``mapped_error``'s ``writing``).
_NOT_SAVED = "; the last change was not saved"


def _message(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return (primary or str(exc)).strip().splitlines()[0] if (primary or str(exc)).strip() else type(exc).__name__


def mapped_error(exc: psycopg.Error, url: DatabaseUrl, writing: bool = True) -> BaseException:
    """A psycopg error as the store's: ``sqlite3.IntegrityError`` (the callers
    that expect a constraint to break catch that), else a StoreError.
    ``writing``: it broke a change (a write transaction, or its BEGIN), so a
    lost connection says the change was not saved; a read's says only that."""
    text = _message(exc)
    if isinstance(exc, psycopg.IntegrityError):
        if isinstance(exc, pg_errors.UniqueViolation):
            return sqlite3.IntegrityError(f"UNIQUE constraint failed: {text}")
        if isinstance(exc, pg_errors.ForeignKeyViolation):
            return sqlite3.IntegrityError(f"FOREIGN KEY constraint failed: {text}")
        if isinstance(exc, pg_errors.NotNullViolation):
            return sqlite3.IntegrityError(f"NOT NULL constraint failed: {text}")
        if isinstance(exc, pg_errors.CheckViolation):
            return sqlite3.IntegrityError(f"CHECK constraint failed: {text}")
        return sqlite3.IntegrityError(text)
    if isinstance(exc, pg_errors.InsufficientPrivilege | pg_errors.ReadOnlySqlTransaction):
        return ReadOnlyAccess(
            f"read-only access: {url} does not let this user make changes ({text}); nothing was changed"
        )
    if isinstance(exc, pg_errors.SerializationFailure | pg_errors.DeadlockDetected | pg_errors.LockNotAvailable):
        return DatabaseBusy(f"the database is busy ({url}): another client held a lock; nothing was changed, try again")
    if isinstance(exc, pg_errors.QueryCanceled):
        return DatabaseBusy(f"the database is busy ({url}): the statement timed out; nothing was changed, try again")
    if isinstance(exc, pg_errors.DiskFull):
        from cadence_tui.store.errors import DiskFull

        return DiskFull(f"the database server's disk is full ({url}): the last change was not saved")
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return DatabaseUnavailable(f"lost the connection to the database {url} ({text}){_NOT_SAVED if writing else ''}")
    return StoreError(f"database error ({url}): {text}")


# -- the connection ----------------------------------------------------------


def without_nul(params: Iterable[Any] | dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    """``params`` with NUL characters dropped from text: PostgreSQL's text
    cannot hold them (psycopg refuses such a value outright). What users type
    reaches the store without control characters already (core/textsafe.py);
    this covers the rest (a lookup, a filter, a setting), as that stripping
    would. Values without a NUL are passed as they are."""
    if isinstance(params, dict):
        if any(type(v) is str and "\x00" in v for v in params.values()):
            return {k: v.replace("\x00", "") if type(v) is str else v for k, v in params.items()}
        return params
    args = tuple(params)
    if any(type(v) is str and "\x00" in v for v in args):
        return tuple(v.replace("\x00", "") if type(v) is str else v for v in args)
    return args


class PgConnection:
    """A psycopg connection with the surface the store parts use of ``sqlite3.Connection``."""

    engine = "postgres"

    def __init__(self, raw: Any, url: DatabaseUrl) -> None:
        self._raw = raw
        self.url = url
        self.row_factory: Any = None
        self._in_write = False  # a transaction this connection began is open
        self._session_settings = ""  # the last SET, replayed on a new connection
        self._pid = int(raw.info.backend_pid)  # see backend_pid

    @property
    def in_transaction(self) -> bool:
        return self._raw.info.transaction_status != TransactionStatus.IDLE

    def _special(self, sql: str) -> str | None:
        """The statements that differ by engine, rewritten (None: use as given)."""
        head = sql.strip().rstrip(";").strip()
        low = head.lower()
        if low in ("begin immediate", "begin exclusive"):
            return f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        if low in ("begin", "begin deferred"):
            return "BEGIN"
        if low in ("commit", "rollback", "end"):
            return low.upper()
        if low.startswith("pragma"):
            body = low[6:].strip()
            if body == "user_version":
                return "SELECT version FROM cadence_schema"
            if body.startswith("busy_timeout"):
                ms = int(body.partition("=")[2].strip() or 0)
                # 0 means "do not wait": PostgreSQL's 0 would mean "wait for ever".
                return f"SET lock_timeout = {max(ms, 1)}"
            if body == "data_version":
                # Live screens poll it (ui/live_updates.py): the next transaction id
                # of the server moves only when a transaction writes (here or in any
                # database of the server: a re-read too many, never one missed).
                return "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
            if body == "foreign_keys = on":
                return "SELECT 0"
            raise sqlite3.OperationalError(f"PRAGMA {body} is SQLite's; there is no PostgreSQL form of it")
        return None

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> PgCursor:
        special = self._special(sql)
        if special is not None:
            return self._run_special(special)
        text, returns_id = to_pg(sql, isinstance(params, dict))
        args = without_nul(params)
        return self._retrying(lambda: PgCursor(self._raw.execute(text, args), returns_id), self._in_write)

    def _retrying(self, run: Callable[[], PgCursor], writing: bool) -> PgCursor:
        """``run()``; if the connection was lost outside a transaction of ours,
        once more on a new one (a restarted server, a dropped idle connection).
        Lost inside a transaction, the transaction is gone: the error says so,
        and the next one reconnects. ``writing``: a change is being made (its
        errors say it was not saved)."""
        try:
            return run()
        except psycopg.Error as exc:
            if not (self._raw.closed and not self._in_write):
                raise mapped_error(exc, self.url, writing) from None
            self._reconnect(exc, writing)
        try:
            return run()
        except psycopg.Error as exc:
            raise mapped_error(exc, self.url, writing) from None

    def _run_special(self, special: str) -> PgCursor:
        if special.startswith("ROLLBACK") and self._raw.closed:
            self._in_write = False  # the server ended that transaction with the connection
            return _EMPTY
        if special.startswith("SET lock_timeout"):
            self._session_settings = special
        try:
            writing = self._in_write or special.startswith("BEGIN")
            cursor = self._retrying(lambda: PgCursor(self._raw.execute(special), False), writing)
        except StoreError:
            if special.startswith("BEGIN") and self.in_transaction and not self._raw.closed:
                # The write lock was not granted: no transaction is left open.
                with contextlib.suppress(psycopg.Error):
                    self._raw.execute("ROLLBACK")
            if not special.startswith("BEGIN"):
                self._in_write = False
            raise
        if special.startswith("BEGIN"):
            self._in_write = True
        elif special.startswith(("COMMIT", "ROLLBACK")):
            self._in_write = False
        return cursor

    def _reconnect(self, cause: BaseException, writing: bool) -> None:
        try:
            raw = _open_raw(self.url)
        except DatabaseUnavailable:
            raise DatabaseUnavailable(
                f"lost the connection to the database {self.url} ({_message(cause)}) and could not reconnect"
                + (_NOT_SAVED if writing else "")
            ) from None
        self._raw = raw
        self._pid = int(raw.info.backend_pid)
        if self._session_settings:
            with contextlib.suppress(psycopg.Error):
                raw.execute(self._session_settings)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]] | Iterable[dict[str, Any]]) -> PgCursor:
        rows = list(seq)
        named = bool(rows) and isinstance(rows[0], dict)
        text, _ = to_pg(sql, named)
        text = re.sub(r" RETURNING id$", "", text)
        args = [without_nul(row) for row in rows]
        try:
            with self._raw.cursor() as cursor:
                cursor.executemany(text, args)
                return PgCursor(cursor, False)
        except psycopg.Error as exc:
            raise mapped_error(exc, self.url) from None

    def executescript(self, script: str) -> None:
        try:
            self._raw.execute(script)
        except psycopg.Error as exc:
            raise mapped_error(exc, self.url) from None

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self._raw.close()

    @property
    def total_changes(self) -> int:
        return 0

    @property
    def backend_pid(self) -> int:
        """The server process of this connection (its NOTIFYs carry it),
        as of its last (re)connect: the change watcher's thread reads it, so
        it never touches the driver's connection (which another thread may
        be using, or closing)."""
        return self._pid


# -- schema ------------------------------------------------------------------

SEARCH_SOURCES = {
    # kind: (table, column), as schema._FTS_SOURCES
    "action": ("action_items", "title"),
    "decision": ("decisions", "text"),
    "note": ("notes", "text"),
    "blocker": ("blockers", "what"),
}

PG_SEARCH = """
CREATE TABLE search_index (
    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    meeting_id BIGINT,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', cadence_fold(body))) STORED
);
CREATE INDEX idx_search_index_tsv ON search_index USING gin (tsv);
CREATE INDEX idx_search_index_record ON search_index(kind, record_id);
CREATE INDEX idx_action_items_title_tsv ON action_items USING gin (to_tsvector('simple', cadence_fold(title)));
CREATE FUNCTION cadence_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM search_index WHERE kind = TG_ARGV[0] AND record_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_index(body, kind, record_id, meeting_id)
        VALUES (to_jsonb(NEW) ->> TG_ARGV[1], TG_ARGV[0], NEW.id, NEW.meeting_id);
    END IF;
    RETURN NULL;
END
$$;
"""


def _search_triggers() -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_search AFTER INSERT OR DELETE OR UPDATE OF {column}, meeting_id ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION cadence_search_sync('{kind}', '{column}');"
        for kind, (table, column) in SEARCH_SOURCES.items()
    )


def pg_translate(script: str) -> str:
    """A SQLite schema script in PostgreSQL's dialect."""
    script = re.sub(r"\bid INTEGER PRIMARY KEY\b", "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
    script = re.sub(r"\bREAL\b", "DOUBLE PRECISION", script)
    # An expression in an index needs its own parentheses.
    script = script.replace(DUE_KEY, f"({DUE_KEY})")

    # A table without an integer id is read "in the order rows were written"
    # (SQLite's rowid: attendance lists participants so, and an export keeps
    # that order): here such a table gets a rowid column of its own.
    def add_rowid(m: re.Match[str]) -> str:
        head, first = m.group(1), m.group(2)
        if ("PRIMARY KEY" in first and "INTEGER" in first.upper()) or "IDENTITY" in first:
            return m.group(0)
        return f"{head}    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,\n{first}"

    script = re.sub(r"(CREATE TABLE \w+ \(\n)(.*\n)", add_rowid, script)
    # 64-bit integers, as SQLite's.
    return re.sub(r"\bINTEGER\b", "BIGINT", script)


#: The version a new PostgreSQL database starts at, and each later
#: migration's script (translated from SQLite's where it is plain SQL).
PG_BASE_VERSION = 8


def pg_schema() -> str:
    """The whole schema at :data:`PG_BASE_VERSION`."""
    v3_indexes = V3.split("CREATE VIRTUAL TABLE")[0]
    parts = [MIGRATIONS[1], v3_indexes, *(MIGRATIONS[v] for v in range(4, PG_BASE_VERSION + 1))]
    return pg_translate("\n".join(parts)) + PG_SEARCH + _search_triggers()


def pg_migrations() -> dict[int, str]:
    out = {PG_BASE_VERSION: pg_schema()}
    for version in range(PG_BASE_VERSION + 1, SCHEMA_VERSION + 1):
        out[version] = pg_translate(MIGRATIONS[version])
    return out


# -- live screens: NOTIFY on every write, LISTEN in the app ---------------------

#: The channel every committed write notifies (ui/live_updates.py listens).
CHANGES_CHANNEL = "cadence_changes"

#: A statement-level trigger on every table sends ``NOTIFY cadence_changes``
#: in the writing transaction (delivered at its commit, once per transaction:
#: PostgreSQL folds identical notifications), so no write can forget it.
#: Run after every migration: a table a later migration adds gets one too.
PG_NOTIFY = f"""
CREATE OR REPLACE FUNCTION cadence_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANGES_CHANNEL}', '');
    RETURN NULL;
END
$$;
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                       WHERE tgrelid = to_regclass(quote_ident(t)) AND tgname = t || '_notify') THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I'
                           ' FOR EACH STATEMENT EXECUTE FUNCTION cadence_notify()', t || '_notify', t);
        END IF;
    END LOOP;
END
$$;
"""


class PgChangeWatcher:
    """``Store.change_watcher()`` on PostgreSQL: ``LISTEN cadence_changes`` on a
    connection of its own, opened by the thread that first waits (never the UI
    thread). ``wait(timeout)`` → True when another client committed;
    notifications sent by an adopted store's connection (``adopt(store)``: the
    app's and its write queue's) are skipped: each carries the server process
    that sent it, and each connection knows its own (``backend_pid``).
    ``stop()`` (any thread) wakes a waiting ``wait``. A lost connection is
    reopened on the next wait, which then reports a change (some may have
    been missed meanwhile)."""

    def __init__(self, url: DatabaseUrl) -> None:
        import os
        import threading

        self.url = url
        self._own: list[Any] = []  # the adopted stores
        self._raw: Any = None
        self._lost = False
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()

    def adopt(self, store: Any) -> None:
        """``store``'s commits are the app's own from now on: not reported."""
        store.commits_seen_by = self
        self._own.append(store)

    def commit(self, conn: PgConnection) -> None:
        """An adopted store's COMMIT (its NOTIFY carries its process id)."""
        conn.execute("COMMIT")

    def _own_pids(self) -> set[int]:
        """The adopted connections' server processes (read now: a reconnect changes them)."""
        pids = set()
        for store in list(self._own):
            with contextlib.suppress(psycopg.Error, OSError, AttributeError):
                pids.add(store.conn.backend_pid)
        return pids

    def _listen(self) -> bool:
        try:
            raw = psycopg.connect(self.url.url, autocommit=True, connect_timeout=10, application_name="cadence-live")
            raw.execute(f"LISTEN {CHANGES_CHANNEL}")
        except psycopg.Error:
            return False
        self._raw = raw
        return True

    def _drop(self) -> None:
        raw, self._raw = self._raw, None
        if raw is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                raw.close()

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True as soon as another client
        committed (the app's own notifications do not end the wait)."""
        import select
        import time

        if self._stop.is_set():
            return False
        if self._raw is None:
            if not self._listen():
                self._lost = True
                self._stop.wait(timeout)  # the server is away: try again later
                return False
            if self._lost:
                self._lost = False
                return True
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                ready, _, _ = select.select([self._raw.fileno(), self._wake_r], [], [], remaining)
            except (OSError, ValueError, psycopg.Error):
                ready = []
            if self._stop.is_set() or not ready or ready == [self._wake_r]:
                return False
            own = self._own_pids()
            changed = False
            try:
                pgconn = self._raw.pgconn
                pgconn.consume_input()
                while (note := pgconn.notifies()) is not None:
                    changed = changed or note.be_pid not in own
            except (psycopg.Error, OSError):
                self._drop()  # the connection was lost: reopened on the next wait
                self._lost = True
                return False
            if changed:
                return True

    def stop(self) -> None:
        import os

        self._stop.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def close(self) -> None:
        import os

        self._drop()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r = self._wake_w = -1


# -- opening -----------------------------------------------------------------


def _scrub(text: str, url: DatabaseUrl) -> str:
    """A driver message without the password (some echo the connection string)."""
    from urllib.parse import urlsplit

    try:
        password = urlsplit(url.url).password
    except ValueError:
        password = None
    if password:
        text = text.replace(password, "***")
    return " ".join(text.split())


def _open_raw(url: DatabaseUrl) -> Any:
    """A psycopg connection in autocommit mode, rows as :class:`PgRow`."""
    try:
        raw = psycopg.connect(url.url, autocommit=True, connect_timeout=10, application_name="cadence")
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"cannot connect to the database {url}: {_scrub(str(exc), url)}") from None
    except Exception as exc:  # a malformed URL (ProgrammingError is a psycopg.Error, but be sure)
        raise DatabaseUnavailable(f"cannot connect to the database {url}: {_scrub(str(exc), url)}") from None
    raw.adapters.register_loader("numeric", _NumberLoader)
    raw.row_factory = _row_factory
    return raw


def connect(url: DatabaseUrl) -> PgConnection:
    """Connect, then create or migrate the schema (see :func:`migrate`)."""
    from cadence_tui.store.base import busy_timeout_ms

    conn = PgConnection(_open_raw(url), url)
    # A write waits this long for another client's lock (the advisory write lock), as on SQLite.
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _version(conn: PgConnection) -> int | None:
    """The schema version, or None when the database has no Cadence schema."""
    if conn.execute("SELECT to_regclass('cadence_schema')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT version FROM cadence_schema").fetchone()
    return int(row[0]) if row else 0


def _check_version(conn: PgConnection, version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{conn.url} was written by a newer Cadence (schema {version}; this version knows up to "
            f"{SCHEMA_VERSION}); upgrade Cadence. The database was left untouched"
        )


def migrate(conn: PgConnection) -> list[int]:
    """Create or migrate the schema in one transaction, under an advisory
    lock: a second client starting at once waits, then finds it done."""
    version = _version(conn)
    _check_version(conn, version)
    if version == SCHEMA_VERSION:
        ensure_notify_triggers(conn)
        return []
    applied: list[int] = []
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
        version = _version(conn)
        _check_version(conn, version)
        if version is None:
            others = conn.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
            ).fetchone()[0]
            if others:
                raise DatabaseUnavailable(
                    f"{conn.url} holds another application's tables, not a Cadence database; it was left untouched"
                )
            conn.execute("CREATE TABLE cadence_schema (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO cadence_schema(version) VALUES (0)")
            version = 0
        for target, script in pg_migrations().items():
            if target > version:
                if target == PG_BASE_VERSION:
                    create_fold_function(conn)
                conn.executescript(script)
                applied.append(target)
        if applied:
            conn.executescript(PG_NOTIFY)  # every table, new ones included
            conn.execute("UPDATE cadence_schema SET version = ?", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied


#: The tables of the schema without their NOTIFY trigger (one cheap catalog read).
MISSING_NOTIFY = """
SELECT count(*) FROM pg_catalog.pg_tables t
WHERE t.schemaname = current_schema()
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger g
                  WHERE g.tgrelid = to_regclass(quote_ident(t.tablename)) AND g.tgname = t.tablename || '_notify')
"""


def ensure_notify_triggers(conn: PgConnection) -> bool:
    """Create the NOTIFY triggers (:data:`PG_NOTIFY`) a database at the current
    schema lacks (made before they existed, or restored without them): live
    screens depend on them, and only a migration used to create them. One
    catalog read when they are all there; else created under the migration's
    advisory lock (idempotent: a second client starting at once finds them
    made). A role that may not create triggers still opens the database (its
    screens then refresh on keys only). True when triggers were created."""
    if not conn.execute(MISSING_NOTIFY).fetchone()[0]:
        return False
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
        if conn.execute(MISSING_NOTIFY).fetchone()[0]:
            conn.executescript(PG_NOTIFY)
        conn.execute("COMMIT")
    except StoreError:
        if conn.in_transaction:
            with contextlib.suppress(StoreError):
                conn.execute("ROLLBACK")
        return False
    return True


# -- the catalog (export and import) -------------------------------------------
#: Tables that are not data: the schema version, and the search index the triggers keep.
INTERNAL_TABLES = ("cadence_schema", "search_index")

_SQLITE_TYPES = {"bigint": "INTEGER", "integer": "INTEGER", "double precision": "REAL", "text": "TEXT"}


def table_names(conn: PgConnection) -> list[str]:
    """The data tables, in the order they were created."""
    rows = conn.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in INTERNAL_TABLES]


def foreign_parents(conn: PgConnection, table: str) -> set[str]:
    rows = conn.execute(
        "SELECT DISTINCT confrelid::regclass::text FROM pg_catalog.pg_constraint"
        " WHERE contype = 'f' AND conrelid = to_regclass(?)",
        (table,),
    ).fetchall()
    return {r[0].strip('"') for r in rows}


def table_info(conn: PgConnection, table: str) -> list[dict[str, Any]]:
    """``PRAGMA table_info`` as SQLite gives it (name, SQLite type, notnull,
    pk rank), without the columns PostgreSQL adds (``rowid``, ``tsv``)."""
    rows = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        # (int2vector counts from 0)
        " coalesce(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0)"
        " FROM pg_catalog.pg_attribute a"
        " LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
        " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
        " ORDER BY a.attnum",
        (table,),
    ).fetchall()
    return [
        {"name": name, "type": _SQLITE_TYPES.get(kind, kind.upper()), "notnull": int(notnull), "pk": int(pk)}
        for name, kind, notnull, pk in rows
        if name != "rowid"
    ]


def has_rowid(conn: PgConnection, table: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(?) AND attname = 'rowid'", (table,)
        ).fetchone()
    )


def secondary_indexes(conn: PgConnection, tables: set[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes on ``tables`` that no constraint owns."""
    rows = conn.execute(
        "SELECT indexname, indexdef, tablename FROM pg_catalog.pg_indexes i WHERE schemaname = current_schema()"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conname = i.indexname)"
        " ORDER BY indexname"
    ).fetchall()
    return [(name, sql) for name, sql, table in rows if table in tables]


def reset_identities(conn: PgConnection, tables: list[str]) -> None:
    """After rows came in with their ids: each identity continues after the largest."""
    rows = conn.execute(
        "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND a.attidentity <> '' AND NOT a.attisdropped"
    ).fetchall()
    for table, column in rows:
        if table in tables:
            conn.execute(
                f'SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1,'
                " false)",
                (table, column),
            )
