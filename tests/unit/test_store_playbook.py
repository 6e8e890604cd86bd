"""The playbook store: metrics, hand-offs, fail-fast log, escalation, ratings."""

from __future__ import annotations

from datetime import date

import pytest

from cadence_tui.core.scorecard import sparkline
from cadence_tui.store import InvalidInput, NotFound

pytestmark = pytest.mark.both_engines


def test_seeded_scorecard_and_focus_warning(store) -> None:
    assert [m.key for m in store.scorecard.list_metrics()] == ["cac", "ttv", "enps"]
    assert store.scorecard.focus_warning() is None
    m = store.scorecard.add_metric(
        "nrr", "Net revenue retention", unit="%", target="105", direction="higher", cadence_keys=["finance-review"]
    )
    assert m.target == 105.0 and m.cadence_keys == ("finance-review",)
    warning = store.scorecard.focus_warning()
    assert warning and "4 active metrics" in warning  # a warning, not a refusal
    store.scorecard.archive_metric("nrr")
    assert store.scorecard.focus_warning() is None
    with pytest.raises(InvalidInput, match="already exists"):
        store.scorecard.add_metric("cac", "Again")
    with pytest.raises(InvalidInput, match="unknown cadence"):
        store.scorecard.add_metric("x", "X", cadence_keys=["nope"])
    with pytest.raises(InvalidInput, match="direction"):
        store.scorecard.add_metric("y", "Y", direction="up")
    with pytest.raises(InvalidInput, match="key"):
        store.scorecard.add_metric("Bad Key!", "Z")
    updated = store.scorecard.update_metric("cac", target="1,100", owner="Alex")
    assert updated.target == 1100 and updated.owner == "Alex" and updated.name == "Customer Acquisition Cost"


def test_record_values_and_scorecard_rows(store, clock) -> None:
    for day, value in ((1, 1500), (8, 1400), (15, 1250)):
        store.scorecard.record_metric_value("cac", value, on=date(2026, 11, day))
    row = next(r for r in store.scorecard.scorecard() if r.metric.key == "cac")
    assert row.values == (1500, 1400, 1250) and row.last == 1250 and row.change == -150
    assert row.off_target and row.improving is True  # lower is better; still above 1200
    assert row.last_on == date(2026, 11, 15)
    store.scorecard.record_metric_value("cac", "1,150", on=date(2026, 11, 22))
    row = next(r for r in store.scorecard.scorecard() if r.metric.key == "cac")
    assert not row.off_target and row.sparkline == sparkline([1500, 1400, 1250, 1150])
    with pytest.raises(InvalidInput, match="number"):
        store.scorecard.record_metric_value("cac", "lots")
    with pytest.raises(NotFound, match="unknown metric"):
        store.scorecard.record_metric_value("nope", 1)
    # only the metrics a cadence reviews
    assert [r.metric.key for r in store.scorecard.scorecard("sprint-review")] == ["ttv"]
    assert [r.metric.key for r in store.scorecard.scorecard("all-hands")] == ["enps"]


def test_value_recorded_in_a_meeting_takes_its_date_and_can_be_corrected(store, clock) -> None:
    meeting = store.meetings.start_meeting("finance-review")
    clock.advance(days=3)
    v = store.scorecard.record_metric_value("ttv", 31, meeting_id=meeting.id)
    assert v.recorded_on == date(2026, 11, 25)
    store.scorecard.record_metric_value("ttv", 29, meeting_id=meeting.id)
    assert [h.value for h in store.scorecard.metric_history("ttv")] == [29]
    assert store.scorecard.meeting_metric_values(meeting.id) == {"ttv": 29}


def test_sparkline_scales_between_min_and_max() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5]) == "▄▄" and sparkline([]) == ""
    assert len(sparkline(list(range(30)))) == 12


def test_handoff_register_edit_and_add(store) -> None:
    keys = [h.key for h in store.playbook.list_handoffs()]
    assert keys == ["marketing-sales", "product-engineering", "sales-cs", "finance-all"]
    h = store.playbook.update_handoff(
        "marketing-sales",
        owner="Riley",
        packet_fields="lead score, intent signals,  , budget",
        success_criteria="Sales accepts 90 % of MQLs",
    )
    assert h.owner == "Riley" and h.packet_fields == ("lead score", "intent signals", "budget")
    assert h.deliverables.startswith("Qualified leads")  # untouched
    with pytest.raises(InvalidInput, match="cannot be empty"):
        store.playbook.update_handoff("marketing-sales", from_dept="  ")
    new = store.playbook.add_handoff(
        "cs-product", "Customer Success", "Product", owner="Kim", packet_fields=["top requests"]
    )
    assert new.label == "Customer Success → Product"
    assert store.playbook.list_handoffs()[-1].key == "cs-product"


