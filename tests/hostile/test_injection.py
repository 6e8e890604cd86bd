"""Hostile text in every user field, however it got into the database.

The text is written straight into the database with sqlite3 (as an import, a
script or an older version could have left it), then every output is checked:
summaries and digests in each format (what ``--post`` sends to a channel), the
CLI's tables and the app's screens.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cadence_tui.core.digest import render as render_digest
from cadence_tui.core.summary import FORMATS
from cadence_tui.core.summary import render as render_summary
from cadence_tui.store import open_store
from tests.conftest import Clock
from tests.hostile.helpers import cadence
from tests.summary_fixtures import CADENCE_KEYS, build_meeting

# What a channel, a Markdown viewer or a terminal would act on.
PING = "<!channel> @here <img src=//ev.il> *bold* \x1b[31m"
# What a terminal would act on: retitle, clipboard write (OSC 52), clear screen,
# NUL, BEL, DEL, 8-bit CSI, right-to-left override, isolates.
TERMINAL = "\x1b]0;X\x07 \x1b]52;c;ZXZpbA==\x07 \x1b[2J\x00\x07\x7f\x9b31m \u202eevil\u202c \u2066iso\u2069"
HOSTILE = f"{PING} {TERMINAL} ev.il"
# A value followed by its (poisoned) unit, before the next "·".
UNIT_AFTER_VALUE = re.compile(r"\d [^·]*?ev\.il")
BAD_TERMINAL = ("\x1b", "\x00", "\x07", "\x7f", "\x9b", "\u202e", "\u202a", "\u2066", "\u2069")

# Every column a user (or an import) fills with free text, table by table.
USER_TEXT_COLUMNS = {
    "cadences": ("name", "purpose"),
    "agenda_templates": ("title",),
    "agenda_items": ("title",),
    "action_items": ("title", "owner"),
    "blockers": ("what", "raised_by", "unblocker"),
    "decisions": ("text",),
    "notes": ("text",),
    "attendance": ("person", "role"),
    "demo_items": ("what", "presenter", "feedback"),
    "campaign_changes": ("text",),
    "budget_lines": ("department",),
    "wins": ("text", "who"),
    "handoffs": ("from_dept", "to_dept", "owner", "deliverables", "timeline", "success_criteria"),
    "health_ratings": ("comment",),
    "metrics": ("name", "unit", "owner", "description"),
    "failfast_log": ("what", "cause", "fix"),
}


def poison(db: Path, text: str = HOSTILE, *, keys: bool = False) -> None:
    """Append ``text`` to every user field (and, with ``keys``, to the keys of
    metrics and hand-offs) straight in the database."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            for table, columns in USER_TEXT_COLUMNS.items():
                sets = ", ".join(f"{c} = {c} || ?" for c in columns)
                conn.execute(f"UPDATE {table} SET {sets}", (text,) * len(columns))
            for cid, participants in conn.execute("SELECT id, participants FROM cadences").fetchall():
                people = [{**p, "name": p["name"] + text} for p in json.loads(participants)]
                conn.execute("UPDATE cadences SET participants = ? WHERE id = ?", (json.dumps(people), cid))
            if keys:
                conn.execute("UPDATE metrics SET key = key || ?", (text,))
                conn.execute("UPDATE handoffs SET key = key || ?", (text,))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """A meeting of each cadence (with agenda, actions, blockers, demos,
    pipeline, budget, wins, health, metrics), then every user field poisoned."""
    db = tmp_path_factory.mktemp("poisoned") / "team.db"
    clock = Clock()
    store = open_store(db, now=clock)
    try:
        ids = [build_meeting(store, clock, key) for key in CADENCE_KEYS]
    finally:
        store.close()
    poison(db)
    return db, ids


def assert_inert(text: str, where: str) -> None:
    """Nothing a channel, a Markdown renderer or a terminal would act on."""
    assert "ev.il" in text, f"{where}: the hostile text never reached the output"
    assert "<!channel>" not in text, where
    assert not re.search(r"@(here|channel|everyone)", text, re.IGNORECASE), where  # unbroken mentions
    assert not re.search(r"(?<!\\)<img", text), where  # raw HTML (an escaped \<img is literal text)
    for bad in BAD_TERMINAL:
        assert bad not in text, f"{where}: {bad!r} in output"


