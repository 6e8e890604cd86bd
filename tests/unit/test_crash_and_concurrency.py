"""Nothing lost when two processes write at once, or when one is killed.

``test_concurrency.py`` has two store processes adding rows side by side.
These add what a team actually does: a facilitator's app writing while a
member runs the real ``cadence actions done`` on the same rows, and a writer
killed with SIGKILL in the middle of a burst (and of a bulk load).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from cadence_tui.store import open_store

CLI = [sys.executable, "-m", "cadence_tui"]


def integrity(db_path: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_app_and_member_cli_write_the_same_rows_without_loss(db_path: Path) -> None:
    store = open_store(db_path)
    member_ids = [
        store.actions.add_action(f"member item {i}", owner="Sam", cadence_key="sprint-review").id for i in range(6)
    ]
    results: list[tuple[int, int, str]] = []

    def member() -> None:
        # A team member closing their items from another terminal, one command each.
        for action_id in member_ids:
            proc = subprocess.run(
                [*CLI, "--db", str(db_path), "actions", "done", str(action_id)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            results.append((action_id, proc.returncode, proc.stdout + proc.stderr))

    thread = threading.Thread(target=member)
    thread.start()
    # Meanwhile the facilitator's app captures items and reassigns the very rows
    # the member is closing (different columns: both changes must survive).
    app_titles: list[str] = []
    last_owner: dict[int, str] = {}
    i = 0
    deadline = time.monotonic() + 60
    try:
        while thread.is_alive() and time.monotonic() < deadline:
            title = f"app item {i}"
            store.actions.add_action(title, owner="Lena", cadence_key="finance-review")
            app_titles.append(title)
            target = member_ids[i % len(member_ids)]
            store.actions.reassign_action(target, f"owner {i}")
            last_owner[target] = f"owner {i}"
            i += 1
            time.sleep(0.003)
    finally:
        thread.join()

    assert len(results) == len(member_ids)
    for action_id, code, output in results:
        assert code == 0, output
        assert "locked" not in output.lower() and "busy" not in output.lower(), output
        assert f"#{action_id}" in output and "done" in output
    assert len(app_titles) > 10, "the app barely wrote: the test proved nothing"
    for action_id in member_ids:
        item = store.actions.get_action(action_id)
        assert item.status == "done"
        assert item.owner == last_owner.get(action_id, "Sam")
    stored = {r[0] for r in store.query("SELECT title FROM action_items WHERE title LIKE 'app item %'")}
    assert stored == set(app_titles)
    store.close()
    assert integrity(db_path) == "ok"


BURST_WRITER = textwrap.dedent(
    """
    import sys
    from cadence_tui.store import open_store
    store = open_store(sys.argv[1])
    tag = sys.argv[2]
    print("ready", flush=True)
    i = 0
    while True:
        item = store.actions.add_action(f"{tag} {i}", owner="Kim", cadence_key="all-hands")
        if i % 7 == 0:
            store.actions.set_action_status(item.id, "done")
        # Printed only after the commit returned: "reported done".
        print(item.id, i, flush=True)
        i += 1
    """
)


@pytest.mark.parametrize("kill_after", [40, 250])
def test_sigkill_mid_burst_keeps_every_reported_write(db_path: Path, kill_after: int) -> None:
    open_store(db_path).close()
    tag = f"burst{kill_after}"
    proc = subprocess.Popen(
        [sys.executable, "-c", BURST_WRITER, str(db_path), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported: dict[int, int] = {}
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        while len(reported) < kill_after:
            line = proc.stdout.readline()
            assert line, f"the writer died early: {proc.stderr.read() if proc.stderr else ''}"
            action_id, i = map(int, line.split())
            reported[action_id] = i
        os.kill(proc.pid, signal.SIGKILL)  # mid-burst: it is writing as fast as it can
        proc.wait(timeout=30)
        rest = proc.stdout.read()  # through the same buffer readline() used
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for line in rest.splitlines():  # reported before the kill, still in the pipe
        if line.strip():
            action_id, i = map(int, line.split())
            reported[action_id] = i
    assert proc.returncode == -signal.SIGKILL

    assert integrity(db_path) == "ok"
    store = open_store(db_path)  # opens normally: WAL recovery is SQLite's job
    try:
        rows = {
            r["id"]: (r["title"], r["status"])
            for r in store.query("SELECT id, title, status FROM action_items WHERE title LIKE ?", (f"{tag} %",))
        }
        for action_id, i in reported.items():
            assert rows.get(action_id, (None,))[0] == f"{tag} {i}", f"reported write #{action_id} was lost"
            if i % 7 == 0:
                assert rows[action_id][1] == "done"
        # At most the one write in flight at the kill is there without being reported.
        assert len(rows) - len(reported) <= 1
        store.actions.add_action("after the crash", cadence_key="all-hands")  # and it is writable
    finally:
        store.close()


def test_sigkill_during_a_bulk_load_leaves_a_sound_database(db_path: Path) -> None:
    open_store(db_path).close()
    proc = subprocess.Popen(
        [*CLI, "--db", str(db_path), "demo", "--meetings", "3000", "--actions", "30000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)
    proc.kill()
    proc.wait(timeout=30)
    assert integrity(db_path) == "ok"
    store = open_store(db_path)
    try:
        # Whatever was committed hangs together: no action item of a missing meeting.
        orphans = store.scalar(
            "SELECT count(*) FROM action_items a WHERE a.meeting_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.id = a.meeting_id)"
        )
        assert orphans == 0
        assert len(store.cadences.overview()) == 4
    finally:
        store.close()
