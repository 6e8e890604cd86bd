"""Issue 15 item 4 for home, action items and history: the UI thread never
runs a query. Every read and write the store makes while a user works these
screens is recorded with the thread that made it; none may be the UI's."""

from __future__ import annotations

import threading
from datetime import date

from cadence_tui.store.base import StoreBase
from tests.functional.key_burst import burst
from tests.settle import settle


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
    said: list[str] = []  # every notification, also those whose toast timed out on a slow machine
    notify = app.notify
    monkeypatch.setattr(
        app, "notify", lambda message, *a, **kw: (said.append(str(message)), notify(message, *a, **kw))[1]
    )
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
    undone = [m for m in said if m.startswith("Undone")]
    assert len(undone) == 2


async def test_home_topic_form_writes_off_the_ui_thread_and_fills_the_topics_cell(make_app, store, monkeypatch) -> None:
    """`t` on home: a bad value is said under its field (nothing written), a
    good one is written by the write queue's thread, never the UI's, and the
    Topics column shows it when it lands."""
    from cadence_tui.ui.screens.home import HomeScreen
    from cadence_tui.ui.widgets.cadence_table import CadenceTable
    from tests.functional.meeting_pilot import fill_form

    on_ui: list[str] = []
    write = StoreBase.write

    def recorded_write(self):
        if threading.current_thread() is threading.main_thread():
            on_ui.append("BEGIN IMMEDIATE")
        return write(self)

    monkeypatch.setattr(StoreBase, "write", recorded_write)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:  # wide: the table has its Topics column
        await settle(pilot)
        await pilot.press("down", "t")
        await pilot.pause()
        assert app.screen.id == "topic-form"
        await fill_form(pilot, "")  # no title
        assert app.screen.id == "topic-form"
        assert "cannot be empty" in str(app.screen.query_one("#error-title").render())
        await fill_form(pilot, "Lead scoring", "many", clear=True)  # minutes not a number
        assert app.screen.id == "topic-form"
        assert str(app.screen.query_one("#error-minutes").render()).strip()
        assert store.topics.waiting_topics("sales-marketing-sync") == []
        await fill_form(pilot, "12", "Dana", clear=True)  # the error put the cursor in minutes
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert table.column_labels[-1] == "Topics"
        assert table.selected_key == "sales-marketing-sync"
        assert str(table.get_row_at(1)[-1]) == "1"
        assert str(table.get_row_at(0)[-1]) == "0"
    assert on_ui == []
    [topic] = store.topics.waiting_topics("sales-marketing-sync")
    assert (topic.title, topic.minutes, topic.proposed_by) == ("Lead scoring", 12, "Dana")


async def test_home_topic_form_opens_again_with_what_was_typed_when_the_write_fails(make_app, store) -> None:
    """The cadence was archived (another terminal) while the form was open:
    the queued write fails; the form comes back with the text and the reason."""
    from textual.widgets import Input

    from tests.functional.meeting_pilot import fill_form

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        store.cadences.archive_cadence("sprint-review")
        await fill_form(pilot, "Kept text")
        await settle(pilot)
        await pilot.pause()
        assert app.screen.id == "topic-form"
        assert app.screen.query_one("#field-title", Input).value == "Kept text"
        assert "archived" in str(app.screen.query_one("#form-error").render())
    assert store.topics.waiting_topics() == []


async def test_follow_reads_off_the_ui_thread(make_app, store, db_path, clock, monkeypatch) -> None:
    """`f` on home, a meeting started and changed in another terminal, then
    ended: the follow screen shows each step, and never queries on the UI
    thread (the other terminal writes from a thread of its own here)."""
    import asyncio

    from cadence_tui.store import open_store
    from cadence_tui.ui.screens.follow import FollowScreen
    from cadence_tui.ui.widgets.meeting_log import MeetingLog

    on_ui: list[str] = []
    query = StoreBase.query

    def recorded_query(self, sql, params=()):
        if threading.current_thread() is threading.main_thread():
            on_ui.append(sql)
        return query(self, sql, params)

    other = open_store(db_path, now=clock)
    try:
        async with make_app().run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            monkeypatch.setattr(StoreBase, "query", recorded_query)
            await pilot.press("f")
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, FollowScreen)

            async def until(check) -> None:
                for _ in range(100):
                    await settle(pilot)
                    if check():
                        return
                    await asyncio.sleep(0.05)
                raise AssertionError("the follow screen did not show the other terminal's change")

            await until(lambda: "Waiting for Sprint Review" in str(screen.query_one("#follow-status").render()))
            meeting = await asyncio.to_thread(other.meetings.start_meeting, "sprint-review")
            await asyncio.to_thread(other.meetings.capture_decision, meeting.id, "Ship Monday")
            await until(lambda: [r.text for r in screen.query_one(MeetingLog).rows_shown] == ["Ship Monday"])
            await asyncio.to_thread(other.meetings.end_meeting, meeting.id)
            await until(lambda: "has ended" in str(screen.query_one("#follow-status").render()))
        monkeypatch.undo()
    finally:
        other.close()
    assert on_ui == []
