"""The cadence editor, driven through the real app: fields saved as they are
left, bad values refused at the field, the agenda template, new and archived
cadences. Each test checks the screen and the database."""

from __future__ import annotations

from datetime import UTC, time

import pytest
from textual.widgets import DataTable, Input, Select, Static

from cadence_tui.ui.dialogs import ConfirmDialog
from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen, NewCadenceDialog
from cadence_tui.ui.screens.home import HomeScreen
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from tests.settle import settle


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def preview_of(pilot, screen) -> str:
    """The preview once it has been recomputed (debounced, in a thread)."""
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)
    return text_of(screen, "#editor-preview")


async def open_editor(pilot) -> CadenceEditorScreen:
    await pilot.press("E")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CadenceEditorScreen)
    return screen


async def ask_to_archive_finance(pilot) -> DataTable:
    """On home, A on Finance Business Review (row 2): its confirm dialog is up."""
    table = pilot.app.screen.query_one("#cadence-table", CadenceTable)
    table.move_cursor(row=2)
    await pilot.press("A")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    return table


async def type_into(pilot, screen, selector: str, text: str, then: str = "enter") -> None:
    """Fill a field and submit it (Enter) or leave it (Tab), as a user would;
    the text is set at once rather than key by key to keep the tests fast
    (typing itself is exercised in the dialogs below)."""
    field = screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.press(then)
    await settle(pilot)


