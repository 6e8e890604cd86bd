"""Meetings: start, resume, the agenda clock, and the records captured in them."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime

from cadence_tui.core.meeting import ActionItem, AgendaItem, Attendee, Blocker, CarriedItem, Entry, Meeting
from cadence_tui.core.textsafe import strip_control
from cadence_tui.store.base import StorePart, from_date, from_ts, inserted_id, required_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound

NOTE_MAX = 20_000
TIMEBOX_MAX_MIN = 480
CARRY_OVER_LIMIT = 300
ACTION_OUTCOMES = ("done", "open", "dropped", "redated")
BLOCKER_OUTCOMES = ("resolved", "open")

MEETING_SELECT = (
    "SELECT m.*, c.key AS cadence_key, c.name AS cadence_name, c.kind AS cadence_kind"
    " FROM meetings m JOIN cadences c ON c.id = m.cadence_id"
)
BLOCKER_SELECT = "SELECT b.*, c.key AS cadence_key FROM blockers b JOIN cadences c ON c.id = b.cadence_id"


def meeting_from_row(row: sqlite3.Row) -> Meeting:
    return Meeting(
        id=row["id"],
        cadence_id=row["cadence_id"],
        cadence_key=row["cadence_key"],
        cadence_name=row["cadence_name"],
        scheduled_for=from_ts(row["scheduled_for"]),
        started_at=required_ts(row["started_at"]),
        ended_at=from_ts(row["ended_at"]),
        status=row["status"],
        timebox_min=row["timebox_min"],
        paused_at=from_ts(row["paused_at"]),
        paused_seconds=row["paused_seconds"],
        reforecast=row["reforecast"],
        variance_threshold=row["variance_threshold"],
        cadence_kind=row["cadence_kind"],
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
        topic_id=row["topic_id"],
        proposed_by=row["proposed_by"],
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
        created_at=required_ts(row["created_at"]),
        resolved_at=from_ts(row["resolved_at"]),
        created_by=row["created_by"],
        resolved_by=row["resolved_by"],
    )


class MeetingEnded(InvalidInput):
    """A capture into a meeting that has ended (perhaps in another terminal)."""


def clean_text(text: str, what: str, max_length: int = NOTE_MAX) -> str:
    cleaned = strip_control(text, multiline=True).strip()
    if not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    if len(cleaned) > max_length:
        raise InvalidInput(f"the {what} is too long ({len(cleaned):,} characters; at most {max_length:,})")
    return cleaned


def field_error(field: str, message: str) -> InvalidInput:
    """An :class:`InvalidInput` that names the form field it is about."""
    exc = InvalidInput(message)
    exc.field = field  # type: ignore[attr-defined]
    return exc


@contextlib.contextmanager
def at_field(field: str) -> Iterator[None]:
    """Tag a validation error raised inside with the field it belongs to."""
    try:
        yield
    except InvalidInput as exc:
        if getattr(exc, "field", None) is None:
            exc.field = field  # type: ignore[attr-defined]
        raise
    except ValueError as exc:  # DueDateError, number parsing
        raise field_error(field, str(exc)) from None


def parse_timebox(text: str | int) -> int:
    """Minutes for an agenda item: a whole number from 1 to 480 (``"10"``, ``"10m"``, ``"10 min"``)."""
    raw = str(text).strip().lower().removesuffix("min").removesuffix("m").strip()
    if not raw:
        raise InvalidInput("enter the timebox in minutes, e.g. 10")
    if not raw.isdigit() or not raw.isascii():
        raise InvalidInput("the timebox is a whole number of minutes, e.g. 10")
    minutes = int(raw)
    if not 1 <= minutes <= TIMEBOX_MAX_MIN:
        raise InvalidInput(f"the timebox must be 1 to {TIMEBOX_MAX_MIN} minutes")
    return minutes


class MeetingStore(StorePart):
    def get_meeting(self, meeting_id: int) -> Meeting:
        row = self.query_one(f"{MEETING_SELECT} WHERE m.id = ?", (meeting_id,))
        if row is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        return meeting_from_row(row)

    def running_meeting(self, cadence_key: str) -> Meeting | None:
        row = self.query_one(
            # `+`: sort the few open meetings, not walk every past one (see overview).
            f"{MEETING_SELECT} WHERE c.key = ? AND m.status IN ('running', 'paused') ORDER BY +m.started_at DESC LIMIT 1",
            (cadence_key,),
        )
        return meeting_from_row(row) if row else None

    def running_meetings(self) -> list[Meeting]:
        """Meetings in progress (running or paused), most recently started first."""
        rows = self.query(
            f"{MEETING_SELECT} WHERE m.status IN ('running', 'paused') ORDER BY m.started_at DESC, m.id DESC"
        )
        return [meeting_from_row(r) for r in rows]

    def meeting_occurrence(self, cadence_key: str) -> tuple[datetime | None, Meeting | None]:
        """The occurrence a meeting started now is for (the rule is in
        :func:`cadence_tui.core.recurrence.meeting_occurrence`), and the meeting
        already recorded for that occurrence, if one was (newest first)."""
        from cadence_tui.core.recurrence import LOOK_BACK, meeting_occurrence

        cadence = self.store.cadences.get_cadence(cadence_key)
        now = self.now()
        held = self.store.cadences.held_occurrences(cadence.id, now - LOOK_BACK)
        occurrence = meeting_occurrence(cadence.schedule, now, held)
        if occurrence is None:
            return None, None
        row = self.query_one(
            f"{MEETING_SELECT} WHERE m.cadence_id = ? AND m.scheduled_for = ? ORDER BY m.started_at DESC LIMIT 1",
            (cadence.id, to_ts(occurrence)),
        )
        return occurrence, (meeting_from_row(row) if row else None)

    def start_meeting(self, cadence_key: str, *, scheduled_for: datetime | None = None) -> Meeting:
        """Start the next meeting of a cadence, or return the one still running.

        The agenda template is copied, attendance is taken from the
        participants (all present), and the first agenda item's clock starts.
        """
        running = self.running_meeting(cadence_key)
        if running is not None:
            return running
        cadence = self.store.cadences.get_cadence(cadence_key)
        template = self.store.cadences.agenda_template(cadence.id)
        now = to_ts(self.now())
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO meetings(cadence_id, scheduled_for, started_at, status, timebox_min, variance_threshold)"
                " VALUES (?,?,?,?,?,?)",
                (
                    cadence.id,
                    to_ts(scheduled_for) if scheduled_for else None,
                    now,
                    "running",
                    cadence.timebox_min,
                    cadence.variance_threshold,
                ),
            )
            meeting_id = inserted_id(cur)
            conn.executemany(
                "INSERT INTO agenda_items(meeting_id, position, title, timebox_min, state, started_at)"
                " VALUES (?,?,?,?,?,?)",
                [
                    (
                        meeting_id,
                        i,
                        item.title,
                        item.timebox_min,
                        "current" if i == 0 else "pending",
                        now if i == 0 else None,
                    )
                    for i, item in enumerate(template)
                ],
            )
            from cadence_tui.store.topics import join_topics

            join_topics(conn, cadence.id, meeting_id, len(template), self.now())
            conn.executemany(
                "INSERT INTO attendance(meeting_id, person, role, present, guest) VALUES (?,?,?,1,0)",
                [(meeting_id, p.name, p.role) for p in cadence.participants],
            )
        return self.get_meeting(meeting_id)

    def agenda(self, meeting_id: int) -> list[AgendaItem]:
        rows = self.query("SELECT * FROM agenda_items WHERE meeting_id = ? ORDER BY position, id", (meeting_id,))
        return [agenda_item_from_row(r) for r in rows]

    def end_meeting(self, meeting_id: int) -> Meeting:
        """Stop every clock and store the end time; in the same transaction,
        copy the meeting's action items and blockers as they stand (its
        summary shows them so, whatever happens to them later: see
        ``record_items_at_end``)."""
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
                "UPDATE meetings SET status = 'ended', ended_at = ?, paused_at = NULL, paused_seconds = ? WHERE id = ?",
                (to_ts(now), paused, meeting_id),
            )
            self.store.records.record_items_at_end(conn, meeting_id)
            from cadence_tui.store.topics import settle_topics

            settle_topics(conn, meeting_id)
        return self.get_meeting(meeting_id)

    def _stop_current_item(self, conn: sqlite3.Connection, meeting_id: int, now: datetime) -> None:
        """Fold the running stint of the current item into its elapsed time."""
        row = conn.execute(
            "SELECT id, started_at, elapsed_seconds FROM agenda_items"
            " WHERE meeting_id = ? AND state = 'current' AND started_at IS NOT NULL",
            (meeting_id,),
        ).fetchone()
        if row:
            stint = max(0.0, (now - required_ts(row[1])).total_seconds())
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
            cadence_id = self.store.cadences.get_cadence(cadence_key).id
        else:
            raise InvalidInput("a blocker belongs to a meeting or a cadence")
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO blockers(cadence_id, meeting_id, what, raised_by, unblocker, created_at, created_by)"
                " VALUES (?,?,?,?,?,?,?)",
                (cadence_id, meeting_id, what, raised_by, unblocker, to_ts(self.now()), self.actor),
            )
        return self.get_blocker(inserted_id(cur))

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
                "UPDATE blockers SET status = ?, resolved_at = ?, resolved_in_meeting_id = ?, resolved_by = ? WHERE id = ?",
                (status, resolved, meeting_id if resolved else None, self.actor if resolved else "", blocker_id),
            )
        return self.get_blocker(blocker_id)

    def add_decision(self, meeting_id: int, text: str) -> int:
        text = clean_text(text, "decision", 2000)
        self.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO decisions(meeting_id, text, created_at, created_by) VALUES (?,?,?,?)",
                (meeting_id, text, to_ts(self.now()), self.actor),
            )
        return inserted_id(cur)

    def add_note(self, meeting_id: int, text: str) -> int:
        text = clean_text(text, "note")
        self.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO notes(meeting_id, text, created_at, created_by) VALUES (?,?,?,?)",
                (meeting_id, text, to_ts(self.now()), self.actor),
            )
        return inserted_id(cur)

    def decisions(self, meeting_id: int) -> list[str]:
        return [r[0] for r in self.query("SELECT text FROM decisions WHERE meeting_id = ? ORDER BY id", (meeting_id,))]

    def notes(self, meeting_id: int) -> list[str]:
        return [r[0] for r in self.query("SELECT text FROM notes WHERE meeting_id = ? ORDER BY id", (meeting_id,))]

    # -- the agenda clock -------------------------------------------------------
    def _live_meeting(self, meeting_id: int) -> Meeting:
        meeting = self.get_meeting(meeting_id)
        if meeting.status == "ended":
            raise InvalidInput("the meeting has ended; its agenda can no longer change")
        return meeting

    def _make_current(
        self, conn: sqlite3.Connection, meeting: Meeting, item_id: int | None, now: datetime, *, leaving: str
    ) -> None:
        """Stop the current item (its state becomes ``leaving``) and make ``item_id`` current.

        The new item's clock runs only while the meeting runs; a paused
        meeting starts it on resume.
        """
        self._stop_current_item(conn, meeting.id, now)
        conn.execute(
            "UPDATE agenda_items SET state = ? WHERE meeting_id = ? AND state = 'current'", (leaving, meeting.id)
        )
        if item_id is not None:
            started = to_ts(now) if meeting.status == "running" else None
            conn.execute(
                "UPDATE agenda_items SET state = 'current', started_at = ? WHERE id = ? AND meeting_id = ?",
                (started, item_id, meeting.id),
            )

    def current_item(self, meeting_id: int) -> AgendaItem | None:
        return next((i for i in self.agenda(meeting_id) if i.state == "current"), None)

    def next_item(self, meeting_id: int) -> AgendaItem | None:
        """Close the current item and start the next one not yet done.

        Returns the new current item, or None when the agenda is finished.
        """
        meeting = self._live_meeting(meeting_id)
        agenda = self.agenda(meeting_id)
        current = next((i for i in agenda if i.state == "current"), None)
        after = agenda[agenda.index(current) + 1 :] if current else agenda
        target = next((i for i in after if i.state != "done"), None)
        if target is None and current is None:
            return None
        with self.write() as conn:
            self._make_current(conn, meeting, target.id if target else None, self.now(), leaving="done")
        return self.current_item(meeting_id)

    def previous_item(self, meeting_id: int) -> AgendaItem | None:
        """Go back: the current item returns to pending and the one before it
        becomes current again (its clock resumes from where it stopped)."""
        meeting = self._live_meeting(meeting_id)
        agenda = self.agenda(meeting_id)
        current = next((i for i in agenda if i.state == "current"), None)
        if current is None:  # agenda finished: reopen the last item
            target = agenda[-1] if agenda else None
        else:
            index = agenda.index(current)
            target = agenda[index - 1] if index > 0 else None
        if target is None:
            return current
        with self.write() as conn:
            self._make_current(conn, meeting, target.id, self.now(), leaving="pending")
        return self.current_item(meeting_id)

    def goto_item(self, meeting_id: int, item_id: int) -> AgendaItem:
        """Jump to an item; the one left is done if it came before, pending otherwise."""
        meeting = self._live_meeting(meeting_id)
        agenda = self.agenda(meeting_id)
        target = next((i for i in agenda if i.id == item_id), None)
        if target is None:
            raise NotFound(f"no agenda item {item_id} in meeting {meeting_id}")
        current = next((i for i in agenda if i.state == "current"), None)
        if current is not None and current.id == item_id:
            return current
        leaving = "done"
        if current is not None and agenda.index(current) > agenda.index(target):
            leaving = "pending"
        with self.write() as conn:
            self._make_current(conn, meeting, item_id, self.now(), leaving=leaving)
        return self.current_item(meeting_id)  # type: ignore[return-value]

    def move_agenda_item(self, item_id: int, delta: int) -> list[AgendaItem]:
        """Move an item up (``delta`` < 0) or down the agenda; returns the new order."""
        row = self.query_one("SELECT meeting_id FROM agenda_items WHERE id = ?", (item_id,))
        if row is None:
            raise NotFound(f"no agenda item with id {item_id}")
        meeting_id = row["meeting_id"]
        self._live_meeting(meeting_id)
        with self.write() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM agenda_items WHERE meeting_id = ? ORDER BY position, id", (meeting_id,)
                )
            ]
            old = ids.index(item_id)
            new = min(max(old + delta, 0), len(ids) - 1)
            ids.insert(new, ids.pop(old))
            conn.executemany(
                "UPDATE agenda_items SET position = ? WHERE id = ?", [(pos, i) for pos, i in enumerate(ids)]
            )
        return self.agenda(meeting_id)

    def remove_agenda_item(self, item_id: int) -> AgendaItem:
        """Take an item not yet started off a meeting's agenda (a proposed
        topic removed so is dropped); returns the item removed."""
        row = self.query_one("SELECT * FROM agenda_items WHERE id = ?", (item_id,))
        if row is None:
            raise NotFound(f"no agenda item with id {item_id}")
        item = agenda_item_from_row(row)
        self._live_meeting(item.meeting_id)
        if item.state != "pending" or item.elapsed_seconds > 0:
            raise InvalidInput("only an item not yet started can be removed from the agenda")
        with self.write() as conn:
            conn.execute("DELETE FROM agenda_items WHERE id = ? AND state = 'pending'", (item_id,))
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM agenda_items WHERE meeting_id = ? ORDER BY position, id", (item.meeting_id,)
                )
            ]
            conn.executemany("UPDATE agenda_items SET position = ? WHERE id = ?", list(enumerate(ids)))
            if item.topic_id is not None:
                conn.execute("UPDATE topics SET state = 'dropped' WHERE id = ? AND state = 'joined'", (item.topic_id,))
        return item

    def add_agenda_item(self, meeting_id: int, title: str, timebox: str | int) -> AgendaItem:
        """Add an item at the end of a meeting's agenda (for this meeting only)."""
        title, minutes = check_agenda_item(title, timebox)
        self._live_meeting(meeting_id)
        with self.write() as conn:
            position = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM agenda_items WHERE meeting_id = ?", (meeting_id,)
            ).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO agenda_items(meeting_id, position, title, timebox_min) VALUES (?,?,?,?)",
                (meeting_id, position, title, minutes),
            )
        return next(i for i in self.agenda(meeting_id) if i.id == cur.lastrowid)

    def pause_meeting(self, meeting_id: int) -> Meeting:
        """Stop both clocks; the paused time is left out of every duration."""
        meeting = self._live_meeting(meeting_id)
        if meeting.status == "paused":
            return meeting
        now = self.now()
        with self.write() as conn:
            self._stop_current_item(conn, meeting_id, now)
            conn.execute("UPDATE meetings SET status = 'paused', paused_at = ? WHERE id = ?", (to_ts(now), meeting_id))
        return self.get_meeting(meeting_id)

    def resume_meeting(self, meeting_id: int) -> Meeting:
        meeting = self._live_meeting(meeting_id)
        if meeting.status != "paused":
            return meeting
        now = self.now()
        paused = meeting.paused_seconds
        if meeting.paused_at is not None:
            paused += max(0.0, (now - meeting.paused_at).total_seconds())
        with self.write() as conn:
            conn.execute(
                "UPDATE meetings SET status = 'running', paused_at = NULL, paused_seconds = ? WHERE id = ?",
                (paused, meeting_id),
            )
            conn.execute(
                "UPDATE agenda_items SET started_at = ? WHERE meeting_id = ? AND state = 'current'",
                (to_ts(now), meeting_id),
            )
        return self.get_meeting(meeting_id)

    def toggle_pause(self, meeting_id: int) -> Meeting:
        meeting = self.get_meeting(meeting_id)
        return self.resume_meeting(meeting_id) if meeting.status == "paused" else self.pause_meeting(meeting_id)

    # -- attendance ---------------------------------------------------------------
    def attendance(self, meeting_id: int) -> list[Attendee]:
        """Participants first (in the cadence's order), then guests."""
        rows = self.query(
            "SELECT person, role, present, guest FROM attendance WHERE meeting_id = ? ORDER BY guest, rowid",
            (meeting_id,),
        )
        return [Attendee(r["person"], r["role"], bool(r["present"]), bool(r["guest"])) for r in rows]

    def set_present(self, meeting_id: int, person: str, present: bool) -> Attendee:
        with self.write() as conn:
            cur = conn.execute(
                "UPDATE attendance SET present = ? WHERE meeting_id = ? AND person = ?",
                (1 if present else 0, meeting_id, person),
            )
            if cur.rowcount == 0:
                raise NotFound(f"{person!r} is not on the attendance list of meeting {meeting_id}")
        return next(a for a in self.attendance(meeting_id) if a.name == person)

    def toggle_present(self, meeting_id: int, person: str) -> Attendee:
        current = next((a for a in self.attendance(meeting_id) if a.name == person), None)
        if current is None:
            raise NotFound(f"{person!r} is not on the attendance list of meeting {meeting_id}")
        return self.set_present(meeting_id, person, not current.present)

    def add_guest(self, meeting_id: int, name: str, role: str = "") -> Attendee:
        """Add someone outside the cadence's participants (marked present)."""
        name, role = check_guest(name, role)
        self.get_meeting(meeting_id)
        with self.write() as conn:
            existing = conn.execute(
                "SELECT present FROM attendance WHERE meeting_id = ? AND person = ?", (meeting_id, name)
            ).fetchone()
            if existing is not None:
                raise field_error("name", f"{name} is already on the list")
            conn.execute(
                "INSERT INTO attendance(meeting_id, person, role, present, guest) VALUES (?,?,?,1,1)",
                (meeting_id, name, role),
            )
        return next(a for a in self.attendance(meeting_id) if a.name == name)

    # -- capture, validated field by field (forms show each message at its field) ----
    def _capturing_into(self, meeting_id: int) -> None:
        """A capture goes into a meeting still in progress: one ended (in
        another terminal, say) refuses it with :class:`MeetingEnded`."""
        if self.get_meeting(meeting_id).status == "ended":
            raise MeetingEnded("this meeting has ended (perhaps in another window); nothing was saved into it")

    def capture_action(self, meeting_id: int, title: str, owner: str = "", due: str = "") -> ActionItem:
        """Record an action item typed into the meeting's form; ``due`` is text
        in any form :func:`cadence_tui.core.duedates.parse_due` accepts."""
        title, owner, due_date = check_action_capture(title, owner, due, self.today())
        self._capturing_into(meeting_id)
        return self.store.actions.add_action(title, owner=owner, due=due_date, meeting_id=meeting_id)

    def capture_blocker(
        self, meeting_id: int, what: str, raised_by: str = "", unblocker: str = "", status: str = "open"
    ) -> Blocker:
        check_blocker_capture(what, raised_by, unblocker, status)
        self._capturing_into(meeting_id)
        blocker = self.add_blocker(what, raised_by=raised_by, unblocker=unblocker, meeting_id=meeting_id)
        if status == "resolved":
            blocker = self.set_blocker_status(blocker.id, "resolved", meeting_id=meeting_id)
        return blocker

    def capture_decision(self, meeting_id: int, text: str) -> int:
        with at_field("text"):
            check_entry_capture("decision", text)
        self._capturing_into(meeting_id)
        with at_field("text"):
            return self.add_decision(meeting_id, text)

    def capture_note(self, meeting_id: int, text: str) -> int:
        with at_field("text"):
            check_entry_capture("note", text)
        self._capturing_into(meeting_id)
        with at_field("text"):
            return self.add_note(meeting_id, text)

    def meeting_actions(self, meeting_id: int) -> list[ActionItem]:
        """Action items recorded in this meeting, oldest first."""
        from cadence_tui.store.actions import action_from_row

        rows = self.query(
            "SELECT a.id, a.title, a.owner, a.due, a.status, a.meeting_id, a.created_at, a.closed_at,"
            " a.created_by, a.closed_by, c.key AS cadence_key FROM action_items a JOIN cadences c ON c.id = a.cadence_id"
            " WHERE a.meeting_id = ? ORDER BY a.id",
            (meeting_id,),
        )
        return [action_from_row(r) for r in rows]

    def meeting_blockers(self, meeting_id: int) -> list[Blocker]:
        rows = self.query(f"{BLOCKER_SELECT} WHERE b.meeting_id = ? ORDER BY b.id", (meeting_id,))
        return [blocker_from_row(r) for r in rows]

    def meeting_decisions(self, meeting_id: int) -> list[Entry]:
        return self._entries("decisions", meeting_id)

    def meeting_notes(self, meeting_id: int) -> list[Entry]:
        return self._entries("notes", meeting_id)

    def _entries(self, table: str, meeting_id: int) -> list[Entry]:
        assert table in ("decisions", "notes", "campaign_changes")
        by = "created_by" if table != "campaign_changes" else "''"
        rows = self.query(
            f"SELECT id, text, created_at, {by} AS created_by FROM {table} WHERE meeting_id = ? ORDER BY id",
            (meeting_id,),
        )
        return [Entry(r["id"], r["text"], required_ts(r["created_at"]), r["created_by"]) for r in rows]

    def delete_entry(self, kind: str, entry_id: int) -> None:
        """Remove a decision or note captured by mistake."""
        table = {"decision": "decisions", "note": "notes"}.get(kind)
        if table is None:
            raise InvalidInput(f"unknown record kind {kind!r}")
        with self.write() as conn:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (entry_id,))

    # -- carry-over -------------------------------------------------------------------
    def carry_over(
        self, meeting_id: int, *, limit: int = CARRY_OVER_LIMIT, only: tuple[str, int] | None = None
    ) -> list[CarriedItem]:
        """Open action items, then open blockers, brought into this meeting.

        That is: open ones from earlier meetings of the same cadence (or added
        to the cadence outside a meeting) that were not escalated elsewhere,
        open ones another cadence escalated here, and every item already
        triaged in this meeting (so a closed one stays visible and can be
        reopened). At most ``limit`` of each kind.
        """
        meeting = self.get_meeting(meeting_id)
        cid, mid = meeting.cadence_id, meeting_id
        a_cols = (
            "SELECT a.id, a.title, a.owner, a.due, a.status, a.created_at, a.cadence_id,"
            " a.escalated_to_cadence_id AS escalated, c.key AS ckey, c.name AS cname, t.outcome"
            " FROM action_items a JOIN cadences c ON c.id = a.cadence_id"
            " LEFT JOIN carry_over_triage t ON t.meeting_id = ? AND t.kind = 'action' AND t.record_id = a.id"
        )
        b_cols = (
            "SELECT b.id, b.what, b.raised_by, b.unblocker, b.status, b.created_at, b.cadence_id,"
            " b.escalated_to_cadence_id AS escalated, c.key AS ckey, c.name AS cname, t.outcome"
            " FROM blockers b JOIN cadences c ON c.id = b.cadence_id"
            " LEFT JOIN carry_over_triage t ON t.meeting_id = ? AND t.kind = 'blocker' AND t.record_id = b.id"
        )
        if only is not None:  # one item, by id (just triaged: it is in the list)
            actions = self.query(f"{a_cols} WHERE a.id = ?", (mid, only[1])) if only[0] == "action" else []
            blockers = self.query(f"{b_cols} WHERE b.id = ?", (mid, only[1])) if only[0] == "blocker" else []
        else:
            # Three small reads merged here rather than one IN (... UNION ...):
            # each walks its index in due order and stops at ``limit``.
            started = to_ts(meeting.started_at)
            due_key = "coalesce(a.due, '9999-12-31')"  # = schema.DUE_KEY: indexed order
            actions = (
                self.query(
                    f"{a_cols} WHERE a.status = 'open' AND a.cadence_id = ? AND a.escalated_to_cadence_id IS NULL"
                    # "+": keep the planner on the (status, cadence, due) index, which
                    # needs no sort, rather than the created_at range (43 -> 23 ms at 100k).
                    f" AND a.meeting_id IS NOT ? AND +a.created_at <= ? ORDER BY {due_key}, a.id LIMIT ?",
                    (mid, cid, mid, started, limit),
                )
                + self.query(
                    f"{a_cols} WHERE a.status = 'open' AND a.escalated_to_cadence_id = ? AND a.meeting_id IS NOT ?"
                    # The same order as due_key, written so that the planner takes the
                    # (few) escalated rows from their own index and sorts them, rather
                    # than walking every open item in due order (4-7 ms -> 0.01 ms at 100k).
                    " ORDER BY a.due IS NULL, a.due, a.id LIMIT ?",
                    (mid, cid, mid, limit),
                )
                + self.query(
                    f"{a_cols} WHERE a.id IN (SELECT record_id FROM carry_over_triage"
                    " WHERE meeting_id = ? AND kind = 'action')",
                    (mid, mid),
                )
            )
            actions = sorted({r["id"]: r for r in actions}.values(), key=lambda r: (r["due"] or "9999-12-31", r["id"]))[
                :limit
            ]
            blockers = (
                self.query(
                    f"{b_cols} WHERE b.status = 'open' AND b.cadence_id = ? AND b.escalated_to_cadence_id IS NULL"
                    " AND b.meeting_id IS NOT ? AND b.created_at <= ? ORDER BY b.created_at, b.id LIMIT ?",
                    (mid, cid, mid, started, limit),
                )
                + self.query(
                    f"{b_cols} WHERE b.status = 'open' AND b.escalated_to_cadence_id = ? AND b.meeting_id IS NOT ?"
                    " ORDER BY b.created_at, b.id LIMIT ?",
                    (mid, cid, mid, limit),
                )
                + self.query(
                    f"{b_cols} WHERE b.id IN (SELECT record_id FROM carry_over_triage"
                    " WHERE meeting_id = ? AND kind = 'blocker')",
                    (mid, mid),
                )
            )
            blockers = sorted({r["id"]: r for r in blockers}.values(), key=lambda r: (r["created_at"], r["id"]))[:limit]
        out = [
            CarriedItem(
                kind="action",
                id=r["id"],
                title=r["title"],
                who=r["owner"],
                status=r["status"],
                origin_cadence_key=r["ckey"],
                origin_cadence_name=r["cname"],
                created_at=required_ts(r["created_at"]),
                escalated_here=r["escalated"] == cid and r["cadence_id"] != cid,
                due=from_date(r["due"]),
                outcome=r["outcome"],
            )
            for r in actions
        ]
        out += [
            CarriedItem(
                kind="blocker",
                id=r["id"],
                title=r["what"],
                who=r["raised_by"],
                status=r["status"],
                origin_cadence_key=r["ckey"],
                origin_cadence_name=r["cname"],
                created_at=required_ts(r["created_at"]),
                escalated_here=r["escalated"] == cid and r["cadence_id"] != cid,
                unblocker=r["unblocker"],
                outcome=r["outcome"],
            )
            for r in blockers
        ]
        return out

    def carry_over_counts(self, meeting_id: int) -> tuple[int, int]:
        """How many carried items are (still) waiting for triage: (actions, blockers)."""
        items = self.carry_over(meeting_id)
        return (
            sum(1 for i in items if i.kind == "action" and i.outcome is None),
            sum(1 for i in items if i.kind == "blocker" and i.outcome is None),
        )

    def triage(self, meeting_id: int, kind: str, record_id: int, outcome: str, *, due: str = "") -> CarriedItem:
        """Decide about one carried item in one step.

        Actions: ``done``, ``dropped`` (closed here, everywhere: it is the same
        row), ``open`` (still open; also undoes a close), ``redated`` (``due``
        is the new due date as typed). Blockers: ``resolved`` or ``open``.
        """
        meeting = self.get_meeting(meeting_id)
        now = to_ts(self.now())
        if kind == "action":
            if outcome not in ACTION_OUTCOMES:
                raise InvalidInput(f"unknown outcome {outcome!r} for an action item")
            new_due = check_redate(due, self.today()) if outcome == "redated" else None
            if self.scalar("SELECT 1 FROM action_items WHERE id = ?", (record_id,)) is None:
                raise NotFound(f"no action item with id {record_id}")
            with self.write() as conn:
                if outcome in ("done", "dropped"):
                    conn.execute(
                        "UPDATE action_items SET status = ?, closed_at = ?, closed_in_meeting_id = ?, closed_by = ?"
                        " WHERE id = ?",
                        (outcome, now, meeting.id, self.actor, record_id),
                    )
                else:
                    conn.execute(
                        "UPDATE action_items SET status = 'open', closed_at = NULL, closed_in_meeting_id = NULL,"
                        " closed_by = '' WHERE id = ?",
                        (record_id,),
                    )
                if new_due is not None:
                    conn.execute("UPDATE action_items SET due = ? WHERE id = ?", (new_due.isoformat(), record_id))
                self._record_triage(conn, meeting.id, kind, record_id, outcome, now)
        elif kind == "blocker":
            if outcome not in BLOCKER_OUTCOMES:
                raise InvalidInput(f"unknown outcome {outcome!r} for a blocker")
            if self.scalar("SELECT 1 FROM blockers WHERE id = ?", (record_id,)) is None:
                raise NotFound(f"no blocker with id {record_id}")
            with self.write() as conn:
                if outcome == "resolved":
                    conn.execute(
                        "UPDATE blockers SET status = 'resolved', resolved_at = ?, resolved_in_meeting_id = ?,"
                        " resolved_by = ? WHERE id = ?",
                        (now, meeting.id, self.actor, record_id),
                    )
                else:
                    conn.execute(
                        "UPDATE blockers SET status = 'open', resolved_at = NULL, resolved_in_meeting_id = NULL,"
                        " resolved_by = '' WHERE id = ?",
                        (record_id,),
                    )
                self._record_triage(conn, meeting.id, kind, record_id, outcome, now)
        else:
            raise InvalidInput(f"unknown record kind {kind!r}")
        return self.carry_over(meeting_id, only=(kind, record_id))[0]

    @staticmethod
    def _record_triage(
        conn: sqlite3.Connection, meeting_id: int, kind: str, record_id: int, outcome: str, now: str
    ) -> None:
        conn.execute(
            "INSERT INTO carry_over_triage(meeting_id, kind, record_id, outcome, decided_at) VALUES (?,?,?,?,?)"
            " ON CONFLICT(meeting_id, kind, record_id) DO UPDATE SET outcome = excluded.outcome,"
            " decided_at = excluded.decided_at",
            (meeting_id, kind, record_id, outcome, now),
        )


