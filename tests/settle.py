"""Wait for what a key started to be on screen: the screens read and write
the database in thread workers (and the ordered write queue), whose results
arrive as messages after Pilot's ``press`` has returned."""

from __future__ import annotations

import asyncio
from typing import Any


async def settle(pilot: Any, *, rounds: int = 3, timeout: float = 10.0) -> None:
    """Until no worker runs, no queued write waits and the screen is idle
    (a worker's result can start another worker: a few rounds)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        try:  # a worker stuck on something outside the app must not hang the test
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout)
        except TimeoutError:
            return
        queue = getattr(app, "_write_queue", None)
        if queue is not None and queue.pending:
            await asyncio.to_thread(queue.wait_idle, timeout)
        await pilot.pause()
        if not any(w.is_running for w in app.workers) and not (queue is not None and queue.pending):
            return
