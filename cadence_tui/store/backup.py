"""A consistent copy of the database while other processes may be using it.

Each engine copies its own way: SQLite's online backup API from a read
transaction of its own (:func:`cadence_tui.store.engines.sqlite.backup_database`:
in WAL mode writers carry on meanwhile and the copy is the database as it was
at one instant, written to a temporary file beside the target, checked with
``PRAGMA integrity_check``, synced, and only then moved into place);
PostgreSQL's ``pg_dump`` (:func:`cadence_tui.store.engines.pg_dump_backup`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cadence_tui.store.base import StorePart
from cadence_tui.store.engines import DatabaseUrl
from cadence_tui.store.engines.sqlite import backup_connection, backup_database
from cadence_tui.store.errors import BackupExists

__all__ = ["BackupExists", "BackupStore", "backup_database"]


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
                return backup_connection(self.conn, target, overwrite=overwrite, progress=progress)
        if isinstance(self.path, DatabaseUrl):
            from cadence_tui.store.engines import pg_dump_backup

            return Path(pg_dump_backup(self.path, str(target), overwrite=overwrite))
        return backup_database(Path(self.path), target, overwrite=overwrite, progress=progress)
