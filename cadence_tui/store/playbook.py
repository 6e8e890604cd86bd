"""The rest of the cross-department playbook in SQL: hand-off register,
fail-fast log, escalation across cadences and meeting ratings (the
shared-metric scorecard is ``store/scorecard.py``)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping

from cadence_tui.core.playbook import (
    Escalated,
    FailfastEntry,
    FailfastPatterns,
    Handoff,
    HandoffStatus,
    Pattern,
    QuarterRating,
    normalise_cause,
    quarter_of,
)
from cadence_tui.store.base import StorePart, from_ts, required_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound
from cadence_tui.store.fields import UNSET, key_field, line_field, text_field

PACKET_FIELDS_MAX = 20


def handoff_from_row(row: sqlite3.Row) -> Handoff:
    return Handoff(
        id=row["id"],
        key=row["key"],
        from_dept=row["from_dept"],
        to_dept=row["to_dept"],
        owner=row["owner"],
        packet_fields=tuple(json.loads(row["packet_fields"] or "[]")),
        deliverables=row["deliverables"],
        timeline=row["timeline"],
        success_criteria=row["success_criteria"],
        archived=bool(row["archived"]),
    )


def split_fields(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Packet fields typed as ``lead score, intent signals`` (or given as a list)."""
    parts = text.replace("\n", ",").split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for part in parts:
        cleaned = line_field(part, "packet field", max_length=80)
        if cleaned and cleaned.casefold() not in {p.casefold() for p in out}:
            out.append(cleaned)
    if len(out) > PACKET_FIELDS_MAX:
        raise InvalidInput(f"a packet has at most {PACKET_FIELDS_MAX} fields ({len(out)} given)")
    return tuple(out)


_FAILFAST_SELECT = (
    "SELECT f.*, h.key AS handoff_key, h.from_dept, h.to_dept, c.name AS cadence_name"
    " FROM failfast_log f JOIN handoffs h ON h.id = f.handoff_id"
    " LEFT JOIN meetings m ON m.id = f.meeting_id LEFT JOIN cadences c ON c.id = m.cadence_id"
)


def failfast_from_row(row: sqlite3.Row) -> FailfastEntry:
    return FailfastEntry(
        id=row["id"],
        handoff_key=row["handoff_key"],
        handoff_label=f"{row['from_dept']} → {row['to_dept']}",
        what=row["what"],
        cause=row["cause"],
        fix=row["fix"],
        created_at=required_ts(row["created_at"]),
        meeting_id=row["meeting_id"],
        cadence_name=row["cadence_name"],
    )


