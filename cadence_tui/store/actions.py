"""Action items across all meetings: capture, filters, status changes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from cadence_tui.model import ActionItem
from cadence_tui.store.base import StoreBase, from_date, from_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound
from cadence_tui.textsafe import clean_line

TITLE_MAX = 500
NAME_MAX = 80

ACTION_SELECT = (
    "SELECT a.id, a.title, a.owner, a.due, a.status, a.meeting_id, a.created_at, a.closed_at, c.key AS cadence_key"
    " FROM action_items a JOIN cadences c ON c.id = a.cadence_id"
)


def action_from_row(row: sqlite3.Row) -> ActionItem:
    return ActionItem(
        id=row["id"],
        title=row["title"],
        owner=row["owner"],
        due=from_date(row["due"]),
        status=row["status"],
        cadence_key=row["cadence_key"],
        meeting_id=row["meeting_id"],
        created_at=from_ts(row["created_at"]),
        closed_at=from_ts(row["closed_at"]),
    )


@dataclass(frozen=True)
class ActionFilter:
    """What the action-item list shows. ``status=None`` means every status."""

    owner: str | None = None
    cadence_key: str | None = None
    status: str | None = "open"
    overdue: bool = False
    due_before: date | None = None
    search: str | None = None


def clean_title(title: str, what: str = "title") -> str:
    try:
        cleaned = clean_line(title, max_length=TITLE_MAX)
    except ValueError as exc:
        raise InvalidInput(f"the {what} {exc}") from None
    if not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    return cleaned


def clean_name(name: str, what: str = "owner") -> str:
    try:
        return clean_line(name, max_length=NAME_MAX)
    except ValueError as exc:
        raise InvalidInput(f"the {what} {exc}") from None


class ActionStore(StoreBase):
    def _cadence_id(self, key: str) -> int:
        cid = self.scalar("SELECT id FROM cadences WHERE key = ?", (key,))
        if cid is None:
            raise NotFound(f"unknown cadence {key!r}")
        return int(cid)

    def add_action(
        self,
        title: str,
        *,
        owner: str = "",
        due: date | None = None,
        cadence_key: str | None = None,
        meeting_id: int | None = None,
    ) -> ActionItem:
        """Record an action item, in a meeting or directly for a cadence."""
        title = clean_title(title)
        owner = clean_name(owner)
        if meeting_id is not None:
            cadence_id = self.scalar("SELECT cadence_id FROM meetings WHERE id = ?", (meeting_id,))
            if cadence_id is None:
                raise NotFound(f"no meeting with id {meeting_id}")
        elif cadence_key is not None:
            cadence_id = self._cadence_id(cadence_key)
        else:
            raise InvalidInput("an action item belongs to a meeting or a cadence")
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO action_items(cadence_id, meeting_id, title, owner, due, created_at) VALUES (?,?,?,?,?,?)",
                (cadence_id, meeting_id, title, owner, due.isoformat() if due else None, to_ts(self.now())),
            )
        return self.get_action(cur.lastrowid)

    def get_action(self, action_id: int) -> ActionItem:
        row = self.query_one(f"{ACTION_SELECT} WHERE a.id = ?", (action_id,))
        if row is None:
            raise NotFound(f"no action item with id {action_id}")
        return action_from_row(row)

    def _filter_sql(self, f: ActionFilter) -> tuple[list[str], list]:
        where, args = [], []
        if f.status is not None:
            where.append("a.status = ?")
            args.append(f.status)
        if f.owner:
            where.append("a.owner = ?")
            args.append(f.owner)
        if f.cadence_key:
            where.append("a.cadence_id = ?")
            args.append(self._cadence_id(f.cadence_key))
        if f.overdue:
            where.append("a.due < ? AND a.status = 'open'")
            args.append(self.today().isoformat())
        if f.due_before:
            where.append("a.due < ?")
            args.append(f.due_before.isoformat())
        if f.search:
            where.append("a.title LIKE ? ESCAPE '\\'")
            escaped = f.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{escaped}%")
        return where, args

    def list_actions(self, f: ActionFilter = ActionFilter(), *, limit: int | None = None) -> list[ActionItem]:
        """Matching action items, due date first (no due date last), then id."""
        where, args = self._filter_sql(f)
        sql = ACTION_SELECT
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.due IS NULL, a.due, a.id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [action_from_row(r) for r in self.query(sql, tuple(args))]

    def set_action_status(self, action_id: int, status: str, *, meeting_id: int | None = None) -> ActionItem:
        if status not in ("open", "done", "dropped"):
            raise InvalidInput(f"unknown status {status!r}")
        self.get_action(action_id)
        closed = None if status == "open" else to_ts(self.now())
        with self.write() as conn:
            conn.execute(
                "UPDATE action_items SET status = ?, closed_at = ?, closed_in_meeting_id = ? WHERE id = ?",
                (status, closed, meeting_id if closed else None, action_id),
            )
        return self.get_action(action_id)

    def reassign_action(self, action_id: int, owner: str) -> ActionItem:
        owner = clean_name(owner)
        self.get_action(action_id)
        with self.write() as conn:
            conn.execute("UPDATE action_items SET owner = ? WHERE id = ?", (owner, action_id))
        return self.get_action(action_id)

    def set_action_due(self, action_id: int, due: date | None) -> ActionItem:
        self.get_action(action_id)
        with self.write() as conn:
            conn.execute(
                "UPDATE action_items SET due = ? WHERE id = ?", (due.isoformat() if due else None, action_id)
            )
        return self.get_action(action_id)

    def owners(self) -> list[str]:
        """Everyone who owns an open action item, alphabetically."""
        rows = self.query(
            "SELECT DISTINCT owner FROM action_items WHERE status = 'open' AND owner != '' ORDER BY owner"
        )
        return [r[0] for r in rows]
