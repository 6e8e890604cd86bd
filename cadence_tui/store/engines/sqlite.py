"""The SQLite engine: what Cadence does differently on a database file.

Opening (the checks before SQLite touches a path, the pragmas), the schema's
forward migrations (``PRAGMA user_version``), the SQLite side of full-text
search (FTS5), the catalogue the JSON import and export read, bulk loading
(sqlite-utils' ``Table.insert_all``) and the online backup. Its twin is
:mod:`cadence_tui.store.engines.postgres`; the parts ask ``self.engine`` and
call the module of that engine.

Plain ``sqlite3`` only at import: the app opens its file with this module on
the start-up path, so sqlite-utils (about 110 ms to import) loads only when
:func:`insert_rows` first runs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cadence_tui.store.base import busy_timeout_ms
from cadence_tui.store.errors import (
    BackupExists,
    DatabaseUnavailable,
    DiskFull,
    NewerSchemaError,
    ReadOnlyDatabase,
    StoreError,
    damaged,
    translate,
)
from cadence_tui.store.schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"


# -- opening -------------------------------------------------------------------------
class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced (see :func:`_open_here`)."""


#: This process's connections, by resolved database path (see check_file).
_OPEN_HERE: dict[str, weakref.WeakSet[_Connection]] = {}


def _open_here(path: Path) -> bool:
    """Whether this process has a connection open on the file."""
    for conn in list(_OPEN_HERE.get(str(path.resolve()), ())):
        try:
            conn.total_changes  # noqa: B018 - raises once closed
        except sqlite3.ProgrammingError:
            continue
        return True
    return False


