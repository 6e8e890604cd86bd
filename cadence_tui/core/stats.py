"""Time statistics of a cadence over its last meetings. Pure: the store reads
the rows (:mod:`cadence_tui.store.stats`), this module computes the figures.

Definitions (also shown by ``cadence stats --help``):

- A meeting's duration is ``ended_at - started_at - paused time``; only ended
  meetings count.
- An agenda item *runs over* when its actual minutes exceed its timebox; items
  are grouped by title across meetings. ``always_over``: over in every meeting
  that had it.
- Attendance rate: people present ÷ people on the attendance list.
- Action items are those raised in these meetings. Completion rate: done ÷
  raised (dropped items count as not done). On time: done items that have a
  due date and were closed on or before it (local date) ÷ done items with a due
  date; items without a due date are left out of this share. Median days to
  close: over done items, from creation to closing.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

DEFAULT_LAST = 12
# What a stored duration can sensibly be: a year. Another tool can write
# anything (1e308, infinity, text); such a figure is bounded, not drawn as
# 300 digits or a crash.
MAX_SECONDS = 366 * 86400
MAX_MINUTES = MAX_SECONDS // 60


def bounded(value: object, limit: float) -> float:
    """A stored number clamped to ``[0, limit]``; 0 when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    try:
        number = float(value)
    except OverflowError:
        return float(limit) if value > 0 else 0.0
    if number != number:  # NaN
        return 0.0
    return min(max(number, 0.0), float(limit))


@dataclass(frozen=True)
class ItemRecord:
    """An agenda item of an ended meeting as statistics read it: its timebox and the time spent on it."""

    title: str
    timebox_min: int
    elapsed_seconds: float
    position: int = 0


@dataclass(frozen=True)
class MeetingRecord:
    """An ended meeting as statistics read it: times, paused time, agenda items, attendance, ratings."""

    id: int
    started_at: datetime
    ended_at: datetime
    timebox_min: int
    paused_seconds: float = 0.0
    items: tuple[ItemRecord, ...] = ()
    invited: int = 0
    present: int = 0
    ratings: tuple[int, ...] = ()

    @property
    def duration_min(self) -> float:
        return max(0.0, (self.ended_at - self.started_at).total_seconds() - self.paused_seconds) / 60


@dataclass(frozen=True)
class ActionRecord:
    """An action item raised in the meetings counted, for the completion and on-time figures."""

    created_at: datetime
    due: date | None
    status: str
    closed_at: datetime | None = None


@dataclass(frozen=True)
class AgendaItemStats:
    """An agenda item (grouped by title) across the meetings counted: planned against actual minutes, overruns."""

    title: str
    meetings: int
    planned_min: float  # average timebox
    actual_min: float  # average actual minutes
    over_count: int
    avg_over_min: float  # average overrun in the meetings where it ran over (0 if never)

    @property
    def always_over(self) -> bool:
        return self.meetings > 0 and self.over_count == self.meetings


