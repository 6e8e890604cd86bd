"""Cadence schedules: RFC 5545 recurrence rules evaluated with ``dateutil.rrule``.

A schedule is a rule (``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU``), an anchor date
(the DTSTART, which fixes e.g. which weeks "every other week" falls on), a
local start time and an IANA zone. Occurrences are generated in local wall
time, so a 09:00 meeting stays at 09:00 across DST changes; a time that does
not exist on a spring-forward day is moved forward by the gap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_TIME = r"^([01]?\d|2[0-3]):([0-5]\d)$"  # compiled by re on first use (not at start-up)


class ScheduleError(ValueError):
    """A rule, time or zone that cannot be used."""


@dataclass(frozen=True)
class Schedule:
    """When a cadence meets: an RFC 5545 rule from an anchor date, at a local time in a zone."""

    rule: str
    anchor: date
    start_time: time
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


@functools.cache
def _available_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def validate_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA zone; case and stray spaces are not forgiven
    silently (``gettz`` would return None or read arbitrary files)."""
    cleaned = name.strip()
    if cleaned not in _available_zones():
        raise ScheduleError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)")
    return cleaned


def parse_time(text: str) -> time:
    m = re.match(_TIME, text.strip())
    if not m:
        raise ScheduleError(f"{text!r} is not a time; use HH:MM, 24-hour")
    return time(int(m.group(1)), int(m.group(2)))


SUB_DAILY = "a cadence repeats at most daily: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"


@functools.lru_cache(maxsize=128)
def _rrule(schedule: Schedule):
    """The parsed rule (cached: home asks for each cadence's next date on every
    refresh, and parsing costs more than the lookup). dateutil rules built with
    ``cache=False`` keep no state between iterations, so sharing one is safe."""
    from dateutil.rrule import rrulestr

    start = datetime.combine(schedule.anchor, schedule.start_time, tzinfo=schedule.zone)
    rule = schedule.rule.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    parsed = rrulestr(rule, dtstart=start, cache=False)
    if getattr(parsed, "_freq", 0) > 3:  # HOURLY, MINUTELY, SECONDLY (dateutil's DAILY is 3)
        raise ScheduleError(SUB_DAILY)
    if never_occurs(rule.upper()):
        raise ScheduleError(f"the rule {rule!r} never produces a date")
    recent = _recent_anchor(schedule.anchor, parsed)
    if recent != schedule.anchor:
        parsed = rrulestr(
            rule, dtstart=start.replace(year=recent.year, month=recent.month, day=recent.day), cache=False
        )
    return parsed


RECENT = date(1970, 1, 1)


