"""The store: every SQL statement of Cadence lives in this package.

:class:`Store` owns the connection, its lock and the clock, and exposes one
typed part per concept (``store.meetings``, ``store.actions``, …), each
created on first use. Parts speak in domain objects (``cadence_tui.core.model``, ``core.meeting``)
and reach one another through the store (``self.store.cadences``).

A part's module is imported the first time the part is used, so the app's
first frame pays only for the parts the home screen reads (cadences,
scorecard); :meth:`Store.load_all_parts` imports the rest after it.

To add a part: write ``store/<topic>.py`` with ``class XStore(StorePart)``
and add a property for it below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cadence_tui.store.base import StoreBase, StorePart, utcnow
from cadence_tui.store.engines import DatabaseUrl
from cadence_tui.store.errors import (
    DatabaseBusy,
    DatabaseUnavailable,
    DiskFull,
    InvalidInput,
    NewerSchemaError,
    NotFound,
    ReadOnlyDatabase,
    StoreError,
)
from cadence_tui.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from cadence_tui.store.actions import ActionStore
    from cadence_tui.store.backup import BackupStore
    from cadence_tui.store.cadences import CadenceStore
    from cadence_tui.store.demo import DemoStore
    from cadence_tui.store.digest import DigestStore
    from cadence_tui.store.history import HistoryStore
    from cadence_tui.store.meetings import MeetingStore
    from cadence_tui.store.panels import PanelStore
    from cadence_tui.store.playbook import PlaybookStore
    from cadence_tui.store.portability import PortabilityStore
    from cadence_tui.store.records import RecordStore
    from cadence_tui.store.scorecard import ScorecardStore
    from cadence_tui.store.stats import StatsStore
    from cadence_tui.store.topics import TopicStore

__all__ = [
    "SCHEMA_VERSION",
    "DatabaseBusy",
    "DatabaseUnavailable",
    "DiskFull",
    "InvalidInput",
    "NewerSchemaError",
    "NotFound",
    "ReadOnlyDatabase",
    "Store",
    "StoreBase",
    "StoreError",
    "StorePart",
    "open_store",
]

_P = TypeVar("_P", bound=StorePart)


class Store(StoreBase):
    """One Cadence database: the connection, lock and clock, and its parts."""

    def __init__(self, path: Path | str | DatabaseUrl, now: Callable[[], datetime] = utcnow) -> None:
        super().__init__(path, now)
        self._parts: dict[type, StorePart] = {}

    def _part(self, cls: type[_P]) -> _P:
        part = self._parts.get(cls)
        if part is None:
            with self._lock:  # two threads asking at once get the same part
                part = self._parts.setdefault(cls, cls(self))
        assert isinstance(part, cls)
        return part

    def load_all_parts(self, names: Iterable[str] = ()) -> None:
        """Import and create these parts now (all when none are named). The
        app loads :data:`SCREEN_PARTS` in a worker after its first frame, so
        later screens open without paying for imports."""
        for name in names or PART_NAMES:
            getattr(self, name)

    def seed_defaults(self, tz: str | None = None) -> bool:
        """Insert the default cadences, hand-offs and metrics once per file."""
        return self.cadences.seed_defaults(tz)

    @property
    def cadences(self) -> CadenceStore:
        """The cadences, their agenda templates and occurrences."""
        from cadence_tui.store.cadences import CadenceStore

        return self._part(CadenceStore)

    @property
    def meetings(self) -> MeetingStore:
        """A meeting's clock, agenda, attendance and captures."""
        from cadence_tui.store.meetings import MeetingStore

        return self._part(MeetingStore)

    @property
    def actions(self) -> ActionStore:
        """Action items: adding, paging, filters, status and undo."""
        from cadence_tui.store.actions import ActionStore

        return self._part(ActionStore)

    @property
    def records(self) -> RecordStore:
        """A meeting as recorded, for summaries."""
        from cadence_tui.store.records import RecordStore

        return self._part(RecordStore)

    @property
    def history(self) -> HistoryStore:
        """Past meetings and searching them."""
        from cadence_tui.store.history import HistoryStore

        return self._part(HistoryStore)

    @property
    def panels(self) -> PanelStore:
        """Each cadence kind's panel data (demos, pipeline, budget, wins…)."""
        from cadence_tui.store.panels import PanelStore

        return self._part(PanelStore)

    @property
    def playbook(self) -> PlaybookStore:
        """Hand-offs, the fail-fast log, escalation, ratings."""
        from cadence_tui.store.playbook import PlaybookStore

        return self._part(PlaybookStore)

    @property
    def scorecard(self) -> ScorecardStore:
        """Metrics and their values."""
        from cadence_tui.store.scorecard import ScorecardStore

        return self._part(ScorecardStore)

    @property
    def stats(self) -> StatsStore:
        """Statistics per cadence."""
        from cadence_tui.store.stats import StatsStore

        return self._part(StatsStore)

    @property
    def digest(self) -> DigestStore:
        """The weekly digest's data."""
        from cadence_tui.store.digest import DigestStore

        return self._part(DigestStore)

    @property
    def portability(self) -> PortabilityStore:
        """JSON export and import."""
        from cadence_tui.store.portability import PortabilityStore

        return self._part(PortabilityStore)

    @property
    def backup(self) -> BackupStore:
        """Copies of the database."""
        from cadence_tui.store.backup import BackupStore

        return self._part(BackupStore)

    @property
    def topics(self) -> TopicStore:
        """Topics proposed for each cadence's next meeting."""
        from cadence_tui.store.topics import TopicStore

        return self._part(TopicStore)

    @property
    def demo(self) -> DemoStore:
        """Demo data."""
        from cadence_tui.store.demo import DemoStore

        return self._part(DemoStore)


#: Every part, by its attribute name.
PART_NAMES = (
    "cadences",
    "meetings",
    "actions",
    "records",
    "history",
    "panels",
    "playbook",
    "scorecard",
    "stats",
    "digest",
    "portability",
    "backup",
    "topics",
    "demo",
)

#: The parts the app's screens use (the digest, export/import, backup and demo
#: parts serve the command line: the app does not load them ahead).
SCREEN_PARTS = tuple(n for n in PART_NAMES if n not in ("digest", "portability", "backup", "demo"))


def open_store(path: Path | str | DatabaseUrl, now: Callable[[], datetime] = utcnow, *, seed: bool = True) -> Store:
    """Open (creating and migrating if needed) and seed the default cadences once."""
    store = Store(path, now=now)
    if seed:
        try:
            # True only for the open that created the defaults: a new file
            # (the app then says where the data lives).
            store.seeded_now = store.seed_defaults()
        except BaseException:
            store.close()
            raise
    return store
