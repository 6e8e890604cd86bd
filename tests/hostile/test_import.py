"""`cadence import json` checks every value as typed input is checked: a file
with one bad value is refused whole, in one line naming the table, the row id
and the column, and the database is left exactly as it was (with --replace too)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from cadence_tui.store import open_store
from cadence_tui.store.portability import dumps_export
from tests.hostile.helpers import assert_error, cadence, sha

# (table, column, bad value): one per problem the issue lists, and a few more.
BAD = [
    ("action_items", "due", "2026-02-30"),
    ("action_items", "due", "0000-00-00"),
    ("action_items", "due", 20261204),
    ("meetings", "started_at", "garbage"),
    ("meetings", "started_at", "2026-11-25 16:00"),
    ("meetings", "ended_at", "0001-01-01T00:00:00+00:00"),
    ("cadences", "rrule", "FREQ=SOMETIMES"),
    ("cadences", "rrule", "FREQ=SECONDLY"),
    ("cadences", "rrule", "FREQ=MINUTELY;INTERVAL=1"),
    ("cadences", "tz", "Mars/Olympus"),
    ("cadences", "tz", "/etc/passwd"),
    ("cadences", "start_time", "25:99"),
    ("cadences", "anchor_date", "0000-00-00"),
    ("cadences", "anchor_date", "0001-01-01"),
    ("cadences", "participants", "not json"),
    ("cadences", "participants", '[{"role": "no name"}]'),
    ("cadences", "key", "sprint\x1b[31mreview"),
    ("metrics", "key", "cac\x07"),
    ("cadences", "timebox_min", 2**64),
    ("action_items", "meeting_id", 2**64 + 1),
    ("action_items", "title", "\ud800 lone"),
    ("action_items", "owner", "Sam\udcff"),
    ("action_items", "status", "maybe"),
    ("metric_values", "value", 1.7e308),
    ("metric_values", "value", "12"),
    ("meetings", "paused_seconds", -5),
    ("cadences", "name", ""),
    ("action_items", "created_at", "2026-11-25T16:00:00"),
    ("action_items", "cadence_id", True),
    ("metric_values", "recorded_on", "yesterday"),
]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("source") / "source.db"
    store = open_store(db)
    meeting = store.meetings.start_meeting("sprint-review")
    store.actions.add_action("Ship it", owner="Lena", cadence_key="sprint-review", meeting_id=meeting.id)
    store.meetings.end_meeting(meeting.id)
    store.scorecard.record_metric_value("cac", 1200)
    data = store.portability.export_data()
    store.close()
    return data


def spoiled(export: dict[str, Any], table: str, column: str, value: Any) -> tuple[dict[str, Any], int]:
    data = json.loads(json.dumps(export))
    body = data["tables"][table]
    at = body["columns"].index(column)
    row = body["rows"][0]
    row[at] = value
    return data, row[body["columns"].index("id")]


def write(data: dict[str, Any], path: Path) -> Path:
    # ensure_ascii: lone surrogates written as \\ud800 escapes, as another tool might.
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def rows(db: Path) -> dict[str, list]:
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    finally:
        conn.close()


@pytest.mark.parametrize(("table", "column", "value"), BAD, ids=lambda v: ascii(v)[:30])
def test_import_refuses_a_bad_value_and_changes_nothing(
    export: dict[str, Any], tmp_path: Path, table: str, column: str, value: Any
) -> None:
    data, row_id = spoiled(export, table, column, value)
    file = write(data, tmp_path / "bad.json")
    empty = tmp_path / "empty.db"
    open_store(empty).close()
    full = tmp_path / "full.db"
    store = open_store(full)
    store.actions.add_action("Keep me", cadence_key="all-hands")
    store.close()
    for db, extra in ((empty, ()), (full, ("--replace",))):
        before, before_rows = sha(db), rows(db)
        result = cadence("import", "json", str(file), *extra, db=db)
        assert_error(result, table, f"row id {row_id}", column)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert sha(db) == before
        assert rows(db) == before_rows


def test_a_good_export_still_imports_and_every_command_works(export: dict[str, Any], tmp_path: Path) -> None:
    file = write(export, tmp_path / "good.json")
    db = tmp_path / "new.db"
    result = cadence("import", "json", str(file), db=db)
    assert result.returncode == 0, result.stderr
    for args in (
        ("schedule",),
        ("cadences",),
        ("export", "ics"),
        ("actions",),
        ("summary",),
        ("history",),
        ("stats",),
        ("metrics",),
    ):
        done = cadence(*args, db=db)
        assert done.returncode == 0, (args, done.stderr)
    again = cadence("export", "json", db=db)
    assert again.stdout == dumps_export(export)


def test_stored_sub_daily_or_ancient_rule_does_not_stall_cadences(export: dict[str, Any], tmp_path: Path) -> None:
    """A rule that got in some other way (raw SQL) must not make `cadences` take seconds."""
    db = tmp_path / "stored.db"
    assert cadence("import", "json", str(write(export, tmp_path / "good.json")), db=db).returncode == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE cadences SET rrule = 'FREQ=SECONDLY' WHERE key = 'sprint-review'")
        conn.execute("UPDATE cadences SET anchor_date = '0001-01-01', rrule = 'FREQ=DAILY' WHERE key = 'all-hands'")
    conn.close()
    started = time.perf_counter()
    result = cadence("cadences", db=db)
    assert time.perf_counter() - started < 3, "cadences took seconds"
    assert result.returncode == 0, result.stderr
