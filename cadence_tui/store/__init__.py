"""The store: every SQL statement of Cadence lives in this package.

:class:`Store` is assembled from one part per concept; screens and commands
call its methods, which speak in domain objects (``cadence_tui.core.model``).

TO ADD A STORE PART, add it to the bases of ``Store`` in ``store/full.py``,
not here. Importing this package is kept cheap on purpose: ``Store`` and
``ActionFilter`` load on first use (PEP 562 ``__getattr__`` below), so the app
paints its home screen before paying for every part (``open_startup_store``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadence_tui.store.base import StoreBase, utcnow
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
    from cadence_tui.store.actions import ActionFilter
    from cadence_tui.store.full import Store

__all__ = [
    "SCHEMA_VERSION",
    "ActionFilter",
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
    "load_all_parts",
    "open_startup_store",
    "open_store",
]

# Names served on first use, and the module each comes from.
_LAZY = {
    "Store": "cadence_tui.store.full",
    "ActionFilter": "cadence_tui.store.actions",
    "load_all_parts": "cadence_tui.store.startup",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def _seeded(store: Any, seed: bool) -> Any:
    if seed:
        try:
            # True only for the open that created the defaults: a new file
            # (the app then says where the data lives).
            store.seeded_now = store.seed_defaults()
        except BaseException:
            store.close()
            raise
    return store


def open_store(path: Path | str, now: Callable[[], datetime] = utcnow, *, seed: bool = True) -> Store:
    """Open (creating and migrating if needed) and seed the default cadences once."""
    from cadence_tui.store.full import Store

    return _seeded(Store(path, now=now), seed)


def open_startup_store(path: Path | str, now: Callable[[], datetime] = utcnow) -> Store:
    """Like :func:`open_store`, for the app's start: only the parts the home
    screen needs are imported now; the rest load right after the first frame
    (``load_all_parts``) or on first use, on the same object."""
    from cadence_tui.store.startup import StartupStore

    return _seeded(StartupStore(path, now=now), True)
