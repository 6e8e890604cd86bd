"""The store: every SQL statement of Cadence lives in this package.

:class:`Store` is assembled from one part per concept; screens and commands
call its methods, which speak in domain objects (``cadence_tui.model``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cadence_tui.store.actions import ActionFilter, ActionStore
from cadence_tui.store.base import StoreBase, utcnow
from cadence_tui.store.cadences import CadenceStore
from cadence_tui.store.demo import DemoStore
from cadence_tui.store.digest import DigestStore
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
from cadence_tui.store.meetings import MeetingStore
from cadence_tui.store.panels import PanelStore
from cadence_tui.store.portability import PortabilityStore
from cadence_tui.store.playbook import PlaybookStore
from cadence_tui.store.stats import StatsStore
from cadence_tui.store.records import RecordStore
from cadence_tui.store.schema import SCHEMA_VERSION

__all__ = [
    "ActionFilter",
    "DatabaseBusy",
    "DatabaseUnavailable",
    "DiskFull",
    "InvalidInput",
    "NewerSchemaError",
    "NotFound",
    "ReadOnlyDatabase",
    "SCHEMA_VERSION",
    "Store",
    "StoreError",
    "open_store",
]


class Store(PanelStore, PlaybookStore, StatsStore, DigestStore, PortabilityStore, RecordStore, DemoStore, ActionStore, MeetingStore, CadenceStore, StoreBase):
    """One Cadence database file."""


def open_store(path: Path | str, now: Callable[[], datetime] = utcnow, *, seed: bool = True) -> Store:
    """Open (creating and migrating if needed) and seed the default cadences once."""
    store = Store(path, now=now)
    if seed:
        try:
            store.seed_defaults()
        except BaseException:
            store.close()
            raise
    return store
