"""Snapshots of every main screen at 80x24 and 160x48, on the demo database
with a pinned clock: a cut-off footer, a lost column or an empty half-screen
changes the picture and fails the suite.

After an intended change of layout: `python -m pytest tests/snapshots --snapshot-update`,
then read the report's pictures before committing them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cadence_tui.store import open_store
from cadence_tui.store.demo import DemoSize
from cadence_tui.ui.app import make_app
from tests.conftest import FROZEN_NOW

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}

# The keys a user presses from home to reach each screen.
SCREENS = {
    "home": [],
    "meeting-sprint-review": ["s"],
    "meeting-sales-marketing-sync": ["down", "s"],
    "meeting-finance-review": ["down", "down", "s"],
    "meeting-all-hands": ["down", "down", "down", "s"],
    "action-items": ["a"],
    "history": ["h"],
    "summary": ["h", "enter"],
    "help": ["question_mark"],
    "help-in-meeting": ["s", "question_mark"],
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "demo.db"
    store = open_store(path, now=lambda: FROZEN_NOW)
    store.demo.generate_demo(DemoSize(meetings=40, actions=400, months=6))
    store.close()
    return path


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare, demo_db: Path, tmp_path: Path, screen: str, size: str) -> None:
    db = tmp_path / "demo.db"
    shutil.copy(demo_db, db)
    store = open_store(db, now=lambda: FROZEN_NOW)
    try:
        app = make_app(store)

        async def settle(pilot) -> None:
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

        async def run_before(pilot) -> None:
            await settle(pilot)
            for key in SCREENS[screen]:
                await pilot.press(key)
                await settle(pilot)
            pilot.app.clear_notifications()  # toasts time out on their own; keep them out of the picture
            await settle(pilot)

        assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
    finally:
        store.close()
