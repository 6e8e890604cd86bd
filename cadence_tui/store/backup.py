"""A consistent copy of the database while other processes may be using it.

The copy is taken with SQLite's online backup API from a read transaction of
its own: in WAL mode writers carry on meanwhile and the copy is the database
as it was at one instant. It is written to a temporary file beside the target,
checked with ``PRAGMA integrity_check``, synced, and only then moved into
place, so the target path never holds a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from cadence_tui.store.base import StoreBase
from cadence_tui.store.errors import DatabaseUnavailable, StoreError, translate

PAGES_PER_STEP = 2048


class BackupExists(StoreError):
    """The target exists and overwriting was not asked for."""


class BackupStore(StoreBase):
    def backup_to(
        self,
        target: Path | str,
        *,
        overwrite: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """Copy the database to ``target``; return the absolute path written.

        ``progress(done_pages, total_pages)`` is called as pages are copied.
        Refuses an existing target unless ``overwrite``.
        """
        target = Path(target).expanduser().absolute()
        if target.is_dir():
            raise BackupExists(f"{target} is a directory; give a file name for the backup")
        if not overwrite and (target.exists() or target.is_symlink()):
            raise BackupExists(f"{target} already exists; use --force to overwrite it")
        if str(self.path) != ":memory:" and target == Path(self.path).absolute():
            raise BackupExists("the backup cannot overwrite the database it copies")
        if not target.parent.is_dir():
            raise DatabaseUnavailable(f"cannot write the backup: the folder {target.parent} does not exist")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            self._copy_into(tmp, progress)
            _verify(tmp)
            if overwrite:
                os.replace(tmp, target)
            else:
                try:
                    os.link(tmp, target)  # fails if the target appeared meanwhile: never clobber
                except FileExistsError:
                    raise BackupExists(f"{target} already exists; use --force to overwrite it") from None
                tmp.unlink()
            _fsync_dir(target.parent)
        finally:
            for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        return target

    def _copy_into(self, tmp: Path, progress: Callable[[int, int], None] | None) -> None:
        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        memory = str(self.path) == ":memory:"
        source = self.conn if memory else _reader(Path(self.path))
        dest = sqlite3.connect(tmp, isolation_level=None)
        try:
            if not memory:
                # One snapshot for the whole copy: other processes' commits go to
                # the WAL and do not restart or tear the backup.
                source.execute("BEGIN")
                source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            with self._lock if memory else contextlib.nullcontext():
                source.backup(dest, pages=PAGES_PER_STEP, progress=report)
            # A backup is one self-contained file: no WAL beside it.
            dest.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            raise translate(exc, tmp) from None
        finally:
            dest.close()
            if not memory:
                with contextlib.suppress(sqlite3.Error):
                    source.execute("ROLLBACK")
                source.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())


def _reader(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 5000")
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


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
