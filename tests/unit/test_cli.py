"""Every command's output and exit codes."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence_tui import __version__
from cadence_tui.cli import cli
from cadence_tui.store import SCHEMA_VERSION, open_store
from tests.postgres_server import raw_connect

pytestmark = pytest.mark.both_engines

NOW = "2026-11-25T16:00:00+00:00"


@pytest.fixture
def run(db, monkeypatch):
    monkeypatch.setenv("CADENCE_NOW", NOW)
    open_store(db).close()  # only the app, demo and import create a database
    runner = CliRunner()
    location = str(db)

    def invoke(*args: str, db: bool = True):
        argv = list(args) + (["--db", location] if db else [])
        return runner.invoke(cli, argv, catch_exceptions=False)

    return invoke


def test_version_and_help(run) -> None:
    result = run("--version", db=False)
    assert result.exit_code == 0 and result.output.strip() == f"cadence {__version__}"
    result = run("--help", db=False)
    assert result.exit_code == 0
    for command in ("schedule", "actions", "demo"):
        assert command in result.output


def test_schedule_text_and_json(run) -> None:
    result = run("schedule", "--days", "14")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Thu 2026-11-26 15:00") and "Sprint Review" in lines[0]
    assert len(lines) == 4  # 2 sprint reviews, 1 finance review, 1 sales sync
    data = json.loads(run("schedule", "--days", "14", "--json").output)
    assert [d["cadence"] for d in data] == ["sprint-review", "sprint-review", "finance-review", "sales-marketing-sync"]
    assert data[0]["start"] == "2026-11-26T15:00:00+00:00"
    assert {"cadence", "name", "start", "start_utc", "timebox_min"} <= data[0].keys()


def test_schedule_rejects_bad_days(run) -> None:
    result = run("schedule", "--days", "0")
    assert result.exit_code == 2


def test_actions_add_list_json_done_drop(run, db) -> None:
    r1 = run("actions", "add", "Send deck", "--cadence", "sales-marketing-sync", "--owner", "Jordan", "--due", "fri")
    assert r1.exit_code == 0, r1.output
    first = int(r1.output.strip())
    r2 = run("actions", "add", "Old thing", "--cadence", "sprint-review", "--owner", "Lena", "--due", "2026-11-01")
    second = int(r2.output.strip())
    listed = run("actions")
    assert listed.exit_code == 0
    rows = listed.output.strip().splitlines()
    assert "Old thing" in rows[0] and "!2026-11-01" in rows[0]  # overdue first, marked
    assert "Send deck" in rows[1] and "2026-11-27" in rows[1]

    data = json.loads(run("actions", "--json").output)
    assert [d["id"] for d in data] == [second, first]
    keys = {"id", "title", "owner", "due", "status", "cadence", "meeting_id", "created_at"}
    assert keys <= data[0].keys()
    assert data[1] == {
        **data[1],
        "title": "Send deck",
        "owner": "Jordan",
        "due": "2026-11-27",
        "status": "open",
        "cadence": "sales-marketing-sync",
        "meeting_id": None,
    }

    assert json.loads(run("actions", "--owner", "Lena", "--json").output)[0]["id"] == second
    assert [d["id"] for d in json.loads(run("actions", "--overdue", "--json").output)] == [second]
    assert [d["id"] for d in json.loads(run("actions", "--cadence", "sales-marketing-sync", "--json").output)] == [
        first
    ]
    assert [d["id"] for d in json.loads(run("actions", "--search", "deck", "--json").output)] == [first]
    assert [d["id"] for d in json.loads(run("actions", "--due-before", "2026-11-20", "--json").output)] == [second]

    done = run("actions", "done", str(first))
    assert done.exit_code == 0 and "done" in done.output
    drop = run("actions", "drop", str(second))
    assert drop.exit_code == 0
    assert json.loads(run("actions", "--json").output) == []
    statuses = {d["id"]: d["status"] for d in json.loads(run("actions", "--all", "--json").output)}
    assert statuses == {first: "done", second: "dropped"}
    with raw_connect(db) as conn:
        assert conn.execute("SELECT status FROM action_items WHERE id = ?", (first,)).fetchone()[0] == "done"


@pytest.mark.parametrize(
    "args, message",
    [
        (["actions", "done", "999"], "no action item with id 999"),
        (["actions", "drop", "999"], "no action item with id 999"),
        (["actions", "--cadence", "nope"], "unknown cadence 'nope'"),
        (["actions", "add", "x", "--cadence", "nope"], "unknown cadence 'nope'"),
        (["actions", "add", "   ", "--cadence", "sprint-review"], "cannot be empty"),
    ],
)
def test_errors_are_one_line_and_nonzero(run, args, message) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"cadence: error: {result.stderr.strip()[16:]}"]
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_due_date_is_a_usage_error(run) -> None:
    result = run("actions", "add", "x", "--cadence", "sprint-review", "--due", "someday")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_demo_fills_and_refuses_second_run(run) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    assert "Created" in result.stderr
    assert json.loads(run("actions", "--json").output)
    again = run("demo")
    assert again.exit_code == 1 and "already holds" in again.stderr


def test_db_env_var(db, monkeypatch) -> None:
    monkeypatch.setenv("CADENCE_DB", str(db))
    open_store(db).close()
    result = CliRunner().invoke(cli, ["actions", "add", "Env", "--cadence", "all-hands"])
    assert result.exit_code == 0
    assert open_store(db).actions.list_actions()[0].title == "Env"


def test_db_option_before_or_after_command(db_path, tmp_path) -> None:
    runner = CliRunner()
    other = tmp_path / "other.db"
    for path in (db_path, other):
        open_store(path).close()
    runner.invoke(cli, ["--db", str(other), "actions", "add", "A", "--cadence", "all-hands"])
    runner.invoke(cli, ["actions", "add", "B", "--cadence", "all-hands", "--db", str(db_path)])
    assert [a.title for a in open_store(other).actions.list_actions()] == ["A"]
    assert [a.title for a in open_store(db_path).actions.list_actions()] == ["B"]


def _cadence(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cadence_tui", *args], capture_output=True, text=True, timeout=60, **kw
    )


@pytest.mark.parametrize("kind", ["directory", "garbage", "newer", "corrupt"])
def test_bad_database_files_real_process(tmp_path, kind) -> None:
    path = tmp_path / "bad.db"
    if kind == "directory":
        path.mkdir()
    elif kind == "garbage":
        path.write_bytes(b"\x00\x01garbage" * 100)
    elif kind == "newer":
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
        conn.execute("CREATE TABLE t(x)")
        conn.commit()
        conn.close()
    else:
        open_store(path).close()
        data = bytearray(path.read_bytes())
        data[100 : 4096 * 3] = b"\xff" * (4096 * 3 - 100)
        path.write_bytes(bytes(data))
    before = path.read_bytes() if path.is_file() else None
    result = _cadence("actions", "--db", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith("cadence: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    if before is not None:
        assert path.read_bytes() == before


def test_python_dash_m_runs(tmp_path) -> None:
    result = _cadence("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def _demo_stderr(db: Path, *, terminal: bool) -> bytes:
    """`cadence demo`'s stderr, written to a terminal (a pty) or to a pipe."""
    import os
    import pty

    args = [sys.executable, "-m", "cadence_tui", "demo", "--db", str(db), "--meetings", "5", "--actions", "20"]
    if not terminal:
        return subprocess.run(args, capture_output=True, timeout=60, check=True).stderr
    leader, follower = pty.openpty()
    try:
        subprocess.run(args, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL, timeout=60, check=True)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the other end is closed and everything read
                break
            if not chunk:
                break
            shown += chunk
        return shown
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)


