"""Bad input in every meeting form: the message appears at the field, the
form stays open with what was typed, and nothing wrong is stored.

Each form is opened once and fed one bad value after another, as a user
correcting their input would (and to keep the test fast)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Static, TextArea

from cadence_tui.ui.screens.meeting import start_or_resume
from cadence_tui.ui.widgets.capture_forms import CaptureForm
from tests.functional.meeting_pilot import open_work, start_from_home

BIG = "x" * 100_000  # a 100 kB paste
ESCAPES = "\x1b[31m\x1b]0;owned\x07\x1b[2J"


class FormProbe:
    """An open capture form, fed values field by field."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.form = pilot.app.screen
        assert isinstance(self.form, CaptureForm)

    async def set(self, field: str, value: str) -> None:
        widget = self.form.query_one(f"#field-{field}")
        widget.focus()
        await self.pilot.pause()
        if isinstance(widget, TextArea):
            widget.load_text("")
        else:
            await self.pilot.press("end", "ctrl+u")
        if value:
            self.pilot.app.post_message(events.Paste(value))
            await self.pilot.pause()

    async def expect(self, values: dict[str, str], field: str, fragment: str, submit: str = "enter") -> None:
        for name, value in values.items():
            await self.set(name, value)
        await self.pilot.press(submit)
        await self.pilot.pause()
        assert self.pilot.app.screen is self.form, f"the form closed on {values!r}"
        error = self.form.query_one(f"#error-{field}", Static)
        shown = str(error.render())
        assert error.has_class("-shown") and fragment in shown, (field, shown)
        assert self.form.focused is self.form.query_one(f"#field-{field}")
        # One message at a time: the other fields show none.
        assert [e.id for e in self.form.query(".field-error.-shown")] == [f"error-{field}"]

    async def cancel(self) -> None:
        await self.pilot.press("escape")
        await self.pilot.pause()
        assert not isinstance(self.pilot.app.screen, CaptureForm)


async def open_form(pilot, key: str) -> FormProbe:
    await pilot.press(key)
    await pilot.pause()
    return FormProbe(pilot)


def count(store, table: str, meeting_id: int) -> int:
    return store.scalar(f"SELECT count(*) FROM {table} WHERE meeting_id = ?", (meeting_id,))


async def test_capture_forms_reject_bad_input(make_app, store, clock) -> None:
    open_work(store, "sprint-review", clock)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        mid = screen.meeting_id
        agenda_before = len(store.meetings.agenda(mid))

        form = await open_form(pilot, "a")
        await form.expect({}, "title", "cannot be empty")
        await form.expect({"title": ESCAPES}, "title", "cannot be empty")
        await form.expect({"title": BIG}, "title", "too long (100,000 characters")
        await form.expect({"title": "Real task", "due": "2026-02-30"}, "due", "not a real date")
        await form.expect({"due": "whenever"}, "due", "not a due date")
        await form.expect({"due": "", "owner": BIG}, "owner", "too long")
        await form.cancel()

        form = await open_form(pilot, "b")
        await form.expect({}, "what", "cannot be empty")
        await form.expect({"what": "Stuck", "unblocker": BIG}, "unblocker", "too long")
        await form.cancel()

        form = await open_form(pilot, "d")
        await form.expect({"text": BIG}, "text", "too long")
        await form.expect({"text": "   "}, "text", "cannot be empty")
        await form.cancel()

        form = await open_form(pilot, "o")
        await form.expect({"text": BIG}, "text", "too long", submit="ctrl+s")
        await form.expect({"text": ESCAPES}, "text", "cannot be empty", submit="ctrl+s")
        await form.cancel()

        form = await open_form(pilot, "i")
        await form.expect({}, "title", "cannot be empty")
        await form.expect({"title": "Retro", "timebox": "ten"}, "timebox", "whole number")
        await form.expect({"timebox": "0"}, "timebox", "1 to 480")
        await form.cancel()

        form = await open_form(pilot, "plus")
        await form.expect({}, "name", "cannot be empty")
        await form.expect({"name": "Marco"}, "name", "already on the list")
        await form.cancel()

        for table in ("action_items", "blockers", "decisions", "notes"):
            assert count(store, table, mid) == 0, table
        assert len(store.meetings.agenda(mid)) == agenda_before
        assert len(store.meetings.attendance(mid)) == 4

        # Redating a carried item: impossible and empty dates.
        await pilot.press("c")
        form = await open_form(pilot, "u")
        await form.expect({"due": "2026-13-45"}, "due", "not a real date")
        await form.expect({"due": ""}, "due", "enter the new due date")
        await form.cancel()
        assert store.scalar("SELECT count(*) FROM carry_over_triage WHERE meeting_id = ?", (mid,)) == 0

        # Escapes are removed from a valid title; what was typed survives a bad
        # due date and is saved once the date is fixed.
        form = await open_form(pilot, "a")
        await form.expect({"title": f"Deploy {ESCAPES}now", "due": "someday"}, "due", "not a due date")
        assert form.form.query_one("#field-title", Input).value.endswith("now")
        await pilot.press("end", "ctrl+u", *"tomorrow", "enter")
        await pilot.pause()
        assert [(a.title, a.due.isoformat()) for a in store.meetings.meeting_actions(mid)] == [
            ("Deploy now", "2026-12-03")
        ]

        # A multi-line note is kept whole (a TextArea, not a one-line Input).
        form = await open_form(pilot, "o")
        await form.set("text", "first line\nsecond line")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n.text for n in store.meetings.meeting_notes(mid)] == ["first line\nsecond line"]


