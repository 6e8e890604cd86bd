"""Reading what the time statistics need: the last N ended meetings of a
cadence and their agenda, attendance, ratings and action items. Each query
walks an index (meetings by cadence and start, children by meeting id)."""

from __future__ import annotations

from cadence_tui.core.stats import (
    DEFAULT_LAST,
    MAX_MINUTES,
    MAX_SECONDS,
    ActionRecord,
    CadenceStats,
    ItemRecord,
    MeetingRecord,
    bounded,
    compute_stats,
)
from cadence_tui.store.base import StorePart, from_date, from_ts, required_ts
from cadence_tui.store.errors import InvalidInput


class StatsStore(StorePart):
    def cadence_stats(self, cadence_key: str, last: int = DEFAULT_LAST) -> CadenceStats:
        """Statistics of a cadence over its last ``last`` ended meetings."""
        if not 1 <= last <= 1000:
            raise InvalidInput("the number of meetings must be between 1 and 1000")
        cadence = self.store.cadences.get_cadence(cadence_key)
        rows = self.query(
            "SELECT id, started_at, ended_at, paused_seconds, timebox_min FROM meetings"
            " WHERE cadence_id = ? AND status = 'ended' AND ended_at IS NOT NULL"
            " ORDER BY started_at DESC LIMIT ?",
            (cadence.id, last),
        )
        if not rows:
            return compute_stats(cadence.key, cadence.name, [], [], last_n=last)
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        items: dict[int, list[ItemRecord]] = {i: [] for i in ids}
        for r in self.query(
            f"SELECT meeting_id, position, title, timebox_min, elapsed_seconds FROM agenda_items"
            f" WHERE meeting_id IN ({marks})",
            tuple(ids),
        ):
            items[r["meeting_id"]].append(
                ItemRecord(
                    r["title"],
                    int(bounded(r["timebox_min"], MAX_MINUTES)),
                    bounded(r["elapsed_seconds"], MAX_SECONDS),
                    r["position"],
                )
            )
        attendance = {
            r["meeting_id"]: (r["invited"], r["present"])
            for r in self.query(
                f"SELECT meeting_id, count(*) AS invited, sum(present) AS present FROM attendance"
                f" WHERE meeting_id IN ({marks}) GROUP BY meeting_id",
                tuple(ids),
            )
        }
        ratings: dict[int, list[int]] = {i: [] for i in ids}
        for r in self.query(
            f"SELECT meeting_id, rating FROM meeting_ratings WHERE meeting_id IN ({marks})", tuple(ids)
        ):
            ratings[r["meeting_id"]].append(r["rating"])
        meetings = [
            MeetingRecord(
                id=r["id"],
                started_at=required_ts(r["started_at"]),
                ended_at=required_ts(r["ended_at"]),
                timebox_min=int(bounded(r["timebox_min"], MAX_MINUTES)),
                paused_seconds=bounded(r["paused_seconds"], MAX_SECONDS),
                items=tuple(sorted(items[r["id"]], key=lambda i: i.position)),
                invited=attendance.get(r["id"], (0, 0))[0],
                present=attendance.get(r["id"], (0, 0))[1] or 0,
                ratings=tuple(ratings[r["id"]]),
            )
            for r in rows
        ]
        actions = [
            ActionRecord(required_ts(r["created_at"]), from_date(r["due"]), r["status"], from_ts(r["closed_at"]))
            for r in self.query(
                f"SELECT created_at, due, status, closed_at FROM action_items WHERE meeting_id IN ({marks})",
                tuple(ids),
            )
        ]
        return compute_stats(cadence.key, cadence.name, meetings, actions, last_n=last)

    def all_cadence_stats(self, last: int = DEFAULT_LAST) -> list[CadenceStats]:
        return [self.cadence_stats(c.key, last) for c in self.store.cadences.list_cadences()]