def test_register_counts_failures_and_rates_by_quarter(store) -> None:
    hid = store.playbook.get_handoff("marketing-sales").id
    cid = store.cadences.get_cadence("all-hands").id
    with store.write() as conn:
        for mid, started, rating in (
            (1, "2026-05-07T16:00:00+00:00", 2),
            (2, "2026-08-06T16:00:00+00:00", 3),
            (3, "2026-08-20T16:00:00+00:00", 4),
            (4, "2026-11-05T16:00:00+00:00", 5),
        ):
            conn.execute(
                "INSERT INTO meetings(id, cadence_id, started_at, ended_at, status, timebox_min)"
                " VALUES (?,?,?,?, 'ended', 60)",
                (mid, cid, started, started),
            )
            conn.execute(
                "INSERT INTO health_ratings(meeting_id, handoff_id, rating) VALUES (?,?,?)", (mid, hid, rating)
            )
    store.playbook.log_failfast("marketing-sales", "Leads without intent", cause="Missing data", fix="Required field")
    store.playbook.log_failfast("marketing-sales", "Leads without score", cause="missing  data")
    store.playbook.log_failfast("finance-all", "Caps late", cause="late hand-off", meeting_id=4)
    reg = {r.handoff.key: r for r in store.playbook.handoff_register()}
    ms = reg["marketing-sales"]
    assert ms.failures == 2 and ms.latest_rating == 5 and ms.latest_rating_on == date(2026, 11, 5)
    assert [(q.quarter, q.average, q.count) for q in ms.quarters] == [
        ("2026 Q2", 2, 1),
        ("2026 Q3", 3.5, 2),
        ("2026 Q4", 5, 1),
    ]
    assert ms.rating_trend == 1.5
    assert reg["sales-cs"].failures == 0 and reg["sales-cs"].latest_rating is None
    patterns = store.playbook.failfast_patterns()
    assert patterns.total == 3
    assert [(p.label, p.count) for p in patterns.by_handoff] == [("Marketing → Sales", 2), ("Finance → All", 1)]
    assert [(p.label, p.count) for p in patterns.by_cause] == [("Missing data", 2), ("late hand-off", 1)]
    assert patterns.by_cause[0].repeated and patterns.by_cause[0].detail == (("Marketing → Sales", 2),)
    entries = store.playbook.failfast_entries(cause="MISSING DATA")
    assert len(entries) == 2 and entries[0].what == "Leads without score"
    assert store.playbook.failfast_entries(meeting_id=4)[0].cadence_name == "All-Hands Strategy"
    with pytest.raises(InvalidInput, match="cannot be empty"):
        store.playbook.log_failfast("sales-cs", "   ")
    with pytest.raises(NotFound, match="unknown hand-off"):
        store.playbook.log_failfast("nope", "x")


def test_escalation_is_one_row_resolved_everywhere(store) -> None:
    sprint = store.meetings.start_meeting("sprint-review")
    blocker = store.meetings.add_blocker(
        "Load tests need budget", raised_by="Marco", unblocker="Dana", meeting_id=sprint.id
    )
    action = store.actions.add_action("Price the test cluster", owner="Marco", meeting_id=sprint.id)
    with pytest.raises(InvalidInput, match="another cadence"):
        store.playbook.escalate_blocker(blocker.id, "sprint-review")
    e = store.playbook.escalate_blocker(blocker.id, "finance-review")
    assert (e.from_cadence, e.to_cadence, e.owner) == ("Sprint Review", "Finance Business Review", "Dana")
    store.playbook.escalate_action(action.id, "all-hands")
    assert [x.id for x in store.playbook.escalated_to("finance-review")] == [blocker.id]
    assert [x.kind for x in store.playbook.escalated_to("all-hands")] == ["action"]
    assert {x.kind for x in store.playbook.escalations_from_meeting(sprint.id)} == {"blocker", "action"}
    store.meetings.set_blocker_status(blocker.id, "resolved")
    assert store.playbook.escalated_to("finance-review") == []
    assert store.playbook.escalated_to("finance-review", open_only=False)[0].status == "resolved"
    with pytest.raises(InvalidInput, match="already resolved"):
        store.playbook.escalate_blocker(blocker.id, "all-hands")
    store.playbook.escalate_action(action.id, None)
    assert store.playbook.escalated_to("all-hands") == []


def test_meeting_ratings_only_from_present_attendees(store) -> None:
    m = store.meetings.start_meeting("sprint-review")
    with store.write() as conn:
        conn.execute("UPDATE attendance SET present = 0 WHERE meeting_id = ? AND person = 'Sam'", (m.id,))
    assert store.playbook.present_attendees(m.id) == ["Priya", "Marco", "Lena"]
    assert store.playbook.rate_meeting(m.id, {"Priya": 8, "Marco": "9", "Lena": None}) == {"Marco": 9, "Priya": 8}
    with pytest.raises(InvalidInput, match="not present"):
        store.playbook.rate_meeting(m.id, {"Sam": 5})
    with pytest.raises(InvalidInput, match="from 1 to 10"):
        store.playbook.rate_meeting(m.id, {"Lena": 11, "Priya": 1})
    assert store.playbook.meeting_ratings(m.id) == {"Marco": 9, "Priya": 8}  # nothing half-written
    store.playbook.rate_meeting(m.id, {"Priya": 3})
    assert store.playbook.meeting_ratings(m.id)["Priya"] == 3
