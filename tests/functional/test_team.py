"""Working as a team on one database: topics proposed before the meeting,
who did what, and live screens (two apps under Pilot on one database: the
live tests run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from cadence_tui.store import open_store
from cadence_tui.ui.screens.home import HomeScreen
from cadence_tui.ui.screens.meeting import MeetingScreen
from cadence_tui.ui.screens.summary import SummaryScreen
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.cadence_table import CadenceTable
from cadence_tui.ui.widgets.meeting_clock import ClockBar
from cadence_tui.ui.widgets.meeting_log import MeetingLog
from tests.functional.meeting_pilot import column, fill_form, text_of
from tests.hostile.helpers import cadence
from tests.settle import settle

WIDE = (160, 48)


async def within(pilot, seconds: float, condition: Callable[[], bool]) -> float:
    """Let the app run until ``condition`` holds; how long it took (fails after ``seconds``)."""
    start = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - start
        assert elapsed < seconds, f"not seen within {seconds} s"
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_topic_from_the_cli_reaches_home_the_agenda_and_the_summary(make_app, store, db_path) -> None:
    result = cadence(
        "topics", "add", "sprint-review", "Pricing page feedback", "--minutes", "5", "--by", "Lena", db=db_path
    )
    assert result.returncode == 0, result.stderr
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cadence-table", CadenceTable)
        assert column(table, 6) == ["1", "0", "0", "0"]  # Topics, per cadence
        assert "Pricing page feedback 5′ (Lena)" in text_of(app.screen.query_one("#cadence-details"))
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, MeetingScreen)
        agenda = app.screen.query_one(AgendaList)
        titles = column(agenda, 0)
        assert titles[-1].startswith("· Pricing page feedback") and titles[-1].endswith("· Lena")
        assert len(titles) == len(store.cadences.agenda_template(store.cadences.get_cadence("sprint-review").id)) + 1
        await pilot.press("e")
        await pilot.pause()
        detail = text_of(app.screen.query_one("#confirm-detail"))
        assert "1 proposed topic not reached waits for the next meeting." in detail
        await pilot.press("enter")  # confirm the end
        await pilot.pause()
        await pilot.press("escape")  # skip the ratings
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = " ".join(app.screen.text.split())
        assert "Topics proposed" in summary
        assert "Pricing page feedback — proposed by Lena (not reached: offered for the next meeting)" in summary
    [topic] = [t for t in store.topics.waiting_topics("sprint-review")]
    assert (topic.title, topic.state) == ("Pricing page feedback", "open")  # never reached: waits for the next one


async def test_delete_on_the_agenda_drops_a_topic(make_app, store) -> None:
    topic = store.topics.add_topic("sprint-review", "Maybe later", by="Sam")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        agenda = screen.query_one(AgendaList)
        agenda.focus()
        await pilot.press("down", "down", "down", "down", "delete")
        await pilot.pause()
        assert not any("Maybe later" in t for t in column(agenda, 0))
        await pilot.press("up", "up", "up", "up", "delete")  # the current item stays
        await pilot.pause()
        assert len(screen.agenda_items) == len(agenda.items) == 4
        assert app.screen is screen
    assert store.topics.get_topic(topic.id).state == "dropped"


async def test_home_key_t_proposes_a_topic(make_app, store) -> None:
    store.actor = "ignored"  # the app sets "me" from its config
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "t")
        await pilot.pause()
        assert app.screen.id == "topic-form"
        await fill_form(pilot, "Lead scoring", "0")
        assert app.screen.id == "topic-form"  # minutes out of range: said at the field, nothing lost
        assert "1 to 60" in str(app.screen.query_one("#error-minutes").render())
        assert app.screen.focused.id == "field-minutes"  # the error put the cursor there
        await fill_form(pilot, "12", "Dana", clear=True)
        await settle(pilot)  # the write queue's thread writes it; home reads it again
        assert isinstance(app.screen, HomeScreen)
        assert "Lead scoring 12′ (Dana)" in text_of(app.screen.query_one("#cadence-details"))
    [topic] = store.topics.waiting_topics("sales-marketing-sync")
    assert (topic.title, topic.minutes, topic.proposed_by) == ("Lead scoring", 12, "Dana")


@pytest.mark.both_engines  # the live screens on PostgreSQL too
async def test_two_apps_on_one_database_see_each_other_live(make_app, store, db, clock) -> None:
    from cadence_tui.ui.app import make_app as build

    other_store = open_store(db, now=clock)
    first, second = make_app(), build(other_store)
    try:
        async with first.run_test(size=WIDE) as p1, second.run_test(size=WIDE) as p2:
            await p1.pause()
            await p2.pause()
            # Home of the second app sees the meeting start in the first.
            await p1.press("s")
            await p1.pause()
            table = second.screen.query_one("#cadence-table", CadenceTable)
            await within(p2, 1.0, lambda: "in progress" in str(table.get_row_at(0)[1]))
            await p2.press("s")  # joins the same meeting
            await p2.pause()
            screen1, screen2 = first.screen, second.screen
            assert isinstance(screen2, MeetingScreen) and screen2.meeting_id == screen1.meeting_id
            meeting_id = screen1.meeting_id

            # A capture in the first appears in the second's log.
            await p1.press("a")
            await fill_form(p1, "Fix the login bug", "Priya", "fri")
            log2 = screen2.query_one(MeetingLog)
            await within(p2, 1.0, lambda: any(r.text == "Fix the login bug" for r in log2.rows_shown))

            # An agenda move and the next item.
            agenda1, agenda2 = screen1.query_one(AgendaList), screen2.query_one(AgendaList)
            agenda1.focus()
            await p1.press("down", "J", "n")
            await p1.pause()
            order = [i.title for i in screen1.agenda_items]
            await within(p2, 1.0, lambda: [i.title for i in screen2.agenda_items] == order)
            await within(p2, 1.0, lambda: screen2.clock.item_id == screen1.clock.item_id)
            assert column(agenda2, 0) == column(agenda1, 0)

            # A pause, and the resume.
            await p1.press("space")
            await p1.pause()
            await within(p2, 1.0, lambda: screen2.clock.paused)
            assert "PAUSED" in text_of(screen2.query_one(ClockBar))
            await p1.press("space")
            await p1.pause()
            await within(p2, 1.0, lambda: not screen2.clock.paused)

            # The end: the second says so, stops its clock, never exits.
            await p1.press("e")
            await p1.pause()
            await p1.press("enter")
            await p1.pause()
            await within(p2, 1.0, lambda: screen2.ended_elsewhere)
            assert "ENDED" in text_of(screen2.query_one(ClockBar))
            stopped = screen2.clock.meeting_elapsed
            clock.advance(minutes=3)
            for key in ("n", "space", "p", "J"):
                await p2.press(key)
                await p2.pause()
            assert second.is_running and second.return_code is None
            assert second.screen is screen2
            assert screen2.clock.meeting_elapsed == stopped

            # A capture into the ended meeting: refused, its text kept and offered as an action item.
            await p2.press("a")
            await fill_form(p2, "Call the customer", "Sam")
            assert second.screen.id == "action-form"
            assert "has ended" in str(second.screen.query_one("#form-error").render())
            await p2.press("enter")  # take the offer
            await p2.pause()
            assert second.screen is screen2
            assert second.is_running
    finally:
        other_store.close()
    assert store.meetings.meeting_actions(meeting_id)[0].title == "Fix the login bug"
    kept = [a for a in store.actions.list_actions() if a.title == "Call the customer"]
    assert [(a.owner, a.meeting_id, a.cadence_key) for a in kept] == [("Sam", None, "sprint-review")]


@pytest.mark.both_engines  # the live screens on PostgreSQL too
async def test_home_action_items_and_history_follow_another_terminal(make_app, store, db, clock) -> None:
    elsewhere_store = open_store(db, now=clock)
    app = make_app()
    try:
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#cadence-table", CadenceTable)
            before = int(str(table.get_row_at(0)[3]))
            elsewhere_store.actions.add_action("Added in another terminal", cadence_key="sprint-review")
            await within(pilot, 1.0, lambda: int(str(table.get_row_at(0)[3])) == before + 1)
            elsewhere_store.topics.add_topic("sprint-review", "Proposed elsewhere", by="Sam")
            await within(pilot, 1.0, lambda: str(table.get_row_at(0)[6]) == "1")

            await pilot.press("a")  # action items
            await pilot.pause()
            actions = app.screen.query_one("#action-table")
            total = actions.total
            elsewhere_store.actions.add_action("Another one", cadence_key="all-hands")
            await within(pilot, 1.0, lambda: actions.total == total + 1)
            await pilot.press("escape")
            await pilot.pause()

            await pilot.press("h")  # history
            await pilot.pause()
            history = app.screen.query_one("#history-table")
            meetings = history.total
            m = elsewhere_store.meetings.start_meeting("finance-review")
            elsewhere_store.meetings.end_meeting(m.id)
            await within(pilot, 1.0, lambda: history.total == meetings + 1)
            assert app.is_running
    finally:
        elsewhere_store.close()


async def test_the_log_and_the_action_details_say_who(make_app, store, monkeypatch) -> None:
    monkeypatch.setenv("USER", "lena")  # no config file: "me" is the login name
    monkeypatch.setenv("LOGNAME", "lena")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        await pilot.press("a")
        await fill_form(pilot, "Fix the login bug", "Priya", "fri")
        await pilot.press("d")
        await fill_form(pilot, "Ship on Monday")
        rows = {r.text: r.detail for r in screen.query_one(MeetingLog).rows_shown}
        assert rows["Fix the login bug"].endswith("by lena")
        assert rows["Ship on Monday"] == "by lena"
        await pilot.press("escape", "a")  # home, then the action items
        await pilot.pause()
        item = app.screen.selected()
        assert item.title == "Fix the login bug"
        assert text_of(app.screen.query_one("#action-detail")) == f"#{item.id} added Wed 25 Nov 16:00 by lena"
        await pilot.press("d")  # done
        await pilot.pause()
    done = store.actions.get_action(item.id)
    assert (done.status, done.created_by, done.closed_by) == ("done", "lena", "lena")


async def test_follow_waits_for_the_meeting_and_shows_it_read_only(make_app, store, db_path, clock) -> None:
    from cadence_tui.ui.screens.follow import FollowScreen

    facilitator_store = open_store(db_path, now=clock)
    facilitator_store.actor = "Priya"
    app = make_app()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("f")  # on the highlighted Sprint Review
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FollowScreen)
            status = screen.query_one("#follow-status")
            assert "Waiting for Sprint Review to start" in text_of(status)

            meeting = facilitator_store.meetings.start_meeting("sprint-review")
            facilitator_store.meetings.capture_decision(meeting.id, "Ship Monday")
            await within(pilot, 1.0, lambda: screen.meeting is not None and screen.meeting.id == meeting.id)
            await within(
                pilot, 1.0, lambda: [r.text for r in screen.query_one(MeetingLog).rows_shown] == ["Ship Monday"]
            )
            assert [r.detail for r in screen.query_one(MeetingLog).rows_shown] == ["by Priya"]
            facilitator_store.meetings.next_item(meeting.id)
            await within(pilot, 1.0, lambda: screen.agenda_items[1].state == "current")
            await pilot.press("n", "space", "d", "x", "delete")  # read-only: nothing it can change
            await pilot.pause()
            assert app.screen is screen
            facilitator_store.meetings.end_meeting(meeting.id)
            await within(pilot, 1.0, lambda: "ENDED" in text_of(screen.query_one(ClockBar)))
            assert "has ended" in text_of(status)
            nxt = facilitator_store.meetings.start_meeting("sprint-review")
            await within(pilot, 1.0, lambda: screen.meeting.id == nxt.id)
            assert app.is_running
    finally:
        facilitator_store.close()
    assert [r[0] for r in store.query("SELECT text FROM decisions")] == ["Ship Monday"]


def test_cli_follow_refuses_an_unknown_cadence(store, db_path) -> None:
    from tests.hostile.helpers import assert_error

    assert_error(cadence("follow", "nope", db=db_path), "unknown cadence 'nope'")


async def test_topic_titles_with_markup_and_escapes_are_shown_literally(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await fill_form(pilot, "[b]Pricing[/] \x1b[31mred\x07 [@click=app.quit]x[/]")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.is_running
        details = text_of(app.screen.query_one("#cadence-details"))
        assert "[b]Pricing[/]" in details and "[@click=app.quit]x[/]" in details and "\x1b" not in details
        await pilot.press("s")
        await pilot.pause()
        titles = column(app.screen.query_one(AgendaList), 0)
        assert any("[b]Pricing[/]" in t for t in titles)
    [topic] = store.topics.waiting_topics() or [store.topics.get_topic(1)]
    assert "\x1b" not in topic.title and "\x07" not in topic.title


@pytest.mark.both_engines
async def test_two_facilitators_resume_one_meeting_and_share_its_clock(make_app, store, db, clock) -> None:
    """Two facilitators on one database (PostgreSQL: two laptops) run the same
    meeting: the second opening it sees the first's current item and elapsed
    time, and `n` or a pause in either moves the other within 1 s."""
    from cadence_tui.ui.app import make_app as build

    other_store = open_store(db, now=clock)
    first, second = make_app(), build(other_store)
    try:
        async with first.run_test(size=WIDE) as p1, second.run_test(size=WIDE) as p2:
            await p1.press("s")  # the first facilitator starts the meeting
            await p1.pause()
            screen1 = first.screen
            assert isinstance(screen1, MeetingScreen)
            clock.advance(minutes=4)
            await p1.press("n")  # on to the second item
            await p1.pause()
            clock.advance(minutes=1, seconds=30)
            await p1.pause(0.6)  # a clock tick

            table = second.screen.query_one("#cadence-table", CadenceTable)
            await within(p2, 1.0, lambda: "in progress" in str(table.get_row_at(0)[1]))
            await p2.press("s")  # the second resumes the running meeting
            await p2.pause()
            screen2 = second.screen
            assert isinstance(screen2, MeetingScreen) and screen2.meeting_id == screen1.meeting_id
            # One clock: the same current item, the same elapsed times, the same clock bar.
            assert screen2.clock.item_id == screen1.clock.item_id == screen1.agenda_items[1].id
            assert screen2.clock.meeting_elapsed == screen1.clock.meeting_elapsed == 330
            assert screen2.clock.item_elapsed == screen1.clock.item_elapsed == 90
            assert text_of(screen2.query_one(ClockBar)) == text_of(screen1.query_one(ClockBar))

            # `n` in the second moves the first; then the other way round.
            await p2.press("n")
            await p2.pause()
            third = screen2.agenda_items[2].id
            assert screen2.clock.item_id == third
            await within(p1, 1.0, lambda: screen1.clock.item_id == third)
            await p1.press("n")
            await p1.pause()
            fourth = screen1.agenda_items[3].id
            await within(p2, 1.0, lambda: screen2.clock.item_id == fourth)
            # A pause in one stops both clocks at the same time.
            await p2.press("space")
            await p2.pause()
            await within(p1, 1.0, lambda: screen1.clock.paused)
            clock.advance(minutes=2)
            await p1.pause(0.6)
            await p2.pause(0.6)
            assert screen1.clock.meeting_elapsed == screen2.clock.meeting_elapsed == 330
            assert first.is_running and second.is_running
    finally:
        other_store.close()
    meeting_id = screen1.meeting_id
    states = [i.state for i in store.meetings.agenda(meeting_id)]
    assert states.count("current") == 1 and states[3] == "current"  # one clock in the database


@pytest.mark.both_engines
async def test_live_updates_end_with_the_app(make_app, store, engine) -> None:
    """The watcher's thread runs beside the UI thread and ends, its connection
    closed, when the app exits: no thread left behind, no error."""
    import threading

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        live = app.live_updates
        assert live.thread is not None and live.thread.is_alive()
        assert live.thread is not threading.main_thread()
        if engine == "postgres":
            await within(pilot, 5.0, lambda: live.watcher._raw is not None)  # listening
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)
    live.thread.join(2.0)  # (the app waited 0.5 s for it; a loaded machine may need a little more)
    assert not live.thread.is_alive()
    assert not any(t.name == "cadence-live-updates" and t.is_alive() for t in threading.enumerate())
    if engine == "postgres":  # its connection was closed (the server ends the session a moment later)
        query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cadence-live'"
        deadline = time.monotonic() + 3.0
        while store.scalar(query) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.scalar(query) == 0
