"""kill -9 in the middle of a meeting: every captured record is there and
the clocks are right when the app is opened again.

The real app runs as ``python -m cadence_tui`` in a pseudo-terminal and is
driven with keystrokes; the database is polled to know when each key has
been handled (each capture is committed at once), then the process gets
SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cadence_tui.core.meeting_clock import clock_state
from cadence_tui.core.timefmt import clock as fmt_clock
from cadence_tui.store import open_store
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_log import MeetingLog

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class PtyApp:
    """The app in a pseudo-terminal of 100x30; output is drained in a thread."""

    def __init__(self, db: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cadence_tui", "--db", str(db)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def type_into_form(self, key: str, title: bytes, *fields: str) -> None:
        """Open a form with ``key``, wait for it, type each field (Tab
        between them, a pause after each: a burst of text with tabs in it
        reads as one paste), then Enter."""
        seen = self.output.count(title)
        self.send(key)
        wait_for(lambda: self.output.count(title) > seen, f"the form {title!r}")
        for n, value in enumerate(fields):
            if n:
                self.send("\t")
                time.sleep(0.2)
            self.send(value)
            time.sleep(0.2)
        self.send("\r")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        os.close(self.master)


def wait_for(check: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except sqlite3.Error:
            result = None
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def db_value(db: Path, sql: str, args: tuple = ()):
    conn = sqlite3.connect(db, timeout=5)
    try:
        row = conn.execute(sql, args).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


@pytest.mark.real_clock
async def test_kill_9_mid_meeting_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    app = PtyApp(db)
    try:
        wait_for(lambda: b"Sprint Review" in app.output, "the home screen")
        app.send("s")
        meeting_id = wait_for(lambda: db_value(db, "SELECT id FROM meetings WHERE status = 'running'"), "a meeting")
        wait_for(lambda: b"Item 1/4" in app.output, "the meeting screen")
        # One field per form: under a loaded machine a Tab typed right after
        # text was seen to land in the same field (the Pilot tests cover Tab).
        app.type_into_form("a", b"New action item", "Crash-proof task")
        wait_for(
            lambda: db_value(db, "SELECT count(*) FROM action_items WHERE meeting_id = ?", (meeting_id,)),
            "the action item",
        )
        app.type_into_form("d", b"New decision", "Keep the timebox")
        wait_for(
            lambda: db_value(db, "SELECT count(*) FROM decisions WHERE meeting_id = ?", (meeting_id,)), "the decision"
        )
        time.sleep(1.2)  # the first item has run for a while
        app.send("n")
        wait_for(
            lambda: (
                db_value(
                    db, "SELECT position FROM agenda_items WHERE meeting_id = ? AND state = 'current'", (meeting_id,)
                )
                == 1
            ),
            "the second agenda item",
        )
        time.sleep(1.5)
    finally:
        app.kill()
    killed_at = datetime.now(UTC)
    assert app.proc.returncode == -signal.SIGKILL

    store = open_store(db)
    try:
        meeting = store.meetings.get_meeting(meeting_id)
        assert meeting.status == "running" and meeting.ended_at is None
        assert [a.title for a in store.meetings.meeting_actions(meeting_id)] == ["Crash-proof task"]
        assert [d.text for d in store.meetings.meeting_decisions(meeting_id)] == ["Keep the timebox"]
        agenda = store.meetings.agenda(meeting_id)
        first, second = agenda[0], agenda[1]
        assert (first.state, second.state) == ("done", "current")
        # Timestamps are stored to the second: allow that much either way.
        assert abs(first.elapsed_seconds - (second.started_at - meeting.started_at).total_seconds()) <= 1
        assert first.elapsed_seconds >= 1
        now = store.now()
        state = clock_state(meeting, agenda, now)
        assert abs(state.meeting_elapsed - (now - meeting.started_at).total_seconds()) < 0.01
        assert abs(state.item_elapsed - (now - second.started_at).total_seconds()) < 0.01
        assert (killed_at - second.started_at).total_seconds() >= 1
    finally:
        store.close()

    # Reopen in the app a minute later (pinned clock): the same meeting, right times.
    later = killed_at + timedelta(minutes=1)
    reopened = open_store(db, now=lambda: later)
    from cadence_tui.ui.app import make_app

    tui = make_app(reopened)
    async with tui.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        screen = tui.screen
        assert getattr(screen, "meeting_id", None) == meeting_id
        assert reopened.scalar("SELECT count(*) FROM meetings") == 1
        expected = clock_state(reopened.meetings.get_meeting(meeting_id), reopened.meetings.agenda(meeting_id), later)
        bar = str(screen.query_one(ClockBar).render())
        assert f"Meeting {fmt_clock(expected.meeting_elapsed)} / 30:00" in bar
        assert f"Item 2/4 {fmt_clock(expected.item_elapsed)} / 15:00" in bar
        assert expected.meeting_elapsed >= 60
        log = screen.query_one(MeetingLog)
        assert [str(log.get_row_at(r)[1]) for r in range(log.row_count)] == ["Crash-proof task", "Keep the timebox"]
    reopened.close()
