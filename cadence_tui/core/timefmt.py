"""Human-readable times and durations, shared by the CLI, screens and summaries."""

from __future__ import annotations

from datetime import date, datetime


def clock(seconds: float) -> str:
    """``75`` → ``01:15``; ``3725`` → ``1:02:05``; negative shows a minus."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m:02d}:{s:02d}"


# The longest time a clock shows: more is a stored time gone wrong (a clock
# set to another century), shown as this bound with a "+", never as millions of hours.
CLOCK_MAX = 99 * 3600 + 59 * 60 + 59


def bounded_clock(seconds: float) -> str:
    """:func:`clock`, at most ``99:59:59`` (then ``>99:59:59``) either way."""
    if abs(seconds) > CLOCK_MAX:
        return ("-" if seconds < 0 else ">") + clock(CLOCK_MAX)
    return clock(seconds)


def local_time(moment: datetime) -> datetime:
    """``moment`` in the local time zone; a stored time at the edge of the
    calendar (year 1, 9999) that has no local equivalent stays as stored."""
    try:
        return moment.astimezone()
    except (OverflowError, ValueError):
        return moment


def minutes(seconds: float) -> str:
    """Whole minutes, rounded: ``1830`` → ``31 min``."""
    return f"{round(seconds / 60)} min"


def relative_day(day: date, today: date) -> str:
    """``today``, ``tomorrow``, ``yesterday``, ``in 5 days``, ``3 days ago``."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if delta > 0:
        return f"in {delta} days" if delta < 14 else f"in {delta // 7} weeks"
    delta = -delta
    return f"{delta} days ago" if delta < 14 else f"{delta // 7} weeks ago"


def age_in_days(days: int) -> str:
    """An age of whole days, one format everywhere: ``3d``, ``5w``, ``7mo``, ``2y``."""
    if days < 14:
        return f"{max(0, days)}d"
    if days < 120:
        return f"{days // 7}w"
    if days < 730:
        return f"{days // 30}mo"
    return f"{days // 365}y"


def age(created: datetime, now: datetime) -> str:
    """How long ago something was recorded: ``12min``, ``5h``, then as
    :func:`age_in_days` (``min`` for minutes, so it never reads as months)."""
    secs = (now - created).total_seconds()
    if secs < 3600:
        return f"{max(0, int(secs // 60))}min"
    if secs < 86400:
        return f"{int(secs // 3600)}h"
    return age_in_days(int(secs // 86400))
