"""Shared helpers of the hostile-input suite: run the real CLI, check its errors, read the database."""

from __future__ import annotations

import ctypes
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ESC_TITLE = "\x1b[31mRed\x1b[0m alert\x07 \x1b]0;pwned\x07 \x1b[2J now\x7f"
ESC_CLEAN = "Red alert   now"
UNICODE_TITLE = "🚀 Launch — cafe\u0301 ñ שלום עולם مرحبا 👩🏽‍💻"
MARKUP_TITLE = "[bold]not bold[/] [@click=app.quit]quit?[/] [/]"
SQL_TITLE = "x'); DROP TABLE action_items; -- \" OR 1=1"
BIG_LINE = "x" * 100_000
BIG_TEXT = ("Paragraph of a very long pasted note. " * 40 + "\n") * 70  # ~107 kB, many lines


# -- helpers ----------------------------------------------------------------------
def cadence(
    *args: str,
    db: Path | str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    **kwargs,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``cadence`` command; stdout and stderr as text."""
    argv = [sys.executable, "-m", "cadence_tui", *(["--db", str(db)] if db is not None else []), *args]
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("DISPLAY", None)
    full_env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, env=full_env, stdin=subprocess.DEVNULL, **kwargs
    )


def assert_error(result: subprocess.CompletedProcess[str], *phrases: str, status: int = 1) -> None:
    """Failed with ``status``, one clear line on stderr naming ``phrases``, no traceback."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    err = result.stderr
    assert "Traceback" not in err and "Traceback" not in result.stdout, err
    for phrase in phrases:
        assert phrase.lower() in err.lower(), err
    assert "\x1b" not in err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_pg(db: object) -> bool:
    return isinstance(db, str) and db.startswith("postgresql://")


def fingerprint(db: Path | str) -> str:
    """What "left untouched" compares: the file's bytes, or on PostgreSQL
    every table of the database with its columns and rows."""
    if not is_pg(db):
        return sha(Path(db))
    import psycopg

    digest = hashlib.sha256()
    with psycopg.connect(str(db), autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            ).fetchall()
        ]
        for table in tables:
            cur = conn.execute(f'SELECT * FROM "{table}"')
            columns = [c.name for c in cur.description or ()]
            digest.update(repr((table, columns, sorted(map(repr, cur.fetchall())))).encode())
    return digest.hexdigest()


def action_rows(db: Path | str) -> list[tuple]:
    from tests.postgres_server import raw_connect

    with raw_connect(db) as conn:
        return conn.execute("SELECT id, title, owner, due, status FROM action_items ORDER BY id").fetchall()


def integrity(db: Path | str) -> str:
    if is_pg(db):
        return "ok"  # the server's own business: no file of ours to check
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _drop_file_permission_override() -> None:
    """In the child: a root process that obeys permission bits (no
    CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, even after exec)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def permission_limited() -> dict:
    """subprocess keyword arguments under which file permission bits apply.

    Running as root ignores them; dropping the capabilities keeps the same
    user (who can run the venv's Python under /root) but makes them count.
    """
    if os.geteuid() != 0:
        return {}
    return {"preexec_fn": _drop_file_permission_override}
