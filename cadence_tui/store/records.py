"""Reading one meeting back whole, for its summary.

Read-only, but for the snapshot taken as a meeting ends
(:meth:`RecordStore.record_items_at_end`, called by ``end_meeting`` in the
same transaction). Open work is shown as the meeting saw it: an action item
or blocker counts as carried over if it was open when the meeting started,
whatever happened to it later.

Action items and blockers of an ended meeting come from that snapshot
(schema v6): title, owner, due date, status and the overdue flag as they
stood when the meeting ended, with the item's current status or due date
beside them when those changed since. A meeting ended before v6 has no
snapshot; its items are read as they are today (a due date changed later
shows the new date, an item escalated later leaves it), as before.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from cadence_tui.core.meeting_record import (
    PIPELINE_STAGES,
    ActionLine,
    AgendaOutcome,
    Attendee,
    BlockerLine,
    BudgetLine,
    DemoLine,
    HealthRating,
    MeetingRecord,
    MetricReading,
    PipelineStage,
    Win,
    age_in_days,
)
from cadence_tui.core.scorecard import FINITE_SQL, stored_number
from cadence_tui.core.stats import MAX_MINUTES, MAX_SECONDS, bounded
from cadence_tui.store.base import StorePart, from_date, from_ts, required_ts, to_ts
from cadence_tui.store.errors import NotFound

# Carried-over items read per meeting at most (the summary shows fewer); the
# rest are counted. A neglected cadence can have thousands open.
CARRIED_LIMIT = 200

_ACTION_COLUMNS = (
    "a.id, a.title, a.owner, a.due, a.status, a.created_at, a.closed_at, a.closed_in_meeting_id,"
    " oc.name AS origin_name, ec.name AS escalated_name"
    " FROM action_items a JOIN cadences oc ON oc.id = a.cadence_id"
    " LEFT JOIN cadences ec ON ec.id = a.escalated_to_cadence_id"
)
_BLOCKER_COLUMNS = (
    "b.id, b.what, b.raised_by, b.unblocker, b.status, b.created_at, b.resolved_at, b.resolved_in_meeting_id,"
    " oc.name AS origin_name, ec.name AS escalated_name"
    " FROM blockers b JOIN cadences oc ON oc.id = b.cadence_id"
    " LEFT JOIN cadences ec ON ec.id = b.escalated_to_cadence_id"
)


def _zone(name: str) -> tuple[tzinfo, str]:
    """The cadence's zone and its name; UTC when the name is unknown here."""
    try:
        return ZoneInfo(name), name
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC"), "UTC"


