"""Absurd numbers: refused where they are typed, drawn without a crash when
they are already in the database (written there by another tool)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from cadence_tui.store import open_store
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from tests.hostile.helpers import assert_error, cadence, sha

BAD_VALUES = ["1.7e308", "-1.7e308", "1e16", "inf", "-inf", "nan", "1e999", "9" * 400]


def metric_values(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT metric_id, value, recorded_on FROM metric_values ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def metric_db(tmp_path: Path) -> Path:
    db = tmp_path / "values.db"
    store = open_store(db)
    store.scorecard.add_metric("k2", "K two", target=5)
    store.scorecard.record_metric_value("k2", 3)
    store.close()
    return db


# -- input ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", BAD_VALUES)
def test_metrics_record_refuses_absurd_values(metric_db: Path, value: str) -> None:
    before = sha(metric_db)
    result = cadence("metrics", "record", "k2", "--date", "2026-11-20", "--", value, db=metric_db)
    assert_error(result, "value")
    assert len(result.stderr.splitlines()) == 1
    assert sha(metric_db) == before


@pytest.mark.parametrize("command", ["add", "edit"])
@pytest.mark.parametrize("value", ["1.7e308", "inf", "nan", "1e16"])
def test_metric_target_refuses_absurd_values(metric_db: Path, command: str, value: str) -> None:
    before = sha(metric_db)
    args = ["metrics", "add", "k3", "K three"] if command == "add" else ["metrics", "edit", "k2"]
    result = cadence(*args, f"--target={value}", db=metric_db)
    assert_error(result, "target")
    assert sha(metric_db) == before


def test_two_extreme_values_in_a_row_are_refused_before_they_break_the_scorecard(metric_db: Path) -> None:
    """The issue's recipe: 1.7e308 then -1.7e308 (an infinite change)."""
    assert_error(cadence("metrics", "record", "k2", "--date", "2026-11-20", "1.7e308", db=metric_db), "value")
    assert_error(cadence("metrics", "record", "k2", "--date", "2026-11-21", "--", "-1.7e308", db=metric_db), "value")
    ok = cadence("metrics", db=metric_db)
    assert ok.returncode == 0, ok.stderr
    # The largest value accepted still draws and changes sanely.
    assert cadence("metrics", "record", "k2", "--date", "2026-11-22", "1e15", db=metric_db).returncode == 0
    result = cadence("metrics", "record", "k2", "--date", "2026-11-23", "--", "-1e15", db=metric_db)
    assert result.returncode == 0, result.stderr
    assert "inf" not in result.stdout.lower()


