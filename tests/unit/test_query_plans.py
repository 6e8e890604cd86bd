"""Every query the action-items and history screens run reads through an index.

The queries are captured while calling the store exactly as the screens do
(every sort x filter x paging direction), then each is run through
``EXPLAIN QUERY PLAN``. A full scan of action_items or meetings fails; so does
a sort of the whole result for the plain filters (the page must be an index range).
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from cadence_tui.store.actions import SORTS, ActionFilter

FULL_SCAN = re.compile(r"^SCAN (a|action_items|m|meetings)\b(?! USING (COVERING )?INDEX)")


@pytest.fixture
def captured(store, clock):
    for i in range(40):
        store.actions.add_action(
            f"Task {i} checkout",
            owner=["Ann", "Bob", ""][i % 3],
            due=date(2026, 11, 1 + i % 28) if i % 5 else None,
            cadence_key=["sprint-review", "finance-review"][i % 2],
        )
    m = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(m.id, "Ship checkout")
    clock.advance(minutes=20)
    store.meetings.end_meeting(m.id)
    statements: list[tuple[str, tuple]] = []
    original = store.query

    def spy(sql, params=()):
        statements.append((sql, params))
        return original(sql, params)

    store.query = spy
    return statements


def plan(store, sql: str, params) -> list[str]:
    return [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def assert_indexed(store, statements, *, allow_sort: bool) -> None:
    assert statements
    for sql, params in statements:
        lines = plan(store, sql, params)
        scans = [line for line in lines if FULL_SCAN.match(line)]
        assert not scans, f"full scan in {sql}\n{lines}"
        if not allow_sort and "FROM action_items" in sql and "ORDER BY" in sql:
            assert not any("TEMP B-TREE FOR ORDER BY" in line for line in lines), f"sorted page: {sql}\n{lines}"


FILTERS = [
    ActionFilter(),
    ActionFilter(status=None),
    ActionFilter(status="done"),
    ActionFilter(owner="Ann"),
    ActionFilter(owner="Ann", status=None),
    ActionFilter(cadence_key="finance-review"),
    ActionFilter(cadence_key="finance-review", status=None),
    ActionFilter(owner="Bob", cadence_key="sprint-review", status="dropped"),
    ActionFilter(overdue=True),
    ActionFilter(overdue=True, owner="Ann"),
    ActionFilter(owner="ann"),  # any case: resolved to the stored spelling, same index
    ActionFilter(owner="BOB", status=None),
]


@pytest.mark.parametrize("sort", list(SORTS))
def test_action_pages_are_index_ranges(store, captured, sort) -> None:
    for f in FILTERS:
        first = store.actions.page_actions(f, sort, limit=5)
        store.actions.page_actions(f, sort, from_end=True, limit=5)
        if first.keys:
            store.actions.page_actions(f, sort, after=first.keys[-1], limit=5)
            store.actions.page_actions(f, sort, before=first.keys[-1], limit=5)
            store.actions.page_actions(f, sort, after=first.keys[0], inclusive=True, limit=5)
    # Overdue under another sort than due walks that sort's index and skips
    # the rest ("+coalesce(...)"): no sort and no scan either.
    assert_indexed(store, captured, allow_sort=False)


def test_search_week_and_counts_use_indexes(store, captured) -> None:
    for sort, f in itertools.product(
        SORTS,
        [
            ActionFilter(search="checkout"),
            ActionFilter(search="task 1", status=None),
            ActionFilter(due_this_week=True),
            ActionFilter(due_this_week=True, status=None),
        ],
    ):
        page = store.actions.page_actions(f, sort, limit=5)
        if page.keys:
            store.actions.page_actions(f, sort, after=page.keys[-1], limit=5)
        store.actions.count_actions(f)
    for f in FILTERS:
        store.actions.count_actions(f)
    store.actions.owner_counts()
    store.actions.owner_counts("finance-review")
    # Search and "this week" may sort their (bounded) matches; nothing scans the table.
    assert_indexed(store, captured, allow_sort=True)


def test_history_queries_use_indexes(store, captured) -> None:
    for cadence in (None, "sprint-review"):
        page = store.history.past_meetings(cadence, limit=5)
        store.history.past_meetings(cadence, before=page[-1].key, limit=5)
        store.history.past_meetings(cadence, after=page[-1].key, limit=5)
        store.history.past_meetings(cadence, oldest=True, limit=5)
        store.history.count_past_meetings(cadence)
        hits = store.history.search_history("checkout", cadence, limit=5)
        store.history.search_history("checkout", cadence, before=hits[-1].rowid, limit=5)
        store.history.count_search_hits("checkout", cadence)
    assert_indexed(store, captured, allow_sort=True)
    history_pages = [(s, p) for s, p in captured if "FROM meetings m" in s and "ORDER BY" in s]
    for sql, params in history_pages:
        assert not any("TEMP B-TREE" in line for line in plan(store, sql, params)), sql


def test_home_overview_reads_open_meetings_through_the_status_index(store, captured) -> None:
    """The home screen's per-cadence queries never walk a cadence's past
    meetings: at 10k meetings that walk cost 5 ms a cadence on every start."""
    store.cadences.overview()
    store.meetings.running_meeting("sprint-review")
    meeting_sql = [(sql, p) for sql, p in captured if "FROM meetings" in sql]
    assert len(meeting_sql) >= 8  # last held + open meeting, per cadence
    for sql, params in meeting_sql:
        lines = plan(store, sql, params)
        assert any("idx_meetings_cadence_status_started" in line for line in lines), f"{sql}\n{lines}"


def test_owner_in_two_spellings_reads_through_indexes(store, captured) -> None:
    """ "Ann" and "ANN" both stored: "ann" matches both (an IN over the two);
    the page may sort those matches but nothing scans the table."""
    store.actions.add_action("Shouted", owner="ANN", cadence_key="sprint-review")
    for sort in SORTS:
        for f in (ActionFilter(owner="ann"), ActionFilter(owner="ann", status=None, cadence_key="sprint-review")):
            page = store.actions.page_actions(f, sort, limit=5)
            store.actions.page_actions(f, sort, after=page.keys[-1], limit=5)
            store.actions.count_actions(f)
    assert any(" IN (" in sql for sql, _ in captured)
    assert_indexed(store, captured, allow_sort=True)


def test_held_occurrences_read_one_index_range(store, captured) -> None:
    """Home's "Next" skips occurrences already held: one index range per cadence."""
    sql = "SELECT DISTINCT scheduled_for FROM meetings WHERE cadence_id = ? AND scheduled_for >= ?"
    lines = plan(store, sql, (1, "2026-01-01T00:00:00"))
    assert any("idx_meetings_cadence_scheduled" in line for line in lines), lines
