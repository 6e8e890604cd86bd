"""Everything in a database as one JSON document, and back.

The export format (``cadence export json``)
===========================================

A JSON object::

    {
      "format": "cadence-export",      # always this string
      "version": 1,                    # the format version (this document)
      "schema_version": 2,             # the database schema it was read from
      "tables": {
        "cadences": {
          "columns": ["id", "key", "name", ...],
          "rows": [[1, "sprint-review", "Sprint Review", ...], ...]
        },
        "agenda_templates": {...},
        ...
      }
    }

``tables`` holds every table of the database — cadences, agenda templates,
meetings and all their records (agenda items, action items, blockers,
decisions, notes, attendance, demos, pipeline metrics, campaign changes, budget
lines, wins, health ratings, meeting ratings, and the copy of its action items
and blockers taken as each meeting ended: ``meeting_end_snapshots``,
``meeting_action_snapshots`` and ``meeting_blocker_snapshots``, schema 6),
hand-offs, metrics and their values, the fail-fast log and settings — except
the full-text index, which is rebuilt from the records. A file from schema 5 or
older has no snapshot tables: its meetings import without them and their
summaries read the items as they are (as before schema 6). Tables are
listed parents first (a table comes after every table its foreign keys point
to), rows in id order (tables without an integer id, such as attendance: in the
order they were written, which import keeps). Each row lists its values in the
order of ``columns``, exactly as stored: ids are kept, times are ISO 8601
strings in UTC (``2026-11-25T16:00:00+00:00``), dates ``YYYY-MM-DD``, the JSON
columns (``participants``, ``packet_fields``, ``cadence_keys``) JSON text,
booleans 0/1. The file is UTF-8 with one row per line, so two exports diff
well, and exporting a database that was imported from an export gives the same
bytes.

Import first checks every value as typed input is checked (``ROW_CHECKS``
below: the cadence editor's rule, zone, start and anchor checks, the action
item's title and owner, metric numbers, statuses, UTC times, dates, ...) and
the column's type (64-bit integers, finite numbers, valid Unicode without
control characters). The first problem refuses the whole file, naming the
table, the row id and the column.

Import loads such a document into an **empty** database: one that holds no
meetings, action items, blockers, metric values or fail-fast entries (a freshly
created database, with only the seeded cadences, counts as empty; its seeded
rows are replaced by the file's). Into a database that holds records it refuses
unless ``replace=True`` (``cadence import json --replace``), which first
deletes everything in the database. Either way the import is one transaction:
a bad file or a failure half-way leaves the database as it was.

A file from an older schema imports (missing columns take their defaults; a
cadence without a ``kind`` takes the one its key gave it before kinds); a
file of a newer format version or schema is refused.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from cadence_tui.kinds import KIND_NAMES, SEED_KEY_KINDS
from cadence_tui.store.base import StorePart, to_ts
from cadence_tui.store.errors import InvalidInput, damaged, translate
from cadence_tui.store.schema import SCHEMA_VERSION

EXPORT_FORMAT = "cadence-export"
EXPORT_VERSION = 1

# Rows of these tables are what users recorded; any of them makes a database non-empty.
RECORD_TABLES = ("meetings", "action_items", "blockers", "metric_values", "failfast_log")
_CHUNK = 1000

Progress = Callable[[int, int], None]
_T = TypeVar("_T")


class PortabilityStore(StorePart):
    """Export to and import from the versioned JSON document described above."""

    # -- the tables ---------------------------------------------------------------
    def _engine(self) -> Any:
        """The module of this store's engine (store/engines): what the two
        engines do differently (the catalogue, bulk loading) is asked of it."""
        if self.engine == "sqlite":
            from cadence_tui.store.engines import sqlite as engine
        else:
            from cadence_tui.store.engines import postgres as engine  # type: ignore[no-redef]
        return engine

    def _catalogue(self, ask: Callable[..., _T], *args: Any) -> _T:
        """Run one of the engine's catalogue functions on this connection,
        under the lock, its errors as the store's."""
        with self._lock:
            try:
                return ask(self.conn, *args)
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None
            except UnicodeDecodeError:  # SQLite's message about a broken schema is not UTF-8
                raise damaged(self.path, "the schema is not readable") from None

    def _data_tables(self) -> list[str]:
        """Every user table, parents before children (FTS and internals skipped)."""
        engine = self._engine()
        names = self._catalogue(engine.table_names)
        parents = {n: self._catalogue(engine.foreign_parents, n) - {n} for n in names}
        return _parents_first(names, parents)

    def _table_info(self, table: str) -> list[Any]:
        """``PRAGMA table_info`` (PostgreSQL: the same fields from its catalog)."""
        return self._catalogue(self._engine().table_info, table)

    def _insert_rows(self, conn: sqlite3.Connection, table: str, columns: list[str], rows: list[list]) -> None:
        """Bulk loading: sqlite-utils' ``insert_all`` on SQLite (engines/sqlite.py),
        ``executemany`` through the adapter on PostgreSQL."""
        if self.engine == "sqlite":
            self._engine().insert_rows(conn, table, columns, rows)
            return
        conn.executemany(
            f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) VALUES ({', '.join('?' for _ in columns)})",
            rows,
        )

    def _columns(self, table: str) -> list[tuple[str, int]]:
        """(column, primary-key rank) in table order."""
        return [(r["name"], r["pk"]) for r in self._table_info(table)]

    def _row_order(self, table: str, columns: list[tuple[str, int]]) -> list[str]:
        """The columns rows are exported in: an integer primary key (the id),
        else the order rows were written (``rowid``). Import writes them in
        that order, so a table read in rowid order (attendance: participants
        as the cadence lists them) reads the same after a round trip."""
        keys = [c for c, pk in sorted(columns, key=lambda c: c[1]) if pk]
        if len(keys) == 1:
            declared = self._table_info(table)
            if next(r["type"] for r in declared if r["name"] == keys[0]).upper() == "INTEGER":
                return keys
        return ["rowid"]

    def is_empty_for_import(self) -> bool:
        """True if no table holds user records (seeded rows do not count)."""
        tables = set(self._data_tables())
        return not any(self.scalar(f"SELECT EXISTS (SELECT 1 FROM {_quote(t)})") for t in RECORD_TABLES if t in tables)

    # -- export ---------------------------------------------------------------------
    def export_data(self, progress: Progress | None = None) -> dict[str, Any]:
        """The whole database as the export document (a dict)."""
        tables = self._data_tables()
        with self._lock:
            # One read transaction: a consistent snapshot even while others write.
            # (PostgreSQL: REPEATABLE READ is its snapshot for the whole transaction.)
            self.conn.execute("BEGIN" if self.engine == "sqlite" else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                total = sum(self.scalar(f"SELECT count(*) FROM {_quote(t)}") for t in tables)
                done = 0
                out: dict[str, Any] = {
                    "format": EXPORT_FORMAT,
                    "version": EXPORT_VERSION,
                    "schema_version": self.schema_version(),
                    "tables": {},
                }
                for table in tables:
                    columns = self._columns(table)
                    names = [c for c, _ in columns]
                    keys = self._row_order(table, columns)
                    cur = self.conn.execute(
                        f"SELECT {', '.join(map(_quote, names))} FROM {_quote(table)} "
                        f"ORDER BY {', '.join(map(_quote, keys))}"
                    )
                    rows: list[list[Any]] = []
                    while batch := cur.fetchmany(_CHUNK):
                        rows.extend(list(r) for r in batch)
                        done += len(batch)
                        if progress:
                            progress(done, total)
                    out["tables"][table] = {"columns": names, "rows": rows}
            finally:
                self.conn.execute("COMMIT")
        if progress:
            progress(total, total)
        return out

    # -- import ---------------------------------------------------------------------
    def import_data(self, data: Any, *, replace: bool = False, progress: Progress | None = None) -> dict[str, int]:
        """Load an export document; returns the number of rows per table.

        Refuses a non-empty database unless ``replace``; one transaction."""
        tables = self._check_document(data)
        order = self._data_tables()
        total = sum(len(tables[t]["rows"]) for t in tables)
        counts: dict[str, int] = {}
        done = 0
        with self.write() as conn:
            if not replace and not self.is_empty_for_import():
                raise InvalidInput(
                    "the database already holds meetings or action items; import into a new database "
                    "(--db NEW.db), or pass --replace to delete everything in it first"
                )
            # Secondary indexes are dropped and rebuilt after the rows are in:
            # building an index once is several times faster than growing it
            # row by row (100k action items: 72 s -> 29 s). Same transaction,
            # so a failure brings them back with everything else.
            engine = self._engine()
            indexes = engine.secondary_indexes(conn, set(order))
            for name, _sql in indexes:
                conn.execute(f"DROP INDEX {_quote(name)}")
            for table in reversed(order):
                conn.execute(f"DELETE FROM {_quote(table)}")
            for table in order:
                if table not in tables:
                    continue
                columns, rows = tables[table]["columns"], tables[table]["rows"]
                for start in range(0, len(rows), _CHUNK):
                    chunk = rows[start : start + _CHUNK]
                    try:
                        self._insert_rows(conn, table, columns, chunk)
                    except sqlite3.IntegrityError as exc:
                        raise InvalidInput(
                            f"the file's {table} rows do not fit together ({exc}); nothing was imported"
                        ) from None
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                counts[table] = len(rows)
                if table == "cadences" and "kind" not in columns:
                    # An export from before kinds (schema < 7): each cadence
                    # takes the kind its key gave it then.
                    conn.executemany(
                        "UPDATE cadences SET kind = ? WHERE key = ?",
                        [(kind, key) for key, kind in SEED_KEY_KINDS.items()],
                    )
            for name, sql in indexes:
                try:
                    conn.execute(sql)
                except sqlite3.IntegrityError as exc:  # a UNIQUE index the rows break
                    raise InvalidInput(f"the file's rows break {name} ({exc}); nothing was imported") from None
            if self.engine != "sqlite":
                # PostgreSQL checked each reference as the rows came in; ids go on from the largest.
                engine.reset_identities(conn, order)
                problem = None
            else:
                problem = engine.broken_references(conn)
            if problem:
                raise InvalidInput(
                    f"the file's {problem[0]} rows point to missing {problem[1]} rows; nothing was imported"
                )
        if progress:
            progress(total, total)
        return counts

    def _check_document(self, data: Any) -> dict[str, dict[str, list]]:
        """Validate the document's shape against this database; clear errors."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise InvalidInput(f'not a Cadence export (expected "format": "{EXPORT_FORMAT}")')
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidInput("the export has no format version")
        if version > EXPORT_VERSION:
            raise InvalidInput(
                f"the export is format version {version}; this Cadence reads up to {EXPORT_VERSION}: upgrade Cadence"
            )
        schema = data.get("schema_version", 0)
        if isinstance(schema, int) and schema > SCHEMA_VERSION:
            raise InvalidInput(
                f"the export comes from a newer database (schema {schema}; this Cadence knows up to "
                f"{SCHEMA_VERSION}): upgrade Cadence"
            )
        tables = data.get("tables")
        if not isinstance(tables, dict):
            raise InvalidInput('the export has no "tables" object')
        known = set(self._data_tables())
        for table, body in tables.items():
            if not isinstance(table, str):
                raise InvalidInput("the export names a table that is not text")
            if table not in known:
                raise InvalidInput(f"the export holds an unknown table {table!r}")
            if (
                not isinstance(body, dict)
                or not isinstance(body.get("columns"), list)
                or not isinstance(body.get("rows"), list)
            ):
                raise InvalidInput(f'table {table!r} in the export needs "columns" and "rows" lists')
            ours = {c for c, _ in self._columns(table)}
            columns = body["columns"]
            for column in columns:
                if not isinstance(column, str) or column not in ours:
                    raise InvalidInput(f"table {table!r} in the export has an unknown column {column!r}")
            if len(set(columns)) != len(columns):
                raise InvalidInput(f"table {table!r} in the export names a column twice")
            width = len(columns)
            for number, row in enumerate(body["rows"], start=1):
                if not isinstance(row, list) or len(row) != width:
                    raise InvalidInput(f"row {number} of {table!r} in the export does not have {width} values")
                for value in row:
                    if not (value is None or isinstance(value, (str, int, float))):
                        raise InvalidInput(f"row {number} of {table!r} in the export holds a nested value")
            self._check_rows(table, columns, body["rows"])
        return tables

    def _check_rows(self, table: str, columns: list[str], rows: list[list]) -> None:
        """Every value through the checks typed input gets (``ROW_CHECKS``), so
        nothing the app could not have written gets in. The first problem
        names the table, the row's id and the column."""
        info = {r["name"]: r for r in self._table_info(table)}
        checks = [column_check(table, c, info[c]["type"], bool(info[c]["notnull"])) for c in columns]
        id_at = columns.index("id") if "id" in columns else None
        for number, row in enumerate(rows, start=1):
            for column, check, value in zip(columns, checks, row, strict=False):
                try:
                    check(value)
                except (InvalidInput, ValueError, TypeError, OverflowError) as exc:
                    where = _row_name(row, id_at, number)
                    raise InvalidInput(
                        f"the file's {table} {where}, column {column}: {_reason(exc)}; nothing was imported"
                    ) from None


def _parents_first(names: list[str], parents: dict[str, set[str]]) -> list[str]:
    """``names`` ordered so that each table comes after the tables it refers to."""
    ordered: list[str] = []
    remaining = list(names)
    while remaining:
        ready = [n for n in remaining if parents[n] <= set(ordered) | (parents[n] - set(names))]
        if not ready:  # a cycle: keep creation order for the rest
            ready = remaining[:1]
        for name in ready:
            ordered.append(name)
            remaining.remove(name)
    return ordered


# -- checking each value ----------------------------------------------------------
# The same checks the app applies to what users type (store/fields.py,
# store/cadences.py, recurrence.py, duedates.py), by table and column; every
# value also gets the checks of its column's type. ``ValueError`` and its
# subclasses (InvalidInput, ScheduleError) say what is wrong.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
YEARS = (1970, 2200)  # as the cadence editor's start date


def _row_name(row: list, id_at: int | None, number: int) -> str:
    if id_at is not None and type(row[id_at]) is int and INT_MIN <= row[id_at] <= INT_MAX:
        return f"row id {row[id_at]}"
    return f"row {number} (no id)"


def _reason(exc: BaseException) -> str:
    from cadence_tui.core.textsafe import strip_control

    text = strip_control(str(exc)).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


# What typed text never holds once cleaned (textsafe.strip_control): control
# characters but tab, newline and CR (of CRLF), and lone surrogates (not Unicode).
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _is_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not text")
    bad = _BAD_TEXT.search(value)
    if bad is not None:
        if "\ud800" <= bad.group() <= "\udfff":
            raise ValueError("the text is not valid Unicode (a lone surrogate)")
        raise ValueError(f"{_shown(value)} holds control characters")
    return value


def _is_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{_shown(value)} is not a whole number")
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"{_shown(value)} is too large for the database")
    return value


