"""Hostile input, through the real app (Pilot) and the real CLI (subprocesses).

Every case checks three things: a clear message (what went wrong, in words a
user understands), a non-zero exit status where it is a command, and that no
data was lost or damaged (database rows, file bytes, what was typed).
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from cadence_tui.store import SCHEMA_VERSION, Store, open_store
from tests.functional.meeting_pilot import fill_form, start_from_home
from tests.hostile.helpers import (
    BIG_LINE,
    BIG_TEXT,
    ESC_CLEAN,
    ESC_TITLE,
    MARKUP_TITLE,
    SQL_TITLE,
    UNICODE_TITLE,
    action_rows,
    assert_error,
    cadence,
    fingerprint,
    integrity,
    is_pg,
    permission_limited,
    sha,
)
from tests.notes import shown_notes
from tests.postgres_server import raw_connect
from tests.settle import settle


# == The command line ============================================================
@pytest.mark.both_engines
@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("", "title cannot be empty"),
        ("   \t  ", "title cannot be empty"),
        (BIG_LINE, "too long (100,000 characters; at most 500)"),
    ],
    ids=["empty-title", "whitespace-title", "100kB-title"],
)
def test_cli_refuses_bad_titles_and_keeps_data(seeded_db: Path, title: str, phrase: str) -> None:
    before = action_rows(seeded_db)
    result = cadence("actions", "add", "--cadence", "sprint-review", title, db=seeded_db)
    assert_error(result, phrase)
    assert len(result.stderr.splitlines()) == 1
    assert action_rows(seeded_db) == before


def test_cli_strips_escape_sequences_and_control_characters(seeded_db: Path) -> None:
    result = cadence(
        "actions", "add", "--cadence", "sprint-review", "--owner", "\x1b[1mSam\x1b[0m\r\n", ESC_TITLE, db=seeded_db
    )
    assert result.returncode == 0, result.stderr
    new_id = int(result.stdout.strip())
    row = next(r for r in action_rows(seeded_db) if r[0] == new_id)
    assert (row[1], row[2]) == (ESC_CLEAN, "Sam")
    listing = cadence("actions", db=seeded_db)
    assert ESC_CLEAN in listing.stdout and "\x1b" not in listing.stdout and "\x07" not in listing.stdout


@pytest.mark.both_engines
def test_cli_keeps_emoji_combining_marks_and_rtl_text_exactly(seeded_db: Path) -> None:
    import json

    result = cadence("actions", "add", "--cadence", "finance-review", "--owner", "Zoë", UNICODE_TITLE, db=seeded_db)
    assert result.returncode == 0, result.stderr
    items = json.loads(cadence("actions", "--json", db=seeded_db).stdout)
    assert UNICODE_TITLE in [i["title"] for i in items]
    assert "Zoë" in [i["owner"] for i in items]
    assert UNICODE_TITLE in cadence("actions", "--owner", "Zoë", db=seeded_db).stdout


@pytest.mark.both_engines
def test_cli_stores_sql_looking_text_literally(seeded_db: Path) -> None:
    result = cadence("actions", "add", "--cadence", "all-hands", "--owner", "Robert'); --", SQL_TITLE, db=seeded_db)
    assert result.returncode == 0, result.stderr
    titles = [r[1] for r in action_rows(seeded_db)]
    assert titles == ["Existing item", SQL_TITLE]
    # The same text as a filter matches literally, nothing more.
    found = cadence("actions", "--search", "' OR 1=1 --", db=seeded_db)
    assert found.returncode == 0 and "Existing item" not in found.stdout
    found = cadence("actions", "--owner", "x' OR '1'='1", db=seeded_db)
    assert found.returncode == 0 and found.stdout.strip() == "No action items match."
    assert integrity(seeded_db) == "ok"


@pytest.mark.both_engines
@pytest.mark.parametrize(
    ("due", "phrases"),
    [
        ("2026-02-30", ["'2026-02-30' is not a real date"]),
        ("10", ["'10' is not a due date", "YYYY-MM-DD"]),
        ("next blursday", ["is not a due date", "next fri"]),
        ("9" * 30, ["is not a due date"]),
    ],
    ids=["impossible-date", "ambiguous-bare-number", "unknown-phrase", "overflowing-number"],
)
def test_cli_rejects_impossible_and_ambiguous_dates(seeded_db: Path, due: str, phrases: list[str]) -> None:
    before = action_rows(seeded_db)
    result = cadence("actions", "add", "--cadence", "sprint-review", "--due", due, "Some task", db=seeded_db)
    assert result.returncode != 0
    assert_error(result, *phrases, status=result.returncode)
    assert action_rows(seeded_db) == before


def test_cli_unknown_cadence_key_lists_the_known_ones(seeded_db: Path) -> None:
    before = action_rows(seeded_db)
    result = cadence("actions", "add", "--cadence", "standup'; --", "A task", db=seeded_db)
    assert_error(result, "unknown cadence", "standup'; --")
    assert action_rows(seeded_db) == before
    assert_error(cadence("actions", "--cadence", "nope", db=seeded_db), "unknown cadence 'nope'", "sprint-review")


def test_cli_unknown_and_malformed_ids(seeded_db: Path) -> None:
    before = action_rows(seeded_db)
    assert_error(cadence("actions", "done", "999999", db=seeded_db), "999999")
    negative = cadence("actions", "done", "-1", db=seeded_db)
    assert negative.returncode != 0 and "Traceback" not in negative.stderr and negative.stderr.strip()
    malformed = cadence("actions", "done", "1; DROP TABLE action_items", db=seeded_db)
    assert malformed.returncode == 2 and "is not a valid integer" in malformed.stderr
    assert action_rows(seeded_db) == before


def test_cli_db_is_a_directory(tmp_path: Path) -> None:
    assert_error(cadence("actions", db=tmp_path), "is a directory")
    assert list(tmp_path.iterdir()) == []  # nothing created inside it


def test_cli_db_is_not_sqlite_and_is_left_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my shopping list\n" * 100)
    digest = sha(notes)
    assert_error(cadence("actions", db=notes), "not a Cadence database", "left untouched")
    assert sha(notes) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("damage", ["trashed-schema-page", "truncated"])
def test_cli_db_is_corrupt_and_is_left_untouched(seeded_db: Path, damage: str) -> None:
    data = bytearray(seeded_db.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 3]
    else:
        data[100:4096] = os.urandom(3996)  # page 1 past the header: the schema's b-tree
    seeded_db.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(f"{seeded_db}{side}").unlink(missing_ok=True)
    digest = sha(seeded_db)
    result = cadence("actions", db=seeded_db)
    assert_error(result, "damaged", "restore it from your last backup")
    assert sha(seeded_db) == digest


@pytest.mark.both_engines
def test_cli_db_from_a_newer_schema_is_refused_untouched(seeded_db: Path | str) -> None:
    with raw_connect(seeded_db) as conn:
        if is_pg(seeded_db):
            conn.execute("UPDATE cadence_schema SET version = ?", (SCHEMA_VERSION + 1,))
        else:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    digest = fingerprint(seeded_db)
    for args in (("actions", "add", "--cadence", "sprint-review", "New"), ()):  # () opens the app
        assert_error(cadence(*args, db=seeded_db), "newer Cadence", "left untouched")
    assert fingerprint(seeded_db) == digest


@pytest.fixture
def other_apps_db(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path | str]:
    """A database of another application: a file, or a PostgreSQL database
    with no Cadence schema and someone else's table."""
    if engine == "sqlite":
        yield tmp_path / "firefox-cookies.sqlite"
        return
    from tests.postgres_server import drop_database, new_database

    admin = request.getfixturevalue("pg_admin")
    uri = new_database(admin, migrated=False)
    yield uri
    drop_database(admin, uri)


