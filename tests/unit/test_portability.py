"""JSON export and import: the whole database round-trips byte for byte, an
import never mixes into a database with records, and a bad file is refused
with a clear message and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from cadence_tui.store import InvalidInput, open_store
from cadence_tui.store.portability import EXPORT_FORMAT, dumps_export, loads_export

pytestmark = pytest.mark.both_engines


@pytest.fixture
def demo_store(tmp_path, clock):
    store = open_store(tmp_path / "demo.db", now=clock)
    store.demo.generate_demo()
    store.cadences.update_cadence("sprint-review", name='Sprint "Review" ✓ [/]', participants="Zoë (Design), 李 (QA)")
    yield store
    store.close()


def test_export_import_export_is_identical(demo_store, store, tmp_path, clock):
    """SQLite → this test's engine → SQLite: the same document each time
    (on PostgreSQL: moving a team's file to the shared database and back)."""
    text = dumps_export(demo_store.portability.export_data())
    target = store  # freshly seeded: counts as empty
    progress: list[tuple[int, int]] = []
    counts = target.portability.import_data(loads_export(text), progress=lambda d, t: progress.append((d, t)))
    assert dumps_export(target.portability.export_data()) == text
    assert counts["meetings"] == demo_store.scalar("SELECT count(*) FROM meetings") > 0
    assert progress[-1][0] == progress[-1][1] == sum(counts.values())
    # The app reads the imported data as it read the original.
    assert [c.name for c in target.cadences.list_cadences()] == [c.name for c in demo_store.cadences.list_cadences()]
    assert target.cadences.overview() == demo_store.cadences.overview()
    # The full-text index was rebuilt from the records.
    assert target.scalar("SELECT count(*) FROM search_index") == demo_store.scalar("SELECT count(*) FROM search_index")
    assert target.history.search_history("deck") == demo_store.history.search_history("deck")
    back = open_store(tmp_path / "back.db", now=clock)
    back.portability.import_data(loads_export(dumps_export(target.portability.export_data())))
    assert dumps_export(back.portability.export_data()) == text
    back.close()


def test_document_is_documented_shape(demo_store):
    data = json.loads(dumps_export(demo_store.portability.export_data()))
    assert data["format"] == EXPORT_FORMAT and data["version"] == 1
    assert data["schema_version"] == demo_store.schema_version()
    tables = data["tables"]
    for name in (
        "cadences",
        "agenda_templates",
        "meetings",
        "agenda_items",
        "action_items",
        "blockers",
        "decisions",
        "notes",
        "attendance",
        "handoffs",
        "metrics",
        "metric_values",
        "failfast_log",
        "meeting_ratings",
        "health_ratings",
        "settings",
    ):
        assert name in tables, name
        assert isinstance(tables[name]["columns"], list) and isinstance(tables[name]["rows"], list)
    assert not any(name.startswith("search_index") for name in tables)
    order = list(tables)
    assert order.index("cadences") < order.index("meetings") < order.index("action_items")


def test_refuses_a_database_with_records_unless_replace(demo_store, tmp_path, clock):
    data = demo_store.portability.export_data()
    other = open_store(tmp_path / "other.db", now=clock)
    other.actions.add_action("Keep me", cadence_key="all-hands")
    before = dumps_export(other.portability.export_data())
    with pytest.raises(InvalidInput, match=r"already holds meetings or action items.*--replace"):
        other.portability.import_data(data)
    assert dumps_export(other.portability.export_data()) == before
    other.portability.import_data(data, replace=True)
    assert dumps_export(other.portability.export_data()) == dumps_export(data)
    assert other.scalar("SELECT count(*) FROM action_items WHERE title = 'Keep me'") == 0
    other.close()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "not a Cadence export"),
        ({"format": "something-else"}, "not a Cadence export"),
        ({"format": EXPORT_FORMAT, "version": 99, "tables": {}}, "format version 99"),
        ({"format": EXPORT_FORMAT, "version": 1, "schema_version": 999, "tables": {}}, "newer database"),
        ({"format": EXPORT_FORMAT, "version": 1}, 'no "tables"'),
        (
            {"format": EXPORT_FORMAT, "version": 1, "tables": {"users": {"columns": [], "rows": []}}},
            "unknown table 'users'",
        ),
        (
            {"format": EXPORT_FORMAT, "version": 1, "tables": {"cadences": {"columns": ["id", "evil"], "rows": []}}},
            "unknown column 'evil'",
        ),
        (
            {"format": EXPORT_FORMAT, "version": 1, "tables": {"notes": {"columns": ["id"], "rows": [[1, 2]]}}},
            "row 1 of 'notes'",
        ),
    ],
)
def test_bad_documents_are_refused_clearly(store, document, message):
    before = dumps_export(store.portability.export_data())
    with pytest.raises(InvalidInput, match=message):
        store.portability.import_data(document)
    assert dumps_export(store.portability.export_data()) == before