def _is_real(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{_shown(value)} is not a number")
    if isinstance(value, int):
        _is_int(value)
    elif not math.isfinite(value):
        raise ValueError(f"{_shown(value)} is not a finite number")
    return float(value)


def _timestamp(value: Any) -> None:
    try:
        parsed = datetime.fromisoformat(_is_text(value))
    except ValueError:
        raise ValueError(f"{_shown(value)} is not a time (YYYY-MM-DDTHH:MM:SS+00:00)") from None
    if parsed.tzinfo is None or to_ts(parsed) != value:
        raise ValueError(f"{_shown(value)} is not a UTC time as Cadence writes it (2026-11-25T16:00:00+00:00)")
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise ValueError(f"{_shown(value)} is outside the years {YEARS[0]}–{YEARS[1]}")


def _day(value: Any) -> None:
    from cadence_tui.core.duedates import parse_due

    text = _is_text(value)
    try:
        day = parse_due(text, date(2000, 1, 1))
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if day is None or day.isoformat() != text:
        raise ValueError(f"{_shown(value)} is not a date as YYYY-MM-DD")
    if not 1 <= day.year <= 9998:
        raise ValueError(f"{_shown(value)} is outside the years 1–9998")


def _anchor(value: Any) -> None:
    from cadence_tui.store.cadences import check_anchor

    _day(value)
    check_anchor(value)


def _start_time(value: Any) -> None:
    from cadence_tui.store.cadences import check_start_time

    if check_start_time(_is_text(value)).strftime("%H:%M") != value:
        raise ValueError(f"{_shown(value)} is not a time as HH:MM")


def _zone(value: Any) -> None:
    from cadence_tui.store.cadences import check_timezone

    if check_timezone(_is_text(value)) != value:
        raise ValueError(f"{_shown(value)} is not an IANA zone name")


def _json_list(value: Any) -> list:
    try:
        items = json.loads(_is_text(value))
    except (json.JSONDecodeError, RecursionError):
        raise ValueError(f"{_shown(value)} is not JSON") from None
    if not isinstance(items, list):
        raise ValueError(f"{_shown(value)} is not a JSON list")
    return items


def _participants(value: Any) -> None:
    from cadence_tui.core.model import Participant
    from cadence_tui.store.cadences import check_participants

    people = []
    for item in _json_list(value):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("role", ""), str)
        ):
            raise ValueError('each participant must be {"name": ..., "role": ...}')
        people.append(Participant(_is_text(item["name"]), _is_text(item.get("role", ""))))
    check_participants(people)


