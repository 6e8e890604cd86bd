"""`?` opens the key help of the current screen; Esc or `?` closes it."""

from __future__ import annotations

from textual.widgets import DataTable

from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen
from cadence_tui.ui.screens.help import HelpScreen
from cadence_tui.ui.screens.home import HomeScreen


def help_rows(app) -> list[tuple[str, str]]:
    table = app.screen.query_one("#help-table", DataTable)
    return [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(table.row_count)]


async def test_help_on_home_lists_screen_and_app_keys(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
        assert ("E", "Edit cadence") in rows and ("N", "New cadence") in rows
        # Hidden from the footer, still listed here.
        assert ("A", "Archive cadence") in rows
        quit_keys = [key for key, does in rows if does == "Quit"]
        assert len(quit_keys) == 1 and "q" in quit_keys[0].split(", ")
        sections = [key for key, does in rows if not does]
        assert sections == ["This screen", "Everywhere"]
        assert rows.index(("E", "Edit cadence")) < rows.index((quit_keys[0], "Quit"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # `?` toggles.
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_help_in_the_editor_lists_the_agenda_keys(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, CadenceEditorScreen)
        await pilot.press("ctrl+t")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
        descriptions = [does for _key, does in rows]
        for expected in ("Back", "Save all", "Add item", "Move up", "Quit"):
            assert expected in descriptions, expected
        assert ("esc", "Back") in rows
        # The home screen's keys are not listed: only what works here.
        assert "Edit" not in descriptions
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CadenceEditorScreen)
