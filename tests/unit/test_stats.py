"""Time statistics on a hand-built set of meetings where every figure is known."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from cadence_tui.core.stats import ActionRecord, ItemRecord, MeetingRecord, compute_stats

pytestmark = pytest.mark.both_engines


def ts(day: int, hh: int, mm: int = 0) -> str:
    return datetime(2026, 11, day, hh, mm, tzinfo=UTC).isoformat(timespec="seconds")


@pytest.fixture
def finance(store):
    """Three ended Finance Business Reviews (one with no agenda items), one
    running, and a meeting of another cadence that must not count."""
    fid = store.cadences.get_cadence("finance-review").id
    sid = store.cadences.get_cadence("sprint-review").id
    with store.write() as conn:
        meetings = [
            # id, cadence, started, ended, status, paused, timebox
            (101, fid, ts(2, 14), ts(2, 14, 50), "ended", 0, 60),
            (102, fid, ts(9, 14), ts(9, 15, 15), "ended", 300, 60),
            (103, fid, ts(16, 14), ts(16, 14, 30), "ended", 0, 60),
            (104, fid, ts(23, 14), None, "running", 0, 60),
            (105, sid, ts(19, 15), ts(19, 16), "ended", 0, 30),
        ]
        conn.executemany(
            "INSERT INTO meetings(id, cadence_id, started_at, ended_at, status, paused_seconds, timebox_min)"
            " VALUES (?,?,?,?,?,?,?)",
            meetings,
        )
        items = [
            (101, 0, "Budget", 20, 25 * 60),
            (101, 1, "Variances", 15, 10 * 60),
            (101, 2, "Re-forecast", 15, 15 * 60),
            (102, 0, "Budget", 20, 23 * 60),
            (102, 1, "Variances", 15, 16 * 60),
            (102, 2, "Re-forecast", 15, 14 * 60),
            (104, 0, "Budget", 20, 99 * 60),
            (105, 0, "Demos", 15, 40 * 60),
        ]
        conn.executemany(
            "INSERT INTO agenda_items(meeting_id, position, title, timebox_min, state, elapsed_seconds)"
            " VALUES (?,?,?,?,'done',?)",
            items,
        )
        attendance = [(101, f"p{i}", int(i < 4)) for i in range(5)]
        attendance += [(102, f"p{i}", 1) for i in range(5)]
        attendance += [(103, f"p{i}", int(i < 2)) for i in range(4)]
        attendance += [(105, "x", 0)]
        conn.executemany("INSERT INTO attendance(meeting_id, person, present) VALUES (?,?,?)", attendance)
        conn.executemany(
            "INSERT INTO meeting_ratings(meeting_id, person, rating) VALUES (?,?,?)",
            [(101, "p0", 8), (101, "p1", 6), (102, "p0", 10), (105, "x", 1)],
        )
        actions = [
            # cadence, meeting, due, status, created, closed
            (fid, 101, "2026-11-06", "done", ts(2, 15), ts(5, 15)),  # on time, 3 days
            (fid, 101, "2026-11-06", "done", ts(2, 15), ts(8, 15)),  # late, 6 days
            (fid, 102, None, "done", ts(9, 15, 15), ts(10, 15, 15)),  # no due date, 1 day
            (fid, 102, "2026-11-20", "open", ts(9, 15, 15), None),
            (fid, 103, None, "dropped", ts(16, 14, 30), ts(17, 9)),
            (fid, None, "2026-11-01", "done", ts(1, 9), ts(1, 10)),  # not raised in a meeting
            (sid, 105, "2026-11-20", "done", ts(19, 16), ts(24, 9)),  # other cadence
        ]
        conn.executemany(
            "INSERT INTO action_items(cadence_id, meeting_id, title, due, status, created_at, closed_at)"
            " VALUES (?,?,'x',?,?,?,?)",
            actions,
        )
    return store


def test_every_figure_of_a_cadence(finance) -> None:
    s = finance.stats.cadence_stats("finance-review")
    assert s.meetings == 3
    assert [i.title for i in s.items] == ["Budget", "Variances", "Re-forecast"]
    budget, variances, reforecast = s.items
    assert (budget.meetings, budget.planned_min, budget.actual_min, budget.over_count, budget.avg_over_min) == (
        2,
        20,
        24,
        2,
        4,
    )
    assert budget.always_over
    assert (variances.actual_min, variances.over_count, variances.avg_over_min, variances.always_over) == (
        13,
        1,
        1,
        False,
    )
    assert (reforecast.actual_min, reforecast.over_count, reforecast.avg_over_min) == (
        14.5,
        0,
        0,
    )  # on the dot is not over
    assert [i.title for i in s.always_over] == ["Budget"]
    assert s.durations == (50, 70, 30)  # the second meeting was paused for 5 minutes
    assert s.avg_duration_min == 50 and s.avg_timebox_min == 60
    assert (s.over_timebox, s.avg_overrun_min) == (1, 10)
    assert (s.avg_rating, s.ratings) == (8, 3)
    assert s.attendance_rate == pytest.approx(11 / 14)
    assert (s.actions_raised, s.actions_done, s.actions_dropped) == (5, 3, 1)
    assert s.completion_rate == pytest.approx(0.6)
    assert (s.on_time_rate, s.on_time_base) == (0.5, 2)  # the item with no due date is left out
    assert s.median_days_to_close == pytest.approx(3.0)
    data = s.to_json()
    json.dumps(data)
    assert data["items"][0]["always_over"] is True and data["attendance_rate"] == round(11 / 14, 3)


def test_last_n_takes_the_newest_meetings(finance) -> None:
    s = finance.stats.cadence_stats("finance-review", last=1)
    assert s.meetings == 1 and s.items == ()  # the meeting with no agenda items
    assert s.avg_duration_min == 30 and s.over_timebox == 0 and s.avg_overrun_min is None
    assert s.avg_rating is None and s.attendance_rate == 0.5
    assert (s.actions_raised, s.actions_done, s.completion_rate) == (1, 0, 0.0)
    assert s.on_time_rate is None and s.median_days_to_close is None


def test_cadence_with_no_meetings(finance) -> None:
    s = finance.stats.cadence_stats("all-hands")
    assert s.meetings == 0 and s.items == ()
    assert s.avg_duration_min is None and s.avg_rating is None and s.attendance_rate is None
    assert s.completion_rate is None and s.on_time_rate is None and s.median_days_to_close is None
    json.dumps(s.to_json())


def test_pure_computation_without_a_database() -> None:
    start = datetime(2026, 1, 5, 14, tzinfo=UTC)
    m = MeetingRecord(1, start, start.replace(hour=15), 45, items=(ItemRecord("A", 10, 600),), invited=2, present=1)
    actions = [ActionRecord(start, date(2026, 1, 5), "done", start.replace(hour=20))]
    s = compute_stats("k", "K", [m], actions)
    assert s.avg_duration_min == 60 and s.over_timebox == 1 and s.avg_overrun_min == 15
    assert s.items[0].over_count == 0 and s.on_time_rate == 1.0 and s.median_days_to_close == pytest.approx(0.25)
    assert compute_stats("k", "K", [], []).meetings == 0


def test_statistics_actions_line_leaves_out_figures_it_cannot_give() -> None:
    from datetime import datetime

    from cadence_tui.core.stats import CadenceStats
    from cadence_tui.ui.screens.stats import summary_text

    when = datetime(2026, 11, 20, tzinfo=UTC)
    base = dict(
        cadence_key="sprint-review",
        cadence_name="Sprint Review",
        last_n=12,
        meetings=3,
        first=when,
        last=when,
        avg_duration_min=28.0,
        avg_timebox_min=30.0,
        actions_raised=9,
    )
    nothing_done = summary_text(CadenceStats(**base)).plain
    assert "9 raised, 0 done" in nothing_done
    assert "on time" not in nothing_done and "to close" not in nothing_done
    done = summary_text(
        CadenceStats(
            **base, actions_done=4, completion_rate=4 / 9, on_time_rate=0.75, on_time_base=4, median_days_to_close=2.0
        )
    ).plain
    assert "4 done (44 %), 75 % on time (of 4 done items with a due date), median 2.0 days to close" in done
