"""A damaged database file: every command says so in one line and points to a
backup, never a traceback (sqlite3.DatabaseError, UnicodeDecodeError)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from cadence_tui.store import open_store
from tests.hostile.helpers import assert_error, cadence

COMMANDS = [
    ("actions",),
    ("export", "json"),
    ("history",),
    ("summary",),
    ("schedule",),
    ("cadences",),
    ("stats",),
]
PAGE = 4096


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database spread over many pages: meetings, records, action items."""
    db = tmp_path_factory.mktemp("pristine") / "team.db"
    store = open_store(db)
    for n in range(6):
        meeting = store.meetings.start_meeting("sprint-review")
        for i in range(30):
            store.actions.add_action(
                f"Action {n}-{i} " + "words " * 20,
                owner=f"Owner {i % 5}",
                cadence_key="sprint-review",
                meeting_id=meeting.id,
            )
        store.meetings.end_meeting(meeting.id)
    store.close()
    return db


def flipped_offsets(size: int, count: int = 40) -> list[int]:
    """Deterministic offsets past the 100-byte file header, one per page spread
    over the file: every other one in the page's b-tree header and cell
    pointers (where a flip is noticed), the others anywhere in the page."""
    rng = random.Random(20261125)
    pages = size // PAGE
    offsets = []
    for k in range(count):
        page = k * pages // count
        within = rng.randrange(32) if k % 2 == 0 else rng.randrange(PAGE)
        offsets.append(max(100 + rng.randrange(32), page * PAGE + within))
    return offsets


def damage(src: Path, dst: Path, offset: int) -> None:
    data = bytearray(src.read_bytes())
    data[offset] ^= 0xFF
    dst.write_bytes(bytes(data))


def test_byte_flips_never_give_a_traceback(pristine: Path, tmp_path: Path) -> None:
    size = pristine.stat().st_size
    assert size > 20 * PAGE
    runner = CliRunner()
    failures = []
    damaged_seen = 0
    for offset in flipped_offsets(size):
        db = tmp_path / f"flip-{offset}.db"
        damage(pristine, db, offset)
        for args in COMMANDS:
            result = runner.invoke(cli, ["--db", str(db), *args])
            if result.exit_code == 0:
                continue  # a flip in unused space or in text is not always noticed
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                failures.append((offset, args, repr(result.exception)))
                continue
            lines = result.output.strip().splitlines()
            if "damaged" in result.output:
                damaged_seen += 1
                assert "backup" in result.output, result.output
            if not lines or not lines[-1].startswith("cadence: error: "):
                failures.append((offset, args, result.output[-300:]))
        db.unlink()
    assert not failures, failures[:5]
    assert damaged_seen > 0


def damaged_schema(tmp_path: Path, pristine: Path) -> Path:
    """sqlite_master's text holds bytes that are not UTF-8."""
    db = tmp_path / "schema.db"
    shutil.copy(pristine, db)
    data = bytearray(db.read_bytes())
    at = data.find(b"CREATE TABLE agenda_templates")
    assert at > 0
    data[at + 7] = 0xFF  # "CREATE \xffABLE": same length, invalid UTF-8
    db.write_bytes(bytes(data))
    return db


@pytest.mark.parametrize("args", COMMANDS[:3], ids=" ".join)
def test_damaged_schema_text_is_reported(pristine: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    db = damaged_schema(tmp_path, pristine)
    result = cadence(*args, db=db)
    assert_error(result, "is damaged", "backup", str(db))


def test_bare_start_on_a_damaged_file_says_so(pristine: Path, tmp_path: Path) -> None:
    db = damaged_schema(tmp_path, pristine)
    result = cadence(db=db)
    assert_error(result, "is damaged", "backup")


def test_malformed_page_through_the_real_cli(pristine: Path, tmp_path: Path) -> None:
    """A damaged page in the middle of the action items' table."""
    db = tmp_path / "malformed.db"
    shutil.copy(pristine, db)
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'action_items'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * PAGE
    data[start : start + 12] = b"\xff" * 12  # the page header: not a b-tree page
    db.write_bytes(bytes(data))
    for args in (("export", "json"), ("actions",)):
        result = cadence(*args, db=db)
        assert_error(result, "is damaged", "backup")
        assert len(result.stderr.strip().splitlines()) == 1