@pytest.mark.both_engines
def test_cli_db_of_another_application_is_refused_untouched(other_apps_db: Path | str) -> None:
    with raw_connect(other_apps_db) as conn:
        conn.execute("CREATE TABLE moz_cookies(id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO moz_cookies(id, name) VALUES (1, 'session')")
    digest = fingerprint(other_apps_db)
    for args in (("demo",), ()):  # demo would make a database; () opens the app
        assert_error(cadence(*args, db=other_apps_db), "another application")
    assert fingerprint(other_apps_db) == digest


def test_cli_read_only_db_file(seeded_db: Path, permissions_apply: None) -> None:
    seeded_db.chmod(0o444)
    try:
        digest = sha(seeded_db)
        result = cadence("actions", "add", "--cadence", "sprint-review", "New", db=seeded_db, **permission_limited())
        assert_error(result, "read-only")
        assert sha(seeded_db) == digest
    finally:
        seeded_db.chmod(0o644)


def test_cli_new_db_in_a_read_only_folder(tmp_path: Path, permissions_apply: None) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        # demo creates a database (a command that only reads refuses a missing one first)
        result = cadence("demo", db=folder / "cadence.db", **permission_limited())
        assert_error(result, "read-only", "cannot create the database")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_cli_db_locked_by_another_process_longer_than_the_busy_timeout(locked_db: Path) -> None:
    before = action_rows(locked_db)
    started = time.monotonic()
    result = cadence(
        "actions",
        "add",
        "--cadence",
        "sprint-review",
        "While locked",
        db=locked_db,
        env={"CADENCE_BUSY_TIMEOUT_MS": "300"},
    )
    assert_error(result, "busy", "nothing was changed", "try again")
    assert "database is locked" not in result.stderr
    assert time.monotonic() - started < 30
    assert action_rows(locked_db) == before


