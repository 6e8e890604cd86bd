"""The schedule as an iCalendar file (RFC 5545) for calendar programs.

One recurring VEVENT per cadence: its RRULE, a DTSTART in the cadence's own
zone (with the matching VTIMEZONE, so a 09:00 meeting stays at 09:00 across
daylight-saving changes in every calendar), DURATION = the timebox, and a
description holding the purpose, the agenda with its timeboxes and the
participants. The UID is derived from the cadence key, so importing a newer
export updates the events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from cadence_tui.model import AgendaTemplateItem, Cadence
from cadence_tui.recurrence import next_occurrence
from cadence_tui.textsafe import strip_control

PRODID = "-//Cadence//cadence-tui//EN"
UID_DOMAIN = "cadence-tui"


def event_uid(cadence_key: str) -> str:
    """The stable UID of a cadence's event."""
    return f"{cadence_key}@{UID_DOMAIN}"


def first_start(cadence: Cadence) -> datetime | None:
    """The first occurrence on or after the anchor date: RFC 5545 wants DTSTART
    to be the first instance of the rule."""
    from datetime import time

    start_of_anchor = datetime.combine(cadence.anchor, time(0, 0), tzinfo=cadence.schedule.zone)
    return next_occurrence(cadence.schedule, start_of_anchor)


def describe_cadence(cadence: Cadence, agenda: Sequence[AgendaTemplateItem]) -> str:
    """The event description: purpose, agenda with timeboxes, participants."""
    parts: list[str] = []
    if cadence.purpose:
        parts.append(strip_control(cadence.purpose))
    if agenda:
        total = sum(item.timebox_min for item in agenda)
        lines = [f"Agenda ({total} of {cadence.timebox_min} min):"]
        lines += [f"{n}. {strip_control(item.title)} ({item.timebox_min} min)" for n, item in enumerate(agenda, 1)]
        parts.append("\n".join(lines))
    if cadence.participants:
        parts.append("Participants: " + ", ".join(strip_control(p.label) for p in cadence.participants))
    return "\n\n".join(parts)


def build_calendar(
    cadences: Sequence[tuple[Cadence, Sequence[AgendaTemplateItem]]],
    *,
    stamp: datetime | None = None,
) -> bytes:
    """The iCalendar file for these cadences (each with its agenda template)."""
    from icalendar import Calendar, Event, vRecur

    stamp = (stamp or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Cadence")
    earliest = stamp.date()
    for cadence, agenda in cadences:
        start = first_start(cadence)
        if start is None:
            continue  # a rule with no future occurrence (COUNT/UNTIL in the past)
        earliest = min(earliest, start.date())
        event = Event()
        event.add("uid", event_uid(cadence.key))
        event.add("dtstamp", stamp)
        event.add("summary", strip_control(cadence.name))
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=cadence.timebox_min))
        event.add("rrule", vRecur.from_ical(cadence.rule))
        description = describe_cadence(cadence, agenda)
        if description:
            event.add("description", description)
        event.add("categories", ["Cadence"])
        cal.add_component(event)
    # Time-zone transitions from a year before the first meeting to twenty
    # years ahead (calendar programs also know the IANA TZID itself).
    cal.add_missing_timezones(
        first_date=earliest - timedelta(days=366), last_date=date(stamp.year + 20, 1, 1)
    )
    return cal.to_ical()
