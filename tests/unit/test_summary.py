"""Summaries: golden files per cadence and format, well-formed Markdown,
hostile user text, the meeting record behind them, and `cadence summary`.

Goldens live in tests/unit/golden/summary_<cadence>.<fmt>. After a deliberate
change, regenerate with ``UPDATE_GOLDEN=1 pytest tests/unit/test_summary.py``
and read the diff before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from cadence_tui.cli import cli
from cadence_tui.core.meeting_record import ActionLine, Attendee, MeetingRecord
from cadence_tui.core.summary import FORMATS, clean, layout, md_escape, render, slack_escape, suggested_filename
from cadence_tui.store import NotFound
from tests.summary_fixtures import CADENCE_KEYS, build_meeting

pytestmark = pytest.mark.both_engines

GOLDEN = Path(__file__).parent / "golden"
EXT = {"markdown": "markdown", "slack": "slack", "text": "text"}


# -- goldens ----------------------------------------------------------------------
@pytest.mark.parametrize("key", CADENCE_KEYS)
def test_golden_summaries(store, clock, key: str) -> None:
    meeting_id = build_meeting(store, clock, key)
    record = store.records.meeting_record(meeting_id)
    for fmt in FORMATS:
        text = render(record, fmt)
        path = GOLDEN / f"summary_{key}.{EXT[fmt]}"
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"missing golden {path.name}; run with UPDATE_GOLDEN=1 and review it"
        assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"


def test_record_of_a_sprint_review(store, clock) -> None:
    """The record holds what the meeting saw: carried items open at its start,
    the one closed during it, the absent attendee, the item that ran over."""
    record = store.records.meeting_record(build_meeting(store, clock, "sprint-review"))
    assert record.cadence_name == "Sprint Review"
    assert [a.name for a in record.absent] == ["Sam"]
    assert [a.title for a in record.items_over] == ["Demos"]
    assert round(record.duration_seconds / 60) == 34
    assert [a.title for a in record.new_actions] == [
        "Write the rollout plan",
        "Ask legal about the data retention terms",
    ]
    assert [a.title for a in record.open_carried_actions] == [
        "Update the onboarding checklist",
        "Book the customer interviews",
    ]
    assert [a.title for a in record.closed_actions] == ["Send the recap deck"]
    assert record.open_carried_actions[0].age_days == 14
    assert [b.what for b in record.open_blockers] == ["Waiting for the new API keys", "Staging database is down"]
    assert [d.what for d in record.demos] == ["One-click checkout", "Faster search"]
    assert record.metrics[0].previous == 34.0 and record.metrics[0].value == 31.5


def test_pipeline_compares_with_previous_sync(store, clock) -> None:
    record = store.records.meeting_record(build_meeting(store, clock, "sales-marketing-sync"))
    stages = {s.stage: s for s in record.pipeline}
    assert stages["leads"].change == 50
    assert stages["mql"].conversion == pytest.approx(300 / 950 * 100)
    assert stages["mql"].previous_conversion == pytest.approx(30.0)
    assert record.previous_sync is not None and record.previous_sync.date() == date(2026, 11, 11)


def test_budget_flags_lines_over_the_meetings_threshold(store, clock) -> None:
    record = store.records.meeting_record(build_meeting(store, clock, "finance-review"))
    assert [b.department for b in record.budget_over] == ["Marketing", "Sales"]
    assert record.reforecast == 1_010_000
    with store.write() as conn:
        conn.execute("UPDATE meetings SET variance_threshold = 20 WHERE id = ?", (record.meeting_id,))
    again = store.records.meeting_record(record.meeting_id)
    assert again.budget_over == []
    assert "Every line within ±20 %" in render(again, "text")


def test_health_trend(store, clock) -> None:
    record = store.records.meeting_record(build_meeting(store, clock, "all-hands"))
    assert [h.trend for h in record.health] == ["down", "up", "same", "new"]


def test_escalated_items_say_where_they_went(store, clock) -> None:
    clock.current = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    sprint = store.meetings.start_meeting("sprint-review").id
    blocker = store.meetings.add_blocker(
        "Need budget for load testing", raised_by="Marco", unblocker="Dana", meeting_id=sprint
    )
    action = store.actions.add_action("Price the load-testing tool", owner="Marco", meeting_id=sprint)
    with store.write() as conn:
        target = conn.execute("SELECT id FROM cadences WHERE key = 'finance-review'").fetchone()[0]
        conn.execute("UPDATE blockers SET escalated_to_cadence_id = ? WHERE id = ?", (target, blocker.id))
        conn.execute("UPDATE action_items SET escalated_to_cadence_id = ? WHERE id = ?", (target, action.id))
    clock.advance(minutes=30)
    store.meetings.end_meeting(sprint)
    clock.advance(days=3)
    finance = store.meetings.start_meeting("finance-review").id
    clock.advance(minutes=45)
    store.meetings.end_meeting(finance)

    out = render(store.records.meeting_record(sprint), "text")
    assert "escalated to Finance Business Review" in out
    here = store.records.meeting_record(finance)
    assert [b.origin_cadence for b in here.carried_blockers] == ["Sprint Review"]
    assert [a.origin_cadence for a in here.carried_actions] == ["Sprint Review"]
    assert "from Sprint Review" in render(here, "markdown")
    # The sprint review's next meeting does not carry what went to finance.
    clock.advance(days=4)
    next_sprint = store.meetings.start_meeting("sprint-review").id
    assert store.records.meeting_record(next_sprint).carried_blockers == []


def test_running_meeting_is_marked_in_progress(store, clock) -> None:
    meeting = store.meetings.start_meeting("sprint-review")
    clock.advance(minutes=12)
    record = store.records.meeting_record(meeting.id)
    assert record.in_progress and round(record.duration_seconds) == 12 * 60
    assert "(in progress)" in render(record, "markdown").splitlines()[0]


def test_empty_sections_are_left_out(store, clock) -> None:
    meeting = store.meetings.start_meeting("finance-review")
    clock.advance(minutes=40)
    store.meetings.end_meeting(meeting.id)
    for fmt in FORMATS:
        out = render(store.records.meeting_record(meeting.id), fmt)
        for heading in ("Decisions", "action items", "Blockers", "Budget vs actual (", "Notes", "Scorecard"):
            assert heading not in out, (fmt, heading)
        assert "Finance Business Review" in out and "40 min" in out


def test_unknown_meeting_and_cadence(store) -> None:
    with pytest.raises(NotFound):
        store.records.meeting_record(4242)
    with pytest.raises(NotFound, match="no meetings"):
        store.records.last_meeting_id()
    with pytest.raises(NotFound, match="unknown cadence"):
        store.records.last_meeting_id("nope")
    with pytest.raises(NotFound, match="no meetings of Sprint Review"):
        store.records.last_meeting_id("sprint-review")


def test_suggested_filename(store, clock) -> None:
    record = store.records.meeting_record(build_meeting(store, clock, "all-hands"))
    assert suggested_filename(record, "markdown") == "all-hands-2026-11-25.md"
    assert suggested_filename(record, "slack") == "all-hands-2026-11-25.txt"


# -- Markdown is well-formed ------------------------------------------------------------
def _headings_and_lists(markdown: str) -> tuple[list[tuple[str, str]], int, list[str]]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [(tok.tag, tokens[i + 1].content) for i, tok in enumerate(tokens) if tok.type == "heading_open"]
    lists = sum(1 for tok in tokens if tok.type == "bullet_list_open")
    items = [tokens[i + 2].content for i, tok in enumerate(tokens) if tok.type == "list_item_open"]
    return headings, lists, items


@pytest.mark.parametrize("key", CADENCE_KEYS)
def test_markdown_parses_into_expected_structure(store, clock, key: str) -> None:
    markdown = render(store.records.meeting_record(build_meeting(store, clock, key)), "markdown")
    headings, lists, items = _headings_and_lists(markdown)
    assert headings[0][0] == "h2" and headings[0][1].endswith("— Wed 25 Nov 2026")
    sections = [text for tag, text in headings[1:]]
    assert all(tag == "h3" for tag, _ in headings[1:])
    assert sections[:5] == [
        "Decisions",
        "New action items",
        "Open items carried over",
        "Closed in this meeting",
        "Blockers",
    ]
    assert sections[-2:] == ["Scorecard", "Notes"]
    specific = {
        "sprint-review": "Demos and feedback",
        "sales-marketing-sync": "Pipeline (vs Wed 11 Nov)",
        "finance-review": "Budget vs actual (threshold ±10 %)",
        "all-hands": "Health check",
    }[key]
    assert specific in sections
    assert lists >= len(sections) + 1  # the meta list and one list per section
    assert "Write the rollout plan — **Priya**, due Fri 4 Dec" in items


# -- hostile text -------------------------------------------------------------------
HOSTILE_TITLES = [
    "\x1b[31mred\x1b[0m \x1b]0;pwned\x07title\x1b]52;c;ZXZpbA==\x07",
    "@channel ping @here and @Everyone <!here> <!channel|x> <@U123>",
    "<script>alert(1)</script> & <b>bold</b> &amp;",
    "- [ ] fake task\n# heading\n1. one\n> quote\n---\n```code",
    "**not bold** _nor this_ [link](http://evil) ![img](x) `tick` | pipe ~~strike~~ #1 \\",
    "🎉 Launch 🚀 done 👩‍💻",
    "שלום עולם — مرحبا بالعالم \u202eevil\u202c",
]


def _hostile_store(store, clock) -> int:
    clock.current = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    meeting = store.meetings.start_meeting("sprint-review").id
    with store.write() as conn:
        for i, title in enumerate(HOSTILE_TITLES):
            conn.execute(
                "INSERT INTO action_items(cadence_id, meeting_id, title, owner, created_at)"
                " SELECT cadence_id, id, ?, ?, ? FROM meetings WHERE id = ?",
                (title, "@here" if i == 1 else "<@U1>", clock.current.isoformat(), meeting),
            )
            conn.execute(
                "INSERT INTO decisions(meeting_id, text, created_at) VALUES (?,?,?)",
                (meeting, title, clock.current.isoformat()),
            )
            conn.execute(
                "INSERT INTO notes(meeting_id, text, created_at) VALUES (?,?,?)",
                (meeting, title, clock.current.isoformat()),
            )
        conn.execute("UPDATE cadences SET name = ? WHERE key = 'sprint-review'", ("# Sprint *Review* <x>\x1b[2J",))
    clock.advance(minutes=20)
    store.meetings.end_meeting(meeting)
    return meeting


def _meeting_id(store) -> int:
    return store.records.last_meeting_id("sprint-review")


def test_no_control_characters_in_any_format(store, clock) -> None:
    record = store.records.meeting_record(_hostile_store(store, clock))
    for fmt in FORMATS:
        out = render(record, fmt)
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, fmt
        assert not any(ord(ch) < 32 and ch != "\n" for ch in out), fmt
        assert "\u202e" not in out  # bidi override removed, the Hebrew and Arabic kept
        assert "שלום עולם" in out and "مرحبا بالعالم" in out and "🎉 Launch 🚀 done 👩‍💻" in out


def test_slack_never_mass_notifies(store, clock) -> None:
    out = render(store.records.meeting_record(_hostile_store(store, clock)), "slack")
    lowered = out.lower()
    for mention in ("@channel", "@here", "@everyone"):
        assert mention not in lowered
    assert "<!" not in out and "<@" not in out and "<script" not in out
    assert "@\u200bchannel" in out and "&lt;!here&gt;" in out and "&amp;amp;" in out
    # Every "<" or ">" left is not from user text: Slack's escapes are the only forms.
    assert "<" not in out and ">" not in out.replace("&gt;", "")


def test_markdown_structure_survives_hostile_text(store, clock) -> None:
    markdown = render(store.records.meeting_record(_hostile_store(store, clock)), "markdown")
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = md.parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    # Only our own headings: none of the user's "# heading" lines became one.
    assert [h for h in headings[1:]] == ["Decisions", "New action items", "Notes"]
    assert headings[0].startswith("\\# Sprint \\*Review\\* \\<x\\>")
    html = md.render(markdown)
    assert "<script" not in html and "<b>" not in html
    assert "<a " not in html and "<img" not in html and "<code>" not in html and "<s>" not in html
    assert "<em>" not in html and "<blockquote>" not in html and "<hr" not in html and "<ol" not in html
    # Each section is one flat list: user text never nests or ends a list.
    lists = [t for t in tokens if t.type in ("bullet_list_open", "ordered_list_open")]
    assert len(lists) == 4 and all(t.level == 0 for t in lists)
    items = [t for t in tokens if t.type == "list_item_open"]
    meta = len(layout(store.records.meeting_record(_meeting_id(store))).meta)
    assert len(items) == meta + 3 * len(HOSTILE_TITLES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_ten_thousand_character_title(fmt: str) -> None:
    long_title = "word " * 2000  # the store caps titles at 500: test the renderer directly
    record = MeetingRecord(
        meeting_id=1,
        cadence_key="x",
        cadence_name="X" * 10_000,
        status="ended",
        started_at=datetime(2026, 11, 25, 14, tzinfo=UTC),
        ended_at=datetime(2026, 11, 25, 14, 30, tzinfo=UTC),
        zone=ZoneInfo("UTC"),
        zone_name="UTC",
        timebox_min=30,
        duration_seconds=1800,
        attendees=[Attendee("A" * 10_000)],
        new_actions=[ActionLine(1, long_title, "Owner", None, "open", datetime(2026, 11, 25, tzinfo=UTC))],
    )
    out = render(record, fmt)
    assert len(out) < 5_000
    assert "…" in out
    if fmt == "text":
        assert max(len(line) for line in out.splitlines()) <= 72
    if fmt == "markdown":
        _h, lists, items = _headings_and_lists(out)
        assert lists == 2 and items[-1].endswith("— **Owner**")


def test_text_is_wrapped_for_email(store, clock) -> None:
    record = store.records.meeting_record(build_meeting(store, clock, "finance-review"))
    long = replace(record, decisions=["A long decision " * 20])
    lines = render(long, "text").splitlines()
    assert all(len(line) <= 72 for line in lines)
    assert lines[0] == "Finance Business Review — Wed 25 Nov 2026" and set(lines[1]) == {"="}


def test_escape_helpers() -> None:
    assert md_escape("snake_case_name") == "snake_case_name"
    assert md_escape("_emph_") == "\\_emph\\_"
    assert md_escape("2026. was good") == "2026\\. was good"
    assert md_escape("- item") == "\\- item"
    assert md_escape("R&D &amp; co") == "R&D \\&amp; co"
    assert slack_escape("a<b>&c @here") == "a&lt;b&gt;&amp;c @\u200bhere"
    assert slack_escape("email@here.com") == "email@\u200bhere.com"  # harmless, and never a ping
    assert clean("a\x1b[31mb\u202ec\n d") == "abc d"
    assert clean("x" * 2000).endswith("…") and len(clean("x" * 2000)) == 1000


# -- cadence summary ------------------------------------------------------------------
def _cli(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["summary", "--db", str(db_path), *args], catch_exceptions=False)


def test_cli_prints_each_format(store, clock, db) -> None:
    meeting_id = build_meeting(store, clock, "sprint-review")
    for fmt in FORMATS:
        result = _cli(db, str(meeting_id), "--format", fmt)
        assert result.exit_code == 0
        assert result.stdout == (GOLDEN / f"summary_sprint-review.{EXT[fmt]}").read_text(encoding="utf-8")


def test_cli_last_and_most_recent(store, clock, db) -> None:
    sprint = build_meeting(store, clock, "sprint-review")
    clock.advance(days=1)
    finance = store.meetings.start_meeting("finance-review").id
    clock.advance(minutes=50)
    store.meetings.end_meeting(finance)
    assert _cli(db, "--last", "sprint-review").stdout.startswith("## Sprint Review")
    assert _cli(db).stdout.startswith("## Finance Business Review")  # most recent overall
    assert sprint != finance


def test_cli_out_writes_a_file(store, clock, db, tmp_path) -> None:
    build_meeting(store, clock, "all-hands")
    target = tmp_path / "notes" / "summary.txt"
    target.parent.mkdir()  # --out, like export and backup, does not create folders
    result = _cli(db, "--format", "text", "--out", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert f"Saved to {target}" in result.stderr
    assert target.read_text(encoding="utf-8").startswith("All-Hands Strategy — Wed 25 Nov 2026\n")


def test_cli_copy_uses_the_system_clipboard(store, clock, db, monkeypatch) -> None:
    import pyperclip

    build_meeting(store, clock, "sprint-review")
    board: list[str] = []

    def copy_xclip(text: str) -> None:  # named like pyperclip's own, so the route is named
        board.append(text)

    monkeypatch.setattr(pyperclip, "copy", copy_xclip)
    monkeypatch.setattr(pyperclip, "paste", lambda: board[-1])
    result = _cli(db, "--copy", "--format", "slack")
    assert result.exit_code == 0 and result.stdout == ""
    assert "Copied to the system clipboard (xclip)" in result.stderr
    assert board[-1].startswith("*Sprint Review — Wed 25 Nov 2026*")


def test_cli_copy_without_clipboard_or_terminal_fails_clearly(store, clock, db, monkeypatch) -> None:
    import pyperclip

    build_meeting(store, clock, "sprint-review")

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    result = CliRunner().invoke(cli, ["summary", "--db", str(db), "--copy"])
    assert result.exit_code == 1
    assert result.stderr.startswith("cadence: error: could not copy") and "--out" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["4242"], "cadence: error: no meeting with id 4242\n"),
        (["--last", "nope"], "cadence: error: unknown cadence 'nope'\n"),
    ],
)
def test_cli_unknown_meeting_or_cadence(store, db, args, message) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cadence_tui", "summary", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr == message and proc.stdout == ""


def test_cli_copy_does_not_hang_a_pipeline(store, clock, db) -> None:
    """`cadence summary --copy | cat` ends even with a stale DISPLAY (xclip fails)
    or a real one (xclip's background process would hold the pipe)."""
    build_meeting(store, clock, "sprint-review")
    env = {**os.environ, "DISPLAY": ":97"}
    pipeline = f"{sys.executable} -m cadence_tui summary --db {db} --copy | cat"
    proc = subprocess.run(["sh", "-c", pipeline], capture_output=True, text=True, timeout=30, env=env)
    assert "could not copy" in proc.stderr or "Copied" in proc.stderr


def test_cli_help_mentions_most_recent() -> None:
    result = CliRunner().invoke(cli, ["summary", "--help"])
    assert "most recent meeting of any cadence" in " ".join(result.output.split())


def test_zone_of_the_cadence_is_used(store, clock) -> None:
    with store.write() as conn:
        conn.execute("UPDATE cadences SET tz = 'Europe/Berlin' WHERE key = 'sprint-review'")
    clock.current = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    meeting = store.meetings.start_meeting("sprint-review").id
    clock.advance(minutes=30)
    store.meetings.end_meeting(meeting)
    out = render(store.records.meeting_record(meeting), "text")
    assert out.startswith("Sprint Review — Thu 26 Nov 2026")
    assert "00:30–01:00 Europe/Berlin" in out


def test_many_carried_items_are_capped_and_counted(store, clock) -> None:
    clock.current = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)
    with store.write() as conn:
        cadence_id = conn.execute("SELECT id FROM cadences WHERE key = 'sprint-review'").fetchone()[0]
        conn.executemany(
            "INSERT INTO action_items(cadence_id, title, owner, due, created_at) VALUES (?,?,?,?,?)",
            [
                (cadence_id, f"Old item {i}", "Lena", f"2026-10-{1 + i % 28:02d}", clock.current.isoformat())
                for i in range(260)
            ],
        )
    clock.current = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    meeting = store.meetings.start_meeting("sprint-review").id
    clock.advance(minutes=30)
    store.meetings.end_meeting(meeting)
    record = store.records.meeting_record(meeting)
    assert len(record.carried_actions) == 200 and record.more_carried_actions == 60
    out = render(record, "markdown")
    assert out.count("Old item") == 25
    assert "…and 235 more open items" in out
    # Oldest due date first.
    assert "Old item 0 — **Lena**, due Thu 1 Oct, **overdue**" in out