def test_progress_shows_in_a_terminal_and_is_quiet_in_a_pipe(tmp_path: Path) -> None:
    shown = _demo_stderr(tmp_path / "tty.db", terminal=True)
    assert b"Generating meetings" in shown and b"100%" in shown
    piped = _demo_stderr(tmp_path / "pipe.db", terminal=False).decode()
    assert "Generating meetings" not in piped and "%" not in piped
    assert piped.startswith("Created 5 meetings")


def test_actions_add_adopts_the_existing_owners_spelling(run, db_path) -> None:
    """`--owner marco` files the item under "Marco" when Marco already owns
    items (the case-insensitive, Unicode-aware match the owner filters use);
    a new name keeps the spelling typed."""
    run("actions", "add", "First", "--cadence", "sprint-review", "--owner", "Marco")
    run("actions", "add", "Second", "--cadence", "sprint-review", "--owner", "marco")
    run("actions", "add", "Third", "--cadence", "sprint-review", "--owner", "ZOË")
    run("actions", "add", "Fourth", "--cadence", "sprint-review", "--owner", "zoe\u0308")  # decomposed ë
    run("actions", "add", "Fifth", "--cadence", "sprint-review", "--owner", "lena")
    owners = {d["title"]: d["owner"] for d in json.loads(run("actions", "--json").output)}
    assert owners == {"First": "Marco", "Second": "Marco", "Third": "ZOË", "Fourth": "ZOË", "Fifth": "lena"}


@pytest.mark.parametrize("n", [0, 1, 7, 23])
def test_demo_actions_n_creates_exactly_n(run, db, n) -> None:
    result = run("demo", "--meetings", "10", "--actions", str(n))
    assert result.exit_code == 0, result.stderr
    with raw_connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM action_items").fetchone()[0] == n
    assert f"and {n:,} action items" in result.stderr


def test_demo_actions_n_without_meetings_creates_exactly_n(run, db) -> None:
    result = run("demo", "--actions", "7")
    assert result.exit_code == 0, result.stderr
    with raw_connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM action_items").fetchone()[0] == 7
