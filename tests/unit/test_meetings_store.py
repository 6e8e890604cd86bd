"""The meeting store: agenda walk, clocks from timestamps, pause, attendance,
capture with field-tagged errors, carry-over and triage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cadence_tui.core.meeting_clock import clock_state, item_elapsed, meeting_elapsed
from cadence_tui.store import InvalidInput, Store, open_store
from cadence_tui.store.base import to_ts

pytestmark = pytest.mark.both_engines


def states(store: Store, meeting_id: int) -> list[tuple[str, str, float]]:
    return [(i.title, i.state, round(item_elapsed(i, store.now()))) for i in store.meetings.agenda(meeting_id)]


def test_walk_the_agenda_with_clocks_from_timestamps(store, clock) -> None:
    m = store.meetings.start_meeting("sprint-review")
    clock.advance(minutes=2)
    assert store.meetings.next_item(m.id).title == "Demos"
    clock.advance(minutes=10)
    assert states(store, m.id)[:2] == [("Sprint goal and scope recap", "done", 120), ("Demos", "current", 600)]
    # Back: Demos returns to pending, the recap resumes from its 2 minutes.
    assert store.meetings.previous_item(m.id).title == "Sprint goal and scope recap"
    clock.advance(minutes=1)
    assert states(store, m.id)[:2] == [("Sprint goal and scope recap", "current", 180), ("Demos", "pending", 600)]
    # Jump forward to the last item: the one left is done.
    last = store.meetings.agenda(m.id)[-1]
    store.meetings.goto_item(m.id, last.id)
    assert [s for _, s, _ in states(store, m.id)] == ["done", "pending", "pending", "current"]
    # Next after the last: agenda done, no current item, meeting clock still runs.
    assert store.meetings.next_item(m.id) is None
    assert all(i.state == "done" or i.state == "pending" for i in store.meetings.agenda(m.id))
    clock.advance(minutes=1)
    assert meeting_elapsed(store.meetings.get_meeting(m.id), store.now()) == 14 * 60
    # Back from a finished agenda reopens the last item.
    assert store.meetings.previous_item(m.id).id == last.id


def test_pause_is_left_out_of_every_clock(store, clock) -> None:
    m = store.meetings.start_meeting("sprint-review")
    clock.advance(minutes=1)
    store.meetings.pause_meeting(m.id)
    clock.advance(minutes=30)
    paused = store.meetings.get_meeting(m.id)
    state = clock_state(paused, store.meetings.agenda(m.id), store.now())
    assert state.paused and state.meeting_elapsed == 60 and state.item_elapsed == 60
    # Moving on while paused: the new item's clock waits for resume.
    store.meetings.next_item(m.id)
    clock.advance(minutes=5)
    store.meetings.resume_meeting(m.id)
    clock.advance(minutes=2)
    state = clock_state(store.meetings.get_meeting(m.id), store.meetings.agenda(m.id), store.now())
    assert (state.meeting_elapsed, state.item_elapsed, state.item_title) == (180, 120, "Demos")
    ended = store.meetings.end_meeting(m.id)
    clock.advance(hours=3)
    assert meeting_elapsed(ended, store.now()) == 180
    assert store.meetings.get_meeting(m.id).paused_seconds == 35 * 60


def test_a_reopened_store_shows_the_same_clocks(db_path, clock) -> None:
    first = open_store(db_path, now=clock)
    m = first.meetings.start_meeting("finance-review")
    clock.advance(minutes=7)
    first.meetings.next_item(m.id)
    clock.advance(minutes=3)
    first.conn.close()  # as if the process died: nothing is flushed on purpose
    again = open_store(db_path, now=clock)
    state = clock_state(again.meetings.get_meeting(m.id), again.meetings.agenda(m.id), again.now())
    assert (state.meeting_elapsed, state.item_number, state.item_elapsed) == (600, 2, 180)
    again.close()


def test_reorder_and_add_agenda_items(store) -> None:
    m = store.meetings.start_meeting("sprint-review")
    item = store.meetings.add_agenda_item(m.id, "  Retro actions ", "10 min")
    assert (item.title, item.timebox_min, item.state, item.position) == ("Retro actions", 10, "pending", 4)
    store.meetings.move_agenda_item(item.id, -1)
    store.meetings.move_agenda_item(item.id, -10)  # clamped at the top
    assert [i.title for i in store.meetings.agenda(m.id)][:2] == ["Retro actions", "Sprint goal and scope recap"]
    store.meetings.move_agenda_item(item.id, 1)
    assert [i.position for i in store.meetings.agenda(m.id)] == [0, 1, 2, 3, 4]
    for bad, field in (("", "title"), ("x" * 600, "title")):
        with pytest.raises(InvalidInput) as exc:
            store.meetings.add_agenda_item(m.id, bad, 5)
        assert exc.value.field == field
    for bad in ("", "0", "ten", "481", "-3", "５"):
        with pytest.raises(InvalidInput) as exc:
            store.meetings.add_agenda_item(m.id, "ok", bad)
        assert exc.value.field == "timebox"
    assert len(store.meetings.agenda(m.id)) == 5
    store.meetings.end_meeting(m.id)
    with pytest.raises(InvalidInput, match="ended"):
        store.meetings.next_item(m.id)


def test_attendance_toggle_and_guests(store) -> None:
    m = store.meetings.start_meeting("sales-marketing-sync")
    assert [a.name for a in store.meetings.attendance(m.id)] == ["Jordan", "Alex", "Riley"]
    assert store.meetings.toggle_present(m.id, "Alex").present is False
    assert store.meetings.toggle_present(m.id, "Alex").present is True
    guest = store.meetings.add_guest(m.id, " Gwen\x1b[31m ", "Partner")
    assert (guest.name, guest.role, guest.present, guest.guest) == ("Gwen", "Partner", True, True)
    with pytest.raises(InvalidInput) as exc:
        store.meetings.add_guest(m.id, "Gwen")
    assert exc.value.field == "name"
    with pytest.raises(InvalidInput) as exc:
        store.meetings.add_guest(m.id, "   ")
    assert exc.value.field == "name"
    assert len(store.meetings.attendance(m.id)) == 4


@pytest.mark.parametrize(
    "values, field, message",
    [
        (("", "", ""), "title", "cannot be empty"),
        (("\x1b[2J\x1b]0;x\x07", "", ""), "title", "cannot be empty"),
        (("x" * 100_000, "", ""), "title", "too long"),
        (("ok", "o" * 200, ""), "owner", "too long"),
        (("ok", "", "2026-02-30"), "due", "not a real date"),
        (("ok", "", "someday"), "due", "not a due date"),
        (("ok", "", "9" * 100_000), "due", "not a due date"),
    ],
)
def test_capture_action_rejects_bad_input_at_its_field(store, values, field, message) -> None:
    m = store.meetings.start_meeting("sprint-review")
    with pytest.raises(InvalidInput, match=message) as exc:
        store.meetings.capture_action(m.id, *values)
    assert exc.value.field == field
    assert store.meetings.meeting_actions(m.id) == []


def test_capture_strips_escapes_and_parses_due(store) -> None:
    m = store.meetings.start_meeting("sprint-review")
    a = store.meetings.capture_action(m.id, "Fix \x1b[31mlogin\x1b[0m [b]now[/b]", "Marco", "fri")
    assert (a.title, a.owner, a.due) == ("Fix login [b]now[/b]", "Marco", date(2026, 11, 27))
    b = store.meetings.capture_blocker(m.id, "Staging down", "Lena", "Ops", "resolved")
    assert (b.status, b.raised_by, b.unblocker) == ("resolved", "Lena", "Ops")
    with pytest.raises(InvalidInput) as exc:
        store.meetings.capture_blocker(m.id, "", "Lena")
    assert exc.value.field == "what"
    with pytest.raises(InvalidInput) as exc:
        store.meetings.capture_decision(m.id, "d" * 2001)
    assert exc.value.field == "text"
    store.meetings.capture_decision(m.id, "Ship Monday")
    store.meetings.capture_note(m.id, "line one\r\nline two\x07")
    assert [e.text for e in store.meetings.meeting_notes(m.id)] == ["line one\nline two"]
    assert [e.text for e in store.meetings.meeting_decisions(m.id)] == ["Ship Monday"]
    assert len(store.meetings.meeting_blockers(m.id)) == 1


def _earlier_meeting_with_open_work(store: Store, clock, cadence: str = "sprint-review") -> int:
    m = store.meetings.start_meeting(cadence)
    store.meetings.capture_action(m.id, "Old task", "Priya", "2026-11-20")
    store.meetings.capture_action(m.id, "Done task", "Marco", "")
    store.meetings.capture_blocker(m.id, "Old blocker", "Sam", "Chris")
    done = store.meetings.meeting_actions(m.id)[1]
    store.actions.set_action_status(done.id, "done")
    store.meetings.end_meeting(m.id)
    clock.advance(days=7)
    return m.id


def test_carry_over_lists_open_work_of_earlier_meetings_and_escalations(store, clock) -> None:
    _earlier_meeting_with_open_work(store, clock)
    other = store.meetings.start_meeting("all-hands")
    esc = store.meetings.capture_action(other.id, "Hire a designer", "Chris", "2026-12-15")
    away = store.actions.add_action("Sent away", cadence_key="sprint-review")
    store.playbook.escalate_action(esc.id, "sprint-review")
    store.playbook.escalate_action(away.id, "finance-review")
    store.meetings.end_meeting(other.id)
    clock.advance(minutes=1)

    m = store.meetings.start_meeting("sprint-review")
    store.meetings.capture_action(m.id, "New here", "Lena")  # captured now: not carried
    items = store.meetings.carry_over(m.id)
    assert [(i.kind, i.title) for i in items] == [
        ("action", "Old task"),
        ("action", "Hire a designer"),
        ("blocker", "Old blocker"),
    ]
    escalated = items[1]
    assert escalated.escalated_here and escalated.origin_cadence_name == "All-Hands Strategy"
    assert items[0].is_overdue(store.today()) and items[0].outcome is None
    assert store.meetings.carry_over_counts(m.id) == (2, 1)
    # Finance sees the one escalated to it.
    fin = store.meetings.start_meeting("finance-review")
    assert [i.title for i in store.meetings.carry_over(fin.id)] == ["Sent away"]


def test_triage_closes_the_same_row_everywhere_and_can_be_undone(store, clock) -> None:
    from cadence_tui.store.actions import ActionFilter

    _earlier_meeting_with_open_work(store, clock)
    m = store.meetings.start_meeting("sprint-review")
    old, blocker = [i for i in store.meetings.carry_over(m.id)]
    done = store.meetings.triage(m.id, "action", old.id, "done")
    assert (done.status, done.outcome) == ("done", "done")
    assert store.actions.get_action(old.id).closed_at is not None
    assert store.scalar("SELECT closed_in_meeting_id FROM action_items WHERE id = ?", (old.id,)) == m.id
    assert old.id not in [a.id for a in store.actions.list_actions(ActionFilter(status="open"))]
    # Still in the list (so it can be reopened), marked done.
    assert [i.outcome for i in store.meetings.carry_over(m.id)] == ["done", None]
    reopened = store.meetings.triage(m.id, "action", old.id, "open")
    assert (reopened.status, reopened.outcome) == ("open", "open")
    assert store.scalar("SELECT closed_in_meeting_id FROM action_items WHERE id = ?", (old.id,)) is None
    with pytest.raises(InvalidInput) as exc:
        store.meetings.triage(m.id, "action", old.id, "redated", due="2026-13-01")
    assert exc.value.field == "due"
    with pytest.raises(InvalidInput):
        store.meetings.triage(m.id, "action", old.id, "redated", due="")
    redated = store.meetings.triage(m.id, "action", old.id, "redated", due="+7d")
    assert (redated.due, redated.status, redated.outcome) == (date(2026, 12, 9), "open", "redated")
    dropped = store.meetings.triage(m.id, "action", old.id, "dropped")
    assert store.actions.get_action(old.id).status == "dropped" and dropped.outcome == "dropped"
    resolved = store.meetings.triage(m.id, "blocker", blocker.id, "resolved")
    assert store.meetings.get_blocker(blocker.id).status == "resolved" and resolved.outcome == "resolved"
    assert store.scalar("SELECT resolved_in_meeting_id FROM blockers WHERE id = ?", (blocker.id,)) == m.id
    with pytest.raises(InvalidInput):
        store.meetings.triage(m.id, "blocker", blocker.id, "dropped")
    # The next meeting: nothing left to carry (dropped / resolved are closed).
    store.meetings.end_meeting(m.id)
    clock.advance(days=7)
    nxt = store.meetings.start_meeting("sprint-review")
    assert store.meetings.carry_over(nxt.id) == []


def test_meeting_occurrence_is_the_coming_or_just_begun_slot(store, clock) -> None:
    # Sprint Review is Thursdays 15:00 (zone of the seed); now is Wed 16:00 UTC.
    # (tests/unit/test_occurrences.py covers the rule itself.)
    occurrence, held = store.meetings.meeting_occurrence("sprint-review")
    assert occurrence is not None and occurrence.astimezone(UTC).date() == date(2026, 11, 26)
    assert held is None
    clock.current = datetime(2026, 11, 26, 15, 20, tzinfo=UTC)
    assert store.meetings.meeting_occurrence("sprint-review")[0].astimezone(UTC).date() == date(2026, 11, 26)


def test_carry_over_stays_fast_with_many_rows(store, clock) -> None:
    import time

    cid = store.cadences.get_cadence("sprint-review").id
    created = to_ts(store.now() - timedelta(days=3))
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO action_items(cadence_id, title, owner, due, status, created_at) VALUES (?,?,?,?,?,?)",
            [(cid, f"Item {n}", "Ann", None, "open" if n % 50 == 0 else "done", created) for n in range(20_000)],
        )
    m = store.meetings.start_meeting("sprint-review")
    started = time.perf_counter()
    items = store.meetings.carry_over(m.id)
    assert len(items) == 300  # capped
    assert time.perf_counter() - started < 0.5


def test_a_meeting_started_after_the_demo_gets_a_new_id(store) -> None:
    """The demo writes meetings with their ids; the next meeting follows them
    (PostgreSQL: the identity counter is moved past them)."""
    from cadence_tui.store.demo import DemoSize

    store.demo.generate_demo(DemoSize(meetings=12, actions=30, months=2))
    last = store.scalar("SELECT max(id) FROM meetings")
    assert store.meetings.start_meeting("sprint-review").id == last + 1