class RecordStore(StorePart):
    def last_meeting_id(self, cadence_key: str | None = None) -> int:
        """The most recent meeting (by start) of a cadence, or of any cadence.

        Raises :class:`NotFound` for an unknown cadence or when there is none.
        """
        if cadence_key is None:
            found = self.scalar("SELECT id FROM meetings ORDER BY started_at DESC, id DESC LIMIT 1")
            if found is None:
                raise NotFound("no meetings yet")
            return int(found)
        row = self.query_one("SELECT id, name FROM cadences WHERE key = ?", (cadence_key,))
        if row is None:
            raise NotFound(f"unknown cadence {cadence_key!r}")
        found = self.scalar(
            "SELECT id FROM meetings WHERE cadence_id = ? ORDER BY started_at DESC, id DESC LIMIT 1", (row["id"],)
        )
        if found is None:
            raise NotFound(f"no meetings of {row['name']} yet")
        return int(found)

    def meeting_record(self, meeting_id: int) -> MeetingRecord:
        """Everything about one meeting that its summary shows."""
        m = self.query_one(
            "SELECT m.*, c.key AS cadence_key, c.name AS cadence_name, c.tz AS tz"
            " FROM meetings m JOIN cadences c ON c.id = m.cadence_id WHERE m.id = ?",
            (meeting_id,),
        )
        if m is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        now = self.now().astimezone(UTC)
        started: datetime = required_ts(m["started_at"])
        ended = from_ts(m["ended_at"])
        until = ended or now
        zone, zone_name = _zone(m["tz"])
        paused = bounded(m["paused_seconds"], MAX_SECONDS)  # whatever another tool stored
        if m["paused_at"] and not ended:
            paused += max(0.0, (now - required_ts(m["paused_at"])).total_seconds())
        duration = max(0.0, (until - started).total_seconds() - paused)
        cadence_id = m["cadence_id"]
        s_ts, e_ts = to_ts(started), to_ts(until)

        attendees = [
            Attendee(r["person"], r["role"], bool(r["present"]), bool(r["guest"]))
            for r in self.query(
                "SELECT person, role, present, guest FROM attendance WHERE meeting_id = ? ORDER BY guest, rowid",
                (meeting_id,),
            )
        ]
        agenda = []
        for r in self.query(
            "SELECT title, timebox_min, state, elapsed_seconds, started_at, topic_id, proposed_by FROM agenda_items"
            " WHERE meeting_id = ? ORDER BY position, id",
            (meeting_id,),
        ):
            elapsed = bounded(r["elapsed_seconds"], MAX_SECONDS)
            if r["started_at"] and not (m["paused_at"] and not ended):
                elapsed += max(0.0, (until - required_ts(r["started_at"])).total_seconds())
            agenda.append(
                AgendaOutcome(
                    r["title"],
                    int(bounded(r["timebox_min"], MAX_MINUTES)),
                    elapsed,
                    r["state"],
                    topic=r["topic_id"] is not None,
                    proposed_by=r["proposed_by"],
                )
            )

        recorded = None
        if ended is not None:
            recorded = self._recorded_actions(meeting_id)
        if recorded is not None:
            new_actions, carried_actions, more_open = recorded
            new_blockers, carried_blockers = self._recorded_blockers(meeting_id)
        else:
            new_actions, carried_actions, more_open = self._live_actions(meeting_id, cadence_id, started, s_ts, e_ts)
            new_blockers, carried_blockers = self._live_blockers(meeting_id, cadence_id, started, s_ts, e_ts)
        ratings = [
            r[0]
            for r in self.query(
                "SELECT rating FROM meeting_ratings WHERE meeting_id = ? ORDER BY person", (meeting_id,)
            )
        ]

        texts = lambda table: [  # noqa: E731
            r[0] for r in self.query(f"SELECT text FROM {table} WHERE meeting_id = ? ORDER BY id", (meeting_id,))
        ]
        demos = [
            DemoLine(r["what"], r["presenter"], r["feedback"])
            for r in self.query(
                "SELECT what, presenter, feedback FROM demo_items WHERE meeting_id = ? ORDER BY id", (meeting_id,)
            )
        ]
        pipeline, previous_sync = self._pipeline(meeting_id, cadence_id, s_ts)
        threshold = m["variance_threshold"]
        budget = [
            BudgetLine(r["department"], r["budget"], r["actual"], threshold)
            for r in self.query(
                "SELECT department, budget, actual FROM budget_lines WHERE meeting_id = ? ORDER BY id", (meeting_id,)
            )
        ]
        wins = [
            Win(r["text"], r["who"])
            for r in self.query("SELECT text, who FROM wins WHERE meeting_id = ? ORDER BY id", (meeting_id,))
        ]
        health = [
            HealthRating(r["from_dept"], r["to_dept"], r["rating"], r["comment"], r["previous"])
            for r in self.query(
                "SELECT h.from_dept, h.to_dept, r.rating, r.comment,"
                " (SELECT r2.rating FROM health_ratings r2 JOIN meetings m2 ON m2.id = r2.meeting_id"
                "   WHERE r2.handoff_id = r.handoff_id AND m2.started_at < ?"
                "   ORDER BY m2.started_at DESC LIMIT 1) AS previous"
                " FROM health_ratings r JOIN handoffs h ON h.id = r.handoff_id"
                " WHERE r.meeting_id = ? ORDER BY h.position, h.id",
                (s_ts, meeting_id),
            )
        ]
        readings: dict[int, MetricReading] = {}
        for r in self.query(
            "SELECT v.metric_id, mt.name, mt.unit, mt.target, mt.direction, v.value,"
            " (SELECT v2.value FROM metric_values v2 WHERE v2.metric_id = v.metric_id"
            "   AND (v2.recorded_on, v2.id) < (v.recorded_on, v.id)"
            f"   AND (v2.meeting_id IS NOT v.meeting_id) AND {FINITE_SQL.format('v2.value')}"
            "   ORDER BY v2.recorded_on DESC, v2.id DESC LIMIT 1) AS previous"
            " FROM metric_values v JOIN metrics mt ON mt.id = v.metric_id"
            f" WHERE v.meeting_id = ? AND {FINITE_SQL.format('v.value')} ORDER BY mt.id, v.recorded_on, v.id",
            (meeting_id,),
        ):
            # A value corrected within the meeting: the last one counts.
            readings[r["metric_id"]] = MetricReading(
                r["name"], r["unit"], r["value"], r["previous"], stored_number(r["target"]), r["direction"]
            )

        return MeetingRecord(
            meeting_id=meeting_id,
            cadence_key=m["cadence_key"],
            cadence_name=m["cadence_name"],
            status=m["status"],
            started_at=started,
            ended_at=ended,
            zone=zone,
            zone_name=zone_name,
            timebox_min=m["timebox_min"],
            duration_seconds=duration,
            attendees=attendees,
            agenda=agenda,
            decisions=texts("decisions"),
            notes=texts("notes"),
            new_actions=new_actions,
            carried_actions=carried_actions,
            more_carried_actions=more_open,
            new_blockers=new_blockers,
            carried_blockers=carried_blockers,
            demos=demos,
            pipeline=pipeline,
            previous_sync=previous_sync,
            campaign_changes=texts("campaign_changes"),
            budget=budget,
            variance_threshold=threshold,
            reforecast=m["reforecast"],
            wins=wins,
            health=health,
            metrics=list(readings.values()),
            ratings=ratings,
            as_recorded=recorded is not None,
        )

    def _live_actions(
        self, meeting_id: int, cadence_id: int, started: datetime, s_ts: str, e_ts: str
    ) -> tuple[list[ActionLine], list[ActionLine], int]:
        """The meeting's action items as they are today: (new, carried over, more open beyond those read).

        ``s_ts``/``e_ts`` bound the meeting (its end, or now while it runs)."""
        redated = {
            r[0]
            for r in self.query(
                "SELECT record_id FROM carry_over_triage WHERE meeting_id = ? AND kind = 'action'"
                " AND outcome = 'redated'",
                (meeting_id,),
            )
        }

        def action(r, *, origin: bool = False) -> ActionLine:
            closed_at = r["closed_at"]
            created = required_ts(r["created_at"])
            return ActionLine(
                id=r["id"],
                title=r["title"],
                owner=r["owner"],
                due=from_date(r["due"]),
                status=r["status"],
                created_at=created,
                age_days=age_in_days(created, started),
                closed_here=r["status"] != "open"
                and (r["closed_in_meeting_id"] == meeting_id or (closed_at is not None and s_ts <= closed_at <= e_ts)),
                origin_cadence=r["origin_name"] if origin else "",
                escalated_to=r["escalated_name"] or "",
                redated=r["id"] in redated,
            )

        new_actions = [
            action(r)
            for r in self.query(f"SELECT {_ACTION_COLUMNS} WHERE a.meeting_id = ? ORDER BY a.id", (meeting_id,))
        ]
        # Open when the meeting started (closed later or not at all), from
        # earlier meetings of this cadence or escalated here from another.
        # Two indexed reads (still open / closed since), not one OR that
        # would scan the cadence's whole history.
        mine = "a.cadence_id = ? AND a.escalated_to_cadence_id IS NULL AND a.created_at < ? AND a.meeting_id IS NOT ?"
        mine_args = (cadence_id, s_ts, meeting_id)
        still_open = self.query(
            f"SELECT {_ACTION_COLUMNS} WHERE a.status = 'open' AND {mine} ORDER BY a.due IS NULL, a.due, a.id LIMIT ?",
            (*mine_args, CARRIED_LIMIT + 1),
        )
        more_open = 0
        if len(still_open) > CARRIED_LIMIT:
            still_open = still_open[:CARRIED_LIMIT]
            more_open = (
                int(self.scalar(f"SELECT count(*) FROM action_items a WHERE a.status = 'open' AND {mine}", mine_args))
                - CARRIED_LIMIT
            )
        closed_since = self.query(
            f"SELECT {_ACTION_COLUMNS} WHERE a.closed_at IS NOT NULL AND a.closed_at >= ? AND a.status != 'open'"
            f" AND {mine}",
            (s_ts, *mine_args),
        )
        escalated_here = self.query(
            f"SELECT {_ACTION_COLUMNS} WHERE a.escalated_to_cadence_id = ? AND a.cadence_id != ?"
            " AND (a.status = 'open' OR a.closed_at >= ?) AND a.created_at < ? AND a.meeting_id IS NOT ?"
            " ORDER BY a.due IS NULL, a.due, a.id",
            (cadence_id, cadence_id, s_ts, e_ts, meeting_id),
        )
        by_due = lambda line: (line.due is None, line.due or date.max, line.id)  # noqa: E731
        carried_actions = sorted((action(r) for r in [*still_open, *closed_since]), key=by_due) + [
            action(r, origin=True) for r in escalated_here
        ]

        return new_actions, carried_actions, more_open

    def _recorded_actions(self, meeting_id: int) -> tuple[list[ActionLine], list[ActionLine], int] | None:
        """The action items as the snapshot taken at the meeting's end holds
        them, with what changed since; None when the meeting has no snapshot."""
        more = self.scalar("SELECT more_carried_actions FROM meeting_end_snapshots WHERE meeting_id = ?", (meeting_id,))
        if more is None:
            return None
        new: list[ActionLine] = []
        carried: list[ActionLine] = []
        for r in self.query(
            "SELECT s.*, a.id IS NOT NULL AS still_there, a.status AS now_status, a.due AS now_due"
            " FROM meeting_action_snapshots s LEFT JOIN action_items a ON a.id = s.action_id"
            " WHERE s.meeting_id = ? ORDER BY s.position",
            (meeting_id,),
        ):
            there = bool(r["still_there"])
            line = ActionLine(
                id=r["action_id"],
                title=r["title"],
                owner=r["owner"],
                due=from_date(r["due"]),
                status=r["status"],
                created_at=required_ts(r["created_at"]),
                age_days=r["age_days"],
                closed_here=bool(r["closed_here"]),
                origin_cadence=r["origin_cadence"],
                escalated_to=r["escalated_to"],
                redated=bool(r["redated"]),
                overdue=bool(r["overdue"]),
                now_status=r["now_status"] if there and r["now_status"] != r["status"] else None,
                now_due=from_date(r["now_due"]) if there else None,
                due_changed=there and r["now_due"] != r["due"],
            )
            (new if r["section"] == "new" else carried).append(line)
        return new, carried, int(more)

    def _live_blockers(
        self, meeting_id: int, cadence_id: int, started: datetime, s_ts: str, e_ts: str
    ) -> tuple[list[BlockerLine], list[BlockerLine]]:
        """The meeting's blockers as they are today: (new, carried over)."""

        def blocker(r, *, origin: bool = False) -> BlockerLine:
            resolved_at = r["resolved_at"]
            return BlockerLine(
                id=r["id"],
                what=r["what"],
                raised_by=r["raised_by"],
                unblocker=r["unblocker"],
                status=r["status"],
                created_at=required_ts(r["created_at"]),
                age_days=age_in_days(required_ts(r["created_at"]), started),
                resolved_here=r["status"] == "resolved"
                and (
                    r["resolved_in_meeting_id"] == meeting_id
                    or (resolved_at is not None and s_ts <= resolved_at <= e_ts)
                ),
                origin_cadence=r["origin_name"] if origin else "",
                escalated_to=r["escalated_name"] or "",
            )

        new_blockers = [
            blocker(r)
            for r in self.query(f"SELECT {_BLOCKER_COLUMNS} WHERE b.meeting_id = ? ORDER BY b.id", (meeting_id,))
        ]
        open_then_b = "(b.status = 'open' OR b.resolved_at >= ?) AND b.created_at < ? AND b.meeting_id IS NOT ?"
        carried_blockers = [
            blocker(r)
            for r in self.query(
                f"SELECT {_BLOCKER_COLUMNS} WHERE b.cadence_id = ? AND b.escalated_to_cadence_id IS NULL"
                f" AND {open_then_b} ORDER BY b.created_at, b.id",
                (cadence_id, s_ts, s_ts, meeting_id),
            )
        ] + [
            blocker(r, origin=True)
            for r in self.query(
                f"SELECT {_BLOCKER_COLUMNS} WHERE b.escalated_to_cadence_id = ? AND b.cadence_id != ?"
                f" AND {open_then_b} ORDER BY b.created_at, b.id",
                (cadence_id, cadence_id, s_ts, e_ts, meeting_id),
            )
        ]

        return new_blockers, carried_blockers

    def _recorded_blockers(self, meeting_id: int) -> tuple[list[BlockerLine], list[BlockerLine]]:
        """The blockers as the snapshot taken at the meeting's end holds them."""
        new: list[BlockerLine] = []
        carried: list[BlockerLine] = []
        for r in self.query(
            "SELECT s.*, b.status AS now_status FROM meeting_blocker_snapshots s"
            " LEFT JOIN blockers b ON b.id = s.blocker_id WHERE s.meeting_id = ? ORDER BY s.position",
            (meeting_id,),
        ):
            line = BlockerLine(
                id=r["blocker_id"],
                what=r["what"],
                raised_by=r["raised_by"],
                unblocker=r["unblocker"],
                status=r["status"],
                created_at=required_ts(r["created_at"]),
                age_days=r["age_days"],
                resolved_here=bool(r["resolved_here"]),
                origin_cadence=r["origin_cadence"],
                escalated_to=r["escalated_to"],
                now_status=r["now_status"] if r["now_status"] not in (None, r["status"]) else None,
            )
            (new if r["section"] == "new" else carried).append(line)
        return new, carried

    def record_items_at_end(self, conn: sqlite3.Connection, meeting_id: int) -> None:
        """Copy the meeting's action items and blockers as they stand now that
        it ends (call inside the transaction that ends it, after ``ended_at``
        is set)."""
        m = conn.execute(
            "SELECT m.cadence_id, m.started_at, m.ended_at, c.tz FROM meetings m"
            " JOIN cadences c ON c.id = m.cadence_id WHERE m.id = ?",
            (meeting_id,),
        ).fetchone()
        started: datetime = required_ts(m[1])
        day = started.astimezone(_zone(m[3])[0]).date()
        new, carried, more = self._live_actions(meeting_id, m[0], started, to_ts(started), m[2])
        new_b, carried_b = self._live_blockers(meeting_id, m[0], started, to_ts(started), m[2])
        conn.execute("DELETE FROM meeting_end_snapshots WHERE meeting_id = ?", (meeting_id,))
        conn.execute(
            "INSERT INTO meeting_end_snapshots(meeting_id, taken_at, more_carried_actions) VALUES (?,?,?)",
            (meeting_id, m[2], more),
        )
        conn.executemany(
            "INSERT INTO meeting_action_snapshots(meeting_id, action_id, position, section, title, owner, due,"
            " status, overdue, closed_here, redated, created_at, age_days, origin_cadence, escalated_to)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    meeting_id,
                    a.id,
                    position,
                    section,
                    a.title,
                    a.owner,
                    a.due.isoformat() if a.due else None,
                    a.status,
                    int(a.overdue_on(day)),
                    int(a.closed_here),
                    int(a.redated),
                    a.created_at.isoformat(),
                    a.age_days,
                    a.origin_cadence,
                    a.escalated_to,
                )
                for position, (section, a) in enumerate([("new", a) for a in new] + [("carried", a) for a in carried])
            ],
        )
        conn.executemany(
            "INSERT INTO meeting_blocker_snapshots(meeting_id, blocker_id, position, section, what, raised_by,"
            " unblocker, status, resolved_here, created_at, age_days, origin_cadence, escalated_to)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    meeting_id,
                    b.id,
                    position,
                    section,
                    b.what,
                    b.raised_by,
                    b.unblocker,
                    b.status,
                    int(b.resolved_here),
                    to_ts(b.created_at),
                    b.age_days,
                    b.origin_cadence,
                    b.escalated_to,
                )
                for position, (section, b) in enumerate(
                    [("new", b) for b in new_b] + [("carried", b) for b in carried_b]
                )
            ],
        )

    def _pipeline(self, meeting_id: int, cadence_id: int, started: str) -> tuple[list[PipelineStage], datetime | None]:
        current = {
            r[0]: r[1]
            for r in self.query("SELECT stage, value FROM pipeline_metrics WHERE meeting_id = ?", (meeting_id,))
        }
        if not current:
            return [], None
        prev_row = self.query_one(
            "SELECT m.id, m.started_at FROM meetings m WHERE m.cadence_id = ? AND m.started_at < ? AND m.id != ?"
            " AND EXISTS (SELECT 1 FROM pipeline_metrics p WHERE p.meeting_id = m.id)"
            " ORDER BY m.started_at DESC LIMIT 1",
            (cadence_id, started, meeting_id),
        )
        previous: dict[str, int] = {}
        if prev_row is not None:
            previous = {
                r[0]: r[1]
                for r in self.query("SELECT stage, value FROM pipeline_metrics WHERE meeting_id = ?", (prev_row["id"],))
            }

        def conversion(values: dict[str, int], i: int) -> float | None:
            if i == 0:
                return None
            before, here = values.get(PIPELINE_STAGES[i - 1]), values.get(PIPELINE_STAGES[i])
            return None if not before or here is None else here / before * 100

        stages = [
            PipelineStage(stage, current[stage], previous.get(stage), conversion(current, i), conversion(previous, i))
            for i, stage in enumerate(PIPELINE_STAGES)
            if stage in current
        ]
        return stages, from_ts(prev_row["started_at"]) if prev_row else None
