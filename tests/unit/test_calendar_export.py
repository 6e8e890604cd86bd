"""The iCalendar export, read back by two independent parsers (icalendar and
recurring-ical-events) and expanded over a year: the dates must be exactly the
app's own schedule, across daylight-saving changes."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
import recurring_ical_events
from click.testing import CliRunner
from dateutil.rrule import rrulestr
from icalendar import Calendar

from cadence_tui.cli import cli
from cadence_tui.core.recurrence import occurrences_between
from cadence_tui.integrations.calendar_export import build_calendar, event_uid, ical_rule

pytestmark = pytest.mark.both_engines

YEAR = timedelta(days=366)


@pytest.fixture
def shaped(store):
    """The four seeded cadences plus the shapes teams add: a meeting in a zone
    with DST, a daily stand-up, a month-end review, odd characters."""
    store.cadences.update_cadence("sprint-review", tz="America/New_York", start_time="09:00")
    store.cadences.update_cadence("finance-review", tz="Europe/Berlin", rule="FREQ=MONTHLY;BYMONTHDAY=-1")
    standup = store.cadences.create_cadence("Daily Stand-up", copy_from="sprint-review")
    store.cadences.update_cadence(
        standup.key, rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", timebox_min=15, tz="Australia/Sydney", start_time="08:45"
    )
    store.cadences.update_cadence("all-hands", name='R&D; All-Hands, [Q] \\ "big"')
    return store


def export(store) -> bytes:
    return build_calendar(
        [(c, store.cadences.agenda_template(c.id)) for c in store.cadences.list_cadences()], stamp=store.now()
    )


def test_icalendar_reads_one_recurring_event_per_cadence(shaped):
    cal = Calendar.from_ical(export(shaped))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    cadences = shaped.cadences.list_cadences()
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
        assert event["RRULE"].to_ical().decode() == ical_rule(c.rule)
        description = str(event["DESCRIPTION"])
        for item in shaped.cadences.agenda_template(c.id):
            assert f"{item.title} ({item.timebox_min} min)" in description
        assert all(p.name in description for p in c.participants)
        assert c.purpose in description


def expected_starts(store, start, end) -> dict[str, list[datetime]]:
    return {c.key: list(occurrences_between(c.schedule, start, end)) for c in store.cadences.list_cadences()}


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
        assert all(dt.utcoffset() == exp.utcoffset() for dt, exp in zip(sorted(got[key]), starts, strict=False))
    # And the app's own upcoming list says the same.
    upcoming = shaped.cadences.upcoming(366)
    for key, starts in expected.items():
        assert [o.start for o in upcoming if o.cadence_key == key] == starts


def test_daylight_saving_change_keeps_local_time(shaped):
    start = datetime(2027, 1, 1, tzinfo=UTC)
    cal = Calendar.from_ical(export(shaped))
    events = [
        e
        for e in recurring_ical_events.of(cal).between(start, start + YEAR)
        if str(e["UID"]) == event_uid("sprint-review")
    ]
    utc_hours = {e["DTSTART"].dt.astimezone(UTC).hour for e in events}
    local_hours = {e["DTSTART"].dt.hour for e in events}
    assert local_hours == {9}
    assert utc_hours == {13, 14}  # EDT in summer, EST in winter
    march = [e["DTSTART"].dt for e in events if e["DTSTART"].dt.month == 3]
    assert march[0].astimezone(UTC).hour == 14 and march[-1].astimezone(UTC).hour == 13


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


def test_cli_export_ics_file_and_single_cadence(store, db, tmp_path):
    out = tmp_path / "cadence.ics"
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "ics", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 4
    one = runner.invoke(cli, ["export", "ics", "--db", str(db), "--cadence", "all-hands"])
    events = Calendar.from_ical(one.stdout_bytes).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [event_uid("all-hands")]
    bad = runner.invoke(cli, ["export", "ics", "--db", str(db), "--cadence", "nope"])
    assert bad.exit_code == 1 and "unknown cadence 'nope'" in bad.stderr


def test_archived_cadence_left_out(store):
    store.cadences.archive_cadence("finance-review")
    uids = {str(e["UID"]) for e in Calendar.from_ical(export(store)).walk("VEVENT")}
    assert event_uid("finance-review") not in uids and len(uids) == 3


# -- the ordinal form (issue 13): readers that ignore BYSETPOS ------------------


ORDINAL_CASES = [
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1", "FREQ=MONTHLY;BYDAY=1MO"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1", "FREQ=MONTHLY;INTERVAL=3;BYDAY=1TH"),
    ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("FREQ=MONTHLY;BYDAY=WE;BYSETPOS=3", "FREQ=MONTHLY;BYDAY=3WE"),
    ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-2;COUNT=9", "FREQ=MONTHLY;BYDAY=-2TU;COUNT=9"),
    ("FREQ=MONTHLY;INTERVAL=2;BYDAY=SU;BYSETPOS=5", "FREQ=MONTHLY;INTERVAL=2;BYDAY=5SU"),
    ("RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2;UNTIL=20301231T000000Z", "FREQ=MONTHLY;BYDAY=2MO;UNTIL=20301231T000000Z"),
]
UNCHANGED = [
    "FREQ=WEEKLY;BYDAY=TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",  # last business day: no ordinal form
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1,3",  # two positions
    "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=1,2,3,4,5,6,7;BYSETPOS=1",  # another part shapes the set
    "FREQ=YEARLY;BYMONTH=3,9;BYDAY=MO;BYSETPOS=1",  # yearly: 1MO would mean each month
    "FREQ=MONTHLY;BYDAY=2MO",
]


@pytest.mark.parametrize("rule,expected", ORDINAL_CASES)
def test_single_weekday_and_position_written_as_ordinal(rule, expected):
    assert ical_rule(rule) == expected


@pytest.mark.parametrize("rule", UNCHANGED)
def test_other_rules_written_as_they_are(rule):
    assert ical_rule(rule) == rule


@pytest.mark.parametrize("rule", [r for r, _ in ORDINAL_CASES] + UNCHANGED)
@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 1, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 1, 5, 14, 0, tzinfo=UTC),
        datetime(2027, 3, 31, 8, 30, tzinfo=UTC),
        datetime(2028, 2, 29, 17, 0, tzinfo=UTC),
    ],
)
def test_ordinal_form_keeps_every_date(rule, start):
    """dateutil expands the stored rule and the exported one to the same dates
    over ten years, from several starts (a leap day, a month's end)."""
    stored = rule[6:] if rule.startswith("RRULE:") else rule
    end = start + timedelta(days=3653)
    ours = list(rrulestr(stored, dtstart=start).between(start, end, inc=True))
    exported = list(rrulestr(ical_rule(rule), dtstart=start).between(start, end, inc=True))
    assert exported == ours and ours


def first_weekdays(dates, weekday, months_apart):
    """True when every date is the first `weekday` of its month and the months
    follow each other `months_apart` apart."""
    months = [d.year * 12 + d.month for d in dates]
    return all(d.weekday() == weekday and d.day <= 7 for d in dates) and all(
        b - a == months_apart for a, b in itertools.pairwise(months)
    )


def seeded_starts_by_reader(store):
    """The first 12 dates of Finance and All-Hands, read from the exported file
    by three readers: recurring-ical-events; icalendar + dateutil; and a reader
    that drops BYSETPOS (as some terminal calendars do)."""
    data = export(store)
    assert b"BYSETPOS" not in data
    cal = Calendar.from_ical(data)
    start = store.now()
    end = start + timedelta(days=4 * 366)
    readers: dict[str, dict[str, list[date]]] = {"recurring-ical-events": {}, "dateutil": {}, "no-bysetpos": {}}
    for event in recurring_ical_events.of(cal).between(start, end):
        key = str(event["UID"]).split("@")[0]
        readers["recurring-ical-events"].setdefault(key, []).append(event["DTSTART"].dt.date())
    for event in cal.walk("VEVENT"):
        key = str(event["UID"]).split("@")[0]
        recur = event["RRULE"]
        dtstart = event.decoded("DTSTART")
        rule = rrulestr(recur.to_ical().decode(), dtstart=dtstart)
        readers["dateutil"][key] = [d.date() for d in rule.between(start, end, inc=True)]
        plain = ";".join(p for p in recur.to_ical().decode().split(";") if not p.startswith("BYSETPOS"))
        readers["no-bysetpos"][key] = [d.date() for d in rrulestr(plain, dtstart=dtstart).between(start, end, inc=True)]
    return readers


def test_seeded_monthly_and_quarterly_rules_read_right_by_every_reader(store):
    events = {str(e["UID"]): e for e in Calendar.from_ical(export(store)).walk("VEVENT")}
    assert events[event_uid("finance-review")]["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1MO"
    assert events[event_uid("all-hands")]["RRULE"].to_ical() == b"FREQ=MONTHLY;INTERVAL=3;BYDAY=1TH"
    app_dates = {
        key: [d.date() for d in starts]
        for key, starts in expected_starts(store, store.now(), store.now() + timedelta(days=4 * 366)).items()
    }
    for reader, got in seeded_starts_by_reader(store).items():
        finance, all_hands = got["finance-review"][:12], got["all-hands"][:12]
        assert len(finance) == 12 and first_weekdays(finance, 0, 1), (reader, finance)
        assert len(all_hands) == 12 and first_weekdays(all_hands, 3, 3), (reader, all_hands)
        assert all_hands[0] == date(2027, 1, 7) and all_hands[1] == date(2027, 4, 1)
        assert finance[0] == date(2026, 12, 7)
        for key, dates in app_dates.items():
            assert got[key] == dates, (reader, key)


@pytest.mark.skipif(shutil.which("calcurse") is None, reason="calcurse (Debian package) not installed")
def test_calcurse_imports_the_file_with_the_right_dates(store, tmp_path):
    """calcurse, a terminal calendar that ignores BYSETPOS: with the ordinal
    form it shows the Finance review on first Mondays only and the All-Hands
    on the first Thursday of each quarter."""
    ics = tmp_path / "cadence.ics"
    ics.write_bytes(export(store))
    data = tmp_path / "calcurse"
    data.mkdir()
    env = {"HOME": str(tmp_path), "TZ": "UTC", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        ["calcurse", "-D", str(data), "-q", "-i", str(ics)], check=True, env=env, capture_output=True, timeout=30
    )
    listing = subprocess.run(
        [
            "calcurse",
            "-D",
            str(data),
            "--input-datefmt",
            "4",
            "-Q",
            "--from",
            "2026-11-26",
            "--days",
            "1200",
            "--filter-type",
            "recur",
            "--format-recur-apt",
            "%s|%m\n",
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    got: dict[str, list[date]] = {}
    for line in listing.splitlines():
        if "|" in line:
            stamp, title = line.split("|", 1)
            got.setdefault(title, []).append(datetime.fromtimestamp(int(stamp), UTC).date())
    finance, all_hands = got["Finance Business Review"][:12], got["All-Hands Strategy"][:12]
    assert len(finance) == 12 and first_weekdays(finance, 0, 1), finance
    assert len(all_hands) == 12 and first_weekdays(all_hands, 3, 3), all_hands
    assert len(got["Finance Business Review"]) < 45  # not every Monday
