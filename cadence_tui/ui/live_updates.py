"""Live screens: what another terminal (or browser tab) committed to the same
database appears without a key press.

One poller for the whole app. Twice a second it reads SQLite's
``PRAGMA data_version`` on the app's own connection: a counter that changes
only when *another* connection committed (so this app's own writes never
trigger it; those of its write queue's connection do, which is harmless).
Reading it costs microseconds and touches no table. When it changed, every
screen on the stack gets a :class:`DatabaseChanged` message; a screen that
shows stored data handles it (``on_database_changed``) by re-reading what it
shows: home, action items, history, a running meeting. A screen not on top
may wait until it is shown again (most re-read on resume anyway).

The poll never waits: if a worker thread holds the store's lock, it skips
that round and tries again 0.5 s later.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from textual.message import Message

from cadence_tui.store.errors import StoreError

POLL_SECONDS = 0.5


class DatabaseChanged(Message):
    """Another connection committed to the database since the last poll."""


class LiveUpdates:
    """Polls ``PRAGMA data_version`` on ``app.store.conn``; see the module docstring."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.version: int | None = None
        self.changes = 0  # how many changes were announced (for tests)

    def start(self) -> None:
        self.version = self.read()
        self.app.set_interval(POLL_SECONDS, self.poll, name="live-updates")

    def read(self) -> int | None:
        store = self.app.store
        lock = getattr(store, "_lock", None)
        if lock is not None and not lock.acquire(blocking=False):
            return None  # a worker is using the connection: next round
        try:
            return int(store.conn.execute("PRAGMA data_version").fetchone()[0])
        except (sqlite3.Error, StoreError, AttributeError, TypeError):
            return None  # closed or unreadable: the screens report such errors themselves
        finally:
            if lock is not None:
                lock.release()

    def poll(self) -> None:
        version = self.read()
        if version is None:
            return
        if self.version is None:
            self.version = version
            return
        if version != self.version:
            self.version = version
            self.changes += 1
            for screen in list(self.app.screen_stack):
                screen.post_message(DatabaseChanged())


def start_live_updates(app: Any) -> LiveUpdates:
    live = LiveUpdates(app)
    live.start()
    return live
