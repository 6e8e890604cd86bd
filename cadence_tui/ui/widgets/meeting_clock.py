"""The clock bar: meeting time against its timebox, and the current item's."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cadence_tui.core.meeting_clock import ClockState
from cadence_tui.core.timefmt import bounded_clock


def _span(elapsed: float, timebox: float, over: bool) -> Text:
    # Bounded: a stored start in another century shows ">99:59:59", not millions of hours.
    text = Text(bounded_clock(elapsed), style="bold red" if over else "bold")
    text.append(f" / {bounded_clock(timebox)}", style="dim")
    if over:
        text.append(f" +{bounded_clock(elapsed - timebox).lstrip('>')}", style="red")
    return text


class ClockBar(Static):
    """Shows a :class:`ClockState`; CSS classes ``-over``, ``-item-over``,
    ``-paused`` and ``-ended`` let the stylesheet colour the bar."""

    _state: ClockState | None = None
    _saving = 0  # writes waiting in the write queue (ui/write_queue.py)
    ended_elsewhere = False  # set by the meeting screen: another window ended it

    def show_saving(self, pending: int) -> None:
        """Say "saving…" while queued writes wait (another process holds the lock)."""
        if pending != self._saving:
            self._saving = pending
            if self._state is not None:
                self.show(self._state)

    @property
    def saving(self) -> bool:
        return self._saving > 0

    def show(self, state: ClockState) -> None:
        self._state = state
        text = Text()
        if self._saving:
            text.append("saving… ", style="bold yellow")
        if state.ended:
            text.append("■ ENDED ", style="bold")
            if self.ended_elsewhere:
                text.append("elsewhere ", style="bold yellow")
        elif state.paused:
            text.append("❚❚ PAUSED ", style="bold yellow")
            text.append("(space resumes) ", style="yellow")
        else:
            text.append("● ", style="bold green")
        text.append("Meeting ")
        text.append_text(_span(state.meeting_elapsed, state.meeting_timebox, state.meeting_over))
        text.append("   ")
        if state.item_id is not None:
            text.append(f"Item {state.item_number}/{state.item_count} ")
            text.append_text(_span(state.item_elapsed, state.item_timebox, state.item_over))
            text.append("  ")
            text.append(state.item_title, style="italic")
        elif not state.ended:
            text.append("Agenda done", style="dim")
        text.no_wrap, text.overflow = True, "ellipsis"
        self.update(text)
        self.set_class(state.meeting_over, "-over")
        self.set_class(state.item_over, "-item-over")
        self.set_class(state.paused, "-paused")
        self.set_class(state.ended, "-ended")
