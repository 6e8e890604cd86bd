"""Opening files: fresh, migrated, refused — and never modified when refused."""

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from cadence_tui.store import (
    SCHEMA_VERSION,
    DatabaseUnavailable,
    NewerSchemaError,
    ReadOnlyDatabase,
    open_store,
)
from cadence_tui.store.engines.sqlite import apply_migrations


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_file_is_created_migrated_and_seeded(db_path: Path, clock) -> None:
    store = open_store(db_path, now=clock)
    assert store.schema_version() == SCHEMA_VERSION
    assert [c.key for c in store.cadences.list_cadences()] == [
        "sprint-review",
        "sales-marketing-sync",
        "finance-review",
        "all-hands",
    ]
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") >= 1000
    for c in store.cadences.list_cadences():
        template = store.cadences.agenda_template(c.id)
        assert sum(i.timebox_min for i in template) == c.timebox_min
        assert c.participants
    store.close()
    # Opening again does not seed twice.
    again = open_store(db_path, now=clock)
    assert again.scalar("SELECT count(*) FROM cadences") == 4
    assert again.scalar("SELECT count(*) FROM agenda_templates") == sum(
        len(again.cadences.agenda_template(c.id)) for c in again.cadences.list_cadences()
    )
    again.close()


def test_older_version_is_upgraded_in_place_keeping_data(db_path: Path, clock) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(conn, target=1)
    conn.execute(
        "INSERT INTO cadences(key, name, rrule, anchor_date, start_time, tz, timebox_min, created_at)"
        " VALUES ('standup', 'Stand-up', 'FREQ=DAILY', '2026-01-01', '09:30', 'UTC', 15, '2026-01-01T00:00:00+00:00')"
    )
    conn.execute(
        "INSERT INTO action_items(cadence_id, title, owner, created_at) VALUES (1, 'Keep me', 'Ann', '2026-01-01T00:00:00+00:00')"
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()

    store = open_store(db_path, now=clock)
    assert store.schema_version() == SCHEMA_VERSION
    assert store.actions.get_action(1).title == "Keep me"
    assert store.cadences.get_cadence("standup").name == "Stand-up"
    # v2 built the search index over existing rows
    assert store.scalar("SELECT count(*) FROM search_index WHERE body MATCH 'keep'") == 1
    store.close()


def test_newer_version_is_refused_and_left_untouched(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(NewerSchemaError) as err:
        open_store(db_path)
    assert "newer Cadence" in str(err.value)
    assert digest(db_path) == before
    assert not Path(str(db_path) + "-wal").exists()


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some text, not SQLite\n" * 50)
    before = digest(path)
    with pytest.raises(DatabaseUnavailable, match="not a Cadence database"):
        open_store(path)
    assert digest(path) == before


def test_other_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (id)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseUnavailable, match="another application"):
        open_store(path)
    assert digest(path) == before


def test_corrupt_file_is_refused_untouched(db_path: Path, clock) -> None:
    store = open_store(db_path, now=clock)
    store.close()
    # Truncate the WAL away and damage the page area, keeping the header.
    data = bytearray(db_path.read_bytes())
    for i in range(100, min(len(data), 20000)):
        data[i] = 0xA5
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(DatabaseUnavailable) as err:
        open_store(db_path)
    assert "damaged" in str(err.value) or "not a" in str(err.value)
    assert digest(db_path) == before


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="is a directory"):
        open_store(tmp_path)


def test_zero_byte_file_becomes_a_database(tmp_path: Path, clock) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    store = open_store(path, now=clock)
    assert len(store.cadences.list_cadences()) == 4
    store.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions; see test_hostile's subprocess check")
def test_read_only_file_is_refused(db_path: Path, clock) -> None:
    open_store(db_path, now=clock).close()
    db_path.chmod(0o444)
    with pytest.raises(ReadOnlyDatabase):
        open_store(db_path)


def test_read_only_check_without_permissions(db_path: Path, clock, monkeypatch) -> None:
    """As root, permissions are not enforced; simulate what os.access reports."""
    open_store(db_path, now=clock).close()
    before = digest(db_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(ReadOnlyDatabase, match="read-only"):
        open_store(db_path)
    assert digest(db_path) == before


def test_migration_gives_each_cadence_the_kind_its_key_had(db_path: Path, clock) -> None:
    """A schema-6 file (before kinds): the seeded keys get their kinds, a
    cadence the user made (or copied) is generic, as its meetings were."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(conn, target=6)
    for key in ("sprint-review", "sales-marketing-sync", "finance-review", "all-hands", "standup"):
        conn.execute(
            "INSERT INTO cadences(key, name, rrule, anchor_date, start_time, tz, timebox_min, created_at)"
            " VALUES (?, ?, 'FREQ=DAILY', '2026-01-01', '09:30', 'UTC', 15, '2026-01-01T00:00:00+00:00')",
            (key, key.title()),
        )
    conn.execute("INSERT INTO settings(key, value) VALUES ('seeded', '2026-01-01T00:00:00+00:00')")
    conn.close()

    store = open_store(db_path, now=clock)
    assert store.schema_version() == SCHEMA_VERSION
    assert {c.key: c.kind for c in store.cadences.list_cadences()} == {
        "sprint-review": "sprint-review",
        "sales-marketing-sync": "pipeline",
        "finance-review": "finance",
        "all-hands": "all-hands",
        "standup": "generic",
    }
    with pytest.raises(sqlite3.IntegrityError):  # the column takes only the kinds
        store.conn.execute("UPDATE cadences SET kind = 'budget' WHERE key = 'standup'")
    store.close()
