"""Panels (issue 13, item 9): a demo and its feedback can be corrected or
deleted, saved at once and reflected in the summary; the Who tab says what
Enter does; the escalate dialog names the item."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TabbedContent, TextArea

from cadence_tui.core.summary import layout, write_markdown
from cadence_tui.ui.screens.help import collect_key_help
from tests.functional.meeting_pilot import column, fill_form, start_from_home, text_of

SIZE = (100, 30)


def demo_rows(store, meeting_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in store.query(
            "SELECT what, presenter, feedback FROM demo_items WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
    ]


def summary_markdown(store, meeting_id: int) -> str:
    return write_markdown(layout(store.records.meeting_record(meeting_id)))


async def with_two_demos(pilot, store):
    screen = await start_from_home(pilot, "sprint-review")
    store.panels.add_demo(screen.meeting_id, "New chekout", "Lena")
    store.panels.add_demo_feedback(store.panels.demos(screen.meeting_id)[0].id, "Buton too small", "Gwen")
    store.panels.add_demo_feedback(store.panels.demos(screen.meeting_id)[0].id, "Love the colours", "Sam")
    store.panels.add_demo(screen.meeting_id, "Search [b]v2[/b]", "Marco")
    screen.refresh_panel()  # added behind the screen's back: read them
    await pilot.press("v")  # the demos, focused
    await pilot.pause()
    return screen


async def test_enter_on_a_demo_opens_it_prefilled_and_saves_the_correction(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await with_two_demos(pilot, store)
        table = screen.query_one("#demo-table", DataTable)
        table.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "demo-edit-form"
        assert app.screen.query_one("#field-what").value == "New chekout"
        assert app.screen.query_one("#field-presenter").value == "Lena"
        feedback = app.screen.query_one("#field-feedback", TextArea)
        assert feedback.text == "Gwen: Buton too small\nSam: Love the colours"
        app.screen.query_one("#field-what").value = "New checkout"
        # Fix the typo in one piece, delete the other (an emptied line).
        feedback.text = "Gwen: Button too small\n\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert demo_rows(store, screen.meeting_id) == [
            ("New checkout", "Lena", "Gwen: Button too small"),
            ("Search [b]v2[/b]", "Marco", ""),
        ]
        assert column(table, 0)[0] == "New checkout" and column(table, 2)[0] == "1"
        detail = text_of(screen.query_one("#demo-feedback", Static))
        assert "Button too small" in detail and "Buton" not in detail and "Love the colours" not in detail
        summary = summary_markdown(store, screen.meeting_id)
        assert "New checkout" in summary and "Button too small" in summary
        assert "chekout" not in summary and "Buton" not in summary


async def test_E_edits_the_highlighted_demo_and_errors_keep_the_form(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await with_two_demos(pilot, store)
        screen.query_one("#demo-table", DataTable).move_cursor(row=1)
        await pilot.press("E")
        await pilot.pause()
        assert app.screen.id == "demo-edit-form"
        assert app.screen.query_one("#field-what").value == "Search [b]v2[/b]"  # markup shown as typed
        app.screen.query_one("#field-what").value = "   "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "demo-edit-form"  # stays open, the error under the field
        assert "cannot be empty" in str(app.screen.query_one("#error-what", Static).render())
        app.screen.query_one("#field-what").value = "Search v2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert demo_rows(store, screen.meeting_id)[1] == ("Search v2", "Marco", "")


async def test_del_asks_then_deletes_the_demo_and_its_feedback(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await with_two_demos(pilot, store)
        table = screen.query_one("#demo-table", DataTable)
        table.move_cursor(row=0)
        await pilot.press("delete")
        await pilot.pause()
        assert app.screen.id == "demo-delete-confirm"
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "New chekout" in question
        assert "2 pieces" in str(app.screen.query_one("#confirm-detail", Static).render())
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert len(demo_rows(store, screen.meeting_id)) == 2
        await pilot.press("backspace")  # a Mac keyboard's "delete"
        await pilot.pause()
        assert app.screen.id == "demo-delete-confirm"
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert demo_rows(store, screen.meeting_id) == [("Search [b]v2[/b]", "Marco", "")]
        assert column(table, 0) == ["Search [b]v2[/b]"]
        summary = summary_markdown(store, screen.meeting_id)
        assert "chekout" not in summary and "Buton" not in summary


async def test_demo_keys_only_while_the_demos_are_shown_and_listed_in_help(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await with_two_demos(pilot, store)
        listed = {k.binding_id: k.keys for k in collect_key_help(app)}
        assert "panel-edit-demo" in listed and "panel-delete-demo" in listed
        assert "enter/E edit" in text_of(screen.query_one("#demo-feedback", Static))
        await pilot.press("l")  # the Log tab: del and E do nothing to the demos
        await pilot.pause()
        assert screen.query_one("#meeting-tabs", TabbedContent).active == "tab-log"
        listed = {k.binding_id for k in collect_key_help(app)}
        assert "panel-delete-demo" not in listed
        await pilot.press("delete", "E")
        await pilot.pause()
        assert app.screen is screen and len(demo_rows(store, screen.meeting_id)) == 2


async def test_who_tab_says_enter_toggles_present(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        await pilot.press("t")
        await pilot.pause()
        hint = screen.query_one("#attendance-help", Static)
        assert hint.region.height >= 1 and hint.region.width > 0  # on screen at 80x24
        assert "enter toggles present" in text_of(hint)
        first = store.meetings.attendance(screen.meeting_id)[0]
        await pilot.press("enter")
        await pilot.pause()
        assert store.meetings.attendance(screen.meeting_id)[0].present != first.present


async def test_escalate_dialog_names_the_item(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        await pilot.press("b")
        await fill_form(pilot, "Load tests [red]need[/] budget", "Marco", "Dana")
        await pilot.press("l", "X")
        await pilot.pause()
        assert app.screen.id == "escalate-form"
        title = str(app.screen.query_one("#escalate-title", Static).render())
        assert "Escalate the blocker “Load tests [red]need[/] budget” to" in title
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_deleting_a_demo_already_gone_says_so(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await with_two_demos(pilot, store)
        gone = store.panels.demos(screen.meeting_id)[0]
        screen.query_one("#demo-table", DataTable).move_cursor(row=0)
        await pilot.press("delete")
        await pilot.pause()
        with store.write() as conn:  # another window deletes it first
            conn.execute("DELETE FROM demo_items WHERE id = ?", (gone.id,))
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen  # no crash: a message, and the panel re-read
        assert column(screen.query_one("#demo-table", DataTable), 0) == ["Search [b]v2[/b]"]
        assert any("no demo with id" in str(n.message) for n in app._notifications)
