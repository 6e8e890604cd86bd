"""The editor's recurrence choices to RRULE strings and back."""

from __future__ import annotations

import pytest

from cadence_tui.core import recurrence_builder as rb
from cadence_tui.core.recurrence import ScheduleError
from cadence_tui.core.seed import CADENCES


@pytest.mark.parametrize(
    ("choice", "rule"),
    [
        (rb.RecurrenceChoice(rb.WEEKLY, weekdays=("TH",)), "FREQ=WEEKLY;BYDAY=TH"),
        (rb.RecurrenceChoice(rb.WEEKLY, weekdays=("FR", "MO", "WE", "TU", "TH")), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        (rb.RecurrenceChoice(rb.EVERY_N_WEEKS, interval=2, weekdays=("TU",)), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        (rb.RecurrenceChoice(rb.MONTHLY_WEEKDAY, weekdays=("MO",), nth=1), "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"),
        (rb.RecurrenceChoice(rb.MONTHLY_WEEKDAY, weekdays=("FR",), nth=-1), "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1"),
        (rb.RecurrenceChoice(rb.MONTHLY_DATE, month_day=15), "FREQ=MONTHLY;BYMONTHDAY=15"),
        (rb.RecurrenceChoice(rb.MONTHLY_DATE, month_day=-1), "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (rb.RecurrenceChoice(rb.QUARTERLY, weekdays=("TH",), nth=1), "FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1"),
        (rb.RecurrenceChoice(rb.CUSTOM, raw="rrule:freq=daily;count=10"), "FREQ=DAILY;COUNT=10"),
    ],
)
def test_to_rule_and_back(choice, rule):
    assert rb.to_rule(choice) == rule
    back = rb.from_rule(rule)
    assert rb.to_rule(back) == rule
    assert back.kind == choice.kind


@pytest.mark.parametrize("seeded", CADENCES, ids=lambda c: c.key)
def test_every_seeded_rule_has_an_editor_choice(seeded):
    choice = rb.from_rule(seeded.rule)
    assert choice.kind != rb.CUSTOM
    assert rb.to_rule(choice) == seeded.rule


@pytest.mark.parametrize(
    "rule", ["FREQ=MONTHLY;BYDAY=1MO", "FREQ=YEARLY;BYMONTH=3", "FREQ=WEEKLY;BYDAY=MO;COUNT=4", "FREQ=DAILY"]
)
def test_other_rules_stay_custom_and_unchanged(rule):
    choice = rb.from_rule(rule)
    assert choice.kind == rb.CUSTOM and choice.raw == rule
    assert rb.to_rule(choice) == rule


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (rb.RecurrenceChoice(rb.WEEKLY, weekdays=()), "at least one weekday"),
        (rb.RecurrenceChoice(rb.EVERY_N_WEEKS, interval=1, weekdays=("MO",)), "between 2 and 52"),
        (rb.RecurrenceChoice(rb.MONTHLY_DATE, month_day=32), "1 to 31"),
        (rb.RecurrenceChoice(rb.MONTHLY_WEEKDAY, weekdays=("MO",), nth=5), "first, second"),
        (rb.RecurrenceChoice(rb.CUSTOM, raw="FREQ=SOMETIMES"), "invalid recurrence rule"),
        (rb.RecurrenceChoice(rb.CUSTOM, raw=""), "looks like FREQ="),
    ],
)
def test_bad_choices_say_why(choice, message):
    with pytest.raises(ScheduleError, match=message):
        rb.to_rule(choice)


def test_switching_kind_keeps_what_applies():
    weekly = rb.RecurrenceChoice(rb.WEEKLY, weekdays=("TU",))
    assert rb.to_rule(weekly.with_kind(rb.EVERY_N_WEEKS)) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert weekly.with_kind(rb.CUSTOM).raw == "FREQ=WEEKLY;BYDAY=TU"


@pytest.mark.parametrize(
    ("text", "days", "shown"),
    [
        ("Thu", ("TH",), "Thu"),
        ("mon, thursday", ("MO", "TH"), "Mon, Thu"),
        ("Mon-Fri", ("MO", "TU", "WE", "TH", "FR"), "Mon-Fri"),
        ("weekdays", ("MO", "TU", "WE", "TH", "FR"), "Mon-Fri"),
        ("fr mo we", ("MO", "WE", "FR"), "Mon, Wed, Fri"),
    ],
)
def test_weekday_text(text, days, shown):
    assert rb.parse_weekdays(text) == days
    assert rb.format_weekdays(days) == shown


@pytest.mark.parametrize(
    ("text", "message"), [("", "at least one"), ("t", "not a weekday"), ("fri-mon", "runs forward")]
)
def test_bad_weekday_text(text, message):
    with pytest.raises(ScheduleError, match=message):
        rb.parse_weekdays(text)
