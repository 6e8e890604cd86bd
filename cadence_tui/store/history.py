"""Past meetings, newest first, and full-text search over what they recorded.

Both lists are keyset paged (``before=key`` gives the next, older page) so the
history screen never reads more than a page, whatever the size of the file.
Search runs on ``search_index`` (schema v2, kept in step by triggers) in its
rowid order, newest record first, so a common word costs no sort.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cadence_tui.store.base import StorePart, from_ts, required_ts
from cadence_tui.store.errors import NotFound

HISTORY_PAGE = 64


@dataclass(frozen=True)
class MeetingRecord:
    """One past meeting as the history list shows it."""

    id: int
    cadence_key: str
    cadence_name: str
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: float | None
    timebox_min: int
    actions: int
    decisions: int
    notes: int
    blockers: int

    @property
    def key(self) -> tuple:
        return (self.started_at_text, self.id)

    @property
    def started_at_text(self) -> str:
        return self.started_at.isoformat()

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "cadence": self.cadence_key,
            "name": self.cadence_name,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "duration_min": round(self.duration_seconds / 60, 1) if self.duration_seconds is not None else None,
            "timebox_min": self.timebox_min,
            "actions": self.actions,
            "decisions": self.decisions,
            "notes": self.notes,
            "blockers": self.blockers,
        }


@dataclass(frozen=True)
class SearchHit:
    """A record whose text matched, with the meeting it was made in."""

    rowid: int
    kind: str  # action | decision | note | blocker
    record_id: int
    text: str
    meeting_id: int
    cadence_key: str
    cadence_name: str
    started_at: datetime

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.record_id,
            "text": self.text,
            "meeting_id": self.meeting_id,
            "cadence": self.cadence_key,
            "started_at": self.started_at.isoformat(),
        }


_MEETING_SELECT = """
SELECT m.id, m.started_at, m.ended_at, m.paused_seconds, m.timebox_min, c.key AS cadence_key, c.name AS cadence_name,
    (SELECT count(*) FROM action_items x WHERE x.meeting_id = m.id) AS n_actions,
    (SELECT count(*) FROM decisions x WHERE x.meeting_id = m.id) AS n_decisions,
    (SELECT count(*) FROM notes x WHERE x.meeting_id = m.id) AS n_notes,
    (SELECT count(*) FROM blockers x WHERE x.meeting_id = m.id) AS n_blockers
