"""Which occurrence a meeting is for, and which one is "next" (issue 13.5).

The rule (recurrence.meeting_occurrence): the latest occurrence that has begun,
if it began at most 24 hours ago and less than half-way to the following one;
otherwise the next occurrence not yet held. Checked on the four seeded
cadences, a daily one, and across DST changes, with a pinned clock.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cadence_tui.core.recurrence import LOOK_BACK, Schedule, meeting_occurrence, next_unheld_occurrence

UTC = UTC

# The seeded cadences (seed.py), in UTC as the test database seeds them.
WEEKLY = Schedule("FREQ=WEEKLY;BYDAY=TH", date(2026, 1, 1), time(15, 0), "UTC")  # Sprint Review
BIWEEKLY = Schedule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", date(2026, 1, 6), time(10, 0), "UTC")  # Sales sync
MONTHLY = Schedule("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", date(2026, 1, 5), time(14, 0), "UTC")  # Finance
QUARTERLY = Schedule("FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1", date(2026, 1, 1), time(16, 0), "UTC")  # All-Hands


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def for_(schedule: Schedule, now: datetime, held=frozenset()) -> datetime | None:
    occ = meeting_occurrence(schedule, now, held)
    return None if occ is None else occ.astimezone(UTC)


def test_the_issue_sunday_records_both_cadences_against_their_next_occurrence() -> None:
    # Sun 29 Nov: the Thursday Sprint Review (missed 3 days ago) and Finance
    # (8 days ahead) are both for their coming occurrence, not one past, one next.
    sunday = at(2026, 11, 29, 16, 0)
    assert for_(WEEKLY, sunday) == at(2026, 12, 3, 15, 0)
    assert for_(MONTHLY, sunday) == at(2026, 12, 7, 14, 0)
    assert for_(BIWEEKLY, sunday) == at(2026, 12, 8, 10, 0)
    assert for_(QUARTERLY, sunday) == at(2027, 1, 7, 16, 0)


@pytest.mark.parametrize(
    ("schedule", "slot", "following"),
    [
        (WEEKLY, at(2026, 11, 26, 15, 0), at(2026, 12, 3, 15, 0)),
        (BIWEEKLY, at(2026, 12, 8, 10, 0), at(2026, 12, 22, 10, 0)),
        (MONTHLY, at(2026, 12, 7, 14, 0), at(2027, 1, 4, 14, 0)),
        (QUARTERLY, at(2027, 1, 7, 16, 0), at(2027, 4, 1, 16, 0)),
    ],
    ids=["weekly", "bi-weekly", "monthly-first-monday", "quarterly"],
)
def test_each_seeded_cadence_early_late_and_past_the_window(schedule, slot, following) -> None:
    assert for_(schedule, slot - timedelta(minutes=10)) == slot  # started early
    assert for_(schedule, slot) == slot  # on time
    assert for_(schedule, slot + timedelta(minutes=40)) == slot  # started late
    assert for_(schedule, slot + LOOK_BACK) == slot  # moved to the next day, same hour
    assert for_(schedule, slot + LOOK_BACK + timedelta(minutes=1)) == following  # past the window
    # Held: the occurrence in the window stays the same (the app asks before a
    # second meeting for it); once the window is over, the next one.
    assert for_(schedule, slot + timedelta(hours=2), {slot}) == slot
    assert for_(schedule, slot + timedelta(days=2), {slot}) == following
    # Held early (two days before its date): the next one not yet held.
    assert for_(schedule, slot - timedelta(days=1), {slot}) == following


def test_next_unheld_skips_every_held_occurrence() -> None:
    now = at(2026, 11, 25, 16, 0)
    assert next_unheld_occurrence(WEEKLY, now) == at(2026, 11, 26, 15, 0)
    held = {at(2026, 11, 26, 15, 0), at(2026, 12, 3, 15, 0)}
    assert next_unheld_occurrence(WEEKLY, now, held) == at(2026, 12, 10, 15, 0)
    # Held instants compare as instants, whatever zone they are written in.
    berlin = {at(2026, 11, 26, 15, 0).astimezone(ZoneInfo("Europe/Berlin"))}
    assert next_unheld_occurrence(WEEKLY, now, berlin) == at(2026, 12, 3, 15, 0)


def test_daily_cadence_an_early_start_is_today_not_yesterday() -> None:
    # 23 h 55 min after yesterday's 09:00 is inside 24 hours, but past half-way
    # to today's: the window is also capped at half the gap to the next one.
    daily = Schedule("FREQ=DAILY", date(2026, 1, 1), time(9, 0), "UTC")
    assert for_(daily, at(2026, 11, 26, 8, 55), {at(2026, 11, 25, 9, 0)}) == at(2026, 11, 26, 9, 0)
    assert for_(daily, at(2026, 11, 25, 20, 0)) == at(2026, 11, 25, 9, 0)  # 11 h late: still that one
    assert for_(daily, at(2026, 11, 25, 21, 1)) == at(2026, 11, 26, 9, 0)


def test_the_window_is_real_time_across_autumn_dst() -> None:
    # Europe/Berlin leaves summer time on Sun 25 Oct 2026 (03:00 -> 02:00).
    # Saturday 09:00 CEST (07:00 UTC) + 24 real hours = Sunday 08:00 CET.
    berlin = ZoneInfo("Europe/Berlin")
    sat = Schedule("FREQ=WEEKLY;BYDAY=SA", date(2026, 1, 3), time(9, 0), "Europe/Berlin")
    slot = datetime(2026, 10, 24, 9, 0, tzinfo=berlin)
    inside = datetime(2026, 10, 25, 7, 30, tzinfo=berlin)  # 23 h 30 real
    outside = datetime(2026, 10, 25, 8, 30, tzinfo=berlin)  # 24 h 30 real, 23 h 30 on the wall
    assert meeting_occurrence(sat, inside) == slot
    assert meeting_occurrence(sat, outside) == datetime(2026, 10, 31, 9, 0, tzinfo=berlin)
    # The local time stays 09:00 after the change (08:00 UTC instead of 07:00).
    assert meeting_occurrence(sat, outside).astimezone(UTC) == at(2026, 10, 31, 8, 0)


def test_spring_forward_gap_time_and_window() -> None:
    # New York skips 02:00-03:00 on Sun 14 Mar 2027: a 02:30 meeting is 03:30 that day.
    ny = ZoneInfo("America/New_York")
    daily = Schedule("FREQ=DAILY", date(2027, 1, 1), time(2, 30), "America/New_York")
    moved = meeting_occurrence(daily, datetime(2027, 3, 14, 3, 40, tzinfo=ny))
    assert moved is not None and moved.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    # Early for it (03:20 EDT): the 03:30 slot, not yesterday's.
    early = meeting_occurrence(
        daily, datetime(2027, 3, 14, 3, 20, tzinfo=ny), {datetime(2027, 3, 13, 2, 30, tzinfo=ny)}
    )
    assert early is not None and early.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


def test_a_rule_with_no_occurrence_left_gives_none() -> None:
    ended = Schedule("FREQ=WEEKLY;COUNT=2;BYDAY=TH", date(2026, 1, 1), time(15, 0), "UTC")
    assert meeting_occurrence(ended, at(2026, 11, 25, 16, 0)) is None


# -- through the store ----------------------------------------------------------------
def scheduled(store, key: str) -> list[str]:
    cid = store.cadences.get_cadence(key).id
    return [r[0] for r in store.query("SELECT scheduled_for FROM meetings WHERE cadence_id = ? ORDER BY id", (cid,))]


def test_store_meeting_occurrence_reports_the_meeting_already_held(store, clock) -> None:
    clock.current = at(2026, 12, 7, 14, 0)
    occ, held = store.meetings.meeting_occurrence("finance-review")
    assert occ == at(2026, 12, 7, 14, 0) and held is None
    m = store.meetings.start_meeting("finance-review", scheduled_for=occ)
    clock.advance(hours=1)
    store.meetings.end_meeting(m.id)
    clock.advance(minutes=30)
    occ2, held2 = store.meetings.meeting_occurrence("finance-review")
    assert occ2 == occ and held2 is not None and held2.id == m.id
    # Home's "Next" (and `cadence cadences`) no longer shows the held 7 Dec.
    assert store.cadences.next_occurrence(store.cadences.get_cadence("finance-review")) == at(2027, 1, 4, 14, 0)


def test_schedule_and_cadences_skip_an_occurrence_held_early(store, clock, db_path) -> None:
    from tests.hostile.helpers import cadence

    # Finance held on Friday 4 Dec for Monday 7 Dec.
    clock.current = at(2026, 12, 4, 10, 0)
    occ, _ = store.meetings.meeting_occurrence("finance-review")
    assert occ == at(2026, 12, 7, 14, 0)
    store.meetings.end_meeting(store.meetings.start_meeting("finance-review", scheduled_for=occ).id)
    assert scheduled(store, "finance-review") == ["2026-12-07T14:00:00+00:00"]
    env = {"CADENCE_NOW": "2026-12-05T10:00:00+00:00"}
    listed = json.loads(cadence("schedule", "--days", "40", "--json", db=db_path, env=env).stdout)
    finance = [o["start_utc"] for o in listed if o["cadence"] == "finance-review"]
    assert finance == ["2027-01-04T14:00:00+00:00"]
    cadences = json.loads(cadence("cadences", "--json", db=db_path, env=env).stdout)
    assert {c["key"]: c["next"] for c in cadences}["finance-review"].startswith("2027-01-04T14:00")
