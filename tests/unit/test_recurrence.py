from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from cadence_tui.core.recurrence import (
    Schedule,
    ScheduleError,
    describe,
    next_occurrence,
    next_occurrences,
    occurrences_between,
    validate_rule,
    validate_timezone,
)
from cadence_tui.core.seed import CADENCES

UTC = UTC
NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def seeded(key: str, tz: str = "Europe/Berlin") -> Schedule:
    c = next(c for c in CADENCES if c.key == key)
    hh, mm = c.start_time.split(":")
    return Schedule(c.rule, date.fromisoformat(c.anchor), time(int(hh), int(mm)), tz)


def test_sprint_review_is_weekly_on_thursday() -> None:
    got = next_occurrences(seeded("sprint-review"), NOW, 3)
    assert [d.date() for d in got] == [date(2026, 11, 26), date(2026, 12, 3), date(2026, 12, 10)]
    assert all(d.hour == 15 and d.minute == 0 for d in got)


def test_sales_sync_is_every_other_tuesday_from_its_anchor() -> None:
    got = next_occurrences(seeded("sales-marketing-sync"), NOW, 3)
    # anchor Tue 6 Jan 2026; 48 weeks later is Tue 8 Dec
    assert [d.date() for d in got] == [date(2026, 12, 8), date(2026, 12, 22), date(2027, 1, 5)]


def test_finance_review_is_first_monday_of_month() -> None:
    got = next_occurrences(seeded("finance-review"), NOW, 3)
    assert [d.date() for d in got] == [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]


def test_all_hands_is_first_thursday_of_each_quarter() -> None:
    got = next_occurrences(seeded("all-hands"), NOW, 4)
    assert [d.date() for d in got] == [date(2027, 1, 7), date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 7)]


def test_weekly_meeting_keeps_local_time_across_dst() -> None:
    s = Schedule("FREQ=WEEKLY;BYDAY=TU", date(2026, 1, 6), time(9, 0), "America/New_York")
    got = next_occurrences(s, datetime(2026, 3, 1, tzinfo=UTC), 2)
    assert [d.astimezone(UTC).hour for d in got] == [14, 13]  # 09:00 EST, then 09:00 EDT
    assert all(d.hour == 9 for d in got)


def test_nonexistent_local_time_moves_forward() -> None:
    s = Schedule("FREQ=DAILY", date(2026, 1, 1), time(2, 30), "Europe/Berlin")
    got = list(occurrences_between(s, datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)))
    assert len(got) == 1
    assert (got[0].hour, got[0].minute) == (3, 30)
    assert got[0].utcoffset().total_seconds() == 7200


def test_europe_dst_autumn() -> None:
    s = seeded("sprint-review", "Europe/Berlin")
    got = next_occurrences(s, datetime(2026, 10, 20, tzinfo=UTC), 2)
    assert [d.astimezone(UTC).hour for d in got] == [13, 14]


def test_validate_rule_normalises_and_rejects() -> None:
    assert validate_rule("rrule:freq=weekly;interval=2;byday=tu") == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    for bad in ["", "FREQ=SOMETIMES", "weekly", "FREQ=WEEKLY;BYDAY=XX", "DTSTART:20260101\nFREQ=DAILY"]:
        with pytest.raises(ScheduleError):
            validate_rule(bad)


def test_validate_timezone() -> None:
    assert validate_timezone("Europe/Berlin") == "Europe/Berlin"
    for bad in ["europe/berlin", "Mars/Olympus", "/etc/passwd", "../../etc/passwd"]:
        with pytest.raises(ScheduleError):
            validate_timezone(bad)


def test_describe() -> None:
    assert describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU") == "every 2 weeks on Tue"
    assert describe("FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1") == "quarterly, first Thu"


def test_next_occurrence_in_zone() -> None:
    got = next_occurrence(seeded("sprint-review", "Asia/Tokyo"), NOW)
    assert got is not None and got.tzinfo == ZoneInfo("Asia/Tokyo")


def test_rule_that_never_occurs_is_refused_without_searching_to_9999() -> None:
    import time as clock

    started = clock.perf_counter()
    with pytest.raises(ScheduleError, match="never produces a date"):
        validate_rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31")
    stored = Schedule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", date(2026, 1, 1), time(9, 0), "UTC")
    assert next_occurrence(stored, NOW) is None
    assert next_occurrences(stored, NOW, 5) == []
    # dateutil alone needs ~7 s for each of these; a generous bound catches a regression.
    assert clock.perf_counter() - started < 2.0
    # leap-day and month-end rules are real rules
    assert validate_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29") == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    assert validate_rule("FREQ=MONTHLY;BYMONTHDAY=-1") == "FREQ=MONTHLY;BYMONTHDAY=-1"


def test_resolve_agrees_with_dateutil_around_both_dst_changes() -> None:
    """_resolve answers most times without dateutil's tz module; it must give
    what dateutil's resolve_imaginary gives, in gaps, folds and plain hours."""
    from datetime import timedelta

    from dateutil import tz

    from cadence_tui.core.recurrence import _resolve

    for zone, day in (
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Europe/Berlin", date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8)),
        ("Australia/Lord_Howe", date(2026, 4, 5)),
    ):
        start = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(zone))
        for minutes in range(0, 24 * 60, 15):
            dt = start + timedelta(minutes=minutes)  # wall-clock arithmetic: gaps included
            for fold in (0, 1):
                local = dt.replace(fold=fold)
                assert _resolve(local) == tz.resolve_imaginary(local), (zone, local)
                assert _resolve(local).replace(tzinfo=None) == tz.resolve_imaginary(local).replace(tzinfo=None)
