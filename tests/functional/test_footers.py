"""At 80x24 every screen's footer shows whole keys: none cut off mid-word,
and `?` (which lists the rest) always visible."""

from __future__ import annotations

import pytest
from textual.widgets import Footer

from cadence_tui.ui.screens.home import HomeScreen

# How to reach each screen from home: the keys a user presses.
SCREENS = {
    "home": [],
    "action items": ["a"],
    "history": ["h"],
    "summary": ["h", "enter"],
    "cadence editor": ["E"],
    "scorecard": ["M"],
    "hand-offs": ["O"],
    "fail-fast": ["F"],
    "statistics": ["S"],
    "follow": ["f"],
}


def footer_problems(screen) -> tuple[list[str], set[str]]:
    footer = screen.query_one(Footer)
    right = screen.region.right
    palette = [k for k in footer.query("FooterKey.-command-palette") if k.region.width > 0]
    if palette:  # docked at the right edge: keys under it are hidden
        right = min(right, palette[0].region.x)
    keys = [k for k in footer.query("FooterKey") if not k.has_class("-command-palette")]
    clipped = [f"{k.key} {k.description}" for k in keys if k.region.right > right or k.region.x >= right]
    shown = {k.key for k in keys if k.region.width > 0 and k.region.right <= right}
    return clipped, shown


@pytest.mark.parametrize("name", list(SCREENS))
async def test_footer_fits_80_columns(make_app, store, name) -> None:
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(meeting.id, "Ship it")
    store.meetings.end_meeting(meeting.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in SCREENS[name]:
            await pilot.press(key)
            await pilot.pause()
        screen = app.screen
        assert name == "home" or not isinstance(screen, HomeScreen), name
        clipped, shown = footer_problems(screen)
        assert not clipped, (name, clipped)
        assert "question_mark" in shown or "f1" in shown, (name, shown)


async def test_keys_kept_out_of_a_footer_still_work_and_are_listed(make_app, store) -> None:
    from cadence_tui.ui.screens.actions import ActionItemsScreen
    from cadence_tui.ui.screens.help import collect_key_help
    from cadence_tui.ui.screens.history import HistoryScreen

    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.end_meeting(meeting.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h", "enter")
        await pilot.pause()
        _clipped, shown = footer_problems(app.screen)
        assert not {"a", "h", "q"} & shown
        lines = {(line.section, line.description) for line in collect_key_help(app)}
        assert {("Everywhere", "Quit"), ("Everywhere", "History"), ("Everywhere", "Action items")} <= lines
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionItemsScreen)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_keymap_moves_the_hidden_copies_of_app_keys_too(store) -> None:
    from cadence_tui.integrations.config import Config
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.screens.history import HistoryScreen
    from cadence_tui.ui.screens.summary import SummaryScreen

    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.end_meeting(meeting.id)
    app = make_app(store, Config(keymap={"open-history": "ctrl+y"}))
    async with app.run_test(size=(80, 24)) as pilot:
        app.show_summary(meeting.id)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("h")  # the old key does nothing here either
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
