"""`cadence history` and the search options of `cadence actions`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from cadence_tui.store import open_store

pytestmark = pytest.mark.both_engines

NOW = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


@pytest.fixture
def filled(db) -> dict:
    """Two past meetings with records, built with a moving clock."""
    current = [NOW - timedelta(days=10)]
    store = open_store(db, now=lambda: current[0])
    ids = {}
    m = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(m.id, "Ship checkout behind a flag")
    store.actions.add_action(
        "Fix checkout regression", owner="Lena", due=NOW.date() - timedelta(days=2), meeting_id=m.id
    )
    current[0] += timedelta(minutes=25)
    store.meetings.end_meeting(m.id)
    ids["sprint"] = m.id
    current[0] += timedelta(days=3)
    m = store.meetings.start_meeting("finance-review")
    store.meetings.add_note(m.id, "Budget \x1b[31mred\x1b[0m flag")
    store.actions.add_action(
        "Explain travel variance", owner="Dana", due=NOW.date() + timedelta(days=20), meeting_id=m.id
    )
    current[0] += timedelta(minutes=50)
    store.meetings.end_meeting(m.id)
    ids["finance"] = m.id
    store.close()
    return ids


@pytest.fixture
def run(db, monkeypatch):
    monkeypatch.setenv("CADENCE_NOW", NOW.isoformat())
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [*args, "--db", str(db)], catch_exceptions=False)

    return invoke


def test_history_lists_newest_first(run, filled) -> None:
    result = run("history")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(f"#{filled['finance']} ") and "Finance Business Review" in lines[0]
    assert "50/60 min" in lines[0] and "1 action, 0 decisions, 1 note, 0 blockers" in lines[0]
    assert "1 actions" not in result.output and "1 notes" not in result.output
    assert lines[1].startswith(f"#{filled['sprint']} ") and "25/30 min" in lines[1]


def test_history_json_and_cadence_filter(run, filled) -> None:
    data = json.loads(run("history", "--json").output)
    assert [d["id"] for d in data] == [filled["finance"], filled["sprint"]]
    assert data[1] == {
        "id": filled["sprint"],
        "cadence": "sprint-review",
        "name": "Sprint Review",
        "started_at": "2026-11-15T16:00:00+00:00",
        "ended_at": "2026-11-15T16:25:00+00:00",
        "duration_min": 25.0,
        "timebox_min": 30,
        "actions": 1,
        "decisions": 1,
        "notes": 0,
        "blockers": 0,
    }
    only = json.loads(run("history", "--cadence", "sprint-review", "--json").output)
    assert [d["id"] for d in only] == [filled["sprint"]]


def test_history_search(run, filled) -> None:
    hits = json.loads(run("history", "--search", "checkout", "--json").output)
    assert sorted((h["kind"], h["meeting_id"]) for h in hits) == [
        ("action", filled["sprint"]),
        ("decision", filled["sprint"]),
    ]
    assert json.loads(run("history", "--search", "checkout", "--cadence", "finance-review", "--json").output) == []
    text = run("history", "--search", "budget").output
    assert "note" in text and "\x1b" not in text and "Budget red flag" in text
    for weird in ['"', "(*", "NEAR(", "-", "a OR"]:
        result = run("history", "--search", weird)
        assert result.exit_code == 0, weird


def test_history_errors_are_one_line(db, filled) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cadence_tui", "history", "--cadence", "nope", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("cadence: error: unknown cadence 'nope'") and "Traceback" not in proc.stderr


def test_actions_search_and_due_before(run, filled) -> None:
    found = json.loads(run("actions", "--search", "checkout", "--json").output)
    assert [d["title"] for d in found] == ["Fix checkout regression"]
    assert json.loads(run("actions", "--search", "check regr", "--json").output)[0]["owner"] == "Lena"
    assert json.loads(run("actions", "--search", "((", "--json").output) == []
    before = json.loads(run("actions", "--due-before", "2026-12-01", "--json").output)
    assert [d["title"] for d in before] == ["Fix checkout regression"]
    both = json.loads(run("actions", "--due-before", "+30d", "--json").output)
    assert len(both) == 2
    bad = run("actions", "--due-before", "someday")
    assert bad.exit_code == 2 and "not a due date" in bad.output
