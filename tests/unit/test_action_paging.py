"""Keyset paging, counts, search quoting and undo in the action store."""

from __future__ import annotations

import random
from datetime import date

import pytest

from cadence_tui.store import InvalidInput
from cadence_tui.store.actions import ActionFilter, fts_terms

pytestmark = pytest.mark.both_engines


@pytest.fixture
def many(store):
    """300 items with many ties (same owner, same due date, no due date)."""
    rng = random.Random(3)
    cadences = ["sprint-review", "finance-review", "all-hands"]
    rows = []
    for i in range(300):
        due = None if rng.random() < 0.2 else f"2026-{rng.randint(10, 12)}-{rng.randint(1, 28):02d}"
        created = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T09:00:00+00:00"
        rows.append(
            (
                rng.randint(1, 3),
                f"Item {i} {rng.choice(['alpha', 'beta', 'gamma'])}",
                rng.choice(["Ann", "Bob", "", "Cy"]),
                due,
                rng.choice(["open", "open", "done", "dropped"]),
                created,
            )
        )
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO action_items(cadence_id, title, owner, due, status, created_at) VALUES (?,?,?,?,?,?)", rows
        )
    return cadences


def expected(store, f: ActionFilter, sort: str) -> list[int]:
    items = store.actions.list_actions(f)
    key = {
        "due": lambda a: (a.due or date(9999, 12, 31), a.id),
        "owner": lambda a: (a.owner, a.due or date(9999, 12, 31), a.id),
        "age": lambda a: (a.created_at, a.id),
    }[sort]
    return [a.id for a in sorted(items, key=key)]


FILTERS = [
    ActionFilter(),
    ActionFilter(status=None),
    ActionFilter(status="done"),
    ActionFilter(owner="Ann", status=None),
    ActionFilter(cadence_key="finance-review"),
    ActionFilter(overdue=True),
    ActionFilter(search="beta", status=None),
]


@pytest.mark.parametrize("sort", ["due", "owner", "age"])
def test_paging_forward_and_backward_visits_every_row_once_in_order(store, many, sort) -> None:
    for f in FILTERS:
        want = expected(store, f, sort)
        assert store.actions.count_actions(f) == len(want)
        seen, page = [], store.actions.page_actions(f, sort, limit=7)
        while page.items:
            seen += [a.id for a in page.items]
            page = store.actions.page_actions(f, sort, after=page.keys[-1], limit=7)
        assert seen == want, (f, sort)
        back, page = [], store.actions.page_actions(f, sort, from_end=True, limit=7)
        while page.items:
            back = [a.id for a in page.items] + back
            page = store.actions.page_actions(f, sort, before=page.keys[0], limit=7)
        assert back == want, (f, sort)
        if want:
            middle = store.actions.page_actions(f, sort, limit=len(want))
            k = middle.keys[len(want) // 2]
            again = store.actions.page_actions(f, sort, after=k, inclusive=True, limit=3)
            assert [a.id for a in again.items] == want[len(want) // 2 : len(want) // 2 + 3]


def test_week_filter_and_owner_counts(store, clock) -> None:
    # Today is Wed 2026-11-25: the week is Mon 23 .. Sun 29.
    for day in (22, 23, 27, 29, 30):
        store.actions.add_action(f"Due {day}", owner="Ann", due=date(2026, 11, day), cadence_key="sprint-review")
    store.actions.add_action("Bob late", owner="Bob", due=date(2026, 11, 1), cadence_key="all-hands")
    assert [a.title for a in store.actions.list_actions(ActionFilter(due_this_week=True))] == [
        "Due 23",
        "Due 27",
        "Due 29",
    ]
    counts = {c.owner: (c.open, c.overdue) for c in store.actions.owner_counts()}
    assert counts == {"Ann": (5, 2), "Bob": (1, 1)}
    assert {c.owner for c in store.actions.owner_counts("all-hands")} == {"Bob"}


@pytest.mark.parametrize("text", ['"', "(*", "NEAR(a b)", "a OR", "-x", "*", "'; DROP TABLE x; --", "^", "col:val"])
def test_search_text_never_raises(store, text) -> None:
    store.actions.add_action("Send deck to SDRs", cadence_key="sprint-review")
    store.actions.list_actions(ActionFilter(search=text))
    store.actions.count_actions(ActionFilter(search=text))
    store.history.search_history(text)


def test_search_words_by_prefix_and_follows_edits(store) -> None:
    item = store.actions.add_action("Send pricing deck", cadence_key="sprint-review")
    assert fts_terms('say "hi"') == '"say"* "hi"*'
    assert fts_terms("!!") is None
    assert [a.id for a in store.actions.list_actions(ActionFilter(search="pric dec"))] == [item.id]
    assert store.actions.list_actions(ActionFilter(search="!!")) == []
    with store.write() as conn:
        conn.execute("UPDATE action_items SET title = 'Send budget sheet' WHERE id = ?", (item.id,))
    assert store.actions.list_actions(ActionFilter(search="deck")) == []
    assert [a.id for a in store.actions.list_actions(ActionFilter(search="budget"))] == [item.id]
    other = store.actions.add_action("Budget review", cadence_key="all-hands")
    assert {a.id for a in store.actions.list_actions(ActionFilter(search="budget"))} == {item.id, other.id}


def test_undo_restores_previous_values_in_order(store, clock) -> None:
    item = store.actions.add_action("Task", owner="Ann", due=date(2026, 12, 1), cadence_key="sprint-review")
    store.actions.set_action_status(item.id, "done")
    clock.advance(minutes=1)
    store.actions.reassign_action(item.id, "Bob")
    store.actions.set_action_due(item.id, None)
    assert store.actions.last_action_change().description == "change due date"
    assert store.actions.undo_action_change().due == date(2026, 12, 1)
    assert store.actions.undo_action_change().owner == "Ann"
    restored = store.actions.undo_action_change()
    assert restored.status == "open" and restored.closed_at is None
    assert store.actions.undo_action_change() is None


def test_bad_sort_and_key_are_refused(store) -> None:
    with pytest.raises(InvalidInput):
        store.actions.page_actions(ActionFilter(), "title; DROP TABLE action_items")
    with pytest.raises(InvalidInput):
        store.actions.page_actions(ActionFilter(), "owner", after=("x", 1))


def test_search_ignores_case_and_diacritics_on_both_engines(store) -> None:
    """SQLite's tokenizer drops diacritics (remove_diacritics 2); PostgreSQL's
    search folds them too (unaccent), so both find the same items."""
    m = store.meetings.start_meeting("sprint-review")
    item = store.actions.add_action("Café menu for Zoë", cadence_key="sprint-review", meeting_id=m.id)
    store.actions.add_action("Coffee order", cadence_key="sprint-review")
    for text in ("cafe", "CAFÉ zoe", "café Zoë", "men zo"):
        assert [a.id for a in store.actions.list_actions(ActionFilter(search=text))] == [item.id], text
        assert [h.record_id for h in store.history.search_history(text)] == [item.id], text
    assert store.actions.list_actions(ActionFilter(search="cafes")) == []