def _limit_file_size() -> None:
    # A full disk: any file grows past 64 KiB fails with EFBIG (not a signal).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_cli_full_disk_reports_clearly_and_writes_nothing_half(seeded_db: Path) -> None:
    before = action_rows(seeded_db)
    meetings_before = sqlite3.connect(seeded_db).execute("SELECT count(*) FROM meetings").fetchone()[0]
    result = cadence(
        "demo", "--meetings", "400", "--actions", "4000", "--append", db=seeded_db, preexec_fn=_limit_file_size
    )
    assert_error(result, "disk", "full")
    assert integrity(seeded_db) == "ok"
    conn = sqlite3.connect(seeded_db)
    try:
        # Whatever committed is whole: no action item of a missing meeting, no
        # meeting without its agenda.
        orphans = conn.execute(
            "SELECT count(*) FROM action_items a WHERE a.meeting_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.id = a.meeting_id)"
        ).fetchone()[0]
        assert orphans == 0
        assert conn.execute("SELECT count(*) FROM meetings").fetchone()[0] >= meetings_before
    finally:
        conn.close()
    assert action_rows(seeded_db)[: len(before)] == before
    # A small change after the failed bulk load still works (no limit now).
    ok = cadence("actions", "add", "--cadence", "sprint-review", "After the full disk", db=seeded_db)
    assert ok.returncode == 0, ok.stderr


def test_cli_full_disk_on_a_single_change(seeded_db: Path) -> None:
    before = action_rows(seeded_db)

    def tight_limit() -> None:
        # Room for the 32 KiB shared-memory index, not for the pages one new
        # row touches in the WAL (the row, its indexes, the search index).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40 * 1024, 40 * 1024))

    result = cadence("actions", "add", "--cadence", "sprint-review", "y" * 400, db=seeded_db, preexec_fn=tight_limit)
    assert_error(result, "disk", "full", "not saved")
    assert action_rows(seeded_db) == before
    assert integrity(seeded_db) == "ok"


def test_cli_no_clipboard_says_where_the_text_can_go(seeded_db: Path) -> None:
    store = open_store(seeded_db)
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(meeting.id, "Ship \x1b[31mit\x1b[0m @channel")
    store.meetings.end_meeting(meeting.id)
    store.close()
    result = cadence("summary", str(meeting.id), "--copy", db=seeded_db)
    assert_error(result, "could not copy", "--out")
    out = seeded_db.parent / "summary.md"
    saved = cadence("summary", str(meeting.id), "--out", str(out), db=seeded_db)
    assert saved.returncode == 0, saved.stderr
    assert "Ship it" in out.read_text() and "\x1b" not in out.read_text()


