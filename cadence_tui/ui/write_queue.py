"""One ordered queue for the writes the UI could not make at once.

The UI thread never waits on the database lock. On SQLite a screen tries a
write with :meth:`StoreBase.without_waiting` (it fails at once if another
process holds the lock); when the file is busy, or when earlier writes are
still queued, it submits the write here instead. On PostgreSQL every write
comes here (``StoreBase.writes_at_once``): each statement is a round trip to
the server. One thread runs the queued writes one at a
time, in submission order, on its own connection (the app's connection is
shared behind an RLock that a write waiting on SQLite's busy timeout would
hold, freezing every read of the UI thread). Each job ends by posting a typed
message to the widget that submitted it: :class:`WriteDone` or
:class:`WriteFailed` (whose handler keeps what was typed).

The connection is opened once, on the first queued write, and kept until the
app exits (:meth:`WriteQueue.close`, from the app's unmount): a meeting's
agenda and triage keys all go through the queue, and opening a connection
per burst cost more than the writes. The app's change watcher adopts it
(``watcher.adopt``), so its commits are the app's own, not another
terminal's: they cause no live reload (ui/live_updates.py).

The thread runs while there is work and ends when the queue is empty; it is
not a daemon, so quitting the app lets queued writes finish first (a close
while writes wait leaves the connection to the thread, which closes it when
the last one is done).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from cadence_tui.store.errors import StoreError


@dataclass
class WriteJob:
    """A write to run on the queue's store: ``run(store)`` returns the result."""

    run: Callable[[Any], Any]
    target: MessagePump
    what: str = ""  # for messages: "action item", "note"
    data: dict[str, Any] = field(default_factory=dict)  # what the handler needs (the typed values)


class WriteDone(Message):
    """A queued write landed."""

    def __init__(self, job: WriteJob, result: Any) -> None:
        super().__init__()
        self.job = job
        self.result = result


class WriteFailed(Message):
    """A queued write failed (lock held past the timeout, disk full…); nothing was changed."""

    def __init__(self, job: WriteJob, error: StoreError) -> None:
        super().__init__()
        self.job = job
        self.error = error


class WriteQueue:
    """See the module docstring. ``pending`` counts jobs not finished yet."""

    def __init__(self, store: Any, app: Any = None) -> None:
        self.store = store
        self.app = app  # told of a failed write whose screen has closed since
        self._jobs: deque[WriteJob] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._store: Any = None  # the queue's own store, once opened (kept until close)
        self._closing = False  # the app is exiting: close the store once the queue is empty
        self._pending = 0
        self._idle = threading.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def submit(self, job: WriteJob) -> None:
        with self._lock:
            self._jobs.append(job)
            self._pending += 1
            self._idle.clear()
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._drain, name="cadence-writes").start()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued write finished (tests, app exit)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """(App exit) Close the queue's connection: now when the queue is
        empty, else by the thread once the last queued write is done."""
        with self._lock:
            self._closing = True
            if self._running:
                return
            store, self._store = self._store, None
        self._close_store(store)

    def _close_store(self, store: Any) -> None:
        if store is not None and store is not self.store:
            store.close()

    def _open_store(self) -> Any:
        """The queue's store: opened on the first queued write, then kept."""
        if self._store is not None:
            return self._store
        if str(self.store.path) == ":memory:":
            store = self.store  # no other process can lock it; a second connection would be another database
        else:
            from cadence_tui.store import Store

            store = Store(self.store.path, now=self.store._now)
            store.actor = self.store.actor  # the same "me" as the app's connection
            watcher = self.store.commits_seen_by
            if watcher is not None:
                watcher.adopt(store)  # its commits are the app's own: no live reload
        self._store = store
        return store

    def _drain(self) -> None:
        store: Any = None
        while True:
            with self._lock:
                if not self._jobs:
                    self._running = False
                    if self._closing:
                        store, self._store = self._store, None
                    else:
                        store = None
                    self._idle.set()
                    break
                job = self._jobs.popleft()
            message: Message
            try:
                message = WriteDone(job, job.run(self._open_store()))
            except StoreError as exc:
                message = WriteFailed(job, exc)
            except Exception as exc:  # never lose the job silently
                message = WriteFailed(job, StoreError(f"the {job.what or 'change'} was not saved: {exc}"))
            with self._lock:
                self._pending -= 1
            if not job.target.post_message(message) and isinstance(message, WriteFailed):
                self._orphaned_failure(message)
        self._close_store(store)

    def _orphaned_failure(self, failed: WriteFailed) -> None:
        """The screen that asked for the write has closed (the user left the
        meeting or quit): the text must not vanish, so the app shows it whole
        in a notification that stays up, with why it was not saved."""
        if self.app is None:
            return
        values = failed.job.data.get("values", {})
        typed = " · ".join(str(v) for v in values.values() if v) or "(empty)"
        self.app.notify(
            f"Not saved: {typed}\n{failed.error}",
            title=f"The {failed.job.what or 'change'} was not saved",
            severity="error",
            timeout=120,
            markup=False,
        )


def write_queue(app: Any) -> WriteQueue:
    """The app's one write queue (made on first use)."""
    queue = getattr(app, "_write_queue", None)
    if queue is None:
        queue = WriteQueue(app.store, app)
        app._write_queue = queue
    return queue
