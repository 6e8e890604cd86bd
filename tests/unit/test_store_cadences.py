"""Editing cadences in the store: validated updates, new and copied cadences,
archive, agenda template."""

from __future__ import annotations

from datetime import date, time

import pytest

from cadence_tui.store import InvalidInput

pytestmark = pytest.mark.both_engines


def test_update_validates_and_stores_nothing_invalid(store):
    before = store.cadences.get_cadence("sprint-review")
    for kwargs, message in [
        ({"rule": "FREQ=SOMETIMES"}, "invalid recurrence rule"),
        ({"start_time": "9.30"}, "not a time"),
        ({"tz": "Mars/Olympus"}, "unknown time zone"),
        ({"timebox_min": "0"}, "between 1 and"),
        ({"name": "  "}, "cannot be empty"),
        ({"anchor": "2026-02-30"}, "not a date"),
        ({"participants": "Ana, ana"}, "listed twice"),
        # One bad field among good ones: none of them is stored.
        ({"name": "New name", "tz": "nowhere"}, "unknown time zone"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            store.cadences.update_cadence("sprint-review", **kwargs)
    assert store.cadences.get_cadence("sprint-review") == before


def test_update_every_field(store):
    c = store.cadences.update_cadence(
        "sprint-review",
        name=" Demo\x1b[2J Day ",
        purpose="Show it",
        rule="rrule:freq=weekly;byday=fr",
        anchor="2026-01-02",
        start_time="9:05",
        tz="Europe/Berlin",
        timebox_min="45",
        participants="Ana (PM), Bo",
        variance_threshold="12.5%",
    )
    assert (c.name, c.purpose, c.rule, c.anchor, c.start_time, c.tz, c.timebox_min, c.variance_threshold) == (
        "Demo Day",
        "Show it",
        "FREQ=WEEKLY;BYDAY=FR",
        date(2026, 1, 2),
        time(9, 5),
        "Europe/Berlin",
        45,
        12.5,
    )
    assert [p.label for p in c.participants] == ["Ana (PM)", "Bo"]


def test_create_blank_and_copy_with_unique_keys(store):
    copy = store.cadences.create_cadence("Sprint Review", copy_from="sprint-review")
    assert copy.key == "sprint-review-2"
    source = store.cadences.get_cadence("sprint-review")
    assert (copy.rule, copy.tz, copy.timebox_min, copy.participants) == (
        source.rule,
        source.tz,
        source.timebox_min,
        source.participants,
    )
    assert [(i.title, i.timebox_min) for i in store.cadences.agenda_template(copy.id)] == [
        (i.title, i.timebox_min) for i in store.cadences.agenda_template(source.id)
    ]
    blank = store.cadences.create_cadence("Café Retro!")
    assert blank.key == "cafe-retro" and store.cadences.agenda_template(blank.id) == []
    assert store.cadences.list_cadences()[-1].key == "cafe-retro"
    with pytest.raises(InvalidInput, match="taken"):
        store.cadences.create_cadence("X", key="all-hands")


def test_archive_refused_while_a_meeting_runs(store):
    meeting = store.meetings.start_meeting("sprint-review")
    with pytest.raises(InvalidInput, match="in progress"):
        store.cadences.archive_cadence("sprint-review")
    store.meetings.end_meeting(meeting.id)
    store.cadences.archive_cadence("sprint-review")
    assert store.cadences.get_cadence("sprint-review").archived
    assert store.meetings.get_meeting(meeting.id).cadence_key == "sprint-review"


def test_template_add_move_update_remove(store):
    cadence = store.cadences.get_cadence("all-hands")
    titles = lambda: [i.title for i in store.cadences.agenda_template(cadence.id)]  # noqa: E731
    first = store.cadences.add_template_item("all-hands", "Welcome", 5, position=0)
    assert titles()[0] == "Welcome"
    store.cadences.move_template_item(first.id, 2)
    assert titles()[2] == "Welcome"
    store.cadences.move_template_item(first.id, -10)
    assert titles()[0] == "Welcome"
    store.cadences.update_template_item(first.id, title="Hello", timebox_min="3")
    assert store.cadences.agenda_template(cadence.id)[0].title == "Hello"
    with pytest.raises(InvalidInput, match="needs a title"):
        store.cadences.update_template_item(first.id, title=" ")
    store.cadences.remove_template_item(first.id)
    assert "Hello" not in titles()
    assert [i.position for i in store.cadences.agenda_template(cadence.id)] == list(range(len(titles())))
