"""The summary preview at 80x24: End shows the last line and Home the first,
in each format (issue 13, item 8); the summary shows what a meeting recorded."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widget import Widget

from cadence_tui.ui.screens.summary import SummaryScreen
from tests.settle import settle
from tests.summary_fixtures import build_meeting

VIEWS = {"markdown": "#summary-markdown-view", "slack": "#summary-plain", "text": "#summary-plain"}


@pytest.fixture
def big_meeting(store, clock) -> int:
    """A Sprint Review several screens long, ending with its demos and notes."""
    meeting = build_meeting(store, clock, "sprint-review")
    with store.write() as conn:
        for i in range(30):
            conn.execute(
                "INSERT INTO decisions(meeting_id, text, created_at) VALUES (?,?,?)",
                (
                    meeting,
                    f"Decision {i}: " + "keep the scope of the release small and ship it " * 2,
                    "2026-11-25T14:10:00+00:00",
                ),
            )
    store.meetings.add_note(meeting, "Last words of the meeting: thanks everyone.")
    return meeting


def screen_text(app) -> str:
    """What the terminal shows, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def last_line(screen: SummaryScreen) -> str:
    return [line for line in screen.text.splitlines() if line.strip()][-1].lstrip("-•* ")


async def open_summary(app, pilot, meeting_id: int, fmt: str) -> SummaryScreen:
    app.show_summary(meeting_id)
    await settle(pilot)  # read and rendered in a worker
    screen = app.screen
    assert isinstance(screen, SummaryScreen)
    await pilot.press({"markdown": "m", "slack": "s", "text": "t"}[fmt])
    await pilot.pause()
    return screen


@pytest.mark.parametrize("fmt", ["markdown", "slack", "text"])
async def test_end_shows_the_last_line_and_home_the_first(make_app, big_meeting, fmt: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, big_meeting, fmt)
        view = screen.query_one(VIEWS[fmt], Widget)
        assert app.focused is view
        assert view.max_scroll_y > 20  # several screens long
        ending = "Last words of the meeting: thanks everyone."
        assert ending not in screen_text(app)

        await pilot.press("end")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert view.scroll_y == view.max_scroll_y
        shown = screen_text(app)
        assert ending in shown and ending in last_line(screen)
        assert "Notes" in shown  # the last section's heading is in the region too

        await pilot.press("home")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert view.scroll_y == 0
        assert "Sprint Review — Wed 25 Nov 2026" in screen_text(app).split("╭", 1)[1]
        assert ending not in screen_text(app)


async def test_end_after_switching_formats(make_app, big_meeting) -> None:
    """End in one format, switch, End again: each view reaches its own end."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, big_meeting, "text")
        for key in ("end", "s", "end", "m", "end", "t", "home", "end"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        view = screen.query_one(VIEWS[screen.fmt], Widget)
        assert screen.fmt == "text" and view.scroll_y == view.max_scroll_y > 0
        assert "Last words of the meeting: thanks everyone." in screen_text(app)


async def test_preview_shows_an_item_as_recorded_with_its_current_state(make_app, store, clock) -> None:
    meeting = build_meeting(store, clock, "sprint-review")
    item = next(
        a
        for a in store.records.meeting_record(meeting).open_carried_actions
        if a.title == "Update the onboarding checklist"
    )
    store.actions.set_action_status(item.id, "done")
    store.actions.set_action_due(item.id, date(2026, 12, 31))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_summary(app, pilot, meeting, "markdown")
        shown = screen_text(app)
        assert "Update the onboarding checklist — Lena, due Fri 20 Nov, overdue, open 14 days (now done)" in shown


async def test_home_and_end_still_edit_the_save_dialogs_path(make_app, big_meeting) -> None:
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(app, pilot, big_meeting, "text")
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one("#save-path", Input)
        await pilot.press("home", "x", "end", "y")
        assert field.value.startswith("x") and field.value.endswith("y")


@pytest.mark.parametrize(("switch", "fmt"), [("s", "slack"), ("t", "text"), ("m", "markdown")])
async def test_end_typed_right_after_a_format_key(make_app, big_meeting, switch: str, fmt: str) -> None:
    """As a terminal delivers "s End" typed quickly: both keys queued before
    either is handled. End moves the view of the new format, to its real end
    (the view has just been shown and not yet laid out)."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, big_meeting, "text" if fmt == "markdown" else "markdown")
        app.post_message(events.Key(switch, switch))
        app.post_message(events.Key("end", None))
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        view = screen.query_one(VIEWS[fmt], Widget)
        assert screen.fmt == fmt and app.focused is view
        assert view.scroll_y == view.max_scroll_y > 20
        assert "Last words of the meeting: thanks everyone." in screen_text(app)
