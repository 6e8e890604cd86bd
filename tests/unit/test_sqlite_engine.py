"""The SQLite engine module (store/engines/sqlite.py): what differs from
PostgreSQL lives there, bulk loading goes through sqlite-utils inside the
store's own transaction, and sqlite-utils stays off the start-up path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cadence_tui.core.panels import COUNT_MAX
from cadence_tui.store import open_store
from cadence_tui.store.demo import DemoSize
from cadence_tui.store.engines import sqlite as engine
from cadence_tui.store.errors import InvalidInput
from cadence_tui.store.portability import dumps_export, loads_export

from .test_import_hygiene import loaded_after


def test_insert_rows_stays_inside_the_callers_transaction(tmp_path: Path, clock) -> None:
    """sqlite-utils must take a savepoint, never commit on its own: a rollback
    after insert_rows leaves nothing (PITFALLS.md)."""
    store = open_store(tmp_path / "c.db", now=clock)
    try:
        before = store.scalar("SELECT count(*) FROM notes")
        meeting = store.meetings.start_meeting("sprint-review")
        with pytest.raises(RuntimeError), store.write() as conn:
            engine.insert_rows(
                conn,
                "notes",
                ["meeting_id", "text", "created_at"],
                [[meeting.id, "kept?", "2026-11-25T16:00:00+00:00"]] * 2500,
            )
            assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == before + 2500
            raise RuntimeError("fail after the rows went in")
        assert store.scalar("SELECT count(*) FROM notes") == before
        # And a failing row rolls back the rows before it in the same call.
        with pytest.raises(sqlite3.IntegrityError), store.conn:
            store.conn.execute("BEGIN IMMEDIATE")
            engine.insert_rows(
                store.conn, "notes", ["meeting_id", "text", "created_at"], [[meeting.id, "a", "x"], [None, "b", "x"]]
            )
        assert not store.conn.in_transaction
        assert store.scalar("SELECT count(*) FROM notes") == before
        # The full-text triggers saw the rows that went in (search finds them).
        with store.write() as conn:
            engine.insert_rows(
                conn,
                "notes",
                ["meeting_id", "text", "created_at"],
                [[meeting.id, "zebracrossing plan", "2026-11-25T16:00:00+00:00"]],
            )
        assert store.history.search_history("zebracrossing")
        # sqlite-utils left the connection's pragmas as they were.
        assert store.scalar("PRAGMA recursive_triggers") == 0
        assert store.scalar("PRAGMA foreign_keys") == 1
    finally:
        store.close()


def test_the_engine_catalogue_skips_full_text_and_internal_tables(tmp_path: Path, clock) -> None:
    store = open_store(tmp_path / "c.db", now=clock)
    try:
        names = engine.table_names(store.conn)
        assert "action_items" in names and "cadences" in names
        assert not [n for n in names if "fts" in n or n.startswith(("search_index", "sqlite_"))], names
        assert engine.foreign_parents(store.conn, "action_items") >= {"cadences", "meetings"}
        assert {r["name"] for r in engine.table_info(store.conn, "action_items")} >= {"id", "title", "owner"}
        assert all(sql.upper().startswith("CREATE") for _, sql in engine.secondary_indexes(store.conn, set(names)))
        assert engine.broken_references(store.conn) is None
    finally:
        store.close()


def test_opening_a_file_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    """The app's start-up opens the file through the engine module with plain
    sqlite3; sqlite-utils (~110 ms) loads only for bulk work."""
    loaded = loaded_after(
        f"from cadence_tui.store import open_store\ns = open_store({str(tmp_path / 'c.db')!r})\ns.cadences.overview()\n"
    )
    assert "cadence_tui.store.engines.sqlite" in loaded
    assert "sqlite_utils" not in loaded


def test_a_long_demo_history_exports_and_imports(tmp_path: Path, clock) -> None:
    """The pipeline walk stays within what the panel (and so the import)
    accepts: a long history used to reach billions of leads."""
    store = open_store(tmp_path / "demo.db", now=clock)
    try:
        store.demo.generate_demo(DemoSize(meetings=3000, actions=0, months=36))
        top = store.scalar("SELECT max(value) FROM pipeline_metrics")
        assert top <= 10 * 900 * 1.12, top
        assert top <= COUNT_MAX
        text = dumps_export(store.portability.export_data())
    finally:
        store.close()
    target = open_store(tmp_path / "back.db", now=clock)
    try:
        counts = target.portability.import_data(loads_export(text))
        assert counts["pipeline_metrics"] == target.scalar("SELECT count(*) FROM pipeline_metrics") > 0
        assert dumps_export(target.portability.export_data()) == text
    finally:
        target.close()


def test_an_import_that_breaks_a_reference_is_refused_with_nothing_written(tmp_path: Path, clock) -> None:
    store = open_store(tmp_path / "c.db", now=clock)
    try:
        document = loads_export(dumps_export(store.portability.export_data()))
        document["tables"]["notes"] = {
            "columns": ["id", "meeting_id", "text", "created_at"],
            "rows": [[1, 999, "orphan", "2026-11-25T16:00:00+00:00"]],
        }
        with pytest.raises(InvalidInput, match="nothing was imported"):
            store.portability.import_data(document)
        assert store.scalar("SELECT count(*) FROM notes") == 0
    finally:
        store.close()
