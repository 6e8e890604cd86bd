"""The full :class:`Store`: one base class per part of the store.

To add a part: create ``store/<topic>.py`` with ``class XStore(StoreBase)`` and
add it to the bases below (one line each). Keep this out of
``store/__init__.py``: importing every part there would put all of them on
the start-up path (``tests/unit/test_import_hygiene.py`` checks it).
"""

from __future__ import annotations

from cadence_tui.store.actions import ActionStore
from cadence_tui.store.backup import BackupStore
from cadence_tui.store.base import StoreBase
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


class Store(
    TopicStore,
    PanelStore,
    PlaybookStore,
    ScorecardStore,
    StatsStore,
    DigestStore,
    PortabilityStore,
    RecordStore,
    HistoryStore,
    DemoStore,
    ActionStore,
    MeetingStore,
    BackupStore,
    CadenceStore,
    StoreBase,
):
    """One Cadence database file."""
