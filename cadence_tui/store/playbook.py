"""The cross-department playbook: shared-metric scorecard, hand-off register,
fail-fast log, escalation across cadences and meeting ratings."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections import defaultdict
from datetime import date

from cadence_tui.playbook import (
    DIRECTIONS,
    FOCUS_LIMIT,
    SPARK_POINTS,
    Escalated,
    FailfastEntry,
    FailfastPatterns,
    Handoff,
    HandoffStatus,
    Metric,
    MetricValue,
    Pattern,
    QuarterRating,
    ScorecardRow,
    normalise_cause,
    quarter_of,
)
from cadence_tui.store.base import StoreBase, from_date, from_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound
from cadence_tui.textsafe import clean_line, strip_control

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
LINE_MAX = 200
TEXT_MAX = 2000
PACKET_FIELDS_MAX = 20
_UNSET = object()


def _line(value: str, what: str, *, required: bool = False, max_length: int = LINE_MAX) -> str:
    try:
        cleaned = clean_line(value, max_length=max_length)
    except ValueError as exc:
        raise InvalidInput(f"the {what} {exc}") from None
    if required and not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    return cleaned


def _text(value: str, what: str, *, required: bool = False) -> str:
    cleaned = strip_control(value, multiline=True).strip()
    if required and not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    if len(cleaned) > TEXT_MAX:
        raise InvalidInput(f"the {what} is too long ({len(cleaned):,} characters; at most {TEXT_MAX:,})")
    return cleaned


def _key(value: str, what: str) -> str:
    key = value.strip().lower()
    if not KEY_RE.match(key):
        raise InvalidInput(
            f"the {what} key {value!r} must be 1–40 lowercase letters, digits or dashes (e.g. 'cac')"
        )
    return key


def parse_number(value: str | float | int, what: str = "value") -> float:
    """A metric value or target typed by a user: ``1200``, ``1,200.5``, ``-3``, ``12%``."""
    if isinstance(value, bool):
        raise InvalidInput(f"the {what} must be a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = strip_control(value).strip().replace(",", "").replace("_", "").rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise InvalidInput(f"the {what} must be a number (e.g. 1200 or 12.5), not {value!r}") from None
    if not math.isfinite(number):
        raise InvalidInput(f"the {what} must be a finite number")
    return number


def metric_from_row(row: sqlite3.Row) -> Metric:
    return Metric(
        id=row["id"],
        key=row["key"],
        name=row["name"],
        unit=row["unit"],
        owner=row["owner"],
        target=row["target"],
        direction=row["direction"],
        cadence_keys=tuple(json.loads(row["cadence_keys"] or "[]")),
        description=row["description"],
        archived=bool(row["archived"]),
    )


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
        cleaned = _line(part, "packet field", max_length=80)
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
        created_at=from_ts(row["created_at"]),
        meeting_id=row["meeting_id"],
        cadence_name=row["cadence_name"],
    )


class PlaybookStore(StoreBase):
    # -- metrics --------------------------------------------------------------
    def list_metrics(self, *, include_archived: bool = False) -> list[Metric]:
        where = "" if include_archived else "WHERE archived = 0"
        return [metric_from_row(r) for r in self.query(f"SELECT * FROM metrics {where} ORDER BY id")]

    def get_metric(self, key: str) -> Metric:
        row = self.query_one("SELECT * FROM metrics WHERE key = ?", (key.strip().lower(),))
        if row is None:
            known = ", ".join(m.key for m in self.list_metrics()) or "none"
            raise NotFound(f"unknown metric {key!r}; known metrics: {known}")
        return metric_from_row(row)

    def _cadence_keys(self, keys: list[str] | tuple[str, ...]) -> list[str]:
        known = {r[0] for r in self.query("SELECT key FROM cadences")}
        out = []
        for k in keys:
            k = k.strip()
            if not k:
                continue
            if k not in known:
                raise InvalidInput(f"unknown cadence {k!r}; known cadences: {', '.join(sorted(known))}")
            if k not in out:
                out.append(k)
        return out

    def _metric_fields(self, name, unit, owner, target, direction, cadence_keys, description) -> dict:
        fields: dict = {}
        if name is not _UNSET:
            fields["name"] = _line(name, "metric name", required=True, max_length=120)
        if unit is not _UNSET:
            fields["unit"] = _line(unit, "unit", max_length=20)
        if owner is not _UNSET:
            fields["owner"] = _line(owner, "owner", max_length=80)
        if target is not _UNSET:
            fields["target"] = None if target in (None, "") else parse_number(target, "target")
        if direction is not _UNSET:
            if direction not in DIRECTIONS:
                raise InvalidInput("the direction must be 'higher' or 'lower' (which way is better)")
            fields["direction"] = direction
        if cadence_keys is not _UNSET:
            fields["cadence_keys"] = json.dumps(self._cadence_keys(cadence_keys))
        if description is not _UNSET:
            fields["description"] = _text(description, "description")
        return fields

    def add_metric(
        self,
        key: str,
        name: str,
        *,
        unit: str = "",
        owner: str = "",
        target: float | str | None = None,
        direction: str = "higher",
        cadence_keys: list[str] | tuple[str, ...] = (),
        description: str = "",
    ) -> Metric:
        """Add a shared metric. More than three active metrics is allowed:
        :meth:`focus_warning` says so, the store does not refuse."""
        key = _key(key, "metric")
        fields = self._metric_fields(name, unit, owner, target, direction, cadence_keys, description)
        if self.scalar("SELECT 1 FROM metrics WHERE key = ?", (key,)):
            raise InvalidInput(f"a metric with key {key!r} already exists")
        with self.write() as conn:
            conn.execute(
                "INSERT INTO metrics(key, name, unit, owner, target, direction, cadence_keys, description)"
                " VALUES (:key, :name, :unit, :owner, :target, :direction, :cadence_keys, :description)",
                {"key": key, **fields},
            )
        return self.get_metric(key)

    def update_metric(
        self,
        key: str,
        *,
        name=_UNSET,
        unit=_UNSET,
        owner=_UNSET,
        target=_UNSET,
        direction=_UNSET,
        cadence_keys=_UNSET,
        description=_UNSET,
    ) -> Metric:
        metric = self.get_metric(key)
        fields = self._metric_fields(name, unit, owner, target, direction, cadence_keys, description)
        if fields:
            sets = ", ".join(f"{col} = :{col}" for col in fields)
            with self.write() as conn:
                conn.execute(f"UPDATE metrics SET {sets} WHERE id = :id", {**fields, "id": metric.id})
        return self.get_metric(metric.key)

    def archive_metric(self, key: str, archived: bool = True) -> Metric:
        metric = self.get_metric(key)
        with self.write() as conn:
            conn.execute("UPDATE metrics SET archived = ? WHERE id = ?", (int(archived), metric.id))
        return self.get_metric(metric.key)

    def focus_warning(self) -> str | None:
        """A warning (never a refusal) when the scorecard holds more than three metrics."""
        active = self.scalar("SELECT count(*) FROM metrics WHERE archived = 0")
        if active > FOCUS_LIMIT:
            return (
                f"{active} active metrics: a shared scorecard works best with {FOCUS_LIMIT} or fewer "
                "(archive one to keep the focus)"
            )
        return None

    def record_metric_value(
        self,
        key: str,
        value: float | str,
        *,
        meeting_id: int | None = None,
        on: date | None = None,
    ) -> MetricValue:
        """Record a value: in a meeting (dated by the meeting, one value per
        metric and meeting: recording again corrects it) or for a date."""
        metric = self.get_metric(key)
        number = parse_number(value)
        if meeting_id is not None:
            started = self.scalar("SELECT started_at FROM meetings WHERE id = ?", (meeting_id,))
            if started is None:
                raise NotFound(f"no meeting with id {meeting_id}")
            on = from_ts(started).astimezone().date()
        elif on is None:
            on = self.today()
        now = to_ts(self.now())
        with self.write() as conn:
            existing = None
            if meeting_id is not None:
                existing = conn.execute(
                    "SELECT id FROM metric_values WHERE metric_id = ? AND meeting_id = ? ORDER BY id DESC LIMIT 1",
                    (metric.id, meeting_id),
                ).fetchone()
            if existing:
                conn.execute("UPDATE metric_values SET value = ?, created_at = ? WHERE id = ?",
                             (number, now, existing[0]))
                value_id = existing[0]
            else:
                cur = conn.execute(
                    "INSERT INTO metric_values(metric_id, meeting_id, value, recorded_on, created_at)"
                    " VALUES (?,?,?,?,?)",
                    (metric.id, meeting_id, number, on.isoformat(), now),
                )
                value_id = cur.lastrowid
        return MetricValue(value_id, metric.key, number, on, meeting_id)

    def metric_history(self, key: str, limit: int = SPARK_POINTS) -> list[MetricValue]:
        """The last ``limit`` values, oldest first."""
        metric = self.get_metric(key)
        rows = self.query(
            "SELECT id, value, recorded_on, meeting_id FROM metric_values WHERE metric_id = ?"
            " ORDER BY recorded_on DESC, id DESC LIMIT ?",
            (metric.id, limit),
        )
        return [MetricValue(r["id"], metric.key, r["value"], from_date(r["recorded_on"]), r["meeting_id"])
                for r in reversed(rows)]

    def scorecard(self, cadence_key: str | None = None) -> list[ScorecardRow]:
        """Every active metric (or those a cadence reviews) with its last 12 values."""
        out = []
        for metric in self.list_metrics():
            if cadence_key is not None and cadence_key not in metric.cadence_keys:
                continue
            rows = self.query(
                "SELECT value, recorded_on FROM metric_values WHERE metric_id = ?"
                " ORDER BY recorded_on DESC, id DESC LIMIT ?",
                (metric.id, SPARK_POINTS),
            )
            values = tuple(r["value"] for r in reversed(rows))
            out.append(ScorecardRow(metric, values, from_date(rows[0]["recorded_on"]) if rows else None))
        return out

    def meeting_metric_values(self, meeting_id: int) -> dict[str, float]:
        """Values recorded in a meeting, by metric key (for its summary and screen)."""
        rows = self.query(
            "SELECT m.key, v.value FROM metric_values v JOIN metrics m ON m.id = v.metric_id"
            " WHERE v.meeting_id = ? ORDER BY v.id",
            (meeting_id,),
        )
        return {r["key"]: r["value"] for r in rows}

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
            if values.get(col, _UNSET) is not _UNSET:
                fields[col] = _line(values[col], what, required=True, max_length=60)
        if values.get("owner", _UNSET) is not _UNSET:
            fields["owner"] = _line(values["owner"], "owner", max_length=80)
        if values.get("packet_fields", _UNSET) is not _UNSET:
            fields["packet_fields"] = json.dumps(list(split_fields(values["packet_fields"])), ensure_ascii=False)
        for col in ("deliverables", "timeline", "success_criteria"):
            if values.get(col, _UNSET) is not _UNSET:
                fields[col] = _text(values[col], col.replace("_", " "))
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
        key = _key(key, "hand-off")
        fields = self._handoff_fields(
            from_dept=from_dept, to_dept=to_dept, owner=owner, packet_fields=packet_fields,
            deliverables=deliverables, timeline=timeline, success_criteria=success_criteria,
        )
        if self.scalar("SELECT 1 FROM handoffs WHERE key = ?", (key,)):
            raise InvalidInput(f"a hand-off with key {key!r} already exists")
        with self.write() as conn:
            position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM handoffs").fetchone()[0]
            cols = ", ".join(fields)
            conn.execute(
                f"INSERT INTO handoffs(key, position, {cols}) VALUES (:key, :position, "
                + ", ".join(f":{c}" for c in fields) + ")",
                {"key": key, "position": position, **fields},
            )
        return self.get_handoff(key)

    def update_handoff(
        self,
        key: str,
        *,
        from_dept=_UNSET,
        to_dept=_UNSET,
        owner=_UNSET,
        packet_fields=_UNSET,
        deliverables=_UNSET,
        timeline=_UNSET,
        success_criteria=_UNSET,
    ) -> Handoff:
        """Change a hand-off's owner, packet fields or agreement; only what is given changes."""
        handoff = self.get_handoff(key)
        fields = self._handoff_fields(
            from_dept=from_dept, to_dept=to_dept, owner=owner, packet_fields=packet_fields,
            deliverables=deliverables, timeline=timeline, success_criteria=success_criteria,
        )
        if fields:
            sets = ", ".join(f"{col} = :{col}" for col in fields)
            with self.write() as conn:
                conn.execute(f"UPDATE handoffs SET {sets} WHERE id = :id", {**fields, "id": handoff.id})
        return self.get_handoff(handoff.id)

    def archive_handoff(self, key: str, archived: bool = True) -> Handoff:
        handoff = self.get_handoff(key)
        with self.write() as conn:
            conn.execute("UPDATE handoffs SET archived = ? WHERE id = ?", (int(archived), handoff.id))
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
            groups.setdefault(quarter_of(from_ts(r["started_at"]).astimezone().date()), []).append(r["rating"])
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
            out.append(HandoffStatus(
                handoff=h,
                failures=count,
                last_failure=last,
                latest_rating=latest["rating"] if latest else None,
                latest_rating_on=from_ts(latest["started_at"]).astimezone().date() if latest else None,
                quarters=tuple(self.handoff_quarters(h.id)),
            ))
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
        what = _line(what, "description of what happened", required=True, max_length=500)
        cause = _line(cause, "cause", max_length=120)
        fix = _line(fix, "fix", max_length=500)
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
            " FROM failfast_log f JOIN handoffs h ON h.id = f.handoff_id"
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
                out.append(Pattern(label_of(key), len(items), from_ts(max(t for _, t in items)), detail))
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
        target = self.get_cadence(to_cadence_key)  # type: ignore[attr-defined]
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
        return Escalated(r["kind"], r["id"], r["text"], r["owner"], r["status"], r["from_name"],
                         r["to_name"] or "", from_ts(r["created_at"]))

    def _escalated(self, kind: str, item_id: int) -> Escalated:
        alias = "b" if kind == "blocker" else "a"
        row = self.query_one(f"{self._ESCALATED_SQL[kind]} WHERE {alias}.id = ?", (item_id,))
        return self._escalated_from_row(row)

    def escalated_to(self, cadence_key: str, *, open_only: bool = True) -> list[Escalated]:
        """Blockers and action items other cadences escalated to this one."""
        cid = self.get_cadence(cadence_key).id  # type: ignore[attr-defined]
        out = []
        for kind, alias in (("blocker", "b"), ("action", "a")):
            status = f" AND {alias}.status = 'open'" if open_only else ""
            rows = self.query(
                f"{self._ESCALATED_SQL[kind]} WHERE {alias}.escalated_to_cadence_id = ?{status}"
                f" ORDER BY {alias}.created_at",
                (cid,),
            )
            out.extend(self._escalated_from_row(r) for r in rows)
        return out

    def escalations_from_meeting(self, meeting_id: int) -> list[Escalated]:
        """What a meeting raised and escalated elsewhere (its summary says where it went)."""
        out = []
        for kind, alias in (("blocker", "b"), ("action", "a")):
            rows = self.query(
                f"{self._ESCALATED_SQL[kind]} WHERE {alias}.meeting_id = ?"
                f" AND {alias}.escalated_to_cadence_id IS NOT NULL ORDER BY {alias}.id",
                (meeting_id,),
            )
            out.extend(self._escalated_from_row(r) for r in rows)
        return out

    # -- meeting ratings ----------------------------------------------------------------
    def present_attendees(self, meeting_id: int) -> list[str]:
        return [r[0] for r in self.query(
            "SELECT person FROM attendance WHERE meeting_id = ? AND present = 1 ORDER BY rowid", (meeting_id,)
        )]

    def rate_meeting(self, meeting_id: int, ratings: dict[str, int | str | None]) -> dict[str, int]:
        """Store each present attendee's 1–10 rating (``None``/empty skips a person).
        All ratings are checked before any is written."""
        present = set(self.present_attendees(meeting_id))
        if not present and self.scalar("SELECT 1 FROM meetings WHERE id = ?", (meeting_id,)) is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        clean: dict[str, int] = {}
        for person, rating in ratings.items():
            if rating is None or (isinstance(rating, str) and not rating.strip()):
                continue
            if person not in present:
                raise InvalidInput(f"{person} was not present at this meeting; only attendees present rate it")
            try:
                value = int(str(rating).strip())
            except ValueError:
                raise InvalidInput(f"{person}'s rating must be a whole number from 1 to 10") from None
            if not 1 <= value <= 10:
                raise InvalidInput(f"{person}'s rating must be from 1 to 10, not {value}")
            clean[person] = value
        if clean:
            with self.write() as conn:
                conn.executemany(
                    "INSERT INTO meeting_ratings(meeting_id, person, rating) VALUES (?,?,?)"
                    " ON CONFLICT(meeting_id, person) DO UPDATE SET rating = excluded.rating",
                    [(meeting_id, p, v) for p, v in clean.items()],
                )
        return self.meeting_ratings(meeting_id)

    def meeting_ratings(self, meeting_id: int) -> dict[str, int]:
        return {r[0]: r[1] for r in self.query(
            "SELECT person, rating FROM meeting_ratings WHERE meeting_id = ? ORDER BY person", (meeting_id,)
        )}