async def test_edit_name_time_zone_and_participants(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        assert screen.cadence_key == "sprint-review"
        await type_into(pilot, screen, "#field-name", "Demo Day")
        await type_into(pilot, screen, "#field-time", "9:30", then="tab")
        await type_into(pilot, screen, "#field-tz", "America/New_York")
        await type_into(pilot, screen, "#field-participants", "Ana (Product), Bo")
        saved = store.cadences.get_cadence("sprint-review")
        assert saved.name == "Demo Day"
        assert saved.start_time == time(9, 30)
        assert saved.tz == "America/New_York"
        assert [(p.name, p.role) for p in saved.participants] == [("Ana", "Product"), ("Bo", "")]
        # The field shows the stored, normalised value; the preview the new time.
        assert screen.query_one("#field-time", Input).value == "09:30"
        preview = await preview_of(pilot, screen)
        assert "Thu 26 Nov 2026 09:30" in preview
        assert len(preview.splitlines()) == 5
        assert "Demo Day" in text_of(screen, "#editor-title")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert str(table.get_row_at(0)[0]) == "Demo Day"


async def test_bad_rule_time_and_zone_rejected_at_the_field(make_app, store):
    before = store.cadences.get_cadence("sprint-review")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        screen.query_one("#rule-kind", Select).value = "custom"
        await settle(pilot)
        assert screen.query_one("#rule-raw", Input).value == "FREQ=WEEKLY;BYDAY=TH"
        await type_into(pilot, screen, "#rule-raw", "FREQ=SOMETIMES;BYDAY=TH")
        error = screen.query_one("#error-rule", Static)
        assert error.has_class("-visible")
        assert "invalid recurrence rule" in str(error.render())
        assert "repeats:" in await preview_of(pilot, screen)

        await type_into(pilot, screen, "#field-time", "25:00")
        assert "not a time" in text_of(screen, "#error-start_time")
        await type_into(pilot, screen, "#field-tz", "europe/berlin")
        assert "unknown time zone" in text_of(screen, "#error-tz")
        await type_into(pilot, screen, "#field-timebox", "0")
        assert "between 1 and" in text_of(screen, "#error-timebox_min")

        after = store.cadences.get_cadence("sprint-review")
        assert (after.rule, after.start_time, after.tz, after.timebox_min) == (
            before.rule,
            before.start_time,
            before.tz,
            before.timebox_min,
        )
        # Correcting the rule saves it and clears the message.
        await type_into(pilot, screen, "#rule-raw", "FREQ=MONTHLY;BYMONTHDAY=15")
        assert not screen.query_one("#error-rule", Static).has_class("-visible")
        assert store.cadences.get_cadence("sprint-review").rule == "FREQ=MONTHLY;BYMONTHDAY=15"


async def test_finance_variance_threshold_is_edited_and_used_by_the_next_meeting(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        assert not screen.query("#field-threshold")  # only the budget panel's cadence has one
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        screen = await open_editor(pilot)
        assert screen.cadence_key == "finance-review"
        assert screen.query_one("#field-threshold", Input).value == "10"
        for bad, message in (("lots", "must be a number"), ("0", "between 0 and 1000"), ("nan", "between")):
            await type_into(pilot, screen, "#field-threshold", bad)
            assert message in text_of(screen, "#error-variance_threshold")
            assert store.cadences.get_cadence("finance-review").variance_threshold == 10.0
        await type_into(pilot, screen, "#field-threshold", "12.5 %")
        assert text_of(screen, "#error-variance_threshold") == ""
        assert store.cadences.get_cadence("finance-review").variance_threshold == 12.5
        assert screen.query_one("#field-threshold", Input).value == "12.5"
    meeting = store.meetings.start_meeting("finance-review")
    assert meeting.variance_threshold == 12.5


async def test_recurrence_choices_build_the_rule(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        assert screen.query_one("#row-rule-interval").has_class("-hidden")
        screen.query_one("#rule-kind", Select).value = "every-n-weeks"
        await settle(pilot)
        assert not screen.query_one("#row-rule-interval").has_class("-hidden")
        assert store.cadences.get_cadence("sprint-review").rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
        await type_into(pilot, screen, "#rule-interval", "3")
        await type_into(pilot, screen, "#rule-days", "Mon-Fri")
        assert store.cadences.get_cadence("sprint-review").rule == "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR"
        screen.query_one("#rule-kind", Select).value = "monthly-weekday"
        await settle(pilot)
        # Monthly on a weekday needs exactly one day: refused, rule kept.
        assert "one weekday" in text_of(screen, "#error-rule")
        assert store.cadences.get_cadence("sprint-review").rule == "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR"
        await type_into(pilot, screen, "#rule-days", "Tue")
        screen.query_one("#rule-nth", Select).value = -1
        await settle(pilot)
        assert store.cadences.get_cadence("sprint-review").rule == "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1"
        assert "Tue 29 Dec 2026 15:00" in await preview_of(pilot, screen)


async def test_agenda_template_add_edit_move_remove(make_app, store):
    cadence = store.cadences.get_cadence("sprint-review")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        assert "30 of 30 min" in text_of(screen, "#agenda-heading")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Warm-up", "enter", "5", "enter")
        await settle(pilot)
        titles = [i.title for i in store.cadences.agenda_template(cadence.id)]
        assert titles[:2] == ["Sprint goal and scope recap", "Warm-up"]
        heading = text_of(screen, "#agenda-heading")
        assert "35 of 30 min" in heading and "5 min over" in heading
        # Move it to the top, change its timebox, then remove it.
        await pilot.press("shift+up")
        await settle(pilot)
        assert store.cadences.agenda_template(cadence.id)[0].title == "Warm-up"
        await pilot.press("e")
        await settle(pilot)
        minutes = app.screen.query_one("#item-minutes", Input)
        minutes.value = "abc"
        minutes.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "whole number" in str(app.screen.query_one("#error-item-minutes", Static).render())
        minutes.value = "2"
        await pilot.press("enter")
        await settle(pilot)
        assert store.cadences.agenda_template(cadence.id)[0].timebox_min == 2
        assert "32 of 30 min" in text_of(screen, "#agenda-heading")
        await pilot.press("x")
        await settle(pilot)
        assert "Warm-up" not in [i.title for i in store.cadences.agenda_template(cadence.id)]
        assert "30 of 30 min" in text_of(screen, "#agenda-heading")


async def test_new_cadence_as_copy_then_made_daily(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, NewCadenceDialog)
        app.screen.query_one("#new-source", Select).value = "copy:sprint-review"
        await pilot.press(*"Daily Stand-up", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CadenceEditorScreen)
        assert screen.cadence_key == "daily-stand-up"
        new = store.cadences.get_cadence("daily-stand-up")
        assert [i.title for i in store.cadences.agenda_template(new.id)] == [
            i.title for i in store.cadences.agenda_template(store.cadences.get_cadence("sprint-review").id)
        ]
        await type_into(pilot, screen, "#rule-days", "weekdays")
        await type_into(pilot, screen, "#field-timebox", "15")
        new = store.cadences.get_cadence("daily-stand-up")
        assert new.rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        assert new.timebox_min == 15
        assert "Thu 26 Nov 2026 15:00" in await preview_of(pilot, screen)
        assert "Fri 27 Nov 2026 15:00" in await preview_of(pilot, screen)
        await pilot.press("escape")
        await settle(pilot)
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)][-1] == "Daily Stand-up"


async def test_new_blank_cadence_needs_a_name(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("N", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NewCadenceDialog)
        assert "cannot be empty" in str(app.screen.query_one("#error-new-name", Static).render())
        await pilot.press(*"1:1 [/] Coaching", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CadenceEditorScreen)
        cadence = store.cadences.get_cadence("1-1-coaching")
        assert cadence.name == "1:1 [/] Coaching"
        assert store.cadences.agenda_template(cadence.id) == []


async def test_archive_keeps_history(make_app, store):
    store.actions.add_action("Follow up", owner="Ana", cadence_key="finance-review")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await ask_to_archive_finance(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert not store.cadences.get_cadence("finance-review").archived
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.cadences.get_cadence("finance-review").archived
        assert "finance-review" not in [c.key for c in store.cadences.list_cadences()]
        assert "finance-review" not in {o.cadence_key for o in store.cadences.upcoming(60)}
        assert table.row_count == 3
        assert "Finance Business Review" not in [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        # History stays: the action item is still there, and unarchiving brings it back.
        assert store.scalar("SELECT count(*) FROM action_items WHERE title = 'Follow up'") == 1
        store.cadences.unarchive_cadence("finance-review")
        assert "finance-review" in [c.key for c in store.cadences.list_cadences()]


async def test_escape_with_an_invalid_field_asks_once_then_leaves(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        field = screen.query_one("#field-tz", Input)
        field.focus()
        field.value = "Atlantis/Capital"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert "unknown time zone" in text_of(screen, "#error-tz")
        assert "Esc again" in text_of(screen, "#editor-status")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.cadences.get_cadence("sprint-review").tz != "Atlantis/Capital"


async def test_archived_cadence_brought_back_from_the_new_dialog(make_app, store):
    store.cadences.archive_cadence("all-hands")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert table.row_count == 3
        await pilot.press("N")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewCadenceDialog)
        dialog.query_one("#new-source", Select).value = "restore:all-hands"
        await settle(pilot)
        assert dialog.query_one("#new-name", Input).disabled
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CadenceEditorScreen) and app.screen.cadence_key == "all-hands"
        assert not store.cadences.get_cadence("all-hands").archived
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#cadence-table", CadenceTable).row_count == 4


# Raw keys: Pilot's settling press (conftest) would wait for the very preview
# worker this test types over (whenever its 0.15 s timer fires before the press
# settles, as on a loaded machine) and time that wait instead of the keys.
@pytest.mark.raw_pilot
async def test_a_slow_rule_never_blocks_typing(make_app, store, monkeypatch):
    """Some impossible rules take dateutil seconds to give up on; the preview
    runs in a thread, so keys keep working meanwhile."""
    import time as clock_time

    from cadence_tui.ui.screens import cadence_editor

    real = cadence_editor.compute_preview

    def slow_preview(*args):
        clock_time.sleep(1.5)
        return real(*args)

    monkeypatch.setattr(cadence_editor, "compute_preview", slow_preview)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_editor(pilot)
        name = screen.query_one("#field-name", Input)
        name.focus()
        await pilot.press("end")
        await settle(pilot)
        await pilot.pause(0.3)  # the (slow) preview of the opening values is now running
        started = clock_time.monotonic()
        await pilot.press("x", "y")
        await pilot.pause()
        assert name.value.endswith("xy")
        # The keys land while the slow preview (1.5 s) is still computing.
        assert clock_time.monotonic() - started < 1.0
        await settle(pilot)
        assert "Thu 26 Nov 2026 15:00" in await preview_of(pilot, screen)


def test_compute_preview_reports_each_bad_field():
    from datetime import date, datetime

    from cadence_tui.ui.screens.cadence_editor import EditorFields, compute_preview

    fields = EditorFields(
        kind="custom",
        raw="FREQ=NEVER",
        days="",
        interval="",
        month_day="",
        nth=1,
        anchor="2026-13-01",
        start_time="9",
        tz="Moon/Base",
    )
    text = str(compute_preview(fields, datetime(2026, 11, 25, tzinfo=UTC), date(2026, 11, 25)).text)
    assert [line.split(":")[0] for line in text.splitlines()] == ["repeats", "first date", "start time", "time zone"]


async def test_archive_confirms_on_enter(make_app, store):
    # The dialog says "Enter or y confirms": Enter archives (it used to cancel).
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ask_to_archive_finance(pilot)
        assert "Enter or y confirms" in str(app.screen.query_one("#confirm-hint", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert store.cadences.get_cadence("finance-review").archived


async def test_archive_cancels_on_escape(make_app, store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ask_to_archive_finance(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not store.cadences.get_cadence("finance-review").archived