def test_summary_modules_stay_headless() -> None:
    code = (
        "import cadence_tui.core.summary, cadence_tui.core.meeting_record, cadence_tui.integrations.clipboard, sys, json;"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(__import__("json").loads(out))
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "pyperclip", "rich")}
    assert not {m for m in loaded if m.startswith(("cadence_tui.ui.app", "cadence_tui.ui.screens"))}


def test_cli_out_dash_prints_to_stdout(store, clock, db, tmp_path, monkeypatch) -> None:
    """`--out -` is stdout, as in most commands: no file named "-" appears."""
    build_meeting(store, clock, "all-hands")
    monkeypatch.chdir(tmp_path)
    result = _cli(db, "--format", "text", "--out", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("All-Hands Strategy — Wed 25 Nov 2026\n")
    assert not (tmp_path / "-").exists()


def test_spending_against_a_zero_budget_is_flagged_as_in_the_meeting(store, clock) -> None:
    """The Budget panel flags any spending against a zero budget (there is no
    percentage to compare); the summary flagged only lines with one, so the
    same line had ⚑ in the meeting and none in its summary."""
    from cadence_tui.kinds.finance import BudgetLine as PanelLine

    record = store.records.meeting_record(build_meeting(store, clock, "finance-review"))
    with store.write() as conn:
        conn.execute(
            "INSERT INTO budget_lines(meeting_id, department, budget, actual) VALUES (?, 'Events', 0, 500)",
            (record.meeting_id,),
        )
    again = store.records.meeting_record(record.meeting_id)
    assert PanelLine(0, "Events", 0, 500).flagged(again.variance_threshold)
    assert "Events" in [b.department for b in again.budget_over]
    text = render(again, "text")
    line = next(line for line in text.splitlines() if "Events" in line)
    assert "500 of 0" in line and "%" not in line  # no percentage of nothing
