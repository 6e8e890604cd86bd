"""Cadence panels: the arithmetic (pure) and PanelStore (demos, pipeline,
budget, wins, health check), plus the clock state and over-time watch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cadence_tui.core.meeting import AgendaItem, Meeting
from cadence_tui.core.meeting_clock import ClockState, OverTimeWatch, clock_state
from cadence_tui.core.panels import (
    change,
    compact_money,
    parse_amount,
    parse_count,
    parse_percent,
    parse_rating,
    signed,
    trend,
)
from cadence_tui.kinds.finance import BudgetLine, budget_totals, over_threshold, variance
from cadence_tui.kinds.pipeline import conversion_rates
from cadence_tui.store import InvalidInput

pytestmark = pytest.mark.both_engines

T0 = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


# -- pure arithmetic -------------------------------------------------------------
def test_variance_and_threshold() -> None:
    assert variance(100_000, 112_000) == (12_000, 12.0)
    assert variance(100_000, 95_000) == (-5_000, -5.0)
    assert variance(0, 500) == (500, None)
    assert over_threshold(12.0, 10) and over_threshold(-10.5, 10)
    assert not over_threshold(10.0, 10) and not over_threshold(-9.9, 10)
    assert over_threshold(None, 10, money=500) and not over_threshold(None, 10, money=0)
    line = BudgetLine(1, "Sales", 260_000, 300_000)
    assert line.flagged(10) and not line.flagged(20)
    totals = budget_totals([line, BudgetLine(2, "G&A", 90_000, 80_000)])
    assert (totals.budget, totals.actual, totals.variance) == (350_000, 380_000, 30_000)
    assert round(totals.variance_pct, 2) == 8.57


def test_conversion_change_and_trend() -> None:
    rates = conversion_rates({"leads": 1000, "mql": 250, "sql": 50, "won": 10})
    assert rates == {"leads>mql": 25.0, "mql>sql": 20.0, "sql>won": 20.0}
    assert conversion_rates({"leads": 0, "mql": 5, "sql": None, "won": 1}) == {
        "leads>mql": None,
        "mql>sql": None,
        "sql>won": None,
    }
    assert change(120, 100) == (20, 20.0)
    assert change(5, 0) == (5, None)
    assert change(None, 3) == (None, None)
    assert [trend(4, 3), trend(2, 3), trend(3, 3), trend(3, None), trend(None, 3)] == [
        "up",
        "down",
        "same",
        "new",
        "none",
    ]


@pytest.mark.parametrize(
    "text, value",
    [("12500", 12500), ("12,500.50", 12500.5), ("$ 12.5k", 12500), ("1.2m", 1_200_000), ("€9 999", 9999)],
)
def test_parse_amount(text, value) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "abc", "12..5", "-5", "1e400", "9" * 30, "\x1b[31m5", "12 apples"])
def test_parse_amount_refuses(text) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_count_percent_rating_and_formatting() -> None:
    assert parse_count("1,200") == 1200
    for bad in ("", "12.5", "-3", "lots", "٣", "9" * 20):
        with pytest.raises(ValueError):
            parse_count(bad)
    assert parse_percent("12.5 %") == 12.5
    for bad in ("0", "-1", "abc", "nan", "5000"):
        with pytest.raises(ValueError):
            parse_percent(bad)
    assert parse_rating(" 4 ") == 4
    for bad in ("0", "6", "four", "4.5", ""):
        with pytest.raises(ValueError):
            parse_rating(bad)
    assert [compact_money(v) for v in (9999, 420_512, 12_300, 1_250_000, -12_300)] == [
        "9,999",
        "421k",
        "12.3k",
        "1.25m",
        "-12.3k",
    ]
    assert signed(12000) == "+12,000" and signed(-5.5) == "-5.50" and signed(0) == "±0"


# -- clocks ------------------------------------------------------------------------
def _meeting(**kw) -> Meeting:
    base = dict(
        id=1,
        cadence_id=1,
        cadence_key="k",
        cadence_name="K",
        scheduled_for=None,
        started_at=T0,
        ended_at=None,
        status="running",
        timebox_min=10,
    )
    base.update(kw)
    return Meeting(**base)


def _item(i: int, state: str, elapsed: float = 0, started: datetime | None = None, box: int = 2) -> AgendaItem:
    return AgendaItem(i, 1, i, f"Item {i}", box, state, elapsed, started)


def test_clock_state_and_over_time_is_announced_once() -> None:
    agenda = [_item(1, "done", 100), _item(2, "current", 30, T0 + timedelta(minutes=2)), _item(3, "pending")]
    state = clock_state(_meeting(), agenda, T0 + timedelta(minutes=3))
    assert (state.meeting_elapsed, state.item_number, state.item_elapsed, state.item_over) == (180, 2, 90, False)
    assert state.planned == 360
    watch = OverTimeWatch()
    assert watch.check(state) == []
    late = clock_state(_meeting(), agenda, T0 + timedelta(minutes=4))
    events = watch.check(late)
    assert [(e.item_id, e.timebox_min) for e in events] == [(2, 2)]
    assert watch.check(late) == [] and watch.check(late) == []
    very_late = clock_state(_meeting(), agenda, T0 + timedelta(minutes=11))
    assert [e.item_id for e in watch.check(very_late)] == [None]
    assert watch.check(very_late) == []
    paused = _meeting(status="paused", paused_at=T0 + timedelta(minutes=1), paused_seconds=30)
    assert clock_state(paused, [], T0 + timedelta(minutes=20)).meeting_elapsed == 30
    ended = _meeting(status="ended", ended_at=T0 + timedelta(minutes=40), paused_seconds=600)
    assert clock_state(ended, [], T0 + timedelta(days=1)).meeting_elapsed == 1800
    assert ClockState(0, 60, 60, False, True).item_over is False


# -- PanelStore ----------------------------------------------------------------------
def test_demos_and_feedback(store) -> None:
    m = store.meetings.start_meeting("sprint-review")
    demo = store.panels.add_demo(m.id, "New checkout [b]flow[/b]", "Marco")
    store.panels.add_demo_feedback(demo.id, "Button too small", "Priya")
    demo = store.panels.add_demo_feedback(demo.id, "Love it\nreally")
    assert demo.feedback_lines == ["Priya: Button too small", "Love it really"]
    for bad, field in ((("", "x"), "what"), (("x" * 501, ""), "what"), (("ok", "n" * 81), "presenter")):
        with pytest.raises(InvalidInput) as exc:
            store.panels.add_demo(m.id, *bad)
        assert exc.value.field == field
    with pytest.raises(InvalidInput) as exc:
        store.panels.add_demo_feedback(demo.id, "   ")
    assert exc.value.field == "feedback"
    assert [d.what for d in store.panels.demos(m.id)] == ["New checkout [b]flow[/b]"]


def test_demo_corrected_and_deleted(store) -> None:
    from cadence_tui.store import NotFound

    m = store.meetings.start_meeting("sprint-review")
    demo = store.panels.add_demo(m.id, "New chekout", "Marco")
    store.panels.add_demo_feedback(demo.id, "Buton too small", "Priya")
    other = store.panels.add_demo(m.id, "Search", "Lena")
    fixed = store.panels.update_demo(
        demo.id, " New checkout\x1b[31m ", "Marco", "Priya: Button too small\r\n\n  \nSam:\tnice \x07one\n"
    )
    assert (fixed.what, fixed.presenter) == ("New checkout", "Marco")  # the escape sequence gone
    assert fixed.feedback == "Priya: Button too small\nSam: nice one"
    assert (
        store.panels.update_demo(demo.id, "New checkout", "").feedback == fixed.feedback
    )  # feedback kept when not given
    for bad, field in (
        (("", "x", ""), "what"),
        (("ok", "n" * 81, ""), "presenter"),
        (("ok", "", "x" * 20_001), "feedback"),
    ):
        with pytest.raises(InvalidInput) as exc:
            store.panels.update_demo(demo.id, *bad)
        assert exc.value.field == field
    assert store.panels.get_demo(demo.id).feedback == fixed.feedback  # a refused change changes nothing
    with pytest.raises(NotFound):
        store.panels.update_demo(99_999, "x")
    assert store.panels.delete_demo(demo.id).what == "New checkout"
    assert [d.id for d in store.panels.demos(m.id)] == [other.id]
    with pytest.raises(NotFound):
        store.panels.delete_demo(demo.id)


def test_pipeline_against_the_previous_sync(store, clock) -> None:
    first = store.meetings.start_meeting("sales-marketing-sync")
    store.panels.set_pipeline(first.id, {"leads": "1,000", "mql": "200", "sql": "50", "won": "10"})
    store.meetings.end_meeting(first.id)
    clock.advance(days=14)
    m = store.meetings.start_meeting("sales-marketing-sync")
    assert store.panels.pipeline(m.id).current == {"leads": None, "mql": None, "sql": None, "won": None}
    view = store.panels.set_pipeline(m.id, {"leads": "1200", "mql": "300", "sql": "", "won": 12})
    assert view.current == {"leads": 1200, "mql": 300, "sql": None, "won": 12}
    assert view.previous == {"leads": 1000, "mql": 200, "sql": 50, "won": 10}
    assert view.rates["leads>mql"] == 25.0 and view.previous_rates["leads>mql"] == 20.0
    assert view.previous_when == first.started_at
    with pytest.raises(InvalidInput, match="MQL") as exc:
        store.panels.set_pipeline(m.id, {"leads": "5", "mql": "lots"})
    assert exc.value.field == "mql"
    assert store.panels.pipeline(m.id).current["leads"] == 1200  # nothing written
    store.panels.add_campaign_change(m.id, "Pause webinar ads")
    with pytest.raises(InvalidInput) as exc:
        store.panels.add_campaign_change(m.id, "")
    assert exc.value.field == "text"
    assert [c.text for c in store.panels.campaign_changes(m.id)] == ["Pause webinar ads"]


def test_budget_lines_threshold_and_reforecast(store, clock) -> None:
    first = store.meetings.start_meeting("finance-review")
    store.panels.set_budget_line(first.id, "Sales", "260k", "300k")
    store.meetings.end_meeting(first.id)
    clock.advance(days=30)
    m = store.meetings.start_meeting("finance-review")
    assert m.variance_threshold == 10.0
    assert store.panels.previous_budget_departments(m.id) == [("Sales", 260_000)]
    line = store.panels.set_budget_line(m.id, "Engineering", "420,000", "455000")
    assert (line.variance, round(line.variance_pct, 2), line.flagged(10)) == (35_000, 8.33, False)
    line = store.panels.set_budget_line(m.id, "Engineering", "420,000", "470000")  # replaced, not duplicated
    assert line.flagged(10) and len(store.panels.budget_lines(m.id)) == 1
    assert store.panels.set_variance_threshold(m.id, "15 %") == 15
    assert store.meetings.get_meeting(m.id).variance_threshold == 15
    assert store.panels.set_reforecast(m.id, "1.5m") == 1_500_000
    assert store.meetings.get_meeting(m.id).reforecast == 1_500_000
    assert store.panels.set_reforecast(m.id, "") is None
    for args, field in (
        (("", "1", "1"), "department"),
        (("Ops", "abc", "1"), "budget"),
        (("Ops", "1", "-5"), "actual"),
        (("Ops", "1", "1e999"), "actual"),
    ):
        with pytest.raises(InvalidInput) as exc:
            store.panels.set_budget_line(m.id, *args)
        assert exc.value.field == field
    for bad in ("0", "ten", "-4"):
        with pytest.raises(InvalidInput) as exc:
            store.panels.set_variance_threshold(m.id, bad)
        assert exc.value.field == "threshold"
    with pytest.raises(InvalidInput) as exc:
        store.panels.set_reforecast(m.id, "soon")
    assert exc.value.field == "reforecast"
    assert len(store.panels.budget_lines(m.id)) == 1 and store.meetings.get_meeting(m.id).variance_threshold == 15


def test_wins_and_health_check_against_last_quarter(store, clock) -> None:
    q3 = store.meetings.start_meeting("all-hands")
    handoffs = store.playbook.list_handoffs()
    store.panels.rate_handoff(q3.id, handoffs[0].id, "4", "good packets")
    store.panels.rate_handoff(q3.id, handoffs[1].id, 2)
    store.meetings.end_meeting(q3.id)
    clock.advance(days=91)
    m = store.meetings.start_meeting("all-hands")
    rows = store.panels.health_check(m.id)
    assert len(rows) >= 4 and {r.handoff.label for r in rows} >= {
        "Marketing → Sales",
        "Product → Engineering",
        "Sales → Customer Success",
        "Finance → All",
    }
    assert (rows[0].rating, rows[0].previous_rating, rows[0].trend) == (None, 4, "none")
    store.panels.rate_handoff(m.id, handoffs[0].id, "3", "slower hand-offs")
    store.panels.rate_handoff(m.id, handoffs[1].id, "5")
    row = store.panels.rate_handoff(m.id, handoffs[2].id, "3")
    assert row.trend == "new"
    rows = store.panels.health_check(m.id)
    assert [(r.rating, r.previous_rating, r.trend) for r in rows[:3]] == [
        (3, 4, "down"),
        (5, 2, "up"),
        (3, None, "new"),
    ]
    assert rows[0].previous_comment == "good packets"
    for bad in ("0", "6", "great", ""):
        with pytest.raises(InvalidInput) as exc:
            store.panels.rate_handoff(m.id, handoffs[0].id, bad)
        assert exc.value.field == "rating"
    store.panels.add_win(m.id, "Closed the biggest deal", "Alex")
    with pytest.raises(InvalidInput) as exc:
        store.panels.add_win(m.id, "\x1b[0m")
    assert exc.value.field == "text"
    assert [(w.text, w.who) for w in store.panels.wins(m.id)] == [("Closed the biggest deal", "Alex")]
