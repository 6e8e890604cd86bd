"""Owner names match whatever their case (issue 13, item 11): the store's
filters, `cadence actions --owner`, `cadence digest --owner`; Unicode names
too ("Zoë" = "ZOË"), which SQLite's NOCASE/lower() would miss."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from cadence_tui.store.actions import SORTS, ActionFilter, name_key

pytestmark = pytest.mark.both_engines


@pytest.fixture
def owned(store):
    add = store.actions.add_action
    return {
        "marco": add("Budget sheet", owner="Marco", due=date(2026, 12, 1), cadence_key="finance-review"),
        "marco_caps": add("Vendor call", owner="MARCO", due=date(2026, 11, 20), cadence_key="sprint-review"),
        "zoe": add("Brand review", owner="Zoë", due=date(2026, 12, 3), cadence_key="sprint-review"),
        "lena": add("Release notes", owner="Lena", cadence_key="sprint-review"),
    }


def ids(items) -> set[int]:
    return {i.id for i in items}


@pytest.mark.parametrize("typed", ["marco", "Marco", "MARCO", "mArCo", " marco "])
def test_owner_filter_ignores_case(store, owned, typed) -> None:
    expected = {owned["marco"].id, owned["marco_caps"].id}
    assert ids(store.actions.list_actions(ActionFilter(owner=typed.strip()))) == expected
    assert store.actions.count_actions(ActionFilter(owner=typed.strip())) == 2


@pytest.mark.parametrize("typed", ["zoë", "ZOË", "Zoë", unicodedata.normalize("NFD", "ZOË")])
def test_unicode_names_match_too(store, owned, typed) -> None:
    assert ids(store.actions.list_actions(ActionFilter(owner=typed))) == {owned["zoe"].id}
    assert name_key(typed) == name_key("Zoë")


def test_unknown_owner_matches_nothing(store, owned) -> None:
    assert store.actions.list_actions(ActionFilter(owner="marc")) == []
    assert store.actions.list_actions(ActionFilter(owner="Zoe")) == []  # a different letter, not a case


@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_of_mixed_spellings_are_complete_both_ways(store, owned, sort) -> None:
    f = ActionFilter(owner="marco", status=None)
    first = store.actions.page_actions(f, sort, limit=1)
    rest = store.actions.page_actions(f, sort, after=first.keys[-1], limit=5)
    assert len(first.items) == 1 and len(rest.items) == 1
    back = store.actions.page_actions(f, sort, before=rest.keys[0], limit=5)
    assert ids(back.items) == ids(first.items)


def test_owner_counts_one_entry_per_person(store, owned) -> None:
    counts = {c.owner: (c.open, c.overdue) for c in store.actions.owner_counts()}
    assert counts.get("Marco", counts.get("MARCO")) == (2, 1)
    assert not ("Marco" in counts and "MARCO" in counts)


def test_cli_actions_owner_lowercase(store, owned, db) -> None:
    result = CliRunner().invoke(cli, ["actions", "--owner", "marco", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert {item["owner"] for item in json.loads(result.output)} == {"Marco", "MARCO"}
    zoe = CliRunner().invoke(cli, ["actions", "--owner", "ZOË", "--db", str(db)])
    assert "Brand review" in zoe.output and "Budget sheet" not in zoe.output


def test_digest_owner_lowercase(store, owned, db) -> None:
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_blocker("Needs sign-off", raised_by="Marco", unblocker="Dana", meeting_id=meeting.id)
    data = store.digest.digest_data(date(2026, 11, 18), owner="marco")
    owes = [a.title for items in data.owes.values() for a in items]
    assert set(owes) == {"Budget sheet", "Vendor call"}
    assert [b.what for b in data.new_blockers] == ["Needs sign-off"]
    text = CliRunner().invoke(cli, ["digest", "--owner", "MARCO", "--days", "7", "--db", str(db)]).output
    assert "Vendor call" in text and "Release notes" not in text


def test_digest_groups_one_person_once(store, owned) -> None:
    owes = store.digest.digest_data(date(2026, 11, 18)).owes
    marco = [owner for owner in owes if owner.casefold() == "marco"]
    assert len(marco) == 1
    assert [a.title for a in owes[marco[0]]] == ["Vendor call", "Budget sheet"]  # due order across spellings
