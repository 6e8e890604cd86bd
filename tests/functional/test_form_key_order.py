"""Keys typed in one burst are handled in the order they were typed (issue 13.3).

A burst is what a paste without bracketed paste, a fast typist or a browser
(``cadence serve``) sends: every key event queued before the app has handled
the first. Pilot's ``press`` waits for the app to be idle after each key, so
it never shows the problem; these tests put all the events in the app's queue
at once, as the terminal driver does, then wait.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, TextArea

from cadence_tui.ui.screens.actions import ActionItemsScreen
from tests.functional.key_burst import burst
from tests.functional.meeting_pilot import start_from_home


def value_of(widget) -> str:
    return widget.text if isinstance(widget, TextArea) else str(widget.value)


async def test_owner_and_due_typed_in_one_burst_land_in_their_fields(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        meeting = await start_from_home(pilot, "sprint-review")
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        await burst(pilot, "Fix the build", "tab", "Sam", "tab", "+3d")
        assert form.values() == {"title": "Fix the build", "owner": "Sam", "due": "+3d"}
        await burst(pilot, "enter")
        assert app.screen is meeting
        [item] = [a for a in store.meetings.meeting_actions(meeting.meeting_id)]
        assert (item.title, item.owner, item.due) == ("Fix the build", "Sam", date(2026, 11, 28))


async def test_editing_keys_in_a_burst_act_where_they_were_typed(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_from_home(pilot, "sprint-review")
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        # Backspace and the arrows are bindings of the field: they used to run
        # after the letters typed behind them.
        await burst(pilot, "abc", "backspace", "d", "left", "left", "X", "end", "!")
        await burst(pilot, "tab", "Sam", "shift+tab", "end", "?", "tab", "tab", "today")
        assert form.values() == {"title": "aXbd!?", "owner": "Sam", "due": "today"}


# Every form: (how to reach it from home, the key that opens it).
FORMS = {
    "meeting action": (["s"], "a"),
    "meeting blocker": (["s"], "b"),
    "meeting decision": (["s"], "d"),
    "meeting agenda item": (["s"], "i"),
    "meeting fail-fast": (["s"], "F"),
    "meeting demo panel": (["s"], "m"),
    "finance budget line": (["down", "down", "s"], "l"),
    "scorecard add metric": (["M"], "a"),
    "hand-offs add": (["O"], "a"),
    "action items reassign": (["a"], "r"),
    "action items due date": (["a"], "e"),
    "action items who am I": (["a"], "M"),
    "cadence editor": (["E"], None),
    "cadence editor agenda item": (["E", "ctrl+t"], "a"),
    "new cadence": ([], "N"),
}


@pytest.mark.parametrize("name", list(FORMS))
async def test_every_form_keeps_the_key_order_of_a_burst(make_app, store, name) -> None:
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.capture_action(meeting.id, "Write the notes", "Sam", "")
    store.meetings.end_meeting(meeting.id)
    path, opener = FORMS[name]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in path:
            await pilot.press(key)
            await pilot.pause()
        if isinstance(app.screen, ActionItemsScreen):
            await pilot.pause()
        if opener:
            await pilot.press(opener)
            await pilot.pause()
        form = app.screen
        first = form.focused
        if not isinstance(first, (Input, TextArea)):
            # A choice first (the hand-off of a fail-fast entry): Tab, then type.
            await burst(pilot, "tab", "ab1")
            assert form.focused is not first and "ab1" in value_of(form.focused), name
            await burst(pilot, "ctrl+u")
            first = form.focused
        assert isinstance(first, (Input, TextArea)), (name, first)
        await burst(pilot, "end", "ctrl+u", "ab1")
        assert value_of(first).endswith("ab1"), (name, value_of(first))
        fields = [w for w in form.query("Input, TextArea") if w.focusable]
        if len(fields) < 2:
            # One field: the editing keys still act in order.
            await burst(pilot, "backspace", "2", "left", "X")
            assert value_of(first).endswith("abX2"), (name, value_of(first))
            return
        await burst(pilot, "tab", "cd2")
        second = form.focused
        assert second is not first, name
        assert value_of(first).endswith("ab1") and "cd2" not in value_of(first), (name, value_of(first))
        if isinstance(second, (Input, TextArea)):
            assert "cd2" in value_of(second), (name, value_of(second))
        await burst(pilot, "shift+tab", "end", "3")
        assert form.focused is first and value_of(first).endswith("ab13"), (name, value_of(first))
