"""The notice shown over a screen when the terminal is too small to use.

Below :data:`MIN_WIDTH` x :data:`MIN_HEIGHT` columns would drop out of tables,
the scorecard would vanish and footers would lose keys without a word. The
notice says so instead. It takes no focus: what the user types still reaches
the field that had it, so nothing typed is lost.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

# Every screen is laid out to fit 80x24 whole (tests/functional/test_footers.py).
MIN_WIDTH = 80
MIN_HEIGHT = 24


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


class SizeNotice(Static, can_focus=False):
    """ "Make the terminal at least 80×24", over the whole screen."""

    def show_size(self, size: Size) -> None:
        self.update(
            f"Cadence needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; "
            f"this one is {size.width}×{size.height}.\n"
            "Make the window larger (or the font smaller) to go on."
        )


def update_size_notice(screen: Screen, size: Size) -> None:
    """Mount, update or remove the notice on ``screen`` for a terminal of ``size``."""
    notices = list(screen.query(SizeNotice))
    if not too_small(size):
        for notice in notices:
            notice.remove()
        return
    if notices:
        notices[0].show_size(size)
        return
    notice = SizeNotice(id="size-notice")
    notice.show_size(size)
    screen.mount(notice)
