"""The one date grammar: due dates, metric dates (``--date``), ``digest --since``.

Accepted: ``2026-12-04``, ``today``, ``tomorrow``, ``yesterday``, a weekday
(``fri``, ``friday``: the first such day after today), ``next friday`` (that
weekday in next calendar week), ``next week``, ``+3d``, ``+2w``, ``+1m`` and
the same back in time, ``-7d``, ``-2w``, ``-1m``. Nothing else: a guess at a
date the user did not mean is worse than asking again.

:func:`parse_day` is the grammar; :func:`parse_due` is it for a due date
(empty text means none, the message says "due date").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

ACCEPTED_FORMS = "YYYY-MM-DD, today, tomorrow, yesterday, mon..sun, next fri, +3d, -7d, +2w, +1m"

WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwm])$")


class DueDateError(ValueError):
    """The text is not one of the accepted date forms."""


def parse_due(text: str, today: date) -> date | None:
    """Turn ``text`` into a due date relative to ``today``; empty text means no due date.

    Raises :class:`DueDateError` with a message naming the accepted forms.
    """
    if not text.strip():
        return None
    return parse_day(text, today, what="due date")


def parse_day(text: str, today: date, *, what: str = "date") -> date:
    """Turn ``text`` into a date relative to ``today`` (see the module docstring).

    Raises :class:`DueDateError` ("... is not a {what}; use ..." or "... is
    not a real date") for anything else, empty text included.
    """
    raw = " ".join(text.strip().lower().split())
    if len(raw) > 40:
        raise DueDateError(f"not a {what}; use {ACCEPTED_FORMS}")
    try:
        return _parse(raw, text, today, what)
    except OverflowError:  # e.g. -1d on 0001-01-01
        raise DueDateError(f"{_shown(text)!r} is out of the range of dates") from None


def _parse(raw: str, text: str, today: date, what: str) -> date:
    if m := _ISO.match(raw):
        year, month, day = (int(g) for g in m.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise DueDateError(f"{text.strip()!r} is not a real date (YYYY-MM-DD)") from None
    if raw == "today":
        return today
    if raw in ("tomorrow", "tmr", "tom"):
        return today + timedelta(days=1)
    if raw == "yesterday":
        return today - timedelta(days=1)
    if raw in WEEKDAYS:
        ahead = (WEEKDAYS[raw] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if raw.startswith("next "):
        name = raw[5:]
        if name in WEEKDAYS:
            next_monday = today + timedelta(days=7 - today.weekday())
            return next_monday + timedelta(days=WEEKDAYS[name])
        if name == "week":
            return today + timedelta(days=7)
    if m := _RELATIVE.match(raw):
        sign = 1 if m.group(1) == "+" else -1
        n, unit = sign * int(m.group(2)), m.group(3)
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        from dateutil.relativedelta import relativedelta

        return today + relativedelta(months=n)
    if raw.isdigit() and len(raw) == 8:  # 20261204, the compact ISO form
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise DueDateError(f"{text.strip()!r} is not a real date (YYYY-MM-DD)") from None
    raise DueDateError(f"{_shown(text)!r} is not a {what}; use {ACCEPTED_FORMS}")


def _shown(text: str) -> str:
    from cadence_tui.core.textsafe import strip_control

    shown = strip_control(text).strip()
    return shown if len(shown) <= 30 else shown[:29] + "…"
