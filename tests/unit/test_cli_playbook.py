"""`cadence stats`, `metrics`, `handoffs`, `failfast`, `escalate`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from tests.postgres_server import raw_connect

pytestmark = pytest.mark.both_engines


@pytest.fixture
def run(db, monkeypatch):
    monkeypatch.setenv("CADENCE_NOW", "2026-11-25T16:00:00+00:00")
    from cadence_tui.store import open_store

    open_store(db).close()  # only the app, demo and import create a database
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [*args, "--db", str(db)], catch_exceptions=False)

    return invoke


def test_metrics_record_list_and_focus_warning(run, db) -> None:
    assert run("metrics", "record", "cac", "1,400", "--date", "2026-11-01").exit_code == 0
    result = run("metrics", "record", "cac", "1150", "--date", "yesterday")
    assert result.exit_code == 0 and "1,150 USD on 2026-11-24 (on target, −250)" in result.stdout
    listed = run("metrics").stdout.splitlines()
    assert listed[0].startswith("cac") and "1,150 USD" in listed[0] and "OFF TARGET" not in listed[0]
    data = json.loads(run("metrics", "--json").stdout)
    assert data[0]["trend"] == [1400, 1150] and data[0]["off_target"] is False
    assert [d["key"] for d in json.loads(run("metrics", "--cadence", "all-hands", "--json").stdout)] == ["enps"]
    added = run("metrics", "add", "nrr", "Net revenue retention", "--target", "105", "--cadence", "finance-review")
    assert added.exit_code == 0 and "warning: 4 active metrics" in added.stderr
    assert run("metrics", "edit", "nrr", "--owner", "Dana").exit_code == 0
    assert run("metrics", "archive", "nrr").exit_code == 0
    assert "warning" not in run("metrics").stderr
    bad = run("metrics", "record", "cac", "lots")
    assert bad.exit_code == 1 and "must be a number" in bad.stderr
    with raw_connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM metric_values").fetchone()[0] == 2
        assert conn.execute("SELECT owner, archived FROM metrics WHERE key = 'nrr'").fetchone() == ("Dana", 1)


def test_handoffs_failfast_and_escalate(run, db, store) -> None:
    logged = run("failfast", "log", "marketing-sales", "Leads without intent", "--cause", "missing data")
    assert logged.exit_code == 0 and "1 failure so far" in logged.stdout
    run("failfast", "log", "marketing-sales", "Leads without score", "--cause", "Missing Data")
    patterns = run("failfast").stdout
    assert "2  Marketing → Sales  (pattern)" in patterns and "2  missing data  (pattern)" in patterns
    data = json.loads(run("failfast", "--json").stdout)
    assert data["total"] == 2 and data["by_cause"][0]["count"] == 2
    register = json.loads(run("handoffs", "--json").stdout)
    assert register[0]["key"] == "marketing-sales" and register[0]["failures"] == 2
    assert "failures   2" in run("handoffs").stdout

    blocker = store.meetings.add_blocker("Needs budget", cadence_key="sprint-review")
    result = run("escalate", "blocker", str(blocker.id), "finance-review")
    assert result.exit_code == 0 and "to Finance Business Review" in result.stdout
    with raw_connect(db) as conn:
        target = conn.execute("SELECT escalated_to_cadence_id FROM blockers WHERE id = ?", (blocker.id,)).fetchone()[0]
    assert target == store.cadences.get_cadence("finance-review").id
    assert run("escalate", "blocker", str(blocker.id), "sprint-review").exit_code == 1
    assert run("escalate", "blocker", str(blocker.id), "--undo").exit_code == 0


def test_stats_text_and_json(run) -> None:
    assert run("demo").exit_code == 0
    text = run("stats", "--cadence", "sprint-review", "--last", "6").stdout
    assert text.startswith("Sprint Review — last 6 meetings") and "Demos" in text
    data = json.loads(run("stats", "--json").stdout)
    assert [d["cadence_key"] for d in data] == ["sprint-review", "sales-marketing-sync", "finance-review", "all-hands"]
    assert all(d["meetings"] > 0 for d in data)
    assert run("stats", "--cadence", "nope").exit_code == 1


# Every form of the one date grammar (core/duedates.py), through `metrics record --date`
# and `digest --since`, on Wed 25 Nov 2026.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-18", "2026-11-18"),
        ("20261118", "2026-11-18"),
        ("today", "2026-11-25"),
        ("tomorrow", "2026-11-26"),
        ("yesterday", "2026-11-24"),
        ("fri", "2026-11-27"),
        ("next friday", "2026-12-04"),
        ("next week", "2026-12-02"),
        ("+3d", "2026-11-28"),
        ("+2w", "2026-12-09"),
        ("+1m", "2026-12-25"),
        ("-7d", "2026-11-18"),
        ("-2w", "2026-11-11"),
        ("-1m", "2026-10-25"),
    ],
)
def test_metrics_record_date_every_form(run, text: str, expected: str) -> None:
    result = run("metrics", "record", "cac", "1150", "--date", text)
    assert result.exit_code == 0, result.output
    assert f" on {expected} " in result.stdout


@pytest.mark.parametrize(
    "text, heading",
    [
        ("2026-11-18", "18 Nov – 25 Nov 2026"),
        ("yesterday", "24 Nov – 25 Nov 2026"),
        ("today", "25 Nov – 25 Nov 2026"),
        ("-7d", "18 Nov – 25 Nov 2026"),
        ("-2w", "11 Nov – 25 Nov 2026"),
        ("-1m", "25 Oct – 25 Nov 2026"),
    ],
)
def test_digest_since_every_past_form(run, text: str, heading: str) -> None:
    result = run("digest", "--since", text, "--format", "text")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Cadence digest: {heading}")


@pytest.mark.parametrize("text", ["fri", "+3d", "next week", "tomorrow"])
def test_digest_since_a_future_form_is_understood_and_refused(run, text: str) -> None:
    result = run("digest", "--since", text)
    assert result.exit_code == 1 and "cannot start in the future" in result.stderr


@pytest.mark.parametrize("option", [("metrics", "record", "cac", "1", "--date"), ("digest", "--since")])
def test_a_date_that_is_no_date_is_one_line_naming_the_forms(run, option) -> None:
    result = run(*option, "someday")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "is not a date" in result.stderr and "yesterday" in result.stderr and "-7d" in result.stderr
