"""Waiting for the app's work off the UI thread, in Pilot tests.

Screens read and write the store in thread workers (ui/store_work.py) and
through the app's write queue (ui/write_queue.py); a test that looks at a
widget or at the database right after a key waits for them with
:func:`settle`: every worker done, every queued write landed, and the
messages they posted handled (handlers may start more reads: it loops).
"""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot


async def settle(pilot: Pilot, *, rounds: int = 20) -> None:
    """Return once no store work is left and the screen is idle."""
    app = pilot.app
    for _ in range(rounds):
        # (A cancelled worker, replaced by a newer read, is not an error here;
        # a failed one stops the app, which the test then sees.)
        await asyncio.gather(*(worker.wait() for worker in list(app.workers)), return_exceptions=True)
        queue = getattr(app, "_write_queue", None)
        if queue is not None:
            await asyncio.to_thread(queue.wait_idle, 10)
        await pilot.pause()
        running = [w for w in app.workers if w.is_running]
        if not running and (queue is None or not queue.pending):
            return
