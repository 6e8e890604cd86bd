"""The cadence kinds registry: every kind names a meeting screen that exists,
the schema accepts exactly the kinds, and the seed keys map to their kinds."""

from __future__ import annotations

import re

import pytest

from cadence_tui import kinds
from cadence_tui.store.schema import MIGRATIONS


def test_every_kind_plugs_in_a_meeting_screen() -> None:
    from cadence_tui.ui.screens.meeting import MEETING_SCREENS, GenericMeetingScreen, MeetingScreen, _resolve_screen

    for name, kind in kinds.all_kinds().items():
        cls = _resolve_screen(kind.meeting_screen)
        assert issubclass(cls, MeetingScreen), name
        assert (cls.PANEL.TAB_TITLE if cls.PANEL else None) == kind.panel, name
        assert MEETING_SCREENS.get(name, GenericMeetingScreen) is cls
    assert MEETING_SCREENS["finance"].__name__ == "FinanceReviewScreen"


def test_the_schema_accepts_exactly_the_kinds() -> None:
    allowed = re.search(r"CHECK \(kind IN \(([^)]*)\)\)", MIGRATIONS[7]).group(1)
    assert [v.strip().strip("'") for v in allowed.split(",")] == list(kinds.KIND_NAMES)


def test_seed_keys_and_checks() -> None:
    assert kinds.kind_for_key("finance-review") == kinds.FINANCE == "finance"
    assert kinds.kind_for_key("sales-marketing-sync") == kinds.PIPELINE
    assert kinds.kind_for_key("daily-stand-up") == kinds.GENERIC
    assert [k for k, kind in kinds.all_kinds().items() if kind.flags_budget_variance] == ["finance"]
    assert kinds.check_kind("all-hands") == "all-hands"
    with pytest.raises(ValueError, match="not a cadence kind"):
        kinds.check_kind("Finance")
    assert kinds.get_kind("nonsense") is kinds.all_kinds()["generic"]


def test_create_cadence_takes_a_kind_and_refuses_an_unknown_one(store) -> None:
    from cadence_tui.store import InvalidInput

    assert store.cadences.create_cadence("Budget EMEA", kind="finance").kind == "finance"
    assert store.cadences.create_cadence("Retro", copy_from="finance-review", kind="generic").kind == "generic"
    with pytest.raises(InvalidInput, match="not a cadence kind"):
        store.cadences.create_cadence("Oops", kind="budget")
    assert "oops" not in {c.key for c in store.cadences.list_cadences()}


def test_the_plain_names_match_the_kind_modules() -> None:
    from cadence_tui import kinds

    registry = kinds.all_kinds()
    assert list(registry) == list(kinds.KIND_NAMES)
    assert {k.seed_key: k.name for k in registry.values() if k.seed_key} == kinds.SEED_KEY_KINDS
