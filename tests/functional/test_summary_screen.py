"""The summary screen, driven with keys: formats, copy, save, back."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest
from rich.markdown import Markdown
from textual.widgets import ContentSwitcher, Input, Static, TextArea

from cadence_tui.core.summary import render
from cadence_tui.integrations.config import Config
from cadence_tui.ui.screens.summary import MarkdownPreview, SaveSummaryScreen, SummaryScreen
from tests.settle import settle
from tests.summary_fixtures import build_meeting


@pytest.fixture
def meeting_id(store, clock) -> int:
    return build_meeting(store, clock, "sprint-review")


@pytest.fixture
def no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyperclip, "copy", pyperclip.copy)
    monkeypatch.setattr(pyperclip, "paste", pyperclip.paste)
    pyperclip.set_clipboard("no")


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_summary(app, pilot, meeting_id: int) -> SummaryScreen:
    app.show_summary(meeting_id)
    await settle(pilot)  # read and rendered in a worker
    screen = app.screen
    assert isinstance(screen, SummaryScreen)
    return screen


async def wait_for_copy(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_preview_and_format_keys(make_app, store, meeting_id) -> None:
    record = store.records.meeting_record(meeting_id)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, meeting_id)
        switcher = screen.query_one("#summary-preview", ContentSwitcher)
        assert screen.fmt == "markdown" and switcher.current == "summary-markdown-view"
        assert screen.text == render(record, "markdown")
        assert "Sprint Review" in str(screen.query_one("#summary-title", Static).render())
        preview = screen.query_one("#summary-markdown-view", MarkdownPreview)
        assert isinstance(preview.markdown, Markdown) and preview.markdown.markup == screen.text
        shown = "\n".join(strip.text for strip in preview.render_lines(preview.region.reset_offset))
        assert "Sprint Review" in shown and "Decisions" in shown
        assert "**" not in shown and "## " not in shown  # rendered, not raw markdown

        await pilot.press("f")
        assert screen.fmt == "slack" and switcher.current == "summary-plain"
        assert screen.query_one("#summary-plain", TextArea).text == render(record, "slack")
        assert screen.query_one("#summary-plain", TextArea).read_only
        await pilot.press("t")
        assert screen.query_one("#summary-plain", TextArea).text == render(record, "text")
        await pilot.press("f")
        assert screen.fmt == "markdown" and switcher.current == "summary-markdown-view"
        await pilot.press("s")
        assert screen.fmt == "slack"
        formats = str(screen.query_one("#summary-formats", Static).render())
        assert "Slack (s)" in formats and f"{len(screen.text):,} characters" in formats

        await pilot.press("escape")
        assert not isinstance(app.screen, SummaryScreen)


async def test_default_format_from_config(store, meeting_id) -> None:
    from cadence_tui.ui.app import make_app

    app = make_app(store, Config(summary_format="text"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, meeting_id)
        assert screen.fmt == "text"
        assert screen.query_one("#summary-plain", TextArea).text.startswith("Sprint Review — Wed 25 Nov 2026\n====")


async def test_copy_without_system_clipboard_uses_osc52(make_app, store, meeting_id, no_system_clipboard) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, meeting_id)
        await pilot.press("s", "c")
        await wait_for_copy(app, pilot)
        assert app.clipboard == render(store.records.meeting_record(meeting_id), "slack")
        assert "Sent to the terminal clipboard (OSC 52) — your terminal must allow it" in notes(app)
        assert screen.is_current


async def test_copy_with_system_clipboard(make_app, store, meeting_id, monkeypatch) -> None:
    board: list[str] = []

    def copy_xclip(text: str) -> None:
        board.append(text)

    monkeypatch.setattr(pyperclip, "copy", copy_xclip)
    monkeypatch.setattr(pyperclip, "paste", lambda: board[-1] if board else "")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_summary(app, pilot, meeting_id)
        await pilot.press("c")
        await wait_for_copy(app, pilot)
        assert board == [render(store.records.meeting_record(meeting_id), "markdown")]
        assert "Copied to the system clipboard (xclip)" in notes(app)
        assert app.clipboard == ""  # the OSC 52 route was not needed


async def test_save_to_file_refuses_silent_overwrite(make_app, store, meeting_id, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, meeting_id)
        await pilot.press("t", "w")
        await pilot.pause()
        assert isinstance(app.screen, SaveSummaryScreen)
        field = app.screen.query_one("#save-path", Input)
        default = Path.home() / "sprint-review-2026-11-25.txt"
        assert field.value == str(default)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert default.read_text(encoding="utf-8") == render(store.records.meeting_record(meeting_id), "text")
        assert f"Saved to {default}" in notes(app)

        # Again: the file exists, so the first Enter only warns.
        default.write_text("keep me", encoding="utf-8")
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveSummaryScreen)
        assert "exists" in str(dialog.query_one("#save-error", Static).render())
        assert default.read_text(encoding="utf-8") == "keep me"
        # Another name instead.
        target = tmp_path / "out" / "sprint.md"
        dialog.query_one("#save-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert target.read_text(encoding="utf-8") == screen.text
        assert default.read_text(encoding="utf-8") == "keep me"

        # Enter twice replaces it, on purpose.
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert default.read_text(encoding="utf-8") == screen.text

        # Escape cancels without writing.
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(tmp_path / "never.md")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not (tmp_path / "never.md").exists()


async def test_save_to_a_folder_is_refused_in_the_dialog(make_app, meeting_id, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_summary(app, pilot, meeting_id)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSummaryScreen)
        assert "is a folder" in str(app.screen.query_one("#save-error", Static).render())


async def test_unknown_meeting_is_reported(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, 999)
        assert "no meeting with id 999" in str(screen.query_one("#summary-title", Static).render())
        await pilot.press("c", "w")
        await pilot.pause()
        assert app.screen is screen
        assert "Nothing to copy" in notes(app) and "Nothing to save" in notes(app)


async def test_markup_in_user_text_is_shown_literally(make_app, store, meeting_id) -> None:
    with store.write() as conn:
        conn.execute(
            "UPDATE cadences SET name = ? WHERE key = 'sprint-review'",
            ("Sprint [/] [@click=app.quit]x[/]\x1b[2J\x1b]0;t\x07",),
        )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, meeting_id)
        title = str(screen.query_one("#summary-title", Static).render())
        assert "Sprint [/] [@click=app.quit]x[/]" in title and "\x1b" not in title
        await pilot.press("t")
        assert screen.query_one("#summary-plain", TextArea).text.startswith("Sprint [/] [@click=app.quit]x[/] — ")
