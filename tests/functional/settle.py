"""Waiting for the database work a key started, before asserting on its effect.

Screens read and write in thread workers (reads) and the app's ordered write
queue (writes), then change widgets in message handlers. ``pilot.pause()``
waits for the app to be idle, not for a thread, so a test that reads the
screen right after a key must wait for that work: :func:`settle` waits until
no worker runs, no queued write is pending, no screen says it is ``busy``
(a debounced search), and the messages they posted have been handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from textual.pilot import Pilot
from textual.worker import WorkerCancelled


def _busy(app) -> bool:
    queue = getattr(app, "_write_queue", None)
    if queue is not None and queue.pending:
        return True
    if any(worker.is_running for worker in app.workers):
        return True
    return any(getattr(screen, "busy", False) for screen in app.screen_stack)


async def settle(pilot: Pilot, timeout: float = 10.0) -> None:
    """Wait for the reads and writes the last keys started, and their handlers."""
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
