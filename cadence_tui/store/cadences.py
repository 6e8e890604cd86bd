"""Cadences, their agenda templates, the home-screen overview and the schedule."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta

from cadence_tui.model import AgendaTemplateItem, Cadence, CadenceOverview, Occurrence, Participant
from cadence_tui.store.base import StoreBase, from_ts, to_ts
from cadence_tui.store.errors import NotFound

_CADENCE_COLUMNS = (
    "id, key, name, purpose, rrule, anchor_date, start_time, tz, timebox_min, "
    "participants, variance_threshold, position, archived"
)


def cadence_from_row(row: sqlite3.Row) -> Cadence:
    hh, mm = row["start_time"].split(":")
    return Cadence(
        id=row["id"],
        key=row["key"],
        name=row["name"],
        purpose=row["purpose"],
        rule=row["rrule"],
        anchor=date.fromisoformat(row["anchor_date"]),
        start_time=time(int(hh), int(mm)),
        tz=row["tz"],
        timebox_min=row["timebox_min"],
        participants=[Participant(p["name"], p.get("role", "")) for p in json.loads(row["participants"])],
        variance_threshold=row["variance_threshold"],
        archived=bool(row["archived"]),
        position=row["position"],
    )


def participants_json(participants: list[Participant] | tuple[Participant, ...]) -> str:
    return json.dumps([{"name": p.name, "role": p.role} for p in participants], ensure_ascii=False)


class CadenceStore(StoreBase):
    def seed_defaults(self, tz: str | None = None) -> bool:
        """Insert the four default cadences, hand-offs and metrics once per file."""
        from cadence_tui import seed

        if self.get_setting("seeded"):
            return False
        zone = tz or seed.local_timezone()
        created = to_ts(self.now())
        with self.write() as conn:
            if conn.execute("SELECT value FROM settings WHERE key = 'seeded'").fetchone():
                return False  # another process seeded it first
            for pos, c in enumerate(seed.CADENCES):
                cur = conn.execute(
                    "INSERT OR IGNORE INTO cadences(key, name, purpose, rrule, anchor_date, start_time, tz,"
                    " timebox_min, participants, position, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (c.key, c.name, c.purpose, c.rule, c.anchor, c.start_time, zone, c.timebox_min,
                     participants_json(c.participants), pos, created),
                )
                if cur.rowcount:
                    conn.executemany(
                        "INSERT INTO agenda_templates(cadence_id, position, title, timebox_min) VALUES (?,?,?,?)",
                        [(cur.lastrowid, i.position, i.title, i.timebox_min) for i in c.agenda],
                    )
            for pos, h in enumerate(seed.HANDOFFS):
                conn.execute(
                    "INSERT OR IGNORE INTO handoffs(key, from_dept, to_dept, owner, packet_fields, deliverables,"
                    " timeline, success_criteria, position) VALUES (?,?,?,?,?,?,?,?,?)",
                    (h.key, h.from_dept, h.to_dept, h.owner, json.dumps(list(h.packet_fields)),
                     h.deliverables, h.timeline, h.success_criteria, pos),
                )
            for m in seed.METRICS:
                conn.execute(
                    "INSERT OR IGNORE INTO metrics(key, name, unit, owner, target, direction, cadence_keys,"
                    " description) VALUES (?,?,?,?,?,?,?,?)",
                    (m.key, m.name, m.unit, m.owner, m.target, m.direction, json.dumps(list(m.cadence_keys)),
                     m.description),
                )
            conn.execute("INSERT INTO settings(key, value) VALUES ('seeded', ?)", (created,))
        return True

    # -- reading --------------------------------------------------------------
    def list_cadences(self, *, include_archived: bool = False) -> list[Cadence]:
        where = "" if include_archived else "WHERE archived = 0"
        rows = self.query(f"SELECT {_CADENCE_COLUMNS} FROM cadences {where} ORDER BY position, id")
        return [cadence_from_row(r) for r in rows]

    def get_cadence(self, key: str) -> Cadence:
        row = self.query_one(f"SELECT {_CADENCE_COLUMNS} FROM cadences WHERE key = ?", (key,))
        if row is None:
            known = ", ".join(c.key for c in self.list_cadences())
            raise NotFound(f"unknown cadence {key!r}; known cadences: {known}")
        return cadence_from_row(row)

    def get_cadence_by_id(self, cadence_id: int) -> Cadence:
        row = self.query_one(f"SELECT {_CADENCE_COLUMNS} FROM cadences WHERE id = ?", (cadence_id,))
        if row is None:
            raise NotFound(f"no cadence with id {cadence_id}")
        return cadence_from_row(row)

    def agenda_template(self, cadence_id: int) -> list[AgendaTemplateItem]:
        rows = self.query(
            "SELECT id, position, title, timebox_min FROM agenda_templates WHERE cadence_id = ? ORDER BY position, id",
            (cadence_id,),
        )
        return [AgendaTemplateItem(r["title"], r["timebox_min"], id=r["id"], position=r["position"]) for r in rows]

    def overview(self) -> list[CadenceOverview]:
        """Everything the home screen shows, in a handful of indexed queries."""
        cadences = self.list_cadences()
        today = self.today().isoformat()
        out = []
        for c in cadences:
            last = self.scalar(
                "SELECT max(started_at) FROM meetings WHERE cadence_id = ? AND status = 'ended'", (c.id,)
            )
            running = self.scalar(
                "SELECT id FROM meetings WHERE cadence_id = ? AND status != 'ended' ORDER BY started_at DESC LIMIT 1",
                (c.id,),
            )
            open_actions = self.scalar(
                "SELECT count(*) FROM action_items WHERE status = 'open' AND cadence_id = ?", (c.id,)
            )
            overdue = self.scalar(
                "SELECT count(*) FROM action_items WHERE status = 'open' AND cadence_id = ? AND due < ?",
                (c.id, today),
            )
            blockers = self.scalar(
                "SELECT count(*) FROM blockers WHERE status = 'open' AND cadence_id = ?", (c.id,)
            )
            out.append(CadenceOverview(c, from_ts(last), running, open_actions, overdue, blockers))
        return out

    def upcoming(self, days: int = 30, *, cadence_key: str | None = None) -> list[Occurrence]:
        """Occurrences of every active cadence from now to ``days`` ahead, in time order."""
        from cadence_tui.recurrence import occurrences_between

        start = self.now()
        end = start + timedelta(days=days)
        cadences = [self.get_cadence(cadence_key)] if cadence_key else self.list_cadences()
        out = [
            Occurrence(c.key, c.name, dt, c.timebox_min)
            for c in cadences
            for dt in occurrences_between(c.schedule, start, end)
        ]
        out.sort(key=lambda o: (o.start, o.cadence_key))
        return out

    def next_occurrence(self, cadence: Cadence, after: datetime | None = None) -> datetime | None:
        from cadence_tui.recurrence import next_occurrence

        return next_occurrence(cadence.schedule, after or self.now())
