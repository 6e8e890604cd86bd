"""The home screen, driven like a user drives it."""

import asyncio
from datetime import date

from textual import events
from textual.widgets import Static

from cadence_tui.ui.widgets.cadence_table import CadenceTable


def cell_text(table: CadenceTable, row: int, col: int) -> str:
    return str(table.get_row_at(row)[col])


async def test_home_shows_four_cadences_with_next_dates(make_app, store) -> None:
    store.actions.add_action("Late thing", due=date(2026, 11, 1), cadence_key="finance-review")
    store.meetings.add_blocker("Stuck", cadence_key="finance-review")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert table.row_count == 4
        names = [cell_text(table, r, 0) for r in range(4)]
        assert names == ["Sprint Review", "Marketing–Sales Sync", "Finance Business Review", "All-Hands Strategy"]
        nexts = [cell_text(table, r, 1) for r in range(4)]
        assert nexts == ["Thu 26 Nov 15:00", "Tue 08 Dec 10:00", "Mon 07 Dec 14:00", "Thu 07 Jan 16:00"]
        assert [cell_text(table, 2, c) for c in (3, 4, 5)] == ["1", "1", "1"]
        assert cell_text(table, 0, 2) == "never"

        details = str(app.screen.query_one("#cadence-details", Static).render())
        assert "Sprint Review" in details and "tomorrow" in details and "Demos 15′" in details
        await pilot.press("down", "down")
        details = str(app.screen.query_one("#cadence-details", Static).render())
        assert "Finance Business Review" in details and "first Mon" in details


async def test_home_is_the_base_screen_and_escape_never_leaves_it(make_app) -> None:
    """Home is the app's default screen (pushing it from on_mount cost a
    thrown-away first frame); closing any screen returns to it, never to a
    blank one."""
    from cadence_tui.ui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(app.screen_stack) == 1 and isinstance(app.screen, HomeScreen)
        await pilot.press("escape")
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, HomeScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#cadence-table", CadenceTable).row_count == 4


