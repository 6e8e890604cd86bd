"""Waiting for the app's work off the UI thread, in Pilot tests.

Screens read and write the store in thread workers (ui/store_work.py, the
meeting screen's read_meeting) and through the app's write queue
(ui/write_queue.py), whose results arrive as messages after Pilot's
``press`` has returned. ``pilot.pause()`` waits for the app to be idle, not
for a thread, so a test that looks at a widget or at the database right
after a key waits for that work. Two behaviours, one name each:

- :func:`settle`, called by tests: every worker done, every queued write
  landed, no screen ``busy`` (a debounced search still to run), and the
  messages they posted handled (handlers may start more reads: it loops).
  Work still going after ``timeout`` seconds fails the test.
- :func:`settle_after_press`, called after every ``Pilot.press`` by the
  autouse wrapper in tests/conftest.py: the same wait for workers and
  queued writes, but not for a debounced search (the keys typed into a
  search box must reach it as a burst), and after ``timeout`` seconds on
  one stuck worker or write it gives up quietly (a worker stuck on a lock
  held outside the app must not hang the test; the test's assertions say
  what went wrong).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from textual.worker import WorkerCancelled


def _store_work_pending(app: Any) -> bool:
    queue = getattr(app, "_write_queue", None)
    if queue is not None and queue.pending:
        return True
    return any(worker.is_running for worker in app.workers)


def _busy(app: Any) -> bool:
    return _store_work_pending(app) or any(getattr(screen, "busy", False) for screen in app.screen_stack)


async def _handle_posted_messages(pilot: Any) -> None:
    """Every message already posted to the app and the screen's widgets is
    handled (Textual's own wait in ``pilot.pause``, without its idle sleep)."""
    await pilot._wait_for_screen()


async def settle(pilot: Any, timeout: float = 10.0) -> None:
    """Wait for the reads and writes the last keys started, a pending
    debounced search, and their handlers; fail after ``timeout`` seconds."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while _busy(app):
        if time.monotonic() > deadline:
            raise AssertionError("the app's database work did not finish")
        queue = getattr(app, "_write_queue", None)
        if queue is not None and queue.pending:
            await asyncio.to_thread(queue.wait_idle, 1.0)
        # An exclusive worker replaced by a newer one is cancelled: wait for that one instead.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause(0.01)
    await pilot.pause()


async def settle_after_press(pilot: Any, *, rounds: int = 20, timeout: float = 10.0) -> None:
    """Return once no store work is left and its messages are handled (or
    after ``timeout`` seconds of waiting on one stuck worker or write)."""
    app = pilot.app
    await pilot.pause()
    for _ in range(rounds):
        workers = list(app.workers)
        queue = getattr(app, "_write_queue", None)
        if not workers and (queue is None or not queue.pending):
            # Nothing ran off the UI thread (or it ended within the pause):
            # handle what it posted, and done unless a handler started more.
            await _handle_posted_messages(pilot)
            if not _store_work_pending(app):
                return
            continue
        # (A cancelled worker, replaced by a newer read, is not an error here;
        # a failed one stops the app, which the test then sees.)
        waits = asyncio.gather(*(worker.wait() for worker in workers), return_exceptions=True)
        try:
            await asyncio.wait_for(waits, timeout)
        except TimeoutError:
            return
        if queue is not None and queue.pending and not await asyncio.to_thread(queue.wait_idle, timeout):
            return  # a write stuck on a lock held outside the app: not for ever, not once a round
        await pilot.pause()
        if not _store_work_pending(app):
            return
