"""The recurrence choices of the cadence editor, to and from RRULE strings.

The editor offers the shapes real cadences take — weekly, every N weeks,
monthly on the nth weekday or on a date, quarterly on the nth weekday — and a
raw RFC 5545 rule for everything else. :func:`to_rule` turns a
:class:`RecurrenceChoice` into a rule string, :func:`from_rule` reads a rule
back into the choice that produces it (``custom`` when none does), so a rule
written by hand or imported survives the editor unchanged.

Pure: no Textual, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cadence_tui.core.recurrence import ScheduleError, validate_rule

WEEKLY = "weekly"
EVERY_N_WEEKS = "every-n-weeks"
MONTHLY_WEEKDAY = "monthly-weekday"
MONTHLY_DATE = "monthly-date"
QUARTERLY = "quarterly"
CUSTOM = "custom"

KINDS: tuple[tuple[str, str], ...] = (
    (WEEKLY, "Weekly"),
    (EVERY_N_WEEKS, "Every N weeks"),
    (MONTHLY_WEEKDAY, "Monthly, nth weekday"),
    (MONTHLY_DATE, "Monthly, on a date"),
    (QUARTERLY, "Quarterly, nth weekday"),
    (CUSTOM, "Custom RRULE"),
)

WEEKDAYS: tuple[tuple[str, str], ...] = (
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
)
WORKDAYS = ("MO", "TU", "WE", "TH", "FR")
_DAY_CODES = tuple(code for code, _ in WEEKDAYS)

NTHS: tuple[tuple[int, str], ...] = ((1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (-1, "last"))
_NTH_VALUES = tuple(n for n, _ in NTHS)


@dataclass(frozen=True)
class RecurrenceChoice:
    """What the editor's recurrence fields hold.

    ``weekdays`` is used by the weekly kinds (several days make e.g. a daily
    stand-up: MO..FR); the monthly and quarterly weekday kinds use its first
    day with ``nth``; ``month_day`` is 1..31 or -1 for the last day.
    """

    kind: str = WEEKLY
    interval: int = 1
    weekdays: tuple[str, ...] = field(default=("MO",))
    nth: int = 1
    month_day: int = 1
    raw: str = ""

    def with_kind(self, kind: str) -> RecurrenceChoice:
        """The same choice switched to ``kind``, keeping what still applies."""
        interval = self.interval
        if kind == EVERY_N_WEEKS and interval < 2:
            interval = 2
        raw = self.raw
        if kind == CUSTOM and not raw:
            try:
                raw = to_rule(self)
            except ScheduleError:
                raw = ""
        return replace(self, kind=kind, interval=interval, raw=raw)


def to_rule(choice: RecurrenceChoice) -> str:
    """The RRULE (without ``RRULE:``) for a choice; :class:`ScheduleError` if
    a part is out of range or the custom rule is not valid."""
    kind = choice.kind
    if kind == CUSTOM:
        return validate_rule(choice.raw)
    days = _check_days(choice.weekdays)
    if kind == WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={','.join(days)}"
    if kind == EVERY_N_WEEKS:
        if not 2 <= choice.interval <= 52:
            raise ScheduleError("every N weeks: N must be between 2 and 52")
        return f"FREQ=WEEKLY;INTERVAL={choice.interval};BYDAY={','.join(days)}"
    if kind in (MONTHLY_WEEKDAY, QUARTERLY):
        if choice.nth not in _NTH_VALUES:
            raise ScheduleError("the week of the month must be first, second, third, fourth or last")
        interval = ";INTERVAL=3" if kind == QUARTERLY else ""
        return f"FREQ=MONTHLY{interval};BYDAY={days[0]};BYSETPOS={choice.nth}"
    if kind == MONTHLY_DATE:
        if not (1 <= choice.month_day <= 31 or choice.month_day == -1):
            raise ScheduleError("the day of the month must be 1 to 31, or -1 for the last day")
        return f"FREQ=MONTHLY;BYMONTHDAY={choice.month_day}"
    raise ScheduleError(f"unknown kind of recurrence {kind!r}")


def _check_days(days: tuple[str, ...]) -> tuple[str, ...]:
    if not days:
        raise ScheduleError("choose at least one weekday")
    unknown = [d for d in days if d not in _DAY_CODES]
    if unknown:
        raise ScheduleError(f"unknown weekday {unknown[0]!r}")
    # Calendar order, no repeats: MO,WE rather than WE,MO,WE.
    return tuple(d for d in _DAY_CODES if d in days)


def _parts(rule: str) -> dict[str, str] | None:
    parts: dict[str, str] = {}
    for piece in rule.split(";"):
        if "=" not in piece:
            return None
        name, _, value = piece.partition("=")
        if name in parts:
            return None
        parts[name] = value
    return parts


def from_rule(rule: str) -> RecurrenceChoice:
    """The editor choice that yields ``rule`` (normalised), else ``custom``.

    ``to_rule(from_rule(r)) == validate_rule(r)`` for every valid ``r``.
    """
    normal = validate_rule(rule)
    custom = RecurrenceChoice(kind=CUSTOM, raw=normal)
    parts = _parts(normal)
    if parts is None:
        return custom
    candidate = _candidate(parts)
    if candidate is None:
        return custom
    try:
        # Only a choice that reproduces the rule exactly replaces it.
        return candidate if to_rule(candidate) == normal else custom
    except ScheduleError:
        return custom


def _candidate(parts: dict[str, str]) -> RecurrenceChoice | None:
    freq = parts.pop("FREQ", "")
    interval_text = parts.pop("INTERVAL", "1")
    if not interval_text.isdigit():
        return None
    interval = int(interval_text)
    if freq == "WEEKLY":
        byday = parts.pop("BYDAY", "")
        if parts or not byday:
            return None
        days = tuple(byday.split(","))
        kind = WEEKLY if interval == 1 else EVERY_N_WEEKS
        return RecurrenceChoice(kind=kind, interval=interval, weekdays=days)
    if freq != "MONTHLY" or interval not in (1, 3):
        return None
    if "BYMONTHDAY" in parts and interval == 1:
        value = parts.pop("BYMONTHDAY")
        if parts or not value.lstrip("-").isdigit():
            return None
        return RecurrenceChoice(kind=MONTHLY_DATE, month_day=int(value))
    byday = parts.pop("BYDAY", "")
    setpos = parts.pop("BYSETPOS", "")
    if parts or len(byday) != 2 or not setpos.lstrip("-").isdigit():
        return None
    kind = QUARTERLY if interval == 3 else MONTHLY_WEEKDAY
    return RecurrenceChoice(kind=kind, weekdays=(byday,), nth=int(setpos))


_DAY_NAMES = {name.lower(): code for code, name in WEEKDAYS}


def _day_code(token: str) -> str:
    low = token.strip().lower().rstrip(".")
    if len(low) >= 2:
        for name, code in _DAY_NAMES.items():
            if name.startswith(low):
                return code
    raise ScheduleError(f"{token.strip()!r} is not a weekday (write e.g. Mon, Thu or Mon-Fri)")


def parse_weekdays(text: str) -> tuple[str, ...]:
    """``"Mon, Thu"``, ``"mo th"``, ``"Mon-Fri"``, ``"weekdays"`` → day codes in
    calendar order."""
    days: list[str] = []
    for token in text.replace(",", " ").split():
        if token.lower() in ("weekdays", "workdays"):
            days.extend(WORKDAYS)
        elif "-" in token.strip("-"):
            first, _, last = token.partition("-")
            a, b = _DAY_CODES.index(_day_code(first)), _DAY_CODES.index(_day_code(last))
            if a > b:
                raise ScheduleError(f"{token!r}: a range of days runs forward, e.g. Mon-Fri")
            days.extend(_DAY_CODES[a : b + 1])
        else:
            days.append(_day_code(token))
    if not days:
        raise ScheduleError("choose at least one weekday (e.g. Thu, or Mon-Fri)")
    return tuple(d for d in _DAY_CODES if d in days)


def format_weekdays(days: tuple[str, ...]) -> str:
    """Day codes as the editor shows them: ``Mon-Fri`` or ``Mon, Thu``."""
    ordered = [d for d in _DAY_CODES if d in days]
    short = {code: name[:3] for code, name in WEEKDAYS}
    indexes = [_DAY_CODES.index(d) for d in ordered]
    if len(ordered) >= 3 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{short[ordered[0]]}-{short[ordered[-1]]}"
    return ", ".join(short[d] for d in ordered)
