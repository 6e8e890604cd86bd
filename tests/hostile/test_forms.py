"""A form submits once (issue 14.13).

Enter pressed again before a form has closed (a key repeat, an impatient
double press, text pasted with newlines without bracketed paste) used to save
once per Enter and then pop the screen underneath: two copies of the item,
the meeting left, then ScreenStackError. The keys arrive here in one burst,
as a terminal delivers them (tests/functional/key_burst.py).
"""

from __future__ import annotations

from cadence_tui.ui.dialogs import ConfirmDialog
from cadence_tui.ui.screens.actions import ActionItemsScreen
from cadence_tui.ui.screens.meeting import MeetingScreen
from cadence_tui.ui.widgets.capture_forms import CaptureForm
from tests.functional.key_burst import burst
from tests.functional.meeting_pilot import start_from_home
from tests.settle import settle


async def start_meeting(pilot) -> MeetingScreen:
    screen = await start_from_home(pilot, "sprint-review")
    assert isinstance(screen, MeetingScreen)
    return screen


async def test_enter_pressed_repeatedly_in_a_capture_form_saves_once(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        meeting = await start_meeting(pilot)
        mid = meeting.meeting_id
        for key, typed, submit, stored in (
            ("a", "Call the bank", "enter", lambda: [a.title for a in store.meetings.meeting_actions(mid)]),
            ("b", "Waiting on legal", "enter", lambda: [b.what for b in store.meetings.meeting_blockers(mid)]),
            ("d", "Ship on Friday", "enter", lambda: [d.text for d in store.meetings.meeting_decisions(mid)]),
            ("o", "A note to keep", "ctrl+s", lambda: [n.text for n in store.meetings.meeting_notes(mid)]),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, CaptureForm), key
            await burst(pilot, typed)
            await burst(pilot, submit, submit, submit)
            assert app.screen is meeting, (key, app.screen)
            assert stored() == [typed], key
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_text_pasted_with_newlines_saves_its_first_line_once(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        meeting = await start_meeting(pilot)
        mid = meeting.meeting_id
        await pilot.press("a")
        await pilot.pause()
        # Without bracketed paste each newline is an Enter; the rest of the
        # paste must not run as meeting keys (a: another form, e: end, n: next).
        await burst(pilot, "Call the bank\nand the lawyer\nend it now\n")
        assert app.screen is meeting
        assert [a.title for a in store.meetings.meeting_actions(mid)] == ["Call the bank"]
        assert store.meetings.get_meeting(mid).status != "ended"
        assert meeting.query_one("#meeting-tabs") is not None
        # Keys typed afterwards work as usual.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CaptureForm)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is meeting


async def test_prompts_on_the_action_items_screen_answer_once(make_app, store) -> None:
    item = store.actions.add_action("Write the notes", owner="Sam", cadence_key="sprint-review")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActionItemsScreen)
        # Reassign, twice Enter.
        await pilot.press("r")
        await pilot.pause()
        await burst(pilot, "end", "ctrl+u", "Priya", "enter", "enter")
        await settle(pilot)  # the change goes through the app's write queue
        assert app.screen is screen
        assert store.actions.get_action(item.id).owner == "Priya"
        # One undoable change (the screen's changes share the app's undo history).
        assert [c.description for c in app._action_undo_stack] == ["reassign"]
        # Due date, with the rest of a pasted text after the first line.
        await pilot.press("e")
        await pilot.pause()
        await burst(pilot, "ctrl+u", "2026-12-01\nx\nd\n")
        await settle(pilot)
        assert app.screen is screen
        changed = store.actions.get_action(item.id)
        assert str(changed.due) == "2026-12-01" and changed.status == "open"
        # Who am I: three Enters.
        await pilot.press("M")
        await pilot.pause()
        await burst(pilot, "ctrl+u", "Lena", "enter", "enter", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.me == "Lena"
        assert app.is_running


async def test_the_end_meeting_question_answers_once(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        meeting = await start_meeting(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await burst(pilot, "enter", "enter", "y")
        assert store.meetings.get_meeting(meeting.meeting_id).status == "ended"
        for _ in range(5):
            await pilot.pause()
        assert app.is_running
        # One step on: the ratings (or the summary), with the meeting screen
        # still underneath, not popped by a second answer.
        assert meeting in app.screen_stack or app.screen.__class__.__name__ == "SummaryScreen"


async def test_the_cadence_editor_dialogs_submit_once(make_app, store) -> None:
    from cadence_tui.ui.screens.cadence_editor import CadenceEditorScreen

    cadences_before = len(store.cadences.list_cadences())
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # New cadence: Enter twice creates one and opens its editor.
        await pilot.press("N")
        await pilot.pause()
        await burst(pilot, "Design Crit", "enter", "enter")
        for _ in range(5):
            await pilot.pause()
        assert len(store.cadences.list_cadences()) == cadences_before + 1
        editor = app.screen
        assert isinstance(editor, CadenceEditorScreen), editor
        template = lambda: [t.title for t in store.cadences.agenda_template(editor.cadence.id)]  # noqa: E731
        before = template()
        # An agenda item: Enter three times adds one, and the editor stays.
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await burst(pilot, "Crit round", "tab", "15", "enter", "enter", "enter")
        assert app.screen is editor, app.screen
        assert template().count("Crit round") == 1 and len(template()) == len(before) + 1
        assert app.is_running


async def test_escalating_with_enter_pressed_twice_escalates_once(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        meeting = await start_meeting(pilot)
        blocker = store.meetings.capture_blocker(meeting.meeting_id, "Load tests need budget", "Marco", "Dana")
        meeting.refresh_log()
        await pilot.press("l")  # the Captured log, cursor on the blocker
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        assert app.screen.id == "escalate-form"
        await burst(pilot, "enter", "enter", "enter")
        assert app.screen is meeting, app.screen
        count = store.scalar(
            "SELECT count(*) FROM blockers WHERE id = ? AND escalated_to_cadence_id IS NOT NULL", (blocker.id,)
        )
        assert count == 1
        assert len(store.playbook.escalated_to("finance-review")) == 1
        assert app.is_running