class PlaybookStore(StorePart):
    # -- hand-offs --------------------------------------------------------------
    def list_handoffs(self, *, include_archived: bool = False) -> list[Handoff]:
        where = "" if include_archived else "WHERE archived = 0"
        return [handoff_from_row(r) for r in self.query(f"SELECT * FROM handoffs {where} ORDER BY position, id")]

    def get_handoff(self, key: str | int) -> Handoff:
        if isinstance(key, int):
            row = self.query_one("SELECT * FROM handoffs WHERE id = ?", (key,))
        else:
            row = self.query_one("SELECT * FROM handoffs WHERE key = ?", (key.strip().lower(),))
        if row is None:
            known = ", ".join(h.key for h in self.list_handoffs()) or "none"
            raise NotFound(f"unknown hand-off {key!r}; known hand-offs: {known}")
        return handoff_from_row(row)

    def _handoff_fields(self, **values) -> dict:
        fields: dict = {}
        for col, what in (("from_dept", "'from' department"), ("to_dept", "'to' department")):
            if values.get(col, UNSET) is not UNSET:
                fields[col] = line_field(values[col], what, required=True, max_length=60)
        if values.get("owner", UNSET) is not UNSET:
            fields["owner"] = line_field(values["owner"], "owner", max_length=80)
        if values.get("packet_fields", UNSET) is not UNSET:
            fields["packet_fields"] = json.dumps(list(split_fields(values["packet_fields"])), ensure_ascii=False)
        for col in ("deliverables", "timeline", "success_criteria"):
            if values.get(col, UNSET) is not UNSET:
                fields[col] = text_field(values[col], col.replace("_", " "))
        return fields

    def add_handoff(
        self,
        key: str,
        from_dept: str,
        to_dept: str,
        *,
        owner: str = "",
        packet_fields: str | list[str] | tuple[str, ...] = (),
        deliverables: str = "",
        timeline: str = "",
        success_criteria: str = "",
    ) -> Handoff:
        key = key_field(key, "hand-off")
        fields = self._handoff_fields(
            from_dept=from_dept,
            to_dept=to_dept,
            owner=owner,
            packet_fields=packet_fields,
            deliverables=deliverables,
            timeline=timeline,
            success_criteria=success_criteria,
        )
        if self.scalar("SELECT 1 FROM handoffs WHERE key = ?", (key,)):
            raise InvalidInput(f"a hand-off with key {key!r} already exists")
        with self.write() as conn:
            position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM handoffs").fetchone()[0]
            cols = ", ".join(fields)
            conn.execute(
                f"INSERT INTO handoffs(key, position, {cols}) VALUES (:key, :position, "
                + ", ".join(f":{c}" for c in fields)
                + ")",
                {"key": key, "position": position, **fields},
            )
        return self.get_handoff(key)

    def update_handoff(
        self,
        key: str,
        *,
        from_dept=UNSET,
        to_dept=UNSET,
        owner=UNSET,
        packet_fields=UNSET,
        deliverables=UNSET,
        timeline=UNSET,
        success_criteria=UNSET,
    ) -> Handoff:
        """Change a hand-off's owner, packet fields or agreement; only what is given changes."""
        handoff = self.get_handoff(key)
        fields = self._handoff_fields(
            from_dept=from_dept,
            to_dept=to_dept,
            owner=owner,
            packet_fields=packet_fields,
            deliverables=deliverables,
            timeline=timeline,
            success_criteria=success_criteria,
        )
        if fields:
            sets = ", ".join(f"{col} = :{col}" for col in fields)
            with self.write() as conn:
                conn.execute(f"UPDATE handoffs SET {sets} WHERE id = :id", {**fields, "id": handoff.id})
        return self.get_handoff(handoff.id)

    def handoff_quarters(self, handoff_id: int) -> list[QuarterRating]:
        """Relationship-health ratings of a hand-off, averaged per quarter, oldest first."""
        rows = self.query(
            "SELECT m.started_at, r.rating FROM health_ratings r JOIN meetings m ON m.id = r.meeting_id"
            " WHERE r.handoff_id = ? ORDER BY m.started_at",
            (handoff_id,),
        )
        groups: dict[str, list[int]] = {}
        for r in rows:
            groups.setdefault(quarter_of(required_ts(r["started_at"]).astimezone().date()), []).append(r["rating"])
        return [QuarterRating(q, sum(v) / len(v), len(v)) for q, v in groups.items()]

    def handoff_register(self) -> list[HandoffStatus]:
        """Each hand-off with its failure count and latest rating side by side."""
        failures = {
            r["handoff_id"]: (r["n"], from_ts(r["last"]))
            for r in self.query(
                "SELECT handoff_id, count(*) AS n, max(created_at) AS last FROM failfast_log GROUP BY handoff_id"
            )
        }
        out = []
        for h in self.list_handoffs():
            latest = self.query_one(
                "SELECT r.rating, m.started_at FROM health_ratings r JOIN meetings m ON m.id = r.meeting_id"
                " WHERE r.handoff_id = ? ORDER BY m.started_at DESC LIMIT 1",
                (h.id,),
            )
            count, last = failures.get(h.id, (0, None))
            out.append(
                HandoffStatus(
                    handoff=h,
                    failures=count,
                    last_failure=last,
                    latest_rating=latest["rating"] if latest else None,
                    latest_rating_on=required_ts(latest["started_at"]).astimezone().date() if latest else None,
                    quarters=tuple(self.handoff_quarters(h.id)),
                )
            )
        return out

    # -- fail-fast log ------------------------------------------------------------
    def log_failfast(
        self,
        handoff_key: str,
        what: str,
        *,
        cause: str = "",
        fix: str = "",
        meeting_id: int | None = None,
    ) -> FailfastEntry:
        """Record a hand-off that broke down: which, what happened, why, and the fix."""
        handoff = self.get_handoff(handoff_key)
        what = line_field(what, "description of what happened", required=True, max_length=500)
        cause = line_field(cause, "cause", max_length=120)
        fix = line_field(fix, "fix", max_length=500)
        if meeting_id is not None and self.scalar("SELECT 1 FROM meetings WHERE id = ?", (meeting_id,)) is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO failfast_log(handoff_id, meeting_id, what, cause, fix, created_at) VALUES (?,?,?,?,?,?)",
                (handoff.id, meeting_id, what, cause, fix, to_ts(self.now())),
            )
        return self.failfast_entries(entry_id=cur.lastrowid)[0]

    def failfast_entries(
        self,
        *,
        handoff_key: str | None = None,
        cause: str | None = None,
        meeting_id: int | None = None,
        entry_id: int | None = None,
        limit: int | None = 200,
    ) -> list[FailfastEntry]:
        """Entries, newest first. ``cause`` matches regardless of case and spacing."""
        where, args = [], []
        if entry_id is not None:
            where.append("f.id = ?")
            args.append(entry_id)
        if handoff_key is not None:
            where.append("f.handoff_id = ?")
            args.append(self.get_handoff(handoff_key).id)
        if meeting_id is not None:
            where.append("f.meeting_id = ?")
            args.append(meeting_id)
        sql = _FAILFAST_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY f.created_at DESC, f.id DESC"
        entries = [failfast_from_row(r) for r in self.query(sql, tuple(args))]
        if cause is not None:
            wanted = normalise_cause(cause)
            entries = [e for e in entries if normalise_cause(e.cause) == wanted]
        return entries[:limit] if limit is not None else entries

    def failfast_patterns(self) -> FailfastPatterns:
        """The log grouped by hand-off and by cause, most frequent first."""
        rows = self.query(
            "SELECT f.handoff_id, f.cause, f.created_at, h.from_dept, h.to_dept"
            " FROM failfast_log f JOIN handoffs h ON h.id = f.handoff_id ORDER BY f.id"
        )
        by_handoff: dict[str, list] = defaultdict(list)
        by_cause: dict[str, list] = defaultdict(list)
        cause_label: dict[str, str] = {}
        for r in rows:
            handoff = f"{r['from_dept']} → {r['to_dept']}"
            norm = normalise_cause(r["cause"]) or "(no cause given)"
            cause_label.setdefault(norm, " ".join(r["cause"].split()) or "(no cause given)")
            by_handoff[handoff].append((cause_label[norm], r["created_at"]))
            by_cause[norm].append((handoff, r["created_at"]))

        def patterns(groups: dict[str, list], label_of) -> tuple[Pattern, ...]:
            out = []
            for key, items in groups.items():
                inner: dict[str, int] = defaultdict(int)
                for sub, _ in items:
                    inner[sub] += 1
                detail = tuple(sorted(inner.items(), key=lambda kv: (-kv[1], kv[0])))[:3]
                out.append(Pattern(label_of(key), len(items), required_ts(max(t for _, t in items)), detail))
            out.sort(key=lambda p: (-p.count, -p.last.timestamp(), p.label))
            return tuple(out)

        return FailfastPatterns(
            by_handoff=patterns(by_handoff, lambda k: k),
            by_cause=patterns(by_cause, lambda k: cause_label[k]),
            total=len(rows),
        )

    def failfast_causes(self) -> list[str]:
        """Causes already used, most frequent first (suggestions keep the groups tidy)."""
        return [p.label for p in self.failfast_patterns().by_cause if p.label != "(no cause given)"]

    # -- escalation -----------------------------------------------------------------
    def _escalation_target(self, from_cadence_id: int, to_cadence_key: str | None) -> int | None:
        if to_cadence_key is None:
            return None
        target = self.store.cadences.get_cadence(to_cadence_key)
        if target.id == from_cadence_id:
            raise InvalidInput(f"it already belongs to {target.name}; escalate it to another cadence")
        return target.id

    def escalate_blocker(self, blocker_id: int, to_cadence_key: str | None) -> Escalated:
        """Send a blocker to another cadence's next meeting (``None`` takes it back).
        It stays one row: resolving it anywhere resolves it everywhere."""
        row = self.query_one("SELECT cadence_id, status FROM blockers WHERE id = ?", (blocker_id,))
        if row is None:
            raise NotFound(f"no blocker with id {blocker_id}")
        if row["status"] != "open" and to_cadence_key is not None:
            raise InvalidInput("the blocker is already resolved; only open blockers can be escalated")
        target = self._escalation_target(row["cadence_id"], to_cadence_key)
        with self.write() as conn:
            conn.execute("UPDATE blockers SET escalated_to_cadence_id = ? WHERE id = ?", (target, blocker_id))
        return self._escalated("blocker", blocker_id)

    def escalate_action(self, action_id: int, to_cadence_key: str | None) -> Escalated:
        """Send an action item to another cadence's next meeting (``None`` takes it back)."""
        row = self.query_one("SELECT cadence_id, status FROM action_items WHERE id = ?", (action_id,))
        if row is None:
            raise NotFound(f"no action item with id {action_id}")
        if row["status"] != "open" and to_cadence_key is not None:
            raise InvalidInput(f"the action item is already {row['status']}; only open items can be escalated")
        target = self._escalation_target(row["cadence_id"], to_cadence_key)
        with self.write() as conn:
            conn.execute("UPDATE action_items SET escalated_to_cadence_id = ? WHERE id = ?", (target, action_id))
        return self._escalated("action", action_id)

    _ESCALATED_SQL = {
        "blocker": (
            "SELECT 'blocker' AS kind, b.id, b.what AS text, b.unblocker AS owner, b.status, b.created_at,"
            " c.name AS from_name, t.name AS to_name FROM blockers b JOIN cadences c ON c.id = b.cadence_id"
            " LEFT JOIN cadences t ON t.id = b.escalated_to_cadence_id"
        ),
        "action": (
            "SELECT 'action' AS kind, a.id, a.title AS text, a.owner, a.status, a.created_at,"
            " c.name AS from_name, t.name AS to_name FROM action_items a JOIN cadences c ON c.id = a.cadence_id"
            " LEFT JOIN cadences t ON t.id = a.escalated_to_cadence_id"
        ),
    }

    @staticmethod
    def _escalated_from_row(r: sqlite3.Row) -> Escalated:
        return Escalated(
            r["kind"],
            r["id"],
            r["text"],
            r["owner"],
            r["status"],
            r["from_name"],
            r["to_name"] or "",
            required_ts(r["created_at"]),
        )

    def _escalated(self, kind: str, item_id: int) -> Escalated:
        alias = "b" if kind == "blocker" else "a"
        row = self.query_one(f"{self._ESCALATED_SQL[kind]} WHERE {alias}.id = ?", (item_id,))
        if row is None:
            raise NotFound(f"no {kind} with id {item_id}")
        return self._escalated_from_row(row)

    def escalated_to(self, cadence_key: str, *, open_only: bool = True) -> list[Escalated]:
        """Blockers and action items other cadences escalated to this one."""
        cid = self.store.cadences.get_cadence(cadence_key).id
        status = " AND {t}.status = 'open'" if open_only else ""
        return self._escalated_where("{t}.escalated_to_cadence_id = ?" + status, cid, order="created_at")

    def escalations_from_meeting(self, meeting_id: int) -> list[Escalated]:
        """What a meeting raised and escalated elsewhere (its summary says where it went)."""
        return self._escalated_where(
            "{t}.meeting_id = ? AND {t}.escalated_to_cadence_id IS NOT NULL", meeting_id, order="id"
        )

    def _escalated_where(self, where: str, arg: int, *, order: str) -> list[Escalated]:
        """Escalated blockers, then action items, matching ``where`` ({t}: the table's alias)."""
        out: list[Escalated] = []
        for kind, alias in (("blocker", "b"), ("action", "a")):
            rows = self.query(
                f"{self._ESCALATED_SQL[kind]} WHERE {where.format(t=alias)} ORDER BY {alias}.{order}", (arg,)
            )
            out.extend(self._escalated_from_row(r) for r in rows)
        return out

    # -- meeting ratings ----------------------------------------------------------------
    def present_attendees(self, meeting_id: int) -> list[str]:
        return [
            r[0]
            for r in self.query(
                "SELECT person FROM attendance WHERE meeting_id = ? AND present = 1 ORDER BY rowid", (meeting_id,)
            )
        ]

    def rate_meeting(self, meeting_id: int, ratings: dict[str, int | str | None]) -> dict[str, int]:
        """Store each present attendee's 1–10 rating (``None``/empty skips a person).
        All ratings are checked before any is written."""
        present = set(self.present_attendees(meeting_id))
        if not present and self.scalar("SELECT 1 FROM meetings WHERE id = ?", (meeting_id,)) is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        clean = check_meeting_ratings(ratings, present)
        if clean:
            with self.write() as conn:
                conn.executemany(
                    "INSERT INTO meeting_ratings(meeting_id, person, rating) VALUES (?,?,?)"
                    " ON CONFLICT(meeting_id, person) DO UPDATE SET rating = excluded.rating",
                    [(meeting_id, p, v) for p, v in clean.items()],
                )
        return self.meeting_ratings(meeting_id)

    def meeting_ratings(self, meeting_id: int) -> dict[str, int]:
        return {
            r[0]: r[1]
            for r in self.query(
                "SELECT person, rating FROM meeting_ratings WHERE meeting_id = ? ORDER BY person", (meeting_id,)
            )
        }


def check_meeting_ratings(ratings: Mapping[str, int | str | None], present: set[str] | None = None) -> dict[str, int]:
    """Each rating given, 1–10 (``None``/empty skips a person); ``present``:
    who may rate (None: not checked here, e.g. a form built from that list)."""
    clean: dict[str, int] = {}
    for person, rating in ratings.items():
        if rating is None or (isinstance(rating, str) and not rating.strip()):
            continue
        if present is not None and person not in present:
            raise InvalidInput(f"{person} was not present at this meeting; only attendees present rate it")
        try:
            value = int(str(rating).strip())
        except ValueError:
            raise InvalidInput(f"{person}'s rating must be a whole number from 1 to 10") from None
        if not 1 <= value <= 10:
            raise InvalidInput(f"{person}'s rating must be from 1 to 10, not {value}")
        clean[person] = value
    return clean
