"""A second connection opened in the same process (the app's write queue opens
one for its writes) must not drop the POSIX locks of the first: checking the
file's header by opening and closing it did, and then another process
closing its connection checkpointed and reset the WAL under them; the queue's
later commits were lost (seen: the kill -9 meeting test's ``n`` never
reached the file)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from cadence_tui.store import Store, open_store

READ = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " print(c.execute('SELECT count(*) FROM decisions').fetchone()[0]); c.close()"
)


def other_process_count(db: Path) -> int:
    out = subprocess.run([sys.executable, "-c", READ, str(db)], capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_commits_of_a_second_connection_survive_another_process_reading(tmp_path: Path, clock) -> None:
    db = tmp_path / "two.db"
    app = open_store(db, now=clock)
    try:
        meeting = app.meetings.start_meeting("sprint-review")
        for n in range(3):
            queue = Store(db, now=clock)  # as the write queue opens its own, per batch of writes
            try:
                queue.meetings.capture_decision(meeting.id, f"decision {n}")
            finally:
                queue.close()
            assert other_process_count(db) == n + 1  # another process sees it (and closes)
        queue = Store(db, now=clock)
        try:
            queue.meetings.capture_decision(meeting.id, "the last one")
            assert other_process_count(db) == 4
        finally:
            queue.close()
        assert other_process_count(db) == 4
        assert [d.text for d in app.meetings.meeting_decisions(meeting.id)][-1] == "the last one"
    finally:
        app.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 4
    conn.close()
