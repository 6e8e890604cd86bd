"""Action items across all meetings: capture, filters, status changes."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cadence_tui.core.meeting import ActionItem
from cadence_tui.core.textsafe import clean_line
from cadence_tui.store.base import StorePart, from_date, from_ts, inserted_id, required_ts, to_ts
from cadence_tui.store.engines.sqlite import fill_title_matches, fts_terms
from cadence_tui.store.errors import InvalidInput, NotFound, translate

if TYPE_CHECKING:
    from cadence_tui.store import Store

DUE_KEY_SQL = "coalesce(a.due, '9999-12-31')"  # must match schema.DUE_KEY for the indexes
TITLE_MAX = 500
NAME_MAX = 80

ACTION_SELECT = (
    "SELECT a.id, a.title, a.owner, a.due, a.status, a.meeting_id, a.created_at, a.closed_at,"
    " a.created_by, a.closed_by, c.key AS cadence_key"
    " FROM action_items a JOIN cadences c ON c.id = a.cadence_id"
)
ACTION_COLUMNS = (
    "a.id, a.title, a.owner, a.due, a.status, a.meeting_id, a.created_at, a.closed_at, a.created_by, a.closed_by,"
    " (SELECT key FROM cadences WHERE id = a.cadence_id) AS cadence_key"
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
        created_at=required_ts(row["created_at"]),
        closed_at=from_ts(row["closed_at"]),
        created_by=row["created_by"],
        closed_by=row["closed_by"],
    )


@dataclass(frozen=True)
class ActionFilter:
    """What the action-item list shows. ``status=None`` means every status.

    ``search`` matches whole words by prefix ("deck" finds "Send deck to SDRs",
    "dec" too); ``due_this_week`` is Monday to Sunday of the current week.
    """

    owner: str | None = None
    cadence_key: str | None = None
    status: str | None = "open"
    overdue: bool = False
    due_before: date | None = None
    search: str | None = None
    due_this_week: bool = False


# The orders the screen offers. Each ends in id so a key is unique, and each
# has an index per equality filter (schema v3) so a page is an index range.
SORTS: dict[str, tuple[str, ...]] = {
    "due": (DUE_KEY_SQL, "a.id"),
    "owner": ("a.owner", DUE_KEY_SQL, "a.id"),
    "age": ("a.created_at", "a.id"),
}
SORT_LABELS = {"due": "due date", "owner": "owner", "age": "age (oldest first)"}
PAGE_SIZE = 64
# Above this many title matches, walking the sort index and probing the match
# list beat sorting the matches (measured on 100,000 rows).
_SEARCH_LIST_MAX = 2000
UNDO_DEPTH = 50

SortKey = tuple  # the sort columns' values of one row, id last


@dataclass(frozen=True)
class ActionPage:
    """One page of a keyset-paged list: items in display order with their sort keys."""

    items: list[ActionItem]
    keys: list[SortKey]


@dataclass(frozen=True)
class OwnerCount:
    """An owner's open and overdue action items, every spelling of the name merged (unowned: "")."""

    owner: str
    open: int
    overdue: int


@dataclass(frozen=True)
class ActionChange:
    """What an edit changed, kept so it can be undone."""

    action_id: int
    description: str
    previous: dict


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


