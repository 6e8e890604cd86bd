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

Import loads such a document into an **empty** database: one that holds no
meetings, action items, blockers, metric values or fail-fast entries (a freshly
created database, with only the seeded cadences, counts as empty; its seeded
rows are replaced by the file's). Into a database that holds records it refuses
unless ``replace=True`` (``cadence import json --replace``), which first
deletes everything in the database. Either way the import is one transaction:
a bad file or a failure half-way leaves the database as it was.

A file from an older schema imports (missing columns take their defaults); a
file of a newer format version or schema is refused.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from cadence_tui.store.base import StoreBase
from cadence_tui.store.errors import InvalidInput
from cadence_tui.store.schema import SCHEMA_VERSION

EXPORT_FORMAT = "cadence-export"
EXPORT_VERSION = 1

# Rows of these tables are what users recorded; any of them makes a database non-empty.
RECORD_TABLES = ("meetings", "action_items", "blockers", "metric_values", "failfast_log")
_CHUNK = 1000

Progress = Callable[[int, int], None]


class PortabilityStore(StoreBase):
    """Export to and import from the versioned JSON document described above."""

    # -- the tables ---------------------------------------------------------------
    def _data_tables(self) -> list[str]:
        """Every user table, parents before children (FTS and internals skipped)."""
        rows = self.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        )
        virtual = {r["name"] for r in rows if "VIRTUAL TABLE" in (r["sql"] or "").upper()}
        names = []
        for row in rows:
            name = row["name"]
            if name.startswith(("sqlite_", "_")) or name in virtual:
                continue
            if any(name.startswith(f"{v}_") for v in virtual):
                continue  # full-text index shadow tables: the triggers rebuild them on import
            names.append(name)
        parents = {
            name: {r["table"] for r in self.query(f"PRAGMA foreign_key_list({_quote(name)})")} - {name}
            for name in names
        }
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

    def _columns(self, table: str) -> list[tuple[str, int]]:
        """(column, primary-key rank) in table order."""
        return [(r["name"], r["pk"]) for r in self.query(f"PRAGMA table_info({_quote(table)})")]

    def _row_order(self, table: str, columns: list[tuple[str, int]]) -> list[str]:
        """The columns rows are exported in: an integer primary key (the id),
        else the order rows were written (``rowid``). Import writes them in
        that order, so a table read in rowid order (attendance: participants
        as the cadence lists them) reads the same after a round trip."""
        keys = [c for c, pk in sorted(columns, key=lambda c: c[1]) if pk]
        if len(keys) == 1:
            declared = self.query(f"PRAGMA table_info({_quote(table)})")
            if next(r["type"] for r in declared if r["name"] == keys[0]).upper() == "INTEGER":
                return keys
        return ["rowid"]

    def is_empty_for_import(self) -> bool:
        """True if no table holds user records (seeded rows do not count)."""
        tables = set(self._data_tables())
        return not any(
            self.scalar(f"SELECT EXISTS (SELECT 1 FROM {_quote(t)})") for t in RECORD_TABLES if t in tables
        )

    # -- export ---------------------------------------------------------------------
    def export_data(self, progress: Progress | None = None) -> dict[str, Any]:
        """The whole database as the export document (a dict)."""
        tables = self._data_tables()
        with self._lock:
            # One read transaction: a consistent snapshot even while others write.
            self.conn.execute("BEGIN")
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
                    rows = []
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
    def import_data(
        self, data: Any, *, replace: bool = False, progress: Progress | None = None
    ) -> dict[str, int]:
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
            indexes = self._droppable_indexes(conn, set(order))
            for name, _sql in indexes:
                conn.execute(f"DROP INDEX {_quote(name)}")
            for table in reversed(order):
                conn.execute(f"DELETE FROM {_quote(table)}")
            for table in order:
                if table not in tables:
                    continue
                columns, rows = tables[table]["columns"], tables[table]["rows"]
                sql = (
                    f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) "
                    f"VALUES ({', '.join('?' for _ in columns)})"
                )
                for start in range(0, len(rows), _CHUNK):
                    chunk = rows[start:start + _CHUNK]
                    try:
                        conn.executemany(sql, chunk)
                    except sqlite3.IntegrityError as exc:
                        raise InvalidInput(
                            f"the file's {table} rows do not fit together ({exc}); nothing was imported"
                        ) from None
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                counts[table] = len(rows)
            for name, sql in indexes:
                try:
                    conn.execute(sql)
                except sqlite3.IntegrityError as exc:  # a UNIQUE index the rows break
                    raise InvalidInput(f"the file's rows break {name} ({exc}); nothing was imported") from None
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise InvalidInput(
                    f"the file's {problems[0][0]} rows point to missing {problems[0][2]} rows; nothing was imported"
                )
        if progress:
            progress(total, total)
        return counts

    @staticmethod
    def _droppable_indexes(conn: sqlite3.Connection, tables: set[str]) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the explicit indexes on ``tables``
        (UNIQUE/PRIMARY KEY autoindexes have no statement and stay)."""
        rows = conn.execute(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
        return [(name, sql) for name, sql, table in rows if table in tables]

    def _check_document(self, data: Any) -> dict[str, dict[str, list]]:
        """Validate the document's shape against this database; clear errors."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise InvalidInput(f"not a Cadence export (expected \"format\": \"{EXPORT_FORMAT}\")")
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
            raise InvalidInput("the export has no \"tables\" object")
        known = set(self._data_tables())
        for table, body in tables.items():
            if table not in known:
                raise InvalidInput(f"the export holds an unknown table {table!r}")
            if not isinstance(body, dict) or not isinstance(body.get("columns"), list) or not isinstance(
                body.get("rows"), list
            ):
                raise InvalidInput(f"table {table!r} in the export needs \"columns\" and \"rows\" lists")
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
        return tables


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
        lines.append(f"      \"columns\": {json.dumps(body['columns'], ensure_ascii=False)},")
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
