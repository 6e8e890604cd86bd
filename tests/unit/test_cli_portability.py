"""`cadence cadences` and its archive commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli

pytestmark = pytest.mark.both_engines


def run(db, *args):
    return CliRunner().invoke(cli, [*args, "--db", str(db)])


def test_cadences_table_and_json(store, db):
    store.cadences.update_cadence("sprint-review", name="Demo \x1b[31mDay")
    result = run(db, "cadences")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("sprint-review") and "Demo Day" in lines[0] and "\x1b" not in result.output
    assert "weekly on Thu at 15:00" in lines[0] and "next Thu 2026-11-26 15:00" in lines[0]
    data = json.loads(run(db, "cadences", "--json").output)
    assert [c["key"] for c in data] == ["sprint-review", "sales-marketing-sync", "finance-review", "all-hands"]
    assert [c["kind"] for c in data] == ["sprint-review", "pipeline", "finance", "all-hands"]
    first = data[0]
    assert first["rrule"] == "FREQ=WEEKLY;BYDAY=TH" and first["timebox_min"] == 30
    assert first["next"].startswith("2026-11-26T15:00")
    assert [i["timebox_min"] for i in first["agenda"]] == [3, 15, 7, 5]
    assert first["participants"][0] == {"name": "Priya", "role": "Product"}


def test_archive_and_unarchive(store, db):
    result = run(db, "cadences", "archive", "all-hands")
    assert result.exit_code == 0 and "archived" in result.output
    assert "all-hands" not in run(db, "cadences").output
    listed = json.loads(run(db, "cadences", "--all", "--json").output)
    assert [c["archived"] for c in listed if c["key"] == "all-hands"] == [True]
    assert "All-Hands" not in run(db, "schedule", "--days", "120").output
    assert run(db, "cadences", "unarchive", "all-hands").exit_code == 0
    assert "all-hands" in run(db, "cadences").output
    bad = run(db, "cadences", "archive", "nope")
    assert bad.exit_code == 1 and bad.stderr.startswith("cadence: error: unknown cadence 'nope'")
