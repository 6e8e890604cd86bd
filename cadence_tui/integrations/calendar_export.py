"""The schedule as an iCalendar file (RFC 5545) for calendar programs.

One recurring VEVENT per cadence: its RRULE, a DTSTART in the cadence's own
zone (with the matching VTIMEZONE, so a 09:00 meeting stays at 09:00 across
daylight-saving changes in every calendar), DURATION = the timebox, and a
description holding the purpose, the agenda with its timeboxes and the
participants. The UID is derived from the cadence key, so importing a newer
export updates the events instead of duplicating them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from cadence_tui.core.model import AgendaTemplateItem, Cadence
from cadence_tui.core.recurrence import next_occurrence
from cadence_tui.core.textsafe import strip_control

PRODID = "-//Cadence//cadence-tui//EN"
UID_DOMAIN = "cadence-tui"


def event_uid(cadence_key: str) -> str:
    """The stable UID of a cadence's event."""
    return f"{cadence_key}@{UID_DOMAIN}"


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Parts that do not change which days a monthly BYDAY/BYSETPOS rule picks
# inside one month (BYMONTH only filters whole months).
_ORDINAL_SAFE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYSETPOS", "COUNT", "UNTIL", "WKST", "BYMONTH"}


def ical_rule(rule: str) -> str:
    """The rule as calendar programs write it: "first Monday of the month" as
    ``FREQ=MONTHLY;BYDAY=1MO`` rather than ``BYDAY=MO;BYSETPOS=1``.

    Some readers ignore BYSETPOS (and then show every Monday); all of them read
    the ordinal form. Only a monthly rule with one plain weekday, one position
    (1..5 or -1..-5) and nothing else that shapes the month's set is rewritten,
    because for exactly those the two forms give the same dates. Any other rule
    is returned unchanged.
    """
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts = [p.split("=", 1) for p in body.split(";") if p]
    if any(len(p) != 2 for p in parts):
        return rule
    keys = [k.strip().upper() for k, _ in parts]
    values = {k: v.strip().upper() for k, (_, v) in zip(keys, parts, strict=False)}
    if len(set(keys)) != len(keys) or not set(keys) <= _ORDINAL_SAFE_PARTS:
        return rule
    if values.get("FREQ") != "MONTHLY" or "BYDAY" not in values or "BYSETPOS" not in values:
        return rule
    day, pos = values["BYDAY"], values["BYSETPOS"]
    if day not in WEEKDAY_CODES or not re.fullmatch(r"[+-]?[1-5]", pos):
        return rule
    ordinal = str(int(pos))
    out = []
    for key, (raw_key, raw_value) in zip(keys, parts, strict=False):
        if key == "BYSETPOS":
            continue
        out.append(f"BYDAY={ordinal}{day}" if key == "BYDAY" else f"{raw_key}={raw_value}")
    return ";".join(out)


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

    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
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
        event.add("rrule", vRecur.from_ical(ical_rule(cadence.rule)))
        description = describe_cadence(cadence, agenda)
        if description:
            event.add("description", description)
        event.add("categories", ["Cadence"])
        cal.add_component(event)
    # Time-zone transitions from a year before the first meeting to twenty
    # years ahead (calendar programs also know the IANA TZID itself).
    cal.add_missing_timezones(first_date=earliest - timedelta(days=366), last_date=date(stamp.year + 20, 1, 1))
    return cal.to_ical()
