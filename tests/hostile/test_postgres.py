"""Hostile conditions only a PostgreSQL database has: a role that may only
read, a wrong password, a server that goes away while Cadence runs, text
with NUL bytes (which PostgreSQL cannot store). The cases both engines share
(user text, dates, titles, ids, a newer schema, another application's
database) are in test_basics.py, marked ``both_engines``.

Each checks what the rest of the suite checks: one clear line (or, in the
app, a message) never a traceback, a non-zero exit status for a command, the
password never shown, and the database unchanged.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import psycopg
import pytest

from cadence_tui.store import open_store
from tests.hostile.helpers import action_rows, assert_error, cadence, fingerprint
from tests.hostile.pg_proxy import ServerProxy
from tests.notes import shown_notes


@pytest.fixture
def pg_db(pg_admin: str) -> str:
    """This test's database (emptied, migrated) holding one action item."""
    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    store = open_store(uri)
    store.actions.add_action("Existing item", owner="Lena", cadence_key="sprint-review")
    store.close()
    return uri


def _role_name(kind: str) -> str:
    return f"{kind}_{os.getpid()}_{threading.get_ident() % 10000}"


@pytest.fixture
def read_only_url(pg_db: str, pg_admin: str) -> Iterator[str]:
    """``pg_db`` through a role that may read every table and change none."""
    role = _role_name("ro")
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    yield pg_db.replace("postgres:@", f"{role}:hunter2@", 1)
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()",
            (role,),
        )
        conn.execute(f"DROP OWNED BY {role}")
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")


# == A role that may only read ===================================================
async def test_app_read_only_role_on_the_action_items_screen_says_read_only(read_only_url: str, clock) -> None:
    """Done, reassign and "who am I" are writes: each is refused with the
    app's "Read-only" message (as a write anywhere else in the app is), the
    list stays usable, nothing changes."""
    from textual.widgets import Input

    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.actions import ActionItemsScreen

    before = fingerprint(read_only_url)
    store = open_store(read_only_url, now=clock)
    try:
        app = make_app(store)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.press("a")
            assert isinstance(app.screen, ActionItemsScreen)
            screen = app.screen
            for keys in (("d",), ("r", "ctrl+u", *"Sam", "enter"), ("M", "ctrl+u", *"Priya", "enter")):
                app.clear_notifications()
                await pilot.press(*keys)
                assert app.screen is screen, keys
                notes = await shown_notes(pilot)
                assert len(notes) == 1, (keys, notes)
                title, _, message = notes[0].partition("\n")
                assert title == "Read-only", (keys, notes)
                assert "read-only access" in message and "nothing was changed" in message, (keys, notes)
                assert "Not saved" not in notes[0] and "hunter2" not in notes[0], notes
            assert screen.query_one("#actions-search-input", Input) is not None
            assert app.is_running
    finally:
        store.close()
    assert fingerprint(read_only_url) == before


# == A wrong password, a database that is not there ==============================
PASSWORD_ROLE = "cadence_pw"


@pytest.fixture(scope="session")
def password_role(pg_admin: str) -> str:
    """A role that must give its password ("right-horse") over the socket: a
    line for it alone at the top of the server's pg_hba.conf (the test
    server trusts everyone else). Made once for the run's server, under a
    lock (xdist workers share the server); it goes with the server."""
    import fasteners

    from tests.postgres_server import run_dir

    lock = fasteners.InterProcessLock(str(run_dir() / "pgpassword.lock"))
    with lock, psycopg.connect(pg_admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PASSWORD_ROLE,)).fetchone():
            conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'right-horse'")
        hba = conn.execute("SHOW hba_file").fetchone()[0]
        line = f"local all {PASSWORD_ROLE} scram-sha-256\n"
        with open(hba) as f:
            rules = f.read()
        if line not in rules:
            with open(hba, "w") as f:
                f.write(line + rules)
            assert conn.execute("SELECT pg_reload_conf()").fetchone()[0]
    return PASSWORD_ROLE