@dataclass(frozen=True)
class CadenceStats:
    """A cadence's time statistics over its last meetings (``cadence stats``, the app's ``S`` screen)."""

    cadence_key: str
    cadence_name: str
    last_n: int
    meetings: int
    first: datetime | None = None
    last: datetime | None = None
    items: tuple[AgendaItemStats, ...] = ()
    avg_duration_min: float | None = None
    avg_timebox_min: float | None = None
    over_timebox: int = 0
    avg_overrun_min: float | None = None  # over the meetings that ran over
    avg_rating: float | None = None
    ratings: int = 0
    attendance_rate: float | None = None
    actions_raised: int = 0
    actions_done: int = 0
    actions_dropped: int = 0
    completion_rate: float | None = None
    on_time_rate: float | None = None
    on_time_base: int = 0  # done items with a due date
    median_days_to_close: float | None = None
    durations: tuple[float, ...] = field(default=(), repr=False)  # per meeting, oldest first

    @property
    def always_over(self) -> tuple[AgendaItemStats, ...]:
        return tuple(i for i in self.items if i.always_over)

    def to_json(self) -> dict:
        data = asdict(self)
        data["first"] = self.first.isoformat() if self.first else None
        data["last"] = self.last.isoformat() if self.last else None
        data["items"] = [
            {
                **asdict(i),
                "always_over": i.always_over,
                "planned_min": round(i.planned_min, 2),
                "actual_min": round(i.actual_min, 2),
                "avg_over_min": round(i.avg_over_min, 2),
            }
            for i in self.items
        ]
        for key in (
            "avg_duration_min",
            "avg_timebox_min",
            "avg_overrun_min",
            "avg_rating",
            "attendance_rate",
            "completion_rate",
            "on_time_rate",
            "median_days_to_close",
        ):
            if data[key] is not None:
                data[key] = round(data[key], 3)
        data["durations"] = [round(d, 2) for d in self.durations]
        return data


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def agenda_item_stats(meetings: Iterable[MeetingRecord]) -> tuple[AgendaItemStats, ...]:
    """Planned vs actual minutes per agenda title, in agenda order."""
    grouped: dict[str, list[ItemRecord]] = {}
    order: dict[str, float] = {}
    for m in meetings:
        for item in m.items:
            grouped.setdefault(item.title, []).append(item)
            order.setdefault(item.title, item.position)
    out = []
    for title, items in grouped.items():
        actual = [i.elapsed_seconds / 60 for i in items]
        overruns = [a - i.timebox_min for a, i in zip(actual, items, strict=False) if a > i.timebox_min]
        out.append(
            AgendaItemStats(
                title=title,
                meetings=len(items),
                planned_min=sum(i.timebox_min for i in items) / len(items),
                actual_min=sum(actual) / len(actual),
                over_count=len(overruns),
                avg_over_min=_mean(overruns) or 0.0,
            )
        )
    out.sort(key=lambda s: (order[s.title], s.title))
    return tuple(out)


def compute_stats(
    cadence_key: str,
    cadence_name: str,
    meetings: list[MeetingRecord],
    actions: list[ActionRecord],
    *,
    last_n: int = DEFAULT_LAST,
) -> CadenceStats:
    """Every figure of the statistics screen for one cadence."""
    meetings = sorted(meetings, key=lambda m: m.started_at)
    if not meetings:
        return CadenceStats(cadence_key, cadence_name, last_n, 0)
    durations = tuple(m.duration_min for m in meetings)
    overruns = [d - m.timebox_min for d, m in zip(durations, meetings, strict=False) if d > m.timebox_min]
    ratings = [r for m in meetings for r in m.ratings]
    invited = sum(m.invited for m in meetings)
    present = sum(m.present for m in meetings)

    done = [a for a in actions if a.status == "done"]
    dropped = sum(1 for a in actions if a.status == "dropped")
    dated = [a for a in done if a.due is not None and a.closed_at is not None]
    on_time = [
        a for a in dated if a.closed_at is not None and a.due is not None and a.closed_at.astimezone().date() <= a.due
    ]
    close_days = [(a.closed_at - a.created_at).total_seconds() / 86400 for a in done if a.closed_at is not None]
    return CadenceStats(
        cadence_key=cadence_key,
        cadence_name=cadence_name,
        last_n=last_n,
        meetings=len(meetings),
        first=meetings[0].started_at,
        last=meetings[-1].started_at,
        items=agenda_item_stats(meetings),
        avg_duration_min=_mean(durations),
        avg_timebox_min=_mean(m.timebox_min for m in meetings),
        over_timebox=len(overruns),
        avg_overrun_min=_mean(overruns),
        avg_rating=_mean(ratings),
        ratings=len(ratings),
        attendance_rate=present / invited if invited else None,
        actions_raised=len(actions),
        actions_done=len(done),
        actions_dropped=dropped,
        completion_rate=len(done) / len(actions) if actions else None,
        on_time_rate=len(on_time) / len(dated) if dated else None,
        on_time_base=len(dated),
        median_days_to_close=statistics.median(close_days) if close_days else None,
        durations=durations,
    )


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} min"