def name_key(name: str) -> str:
    """How people's names compare: case-insensitively, Unicode included
    ("marco" = "Marco", "zoë" = "ZOË", composed or not). SQLite's NOCASE and
    lower() fold ASCII letters only, so the matching is done here."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold()).strip()


def same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and name_key(a) == name_key(b)


# Every distinct owner, one index seek each (idx_actions_owner_duekey), not a
# walk over all the items: a few dozen owners cost microseconds at 100k items.
DISTINCT_OWNERS_SQL = (
    "WITH RECURSIVE o(name) AS ("
    " SELECT (SELECT min(owner) FROM action_items)"
    " UNION ALL"
    " SELECT (SELECT min(owner) FROM action_items WHERE owner > o.name) FROM o WHERE o.name IS NOT NULL"
    ") SELECT name FROM o WHERE name IS NOT NULL"
)


class ActionStore(StorePart):
    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._action_undo: list[ActionChange] = []

    def owner_spellings(self, name: str) -> list[str]:
        """The owners stored that are ``name`` up to case ("Marco", "MARCO" for
        "marco"), or ``[name]`` when none is."""
        key = name_key(name)
        found = [r[0] for r in self.query(DISTINCT_OWNERS_SQL) if name_key(r[0]) == key]
        return found or [name]

    def owner_condition(self, column: str, name: str) -> tuple[str, list[str]]:
        """SQL (and its arguments) matching ``column`` against ``name`` whatever
        its case: an equality on the stored spelling, so the owner indexes serve it."""
        spellings = self.owner_spellings(name)
        if len(spellings) == 1:
            return f"{column} = ?", spellings
        return f"{column} IN ({', '.join('?' * len(spellings))})", spellings

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
                "INSERT INTO action_items(cadence_id, meeting_id, title, owner, due, created_at, created_by)"
                " VALUES (?,?,?,?,?,?,?)",
                (cadence_id, meeting_id, title, owner, due.isoformat() if due else None, to_ts(self.now()), self.actor),
            )
        return self.get_action(inserted_id(cur))

    def get_action(self, action_id: int) -> ActionItem:
        row = self.query_one(f"{ACTION_SELECT} WHERE a.id = ?", (action_id,))
        if row is None:
            raise NotFound(f"no action item with id {action_id}")
        return action_from_row(row)

    def _filter_sql(self, f: ActionFilter, sort: str = "due", *, counting: bool = False) -> tuple[list[str], list]:
        where: list[str] = []
        args: list = []
        if f.status is not None:
            if f.status not in ("open", "done", "dropped"):
                raise InvalidInput(f"unknown status {f.status!r}")
            where.append("a.status = ?")
            args.append(f.status)
        if f.owner is not None and f.owner != "":
            condition, spellings = self.owner_condition("a.owner", f.owner)
            where.append(condition)
            args += spellings
        if f.cadence_key:
            where.append("a.cadence_id = ?")
            args.append(self._cadence_id(f.cadence_key))
        if f.overdue:
            # Sorted by due: an index range on the due key. Otherwise most open
            # items are overdue, so walking the sort's index and skipping the
            # rest beats sorting them all ("+" keeps the range unused).
            # (PostgreSQL has no unary + on text, and plans this itself.)
            due_key = DUE_KEY_SQL if sort == "due" or self.engine != "sqlite" else f"+{DUE_KEY_SQL}"
            where.append(f"{due_key} < ? AND a.status = 'open'")
            args.append(self.today().isoformat())
        if f.due_before:
            where.append(f"{DUE_KEY_SQL} < ?")
            args.append(f.due_before.isoformat())
        if f.due_this_week:
            monday, sunday = self.this_week()
            where.append(f"{DUE_KEY_SQL} BETWEEN ? AND ?")
            args += [monday.isoformat(), sunday.isoformat()]
        if f.search and f.search.strip():
            terms = fts_terms(f.search)
            if terms is None:
                where.append("1 = 0")  # no word to look for: nothing matches
            elif self.engine != "sqlite":
                # PostgreSQL: the titles' GIN index, in the query itself (its
                # planner weighs the match against the sort's index).
                from cadence_tui.store.engines.postgres import TITLE_MATCH, tsquery_terms

                where.append(TITLE_MATCH.replace("(title)", "(a.title)"))
                args.append(tsquery_terms(f.search) or "")
            else:
                matches = self._title_matches(terms)
                # Few matches (or a count): drive the loop by the match list.
                # Many: walk the sort's index and probe the list per row;
                # EXISTS keeps SQLite from sorting thousands of matches.
                if matches <= _SEARCH_LIST_MAX or counting:
                    where.append("a.id IN (SELECT id FROM temp.action_title_matches)")
                else:
                    where.append("EXISTS (SELECT 1 FROM temp.action_title_matches m WHERE m.id = a.id)")
        return where, args

    def _title_matches(self, terms: str) -> int:
        """Fill ``temp.action_title_matches`` with the ids whose title matches; returns how many.

        Paging re-runs the filter for every page: reading the FTS doclist once
        per search (not once per page) keeps each page under a millisecond.
        The table is refilled when the terms change or the database did
        (``total_changes`` for this connection, ``data_version`` for others).
        """
        if self.engine != "sqlite":
            return self._title_matches_pg(terms)
        with self._lock:
            version = self.scalar("PRAGMA data_version")
            cached = getattr(self, "_title_match_state", None)
            if cached and cached[0] == (terms, self.conn.total_changes, version):
                return cached[1]
            try:
                fill_title_matches(self.conn, terms)
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None
            count = int(self.scalar("SELECT count(*) FROM temp.action_title_matches"))
            self._title_match_state = ((terms, self.conn.total_changes, version), count)
            return count

    def _title_matches_pg(self, terms: str) -> int:
        """PostgreSQL: how many titles match (the GIN index; nothing is kept)."""
        from cadence_tui.store.engines.postgres import TITLE_MATCH, tsquery_terms

        query = tsquery_terms(" ".join(re.findall(r"\w+", terms)))
        return int(self.scalar(f"SELECT count(*) FROM action_items WHERE {TITLE_MATCH}", (query or "",)))

    def this_week(self) -> tuple[date, date]:
        """Monday and Sunday of the current week."""
        today = self.today()
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)

    def list_actions(self, f: ActionFilter = ActionFilter(), *, limit: int | None = None) -> list[ActionItem]:
        """Matching action items, due date first (no due date last), then id."""
        where, args = self._filter_sql(f)
        sql = f"SELECT {ACTION_COLUMNS} FROM action_items a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {DUE_KEY_SQL}, a.id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [action_from_row(r) for r in self.query(sql, tuple(args))]

    # -- keyset paging (the action-items screen) --------------------------------
    def page_actions(
        self,
        f: ActionFilter = ActionFilter(),
        sort: str = "due",
        *,
        after: SortKey | None = None,
        before: SortKey | None = None,
        inclusive: bool = False,
        from_end: bool = False,
        limit: int = PAGE_SIZE,
    ) -> ActionPage:
        """One page of matching items in ``sort`` order, as an index range.

        ``after=key``: the rows following that key (``inclusive``: from it);
        ``before=key``: the rows preceding it; neither: the first page, or
        with ``from_end`` the last one. Pages always come back in display order.
        """
        if sort not in SORTS:
            raise InvalidInput(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        columns = SORTS[sort]
        base_where, base_args = self._filter_sql(f, sort)
        descending = before is not None or (from_end and after is None)
        bound = before if before is not None else after
        order = ", ".join(f"{c} DESC" if descending else c for c in columns)
        keys = ", ".join(f"{c} AS k{i}" for i, c in enumerate(columns))
        segments: Sequence[tuple[str | None, list]] = [(None, [])]
        if bound is not None:
            if len(bound) != len(columns):
                raise InvalidInput("a page key does not fit this sort")
            segments = _keyset_segments(columns, tuple(bound), "<" if descending else ">", inclusive)
        rows: list[sqlite3.Row] = []
        limit = max(1, int(limit))
        for condition, condition_args in segments:
            where = base_where + ([condition] if condition else [])
            sql = f"SELECT {ACTION_COLUMNS}, {keys} FROM action_items a"
            if where:
                sql += " WHERE " + " AND ".join(where)
            sql += f" ORDER BY {order} LIMIT ?"
            rows += self.query(sql, (*base_args, *condition_args, limit - len(rows)))
            if len(rows) >= limit:
                break
        if descending:
            rows.reverse()
        return ActionPage(
            items=[action_from_row(r) for r in rows],
            keys=[tuple(r[f"k{i}"] for i in range(len(columns))) for r in rows],
        )

    def count_actions(self, f: ActionFilter = ActionFilter()) -> int:
        """How many items match (an index count; no rows are read)."""
        if f == ActionFilter(status="done"):
            # Done items pile up (84,000 of 100,000 in the demo): counting them
            # took 7 ms, while the table's total is O(1) and open + dropped are
            # the short ranges.
            total = int(self.scalar("SELECT count(*) FROM action_items"))
            rest = self.scalar("SELECT count(*) FROM action_items a WHERE a.status IN ('open', 'dropped')")
            return total - int(rest)
        if f == ActionFilter(status=None, search=f.search) and f.search and fts_terms(f.search):
            # Search alone: the match table already holds the answer.
            return self._title_matches(fts_terms(f.search) or "")
        where, args = self._filter_sql(f, counting=True)
        sql = "SELECT count(*) FROM action_items a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return int(self.scalar(sql, tuple(args)))

    def owner_counts(self, cadence_key: str | None = None) -> list[OwnerCount]:
        """Open and overdue items per owner (unowned as ""), most open first."""
        sql = f"SELECT a.owner, count(*) AS n, sum(CASE WHEN {DUE_KEY_SQL} < ? THEN 1 ELSE 0 END) AS late FROM action_items a WHERE a.status = 'open'"
        args: list = [self.today().isoformat()]
        if cadence_key:
            sql += " AND a.cadence_id = ?"
            args.append(self._cadence_id(cadence_key))
        sql += " GROUP BY a.owner"
        rows = self.query(sql, tuple(args))
        # One entry per person whatever the case of the spellings, under the
        # spelling most of their items use.
        merged: dict[str, list] = {}
        for r in sorted(rows, key=lambda r: (-int(r["n"]), r["owner"])):
            entry = merged.setdefault(name_key(r["owner"]), [r["owner"], 0, 0])
            entry[1] += int(r["n"])
            entry[2] += int(r["late"] or 0)
        counts = [OwnerCount(owner, n, late) for owner, n, late in merged.values()]
        counts.sort(key=lambda c: (-c.open, c.owner.lower()))
        return counts

    # -- changes, each undoable ---------------------------------------------------
    def _undo_stack(self) -> list[ActionChange]:
        """This process's recent action-item changes, newest last."""
        return self._action_undo

    def _remember(self, action_id: int, description: str) -> None:
        row = self.query_one(
            "SELECT owner, due, status, closed_at, closed_in_meeting_id, closed_by FROM action_items WHERE id = ?",
            (action_id,),
        )
        if row is None:
            raise NotFound(f"no action item with id {action_id}")
        stack = self._undo_stack()
        stack.append(ActionChange(action_id, description, dict(row)))
        del stack[:-UNDO_DEPTH]

    def last_action_change(self) -> ActionChange | None:
        """The change :meth:`undo_action_change` would revert, if any."""
        stack = self._undo_stack()
        return stack[-1] if stack else None

    def undo_action_change(self) -> ActionItem | None:
        """Put back the values the last status/owner/due change overwrote (None: nothing to undo)."""
        stack = self._undo_stack()
        if not stack:
            return None
        change = stack.pop()
        p = change.previous
        with self.write() as conn:
            cur = conn.execute(
                "UPDATE action_items SET owner = ?, due = ?, status = ?, closed_at = ?, closed_in_meeting_id = ?,"
                " closed_by = ? WHERE id = ?",
                (
                    p["owner"],
                    p["due"],
                    p["status"],
                    p["closed_at"],
                    p["closed_in_meeting_id"],
                    p.get("closed_by", ""),
                    change.action_id,
                ),
            )
        if cur.rowcount == 0:
            raise NotFound(f"action item {change.action_id} no longer exists; nothing was undone")
        return self.get_action(change.action_id)

    def set_action_status(self, action_id: int, status: str, *, meeting_id: int | None = None) -> ActionItem:
        if status not in ("open", "done", "dropped"):
            raise InvalidInput(f"unknown status {status!r}")
        self._remember(action_id, f"mark {status}")
        closed = None if status == "open" else to_ts(self.now())
        with self.write() as conn:
            conn.execute(
                "UPDATE action_items SET status = ?, closed_at = ?, closed_in_meeting_id = ?, closed_by = ? WHERE id = ?",
                (status, closed, meeting_id if closed else None, self.actor if closed else "", action_id),
            )
        return self.get_action(action_id)

    def reassign_action(self, action_id: int, owner: str) -> ActionItem:
        owner = clean_name(owner)
        self._remember(action_id, "reassign")
        with self.write() as conn:
            conn.execute("UPDATE action_items SET owner = ? WHERE id = ?", (owner, action_id))
        return self.get_action(action_id)

    def set_action_due(self, action_id: int, due: date | None) -> ActionItem:
        self._remember(action_id, "change due date")
        with self.write() as conn:
            conn.execute("UPDATE action_items SET due = ? WHERE id = ?", (due.isoformat() if due else None, action_id))
        return self.get_action(action_id)

    def owners(self) -> list[str]:
        """Everyone who owns an open action item, alphabetically."""
        rows = self.query(
            "SELECT DISTINCT owner FROM action_items WHERE status = 'open' AND owner != '' ORDER BY owner"
        )
        return [r[0] for r in rows]


def _keyset_segments(columns: tuple[str, ...], key: SortKey, op: str, inclusive: bool) -> list[tuple[str, list]]:
    """``(c1, c2, id) > (k1, k2, kid)`` as index ranges, to be read in order.

    SQLite 3.40 uses no index range for a row value over an expression, and in
    ``c1 >= k1 AND (c1 > k1 OR ...)`` only ``c1`` bounds the range. So a key of
    three columns becomes two ranges, each tight: ``c1 = k1 AND (c2, id) > (k2,
    kid)``, then ``c1 > k1``.
    """
    n = len(columns)
    last = op + ("=" if inclusive else "")
    equal = [f"{columns[i]} = ?" for i in range(n - 2)]
    head = f"{columns[n - 2]} {op}= ? AND ({columns[n - 2]} {op} ? OR {columns[n - 1]} {last} ?)"
    segments = [(" AND ".join([*equal, head]), [*key[: n - 2], key[n - 2], key[n - 2], key[n - 1]])]
    for j in range(n - 3, -1, -1):
        condition = " AND ".join([*(f"{columns[i]} = ?" for i in range(j)), f"{columns[j]} {op} ?"])
        segments.append((condition, [*key[:j], key[j]]))
    return segments
