"""Fixtures of the hostile-input suite: a seeded database (on either engine,
see ``both_engines`` in tests/conftest.py), a locked one, permission checks.
The PostgreSQL-only fixtures (a read-only role, a role with a password, a
server that goes away) are in test_postgres.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadence_tui.store import open_store
from tests.hostile.helpers import permission_limited


@pytest.fixture
def seeded_db(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """A database holding one action item: a file, or (in a test marked
    ``both_engines``, its PostgreSQL run) the URL of this test's database."""
    db: Path | str = tmp_path / "team.db" if engine == "sqlite" else request.getfixturevalue("db")
    store = open_store(db)
    store.actions.add_action("Existing item", owner="Lena", cadence_key="sprint-review")
    store.close()
    return db


@pytest.fixture(scope="module")
def permissions_apply(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip cleanly where permission bits cannot be made to apply."""
    probe_dir = tmp_path_factory.mktemp("perm-probe")
    probe = probe_dir / "ro"
    probe.write_text("x")
    probe.chmod(0o444)
    try:
        result = subprocess.run(
            [sys.executable, "-c", f"open({str(probe)!r}, 'a')"], capture_output=True, **permission_limited()
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot drop file-permission privileges here: {exc}")
    finally:
        probe.chmod(0o644)
    if result.returncode == 0:
        pytest.skip("this process ignores file permissions and cannot drop that")


@pytest.fixture
def locked_db(seeded_db: Path) -> Iterator[Path]:
    """The database while another process holds ``BEGIN EXCLUSIVE`` on it."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, sys
            conn = sqlite3.connect({str(seeded_db)!r}, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            sys.stdin.read()  # hold the lock until the test closes our stdin
            conn.execute("ROLLBACK")
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    try:
        yield seeded_db
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