# -- the capture forms' checks: no database, so a form can check before it closes ----
def check_action_capture(title: str, owner: str, due: str, today: date) -> tuple[str, str, date | None]:
    """The cleaned title, owner and due date of a captured action item, or
    :class:`InvalidInput` naming the field."""
    from cadence_tui.core.duedates import parse_due
    from cadence_tui.store.actions import clean_name, clean_title

    with at_field("title"):
        title = clean_title(title)
    with at_field("owner"):
        owner = clean_name(owner)
    with at_field("due"):
        due_date = parse_due(due, today)
    return title, owner, due_date


def check_blocker_capture(what: str, raised_by: str, unblocker: str, status: str) -> None:
    from cadence_tui.store.actions import clean_name, clean_title

    with at_field("what"):
        clean_title(what, "blocker")
    with at_field("raised_by"):
        clean_name(raised_by, "'raised by' name")
    with at_field("unblocker"):
        clean_name(unblocker, "'who can unblock' name")
    if status not in ("open", "resolved"):
        raise field_error("status", "a blocker is open or resolved")


def check_entry_capture(kind: str, text: str) -> None:
    """A decision's or a note's text, as :meth:`add_decision`/:meth:`add_note` check it."""
    with at_field("text"):
        if kind == "decision":
            clean_text(text, "decision", 2000)
        else:
            clean_text(text, "note")


def check_agenda_item(title: str, timebox: str | int) -> tuple[str, int]:
    """An added agenda item's cleaned title and minutes (as :meth:`MeetingStore.add_agenda_item` checks them)."""
    from cadence_tui.store.actions import clean_title

    with at_field("title"):
        title = clean_title(title, "agenda item")
    with at_field("timebox"):
        minutes = parse_timebox(timebox)
    return title, minutes


def check_guest(name: str, role: str = "") -> tuple[str, str]:
    """A guest's cleaned name and role (as :meth:`MeetingStore.add_guest` checks them)."""
    from cadence_tui.store.actions import clean_name

    with at_field("name"):
        name = clean_name(name, "name")
        if not name:
            raise InvalidInput("the name cannot be empty")
    with at_field("role"):
        role = clean_name(role, "role")
    return name, role


def check_redate(due: str, today: date) -> date:
    """A carried action item's new due date, as typed (as :meth:`MeetingStore.triage` checks it)."""
    from cadence_tui.core.duedates import parse_due

    with at_field("due"):
        new_due = parse_due(due, today)
        if new_due is None:
            raise InvalidInput("enter the new due date")
    return new_due
