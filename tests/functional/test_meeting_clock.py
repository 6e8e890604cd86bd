"""Clocks on screen, over-time warnings, pause, agenda keys, layout at
80x24 and 160x48, the palette, leaving and resuming."""

from __future__ import annotations

import pytest
from textual.scroll_view import ScrollView
from textual.widgets import Footer

from cadence_tui.ui.screens.meeting import MEETING_SCREENS, MeetingScreen, SprintReviewScreen
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from tests.functional.meeting_pilot import column, start_from_home, text_of


def over_time_notes(app) -> list[str]:
    return [n.message for n in app._notifications if "timebox" in n.message]


async def test_over_time_colours_and_notifies_once(make_app, store, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        bar = screen.query_one(ClockBar)
        clock.advance(minutes=2, seconds=59)
        screen.tick()
        assert "Item 1/4 02:59 / 03:00" in text_of(bar) and not bar.has_class("-item-over")
        clock.advance(seconds=2)
        for _ in range(5):  # the clock redraws twice a second; the warning comes once
            screen.tick()
        await pilot.pause()
        assert bar.has_class("-item-over") and "+00:01" in text_of(bar)
        assert over_time_notes(app) == ["“Sprint goal and scope recap” is over its 3-minute timebox"]
        agenda = screen.query_one(AgendaList)
        assert agenda.get_row_at(0)[2].style == "bold red"
        # The whole meeting over its 30 minutes: one more warning, the bar turns.
        await pilot.press("n")
        clock.advance(minutes=28)
        for _ in range(3):
            screen.tick()
        await pilot.pause()
        assert bar.has_class("-over")
        notes = over_time_notes(app)
        assert notes[-1] == "The meeting is over its 30-minute timebox" and len(notes) == 3
        # (item 2, Demos 15 min, also ran over meanwhile: announced once too)
        assert notes[1] == "“Demos” is over its 15-minute timebox"


async def test_pause_resume_and_agenda_keys(make_app, store, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        mid = screen.meeting_id
        bar = screen.query_one(ClockBar)
        clock.advance(minutes=1)
        await pilot.press("space")
        assert store.meetings.get_meeting(mid).status == "paused"
        clock.advance(minutes=10)
        screen.tick()
        assert "PAUSED" in text_of(bar) and "Meeting 01:00" in text_of(bar) and bar.has_class("-paused")
        await pilot.press("space")
        clock.advance(seconds=30)
        screen.tick()
        assert "Meeting 01:30" in text_of(bar) and "Item 1/4 01:30" in text_of(bar)
        await pilot.press("n", "n")
        clock.advance(seconds=5)
        await pilot.press("p")
        screen.tick()
        assert "Item 2/4" in text_of(bar)
        assert [i.state for i in store.meetings.agenda(mid)] == ["done", "current", "pending", "pending"]
        # Enter on an agenda row jumps there.
        agenda = screen.query_one(AgendaList)
        agenda.focus()
        await pilot.pause()
        await pilot.press(*["down"] * (3 - agenda.cursor_row), "enter")
        assert store.meetings.current_item(mid).title == "Next sprint preview"
        assert column(agenda, 0)[3].startswith("▶")
        # ctrl+up moves the highlighted item up.
        await pilot.press("ctrl+up")
        assert [i.title for i in store.meetings.agenda(mid)][2] == "Next sprint preview"
        assert agenda.cursor_row == 2
        # Past the last item: the agenda is done, the meeting clock keeps going.
        await pilot.press("n", "n")
        screen.tick()
        assert "Agenda done" in text_of(bar)


async def test_leave_and_resume_from_home(make_app, store, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "finance-review")
        mid = screen.meeting_id
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        table = home.query_one("#cadence-table", CadenceTable)
        assert str(table.get_row_at(2)[1]) == "● in progress"
        clock.advance(minutes=5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.meeting_id == mid
        assert store.scalar("SELECT count(*) FROM meetings") == 1
        assert "Meeting 05:00" in text_of(app.screen.query_one(ClockBar))


@pytest.mark.parametrize(
    "size, cadences",
    [
        ((80, 24), ["sprint-review", "sales-marketing-sync", "finance-review", "all-hands"]),
        ((160, 48), ["sprint-review", "finance-review"]),
    ],
)
async def test_layout_fits_at_small_and_large_sizes(make_app, store, size, cadences) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        for key in cadences:
            screen = await start_from_home(pilot, key)
            region = screen.region
            for selector in ("#meeting-title", "#meeting-clock", "#agenda", "#meeting-tabs", "Footer"):
                widget = screen.query_one(selector)
                assert widget.region.width > 0 and widget.region.height > 0, selector
                assert region.contains_region(widget.region), selector
            agenda = screen.query_one(AgendaList)
            assert agenda.virtual_size.width <= agenda.scrollable_content_region.width
            assert agenda.row_count == len(store.meetings.agenda(screen.meeting_id))
            assert agenda.region.height >= 6  # every default agenda item is visible
            bar = text_of(screen.query_one(ClockBar))
            assert bar.startswith("● Meeting 00:00") and "Item 1/" in bar
            # The capture keys are in the footer, within the screen's width.
            footer = screen.query_one(Footer)
            keys = [c for c in footer.query("FooterKey") if c.region.right <= region.right]
            shown = {k.key for k in keys if k.region.width > 0}
            assert {"a", "b", "d", "o", "n", "e", "question_mark"} <= shown, shown
            # Every key the footer lists is whole on screen: none cut off mid-word.
            clipped = [k.key for k in footer.query("FooterKey") if k.region.right > region.right]
            assert not clipped, (key, size, clipped)
            for tab_id, table_id in (("tab-carry", "#carry-over"), ("tab-log", "#meeting-log")):
                screen.query_one("#meeting-tabs").active = tab_id
                await pilot.pause()
                table = screen.query_one(table_id, ScrollView)
                assert table.virtual_size.width <= table.scrollable_content_region.width, (key, table_id)
            await pilot.press("escape")
            await pilot.pause()


async def test_the_palette_finds_every_meeting_action(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "finance-review")
        titles = {cmd.title for cmd in app.get_system_commands(screen)}
        for cls in (MeetingScreen, type(screen)):
            for binding in cls.BINDINGS:
                assert binding.id and binding.description, binding
                assert binding.description in titles, binding.description
        # Widget keys of the focused list are offered too.
        await pilot.press("c")
        titles = {cmd.title for cmd in app.get_system_commands(screen)}
        assert {"Done/resolved", "Still open", "Drop", "New due date"} <= titles


def test_every_meeting_screen_has_ids_on_its_bindings() -> None:
    ids = [b.id for b in MeetingScreen.BINDINGS]
    assert len(ids) == len(set(ids))
    for cls in MEETING_SCREENS.values():
        assert issubclass(cls, MeetingScreen)
        assert all(b.id for b in cls.BINDINGS)
    assert SprintReviewScreen.PANEL is not None


async def test_a_cadence_the_user_created_gets_the_shared_screen(make_app, store, clock) -> None:
    from cadence_tui.ui.screens.meeting import GenericMeetingScreen
    from tests.functional.meeting_pilot import fill_form

    cadence = store.cadences.create_cadence("Design Crit", key="design-crit")  # blank: generic
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cadence-table", CadenceTable)
        row = [str(table.get_row_at(r)[0]) for r in range(table.row_count)].index("Design Crit")
        await pilot.press(*["down"] * row, "s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GenericMeetingScreen) and not screen.query("#tab-panel")
        assert store.meetings.get_meeting(screen.meeting_id).cadence_key == cadence.key
        await pilot.press("d")
        await fill_form(pilot, "Keep the crit to 20 minutes")
        assert [d.text for d in store.meetings.meeting_decisions(screen.meeting_id)] == ["Keep the crit to 20 minutes"]
        await pilot.press("m")  # no panel key here: nothing happens
        await pilot.pause()
        assert app.screen is screen
