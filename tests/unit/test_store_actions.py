from datetime import date

import pytest

from cadence_tui.store import InvalidInput, NotFound
from cadence_tui.store.actions import ActionFilter

pytestmark = pytest.mark.both_engines


def test_add_and_list_by_due_then_id(store) -> None:
    b = store.actions.add_action("Second", owner="Ann", due=date(2026, 12, 10), cadence_key="sprint-review")
    a = store.actions.add_action("First", owner="Bob", due=date(2026, 12, 1), cadence_key="finance-review")
    n = store.actions.add_action("No date", owner="Ann", cadence_key="all-hands")
    assert [i.id for i in store.actions.list_actions()] == [a.id, b.id, n.id]
    assert [i.title for i in store.actions.list_actions(ActionFilter(owner="Ann"))] == ["Second", "No date"]
    assert [i.title for i in store.actions.list_actions(ActionFilter(cadence_key="finance-review"))] == ["First"]


def test_overdue_and_status_filters(store) -> None:
    late = store.actions.add_action("Late", owner="Ann", due=date(2026, 11, 20), cadence_key="sprint-review")
    store.actions.add_action("Later", owner="Ann", due=date(2026, 12, 20), cadence_key="sprint-review")
    assert [i.id for i in store.actions.list_actions(ActionFilter(overdue=True))] == [late.id]
    store.actions.set_action_status(late.id, "done")
    assert store.actions.list_actions(ActionFilter(overdue=True)) == []
    assert store.actions.get_action(late.id).closed_at == store.now()
    assert {i.status for i in store.actions.list_actions(ActionFilter(status=None))} == {"open", "done"}


def test_title_is_cleaned_and_validated(store) -> None:
    item = store.actions.add_action("  \x1b[31mRed\x1b[0m alert\n next ", cadence_key="sprint-review")
    assert item.title == "Red alert  next"
    for bad in ["", "   ", "\x1b[2J", "x" * 501]:
        with pytest.raises(InvalidInput):
            store.actions.add_action(bad, cadence_key="sprint-review")
    assert store.scalar("SELECT count(*) FROM action_items") == 1


def test_unknown_ids_and_keys(store) -> None:
    with pytest.raises(NotFound):
        store.actions.set_action_status(404, "done")
    with pytest.raises(NotFound, match="unknown cadence"):
        store.actions.add_action("x", cadence_key="nope")
    with pytest.raises(NotFound, match="known cadences: sprint-review"):
        store.cadences.get_cadence("nope")


def test_reassign_and_due(store) -> None:
    item = store.actions.add_action("Task", owner="Ann", cadence_key="sprint-review")
    assert store.actions.reassign_action(item.id, "Bob").owner == "Bob"
    assert store.actions.set_action_due(item.id, date(2027, 1, 2)).due == date(2027, 1, 2)
    assert store.actions.owners() == ["Bob"]


def test_overview_counts(store) -> None:
    store.actions.add_action("Late", due=date(2026, 11, 1), cadence_key="sprint-review")
    store.actions.add_action("Fine", due=date(2026, 12, 1), cadence_key="sprint-review")
    store.meetings.add_blocker("Blocked", cadence_key="sprint-review")
    row = next(o for o in store.cadences.overview() if o.cadence.key == "sprint-review")
    assert (row.open_actions, row.overdue_actions, row.open_blockers) == (2, 1, 1)
    assert row.last_held is None and row.running_meeting_id is None


def test_start_meeting_copies_template_and_attendance(store, clock) -> None:
    m = store.meetings.start_meeting("sprint-review")
    agenda = store.meetings.agenda(m.id)
    assert [i.title for i in agenda] == [i.title for i in store.cadences.agenda_template(m.cadence_id)]
    assert agenda[0].state == "current" and agenda[0].started_at == clock()
    assert store.scalar("SELECT count(*) FROM attendance WHERE meeting_id = ?", (m.id,)) == 4
    # starting again resumes the same meeting
    assert store.meetings.start_meeting("sprint-review").id == m.id
    clock.advance(minutes=20)
    ended = store.meetings.end_meeting(m.id)
    assert ended.status == "ended" and ended.ended_at == clock()
    assert store.meetings.agenda(m.id)[0].elapsed_seconds == 20 * 60
    row = next(o for o in store.cadences.overview() if o.cadence.key == "sprint-review")
    assert row.last_held == m.started_at


def test_upcoming_is_ordered(store) -> None:
    occ = store.cadences.upcoming(30)
    assert occ == sorted(occ, key=lambda o: o.start)
    assert {o.cadence_key for o in occ} == {"sprint-review", "sales-marketing-sync", "finance-review"}
    assert all(o.start >= store.now() for o in occ)


def test_demo_small_is_realistic(store) -> None:
    meetings, actions = store.demo.generate_demo()
    assert meetings > 30 and actions > 100
    for table in [
        "decisions",
        "blockers",
        "demo_items",
        "pipeline_metrics",
        "budget_lines",
        "wins",
        "health_ratings",
        "metric_values",
        "meeting_ratings",
        "attendance",
    ]:
        assert store.scalar(f"SELECT count(*) FROM {table}") > 0, table
    assert store.scalar("SELECT count(*) FROM action_items WHERE status = 'open'") > 0
    assert store.scalar("SELECT max(started_at) FROM meetings") <= store.now().isoformat()
    with pytest.raises(InvalidInput, match="already holds"):
        store.demo.generate_demo()


def test_demo_exact_size(store) -> None:
    meetings, actions = store.demo.generate_demo(
        __import__("cadence_tui.store.demo", fromlist=["DemoSize"]).DemoSize(meetings=200, actions=2000, months=12)
    )
    assert meetings == 200
    assert store.scalar("SELECT count(*) FROM meetings") == 200
    assert store.scalar("SELECT count(*) FROM action_items") == actions
    assert 1900 <= actions <= 2100