def _recent_anchor(anchor: date, parsed) -> date:
    """An anchor before 1970 (typed input refuses one; another tool may have
    stored the year 1) moved forward by whole periods of the rule, so the dates
    it gives stay the same but finding the next one no longer walks every
    period since then. Not for COUNT rules, which count from the anchor."""
    if anchor >= RECENT or getattr(parsed, "_count", None):
        return anchor
    freq, interval = getattr(parsed, "_freq", 0), max(1, getattr(parsed, "_interval", 1) or 1)
    if freq in (2, 3):  # WEEKLY, DAILY: a whole number of periods, in days
        step = (7 if freq == 2 else 1) * interval
        return anchor + timedelta(days=(RECENT - anchor).days // step * step)
    # YEARLY, MONTHLY: whole 400-year Gregorian cycles (same weekdays and leap
    # days) times the interval, so every period keeps its place.
    cycle = 400 * interval
    return anchor.replace(year=anchor.year + (RECENT.year - anchor.year) // cycle * cycle)


def validate_rule(rule: str) -> str:
    """Check an RRULE string (without DTSTART); returns it normalised."""
    cleaned = rule.strip()
    if cleaned.upper().startswith("RRULE:"):
        cleaned = cleaned[6:]
    if not cleaned or "\n" in cleaned or "DTSTART" in cleaned.upper():
        raise ScheduleError("a recurrence rule looks like FREQ=WEEKLY;BYDAY=TU")
    # Sub-daily rules make every "next meeting" a walk over millions of
    # occurrences since the first date (FREQ=SECONDLY froze the home screen).
    freq = re.search(r"(?:^|;)FREQ=([A-Z]+)", cleaned.upper())
    if freq and freq.group(1) in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise ScheduleError(SUB_DAILY)
    try:
        _rrule(Schedule(cleaned, date(2026, 1, 1), time(9, 0), "UTC"))
    except ScheduleError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise ScheduleError(f"invalid recurrence rule {rule!r}: {exc}") from None
    return cleaned.upper()


def _bounded_rule(rule: str) -> bool:
    upper = rule.upper()
    return "COUNT=" in upper or "UNTIL=" in upper


@functools.lru_cache(maxsize=256)
def never_occurs(rule: str) -> bool:
    """True for an unbounded rule that matches no date at all.

    dateutil looks for a match up to the year 9999 and cannot be stopped, so
    such a rule would freeze every lookup for seconds. Starting the search in
    the year 9980 keeps it to 20 years of periods (milliseconds) while still
    covering every weekday, month length and leap-year pattern.
    """
    if _bounded_rule(rule):
        return False
    from dateutil.rrule import rrulestr

    try:
        late = rrulestr(rule, dtstart=datetime(9980, 1, 1, 9, 0), cache=False)
        return late.after(datetime(9980, 1, 1), inc=True) is None
    except (ValueError, TypeError, OverflowError):
        return True


def _resolve(dt: datetime) -> datetime:
    """``dt``, moved forward by the gap when it falls in a DST gap (dateutil's
    ``resolve_imaginary``). Nearly every time exists, which a round trip
    through UTC shows at once (as dateutil's ``datetime_exists`` checks it):
    dateutil's tz module is then not needed (home's first frame)."""
    if dt.astimezone(UTC).astimezone(dt.tzinfo).replace(tzinfo=None) == dt.replace(tzinfo=None):
        return dt
    from dateutil import tz

    return tz.resolve_imaginary(dt)


def occurrences_between(schedule: Schedule, start: datetime, end: datetime) -> Iterator[datetime]:
    """Local (zone-aware) occurrences with ``start <= occurrence < end``."""
    try:
        rule = _rrule(schedule)
    except ScheduleError:
        return  # a stored sub-daily rule (e.g. from an edited export): nothing to schedule
    # Search from a day early: resolve_imaginary can move a time forward.
    for dt in rule.xafter(start - timedelta(days=1), inc=True):
        dt = _resolve(dt)
        if dt >= end:
            return
        if dt >= start:
            yield dt


def next_occurrence(schedule: Schedule, after: datetime) -> datetime | None:
    """The first occurrence at or after ``after`` (zone-aware), or None."""
    for dt in occurrences_between(schedule, after, after + timedelta(days=3660)):
        return dt
    return None


def next_occurrences(schedule: Schedule, after: datetime, count: int) -> list[datetime]:
    out: list[datetime] = []
    for dt in occurrences_between(schedule, after, after + timedelta(days=3660 * 2)):
        out.append(dt)
        if len(out) >= count:
            break
    return out


def previous_occurrence(schedule: Schedule, before: datetime) -> datetime | None:
    try:
        rule = _rrule(schedule)
    except ScheduleError:
        return None
    dt = rule.before(before, inc=True)
    return _resolve(dt) if dt else None


def describe(rule: str) -> str:
    """A short English reading of common rules, the raw rule otherwise."""
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    days = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}
    byday = parts.get("BYDAY", "")
    setpos = parts.get("BYSETPOS")
    dayname = ", ".join(days.get(d[-2:], d) for d in byday.split(",") if d)
    nth = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
    if freq == "DAILY":
        return "daily" if interval == 1 else f"every {interval} days"
    if freq == "WEEKLY":
        base = "weekly" if interval == 1 else f"every {interval} weeks"
        return f"{base} on {dayname}" if dayname else base
    if freq == "MONTHLY":
        base = {1: "monthly", 3: "quarterly", 6: "half-yearly"}.get(interval, f"every {interval} months")
        if dayname and setpos in nth:
            return f"{base}, {nth[setpos]} {dayname}"
        if dayname and len(byday) > 2 and byday[:-2].lstrip("+-").isdigit():
            return f"{base}, {nth.get(byday[:-2].lstrip('+'), byday[:-2])} {dayname}"
        if "BYMONTHDAY" in parts:
            return f"{base} on day {parts['BYMONTHDAY']}"
        return base
    if freq == "YEARLY":
        return "yearly"
    return rule


# -- which occurrence a meeting is for ------------------------------------------------
LOOK_BACK = timedelta(hours=24)
"""How long after its scheduled time an occurrence can still be started (see
:func:`meeting_occurrence`): a meeting started late, or moved to the next day."""


def _utc(dt: datetime) -> datetime:

    return dt.astimezone(UTC)


def next_unheld_occurrence(
    schedule: Schedule, after: datetime, held: Collection[datetime] = frozenset()
) -> datetime | None:
    """The first occurrence at or after ``after`` that is not in ``held`` (the
    occurrences a meeting was already recorded for, compared as instants).

    This is the "Next" of the home screen and of ``cadence cadences``: an
    occurrence held early (on Friday for Monday's slot) is not next any more.
    """
    held_utc = {_utc(h) for h in held}
    for dt in occurrences_between(schedule, after, after + timedelta(days=3660)):
        if _utc(dt) not in held_utc:
            return dt
    return None


def meeting_occurrence(schedule: Schedule, now: datetime, held: Collection[datetime] = frozenset()) -> datetime | None:
    """The occurrence a meeting started at ``now`` is for.

    The rule, one for every cadence:

    1. The latest occurrence that has begun (at or before ``now``), if it began
       at most :data:`LOOK_BACK` (24 hours) ago *and* less than half-way to the
       occurrence after it: a meeting started late, or moved to the next day, is
       that occurrence's meeting. This holds even if it was already held: the
       caller asks before a second meeting for it (``dt in held``).
    2. Otherwise the next occurrence that is not yet held, the one the home
       screen shows as "Next" (:func:`next_unheld_occurrence`): a meeting
       started early, or days after a missed one, is for the coming occurrence.

    So on Sunday both a weekly Thursday meeting (missed three days ago) and a
    monthly one eight days ahead are recorded against their next occurrence.
    Durations are measured in real (UTC) time, so a DST change in between does
    not move the window. None when the rule has no occurrence left.
    """
    before = previous_occurrence(schedule, now)
    if before is not None:
        after = next_occurrence(schedule, before + timedelta(seconds=1))
        since = _utc(now) - _utc(before)
        half_gap = (_utc(after) - _utc(before)) / 2 if after is not None else LOOK_BACK
        if timedelta(0) <= since <= min(LOOK_BACK, half_gap):
            return before
    return next_unheld_occurrence(schedule, now, held)