def check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a path that cannot be a Cadence database."""
    if path.is_dir():
        raise DatabaseUnavailable(f"cannot open the database: {path} is a directory")
    if path.exists() and not path.is_file():
        # A FIFO would block the read below for ever; a device is no database.
        raise DatabaseUnavailable(
            f"cannot open the database: {path} is not a regular file (a FIFO, device or socket); give a database file"
        )
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseUnavailable(f"cannot read the database {path}: permission denied")
        if _open_here(path):
            # Checked when this process first opened it. Reading it again
            # would close a file descriptor on it, and closing any descriptor
            # of a file drops every POSIX lock this process holds on it
            # (sqlite.org/howtocorrupt.html 2.2): the other connections' WAL
            # locks go, another process then checkpoints and resets the WAL
            # under them, and their later commits are lost.
            return
        try:
            with path.open("rb") as fh:
                header = fh.read(16)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot read the database {path}: {exc.strerror}") from None
        if header and header != SQLITE_HEADER:
            raise DatabaseUnavailable(f"{path} is not a Cadence database (not an SQLite file); it was left untouched")
        if header and not os.access(path, os.W_OK):
            raise ReadOnlyDatabase(f"the database {path} is read-only; Cadence needs to write to it")
        if header and not os.access(path.parent, os.W_OK):
            raise ReadOnlyDatabase(
                f"the folder of {path} is read-only; SQLite needs to write its journal beside the file"
            )
    else:
        parent = path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(f"cannot create the folder {parent}: {exc.strerror}") from None
        if not os.access(parent, os.W_OK):
            raise ReadOnlyDatabase(f"cannot create the database {path}: the folder is read-only")


def open_connection(path: Path | str) -> sqlite3.Connection:
    """Open, check and migrate a database file.

    Order matters: the version is read before any pragma writes to the file,
    so a newer file (or a damaged one) is refused untouched.
    """
    memory = str(path) == ":memory:"
    if not memory:
        path = Path(path).expanduser()
        check_file(path)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, factory=_Connection)
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    if not memory:
        _OPEN_HERE.setdefault(str(Path(path).resolve()), weakref.WeakSet()).add(conn)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{path} was written by a newer Cadence (schema {version}; this version knows up to "
                f"{SCHEMA_VERSION}); upgrade Cadence. The file was left untouched"
            )
        if version > 0 or conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            pass
        else:
            # Tables but no version: some other application's database.
            raise DatabaseUnavailable(f"{path} is an SQLite file from another application, not a Cadence database")
        conn.execute("PRAGMA foreign_keys = ON")
        if not memory:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise ReadOnlyDatabase(f"cannot switch {path} to WAL mode (is the folder read-only?)")
            # NORMAL in WAL survives application crashes; see PITFALLS.md.
            conn.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            migrate(conn)
    except StoreError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    except UnicodeDecodeError:  # SQLite's message about a broken schema is not UTF-8
        conn.close()
        raise damaged(path, "the schema is not readable") from None
    return conn


# -- migrations ----------------------------------------------------------------------
def migrate(conn: sqlite3.Connection) -> list[int]:
    """Bring an open file up to :data:`SCHEMA_VERSION`; returns the versions applied."""
    return apply_migrations(conn)


def apply_migrations(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring ``conn`` from its ``user_version`` up to ``target``; returns the versions applied."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    applied = []
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would COMMIT on its own)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


# -- full-text search (FTS5) ---------------------------------------------------------
#: The condition on ``search_index s`` that finds the terms (:func:`fts_terms`).
SEARCH_MATCH = "search_index MATCH ?"


def fts_terms(text: str) -> str | None:
    """User text as an FTS5 query that cannot raise: each word quoted, prefix-matched, all required.

    None when the text holds no word characters (such a search matches nothing).
    """
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words[:16])


def fill_title_matches(conn: sqlite3.Connection, terms: str) -> None:
    """(Re)fill ``temp.action_title_matches`` with the ids of the action items
    whose title matches ``terms`` (an :func:`fts_terms` query)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS action_title_matches (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.action_title_matches")
    conn.execute(
        "INSERT INTO temp.action_title_matches(id) SELECT rowid FROM action_title_fts WHERE action_title_fts MATCH ?",
        (terms,),
    )


# -- the catalogue (JSON export and import) ------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(conn: sqlite3.Connection) -> list[str]:
    """Every user table in creation order (FTS tables, their shadow tables and internals skipped)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
    virtual = {name for name, sql in rows if "VIRTUAL TABLE" in (sql or "").upper()}
    names = []
    for name, _sql in rows:
        if name.startswith(("sqlite_", "_")) or name in virtual:
            continue
        if any(name.startswith(f"{v}_") for v in virtual):
            continue  # full-text index shadow tables: the triggers rebuild them on import
        names.append(name)
    return names


def foreign_parents(conn: sqlite3.Connection, table: str) -> set[str]:
    """The tables ``table`` has foreign keys to."""
    return {row[2] for row in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})").fetchall()}


def table_info(conn: sqlite3.Connection, table: str) -> list[Any]:
    """``PRAGMA table_info`` as rows with named fields (``name``, ``type``, ``pk``, …)."""
    cur = conn.execute(f"PRAGMA table_info({_quote(table)})")
    cur.row_factory = sqlite3.Row
    return cur.fetchall()


def secondary_indexes(conn: sqlite3.Connection, tables: set[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the explicit indexes on ``tables``
    (UNIQUE/PRIMARY KEY autoindexes have no statement and stay)."""
    rows = conn.execute(
        "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    return [(name, sql) for name, sql, table in rows if table in tables]


def broken_references(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """(table, parent table) of the first row whose foreign key points nowhere, else None."""
    problem = conn.execute("PRAGMA foreign_key_check").fetchone()
    return None if problem is None else (problem[0], problem[2])


# -- bulk loading --------------------------------------------------------------------
#: Rows per INSERT statement (capped by SQLite's variable limit); PITFALLS.md:
#: 1,000 beats sqlite-utils' default of 100 by ~16 %.
BATCH_SIZE = 1000


def insert_rows(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in ``columns`` order) into the existing ``table``
    with sqlite-utils' ``Table.insert_all``, inside the caller's transaction
    (sqlite-utils takes a savepoint there, never a commit of its own)."""
    if not rows:
        return
    import sqlite_utils

    assert conn.in_transaction, "insert_rows runs inside the caller's transaction"
    # recursive_triggers=False: sqlite-utils would otherwise switch the pragma
    # on for the store's connection, for good.
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    table_ = db.table(table)
    table_.insert_all([list(columns), *rows], batch_size=BATCH_SIZE)


# -- backup --------------------------------------------------------------------------
PAGES_PER_STEP = 2048


def backup_database(
    source: Path | str,
    target: Path | str,
    *,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy the database file ``source`` to ``target`` without changing it
    (no migration, no seeding: a file from a newer Cadence is copied as is).

    ``progress(done_pages, total_pages)`` is called as pages are copied.
    Refuses an existing target unless ``overwrite``; returns the absolute path.
    """
    source = Path(source).expanduser().absolute()
    if source.is_dir():
        raise DatabaseUnavailable(f"cannot back up {source}: it is a directory")
    if not source.exists():
        raise DatabaseUnavailable(f"there is no database at {source}")
    if not source.is_file():
        raise DatabaseUnavailable(f"cannot back up {source}: it is not a regular file (a FIFO, device or socket)")
    try:
        with source.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read the database {source}: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise DatabaseUnavailable(f"{source} is not a Cadence database (not an SQLite file)")
    reader = _reader(source)
    try:
        return _write_backup(reader, source, target, overwrite=overwrite, progress=progress)
    finally:
        reader.close()


def backup_connection(
    conn: sqlite3.Connection,
    target: Path | str,
    *,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy the database open on ``conn`` (an in-memory one: no file to read
    a snapshot from) to ``target``; return the absolute path written."""
    return _write_backup(conn, None, target, overwrite=overwrite, progress=progress)


def _write_backup(
    source: sqlite3.Connection,
    source_path: Path | None,
    target: Path | str,
    *,
    overwrite: bool,
    progress: Callable[[int, int], None] | None,
) -> Path:
    from cadence_tui.integrations.atomic_write import OutputError, atomic_output, database_files, is_protected

    shown = os.fspath(target)
    target = Path(target).expanduser().absolute()
    if target.is_dir():
        raise BackupExists(f"{shown} is a directory; give a file name for the backup")
    protect = database_files(source_path)
    if source_path is not None and is_protected(target, protect):
        raise BackupExists("the backup cannot overwrite the database it copies")
    if not overwrite and (target.exists() or target.is_symlink()):
        raise BackupExists(f"{shown} already exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise DatabaseUnavailable(f"cannot write the backup: the folder {target.parent} does not exist")
    # As private as the original: the copy is filled while only we can read
    # it (0600) and given the original's mode once complete, so a read-only
    # database gives a read-only backup (and a backup at all).
    mode = (source_path.stat().st_mode & 0o777) if source_path is not None else None
    tmp: Path | None = None
    try:
        with atomic_output(target, overwrite=overwrite, protect=protect, mode=mode, private=True) as tmp:
            _copy_into(source, tmp, progress, snapshot=source_path is not None, shown=shown)
            _verify(tmp)
    except FileExistsError:
        raise BackupExists(f"{shown} already exists; use --force to overwrite it") from None
    except OSError as exc:
        if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            raise DiskFull(f"the disk is full: the backup to {shown} was not written") from None
        reason = exc.reason if isinstance(exc, OutputError) else (exc.strerror or str(exc))
        raise DatabaseUnavailable(f"cannot write the backup {shown}: {reason}") from None
    finally:
        if tmp is not None:
            for leftover in (Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
    return target


def _copy_into(
    source: sqlite3.Connection,
    tmp: Path,
    progress: Callable[[int, int], None] | None,
    *,
    snapshot: bool,
    shown: str,
) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    dest = sqlite3.connect(tmp, isolation_level=None)
    try:
        if snapshot:
            # One snapshot for the whole copy: other processes' commits go to
            # the WAL and neither restart nor tear the backup.
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(dest, pages=PAGES_PER_STEP, progress=report)
        # A backup is one self-contained file: no WAL beside it.
        dest.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        err = translate(exc, shown)  # the path the user gave, not the temporary copy
        if isinstance(err, DiskFull):
            raise DiskFull(f"the disk is full: the backup was not written ({exc})") from None
        raise err from None
    finally:
        dest.close()
        if snapshot:
            with contextlib.suppress(sqlite3.Error):
                source.execute("ROLLBACK")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())


def _reader(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        return conn
    except sqlite3.Error as exc:
        raise translate(exc, path) from None


def _verify(path: Path) -> None:
    """The copy opens and passes ``PRAGMA integrity_check``."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"the backup copy could not be verified: {exc}; nothing was written") from None
    if result != [("ok",)]:
        problems = "; ".join(r[0] for r in result[:3])
        raise DatabaseUnavailable(f"the backup copy failed its integrity check ({problems}); nothing was written")
