"""Helpers for driving the meeting screen with Pilot as a facilitator does."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from cadence_tui.store import Store
from tests.settle import settle

HOME_ROWS = {"sprint-review": 0, "sales-marketing-sync": 1, "finance-review": 2, "all-hands": 3}


async def start_from_home(pilot: Pilot, cadence_key: str, key: str = "s"):
    """Highlight the cadence on the home screen and press the start key."""
    await pilot.pause()
    await pilot.press(*["down"] * HOME_ROWS[cadence_key], key)
    await settle(pilot)  # the meeting is found (or started) and read in a worker, then opens
    return pilot.app.screen


async def fill_form(
    pilot: Pilot, *values: str, submit: str = "enter", typed: bool = False, clear: bool = False
) -> None:
    """Enter each value into the next field (Tab between them), then submit.

    Values arrive as a terminal paste (one ``Paste`` event, as when text is
    pasted or typed quickly); ``typed=True`` presses one key per character
    (slower: ~50-90 ms a key under Pilot). ``clear`` empties pre-filled
    fields first.
    """
    await pilot.pause()
    for n, value in enumerate(values):
        if n:
            await pilot.press("tab")
        if clear:  # what was pre-filled: to the end, then delete to the start
            await pilot.press("end", "ctrl+u")
        if value and typed:
            await pilot.press(*value)
        elif value:
            assert pilot.app.screen.focused is not None
            pilot.app.post_message(events.Paste(value))  # as the terminal driver delivers it
            await pilot.pause()
    await pilot.press(submit)
    await pilot.pause()


def text_of(widget: Static) -> str:
    return str(widget.render())


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(r)[index]) for r in range(table.row_count)]


def open_work(store: Store, cadence_key: str, clock, *, days: int = 7) -> dict[str, int]:
    """An earlier, ended meeting of the cadence that left an overdue action
    item, one without a due date and an open blocker; then time moves on."""
    m = store.meetings.start_meeting(cadence_key)
    a1 = store.meetings.capture_action(m.id, "Old overdue task", "Priya", "2026-11-20")
    a2 = store.meetings.capture_action(m.id, "Undated task", "Marco", "")
    b = store.meetings.capture_blocker(m.id, "Waiting on legal", "Sam", "Chris")
    store.meetings.end_meeting(m.id)
    clock.advance(days=days)
    return {"meeting": m.id, "overdue": a1.id, "undated": a2.id, "blocker": b.id}