async def test_panel_forms_reject_bad_input(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        sprint = start_or_resume(app, "sprint-review")
        await pilot.pause()
        form = await open_form(pilot, "m")
        await form.expect({}, "what", "cannot be empty")
        await form.expect({"what": BIG}, "what", "too long")
        await form.cancel()
        await pilot.press("f")  # no demo yet: a warning, no form
        await pilot.pause()
        assert not isinstance(app.screen, CaptureForm)
        store.panels.add_demo(sprint.meeting_id, "Checkout")
        sprint.refresh_panel()
        form = await open_form(pilot, "f")
        await form.expect({"feedback": ESCAPES}, "feedback", "cannot be empty")
        await form.cancel()
        assert count(store, "demo_items", sprint.meeting_id) == 1
        assert store.panels.demos(sprint.meeting_id)[0].feedback == ""
        await pilot.press("escape")  # back home; the meeting keeps running
        await pilot.pause()

        sync = start_or_resume(app, "sales-marketing-sync")
        await pilot.pause()
        form = await open_form(pilot, "m")
        await form.expect({"leads": "1000", "mql": "lots"}, "mql", "not a whole number")
        await form.expect({"mql": "", "leads": "12.5"}, "leads", "not a whole number")
        await form.expect({"leads": "-3"}, "leads", "not a whole number")
        await form.expect({"leads": "9" * 30}, "leads", "too large")
        await form.cancel()
        form = await open_form(pilot, "g")
        await form.expect({}, "text", "cannot be empty")
        await form.cancel()
        assert count(store, "pipeline_metrics", sync.meeting_id) == 0
        assert count(store, "campaign_changes", sync.meeting_id) == 0
        await pilot.press("escape")
        await pilot.pause()

        fin = start_or_resume(app, "finance-review")
        await pilot.pause()
        form = await open_form(pilot, "l")
        await form.expect({"budget": "100", "actual": "100"}, "department", "cannot be empty")
        await form.expect({"department": "Ops", "budget": "a lot"}, "budget", "not an amount")
        await form.expect({"budget": "100", "actual": "1e999"}, "actual", "not an amount")
        await form.cancel()
        form = await open_form(pilot, "r")
        await form.expect({"reforecast": "soon"}, "reforecast", "not an amount")
        await form.cancel()
        form = await open_form(pilot, "percent_sign")
        await form.expect({"threshold": "ten"}, "threshold", "not a percentage")
        await form.expect({"threshold": "0"}, "threshold", "above 0")
        await form.cancel()
        assert count(store, "budget_lines", fin.meeting_id) == 0
        meeting = store.meetings.get_meeting(fin.meeting_id)
        assert (meeting.reforecast, meeting.variance_threshold) == (None, 10.0)
        await pilot.press("escape")
        await pilot.pause()

        hands = start_or_resume(app, "all-hands")
        await pilot.pause()
        form = await open_form(pilot, "w")
        await form.expect({}, "text", "cannot be empty")
        await form.cancel()
        form = await open_form(pilot, "r")
        await form.expect({"rating": "6"}, "rating", "1 (poor) to 5")
        await form.expect({"rating": "great"}, "rating", "1 (poor) to 5")
        await form.expect({"rating": "4", "comment": BIG}, "comment", "too long")
        await form.cancel()
        assert count(store, "wins", hands.meeting_id) == 0
        assert count(store, "health_ratings", hands.meeting_id) == 0
        # The four meetings are all still running; none was harmed.
        assert store.scalar("SELECT count(*) FROM meetings WHERE status = 'running'") == 4
