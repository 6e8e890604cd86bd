"""Meeting and agenda clocks, computed from stored timestamps.

Nothing here counts ticks: every figure is derived from ``started_at``,
``ended_at``, ``paused_at``/``paused_seconds`` and each agenda item's
``elapsed_seconds`` + ``started_at``, so a restarted (or crashed and reopened)
app shows the same times as the one that was running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from cadence_tui.core.meeting import AgendaItem, Meeting


def meeting_elapsed(meeting: Meeting, now: datetime) -> float:
    """Seconds the meeting has run, paused time excluded."""
    end = meeting.ended_at or now
    paused = meeting.paused_seconds
    if meeting.paused_at is not None and meeting.ended_at is None:
        paused += max(0.0, (now - meeting.paused_at).total_seconds())
    return max(0.0, (end - meeting.started_at).total_seconds() - paused)


def item_elapsed(item: AgendaItem, now: datetime) -> float:
    """Seconds spent on an agenda item: earlier stints plus the running one."""
    running = 0.0
    if item.started_at is not None:
        running = max(0.0, (now - item.started_at).total_seconds())
    return item.elapsed_seconds + running


@dataclass(frozen=True)
class ClockState:
    """Everything the clock bar shows at one instant."""

    meeting_elapsed: float
    meeting_timebox: float  # seconds
    planned: float  # sum of the agenda items' timeboxes, seconds
    paused: bool
    ended: bool
    item_id: int | None = None
    item_title: str = ""
    item_number: int = 0  # 1-based position of the current item
    item_count: int = 0
    item_elapsed: float = 0.0
    item_timebox: float = 0.0

    @property
    def meeting_over(self) -> bool:
        return self.meeting_elapsed > self.meeting_timebox

    @property
    def item_over(self) -> bool:
        return self.item_id is not None and self.item_elapsed > self.item_timebox


def clock_state(meeting: Meeting, agenda: Sequence[AgendaItem], now: datetime) -> ClockState:
    current = next((i for i in agenda if i.state == "current"), None)
    base = ClockState(
        meeting_elapsed=meeting_elapsed(meeting, now),
        meeting_timebox=meeting.timebox_min * 60.0,
        planned=sum(i.timebox_min for i in agenda) * 60.0,
        paused=meeting.status == "paused",
        ended=meeting.status == "ended",
        item_count=len(agenda),
    )
    if current is None:
        return base
    return replace(
        base,
        item_id=current.id,
        item_title=current.title,
        item_number=agenda.index(current) + 1,
        item_elapsed=item_elapsed(current, now),
        item_timebox=current.timebox_min * 60.0,
    )


@dataclass(frozen=True)
class OverTime:
    """An over-run to announce: the meeting (``item_id`` None) or one item."""

    item_id: int | None
    title: str
    timebox_min: int


class OverTimeWatch:
    """Announces each over-run once, however often the clock is checked."""

    def __init__(self) -> None:
        self._items: set[int] = set()
        self._meeting = False

    def check(self, state: ClockState) -> list[OverTime]:
        events: list[OverTime] = []
        if state.ended:
            return events
        if state.item_over and state.item_id not in self._items:
            self._items.add(state.item_id)  # type: ignore[arg-type]
            events.append(OverTime(state.item_id, state.item_title, round(state.item_timebox / 60)))
        if state.meeting_over and not self._meeting:
            self._meeting = True
            events.append(OverTime(None, "the meeting", round(state.meeting_timebox / 60)))
        return events
