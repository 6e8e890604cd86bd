"""Errors the store raises. Each carries a one-line message fit for a user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_STORE_DIR = Path(__file__).resolve().parent


class StoreError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence."""

    def __rich__(self) -> object:
        """The one line the app prints if this error escapes every handler:
        Textual then exits (status 1) showing an exception's ``__rich__``
        rather than a traceback. The prefix is ``launch.ERROR_PREFIX`` (the
        store cannot import launch: it leads to the UI)."""
        from rich.text import Text

        from cadence_tui.core.textsafe import show_controls

        return Text(f"cadence: error: {show_controls(str(self))}")


class DatabaseUnavailable(StoreError):
    """The file cannot be opened as a Cadence database (corrupt, not SQLite, unreadable)."""


class NewerSchemaError(DatabaseUnavailable):
    """The file was written by a newer Cadence; it is left untouched."""


class DatabaseBusy(StoreError):
    """Another process held the write lock for longer than the busy timeout."""


class ReadOnlyDatabase(StoreError):
    """The file or its folder cannot be written."""


class ReadOnlyAccess(ReadOnlyDatabase):
    """The database user may read but not write (a PostgreSQL role with
    SELECT only): the write was refused and nothing changed; reading goes on."""


class DiskFull(StoreError):
    """The disk (or the file-size limit) is full; the last change was not saved."""


class BackupExists(StoreError):
    """The backup's target exists and overwriting was not asked for."""


class NotFound(StoreError):
    """An id or key that does not exist."""


class InvalidInput(StoreError, ValueError):
    """A value the store refuses (empty title, bad date, ...)."""


class UnreadableValue(ValueError):
    """A value read from the file is not what its column holds (a damaged
    page can shift a row's columns): reported as a damaged file, not a crash."""


def damaged(path: object, detail: str) -> DatabaseUnavailable:
    """The file is corrupt: say which, why, and what to do."""
    from cadence_tui.core.textsafe import strip_control

    what = str(path) if path else "the database"
    return DatabaseUnavailable(
        f"{what} is damaged ({strip_control(detail)}); restore it from your last backup (cadence backup makes one)"
    )


def raised_by_store(exc: BaseException) -> bool:
    """Whether ``exc`` was raised in the store's own code, e.g. by a
    ``conn.execute`` there (SQLite's C code adds no frame of its own)."""
    tb, innermost = exc.__traceback__, None
    while tb is not None:
        innermost, tb = tb.tb_frame.f_code.co_filename, tb.tb_next
    return innermost is not None and Path(innermost).resolve().parent == _STORE_DIR


def store_failure(exc: BaseException, path: object = None) -> StoreError | None:
    """An error that escaped from reading the database, as a StoreError (None:
    not a database error). SQLite reports some damage in messages that are not
    UTF-8 (a broken name in the schema): Python raises UnicodeDecodeError then."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return translate(exc, path)
    if isinstance(exc, UnicodeDecodeError) and raised_by_store(exc):
        return damaged(path, "text in the file is not UTF-8")
    if isinstance(exc, UnreadableValue):
        return damaged(path, str(exc))
    return None


def translate(exc: sqlite3.Error, path: object = None) -> StoreError:
    """Map a sqlite3 error to a StoreError with a clear message."""
    text = str(exc)
    low = text.lower()
    where = f" ({path})" if path else ""
    if "locked" in low or "busy" in low:
        return DatabaseBusy(
            f"the database is busy{where}: another Cadence process kept it locked; nothing was changed, try again"
        )
    if "readonly" in low or "read-only" in low:
        return ReadOnlyDatabase(f"the database is read-only{where}: changes cannot be saved")
    if "disk is full" in low or "database or disk is full" in low:
        return DiskFull(f"the disk is full{where}: the last change was not saved")
    if "malformed" in low or "not a database" in low or "corrupt" in low or "could not decode" in low:
        return damaged(path, text)
    if "unable to open" in low:
        return DatabaseUnavailable(f"cannot open the database{where}: {text}")
    if "disk i/o" in low:
        # A write past a file-size limit (EFBIG) arrives here, not as "full".
        return DatabaseUnavailable(
            f"disk I/O error on the database{where}: the disk may be full or failing; the last change was not saved"
        )
    return StoreError(f"database error{where}: {text}")
