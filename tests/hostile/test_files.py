"""Hostile file paths: a mistyped or odd ``--db``, an ``--out`` that is the
database itself, a FIFO or a device, read-only files, saved digests.

Every case runs the real CLI (or the real store) and checks the message, the
exit status and that nothing was lost: the database's bytes, the other files
around it, the node a path names (a FIFO stays a FIFO, a device a device).
"""

from __future__ import annotations

import json
import os
import select
import sqlite3
import stat
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from cadence_tui.store import open_store
from tests.hostile.helpers import action_rows, assert_error, cadence, integrity, permission_limited, sha
from tests.settle import settle


@pytest.fixture
def met_db(tmp_path: Path) -> Path:
    """A database holding one ended meeting (what `summary` needs)."""
    db = tmp_path / "met.db"
    store = open_store(db)
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.end_meeting(meeting.id)
    store.close()
    return db


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# == A. Commands that are not the app never create a database =====================
@pytest.mark.parametrize(
    "args",
    [
        ("actions",),
        ("actions", "--json"),
        ("schedule",),
        ("cadences",),
        ("summary",),
        ("export", "json"),
        ("metrics",),
        ("digest",),
        ("history",),
        ("actions", "add", "--cadence", "sprint-review", "Write it down"),
        ("actions", "done", "1"),
        ("metrics", "record", "cac", "1200"),
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_a_command_on_a_mistyped_db_refuses_and_creates_nothing(tmp_path: Path, args: tuple[str, ...]) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    result = cadence(*args, db=missing)
    assert_error(result, f"no database at {missing}", "to create one")
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    assert not (tmp_path / "no").exists()  # no folders, no file


def test_a_missing_db_in_an_existing_folder_is_not_created_either(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    assert_error(cadence("actions", db=missing), f"no database at {missing}")
    assert tree(tmp_path) == []


def test_demo_and_import_still_create_the_database_and_config_needs_none(tmp_path: Path) -> None:
    demo_db = tmp_path / "new" / "demo.db"
    made = cadence("demo", "--meetings", "4", "--actions", "3", db=demo_db)
    assert made.returncode == 0, made.stderr
    exported = cadence("export", "json", db=demo_db)
    assert exported.returncode == 0, exported.stderr
    source = tmp_path / "export.json"
    source.write_text(exported.stdout)
    imported_db = tmp_path / "other" / "imported.db"
    loaded = cadence("import", "json", str(source), db=imported_db)
    assert loaded.returncode == 0, loaded.stderr
    assert len(action_rows(imported_db)) == len(action_rows(demo_db)) > 0
    nowhere = tmp_path / "nowhere" / "x.db"
    assert cadence("config", "path", db=nowhere).returncode == 0
    assert cadence("completion", "bash", db=nowhere).returncode == 0
    assert cadence("--help", db=nowhere).returncode == 0
    assert not (tmp_path / "nowhere").exists()
    # ...and only they do: a command that only reads still refuses.
    assert_error(cadence("actions", db=nowhere), "no database at")


# == B. --out never destroys the database, a device or a FIFO ======================
OUT_COMMANDS = [
    ("export", "json", "--out"),
    ("export", "ics", "--out"),
    ("summary", "--out"),
]


def _same_file_spellings(db: Path, tmp_path: Path) -> dict[str, str]:
    sub = tmp_path / "sub"
    sub.mkdir(exist_ok=True)
    link = tmp_path / "link.db"
    if not link.exists():
        link.symlink_to(db)
    hard = tmp_path / "hard.db"
    if not hard.exists():
        os.link(db, hard)
    return {
        "same-string": str(db),
        "dot-dot": str(sub / ".." / db.name),
        "symlink": str(link),
        "hard-link": str(hard),
    }


@pytest.mark.parametrize("command", OUT_COMMANDS, ids=lambda c: "-".join(c[:-1]))
@pytest.mark.parametrize("spelling", ["same-string", "dot-dot", "symlink", "hard-link"])
def test_out_refuses_the_live_database_however_it_is_spelled(
    met_db: Path, tmp_path: Path, command: tuple[str, ...], spelling: str
) -> None:
    target = _same_file_spellings(met_db, tmp_path)[spelling]
    before = sha(met_db)
    result = cadence(*command, target, db=met_db)
    assert_error(result, "database", target)
    assert "Wrote" not in result.stderr
    assert sha(met_db) == before and integrity(met_db) == "ok"
    assert Path(target).is_symlink() == (spelling == "symlink")  # the link itself is left as it was
    assert len(result.stderr.splitlines()) == 1


def test_out_refuses_the_databases_wal_file(met_db: Path) -> None:
    wal = Path(f"{met_db}-wal")
    result = cadence("export", "json", "--out", str(wal), db=met_db)
    assert_error(result, "database")
    assert not wal.exists() or wal.stat().st_size == 0


class FifoReader:
    """Reads a FIFO made in tmp_path while a command writes to it."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        # Opened non-blocking first, so a writer's open() finds a reader.
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.data = bytearray()
        self.writer_seen = False
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                chunk = os.read(self.fd, 65536)
                if chunk:
                    self.writer_seen = True
                    self.data += chunk

    def close(self) -> bytes:
        time.sleep(0.1)
        self._stop.set()
        self.thread.join(5)
        os.close(self.fd)
        return bytes(self.data)


@pytest.mark.parametrize("command", OUT_COMMANDS, ids=lambda c: "-".join(c[:-1]))
def test_out_to_a_fifo_streams_into_it_and_keeps_it_a_fifo(
    met_db: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    fifo = tmp_path / "pipe"
    reader = FifoReader(fifo)
    try:
        result = cadence(*command, str(fifo), db=met_db, timeout=30)
    finally:
        data = reader.close()
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert data, "nothing reached the reader"
    if command[1] == "json":
        assert json.loads(data)["format"] == "cadence-export"
    elif command[1] == "ics":
        assert data.startswith(b"BEGIN:VCALENDAR")
    else:
        assert b"Sprint Review" in data
    assert not [p for p in tree(tmp_path) if p.startswith(".")], tree(tmp_path)  # no temp file left


def test_out_through_a_symlink_to_standard_output_writes_the_stream(met_db: Path, tmp_path: Path) -> None:
    # What --out /dev/stdout does, without touching /dev: a link to this process's fd 1.
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    result = cadence("export", "ics", "--out", str(link), db=met_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device like /dev/null, made in tmp_path (never the system's)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return node


@pytest.mark.parametrize("command", OUT_COMMANDS, ids=lambda c: "-".join(c[:-1]))
def test_out_to_a_device_writes_to_it_and_never_replaces_it(
    met_db: Path, null_device: Path, command: tuple[str, ...]
) -> None:
    result = cadence(*command, str(null_device), db=met_db)
    assert result.returncode == 0, result.stderr
    mode = os.lstat(null_device).st_mode
    assert stat.S_ISCHR(mode), "the device node was replaced by a regular file"
    assert null_device.read_bytes() == b""


def test_out_errors_name_the_path_given_not_a_temp_file(met_db: Path, tmp_path: Path, permissions_apply) -> None:
    shut = tmp_path / "shut"
    shut.mkdir()
    shut.chmod(0o555)
    try:
        for command in OUT_COMMANDS:
            target = shut / "out.txt"
            result = cadence(*command, str(target), db=met_db, **permission_limited())
            assert_error(result, str(target), "permission denied")
            assert ".partial" not in result.stderr and ".tmp" not in result.stderr
            assert f"{shut}/." not in result.stderr
    finally:
        shut.chmod(0o755)


@pytest.mark.parametrize("command", OUT_COMMANDS, ids=lambda c: "-".join(c[:-1]))
def test_out_into_a_missing_folder_is_refused_the_same_way(
    met_db: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "not" / "there" / "out.txt"
    result = cadence(*command, str(target), db=met_db)
    assert_error(result, "does not exist", str(target.parent))
    assert not (tmp_path / "not").exists()


def test_backup_refuses_a_hard_link_to_the_database(seeded_db: Path, tmp_path: Path) -> None:
    hard = tmp_path / "hard.db"
    os.link(seeded_db, hard)
    before = sha(seeded_db)
    result = cadence("backup", "--force", str(hard), db=seeded_db)
    assert_error(result, "database")
    assert sha(seeded_db) == before and os.stat(hard).st_ino == os.stat(seeded_db).st_ino


# == C. Saved digests never overwrite each other ===================================
def test_two_failed_posts_in_the_same_second_keep_both_digests(
    seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import cadence_tui.cli.playbook as cli_playbook
    from cadence_tui.cli import cli

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 11, 25, 21, 22, 23)

    monkeypatch.setattr(cli_playbook, "datetime", FrozenDatetime)
    monkeypatch.setenv("CADENCE_WEBHOOK_TIMEOUT", "0.2")
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: every post is refused at once
    runner = CliRunner()
    saved = []
    for owner in ("Lena", "Sam"):
        result = runner.invoke(
            cli,
            [
                "digest",
                "--post",
                f"http://127.0.0.1:{port}/hook",
                "--format",
                "text",
                "--owner",
                owner,
                "--db",
                str(seeded_db),
            ],
        )
        assert result.exit_code == 1
        saved.append(Path(result.stderr.strip().rsplit("saved it to ", 1)[1]))
    assert saved[0] != saved[1]
    assert all(p.exists() for p in saved)
    assert "Lena" in saved[0].read_text() and "Sam" in saved[1].read_text()
    assert "212223" in saved[0].name and "212223" in saved[1].name


# == D. A FIFO (or any non-file) as --db or config never blocks =====================
def test_a_fifo_as_db_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "db.fifo"
    os.mkfifo(fifo)
    for args in (("actions",), ("export", "json")):
        result = cadence(*args, db=fifo, timeout=20)
        assert_error(result, str(fifo), "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert tree(tmp_path) == ["db.fifo"]


def test_a_fifo_as_db_of_the_app_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "db.fifo"
    os.mkfifo(fifo)
    result = cadence(db=fifo, timeout=20)  # the fast start path (no subcommand)
    assert_error(result, "not a regular file")


def test_a_device_as_db_is_refused(null_device: Path) -> None:
    result = cadence("actions", db=null_device)
    assert_error(result, "not a regular file")
    assert sorted(p.name for p in null_device.parent.iterdir()) == ["null"]  # no null-wal beside it


def test_a_fifo_as_cadence_config_is_refused_at_once(seeded_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    result = cadence("config", "show", env={"CADENCE_CONFIG": str(fifo)}, timeout=20)
    assert_error(result, str(fifo), "not a regular file")
    result = cadence("summary", db=seeded_db, env={"CADENCE_CONFIG": str(fifo)}, timeout=20)
    assert_error(result, "not a regular file")


# == E. Backing up a read-only database ==========================================
def test_backup_of_a_read_only_database_works(seeded_db: Path, tmp_path: Path, permissions_apply) -> None:
    seeded_db.chmod(0o444)
    target = tmp_path / "copy.db"
    try:
        result = cadence("backup", str(target), db=seeded_db, **permission_limited())
    finally:
        seeded_db.chmod(0o644)
    assert result.returncode == 0, result.stderr
    assert action_rows(target) == action_rows(seeded_db)
    assert stat.S_IMODE(target.stat().st_mode) == 0o444  # as private as the original
    assert not [p for p in tree(tmp_path) if ".partial" in p]


# == F. --db values that are not a file path ======================================
@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("", "--db is empty"),
        ("   ", "--db is empty"),
        (":memory:", "keeps nothing"),
        ("file:x.db?mode=ro", "not an SQLite URI"),
        ("file:x.db", "not an SQLite URI"),
        ("https://example.com/x.db", "not a https:// URL"),
        ("mysql://me:hunter2@localhost/cadence", "not a mysql:// URL"),
        # A PostgreSQL URL is a database: one that cannot be reached is said so (password left out).
        ("postgresql://me:hunter2@127.0.0.1:1/cadence", "cannot connect to the database postgresql://me@127.0.0.1:1/"),
        ("postgres://me:hunter2@127.0.0.1:1/cadence", "cannot connect to the database postgres://me@127.0.0.1:1/"),
    ],
    ids=["empty", "blank", "memory", "uri-ro", "uri", "https", "mysql", "postgresql", "postgres"],
)
def test_db_values_that_are_not_a_file_path_are_refused(tmp_path: Path, value: str, phrase: str) -> None:
    default_db = Path(os.environ["XDG_DATA_HOME"]) / "cadence" / "cadence.db"
    for args in (("actions", "add", "--cadence", "sprint-review", "Lost?"), ("demo",)):
        result = cadence("--db", value, *args, cwd=tmp_path)
        assert_error(result, phrase)
        assert len(result.stderr.splitlines()) == 1
        assert "hunter2" not in result.stderr + result.stdout
    assert tree(tmp_path) == []  # no stray file: folders
    assert not default_db.exists()  # and not the default database either


def test_db_uri_is_refused_by_the_app_start_too(tmp_path: Path) -> None:
    result = cadence("--db", "file:x.db?mode=ro", cwd=tmp_path)
    assert_error(result, "not an SQLite URI")
    assert tree(tmp_path) == []


def test_cadence_db_variable_is_checked_like_db(tmp_path: Path) -> None:
    result = cadence("actions", env={"CADENCE_DB": ":memory:"}, cwd=tmp_path)
    assert_error(result, "CADENCE_DB", "keeps nothing")


def test_a_percent_sign_is_refused_for_a_metric_not_in_percent(seeded_db: Path) -> None:
    result = cadence("metrics", "record", "cac", "12%", db=seeded_db)
    assert_error(result, "12%", "USD", "number alone")
    conn = sqlite3.connect(seeded_db)
    try:
        assert conn.execute("SELECT count(*) FROM metric_values").fetchone()[0] == 0
    finally:
        conn.close()
    # Where the unit is %, "12%" means 12.
    assert cadence("metrics", "add", "nrr", "Net revenue retention", "--unit", "%", db=seeded_db).returncode == 0
    ok = cadence("metrics", "record", "nrr", "12%", db=seeded_db)
    assert ok.returncode == 0, ok.stderr
    assert "12" in ok.stdout


def test_demo_with_zero_actions_makes_no_action_items(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = cadence("demo", "--meetings", "5", "--actions", "0", db=db)
    assert result.returncode == 0, result.stderr
    assert "0 action items" in result.stderr
    assert action_rows(db) == []


# == The app's "save summary" dialog obeys the same rules =========================
async def test_app_save_dialog_refuses_the_database_itself(make_app, store, clock, db_path: Path) -> None:
    from textual.widgets import Input, Static

    from cadence_tui.ui.screens.summary import SaveSummaryScreen, SummaryScreen
    from tests.summary_fixtures import build_meeting

    meeting_id = build_meeting(store, clock, "sprint-review")
    link = db_path.parent / "shortcut.db"
    link.symlink_to(db_path)
    before = action_rows(db_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.show_summary(meeting_id)
        await settle(pilot)  # the summary is read and rendered in a worker
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveSummaryScreen)
        dialog.query_one("#save-path", Input).value = str(link)
        for _ in range(2):  # a second Enter (the "replace it" confirmation) does not help
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog
            assert "the database itself" in str(dialog.query_one("#save-error", Static).render())
    assert integrity(db_path) == "ok" and action_rows(db_path) == before
    assert link.is_symlink()
