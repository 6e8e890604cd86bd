"""Layout at the sizes people use: the room of a big terminal is used, a
terminal too small says so, the welcome note gets out of the way."""

from __future__ import annotations

from datetime import UTC, date

from textual.widgets import Footer

from cadence_tui.ui.screens.home import HomeScreen
from cadence_tui.ui.screens.meeting import MeetingScreen
from cadence_tui.ui.widgets.open_work import OpenWork
from cadence_tui.ui.widgets.size_notice import SizeNotice
from tests.functional.test_footers import footer_problems
from tests.notes import shown_notes, toast_texts


def screen_text(widget) -> str:
    return str(widget.render())


async def test_wide_home_footer_shows_the_keys_it_has_room_for(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        clipped, shown = footer_problems(app.screen)
        assert not clipped
        assert {"s", "E", "N", "M", "a", "h", "question_mark", "q"} <= shown
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        clipped, shown = footer_problems(app.screen)
        assert not clipped and "question_mark" in shown
        assert not {"E", "N", "M"} & shown  # back to the narrow footer
        await pilot.press("E")  # the key works whether shown or not
        await pilot.pause()
        assert not isinstance(app.screen, HomeScreen)


async def test_wide_meeting_footer_shows_pause_and_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        clipped, shown = footer_problems(app.screen)
        assert not clipped
        assert {"a", "b", "d", "o", "n", "p", "space", "e", "question_mark"} <= shown
        assert app.screen.query_one(Footer).size.height == 1


async def test_tall_home_lists_the_highlighted_cadences_open_items(make_app, store) -> None:
    store.actions.add_action("Send the pricing deck", owner="Lena", cadence_key="sprint-review", due=date(2026, 11, 20))
    store.actions.add_action("Book the venue", owner="Sam", cadence_key="all-hands")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one(OpenWork)
        assert panel.display and panel.region.height >= 10
        text = screen_text(panel)
        assert "Send the pricing deck" in text and "Lena" in text and "! Fri 20 Nov" in text
        assert "Book the venue" not in text
        await pilot.press("down", "down", "down")  # All-Hands, the last cadence
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Book the venue" in screen_text(panel) and "(1)" in str(panel.border_title)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not panel.display  # no room at 80x24: table, details and scorecard first


async def test_too_small_a_terminal_says_so_and_keeps_what_is_typed(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        notice = app.screen.query_one(SizeNotice)
        assert "at least 80×24" in screen_text(notice) and "60×20" in screen_text(notice)
        assert notice.region.width == 60 and notice.region.height == 20  # covers the footer too
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not app.screen.query(SizeNotice)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.resize_terminal(70, 24)
        await pilot.pause()
        assert app.screen.query(SizeNotice)  # on the form too
        await pilot.press(*"Call Sam", "enter")
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
    assert [a.title for a in store.actions.list_actions()] == ["Call Sam"]


async def test_any_key_dismisses_the_welcome_note(tmp_path, clock) -> None:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app

    store = open_store(tmp_path / "new.db", now=clock)
    try:
        app = make_app(store)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            assert [n for n in await shown_notes(pilot) if n.startswith("Welcome to Cadence\n")]
            await pilot.press("down")
            await pilot.pause()
            assert not [n for n in toast_texts(pilot) if n.startswith("Welcome to Cadence\n")]
            assert isinstance(app.screen, HomeScreen)
            table = app.screen.query_one("#cadence-table")
            assert table.cursor_row == 1  # the key still did its job
    finally:
        store.close()


def test_ages_read_the_same_everywhere() -> None:
    from datetime import datetime, timedelta

    from cadence_tui.core.timefmt import age, age_in_days

    now = datetime(2026, 11, 25, 16, tzinfo=UTC)
    assert age(now - timedelta(minutes=12), now) == "12min"
    assert age(now - timedelta(hours=5), now) == "5h"
    assert age(now - timedelta(days=3), now) == "3d" == age_in_days(3)
    assert age(now - timedelta(days=35), now) == "5w" == age_in_days(35)
    assert age(now - timedelta(days=200), now) == "6mo" == age_in_days(200)
    assert age_in_days(800) == "2y"


async def test_meeting_title_is_never_cut_mid_phrase(make_app) -> None:
    from cadence_tui.ui.widgets.meeting_title import MeetingTitle

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "s")  # Finance Business Review: the longest name
        await pilot.pause()
        title = app.screen.query_one(MeetingTitle)
        narrow = screen_text(title)
        assert "…" not in narrow and narrow.startswith("Finance Business Review")
        assert narrow.endswith("60 min") and "Mon 07 Dec 14:00" in narrow
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        wide = screen_text(title)
        assert "started Wed 25 Nov 16:00 · timebox 60 min" in wide
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert "…" not in screen_text(title)
