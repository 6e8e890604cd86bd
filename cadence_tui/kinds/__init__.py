"""Cadence kinds: what a cadence's meetings add to the shared meeting screen.

Every cadence has a ``kind`` (stored in ``cadences.kind``); its meetings get
that kind's panel, keys and summary section. A copy of a cadence keeps its
kind, so a second Finance review for another business unit still has the
budget panel. The kinds:

``sprint-review``  demos and the feedback on each (the Sprint Review)
``pipeline``       funnel metrics vs the last sync and campaign changes
                   (the Marketing–Sales Sync)
``finance``        budget vs actual, the variance threshold, the re-forecast
                   (the Finance Business Review)
``all-hands``      wins and the hand-off health check (the All-Hands)
``generic``        nothing of its own: agenda, actions, blockers, decisions, notes

One module per kind holds its domain part (its data shapes and arithmetic,
its summary heading); this package imports no Textual
(an import-linter contract says so): the UI resolves ``Kind.meeting_screen``.
"""

from __future__ import annotations

from functools import cache

from cadence_tui.kinds.base import Kind

# The names are plain data so that the store (start-up included) can check
# and migrate kinds without importing each kind's module (~6 ms of
# dataclasses); tests/unit/test_kinds.py checks they match the modules.
SPRINT_REVIEW = "sprint-review"
PIPELINE = "pipeline"
FINANCE = "finance"
ALL_HANDS = "all-hands"
GENERIC = "generic"

#: Every kind's stored name, in the order they are offered.
KIND_NAMES: tuple[str, ...] = (SPRINT_REVIEW, PIPELINE, FINANCE, ALL_HANDS, GENERIC)

#: The kind each seeded cadence's key had before kinds were stored (schema v7).
SEED_KEY_KINDS: dict[str, str] = {
    "sprint-review": SPRINT_REVIEW,
    "sales-marketing-sync": PIPELINE,
    "finance-review": FINANCE,
    "all-hands": ALL_HANDS,
}

GENERIC_KIND = Kind(
    name=GENERIC,
    label="Generic (agenda, actions, blockers, decisions, notes)",
    seed_key=None,
    meeting_screen="cadence_tui.ui.screens.meeting:GenericMeetingScreen",
)


@cache
def all_kinds() -> dict[str, Kind]:
    """Every kind by its stored name, in the order they are offered (imports
    each kind's module on first use)."""
    from cadence_tui.kinds import all_hands, finance, pipeline, sprint

    return {k.name: k for k in (sprint.KIND, pipeline.KIND, finance.KIND, all_hands.KIND, GENERIC_KIND)}


def kind_for_key(key: str) -> str:
    """The kind a cadence of ``key`` had when kinds followed the seed keys:
    used by the migration and to import an export made before kinds."""
    return SEED_KEY_KINDS.get(key, GENERIC)


def get_kind(name: str) -> Kind:
    """The kind called ``name``; an unknown name is generic."""
    return all_kinds().get(name, GENERIC_KIND)


def check_kind(value: str) -> str:
    """``value`` if it names a kind, else ValueError naming the kinds."""
    if value not in KIND_NAMES:
        raise ValueError(f"{value!r} is not a cadence kind (one of {', '.join(KIND_NAMES)})")
    return value


__all__ = [
    "ALL_HANDS",
    "FINANCE",
    "GENERIC",
    "KIND_NAMES",
    "PIPELINE",
    "SEED_KEY_KINDS",
    "SPRINT_REVIEW",
    "Kind",
    "all_kinds",
    "check_kind",
    "get_kind",
    "kind_for_key",
]
