"""A cadence's kind picks its meeting panel, so a copy keeps the panel: a
second Finance review for another business unit has the budget, a stand-up
copied from the Sprint Review has the demos."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, TabbedContent

from cadence_tui.core.summary import render
from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen, NewCadenceDialog
from cadence_tui.ui.screens.meeting import FinanceReviewScreen, SprintReviewScreen
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from tests.functional.meeting_pilot import fill_form


async def copy_on_home(pilot, source_key: str, source_row: int, name: str) -> str:
    """Highlight ``source_row`` on home, N, "A copy of …", type the name, Enter,
    leave the editor; returns the new cadence's key."""
    app = pilot.app
    await pilot.pause()
    await pilot.press(*["down"] * source_row, "N")
    await pilot.pause()
    assert isinstance(app.screen, NewCadenceDialog)
    app.screen.query_one("#new-source", Select).value = f"copy:{source_key}"
    await pilot.pause()
    app.screen.query_one("#new-name", Input).focus()
    await pilot.press(*name, "enter")
    await pilot.pause()
    assert isinstance(app.screen, CadenceEditorScreen)
    key = app.screen.cadence_key
    await pilot.press("escape")
    await pilot.pause()
    return key


async def start_on_home(pilot, name: str):
    table = pilot.app.screen.query_one("#cadence-table", CadenceTable)
    names = [str(table.get_row_at(r)[0]) for r in range(table.row_count)]
    table.move_cursor(row=names.index(name))
    table.focus()
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    return pilot.app.screen


async def test_a_copied_finance_cadence_shows_the_budget_panel(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        key = await copy_on_home(pilot, "finance-review", 2, "Finance Review EMEA")
        assert key == "finance-review-emea"
        copy = store.cadences.get_cadence(key)
        assert copy.kind == "finance" and copy.name == "Finance Review EMEA"

        screen = await start_on_home(pilot, "Finance Review EMEA")
        assert isinstance(screen, FinanceReviewScreen)
        meeting = store.meetings.get_meeting(screen.meeting_id)
        assert meeting.cadence_key == key
        assert screen.query("#tab-panel") and screen.query_one("#budget-table", DataTable)
        # l adds a budget line, shown on the Budget tab.
        await pilot.press("l")
        await fill_form(pilot, "Engineering", "420000", "470000")
        lines = store.query("SELECT department, budget, actual FROM budget_lines WHERE meeting_id = ?", (meeting.id,))
        assert [tuple(r) for r in lines] == [("Engineering", 420000.0, 470000.0)]
        assert screen.query_one("#meeting-tabs", TabbedContent).active == "tab-panel"
        assert screen.query_one("#budget-table", DataTable).row_count == 1
        # The summary has the budget section.
        text = render(store.records.meeting_record(meeting.id), "text")
        assert "Budget vs actual (threshold ±10 %)" in text
        assert "Engineering: 470,000 of 420,000" in " ".join(text.split())


async def test_a_stand_up_copied_from_the_sprint_review_shows_the_demos(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        key = await copy_on_home(pilot, "sprint-review", 0, "Daily Stand-up")
        assert store.cadences.get_cadence(key).kind == "sprint-review"
        screen = await start_on_home(pilot, "Daily Stand-up")
        assert isinstance(screen, SprintReviewScreen)
        assert screen.query_one("#demo-table", DataTable) is not None
        await pilot.press("m")
        await fill_form(pilot, "New login page", "Priya")
        assert [d.what for d in store.records.meeting_record(screen.meeting_id).demos] == ["New login page"]


async def test_a_blank_cadence_is_generic(make_app, store) -> None:
    from cadence_tui.ui.screens.meeting import GenericMeetingScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("N")
        await pilot.pause()
        await pilot.press(*"Design Crit", "enter")
        await pilot.pause()
        assert store.cadences.get_cadence("design-crit").kind == "generic"
        await pilot.press("escape")
        await pilot.pause()
        screen = await start_on_home(pilot, "Design Crit")
        assert isinstance(screen, GenericMeetingScreen) and not screen.query("#tab-panel")