async def test_record_form_refuses_absurd_value(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("M", "r")
        await pilot.press(*"1.7e308", "enter")
        await pilot.pause()
        assert app.screen.id == "record-metric-form"
        error = str(app.screen.query_one("#error-value", Static).render())
        assert "value" in error and "at most" in error
        assert app.screen.query_one("#field-value", Input).value == "1.7e308"
    assert store.scorecard.metric_history("cac") == []


# -- what is already stored -------------------------------------------------------------
# Values another tool may have written: SQLite keeps text it cannot read as a
# number as text, and stores 1e999 as +Inf.
STORED = ["1.7e308", "-1.7e308", "1e999", "-1e999", "'nan'", "'garbage'", "1e308", "-1e308", "X'00ff'"]


@pytest.fixture
def poisoned_db(tmp_path: Path) -> Path:
    db = tmp_path / "poisoned.db"
    store = open_store(db)
    store.scorecard.add_metric("k2", "K two", target=5, cadence_keys=["sprint-review"])
    store.scorecard.add_metric("k3", "K three", target=5)
    store.actions.add_action("Something", cadence_key="sprint-review")
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.end_meeting(meeting.id)
    store.close()
    conn = sqlite3.connect(db)
    with conn:
        for day, literal in enumerate(STORED, start=1):
            conn.execute(
                "INSERT INTO metric_values(metric_id, value, recorded_on, created_at) "
                f"SELECT id, {literal}, '2026-11-{day:02d}', '2026-11-{day:02d}T10:00:00+00:00' FROM metrics"
            )
        for literal in ("1.7e308", "'nan'", "-1e999"):
            conn.execute(
                "INSERT INTO metric_values(metric_id, meeting_id, value, recorded_on, created_at) "
                f"SELECT id, {meeting.id}, {literal}, '2026-11-25', '2026-11-25T16:00:00+00:00' FROM metrics"
            )
        conn.execute("UPDATE metrics SET target = 1e999 WHERE key = 'k3'")
        conn.execute("UPDATE meetings SET paused_seconds = 1e999, timebox_min = 9223372036854775807")
        conn.execute("UPDATE agenda_items SET elapsed_seconds = 1.7e308")
    conn.close()
    return db


@pytest.mark.parametrize(
    "args",
    [
        ("metrics",),
        ("metrics", "--json"),
        ("digest", "--since", "2026-10-01"),
        ("digest", "--since", "2026-10-01", "--format", "slack"),
        ("stats",),
        ("stats", "--json"),
        ("summary",),
        ("summary", "--format", "slack"),
    ],
    ids=" ".join,
)
def test_commands_draw_stored_absurd_values(poisoned_db: Path, args: tuple[str, ...]) -> None:
    result = cadence(*args, db=poisoned_db)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if "--json" in args:
        json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    for line in result.stdout.splitlines():
        assert len(line) < 300, line


async def test_app_starts_and_shows_stored_absurd_values(poisoned_db: Path) -> None:
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.widgets.scorecard import Scorecard

    store = open_store(poisoned_db)
    try:
        app = make_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.screen.query_one("#cadence-table", CadenceTable).row_count == 4
            card = app.screen.query_one("#home-scorecard", Scorecard)
            lines = card.plain_lines()
            assert any(line.startswith("K two") for line in lines)
            await pilot.resize_terminal(60, 30)
            await pilot.pause()
            await pilot.press("M")
            await pilot.pause()
            assert app.screen.id == "metrics-screen"
            details = str(app.screen.query_one("#metric-details", Static).render())
            assert "1.7e+308" in details  # every metric has the stored values
            await pilot.press("down")
            await pilot.pause()
            await pilot.press("escape", "S")
            await pilot.pause()
            assert app.screen.id == "stats-screen"
    finally:
        store.close()


# -- ids, argument bytes and date ranges ------------------------------------------------
HUGE_ID = str(2**63)


@pytest.mark.parametrize(
    "args",
    [
        ("actions", "done", HUGE_ID),
        ("actions", "drop", HUGE_ID),
        ("actions", "reopen", str(2**64 + 5)),
        ("summary", HUGE_ID),
        ("escalate", "action", HUGE_ID, "all-hands"),
        ("escalate", "blocker", HUGE_ID, "all-hands"),
        ("metrics", "record", "cac", "5", "--meeting", HUGE_ID),
    ],
    ids=" ".join,
)
def test_ids_out_of_range_are_one_line(seeded_db: Path, args: tuple[str, ...]) -> None:
    before = sha(seeded_db)
    result = cadence(*args, db=seeded_db)
    assert_error(result, "no ", "with id")
    assert len(result.stderr.strip().splitlines()) == 1
    assert sha(seeded_db) == before


def test_invalid_utf8_argument_is_refused(seeded_db: Path) -> None:
    import os

    before = sha(seeded_db)
    title = os.fsdecode(b"\xff\xfe")  # what Python makes of such bytes in argv
    for args in (
        ("actions", "add", title, "--cadence", "sprint-review"),
        ("actions", "add", "ok", "--owner", title, "--cadence", "sprint-review"),
        ("actions", "--search", title),
    ):
        result = cadence(*args, db=seeded_db)
        assert_error(result, "not valid UTF-8")
        assert len(result.stderr.strip().splitlines()) == 1
    assert sha(seeded_db) == before
    # A path may hold any bytes: it is not refused for that.
    odd = seeded_db.parent / os.fsdecode(b"backup-\xff.db")
    result = cadence("backup", str(odd), db=seeded_db, errors="surrogateescape")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("since", ["0001-01-01", "-99999999d", "-9999999999999999999999w", "9999-12-31"])
def test_digest_since_far_dates_are_one_line(seeded_db: Path, since: str) -> None:
    result = cadence("digest", "--since", since, db=seeded_db)
    assert_error(result, "--since")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("now", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
@pytest.mark.parametrize("args", [("schedule",), ("cadences",), ("digest",), ()], ids=" ".join)
def test_a_clock_pinned_at_the_end_of_time_is_one_line(seeded_db: Path, now: str, args: tuple[str, ...]) -> None:
    result = cadence(*args, db=seeded_db, env={"CADENCE_NOW": now})
    assert_error(result, "CADENCE_NOW", "out of range")
    assert len(result.stderr.strip().splitlines()) == 1