# -- 6. summaries and digests: every user field escaped, in every format ----------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_summaries_escape_every_user_field(poisoned, fmt: str) -> None:
    db, ids = poisoned
    store = open_store(db, now=Clock())
    try:
        for meeting_id in ids:
            text = render_summary(store.records.meeting_record(meeting_id), fmt)
            assert_inert(text, f"summary of meeting {meeting_id} ({fmt})")
            # The metric's unit (the example: "31.5 days<!channel>...") is user text like the rest.
            assert UNIT_AFTER_VALUE.search(text.split("Scorecard", 1)[1]), text
    finally:
        store.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_digests_escape_every_user_field(poisoned, fmt: str) -> None:
    db, _ids = poisoned
    store = open_store(db, now=Clock())
    try:
        data = store.digest.digest_data(date(2026, 11, 1))
        text = render_digest(data, fmt)
        assert_inert(text, f"digest ({fmt})")
        assert UNIT_AFTER_VALUE.search(text.split("Metrics that moved", 1)[1]), text  # the unit
        owner = data.owes and next(iter(data.owes))
        if owner:
            assert_inert(
                render_digest(store.digest.digest_data(date(2026, 11, 1), owner=owner), fmt), f"owner digest ({fmt})"
            )
    finally:
        store.close()


def test_summary_and_digest_commands_print_nothing_a_terminal_acts_on(poisoned) -> None:
    db, ids = poisoned
    for fmt in FORMATS:
        for args in (("summary", str(ids[0]), "--format", fmt), ("digest", "--since", "2026-11-01", "--format", fmt)):
            result = cadence(*args, db=db)
            assert result.returncode == 0, result.stderr
            assert_inert(result.stdout, " ".join(args))


# -- 7. the CLI prints nothing a terminal acts on, whatever the database holds ----------
@pytest.fixture(scope="module")
def poisoned_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """As ``poisoned``, with the keys of cadences, metrics and hand-offs poisoned too."""
    db = tmp_path_factory.mktemp("poisoned-keys") / "team.db"
    clock = Clock()
    store = open_store(db, now=clock)
    try:
        ids = [build_meeting(store, clock, key) for key in CADENCE_KEYS]
        store.actions.add_action("Due soon", owner="Lena", due=date(2026, 11, 26), cadence_key="all-hands")
        for _ in range(2):
            store.playbook.log_failfast(
                "marketing-sales", "Leads arrived without context", cause="No packet", fix="Template"
            )
    finally:
        store.close()
    poison(db, keys=True)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE cadences SET key = key || ?", (TERMINAL,))
        for mid, keys in conn.execute("SELECT id, cadence_keys FROM metrics").fetchall():
            conn.execute(
                "UPDATE metrics SET cadence_keys = ? WHERE id = ?",
                (json.dumps([k + TERMINAL for k in json.loads(keys)]), mid),
            )
    conn.close()
    return db, ids


