"""The action-items screen, driven with keys; each change checked on screen and in the database."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, OptionList, Static

from cadence_tui.integrations.config import Config
from cadence_tui.store.actions import ActionFilter
from cadence_tui.ui.screens.actions import ActionItemsScreen, OwnerPicker, PromptModal
from cadence_tui.ui.widgets.action_table import ActionTable
from tests.functional.key_burst import burst
from tests.settle import settle

pytestmark = pytest.mark.both_engines


@pytest.fixture
def items(store):
    """Open items around the pinned today (Wed 2026-11-25)."""
    add = store.actions.add_action
    return {
        "late_lena": add("Late report", owner="Lena", due=date(2026, 11, 20), cadence_key="sprint-review"),
        "future_lena": add("Future plan", owner="Lena", due=date(2026, 12, 10), cadence_key="finance-review"),
        "late_sam": add("Late invoice [/] markup", owner="Sam", due=date(2026, 11, 1), cadence_key="finance-review"),
        "nodate_sam": add("Someday cleanup", owner="Sam", cadence_key="all-hands"),
        "week_lena": add("Weekly numbers", owner="Lena", due=date(2026, 11, 27), cadence_key="sprint-review"),
    }


def table_of(app) -> ActionTable:
    return app.screen.query_one(ActionTable)


def shown_titles(app) -> list[str]:
    return [row.title for row in table_of(app).rows]


def screen_lines(app) -> str:
    table = table_of(app)
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


async def open_actions(pilot) -> None:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ActionItemsScreen)


async def pick_owner(pilot, owner: str) -> None:
    await pilot.press("o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, OwnerPicker)
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == "=" + owner
    )
    await pilot.press("enter")
    await settle(pilot)


async def prompt(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, PromptModal)
    field = pilot.app.screen.query_one("#prompt-input", Input)
    field.value = ""
    await pilot.press(*text) if text else None
    await pilot.press("enter")
    await settle(pilot)


async def test_opens_on_open_items_by_due_date_overdue_marked(make_app, store, items) -> None:
    store.actions.set_action_status(
        store.actions.add_action("Closed one", owner="Kim", cadence_key="all-hands").id, "done"
    )
    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        assert shown_titles(pilot.app) == [
            "Late invoice [/] markup",
            "Late report",
            "Weekly numbers",
            "Future plan",
            "Someday cleanup",
        ]
        text = screen_lines(pilot.app)
        assert "!2026-11-01" in text and "!2026-11-20" in text and " 2026-11-27" in text
        assert "Late invoice [/] markup" in text  # user text shown literally, no markup crash
        owners = str(pilot.app.screen.query_one("#actions-owners", Static).render())
        assert owners.startswith("open/overdue") and "Lena 3/1" in owners and "Sam 2/1" in owners
        assert "Kim" not in owners
        assert "5 open" in str(pilot.app.screen.query_one("#actions-title", Static).render())


async def test_filter_by_owner_then_overdue_then_this_week(make_app, store, items) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        await pick_owner(pilot, "Lena")
        assert shown_titles(pilot.app) == ["Late report", "Weekly numbers", "Future plan"]
        await pilot.press("w")  # overdue
        await settle(pilot)
        assert shown_titles(pilot.app) == ["Late report"]
        assert [i.title for i in store.actions.list_actions(ActionFilter(owner="Lena", overdue=True))] == [
            "Late report"
        ]
        assert "overdue" in str(pilot.app.screen.query_one("#actions-filters", Static).render())
        await pilot.press("w")  # due this week (Mon 23 – Sun 29 Nov)
        await settle(pilot)
        assert shown_titles(pilot.app) == ["Weekly numbers"]
        await pilot.press("w", "o")
        await settle(pilot)
        options = pilot.app.screen.query_one(OptionList)
        options.highlighted = 0  # Everyone
        await pilot.press("enter")
        await settle(pilot)
        assert len(shown_titles(pilot.app)) == 5


async def titles_settle(pilot, expected: list[str]) -> list[str]:
    """The shown titles once a (possibly debounced) search has run: a search
    slower than a frame waits for a pause in the typing (SEARCH_DEBOUNCE)."""
    for _ in range(40):
        await pilot.pause(0.05)
        if shown_titles(pilot.app) == expected:
            break
    return shown_titles(pilot.app)


async def test_search_titles(make_app, items) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        await pilot.press("slash", "l", "a", "t", "e")
        assert await titles_settle(pilot, ["Late invoice [/] markup", "Late report"]) == [
            "Late invoice [/] markup",
            "Late report",
        ]
        await pilot.press("space", "r", "e", "p")
        assert await titles_settle(pilot, ["Late report"]) == ["Late report"]
        await pilot.press("enter")  # back to the list, search kept
        assert pilot.app.screen.focused is table_of(pilot.app)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert len(shown_titles(pilot.app)) == 5
        # punctuation-only or FTS syntax never raises
        await pilot.press("slash", *'"(*', "enter")
        await settle(pilot)
        assert shown_titles(pilot.app) == []
        assert "No action items match" in screen_lines(pilot.app)


async def test_done_drop_and_undo(make_app, store, items) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        first = items["late_sam"].id
        await pilot.press("d")
        await settle(pilot)
        assert store.actions.get_action(first).status == "done"
        assert [n.message for n in pilot.app._notifications][-1] == "Done: Late invoice [/] markup  (u undoes)"
        assert "Late invoice [/] markup" not in shown_titles(pilot.app)
        assert table_of(pilot.app).current.title == "Late report"
        await pilot.press("x")
        await settle(pilot)
        assert store.actions.get_action(items["late_lena"].id).status == "dropped"
        await pilot.press("u")
        await settle(pilot)
        assert store.actions.get_action(items["late_lena"].id).status == "open"
        await pilot.press("u")
        await settle(pilot)
        assert store.actions.get_action(first).status == "open"
        assert store.actions.get_action(first).closed_at is None
        assert shown_titles(pilot.app)[0] == "Late invoice [/] markup"


async def test_reassign_and_change_due_with_undo(make_app, store, items) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        target = items["late_sam"].id
        await prompt(pilot, "r", "Priya")
        assert store.actions.get_action(target).owner == "Priya"
        assert "Priya" in screen_lines(pilot.app)

        await prompt(pilot, "e", "someday")
        assert isinstance(pilot.app.screen, PromptModal)  # stays open, error at the field
        error = str(pilot.app.screen.query_one("#prompt-error", Static).render())
        assert "not a due date" in error and "YYYY-MM-DD" not in error  # the forms are in the hint
        hint = str(pilot.app.screen.query_one(".prompt-hint", Static).render())
        assert "YYYY-MM-DD" in hint
        assert store.actions.get_action(target).due == date(2026, 11, 1)
        field = pilot.app.screen.query_one("#prompt-input", Input)
        field.value = ""
        await pilot.press(*"fri", "enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, PromptModal)
        assert store.actions.get_action(target).due == date(2026, 11, 27)
        assert table_of(pilot.app).rows[0].id == items["late_lena"].id  # re-sorted: no longer first

        await pilot.press("u")
        await settle(pilot)
        assert store.actions.get_action(target).due == date(2026, 11, 1)
        await pilot.press("u")
        await settle(pilot)
        assert store.actions.get_action(target).owner == "Sam"
        assert shown_titles(pilot.app)[0] == "Late invoice [/] markup"
        assert "Sam" in screen_lines(pilot.app).splitlines()[1]


async def test_me_from_config_and_settable(store, items) -> None:
    from cadence_tui.ui.app import make_app

    app = make_app(store, Config(me="Sam"))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert shown_titles(app) == ["Late invoice [/] markup", "Someday cleanup"]
        await prompt(pilot, "M", "Lena")
        assert store.get_setting("actions.me") == "Lena"
        assert shown_titles(app) == ["Late report", "Weekly numbers", "Future plan"]
        assert "me: Lena" in str(app.screen.query_one("#actions-title", Static).render())
        await pilot.press("m")
        await settle(pilot)
        assert len(shown_titles(app)) == 5


async def test_me_matches_owner_whatever_the_case(store, items) -> None:
    """`me` = "sam" (e.g. from $USER) shows Sam's items; the chip is highlighted and `m` toggles back."""
    from cadence_tui.ui.app import make_app

    app = make_app(store, Config(me="sam"))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert shown_titles(app) == ["Late invoice [/] markup", "Someday cleanup"]
        strip = app.screen.query_one("#actions-owners", Static).content  # the rich Text it shows
        assert any(
            "reverse" in str(span.style) and strip.plain[span.start : span.end].startswith("Sam ")
            for span in strip.spans
        ), (strip.plain, strip.spans)
        await pilot.press("m")
        await settle(pilot)
        assert len(shown_titles(app)) == 5


