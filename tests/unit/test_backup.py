"""`cadence backup`: a consistent, verified copy, even while someone writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cadence_tui.store import SCHEMA_VERSION, open_store
from cadence_tui.store.backup import BackupExists, backup_database
from cadence_tui.store.engines import sqlite as backup_module  # the SQLite engine copies the file

CLI = [sys.executable, "-m", "cadence_tui"]


def titles(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM action_items ORDER BY id")]
    finally:
        conn.close()


def test_cli_backup_writes_a_verified_copy_and_says_where(db_path: Path, tmp_path: Path) -> None:
    store = open_store(db_path)
    store.actions.add_action("Keep me", owner="Lena", cadence_key="sprint-review")
    store.close()
    target = tmp_path / "copies" / "monday.db"
    target.parent.mkdir()
    result = subprocess.run([*CLI, "--db", str(db_path), "backup", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stdout and "integrity check ok" in result.stdout
    assert result.stderr == ""  # no progress bar in a pipe
    assert titles(target) == ["Keep me"]
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["monday.db"]
    # --force replaces an older backup; without it the old one stays.
    store = open_store(db_path)
    store.actions.add_action("Added later", cadence_key="sprint-review")
    store.close()
    refused = subprocess.run([*CLI, "--db", str(db_path), "backup", str(target)], capture_output=True, text=True)
    assert refused.returncode == 1 and "already exists" in refused.stderr
    assert titles(target) == ["Keep me"]
    forced = subprocess.run(
        [*CLI, "--db", str(db_path), "backup", "--force", str(target)], capture_output=True, text=True
    )
    assert forced.returncode == 0, forced.stderr
    assert titles(target) == ["Keep me", "Added later"]


WRITER = textwrap.dedent(
    """
    import sys
    from cadence_tui.store import open_store
    store = open_store(sys.argv[1])
    print("ready", flush=True)
    i = 0
    while True:
        store.actions.add_action(f"w {i}", cadence_key="finance-review")
        i += 1
    """
)


def test_backup_while_another_process_writes_is_a_consistent_snapshot(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cadence_tui.store.demo import DemoSize

    store = open_store(db_path)
    store.demo.generate_demo(DemoSize(meetings=200, actions=2000, months=6))  # some bulk to copy
    store.close()
    # Small steps with a pause between them: the writer commits many rows while
    # the copy is under way, which would tear or restart a naive backup.
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 16)
    steps: list[int] = []

    def slow_progress(done: int, _total: int) -> None:
        steps.append(done)
        time.sleep(0.01)

    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        target = backup_database(db_path, tmp_path / "snap.db", progress=slow_progress)
        time.sleep(0.2)
    finally:
        writer.kill()
        writer.wait()
    assert len(steps) > 5
    copied = [t for t in titles(target) if t.startswith("w ")]
    written = [t for t in titles(db_path) if t.startswith("w ")]
    assert copied, "the writer had written nothing before the copy"
    assert len(written) > len(copied), "the writer did not write during the copy"
    # A snapshot: the writer's rows 0..k with no gap, nothing torn.
    assert copied == [f"w {i}" for i in range(len(copied))]
    copy = open_store(target)
    try:
        assert copy.scalar("PRAGMA integrity_check") == "ok"
        assert len(copy.cadences.overview()) == 4
    finally:
        copy.close()


def test_progress_is_reported_step_by_step(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(db_path)
    store.close()
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 4)
    seen: list[tuple[int, int]] = []
    backup_database(db_path, tmp_path / "b.db", progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert seen[-1][0] == seen[-1][1]


def test_backup_copies_a_newer_schema_file_as_is(db_path: Path, tmp_path: Path) -> None:
    open_store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    original = db_path.read_bytes()
    target = backup_database(db_path, tmp_path / "newer.db")
    assert db_path.read_bytes() == original  # not migrated, not touched
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5
    conn.close()


def test_store_backup_to_from_memory_and_refusals(tmp_path: Path) -> None:
    store = open_store(":memory:")
    try:
        store.actions.add_action("In memory", cadence_key="all-hands")
        written = store.backup.backup_to(tmp_path / "mem.db")
        assert titles(written) == ["In memory"]
        with pytest.raises(BackupExists, match="already exists; use --force"):
            store.backup.backup_to(written)
        with pytest.raises(BackupExists, match="is a directory"):
            store.backup.backup_to(tmp_path)
    finally:
        store.close()
    file_store = open_store(tmp_path / "real.db")
    try:
        with pytest.raises(BackupExists, match="cannot overwrite the database it copies"):
            file_store.backup.backup_to(tmp_path / "real.db", overwrite=True)
    finally:
        file_store.close()
