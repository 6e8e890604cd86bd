"""The shared-metric scorecard in SQL: metrics, their values, the scorecard.

Part of the start-up store (the home screen shows the scorecard); the rest of
the playbook is in ``store/playbook.py``."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from cadence_tui.core.scorecard import (
    DIRECTIONS,
    FINITE_SQL,
    FOCUS_LIMIT,
    SPARK_POINTS,
    Metric,
    MetricValue,
    ScorecardRow,
    stored_number,
)
from cadence_tui.store.base import StorePart, from_date, required_date, required_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound
from cadence_tui.store.fields import UNSET, key_field, line_field, parse_number, text_field


def metric_from_row(row: sqlite3.Row) -> Metric:
    return Metric(
        id=row["id"],
        key=row["key"],
        name=row["name"],
        unit=row["unit"],
        owner=row["owner"],
        target=stored_number(row["target"]),
        direction=row["direction"],
        cadence_keys=tuple(json.loads(row["cadence_keys"] or "[]")),
        description=row["description"],
        archived=bool(row["archived"]),
    )


class ScorecardStore(StorePart):
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
        if name is not UNSET:
            fields["name"] = line_field(name, "metric name", required=True, max_length=120)
        if unit is not UNSET:
            fields["unit"] = line_field(unit, "unit", max_length=20)
        if owner is not UNSET:
            fields["owner"] = line_field(owner, "owner", max_length=80)
        if target is not UNSET:
            fields["target"] = None if target in (None, "") else parse_number(target, "target")
        if direction is not UNSET:
            if direction not in DIRECTIONS:
                raise InvalidInput("the direction must be 'higher' or 'lower' (which way is better)")
            fields["direction"] = direction
        if cadence_keys is not UNSET:
            fields["cadence_keys"] = json.dumps(self._cadence_keys(cadence_keys))
        if description is not UNSET:
            fields["description"] = text_field(description, "description")
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
        key = key_field(key, "metric")
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
        name=UNSET,
        unit=UNSET,
        owner=UNSET,
        target=UNSET,
        direction=UNSET,
        cadence_keys=UNSET,
        description=UNSET,
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
        if isinstance(value, str) and value.strip().endswith("%") and metric.unit.strip() != "%":
            # "12%" for a metric in USD would silently record 12.
            unit = f"in {metric.unit}" if metric.unit.strip() else "not in %"
            raise InvalidInput(
                f"{value.strip()!r} has a % sign but metric {metric.key} is {unit}: give the number alone"
            )
        number = parse_number(value)
        if meeting_id is not None:
            started = self.scalar("SELECT started_at FROM meetings WHERE id = ?", (meeting_id,))
            if started is None:
                raise NotFound(f"no meeting with id {meeting_id}")
            on = required_ts(started).astimezone().date()
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
                conn.execute(
                    "UPDATE metric_values SET value = ?, created_at = ? WHERE id = ?", (number, now, existing[0])
                )
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
            f" AND {FINITE_SQL.format('value')} ORDER BY recorded_on DESC, id DESC LIMIT ?",
            (metric.id, limit),
        )
        return [
            MetricValue(r["id"], metric.key, value, required_date(r["recorded_on"]), r["meeting_id"])
            for r in reversed(rows)
            if (value := stored_number(r["value"])) is not None
        ]

    def scorecard(self, cadence_key: str | None = None) -> list[ScorecardRow]:
        """Every active metric (or those a cadence reviews) with its last 12 values."""
        out = []
        for metric in self.list_metrics():
            if cadence_key is not None and cadence_key not in metric.cadence_keys:
                continue
            rows = self.query(
                "SELECT value, recorded_on FROM metric_values WHERE metric_id = ?"
                f" AND {FINITE_SQL.format('value')} ORDER BY recorded_on DESC, id DESC LIMIT ?",
                (metric.id, SPARK_POINTS),
            )
            # A value that is not a finite number (written by another tool) is left out.
            values = tuple(float(r["value"]) for r in reversed(rows))
            out.append(ScorecardRow(metric, values, from_date(rows[0]["recorded_on"]) if rows else None))
        return out

    def meeting_metric_values(self, meeting_id: int) -> dict[str, float]:
        """Values recorded in a meeting, by metric key (for its summary and screen)."""
        rows = self.query(
            "SELECT m.key, v.value FROM metric_values v JOIN metrics m ON m.id = v.metric_id"
            " WHERE v.meeting_id = ? ORDER BY v.id",
            (meeting_id,),
        )
        return {r["key"]: value for r in rows if (value := stored_number(r["value"])) is not None}