async def test_scrolls_through_more_rows_than_the_window(make_app, store) -> None:
    """Paging: 300 items, only a window is held, positions stay right both ways."""
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO action_items(cadence_id, title, owner, due, created_at) VALUES (1, ?, 'Ann', ?, ?)",
            [
                (f"Item {i:03d}", f"2027-{1 + i // 28:02d}-{1 + i % 28:02d}", "2026-11-01T00:00:00+00:00")
                for i in range(300)
            ],
        )
    async with make_app().run_test(size=(80, 24)) as pilot:
        await open_actions(pilot)
        table = table_of(pilot.app)
        assert table.total == 300
        for _ in range(20):
            await pilot.press("pagedown")
        await settle(pilot)  # pages are read in a worker; a key past them finishes its move then
        assert len(table.rows) <= 192
        assert table.current.title == f"Item {table.position - 1:03d}"
        await pilot.press("end")
        await settle(pilot)
        assert table.current.title == "Item 299" and table.position == 300
        for _ in range(30):
            await pilot.press("pageup")
        await settle(pilot)
        assert table.current.title == f"Item {table.position - 1:03d}"
        await pilot.press("home")
        await settle(pilot)
        assert table.current.title == "Item 000" and table.position == 1
        await pilot.press("s")  # sort by owner, then age
        await settle(pilot)
        assert table.position == 1 and table.total == 300