def _text_list(what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        from cadence_tui.store.fields import line_field

        for item in _json_list(value):
            if not isinstance(item, str):
                raise ValueError(f"the {what} must be a JSON list of text")
            line_field(_is_text(item), what)

    return check


def _one_of(*allowed: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value not in allowed:
            raise ValueError(f"{_shown(value)} is not one of {', '.join(allowed)}")

    return check


def _between(low: float, high: float) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if not low <= _is_real(value) <= high:
            raise ValueError(f"{_shown(value)} is not between {low:g} and {high:g}")

    return check


def _validator(name: str, *args: Any, **kwargs: Any) -> Callable[[Any], None]:
    """A store validator by module:function (imported when first used)."""

    found: list[Callable] = []

    def check(value: Any) -> None:
        if not found:
            import importlib

            module, function = name.split(":")
            found.append(getattr(importlib.import_module(f"cadence_tui.{module}"), function))
        found[0](value, *args, **kwargs)

    return check


def _as_text(name: str) -> Callable[[Any], None]:
    """A parser of typed text (the panels' counts and amounts) applied to a number."""
    parse = _validator(name)
    return lambda value: parse(str(value))


def _number(what: str) -> Callable[[Any], None]:
    return _validator("store.fields:parse_number", what)


def _minutes(what: str) -> Callable[[Any], None]:
    return _validator("store.cadences:check_minutes", what)


def _seconds(value: Any) -> None:
    from cadence_tui.core.stats import MAX_SECONDS

    _between(0, MAX_SECONDS)(value)


def _key(value: Any) -> None:
    from cadence_tui.store.fields import key_field

    if key_field(_is_text(value), "") != value:
        raise ValueError(f"{_shown(value)} is not a key (lowercase letters, digits, dashes)")


def _cadence_key(value: Any) -> None:
    from cadence_tui.store.cadences import check_key

    if check_key(_is_text(value)) != value:
        raise ValueError(f"{_shown(value)} is not a key (lowercase letters, digits, dashes)")


#: (table, column) → the check of typed input for it.
ROW_CHECKS: dict[tuple[str, str], Callable[[Any], None]] = {
    ("cadences", "key"): _cadence_key,
    ("cadences", "name"): _validator("store.cadences:check_name"),
    ("cadences", "purpose"): _validator("store.cadences:check_purpose"),
    ("cadences", "rrule"): _validator("store.cadences:check_rule"),
    ("cadences", "anchor_date"): _anchor,
    ("cadences", "start_time"): _start_time,
    ("cadences", "tz"): _zone,
    ("cadences", "timebox_min"): _minutes("the meeting timebox"),
    ("cadences", "participants"): _participants,
    ("cadences", "variance_threshold"): _validator("store.cadences:check_threshold"),
    ("cadences", "kind"): _one_of(*KIND_NAMES),
    ("agenda_templates", "title"): _validator("store.cadences:check_item_title"),
    ("agenda_templates", "timebox_min"): _minutes("the item's timebox"),
    ("meetings", "status"): _one_of("running", "paused", "ended"),
    ("meetings", "timebox_min"): _minutes("the meeting timebox"),
    ("meetings", "paused_seconds"): _seconds,
    ("meetings", "variance_threshold"): _validator("store.cadences:check_threshold"),
    ("agenda_items", "title"): _validator("store.cadences:check_item_title"),
    ("agenda_items", "timebox_min"): _minutes("the item's timebox"),
    ("agenda_items", "state"): _one_of("pending", "current", "done"),
    ("agenda_items", "elapsed_seconds"): _seconds,
    ("action_items", "title"): _validator("store.actions:clean_title"),
    ("action_items", "owner"): _validator("store.actions:clean_name"),
    ("action_items", "status"): _one_of("open", "done", "dropped"),
    ("blockers", "status"): _one_of("open", "resolved"),
    ("blockers", "what"): _validator("store.meetings:clean_text", "blocker"),
    ("decisions", "text"): _validator("store.meetings:clean_text", "decision"),
    ("notes", "text"): _validator("store.meetings:clean_text", "note"),
    ("wins", "text"): _validator("store.meetings:clean_text", "win"),
    ("campaign_changes", "text"): _validator("store.meetings:clean_text", "campaign change"),
    ("demo_items", "what"): _validator("store.meetings:clean_text", "demo"),
    ("failfast_log", "what"): _validator("store.meetings:clean_text", "breakdown"),
    ("attendance", "person"): _validator("store.fields:line_field", "name", required=True),
    ("pipeline_metrics", "stage"): _one_of("leads", "mql", "sql", "won"),
    ("pipeline_metrics", "value"): _as_text("core.panels:parse_count"),
    ("budget_lines", "budget"): _as_text("core.panels:parse_amount"),
    ("budget_lines", "actual"): _as_text("core.panels:parse_amount"),
    ("handoffs", "key"): _key,
    ("handoffs", "packet_fields"): _text_list("packet field"),
    ("health_ratings", "rating"): _between(1, 5),
    ("metrics", "key"): _key,
    ("metrics", "direction"): _one_of("higher", "lower"),
    ("metrics", "target"): _number("target"),
    ("metrics", "cadence_keys"): _text_list("cadence key"),
    ("metric_values", "value"): _number("value"),
    ("meeting_ratings", "rating"): _between(1, 10),
    ("carry_over_triage", "kind"): _one_of("action", "blocker"),
    ("carry_over_triage", "outcome"): _one_of("done", "open", "dropped", "redated", "resolved"),
    ("topics", "title"): _validator("store.actions:clean_title", "topic"),
    ("topics", "minutes"): _as_text("store.topics:parse_topic_minutes"),
    ("topics", "proposed_by"): _validator("store.actions:clean_name"),
    ("topics", "state"): _one_of("open", "joined", "discussed", "dropped"),
}
#: Columns checked by name wherever they are: times, dates, 0/1 flags.
NAMED_CHECKS: dict[str, Callable[[Any], None]] = {
    "scheduled_for": _timestamp,
    "due": _day,
    "recorded_on": _day,
    "archived": _one_of(0, 1),  # type: ignore[arg-type]
    "present": _one_of(0, 1),  # type: ignore[arg-type]
    "guest": _one_of(0, 1),  # type: ignore[arg-type]
}


def column_check(table: str, column: str, declared: str, not_null: bool) -> Callable[[Any], None]:
    """The check of one column: its type as declared, then what typed input gets."""
    kind = declared.upper()
    base = _is_int if "INT" in kind else _is_real if "REAL" in kind else _is_text
    special = ROW_CHECKS.get((table, column)) or NAMED_CHECKS.get(column)
    if special is None and column.endswith("_at"):
        special = _timestamp

    def check(value: Any) -> None:
        if value is None:
            if not_null:
                raise ValueError("a value is required (null given)")
            return
        base(value)
        if special is not None:
            special(value)

    return check


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def dumps_export(data: dict[str, Any]) -> str:
    """The document as text: stable, UTF-8, one row per line."""
    lines = ["{"]
    for key in ("format", "version", "schema_version"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(data[key])},")
    lines.append('  "tables": {')
    tables = list(data["tables"].items())
    for t_index, (table, body) in enumerate(tables):
        lines.append(f"    {json.dumps(table)}: {{")
        lines.append(f'      "columns": {json.dumps(body["columns"], ensure_ascii=False)},')
        rows = body["rows"]
        if not rows:
            lines.append('      "rows": []')
        else:
            lines.append('      "rows": [')
            for r_index, row in enumerate(rows):
                comma = "," if r_index < len(rows) - 1 else ""
                lines.append(f"        {json.dumps(row, ensure_ascii=False)}{comma}")
            lines.append("      ]")
        lines.append("    }" + ("," if t_index < len(tables) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def loads_export(text: str, source: str = "the file") -> Any:
    """Parse an export's text; a clear :class:`InvalidInput` if it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{source} is not a Cadence export: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise InvalidInput(f"{source} is not a Cadence export: nested too deeply") from None