def assert_terminal_safe(result, where: str) -> None:
    assert result.returncode == 0, (where, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        for bad in BAD_TERMINAL:
            assert bad not in text, f"{where} ({stream}): {bad!r} in {text[:2000]!r}"


CLI_READS = [
    ("metrics",),
    ("actions", "--all"),
    ("history",),
    ("history", "--search", "ev"),
    ("cadences", "--all"),
    ("schedule", "--days", "40"),
    ("stats",),
    ("handoffs",),
    ("failfast",),
    *[("digest", "--since", "2026-11-01", "--format", fmt) for fmt in FORMATS],
]


@pytest.mark.parametrize("args", CLI_READS, ids=" ".join)
def test_cli_tables_print_no_control_characters(poisoned_keys, args: tuple[str, ...]) -> None:
    db, _ids = poisoned_keys
    result = cadence(*args, db=db)
    assert_terminal_safe(result, " ".join(args))
    assert "ev" in result.stdout  # the poisoned rows were printed, cleaned


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_summary_prints_no_control_characters(poisoned_keys, fmt: str) -> None:
    db, ids = poisoned_keys
    for meeting_id in ids:
        result = cadence("summary", str(meeting_id), "--format", fmt, db=db)
        assert_terminal_safe(result, f"summary {meeting_id} --format {fmt}")


def test_cli_table_columns_stay_aligned(poisoned_keys) -> None:
    """Widths are measured on what is printed, so stripped characters leave no gaps."""
    db, _ids = poisoned_keys
    lines = cadence("cadences", db=db).stdout.splitlines()
    assert len({line.index(" min ") for line in lines}) == 1, lines


def test_error_messages_show_paths_without_control_characters(tmp_path: Path) -> None:
    hostile = "a\x1b]0;X\x07b\x1b[2J\u202e"
    hostile_dir = tmp_path / hostile
    hostile_dir.mkdir()
    hostile_file = tmp_path / f"{hostile}.txt"
    hostile_file.write_text("not a database")
    results = {
        "import of a missing file": cadence("import", "json", str(hostile_dir / "missing.json"), db=tmp_path / "x.db"),
        "db is a folder": cadence("actions", db=hostile_dir),
        "db is not a database": cadence("actions", db=hostile_file),
        "db under a file": cadence("actions", db=hostile_file / "team.db"),
        "bare start on a folder": cadence(db=hostile_dir),
        "bare start on a non-database": cadence(db=hostile_file),
    }
    for what, result in results.items():
        assert result.returncode != 0, (what, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        for bad in BAD_TERMINAL:
            assert bad not in result.stderr, f"{what}: {bad!r} in {result.stderr!r}"
        assert "a\\x1b]0;X\\x07b\\x1b[2J\\u202e" in result.stderr, (what, result.stderr)  # named, visibly


# -- 7. the app: no screen draws a control character, whatever the database holds -------
BAD_SCREEN = ("\x1b", "\x00", "\x07", "\x9b", "\u202e", "\u2066")


def screen_text(app) -> str:
    """What the app draws: every visible line of every widget on the screen
    (the strips sent to the terminal), plus the SVG export of the screen."""
    from textual.geometry import Region

    lines = []
    for widget in app.screen.walk_children(with_self=True):
        if not widget.display or not widget.size.area:
            continue
        try:
            strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
        except Exception:
            continue
        lines += ["".join(segment.text for segment in strip) for strip in strips]
    return "\n".join(lines) + app.export_screenshot()


def assert_screen_safe(app, where: str) -> None:
    text = screen_text(app)
    assert "ev.il" in text or "ev" in text, f"{where}: the poisoned rows are not on screen"
    for bad in BAD_SCREEN:
        assert bad not in text, f"{where}: {bad!r} drawn: {text[max(0, text.find(bad) - 80) : text.find(bad) + 40]!r}"


async def test_app_screens_draw_no_control_characters(store, clock, make_app) -> None:
    from tests.conftest import FROZEN_NOW
    from tests.functional.meeting_pilot import start_from_home

    for key in CADENCE_KEYS:
        build_meeting(store, clock, key)
    store.actions.add_action("Due soon", owner="Lena", due=date(2026, 11, 26), cadence_key="sprint-review")
    clock.current = FROZEN_NOW
    poison(store.path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert_screen_safe(app, "home")
        await pilot.press("a")
        await pilot.pause()
        assert_screen_safe(app, "action items")
        await pilot.press("escape")
        await pilot.pause()
        from cadence_tui.ui.screens.meeting import MeetingScreen

        screen = await start_from_home(pilot, "sprint-review")
        assert isinstance(screen, MeetingScreen), type(screen)
        await pilot.pause()
        assert_screen_safe(app, "meeting")
        from textual.widgets import TabbedContent, TabPane

        tabs = screen.query_one("#meeting-tabs", TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        assert len(panes) >= 4, panes  # demos, log, carried over, who (and the scorecard)
        for pane in panes:
            tabs.active = pane
            await pilot.pause()
            assert_screen_safe(app, f"meeting, tab {pane}")
