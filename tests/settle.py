"""Waiting for the app's work off the UI thread, in Pilot tests.

Screens read and write the store in thread workers (ui/store_work.py, the
meeting screen's read_meeting) and through the app's write queue
(ui/write_queue.py), whose results arrive as messages after Pilot's
``press`` has returned; a test that looks at a widget or at the database
right after a key waits for them with :func:`settle`: every worker done,
every queued write landed, and the messages they posted handled (handlers
may start more reads: it loops).
"""

from __future__ import annotations

import asyncio
from typing import Any


async def settle(pilot: Any, *, rounds: int = 20, timeout: float = 10.0) -> None:
    """Return once no store work is left and the screen is idle (or after
    ``timeout`` seconds of waiting on one stuck worker or write: a worker
    stuck on something outside the app must not hang the test)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        # (A cancelled worker, replaced by a newer read, is not an error here;
        # a failed one stops the app, which the test then sees.)
        waits = asyncio.gather(*(worker.wait() for worker in list(app.workers)), return_exceptions=True)
        try:
            await asyncio.wait_for(waits, timeout)
        except TimeoutError:
            return
        queue = getattr(app, "_write_queue", None)
        if queue is not None and queue.pending and not await asyncio.to_thread(queue.wait_idle, timeout):
            return  # a write stuck on a lock held outside the app: not for ever, not once a round
        await pilot.pause()
        running = [w for w in app.workers if w.is_running]
        if not running and (queue is None or not queue.pending):
            return