def test_a_failure_half_way_leaves_nothing(demo_store, store):
    data = demo_store.portability.export_data()
    before = dumps_export(store.portability.export_data())
    # An action item pointing to a cadence that is not in the file: fails after
    # many rows were already inserted in the transaction.
    columns = data["tables"]["action_items"]["columns"]
    bad_row = list(data["tables"]["action_items"]["rows"][-1])
    bad_row[columns.index("id")] = 999_999
    bad_row[columns.index("cadence_id")] = 424_242
    data["tables"]["action_items"]["rows"].append(bad_row)
    with pytest.raises(InvalidInput, match="action_items"):
        store.portability.import_data(data)
    assert dumps_export(store.portability.export_data()) == before


def test_not_json_is_a_clear_error():
    with pytest.raises(InvalidInput, match=r"backup.json is not a Cadence export: not JSON \(line 1, column 2"):
        loads_export("{oops", "backup.json")


def test_cli_round_trip_and_errors(demo_store, tmp_path):
    runner = CliRunner()
    out = tmp_path / "export.json"
    result = runner.invoke(cli, ["export", "json", "--db", str(demo_store.path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    new_db = tmp_path / "new.db"
    imported = runner.invoke(cli, ["import", "json", str(out), "--db", str(new_db)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 4 cadences" in imported.stderr
    again = runner.invoke(cli, ["export", "json", "--db", str(new_db)])
    assert again.stdout_bytes == out.read_bytes()
    refused = runner.invoke(cli, ["import", "json", str(out), "--db", str(new_db)])
    assert refused.exit_code == 1 and "--replace" in refused.stderr
    replaced = runner.invoke(cli, ["import", "json", str(out), "--db", str(new_db), "--replace"])
    assert replaced.exit_code == 0
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe garbage")
    bad = runner.invoke(cli, ["import", "json", str(tmp_path / "bad.json"), "--db", str(new_db)])
    assert bad.exit_code == 1 and "not a Cadence export" in bad.stderr
    missing = runner.invoke(cli, ["import", "json", str(tmp_path / "nope.json"), "--db", str(new_db)])
    assert missing.exit_code == 1 and "cannot read" in missing.stderr


def test_cli_stays_quiet_in_a_pipe(demo_store, tmp_path):
    """No progress bar when stderr is not a terminal: only the result line."""
    out = tmp_path / "e.json"
    result = subprocess.run(
        [sys.executable, "-m", "cadence_tui", "export", "json", "--db", str(demo_store.path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stderr.strip() == f"Wrote {out}"
    assert result.stdout == ""


def test_import_keeps_the_schema_and_indexes(demo_store, store, engine):
    if engine == "sqlite":
        query = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
    before = store.query(query)
    store.portability.import_data(demo_store.portability.export_data())
    assert [tuple(r) for r in store.query(query)] == [tuple(r) for r in before]
    if engine == "sqlite":
        assert store.scalar("PRAGMA integrity_check") == "ok"
    else:  # ids go on after the imported ones
        assert store.actions.add_action("After import", cadence_key="sprint-review").id > max(
            r[0] for r in demo_store.portability.export_data()["tables"]["action_items"]["rows"]
        )


def test_cadence_kinds_travel_and_an_export_from_before_kinds_derives_them(store, tmp_path, clock):
    store.cadences.create_cadence("Finance Review EMEA", copy_from="finance-review", key="finance-emea")
    data = loads_export(dumps_export(store.portability.export_data()))
    assert "kind" in data["tables"]["cadences"]["columns"]
    target = open_store(tmp_path / "copy.db", now=clock)
    target.portability.import_data(data)
    assert target.cadences.get_cadence("finance-emea").kind == "finance"  # a copy keeps its kind through an export

    # An export made before kinds (schema 6: no kind column): the kind comes from the key.
    old = loads_export(dumps_export(store.portability.export_data()))
    old["schema_version"] = 6
    body = old["tables"]["cadences"]
    at = body["columns"].index("kind")
    body["columns"].pop(at)
    for row in body["rows"]:
        row.pop(at)
    target.portability.import_data(old, replace=True)
    kinds = {c.key: c.kind for c in target.cadences.list_cadences()}
    assert kinds == {
        "sprint-review": "sprint-review",
        "sales-marketing-sync": "pipeline",
        "finance-review": "finance",
        "all-hands": "all-hands",
        "finance-emea": "generic",  # before kinds a copy had the shared screen, as it did then
    }

    # A kind that is not one is refused, naming the row and the column; nothing changes.
    bad = loads_export(dumps_export(store.portability.export_data()))
    body = bad["tables"]["cadences"]
    body["rows"][0][body["columns"].index("kind")] = "budget"
    with pytest.raises(InvalidInput, match=r"cadences .*column kind: 'budget' is not one of sprint-review"):
        target.portability.import_data(bad, replace=True)
    assert target.cadences.get_cadence("finance-review").kind == "finance"
    target.close()