def test_cli_bad_clock_and_bad_config(seeded_db: Path, tmp_path: Path) -> None:
    assert_error(cadence("actions", db=seeded_db, env={"CADENCE_NOW": "yesterday-ish"}), "not an ISO 8601 time")
    bad = tmp_path / "config.toml"
    bad.write_text('me = "Lena"\nvariance_threshold = "lots"\n[[[broken\n')
    result = cadence(db=seeded_db, env={"CADENCE_CONFIG": str(bad)})  # opening the app
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "config" in result.stderr.lower() and str(bad) in result.stderr


def test_opening_the_app_on_a_bad_database_or_clock_says_why(tmp_path: Path, seeded_db: Path) -> None:
    """A bare `cadence --db X` skips click (launch.py): its refusals must read
    exactly like the commands' — one line, exit 1, the file untouched."""
    notes = tmp_path / "notes.txt"
    notes.write_text("my shopping list\n")
    newer = tmp_path / "newer.db"
    newer.write_bytes(seeded_db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    folder = tmp_path / "folder"
    folder.mkdir()
    for db, phrases in (
        (folder, ("is a directory",)),
        (notes, ("not a Cadence database", "left untouched")),
        (newer, ("newer Cadence", "left untouched")),
    ):
        digest = None if db.is_dir() else sha(db)
        assert_error(cadence(db=db), *phrases)
        assert_error(cadence(f"--db={db}"), *phrases)
        if digest:
            assert sha(db) == digest
    assert list(folder.iterdir()) == []
    assert_error(cadence(db=seeded_db, env={"CADENCE_NOW": "yesterday-ish"}), "not an ISO 8601 time")


def test_cli_backup_never_clobbers_without_force(seeded_db: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.db"
    precious.write_text("do not overwrite me")
    assert_error(cadence("backup", str(precious), db=seeded_db), "already exists", "--force")
    assert precious.read_text() == "do not overwrite me"
    assert_error(cadence("backup", str(tmp_path / "missing" / "b.db"), db=seeded_db), "does not exist")
    assert_error(cadence("backup", str(tmp_path), db=seeded_db), "is a directory")
    assert_error(cadence("backup", str(tmp_path / "x.db"), db=tmp_path / "nowhere.db"), "there is no database")
    assert not (tmp_path / "nowhere.db").exists() and not (tmp_path / "x.db").exists()
    # No stray temporary files were left beside the targets.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.both_engines
def test_cli_history_search_with_fts_syntax(seeded_db: Path | str) -> None:
    """SQLite's FTS5 MATCH and PostgreSQL's to_tsquery both have a syntax of
    their own: user text never reaches either as syntax (in-process: the
    same command, without an interpreter's start-up per search)."""
    from click.testing import CliRunner

    from cadence_tui.cli import cli

    runner = CliRunner()
    for text in ['"unbalanced', "NEAR(a b", "*", "title:x OR", "'; DROP TABLE meetings; --", "a & !b | c:*", "\\'"]:
        result = runner.invoke(cli, ["--db", str(seeded_db), "history", "--search", text])
        assert result.exit_code == 0 and result.exception is None, (text, result.output, result.exception)
    assert [r[1] for r in action_rows(seeded_db)] == ["Existing item"]


# == The app =====================================================================
async def open_form(pilot, key: str) -> None:
    await pilot.press(key)
    await pilot.pause()


def field_error(app, name: str) -> str:
    return str(app.screen.query_one(f"#error-{name}", Static).render())


def form_error(app) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def start_sprint_review(pilot) -> int:
    screen = await start_from_home(pilot, "sprint-review")
    return screen.meeting_id


BAD_TITLES = [("", "cannot be empty"), ("  \t ", "cannot be empty"), (BIG_LINE, "too long")]
BAD_DUES = ["2026-02-30", "10", "next blursday", "9" * 30, "31/12"]


async def test_app_action_form_refuses_bad_titles_and_dates_and_keeps_the_form(make_app, store) -> None:
    """Each bad value in turn, in one open form: the message under the field,
    the form still open with everything typed, nothing stored; then a fix saves."""
    from textual import events

    async with make_app().run_test(size=(100, 30)) as pilot:
        meeting_id = await start_sprint_review(pilot)
        await open_form(pilot, "a")
        form = pilot.app.screen
        title, owner, due = (form.query_one(f"#field-{n}", Input) for n in ("title", "owner", "due"))
        owner.value = "Lena"
        for bad, phrase in BAD_TITLES:
            title.value = ""
            title.focus()
            pilot.app.post_message(events.Paste(bad))  # as a terminal paste arrives
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert phrase in field_error(pilot.app, "title"), bad[:20]
            assert pilot.app.screen is form and owner.value == "Lena"
        title.value = "Book the venue"
        for bad in BAD_DUES:
            due.value = bad
            due.focus()
            await pilot.press("enter")
            await pilot.pause()
            message = field_error(pilot.app, "due")
            assert "YYYY-MM-DD" in message or "not a real date" in message, (bad, message)
            assert pilot.app.screen is form and title.value == "Book the venue"
        assert store.meetings.meeting_actions(meeting_id) == []
        due.value = "fri"
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is not form
        assert [(a.title, a.owner) for a in store.meetings.meeting_actions(meeting_id)] == [("Book the venue", "Lena")]


async def test_app_100kb_note_paste_is_refused_and_kept_in_the_editor(make_app, store) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        meeting_id = await start_sprint_review(pilot)
        await open_form(pilot, "o")
        await fill_form(pilot, BIG_TEXT, submit="ctrl+s")
        assert "too long" in field_error(pilot.app, "text")
        assert pilot.app.screen.query_one(TextArea).text == BIG_TEXT  # nothing lost
        assert store.meetings.notes(meeting_id) == []


ODD_TITLES = [
    (ESC_TITLE + "\x00\x08", ESC_CLEAN),  # escape sequences and control characters: stripped
    (UNICODE_TITLE, UNICODE_TITLE),  # emoji, combining marks, right-to-left: kept exactly
    (MARKUP_TITLE, MARKUP_TITLE),  # Textual markup: literal text, never a clickable action
    (SQL_TITLE, SQL_TITLE),  # SQL: literal text
]


@pytest.mark.both_engines
async def test_app_stores_odd_titles_safely_and_shows_them_literally(make_app, store) -> None:
    from cadence_tui.ui.widgets.meeting_log import MeetingLog

    async with make_app().run_test(size=(120, 30)) as pilot:
        meeting_id = await start_sprint_review(pilot)
        for title, _stored in ODD_TITLES:
            await open_form(pilot, "a")
            await fill_form(pilot, title, "Sam")
        stored = [s for _t, s in ODD_TITLES]
        assert [a.title for a in store.meetings.meeting_actions(meeting_id)] == stored
        assert pilot.app.is_running  # the [@click=app.quit] title did not quit
        log = pilot.app.screen.query_one(MeetingLog)
        shown = [str(log.get_row_at(r)[1]) for r in range(log.row_count)]
        # Shown as stored (the log may cut a long title short with "…").
        for expected in stored:
            assert any(cell and expected.startswith(cell.rstrip("…").rstrip()) for cell in shown), (expected, shown)
        assert not any("\x1b" in cell for cell in shown)
        assert store.scalar("SELECT count(*) FROM action_items") == len(stored)  # the table is still there


@pytest.mark.both_engines
def test_store_keeps_a_note_of_the_largest_size_in_any_script_exactly(store: Store) -> None:
    """A pasted note as long as a note may be, in many scripts (emoji,
    combining marks, right-to-left, CJK, tabs, blank lines) with NUL bytes and
    escape codes: what is kept is the text without the control characters,
    character for character, and every script is found by search."""
    from cadence_tui.store.meetings import NOTE_MAX

    words = "Café ñ 東京 שלום عالم Ελλάδα Привет 👩🏽‍💻 e\u0301 \ttab\n\n"
    note = (words * (NOTE_MAX // len(words)))[:NOTE_MAX].rstrip()
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_note(meeting.id, "\x1b[31m" + note.replace("\n\n", "\x00\n\n", 3) + "\x07")
    assert store.meetings.notes(meeting.id) == [note]
    store.meetings.end_meeting(meeting.id)
    for word in ("cafe", "東京", "שלום", "عالم", "ελλάδα", "привет"):
        hits = store.history.search_history(word)
        assert [h.meeting_id for h in hits] == [meeting.id], word


async def test_app_database_locked_longer_than_the_timeout_keeps_what_was_typed(
    tmp_path: Path, clock, monkeypatch
) -> None:
    from cadence_tui.ui.app import make_app

    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "200")
    db = tmp_path / "c.db"
    store = open_store(db, now=clock)
    try:
        async with make_app(store).run_test(size=(100, 30)) as pilot:
            meeting_id = await start_sprint_review(pilot)
            await open_form(pilot, "a")
            holder = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sqlite3,sys\n"
                    f"c=sqlite3.connect({str(db)!r}, isolation_level=None); c.execute('BEGIN EXCLUSIVE')\n"
                    "print('locked', flush=True); sys.stdin.read(); c.execute('ROLLBACK')",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                assert holder.stdout.readline().strip() == "locked"
                await fill_form(pilot, "Call the supplier", "Marco", "+3d")
                # The write waits in the write queue (the screen stays usable);
                # when the lock outlasts the timeout the same form opens again,
                # with what was typed and the error.
                from cadence_tui.ui.write_queue import write_queue

                assert await asyncio.to_thread(write_queue(pilot.app).wait_idle, 10)
                await pilot.pause()
                await pilot.pause()
                assert "busy" in form_error(pilot.app) and "try again" in form_error(pilot.app)
                assert pilot.app.screen.query_one("#field-title", Input).value == "Call the supplier"
            finally:
                holder.stdin.close()
                holder.wait(timeout=30)
            await pilot.press("enter")  # the lock is gone: the same form saves now
            await pilot.pause()
            assert [a.title for a in store.meetings.meeting_actions(meeting_id)] == ["Call the supplier"]
    finally:
        store.close()


async def test_app_disk_full_keeps_the_note_and_saves_nothing_half(make_app, store: Store) -> None:
    note = "Minutes line.\n" * 1000  # 14 kB: needs new pages
    async with make_app().run_test(size=(100, 30)) as pilot:
        meeting_id = await start_sprint_review(pilot)
        pages = store.scalar("PRAGMA page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        await open_form(pilot, "o")
        await fill_form(pilot, note, submit="ctrl+s")
        assert "disk is full" in form_error(pilot.app)
        assert pilot.app.screen.query_one(TextArea).text == note
        assert store.meetings.notes(meeting_id) == []
        store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.meetings.notes(meeting_id) == [note.rstrip("\n")] or store.meetings.notes(meeting_id) == [note]
    assert store.scalar("PRAGMA integrity_check") == "ok"


async def test_app_action_items_screen_hostile_prompts(make_app, store) -> None:
    """Reassign with a 100 kB paste and escape codes; a due date that does not exist."""
    from cadence_tui.ui.screens.actions import PromptModal

    item = store.actions.add_action("Prepare the budget", owner="Lena", cadence_key="finance-review")
    async with make_app().run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("e")  # change due date
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptModal)
        field = pilot.app.screen.query_one("#prompt-input", Input)
        field.value = "2026-13-45"
        await pilot.press("enter")
        await pilot.pause()
        assert "YYYY-MM-DD" in str(pilot.app.screen.query_one("#prompt-error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")  # reassign
        await pilot.pause()
        field = pilot.app.screen.query_one("#prompt-input", Input)
        field.value = ""
        from textual import events

        pilot.app.post_message(events.Paste(BIG_LINE))
        await pilot.pause()
        assert len(field.value) <= 80  # the field has a natural limit
        field.value = "\x1b[7mSam\x1b[0m"
        await pilot.press("enter")
        await pilot.pause()
        assert store.actions.get_action(item.id).owner == "Sam"
        assert store.actions.get_action(item.id).due is None  # the bad date changed nothing


async def test_app_summary_copy_without_any_clipboard(make_app, store, monkeypatch) -> None:
    import pyperclip

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(pyperclip, "copy", pyperclip.copy)  # restored after the test
    monkeypatch.setattr(pyperclip, "paste", pyperclip.paste)
    pyperclip.set_clipboard("no")
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(meeting.id, "Ship \x1b]52;c;ZXZpbA==\x07it @channel")
    store.meetings.end_meeting(meeting.id)
    async with make_app().run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        pilot.app.show_summary(meeting.id)
        await settle(pilot)  # the summary is read and rendered in a worker
        await pilot.press("c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        notes = " ".join(await shown_notes(pilot))
        assert "OSC 52" in notes or "save it to a file" in notes
        assert "\x1b" not in pilot.app.clipboard and "Ship it" in pilot.app.clipboard


def test_cli_crafted_import_with_a_sub_daily_rule_does_not_hang(tmp_path: Path) -> None:
    """An edited export with FREQ=SECONDLY once made every "next meeting" a
    walk over millions of occurrences: `schedule` and the home screen hung."""
    import json

    source, target = tmp_path / "a.db", tmp_path / "b.db"
    open_store(source).close()
    dump = tmp_path / "export.json"
    assert cadence("export", "json", "--out", str(dump), db=source).returncode == 0
    data = json.loads(dump.read_text())
    table = data["tables"]["cadences"]
    table["rows"][0][table["columns"].index("rrule")] = "FREQ=SECONDLY"
    dump.write_text(json.dumps(data))
    imported = cadence("import", "json", str(dump), db=target)
    assert imported.returncode in (0, 1) and "Traceback" not in imported.stderr
    started = time.monotonic()
    result = cadence("schedule", "--days", "30", db=target, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


async def test_app_cadence_editor_refuses_hostile_rules_zones_and_names(make_app, store) -> None:
    from textual.widgets import Select

    from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen

    before = store.cadences.get_cadence("sprint-review")
    async with make_app().run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, CadenceEditorScreen)
        screen.query_one("#rule-kind", Select).value = "custom"
        await pilot.pause()

        async def enter(selector: str, value: str) -> None:
            field = screen.query_one(selector, Input)
            field.focus()
            field.value = value
            await pilot.press("enter")
            await pilot.pause()

        def error(name: str) -> str:
            return str(screen.query_one(f"#error-{name}", Static).render())

        await enter("#rule-raw", "FREQ=SECONDLY")
        assert "at most daily" in error("rule")
        await enter("#rule-raw", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
        assert "never produces a date" in error("rule")
        await enter("#field-tz", "/etc/passwd")
        assert "unknown time zone" in error("tz")
        await enter("#field-tz", "../../../etc/localtime")
        assert "unknown time zone" in error("tz")
        await enter("#field-name", "   ")
        assert error("name")  # a clear message; the name is required
        after = store.cadences.get_cadence("sprint-review")
        assert (after.name, after.rule, after.tz) == (before.name, before.rule, before.tz)
        await enter("#field-name", "\x1b[31mDemo\x1b[0m [b]Day[/b] 🚀")
        assert store.cadences.get_cadence("sprint-review").name == "Demo [b]Day[/b] 🚀"


def test_cli_output_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    """`cadence actions | head -1`: no "Broken pipe" error, no traceback."""
    from cadence_tui.store.demo import DemoSize

    db = tmp_path / "big.db"
    store = open_store(db)
    store.demo.generate_demo(DemoSize(meetings=60, actions=3000, months=6))
    store.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_tui", "--db", str(db), "actions", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip()
    proc.stdout.close()  # the reader goes away, as `head -1` does
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert err == "", err


async def test_app_survives_a_tiny_terminal(make_app, store) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for size in [(20, 6), (8, 3), (1, 1), (100, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await start_sprint_review(pilot)
        for size in [(24, 6), (2, 2), (100, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await open_form(pilot, "a")
        await pilot.resize_terminal(16, 5)
        await pilot.pause()
        await fill_form(pilot, "Small screen task")
        assert pilot.app.is_running
    assert [a.title for a in store.actions.list_actions()] == ["Small screen task"]