def test_a_wrong_password_is_one_line_without_the_password(pg_db: str, password_role: str) -> None:
    wrong = pg_db.replace("postgres:@", f"{password_role}:Tr0ub4dor&3@", 1)
    for args in (("actions", "add", "--cadence", "sprint-review", "Lost?"), ()):  # () opens the app
        result = cadence(*args, db=wrong)
        assert_error(result, "cannot connect to the database", "password authentication failed")
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "Tr0ub4dor" not in result.stderr + result.stdout


def test_a_database_that_does_not_exist_is_one_line(pg_db: str) -> None:
    missing = pg_db.rsplit("/", 1)[0] + "/no_such_db?" + pg_db.partition("?")[2]
    for args in (("actions",), ()):
        result = cadence(*args, db=missing)
        assert_error(result, "cannot connect to the database", "no_such_db")
        assert len(result.stderr.splitlines()) == 1, result.stderr


# == The server goes away =========================================================
@pytest.fixture
def proxy(pg_admin: str) -> Iterator[ServerProxy]:
    relay = ServerProxy(pg_admin)
    yield relay
    relay.close()


def test_cli_on_a_server_that_is_gone(pg_db: str, proxy: ServerProxy) -> None:
    url = proxy.url(pg_db)
    assert cadence("actions", db=url).returncode == 0  # through the relay: it works
    proxy.stop()
    for args in (("actions", "add", "--cadence", "sprint-review", "Lost?"), ()):  # () opens the app
        result = cadence(*args, db=url, timeout=30)
        assert_error(result, "cannot connect to the database", "is the server running")
        assert len(result.stderr.splitlines()) == 1, result.stderr


async def test_app_server_gone_mid_session_exits_with_one_line(
    pg_db: str, proxy: ServerProxy, clock, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server stops while the app runs: the next read or write ends the
    app with one line naming the database (status 1), no traceback; what was
    committed before is still there."""
    from cadence_tui.ui.app import make_app
    from tests.functional.meeting_pilot import start_from_home

    store = open_store(proxy.url(pg_db), now=clock)
    try:
        app = make_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await start_from_home(pilot, "sprint-review")
            proxy.stop()
            await pilot.press("escape")  # back home: the list is read again
            for _ in range(50):
                if not app.is_running:
                    break
                await pilot.pause(0.05)
            assert not app.is_running
        assert app.return_code == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err
        # One message (Rich folds it at the console's width, 80 columns here).
        message = " ".join(err.split())
        assert message.startswith("cadence: error: lost the connection to the database postgresql://"), err
        assert message.count("cadence: error:") == 1 and "could not reconnect" in message, err
        # Going home only read: no change was being made, so none is said lost.
        assert "not saved" not in message, err
    finally:
        store.close()
    assert [r[1] for r in action_rows(pg_db)] == ["Existing item"]


# == NUL bytes: PostgreSQL text cannot hold them ==================================
def test_nul_bytes_never_reach_postgresql_as_an_error(pg_db: str, clock) -> None:
    """The store strips control characters from what users type; a NUL that
    arrives another way (a setting, a lookup, a filter) is dropped too rather
    than failing with "text fields cannot contain NUL"."""
    from cadence_tui.store.actions import ActionFilter

    store = open_store(pg_db, now=clock)
    try:
        item = store.actions.add_action("Call\x00 the bank", owner="Sa\x00m", cadence_key="sprint-review")
        assert (item.title, item.owner) == ("Call the bank", "Sam")
        store.set_setting("actions.me", "Le\x00na")
        assert store.get_setting("actions.me") == "Lena"
        assert [a.title for a in store.actions.list_actions(ActionFilter(owner="Sa\x00m"))] == ["Call the bank"]
        assert store.actions.list_actions(ActionFilter(search="ban\x00", cadence_key="sprint-review\x00"))
        meeting = store.meetings.start_meeting("sprint-review")
        store.meetings.add_note(meeting.id, "Line one\x00\nline two")
        assert store.meetings.notes(meeting.id) == ["Line one\nline two"]
    finally:
        store.close()
