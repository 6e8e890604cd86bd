"""The playbook screens never wait on the database lock (issue 15 item 4).

Another process holds the write lock while the user records a metric value
on the scorecard screen: the form closes at once, "saving…" shows, the
screen keeps answering keys, and the value lands once the lock frees. If
the lock outlasts the busy timeout, the form opens again with what was
typed and why it was not saved.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from cadence_tui.store import open_store
from cadence_tui.ui.write_queue import write_queue
from tests.functional.test_lock_stall import PROMPT, hold_lock
from tests.notes import shown_notes
from tests.settle import settle

# These tests time keys pressed while another process holds the lock: Pilot's
# press must not wait for the queued writes (conftest), settle() is called where due.
RAW_PILOT = True


def table_rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]


async def test_a_metric_value_recorded_while_the_file_is_locked_lands_after(tmp_path: Path, clock, monkeypatch) -> None:
    from cadence_tui.ui.app import make_app

    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "60000")
    db = tmp_path / "locked.db"
    store = open_store(db, now=clock)
    store.scorecard.record_metric_value("cac", "1400")
    try:
        async with make_app(store).run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.press("M")
            await settle(pilot)
            screen = pilot.app.screen
            assert screen.id == "metrics-screen"
            table = screen.query_one("#metrics-table", DataTable)
            holder = hold_lock(db)
            try:
                await pilot.press("r")
                await pilot.pause()
                assert pilot.app.screen.id == "record-metric-form"
                await pilot.press(*"1150")
                start = time.monotonic()
                await pilot.press("enter")  # the save: at once, though the file is locked
                await pilot.pause()
                assert time.monotonic() - start < PROMPT, "the form waited on the lock"
                assert pilot.app.screen is screen  # closed at once
                shown = await shown_notes(pilot)
                assert any("saving…" in text for text in shown), shown
                assert write_queue(pilot.app).pending == 1
                for key in ("down", "up"):  # the screen still answers
                    start = time.monotonic()
                    await pilot.press(key)
                    await pilot.pause()
                    assert time.monotonic() - start < PROMPT, key
                assert [v.value for v in store.scorecard.metric_history("cac")] == [1400]  # still locked
            finally:
                assert holder.stdin is not None
                holder.stdin.close()
                holder.wait(timeout=30)
            await settle(pilot)
            assert [v.value for v in store.scorecard.metric_history("cac")] == [1400, 1150]
            assert table_rows(table)[0][:2] == ["Customer Acquisition Cost", "1,150 USD"]
            shown = await shown_notes(pilot)
            assert any("Recorded 1,150" in text for text in shown), shown
    finally:
        store.close()


# 1 ms: the write fails while the form that queued it is popped but not yet
# removed, and still owns its id (its copy waits for it; it crashed the app
# with DuplicateIds when only the active screen was checked).
@pytest.mark.parametrize("busy_ms", ["200", "1"])
async def test_a_write_that_outlasts_the_lock_reopens_the_form_with_the_text(
    tmp_path: Path, clock, monkeypatch, busy_ms: str
) -> None:
    from cadence_tui.ui.app import make_app

    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", busy_ms)
    db = tmp_path / "locked.db"
    store = open_store(db, now=clock)
    try:
        async with make_app(store).run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.press("O")
            await settle(pilot)
            assert pilot.app.screen.id == "handoffs-screen"
            holder = hold_lock(db)
            try:
                await pilot.press("e")
                await pilot.pause()
                form = pilot.app.screen
                assert form.id == "handoff-form"
                owner = form.query_one("#field-owner", Input)
                owner.value = "Riley"
                await pilot.press("ctrl+s")
                await settle(pilot)
                # The copy opens once the first is gone (a timer, which settle does not wait for).
                for _ in range(500):
                    reopened = pilot.app.screen
                    if reopened.id == "handoff-form" and reopened is not form:
                        break
                    await pilot.pause(0.02)
                assert reopened.id == "handoff-form" and reopened is not form, reopened
                assert reopened.query_one("#field-owner", Input).value == "Riley"  # nothing typed is lost
                error = str(reopened.query_one("#form-error", Static).render())
                assert "busy" in error or "locked" in error, error
            finally:
                assert holder.stdin is not None
                holder.stdin.close()
                holder.wait(timeout=30)
            await pilot.press("ctrl+s")  # the lock is gone: saved now
            await settle(pilot)
            assert pilot.app.screen.id == "handoffs-screen"
        assert store.playbook.get_handoff("marketing-sales").owner == "Riley"
    finally:
        store.close()


async def test_the_cadence_editor_saves_a_field_once_the_lock_frees(tmp_path: Path, clock, monkeypatch) -> None:
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen

    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "60000")
    db = tmp_path / "locked.db"
    store = open_store(db, now=clock)
    try:
        async with make_app(store).run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.press("E")
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, CadenceEditorScreen)
            holder = hold_lock(db)
            try:
                start = time.monotonic()
                name = screen.query_one("#field-name", Input)
                name.value = "Demo Day"
                await pilot.press("enter")  # saves the field, moves to the next
                await pilot.pause()
                assert time.monotonic() - start < PROMPT, "the editor waited on the lock"
                assert "saving…" in str(screen.query_one("#editor-status", Static).render())
                start = time.monotonic()
                await pilot.press("tab")  # the screen still answers
                await pilot.pause()
                assert time.monotonic() - start < PROMPT
                assert store.cadences.get_cadence("sprint-review").name == "Sprint Review"  # still locked
            finally:
                assert holder.stdin is not None
                holder.stdin.close()
                holder.wait(timeout=30)
            await settle(pilot)
            assert store.cadences.get_cadence("sprint-review").name == "Demo Day"
            assert "Saved name" in str(screen.query_one("#editor-status", Static).render())
            assert "Demo Day" in str(screen.query_one("#editor-title", Static).render())
    finally:
        store.close()
