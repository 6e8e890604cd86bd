"""Meetings: start, resume, the agenda clock, and the records captured in them."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from cadence_tui.model import AgendaItem, Blocker, Meeting
from cadence_tui.store.base import StoreBase, from_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound
from cadence_tui.textsafe import strip_control

NOTE_MAX = 20_000

MEETING_SELECT = (
    "SELECT m.*, c.key AS cadence_key, c.name AS cadence_name FROM meetings m JOIN cadences c ON c.id = m.cadence_id"
)
BLOCKER_SELECT = (
    "SELECT b.*, c.key AS cadence_key FROM blockers b JOIN cadences c ON c.id = b.cadence_id"
)


def meeting_from_row(row: sqlite3.Row) -> Meeting:
    return Meeting(
        id=row["id"],
        cadence_id=row["cadence_id"],
        cadence_key=row["cadence_key"],
        cadence_name=row["cadence_name"],
        scheduled_for=from_ts(row["scheduled_for"]),
        started_at=from_ts(row["started_at"]),
        ended_at=from_ts(row["ended_at"]),
        status=row["status"],
        timebox_min=row["timebox_min"],
        paused_at=from_ts(row["paused_at"]),
        paused_seconds=row["paused_seconds"],
        reforecast=row["reforecast"],
        variance_threshold=row["variance_threshold"],
    )


def agenda_item_from_row(row: sqlite3.Row) -> AgendaItem:
    return AgendaItem(
        id=row["id"],
        meeting_id=row["meeting_id"],
        position=row["position"],
        title=row["title"],
        timebox_min=row["timebox_min"],
        state=row["state"],
        elapsed_seconds=row["elapsed_seconds"],
        started_at=from_ts(row["started_at"]),
    )


def blocker_from_row(row: sqlite3.Row) -> Blocker:
    return Blocker(
        id=row["id"],
        what=row["what"],
        raised_by=row["raised_by"],
        unblocker=row["unblocker"],
        status=row["status"],
        cadence_key=row["cadence_key"],
        meeting_id=row["meeting_id"],
        created_at=from_ts(row["created_at"]),
        resolved_at=from_ts(row["resolved_at"]),
    )


def clean_text(text: str, what: str, max_length: int = NOTE_MAX) -> str:
    cleaned = strip_control(text, multiline=True).strip()
    if not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    if len(cleaned) > max_length:
        raise InvalidInput(f"the {what} is too long ({len(cleaned):,} characters; at most {max_length:,})")
    return cleaned


class MeetingStore(StoreBase):
    def get_meeting(self, meeting_id: int) -> Meeting:
        row = self.query_one(f"{MEETING_SELECT} WHERE m.id = ?", (meeting_id,))
        if row is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        return meeting_from_row(row)

    def running_meeting(self, cadence_key: str) -> Meeting | None:
        row = self.query_one(
            f"{MEETING_SELECT} WHERE c.key = ? AND m.status != 'ended' ORDER BY m.started_at DESC LIMIT 1",
            (cadence_key,),
        )
        return meeting_from_row(row) if row else None

    def last_meeting(self, cadence_key: str) -> Meeting | None:
        """The most recent ended meeting of a cadence."""
        row = self.query_one(
            f"{MEETING_SELECT} WHERE m.cadence_id = (SELECT id FROM cadences WHERE key = ?)"
            " AND m.status = 'ended' ORDER BY m.started_at DESC LIMIT 1",
            (cadence_key,),
        )
        return meeting_from_row(row) if row else None

    def start_meeting(self, cadence_key: str, *, scheduled_for: datetime | None = None) -> Meeting:
        """Start the next meeting of a cadence, or return the one still running.

        The agenda template is copied, attendance is taken from the
        participants (all present), and the first agenda item's clock starts.
        """
        running = self.running_meeting(cadence_key)
        if running is not None:
            return running
        cadence = self.get_cadence(cadence_key)  # type: ignore[attr-defined]
        template = self.agenda_template(cadence.id)  # type: ignore[attr-defined]
        now = to_ts(self.now())
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO meetings(cadence_id, scheduled_for, started_at, status, timebox_min, variance_threshold)"
                " VALUES (?,?,?,?,?,?)",
                (cadence.id, to_ts(scheduled_for) if scheduled_for else None, now, "running",
                 cadence.timebox_min, cadence.variance_threshold),
            )
            meeting_id = cur.lastrowid
            conn.executemany(
                "INSERT INTO agenda_items(meeting_id, position, title, timebox_min, state, started_at)"
                " VALUES (?,?,?,?,?,?)",
                [
                    (meeting_id, i, item.title, item.timebox_min, "current" if i == 0 else "pending",
                     now if i == 0 else None)
                    for i, item in enumerate(template)
                ],
            )
            conn.executemany(
                "INSERT INTO attendance(meeting_id, person, role, present, guest) VALUES (?,?,?,1,0)",
                [(meeting_id, p.name, p.role) for p in cadence.participants],
            )
        return self.get_meeting(meeting_id)

    def agenda(self, meeting_id: int) -> list[AgendaItem]:
        rows = self.query(
            "SELECT * FROM agenda_items WHERE meeting_id = ? ORDER BY position, id", (meeting_id,)
        )
        return [agenda_item_from_row(r) for r in rows]

    def end_meeting(self, meeting_id: int) -> Meeting:
        """Stop every clock and store the end time."""
        meeting = self.get_meeting(meeting_id)
        if meeting.status == "ended":
            return meeting
        now = self.now()
        with self.write() as conn:
            self._stop_current_item(conn, meeting_id, now)
            paused = meeting.paused_seconds
            if meeting.paused_at is not None:
                paused += (now - meeting.paused_at).total_seconds()
            conn.execute(
                "UPDATE meetings SET status = 'ended', ended_at = ?, paused_at = NULL, paused_seconds = ?"
                " WHERE id = ?",
                (to_ts(now), paused, meeting_id),
            )
        return self.get_meeting(meeting_id)

    def _stop_current_item(self, conn: sqlite3.Connection, meeting_id: int, now: datetime) -> None:
        """Fold the running stint of the current item into its elapsed time."""
        row = conn.execute(
            "SELECT id, started_at, elapsed_seconds FROM agenda_items"
            " WHERE meeting_id = ? AND state = 'current' AND started_at IS NOT NULL",
            (meeting_id,),
        ).fetchone()
        if row:
            stint = max(0.0, (now - datetime.fromisoformat(row[1])).total_seconds())
            conn.execute(
                "UPDATE agenda_items SET elapsed_seconds = ?, started_at = NULL WHERE id = ?",
                (row[2] + stint, row[0]),
            )

    # -- records ------------------------------------------------------------
    def add_blocker(
        self,
        what: str,
        *,
        raised_by: str = "",
        unblocker: str = "",
        cadence_key: str | None = None,
        meeting_id: int | None = None,
    ) -> Blocker:
        from cadence_tui.store.actions import clean_name, clean_title

        what = clean_title(what, "blocker")
        raised_by = clean_name(raised_by, "'raised by' name")
        unblocker = clean_name(unblocker, "'who can unblock' name")
        if meeting_id is not None:
            cadence_id = self.scalar("SELECT cadence_id FROM meetings WHERE id = ?", (meeting_id,))
            if cadence_id is None:
                raise NotFound(f"no meeting with id {meeting_id}")
        elif cadence_key is not None:
            cadence_id = self.get_cadence(cadence_key).id  # type: ignore[attr-defined]
        else:
            raise InvalidInput("a blocker belongs to a meeting or a cadence")
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO blockers(cadence_id, meeting_id, what, raised_by, unblocker, created_at)"
                " VALUES (?,?,?,?,?,?)",
                (cadence_id, meeting_id, what, raised_by, unblocker, to_ts(self.now())),
            )
        return self.get_blocker(cur.lastrowid)

    def get_blocker(self, blocker_id: int) -> Blocker:
        row = self.query_one(f"{BLOCKER_SELECT} WHERE b.id = ?", (blocker_id,))
        if row is None:
            raise NotFound(f"no blocker with id {blocker_id}")
        return blocker_from_row(row)

    def set_blocker_status(self, blocker_id: int, status: str, *, meeting_id: int | None = None) -> Blocker:
        if status not in ("open", "resolved"):
            raise InvalidInput(f"unknown blocker status {status!r}")
        self.get_blocker(blocker_id)
        resolved = to_ts(self.now()) if status == "resolved" else None
        with self.write() as conn:
            conn.execute(
                "UPDATE blockers SET status = ?, resolved_at = ?, resolved_in_meeting_id = ? WHERE id = ?",
                (status, resolved, meeting_id if resolved else None, blocker_id),
            )
        return self.get_blocker(blocker_id)

    def add_decision(self, meeting_id: int, text: str) -> int:
        text = clean_text(text, "decision", 2000)
        self.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO decisions(meeting_id, text, created_at) VALUES (?,?,?)",
                (meeting_id, text, to_ts(self.now())),
            )
        return int(cur.lastrowid)

    def add_note(self, meeting_id: int, text: str) -> int:
        text = clean_text(text, "note")
        self.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO notes(meeting_id, text, created_at) VALUES (?,?,?)",
                (meeting_id, text, to_ts(self.now())),
            )
        return int(cur.lastrowid)

    def decisions(self, meeting_id: int) -> list[str]:
        return [r[0] for r in self.query("SELECT text FROM decisions WHERE meeting_id = ? ORDER BY id", (meeting_id,))]

    def notes(self, meeting_id: int) -> list[str]:
        return [r[0] for r in self.query("SELECT text FROM notes WHERE meeting_id = ? ORDER BY id", (meeting_id,))]
