"""The iCalendar export, read back by two independent parsers (icalendar and
recurring-ical-events) and expanded over a year: the dates must be exactly the
app's own schedule, across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import recurring_ical_events
from click.testing import CliRunner
from icalendar import Calendar

from cadence_tui.calendar_export import build_calendar, event_uid
from cadence_tui.cli import cli
from cadence_tui.recurrence import occurrences_between

YEAR = timedelta(days=366)


@pytest.fixture
def shaped(store):
    """The four seeded cadences plus the shapes teams add: a meeting in a zone
    with DST, a daily stand-up, a month-end review, odd characters."""
    store.update_cadence("sprint-review", tz="America/New_York", start_time="09:00")
    store.update_cadence("finance-review", tz="Europe/Berlin", rule="FREQ=MONTHLY;BYMONTHDAY=-1")
    standup = store.create_cadence("Daily Stand-up", copy_from="sprint-review")
    store.update_cadence(standup.key, rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", timebox_min=15,
                         tz="Australia/Sydney", start_time="08:45")
    store.update_cadence("all-hands", name="R&D; All-Hands, [Q] \\ \"big\"")
    return store


def export(store) -> bytes:
    return build_calendar([(c, store.agenda_template(c.id)) for c in store.list_cadences()], stamp=store.now())


def test_icalendar_reads_one_recurring_event_per_cadence(shaped):
    cal = Calendar.from_ical(export(shaped))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    cadences = shaped.list_cadences()
    assert set(events) == {event_uid(c.key) for c in cadences}
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert {"America/New_York", "Europe/Berlin", "Australia/Sydney"} <= zones
    for c in cadences:
        event = events[event_uid(c.key)]
        assert str(event["SUMMARY"]) == c.name
        assert event.decoded("DURATION") == timedelta(minutes=c.timebox_min)
        if c.tz in ("UTC", "Etc/UTC"):
            assert event.decoded("DTSTART").utcoffset() == timedelta(0)  # written as ...Z
        else:
            assert event["DTSTART"].params["TZID"] == c.tz
        assert event["RRULE"].to_ical().decode() == c.rule
        description = str(event["DESCRIPTION"])
        for item in shaped.agenda_template(c.id):
            assert f"{item.title} ({item.timebox_min} min)" in description
        assert all(p.name in description for p in c.participants)
        assert c.purpose in description


def expected_starts(store, start, end) -> dict[str, list[datetime]]:
    return {
        c.key: list(occurrences_between(c.schedule, start, end)) for c in store.list_cadences()
    }


def test_expansion_over_a_year_matches_the_schedule(shaped):
    start = shaped.now()
    end = start + YEAR
    expected = expected_starts(shaped, start, end)
    cal = Calendar.from_ical(export(shaped))
    got: dict[str, list[datetime]] = {}
    for event in recurring_ical_events.of(cal).between(start, end):
        key = str(event["UID"]).split("@")[0]
        got.setdefault(key, []).append(event["DTSTART"].dt)
    for key, starts in expected.items():
        assert sorted(got[key]) == starts, key  # aware datetimes compare as instants
        assert all(dt.utcoffset() == exp.utcoffset() for dt, exp in zip(sorted(got[key]), starts))
    # And the app's own upcoming list says the same.
    upcoming = shaped.upcoming(366)
    for key, starts in expected.items():
        assert [o.start for o in upcoming if o.cadence_key == key] == starts


def test_daylight_saving_change_keeps_local_time(shaped):
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    cal = Calendar.from_ical(export(shaped))
    events = [
        e for e in recurring_ical_events.of(cal).between(start, start + YEAR)
        if str(e["UID"]) == event_uid("sprint-review")
    ]
    utc_hours = {e["DTSTART"].dt.astimezone(timezone.utc).hour for e in events}
    local_hours = {e["DTSTART"].dt.hour for e in events}
    assert local_hours == {9}
    assert utc_hours == {13, 14}  # EDT in summer, EST in winter
    march = [e["DTSTART"].dt for e in events if e["DTSTART"].dt.month == 3]
    assert march[0].astimezone(timezone.utc).hour == 14 and march[-1].astimezone(timezone.utc).hour == 13


def test_dateutil_expansion_of_the_parsed_rule(shaped):
    """A third reading: the parsed DTSTART and RRULE expanded with dateutil."""
    from dateutil.rrule import rrulestr

    start = shaped.now()
    end = start + YEAR
    expected = expected_starts(shaped, start, end)
    for event in Calendar.from_ical(export(shaped)).walk("VEVENT"):
        key = str(event["UID"]).split("@")[0]
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
        assert rule.between(start, end, inc=True) == expected[key]


def test_cli_export_ics_file_and_single_cadence(store, db_path, tmp_path):
    out = tmp_path / "cadence.ics"
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "ics", "--db", str(db_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 4
    one = runner.invoke(cli, ["export", "ics", "--db", str(db_path), "--cadence", "all-hands"])
    events = Calendar.from_ical(one.stdout_bytes).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [event_uid("all-hands")]
    bad = runner.invoke(cli, ["export", "ics", "--db", str(db_path), "--cadence", "nope"])
    assert bad.exit_code == 1 and "unknown cadence 'nope'" in bad.stderr


def test_archived_cadence_left_out(store):
    store.archive_cadence("finance-review")
    uids = {str(e["UID"]) for e in Calendar.from_ical(export(store)).walk("VEVENT")}
    assert event_uid("finance-review") not in uids and len(uids) == 3
