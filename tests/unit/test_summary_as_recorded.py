"""A past meeting's summary says what that meeting recorded (issue 13, items 6-7).

Its action items are copied as the meeting ends (schema v6); later edits show
only as "(now …)" beside what was recorded. Also the summary's content: the
budget flag, the meeting's rating, and a meeting shorter than a minute.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from cadence_tui.core.summary import FORMATS, render
from cadence_tui.store import StoreError, open_store
from cadence_tui.store.portability import dumps_export
from cadence_tui.store.schema import SCHEMA_VERSION
from tests.summary_fixtures import build_meeting

pytestmark = pytest.mark.both_engines

NOV_11 = datetime(2026, 11, 11, 14, 0, tzinfo=UTC)
NOV_25 = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
DEC_2 = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def section(text: str, heading: str) -> list[str]:
    """The lines of one section of a plain-text summary (wrapped lines joined)."""
    lines = text.splitlines()
    start = lines.index(heading) + 2
    items: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        if line.startswith("  * "):
            items.append(line[4:])
        else:
            items[-1] += " " + line.strip()
    return items


@pytest.fixture
def history(store, clock) -> dict[str, int]:
    """Three Sprint Reviews: 11 Nov leaves two open items; 25 Nov (under
    test) carries them and records two new ones; 2 Dec changes all four."""
    clock.current = NOV_11
    first = store.meetings.start_meeting("sprint-review").id
    overdue = store.actions.add_action(
        "Update the onboarding checklist", owner="Lena", due=date(2026, 11, 20), meeting_id=first
    )
    later = store.actions.add_action(
        "Book the customer interviews", owner="Sam", due=date(2026, 12, 2), meeting_id=first
    )
    staging = store.meetings.add_blocker(
        "Staging database is down", raised_by="Marco", unblocker="Dana", meeting_id=first
    )
    clock.advance(minutes=30)
    store.meetings.end_meeting(first)

    clock.current = NOV_25
    meeting = store.meetings.start_meeting("sprint-review").id
    clock.advance(minutes=10)
    plan = store.meetings.capture_action(meeting, "Write the rollout plan", "Priya", "2026-12-04")
    legal = store.meetings.capture_action(meeting, "Ask legal about retention", "", "")
    keys = store.meetings.capture_blocker(meeting, "Waiting for the API keys", "Lena", "Chris")
    clock.advance(minutes=20)
    store.meetings.end_meeting(meeting)
    return {
        "first": first,
        "meeting": meeting,
        "overdue": overdue.id,
        "later": later.id,
        "plan": plan.id,
        "legal": legal.id,
        "staging": staging.id,
        "keys": keys.id,
    }


def change_everything(store, clock, ids: dict[str, int]) -> int:
    """The next meeting closes the overdue item and re-dates the other; outside
    any meeting the new items are reassigned, closed and given a due date."""
    clock.current = DEC_2
    nxt = store.meetings.start_meeting("sprint-review").id
    store.meetings.triage(nxt, "action", ids["overdue"], "done")
    store.meetings.triage(nxt, "action", ids["later"], "redated", due="2026-12-09")
    clock.advance(minutes=25)
    store.meetings.end_meeting(nxt)
    store.actions.reassign_action(ids["plan"], "Sam")
    store.actions.set_action_status(ids["plan"], "done")
    store.actions.set_action_due(ids["legal"], date(2026, 12, 18))
    store.meetings.set_blocker_status(ids["keys"], "resolved")
    with store.write() as conn:  # the staging blocker goes to Finance's next meeting
        conn.execute(
            "UPDATE blockers SET escalated_to_cadence_id = (SELECT id FROM cadences"
            " WHERE key = 'finance-review') WHERE id = ?",
            (ids["staging"],),
        )
    return nxt


def test_later_edits_do_not_rewrite_a_past_summary(store, clock, history) -> None:
    before = {fmt: render(store.records.meeting_record(history["meeting"]), fmt) for fmt in FORMATS}
    change_everything(store, clock, history)
    record = store.records.meeting_record(history["meeting"])
    assert record.as_recorded
    text = render(record, "text")
    assert section(text, "Open items carried over") == [
        "Update the onboarding checklist — Lena, due Fri 20 Nov, overdue, open 14 days (now done)",
        "Book the customer interviews — Sam, due Wed 2 Dec, open 14 days (now due Wed 9 Dec)",
    ]
    assert section(text, "New action items") == [
        "Write the rollout plan — Priya, due Fri 4 Dec (now done)",
        "Ask legal about retention — unassigned (now due Fri 18 Dec)",
    ]
    # A blocker resolved later is still listed as the meeting left it; one
    # escalated elsewhere later still appears in the meeting it was raised in.
    assert section(text, "Blockers") == [
        "Waiting for the API keys — unblock: Chris · raised by Lena · new (now resolved)",
        "Staging database is down — unblock: Dana · raised by Marco · open 14 days",
    ]
    # Apart from the "(now …)" notes, every format says what it said the day it ended.
    for fmt in FORMATS:
        after, expected = render(record, fmt), before[fmt]
        if fmt == "text":  # un-wrap: a note can move a word to the next line
            after, expected = " ".join(after.split()), " ".join(expected.split())
        for note in (" (now done)", " (now due Wed 9 Dec)", " (now due Fri 18 Dec)", " (now resolved)"):
            after = after.replace(note, "")
        assert after == expected, fmt


def test_the_recorded_state_is_what_the_meeting_saw_at_its_end(store, clock, history) -> None:
    rows = store.query(
        "SELECT action_id, section, title, owner, due, status, overdue, closed_here FROM meeting_action_snapshots"
        " WHERE meeting_id = ? ORDER BY position",
        (history["meeting"],),
    )
    assert [tuple(r) for r in rows] == [
        (history["plan"], "new", "Write the rollout plan", "Priya", "2026-12-04", "open", 0, 0),
        (history["legal"], "new", "Ask legal about retention", "", None, "open", 0, 0),
        (history["overdue"], "carried", "Update the onboarding checklist", "Lena", "2026-11-20", "open", 1, 0),
        (history["later"], "carried", "Book the customer interviews", "Sam", "2026-12-02", "open", 0, 0),
    ]
    assert (
        store.scalar("SELECT taken_at FROM meeting_end_snapshots WHERE meeting_id = ?", (history["meeting"],))
        == "2026-11-25T14:30:00+00:00"
    )


def test_an_item_closed_in_the_meeting_and_reopened_later(store, clock, history) -> None:
    nxt = change_everything(store, clock, history)
    record = store.records.meeting_record(nxt)
    closed = section(render(record, "text"), "Closed in this meeting")
    assert "Update the onboarding checklist — Lena (done)" in closed
    store.actions.set_action_status(history["overdue"], "open")
    text = render(store.records.meeting_record(nxt), "text")
    assert section(text, "Closed in this meeting") == ["Update the onboarding checklist — Lena (done) (now open)"]


def test_a_blocker_resolved_in_the_meeting_and_reopened_later(store, clock, history) -> None:
    clock.current = DEC_2
    nxt = store.meetings.start_meeting("sprint-review").id
    store.meetings.triage(nxt, "blocker", history["keys"], "resolved")
    store.meetings.end_meeting(nxt)
    assert section(render(store.records.meeting_record(nxt), "text"), "Resolved blockers") == [
        "Waiting for the API keys"
    ]
    store.meetings.set_blocker_status(history["keys"], "open")
    text = render(store.records.meeting_record(nxt), "text")
    assert section(text, "Resolved blockers") == ["Waiting for the API keys (now open)"]


def test_the_snapshot_is_taken_in_the_transaction_that_ends_the_meeting(store, clock, monkeypatch) -> None:
    meeting = store.meetings.start_meeting("sprint-review").id
    store.meetings.capture_action(meeting, "Write the rollout plan", "Priya", "")
    clock.advance(minutes=5)

    def broken(conn, meeting_id):
        conn.execute("INSERT INTO meeting_end_snapshots(meeting_id, taken_at) VALUES (?, 'x')", (meeting_id,))
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store.records, "record_items_at_end", broken)
    with pytest.raises(StoreError):
        store.meetings.end_meeting(meeting)
    assert store.meetings.get_meeting(meeting).status == "running"
    assert store.scalar("SELECT count(*) FROM meeting_end_snapshots") == 0
    monkeypatch.undo()
    store.meetings.end_meeting(meeting)
    assert store.records.meeting_record(meeting).as_recorded


def test_a_meeting_with_no_action_items_is_recorded_too(store, clock) -> None:
    meeting = store.meetings.start_meeting("finance-review").id
    clock.advance(minutes=5)
    store.meetings.end_meeting(meeting)
    assert store.scalar("SELECT more_carried_actions FROM meeting_end_snapshots WHERE meeting_id = ?", (meeting,)) == 0
    # An item filed under the meeting after it ended is not what it recorded.
    store.actions.add_action("Afterthought", meeting_id=meeting)
    record = store.records.meeting_record(meeting)
    assert record.as_recorded and record.new_actions == []


def test_many_carried_items_beyond_the_snapshot_are_counted(store, clock) -> None:
    from cadence_tui.store.records import CARRIED_LIMIT

    clock.current = NOV_11
    first = store.meetings.start_meeting("sprint-review").id
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO action_items(cadence_id, meeting_id, title, due, created_at)"
            " SELECT cadence_id, id, ?, ?, ? FROM meetings WHERE id = ?",
            [(f"Item {i}", "2026-11-12", NOV_11.isoformat(), first) for i in range(CARRIED_LIMIT + 7)],
        )
    store.meetings.end_meeting(first)
    clock.current = NOV_25
    meeting = store.meetings.start_meeting("sprint-review").id
    store.meetings.end_meeting(meeting)
    assert (
        store.scalar("SELECT count(*) FROM meeting_action_snapshots WHERE meeting_id = ?", (meeting,)) == CARRIED_LIMIT
    )
    with store.write() as conn:  # all closed since: the summary still counts what was open
        conn.execute("UPDATE action_items SET status = 'done', closed_at = ?", (DEC_2.isoformat(),))
    record = store.records.meeting_record(meeting)
    assert record.more_carried_actions == 7
    assert f"…and {CARRIED_LIMIT - 25 + 7} more open items" in render(record, "text")


def test_meetings_ended_before_the_snapshot_read_items_as_they_are(db_path, clock) -> None:
    """A database from schema 5 upgrades; its meetings have no snapshot and
    their summaries show the items as they are today (the old behaviour)."""
    store = open_store(db_path, now=clock)
    ids = {}
    clock.current = NOV_25
    meeting = store.meetings.start_meeting("sprint-review").id
    ids["plan"] = store.meetings.capture_action(meeting, "Write the rollout plan", "Priya", "2026-12-04").id
    store.meetings.end_meeting(meeting)
    store.close()
    conn = sqlite3.connect(db_path, isolation_level=None)  # back to schema 5, as an older Cadence left it
    conn.executescript(
        "DROP TABLE meeting_action_snapshots; DROP TABLE meeting_blocker_snapshots;"
        " DROP TABLE meeting_end_snapshots; ALTER TABLE cadences DROP COLUMN kind;"
        " DROP INDEX idx_meetings_cadence_scheduled;"
        # v9 (topics, who did what)
        " DROP TABLE topics; ALTER TABLE agenda_items DROP COLUMN topic_id;"
        " ALTER TABLE agenda_items DROP COLUMN proposed_by; ALTER TABLE action_items DROP COLUMN created_by;"
        " ALTER TABLE action_items DROP COLUMN closed_by; ALTER TABLE blockers DROP COLUMN created_by;"
        " ALTER TABLE blockers DROP COLUMN resolved_by; ALTER TABLE decisions DROP COLUMN created_by;"
        " ALTER TABLE notes DROP COLUMN created_by; PRAGMA user_version = 5;"
    )
    conn.close()

    store = open_store(db_path, now=clock)
    assert store.schema_version() == SCHEMA_VERSION
    store.actions.set_action_due(ids["plan"], date(2026, 12, 11))
    record = store.records.meeting_record(meeting)
    assert not record.as_recorded
    assert section(render(record, "text"), "New action items") == ["Write the rollout plan — Priya, due Fri 11 Dec"]
    # Meetings ended from now on are recorded.
    clock.current = DEC_2
    nxt = store.meetings.start_meeting("sprint-review").id
    store.meetings.end_meeting(nxt)
    store.actions.set_action_due(ids["plan"], date(2026, 12, 18))
    text = render(store.records.meeting_record(nxt), "text")
    assert "Write the rollout plan — Priya, due Fri 11 Dec, open 7 days (now due Fri 18 Dec)" in " ".join(text.split())
    store.close()


def test_export_and_import_keep_what_meetings_recorded(store, clock, history, tmp_path) -> None:
    change_everything(store, clock, history)
    expected = render(store.records.meeting_record(history["meeting"]), "markdown")
    data = json.loads(dumps_export(store.portability.export_data()))
    assert {"meeting_end_snapshots", "meeting_action_snapshots", "meeting_blocker_snapshots"} <= set(data["tables"])
    assert data["tables"]["meeting_blocker_snapshots"]["rows"]
    order = list(data["tables"])
    assert order.index("meetings") < order.index("meeting_end_snapshots") < order.index("meeting_action_snapshots")
    target = open_store(tmp_path / "copy.db", now=clock)
    target.portability.import_data(data)
    assert render(target.records.meeting_record(history["meeting"]), "markdown") == expected
    assert dumps_export(target.portability.export_data()) == dumps_export(store.portability.export_data())
    # A file from before schema 6 (no snapshot tables) imports; its meetings read live rows.
    for table in ("meeting_action_snapshots", "meeting_blocker_snapshots", "meeting_end_snapshots"):
        del data["tables"][table]
    data["schema_version"] = 5
    older = open_store(tmp_path / "older.db", now=clock)
    older.portability.import_data(data)
    assert not older.records.meeting_record(history["meeting"]).as_recorded
    target.close()
    older.close()


# -- what the summary says (item 7) --------------------------------------------------
def test_budget_lines_over_the_threshold_are_flagged_in_every_format(store, clock) -> None:
    record = store.records.meeting_record(build_meeting(store, clock, "finance-review"))
    expected = {
        "markdown": ["- ⚑ **Marketing**: 205,000 of 180,000 (+13.9 %)", "- ⚑ **Sales**: 221,000 of 260,000 (-15.0 %)"],
        "slack": ["• ⚑ *Marketing*: 205,000 of 180,000 (+13.9 %)", "• ⚑ *Sales*: 221,000 of 260,000 (-15.0 %)"],
        "text": ["  * ⚑ Marketing: 205,000 of 180,000 (+13.9 %)", "  * ⚑ Sales: 221,000 of 260,000 (-15.0 %)"],
    }
    for fmt in FORMATS:
        lines = render(record, fmt).splitlines()
        for line in expected[fmt]:
            assert line in lines, (fmt, line)
        assert sum("⚑" in line for line in lines) == 2, fmt  # lines within the threshold are not flagged


def test_the_meetings_rating_is_in_the_summary(store, clock) -> None:
    meeting = build_meeting(store, clock, "sprint-review")
    assert all("Rating" not in render(store.records.meeting_record(meeting), fmt) for fmt in FORMATS)
    store.playbook.rate_meeting(meeting, {"Priya": 8, "Marco": 7, "Lena": 7})
    record = store.records.meeting_record(meeting)
    assert "- **Rating:** 7.3/10 by 3 attendees" in render(record, "markdown").splitlines()
    assert "*Rating:* 7.3/10 by 3 attendees" in render(record, "slack").splitlines()
    assert "Rating:   7.3/10 by 3 attendees" in render(record, "text").splitlines()
    store.playbook.rate_meeting(meeting, {"Priya": 9, "Marco": None})
    assert "7.5/10 by 2 attendees" not in render(store.records.meeting_record(meeting), "text")  # Marco's stays
    assert "7.7/10 by 3 attendees" in render(store.records.meeting_record(meeting), "text")


def test_a_meeting_under_a_minute(store, clock) -> None:
    clock.current = datetime(2026, 11, 25, 21, 15, 5, tzinfo=UTC)
    meeting = store.meetings.start_meeting("sprint-review").id
    clock.advance(seconds=40)
    store.meetings.end_meeting(meeting)
    text = render(store.records.meeting_record(meeting), "text")
    assert "When:    21:15 UTC, under 1 min (timebox 30 min)" in text.splitlines()
    assert "21:15–21:15" not in text and ", 0 min" not in text
    # Across a minute boundary the end time is shown; a minute and more reads in minutes.
    clock.current = datetime(2026, 11, 26, 21, 15, 50, tzinfo=UTC)
    other = store.meetings.start_meeting("sprint-review").id
    clock.advance(seconds=70)
    store.meetings.end_meeting(other)
    assert "When:    21:15–21:17 UTC, 1 min (timebox 30 min)" in render(store.records.meeting_record(other), "text")
    clock.advance(days=1)
    short = store.meetings.start_meeting("sprint-review").id
    clock.advance(seconds=30)
    store.meetings.end_meeting(short)
    assert "21:17–21:17" not in render(store.records.meeting_record(short), "markdown")
    assert timedelta(seconds=30).total_seconds() == store.records.meeting_record(short).duration_seconds
