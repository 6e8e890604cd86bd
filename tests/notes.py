"""What the user reads in the app's notifications, through Textual's public
widgets: each ``Toast`` on the current screen, rendered as shown (its title,
a new line, its message). The app must run with
``run_test(..., notifications=True)`` (Pilot leaves toasts out otherwise).
"""

from __future__ import annotations

from textual.pilot import Pilot


def toast_texts(pilot: Pilot) -> list[str]:
    """The notifications on screen now (title and message of each)."""
    return [str(toast.render()) for toast in pilot.app.screen.query("Toast")]


async def shown_notes(pilot: Pilot, *, wait: float = 2.0) -> list[str]:
    """The notifications on screen, waiting (up to ``wait`` s) for Textual to
    mount their toasts, which it does a moment after ``notify()``."""
    for _ in range(int(wait / 0.02)):
        shown = toast_texts(pilot)
        if shown:
            return shown
        await pilot.pause(0.02)
    return []
