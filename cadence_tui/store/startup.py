"""The store the app opens at start-up: only the parts the home screen needs.

Importing every part of :class:`~cadence_tui.store.full.Store` costs more than
painting the home screen does (dozens of modules and dataclasses). The app
therefore opens a :class:`StartupStore` — connection, cadences and overview, the scorecard —
paints its first frame, and then upgrades the same object in place to the full
``Store`` (:func:`load_all_parts`). Any method of another part used before that
upgrades it on the spot, so callers never see the difference: it is one
connection and one object throughout.
"""

from __future__ import annotations

from typing import Any

from cadence_tui.store.base import StoreBase
from cadence_tui.store.cadences import CadenceStore
from cadence_tui.store.scorecard import ScorecardStore


def load_all_parts(store: object) -> None:
    """Make ``store`` a full ``Store`` (a no-op if it already is one)."""
    from cadence_tui.store.full import Store

    if isinstance(store, StartupStore):
        # Same instance layout (plain classes, one __dict__): a class swap keeps
        # the connection, lock and clock as they are.
        store.__class__ = Store  # type: ignore[assignment]  # a deliberate class swap; Store is no subclass


class StartupStore(ScorecardStore, CadenceStore, StoreBase):
    """What the home screen's first frame reads (cadences, overview, the
    scorecard); every other part on first use.

    If the home screen starts using another part before its first frame, add
    that part here (tests/unit/test_import_hygiene.py reports which name
    forced the full load).
    """

    #: The attribute whose use forced the full load, if one did (for tests).
    loaded_on_demand_by: str | None = None

    def __getattr__(self, name: str) -> Any:
        # Only reached for names this class lacks (a method of another part).
        if name.startswith("__") or "conn" not in self.__dict__:
            raise AttributeError(name)
        self.loaded_on_demand_by = name
        load_all_parts(self)
        return getattr(self, name)

    def seed_defaults(self, tz: str | None = None) -> bool:
        # Seeded files (every start but the first) skip importing the seed data.
        if self.get_setting("seeded"):
            return False
        return super().seed_defaults(tz)
