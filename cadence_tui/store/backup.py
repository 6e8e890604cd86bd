"""A consistent copy of the database while other processes may be using it.

The copy is taken with SQLite's online backup API from a read transaction of
its own: in WAL mode writers carry on meanwhile and the copy is the database
as it was at one instant. It is written to a temporary file beside the target,
checked with ``PRAGMA integrity_check``, synced, and only then moved into
place, so the target path never holds a half-written file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from cadence_tui.store.base import SQLITE_HEADER, StorePart, busy_timeout_ms
from cadence_tui.store.engines import DatabaseUrl
from cadence_tui.store.errors import DatabaseUnavailable, DiskFull, StoreError, translate

PAGES_PER_STEP = 2048


class BackupExists(StoreError):
    """The target exists and overwriting was not asked for."""


class BackupStore(StorePart):
    def backup_to(
        self,
        target: Path | str,
        *,
        overwrite: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """Copy this database to ``target``; return the absolute path written."""
        if str(self.path) == ":memory:":
            with self._lock:
                return _write_backup(self.conn, None, target, overwrite=overwrite, progress=progress)
        if isinstance(self.path, DatabaseUrl):
            from cadence_tui.store.engines import pg_dump_backup

            return Path(pg_dump_backup(self.path, str(target), overwrite=overwrite))
        return backup_database(Path(self.path), target, overwrite=overwrite, progress=progress)


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