FROM meetings m JOIN cadences c ON c.id = m.cadence_id
"""


class HistoryStore(StorePart):
    def _history_cadence_id(self, key: str) -> int:
        cid = self.scalar("SELECT id FROM cadences WHERE key = ?", (key,))
        if cid is None:
            raise NotFound(f"unknown cadence {key!r}")
        return int(cid)

    def past_meetings(
        self,
        cadence_key: str | None = None,
        *,
        before: tuple | None = None,
        after: tuple | None = None,
        oldest: bool = False,
        limit: int = HISTORY_PAGE,
    ) -> list[MeetingRecord]:
        """Ended meetings, newest first. ``before=key``: the older ones after a
        row already shown; ``after=key``: the newer ones above it; ``oldest``:
        the last page. Always returned newest first."""
        where, args = ["m.status = 'ended'"], []
        if cadence_key:
            where.append("m.cadence_id = ?")
            args.append(self._history_cadence_id(cadence_key))
        if before is not None:
            # Expanded row value: the started_at term bounds the index range.
            where.append("m.started_at <= ? AND (m.started_at < ? OR m.id < ?)")
            args += [before[0], before[0], before[1]]
        ascending = after is not None or (oldest and before is None)
        if after is not None:
            where.append("m.started_at >= ? AND (m.started_at > ? OR m.id > ?)")
            args += [after[0], after[0], after[1]]
        order = "m.started_at, m.id" if ascending else "m.started_at DESC, m.id DESC"
        sql = f"{_MEETING_SELECT} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
        args.append(max(1, int(limit)))
        records = [_record(r) for r in self.query(sql, tuple(args))]
        if ascending:
            records.reverse()
        return records

    def count_past_meetings(self, cadence_key: str | None = None) -> int:
        if cadence_key:
            return int(
                self.scalar(
                    "SELECT count(*) FROM meetings WHERE cadence_id = ? AND status = 'ended'",
                    (self._history_cadence_id(cadence_key),),
                )
            )
        return int(self.scalar("SELECT count(*) FROM meetings WHERE status = 'ended'"))

    def search_history(
        self,
        text: str,
        cadence_key: str | None = None,
        *,
        before: int | None = None,
        after: int | None = None,
        oldest: bool = False,
        limit: int = HISTORY_PAGE,
    ) -> list[SearchHit]:
        """Action items, decisions, notes and blockers whose text has every word of ``text``
        (by prefix), newest first; ``before`` is the ``rowid`` of the last hit shown.

        Text with no word in it matches nothing; user text never reaches FTS5 unquoted.
        """
        match = self._search_match(text)
        if match is None:
            return []
        where = [match[0], "s.meeting_id IS NOT NULL"]
        args: list = [match[1]]
        if before is not None:
            where.append("s.rowid < ?")
            args.append(before)
        ascending = after is not None or (oldest and before is None)
        if after is not None:
            where.append("s.rowid > ?")
            args.append(after)
        if cadence_key:
            where.append("m.cadence_id = ?")
            args.append(self._history_cadence_id(cadence_key))
        sql = (
            "SELECT s.rowid AS rowid, s.kind, s.record_id, s.body, s.meeting_id, m.started_at,"
            " c.key AS cadence_key, c.name AS cadence_name"
            " FROM search_index s JOIN meetings m ON m.id = s.meeting_id JOIN cadences c ON c.id = m.cadence_id"
            f" WHERE {' AND '.join(where)} ORDER BY s.rowid {'ASC' if ascending else 'DESC'} LIMIT ?"
        )
        args.append(max(1, int(limit)))
        hits = [
            SearchHit(
                rowid=r["rowid"],
                kind=r["kind"],
                record_id=r["record_id"],
                text=r["body"],
                meeting_id=r["meeting_id"],
                cadence_key=r["cadence_key"],
                cadence_name=r["cadence_name"],
                started_at=required_ts(r["started_at"]),
            )
            for r in self.query(sql, tuple(args))
        ]
        if ascending:
            hits.reverse()
        return hits

    def count_search_hits(self, text: str, cadence_key: str | None = None, *, cap: int = 1000) -> int:
        """How many records match, counted up to ``cap`` (a common word can match thousands)."""
        match = self._search_match(text)
        if match is None:
            return 0
        sql = "SELECT count(*) FROM (SELECT 1 FROM search_index s"
        args: list = []
        if cadence_key:
            sql += " JOIN meetings m ON m.id = s.meeting_id"
        sql += f" WHERE {match[0]} AND s.meeting_id IS NOT NULL"
        args.append(match[1])
        if cadence_key:
            sql += " AND m.cadence_id = ?"
            args.append(self._history_cadence_id(cadence_key))
        sql += " LIMIT ?)"
        args.append(cap)
        return int(self.scalar(sql, tuple(args)))

    def _search_match(self, text: str) -> tuple[str, str] | None:
        """The condition on ``search_index s`` that finds ``text``, and its
        argument: FTS5 on SQLite, the ``tsvector`` column on PostgreSQL
        (engines/postgres.py). None when the text holds no word."""
        if self.engine == "sqlite":
            from cadence_tui.store.engines.sqlite import SEARCH_MATCH as FTS_MATCH
            from cadence_tui.store.engines.sqlite import fts_terms

            terms = fts_terms(text)
            return None if terms is None else (FTS_MATCH, terms)
        from cadence_tui.store.engines.postgres import SEARCH_MATCH, tsquery_terms

        query = tsquery_terms(text)
        return None if query is None else (SEARCH_MATCH, query)

    def history_entry(self, meeting_id: int) -> MeetingRecord:
        row = self.query_one(f"{_MEETING_SELECT} WHERE m.id = ?", (meeting_id,))
        if row is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        return _record(row)


def _record(r) -> MeetingRecord:
    started = required_ts(r["started_at"])
    ended = from_ts(r["ended_at"])
    duration = (ended - started).total_seconds() - (r["paused_seconds"] or 0) if ended else None
    return MeetingRecord(
        id=r["id"],
        cadence_key=r["cadence_key"],
        cadence_name=r["cadence_name"],
        started_at=started,
        ended_at=ended,
        duration_seconds=duration,
        timebox_min=r["timebox_min"],
        actions=r["n_actions"],
        decisions=r["n_decisions"],
        notes=r["n_notes"],
        blockers=r["n_blockers"],
    )
