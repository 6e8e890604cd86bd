"""Issue 15 item 4 for home, action items and history: the UI thread never
runs a query. Every read and write the store makes while a user works these
screens is recorded with the thread that made it; none may be the UI's."""

from __future__ import annotations

import threading
from datetime import date

from cadence_tui.store.base import StoreBase
from tests.functional.key_burst import burst
from tests.functional.settle import settle


async def test_home_actions_and_history_never_query_on_the_ui_thread(make_app, store, monkeypatch) -> None:
    store.actions.add_action("Fix the export", owner="Lena", due=date(2026, 11, 20), cadence_key="sprint-review")
    store.actions.add_action("Fix the invoice", owner="Sam", due=date(2026, 12, 2), cadence_key="finance-review")
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.add_decision(meeting.id, "Ship the fix")
    store.meetings.end_meeting(meeting.id)
    on_ui: list[str] = []
    query, write = StoreBase.query, StoreBase.write

    def recorded_query(self, sql, params=()):
        if threading.current_thread() is threading.main_thread():
            on_ui.append(sql)
        return query(self, sql, params)

    def recorded_write(self):
        if threading.current_thread() is threading.main_thread():
            on_ui.append("BEGIN IMMEDIATE")
        return write(self)

    monkeypatch.setattr(StoreBase, "query", recorded_query)
    monkeypatch.setattr(StoreBase, "write", recorded_write)
    app = make_app()
    # Every message notified, kept: a toast leaves app._notifications when it
    # times out (4 s, wall clock), before this long run ends on a loaded machine.
    notified: list[str] = []
    notify = app.notify

    def recorded_notify(message, *args, **kwargs):
        notified.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recorded_notify
    async with app.run_test(size=(100, 40)) as pilot:  # tall: home's open-work panel too
        await settle(pilot)
        for keys in (["down", "up", "r"], ["a"], ["down", "pagedown", "end", "home"], ["v"], ["w"], ["s"], ["c"]):
            await pilot.press(*keys)
            await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await burst(pilot, "/fix", "enter")
        await settle(pilot)
        for key in ("d", "u", "x", "u", "escape", "escape", "h", "down", "up", "c"):
            await pilot.press(key)
            await settle(pilot)
        await burst(pilot, "/ship", "enter")
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
    assert on_ui == []
    monkeypatch.undo()
    assert store.actions.get_action(1).status == "open"  # done, undone, dropped, undone: it all happened
    undone = [m for m in notified if m.startswith("Undone")]
    assert len(undone) == 2
