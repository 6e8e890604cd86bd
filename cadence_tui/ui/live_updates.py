"""Live screens: what another terminal (or browser tab) committed to the same
database appears without a key press.

One watcher for the whole app, ``store.change_watcher()``, waited on by a
thread of its own, never the UI thread (the database may be across a
network): on SQLite it polls ``PRAGMA data_version`` on a dedicated connection
four times a second; on PostgreSQL it LISTENs to the NOTIFY every write
sends, and sleeps until one arrives. The app's own commits are not reported:
the app's connection's, and the write queue's (ui/write_queue.py, adopted by
the watcher when it opens), so a meeting's agenda and triage keys cause no
reload of their own.
When another client committed, every screen on the stack gets a
:class:`DatabaseChanged` message (handed to the UI thread's loop without
waiting for it); a screen that shows stored data handles it
(``on_database_changed``) by re-reading what it shows: home, action items,
history, a running meeting, the follow-along view. An idle app's UI thread is
never woken by this.

The thread is a daemon (a connect hanging on an unreachable server never
holds up quitting) and ends when the app unmounts (:meth:`LiveUpdates.stop`,
which wakes it at once), closing its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from textual.message import Message

#: How long one wait of the thread lasts before it looks at the stop flag again
#: (a stop wakes it at once anyway; changes are seen as they come).
WAIT_SECONDS = 5.0


class DatabaseChanged(Message):
    """Another client committed to the database."""


class LiveUpdates:
    """The watcher's thread and the fan-out to screens; see the module docstring."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.changes = 0  # how many changes were announced (for tests)
        self.watcher: Any = None
        self.thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start the thread (from the UI thread, in the app's on_mount)."""
        self._loop = asyncio.get_running_loop()
        self.watcher = self.app.store.change_watcher()
        self.thread = threading.Thread(target=self._run, name="cadence-live-updates", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        watcher = self.watcher
        try:
            while not self._stopping.is_set():
                try:
                    changed = watcher.wait(WAIT_SECONDS)
                except Exception:  # an unreadable database: the screens report that themselves
                    self._stopping.wait(WAIT_SECONDS)
                    continue
                if changed and not self._stopping.is_set():
                    self._post()
        finally:
            watcher.close()

    def _post(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: the app is gone
            loop.call_soon_threadsafe(self.announce)

    def announce(self) -> None:
        """(UI thread) Tell every screen on the stack that the database changed."""
        if self._stopping.is_set() or not self.app.is_running:
            return
        self.changes += 1
        for screen in list(self.app.screen_stack):
            screen.post_message(DatabaseChanged())

    def stop(self, timeout: float = 0.5) -> None:
        """End the thread (it closes its connection); waits up to ``timeout``."""
        self._stopping.set()
        if self.watcher is not None:
            self.watcher.stop()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout)


def start_live_updates(app: Any) -> LiveUpdates:
    live = LiveUpdates(app)
    live.start()
    return live
