"""The command palette and `?` on every screen, at 80x24 (issues 13.1, 13.2).

ctrl+p must find every key binding of the screen it was opened from (its own
keys, the ones hidden from the footer, the app's a/h/?/q) by its description;
`?` must let every one of its rows be scrolled into view at 80x24.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input

from cadence_tui.ui.screens.help import HelpScreen
from cadence_tui.ui.screens.home import HomeScreen
from tests.functional.meeting_pilot import HOME_ROWS
from tests.functional.test_footers import SCREENS as FOOTER_SCREENS

# How to reach each screen from home (the footer test's screens, plus a meeting of each kind).
SCREENS = {
    **FOOTER_SCREENS,
    **{f"meeting {key}": ["down"] * row + ["s"] for key, row in HOME_ROWS.items()},
}


def expected_bindings(app, screen) -> dict[str, str]:
    """description -> key of every binding the screen declares (its own class
    chain's, Textual's Screen ones included), plus the app's whose key the
    screen does not take for itself."""
    expected: dict[str, str] = {}
    screen_keys = set()
    for key, bindings in screen._bindings.key_to_bindings.items():
        screen_keys.add(key)
        for binding in bindings:
            if binding.description:
                expected[binding.description] = key
    for key, bindings in app._bindings.key_to_bindings.items():
        if key in screen_keys:
            continue
        for binding in bindings:
            if binding.description:
                expected[binding.description] = key
    return expected


async def reach(pilot, name: str):
    store = pilot.app.store
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(meeting.id, "Ship it")
    store.meetings.capture_action(meeting.id, "Write the notes", "Sam", "")
    store.meetings.end_meeting(meeting.id)
    await pilot.pause()
    for key in SCREENS[name]:
        await pilot.press(key)
        await pilot.pause()
    screen = pilot.app.screen
    assert name == "home" or not isinstance(screen, HomeScreen), name
    return screen


async def palette_titles(pilot, query: str) -> list[str]:
    """Type ``query`` into the open palette; the titles it offers."""
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    palette_input = palette.query_one(Input)
    palette_input.value = query
    results = palette.query_one(CommandList)
    for _ in range(100):  # the search runs in a worker
        await asyncio.sleep(0.02)
        await pilot.pause()
        if not palette._show_busy and results.option_count:
            break
    return [str(results.get_option_at_index(i).prompt).split("\n")[0] for i in range(results.option_count)]


@pytest.mark.parametrize("name", list(SCREENS))
async def test_the_palette_finds_every_binding_and_every_help_row_scrolls_into_view_at_80x24(make_app, name) -> None:
    """On each screen (one app reaching it, for both checks): the palette
    offers every binding of the screen below it, and every row of the key
    help can be scrolled into view at 80x24."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reach(pilot, name)
        expected = expected_bindings(app, screen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen_stack[-2] is screen
        # What the palette's provider asks for, while the palette is open.
        titles = {command.title for command in app.get_system_commands(screen)}
        missing = {d: k for d, k in expected.items() if d not in titles}
        assert not missing, (name, missing)
        # One name, one command: ours replace Textual's "Quit" and "Keys".
        all_titles = [command.title for command in app.get_system_commands(screen)]
        assert all_titles.count("Quit") == 1 and all_titles.count("Keys") == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("f1" if name == "cadence editor" else "question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one("#help-table", DataTable)
        rows = table.row_count
        assert rows > 5
        seen = rows_in_view(help_screen)
        assert seen, name
        for _ in range(rows):
            await pilot.press("down")
            seen |= rows_in_view(help_screen)
        assert seen == set(range(rows)), (name, rows, sorted(set(range(rows)) - seen))
        await pilot.press("home")
        assert 0 in rows_in_view(help_screen)
        await pilot.press("end")
        assert rows - 1 in rows_in_view(help_screen), name
        await pilot.press("home")
        first_page = rows_in_view(help_screen)
        await pilot.press("pagedown")
        if rows > len(first_page):
            assert max(rows_in_view(help_screen)) > max(first_page), name
        # The last section, "Everywhere", and its keys are reachable.
        labels = [str(table.get_row_at(i)[0]) for i in range(rows)]
        assert "Everywhere" in labels


@pytest.mark.parametrize(
    ("name", "query", "title"),
    [
        ("home", "stat", "Statistics"),
        ("home", "start", "Start meeting"),
        ("home", "action", "Action items"),
        ("meeting sprint-review", "pause", "Pause"),
        ("meeting sprint-review", "rate", "Rate meeting"),
        ("meeting sprint-review", "end", "End"),
        ("meeting finance-review", "forecast", "Forecast"),
        ("action items", "history", "History"),
    ],
)
async def test_typing_in_the_palette_offers_the_action_and_runs_it(make_app, name, query, title) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot, name)
        await pilot.press("ctrl+p")
        await pilot.pause()
        titles = await palette_titles(pilot, query)
        assert title in titles, (name, query, titles)
    if (name, title) == ("home", "Action items"):
        # Choosing it runs the action on the screen below.
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await reach(pilot, name)
            await pilot.press("ctrl+p")
            await pilot.pause()
            titles = await palette_titles(pilot, query)
            results = app.screen.query_one(CommandList)
            results.highlighted = titles.index(title)
            await pilot.press("enter")
            for _ in range(20):
                await pilot.pause()
            from cadence_tui.ui.screens.actions import ActionItemsScreen

            assert isinstance(app.screen, ActionItemsScreen)


def rows_in_view(screen: HelpScreen) -> set[int]:
    """The help rows wholly visible: inside the table's scrolled window, and
    the table itself wholly inside the dialog and the terminal."""
    table = screen.query_one("#help-table", DataTable)
    dialog = screen.query_one("#help-dialog")
    terminal = screen.region
    assert dialog.region.bottom <= terminal.bottom and dialog.region.right <= terminal.right
    inner = dialog.content_region
    window = table.scrollable_content_region.height - table.header_height
    # The part of the table that is drawn: inside the dialog's content area.
    drawn = min(table.region.bottom, inner.bottom) - (table.region.y + table.header_height)
    window = min(window, drawn)
    first = round(table.scroll_y)
    return set(range(first, min(first + window, table.row_count)))


async def test_the_palette_shows_the_key_the_config_keymap_sets(store) -> None:
    """A key moved by the config file's [keymap] is the one the palette names."""
    from cadence_tui.integrations.config import Config
    from cadence_tui.ui.app import make_app as build

    app = build(store, Config(keymap={"open-history": "ctrl+y"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        helps = {c.title: c.help for c in app.get_system_commands(screen)}
        assert helps["History"].endswith("(key: ^y)"), helps["History"]
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert type(app.screen).__name__ == "HistoryScreen"