async def test_home_at_80x24_fits_without_horizontal_scroll(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_user_markup_in_names_is_shown_literally(make_app, store) -> None:
    with store.write() as conn:
        conn.execute("UPDATE cadences SET name = ? WHERE key = 'all-hands'", ("[b]All[/] [@click=app.quit]x[/]",))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert cell_text(table, 3, 0) == "[b]All[/] [@click=app.quit]x[/]"
        assert app.is_running


async def test_uncaught_store_error_exits_with_one_line_not_a_traceback(make_app, store, monkeypatch) -> None:
    from rich.text import Text

    from cadence_tui.store import DatabaseBusy

    store.actions.add_action("Kept", cadence_key="sprint-review")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        def busy():
            raise DatabaseBusy("the database is busy (/tmp/[b]odd[/].db): try again")

        monkeypatch.setattr(store.cadences, "overview", busy)
        # Post the key rather than pilot.press(), which waits on the screen
        # that the error stops.
        app.post_message(events.Key("r", "r"))
        for _ in range(50):
            await asyncio.sleep(0.05)
            if not app.is_running:
                break
        assert not app.is_running
    assert app.return_code == 1
    assert [str(r) for r in app._exit_renderables if isinstance(r, Text)] == [
        "cadence: error: the database is busy (/tmp/[b]odd[/].db): try again"
    ] or not app._exit_renderables  # printed (and cleared) on exit
    monkeypatch.undo()
    assert [a.title for a in store.actions.list_actions()] == ["Kept"]


async def test_store_error_outside_a_key_exits_with_its_one_line(make_app, store, capsys) -> None:
    """A store error raised away from a key (a screen's timer or handler)
    reaches Textual itself: the app exits with status 1 and the error's one
    line (StoreError.__rich__), never a traceback."""
    import pytest

    from cadence_tui.launch import ERROR_PREFIX
    from cadence_tui.store import DatabaseBusy

    error = DatabaseBusy("the database is busy (/tmp/[b]odd[/].db): try again")
    assert str(error.__rich__()) == f"{ERROR_PREFIX}the database is busy (/tmp/[b]odd[/].db): try again"
    app = make_app()
    with pytest.raises(DatabaseBusy):  # run_test re-raises what ended the app, for the test to see
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()

            def busy() -> None:
                raise error

            app.screen.set_timer(0.01, busy)
            for _ in range(50):
                await asyncio.sleep(0.05)
                if not app.is_running:
                    break
            assert not app.is_running
    assert app.return_code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err


async def test_home_left_open_moves_on_with_the_clock(make_app, store, clock) -> None:
    """Past the Sprint Review's time, its "Next" moves to the week after, and
    the title's clock follows, without a key press."""
    from cadence_tui.ui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#cadence-table", CadenceTable)
        assert cell_text(table, 0, 1) == "Thu 26 Nov 15:00"
        clock.advance(days=1, hours=1)  # Thursday 17:00: that meeting's time has passed
        home._refresh_if_minute_changed()  # what the 15 s timer calls
        await pilot.pause()
        assert cell_text(table, 0, 1) == "Thu 03 Dec 15:00"
        assert "Thu 26 Nov 2026" in str(home.query_one("#home-title", Static).render())


async def test_first_start_says_where_the_data_lives(tmp_path, clock) -> None:
    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app

    path = tmp_path / "new.db"
    for first in (True, False):
        store = open_store(path, now=clock)
        try:
            app = make_app(store)
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                welcome = [n for n in app._notifications if n.title == "Welcome to Cadence"]
                if first:
                    assert len(welcome) == 1 and str(path) in welcome[0].message
                else:
                    assert welcome == []  # only the start that created the file
        finally:
            store.close()


async def test_the_scorecard_keeps_its_place_on_the_first_frame_and_fills_after(make_app, store) -> None:
    """Home's first frame holds the scorecard's height and border (its grid is
    drawn right after): nothing below it moves when the values appear."""
    from datetime import date

    from rich.table import Table

    from cadence_tui.ui.widgets.scorecard import Scorecard

    store.scorecard.record_metric_value("cac", 1400, on=date(2026, 11, 1))
    app = make_app()
    for size in ((80, 24), (160, 48)):
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            card = app.screen.query_one("#home-scorecard", Scorecard)
            assert "Customer Acquisition Cost: 1,400 USD" in card.plain_lines()[0]
            assert isinstance(card.content, Table)  # the grid is drawn
            filled = card.outer_size.height
            card.hold(card.rows, card.warning)  # what the first frame shows
            await pilot.pause()
            assert card.outer_size.height == filled
            assert card.has_class("-off-target") and str(card.content).strip() == ""
        app = make_app()


async def test_a_refresh_keeps_the_cursor_on_the_same_cadence(make_app, store) -> None:
    """Rows read again (another terminal archived the cadence above): the
    cursor stays on the cadence it was on, not on the line number."""
    from tests.settle import settle

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert table.selected_key == "finance-review"
        store.cadences.archive_cadence("sprint-review")
        app.screen.refresh_rows()
        await settle(pilot)
        assert table.rows == ["sales-marketing-sync", "finance-review", "all-hands"]
        assert table.selected_key == "finance-review" and table.cursor_row == 1
        assert "Finance Business Review" in str(app.screen.query_one("#cadence-details", Static).render())


async def test_a_click_highlights_a_row_and_a_click_on_it_starts_its_meeting(make_app, store) -> None:
    """As with the DataTable home had: one click moves the cursor, one more on
    the highlighted row starts that cadence's meeting."""
    from tests.settle import settle

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#cadence-table", CadenceTable)
        # The border's line, the header, then the rows: row 2 is 4 lines down.
        assert await pilot.click("#cadence-table", offset=(5, 4))
        await settle(pilot)
        assert table.selected_key == "finance-review"
        assert store.meetings.running_meeting("finance-review") is None
        assert await pilot.click("#cadence-table", offset=(5, 4))
        await settle(pilot)
        assert store.meetings.running_meeting("finance-review") is not None


async def test_home_builds_its_footer_keys_once_and_not_again_under_a_meeting(make_app, store, monkeypatch) -> None:
    """Home's footer builds its keys once, after the first frame (the keys
    that fit the width included), and not again while a meeting is opened
    over it nor when the user comes back: each build re-lays out the screen.
    (Textual's own footer built them four times at start and once more for
    each of those.)"""
    from textual.widgets._footer import FooterKey

    from cadence_tui.ui.screens.home import HomeScreen
    from cadence_tui.ui.screens.meeting import MeetingScreen
    from cadence_tui.ui.widgets.steady_footer import SteadyFooter
    from tests.settle import settle

    builds: list[str] = []
    compose = SteadyFooter.compose

    def counted(footer: SteadyFooter):
        if footer._bindings_ready and isinstance(footer.screen, HomeScreen):
            builds.append(type(footer.app.screen).__name__)
        return compose(footer)

    monkeypatch.setattr(SteadyFooter, "compose", counted)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        keys = {k.key for k in app.screen.query(FooterKey)}
        assert {"s", "t", "f", "E"} <= keys  # wide: the keys with room (FooterRoom) are in the one build
        assert builds == ["HomeScreen"]
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert builds == ["HomeScreen"]
        assert {k.key for k in app.screen.query(FooterKey)} == keys