def test_owner_strip_packs_whole_owners_into_two_lines() -> None:
    from cadence_tui.store.actions import OwnerCount
    from cadence_tui.ui.screens.actions import owner_strip

    counts = [OwnerCount(f"Owner{n}", 1000 + n, n) for n in range(12)] + [OwnerCount("", 3, 0)]
    for width in (24, 40, 76, 200):
        text = owner_strip(counts, width, "Owner3")
        lines = text.plain.split("\n")
        assert len(lines) <= 2 and all(len(line) <= width for line in lines), (width, lines)
        shown = [w for w in text.plain.split() if w.startswith("Owner") or w == "(none)"]
        # Every owner shown has its figures beside it; the rest are counted.
        for name in shown:
            assert any(part.startswith(name + " ") for part in text.plain.replace("\n", "  ").split("  "))
        hidden = len(counts) - len(shown)
        assert (f"+{hidden} more" in text.plain) == (hidden > 0), (width, text.plain)
    wide = owner_strip(counts, 400, "Owner3")
    assert "(none) 3" in wide.plain and "Owner11 1,011/11" in wide.plain
    assert any("reverse" in str(span.style) for span in wide.spans)  # the selected owner stands out
    assert owner_strip(counts[:1], 80, None).plain == "open/overdue  Owner0 1,000"
    assert owner_strip([OwnerCount("Lena", 4, 2)], 80, None).plain == "open/overdue  Lena 4 (2 overdue)"
    assert owner_strip([], 80, None).plain == "No open action items."


async def test_typing_right_after_slash_goes_into_the_search_box(make_app, store, items) -> None:
    """'/' then letters in one burst: the letters are the search, never the
    list's keys ('x' would drop the highlighted item)."""
    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)
        await burst(pilot, "/fix")
        await settle(pilot)
        assert pilot.app.screen.query_one("#actions-search-input", Input).value == "fix"
        assert all(store.actions.get_action(item.id).status == "open" for item in items.values())


@pytest.mark.raw_pilot  # its keys must not wait for the queued changes
async def test_changes_wait_for_a_locked_file_without_freezing_and_land_in_order(tmp_path, clock, monkeypatch) -> None:
    """Another process holds the write lock: 'd' then 'u' return at once (the
    list still scrolls), and once the lock frees both land, in that order."""
    import time

    from cadence_tui.store import open_store
    from cadence_tui.ui.app import make_app
    from cadence_tui.ui.write_queue import write_queue
    from tests.functional.test_lock_stall import PROMPT, hold_lock

    monkeypatch.setenv("CADENCE_BUSY_TIMEOUT_MS", "60000")
    db = tmp_path / "locked.db"
    store = open_store(db, now=clock)
    try:
        first = store.actions.add_action("First", owner="Ann", due=date(2026, 11, 20), cadence_key="sprint-review")
        store.actions.add_action("Second", owner="Ann", due=date(2026, 11, 21), cadence_key="sprint-review")
        async with make_app(store).run_test(size=(100, 30)) as pilot:
            await open_actions(pilot)
            holder = hold_lock(db)
            try:
                started = time.monotonic()
                await pilot.press("d")
                await pilot.press("down", "up")
                assert time.monotonic() - started < PROMPT, "a key waited on the lock"
                assert table_of(pilot.app).current.title == "First"
                await pilot.press("u")
                assert write_queue(pilot.app).pending == 2
                assert store.actions.get_action(first.id).status == "open"  # nothing written yet
            finally:
                assert holder.stdin is not None
                holder.stdin.close()
                holder.wait(timeout=30)
            await settle(pilot)
            assert store.actions.get_action(first.id).status == "open"  # done, then undone: in order
            messages = [n.message for n in pilot.app._notifications]
            assert "Done: First  (u undoes)" in messages and any(m.startswith("Undone (mark done)") for m in messages)
    finally:
        store.close()


async def test_a_store_error_in_a_background_read_ends_the_app_with_its_one_line(
    make_app, store, items, monkeypatch
) -> None:
    """The owner counts are read in a worker: a database error there ends the
    app as one raised by a key does (status 1, one line), not silently."""
    from cadence_tui.store import DatabaseBusy

    async with make_app().run_test(size=(100, 30)) as pilot:
        await open_actions(pilot)

        def busy(*_args, **_kwargs):
            raise DatabaseBusy("the database is busy: try again")

        monkeypatch.setattr(store.actions, "owner_counts", busy)
        await pilot.press("c")  # another cadence: its counts are read again
        for _ in range(50):
            await pilot.pause(0.05)
            if not pilot.app.is_running:
                break
        assert not pilot.app.is_running
    assert pilot.app.return_code == 1
