"""The playbook screens, driven from the home screen like a user would."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from cadence_tui.ui.widgets.scorecard import Scorecard
from tests.settle import settle


def table_text(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]


async def test_record_a_metric_and_see_the_scorecard_change(make_app, store) -> None:
    from datetime import date

    store.scorecard.record_metric_value("cac", 1400, on=date(2026, 11, 1))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        card = app.screen.query_one("#home-scorecard", Scorecard)
        assert "Customer Acquisition Cost: 1,400 USD" in card.plain_lines()[0]
        assert card.rows[0].off_target and card.has_class("-off-target")
        await pilot.press("M")
        await settle(pilot)
        assert app.screen.id == "metrics-screen"
        table = app.screen.query_one("#metrics-table", DataTable)
        assert table_text(table)[0][:2] == ["Customer Acquisition Cost", "1,400 USD"]
        assert "OFF" in table_text(table)[0][4]
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.id == "record-metric-form"
        assert app.focused.id == "field-value"  # the highlighted metric is chosen already
        await pilot.press(*"1150", "enter")
        await settle(pilot)
        assert app.screen.id == "metrics-screen"
        assert table_text(table)[0][1:3] == ["1,150 USD", "−250"]
        assert "OFF" not in table_text(table)[0][4]
        await pilot.press("escape")
        await settle(pilot)
        card = app.screen.query_one("#home-scorecard", Scorecard)
        assert card.plain_lines()[0].startswith("Customer Acquisition Cost: 1,150 USD −250")
        assert not card.rows[0].off_target
    assert [v.value for v in store.scorecard.metric_history("cac")] == [1400, 1150]
    assert store.scorecard.metric_history("cac")[-1].recorded_on == date(2026, 11, 25)


async def test_invalid_value_is_shown_by_the_field_and_nothing_stored(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("M", "r")
        await settle(pilot)
        await pilot.press(*"lots", "enter")
        await settle(pilot)
        assert app.screen.id == "record-metric-form"
        error = str(app.screen.query_one("#error-value", Static).render())
        assert "must be a number" in error
        assert app.screen.query_one("#field-value", Input).value == "lots"  # nothing typed is lost
    assert store.scorecard.metric_history("cac") == []


async def test_more_than_three_metrics_warns(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("M", "a")
        await settle(pilot)
        assert app.screen.id == "metric-form"
        await pilot.press(*"nrr", "tab", *"Net revenue retention", "enter")
        await settle(pilot)
        assert app.screen.id == "metrics-screen"
        warning = str(app.screen.query_one("#metrics-warning", Static).render())
        assert "4 active metrics" in warning
        assert app.screen.query_one("#metrics-table", DataTable).row_count == 4
    assert store.scorecard.get_metric("nrr").name == "Net revenue retention"


async def test_edit_a_handoff(make_app, store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("O")
        await settle(pilot)
        assert app.screen.id == "handoffs-screen"
        table = app.screen.query_one("#handoffs-table", DataTable)
        assert table_text(table)[0][:3] == ["Marketing → Sales", "Jordan", "0"]
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.id == "handoff-form"
        owner = app.screen.query_one("#field-owner", Input)
        owner.value = "Riley"
        fields = app.screen.query_one("#field-packet_fields", Input)
        fields.value = fields.value + ", budget band"
        app.screen.query_one("#field-timeline", Input).value = "Within 12 hours"
        app.screen.query_one("#field-timeline", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.id == "handoffs-screen"
        assert table_text(table)[0][1] == "Riley"
        details = str(app.screen.query_one("#handoff-details", Static).render())
        assert "budget band" in details and "Within 12 hours" in details
    h = store.playbook.get_handoff("marketing-sales")
    assert h.owner == "Riley" and h.packet_fields[-1] == "budget band" and h.timeline == "Within 12 hours"


async def test_log_failfast_entry_and_see_pattern_count(make_app, store) -> None:
    store.playbook.log_failfast("product-engineering", "Story pulled back", cause="unclear scope")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("F")
        await settle(pilot)
        assert app.screen.id == "failfast-screen"
        by_handoff = app.screen.query_one("#by-handoff", DataTable)
        by_cause = app.screen.query_one("#by-cause", DataTable)
        assert table_text(by_handoff) == [["Product → Engineering", "1"]]
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.id == "failfast-form"
        assert app.focused.id == "field-what"  # hand-off already chosen from the highlighted group
        await pilot.press(*"Stories without criteria", "tab", *"Unclear  Scope", "enter")
        await settle(pilot)
        assert app.screen.id == "failfast-screen"
        assert table_text(by_handoff) == [["Product → Engineering", "2 pattern"]]
        assert table_text(by_cause) == [["unclear scope", "2 pattern"]]
        entries = str(app.screen.query_one("#failfast-entries-text", Static).render())
        assert "Stories without criteria" in entries
        await pilot.press("escape", "O")
        await settle(pilot)
        assert table_text(app.screen.query_one("#handoffs-table", DataTable))[1][2] == "2"
    assert [e.what for e in store.playbook.failfast_entries(handoff_key="product-engineering")] == [
        "Stories without criteria",
        "Story pulled back",
    ]


async def test_statistics_screen_opens_on_the_highlighted_cadence(make_app, store) -> None:
    store.demo.generate_demo()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "S")
        await settle(pilot)
        assert app.screen.id == "stats-screen"
        stats = app.screen.stats
        assert stats.cadence_key == "sales-marketing-sync" and stats.meetings == 12
        summary = str(app.screen.query_one("#stats-summary", Static).render())
        assert f"{stats.actions_raised} raised" in summary and "Attendance" in summary
        items = str(app.screen.query_one("#stats-items", Static).render())
        assert "Lead hand-off quality" in items and "planned" in items and "actual" in items
        await pilot.press("minus")
        await settle(pilot)
        assert app.screen.stats.meetings == 6
        await pilot.press("right")
        await settle(pilot)
        assert app.screen.stats.cadence_key == "finance-review"
    assert stats.meetings == store.stats.cadence_stats("sales-marketing-sync").meetings


async def test_user_markup_in_playbook_text_is_literal(make_app, store) -> None:
    store.playbook.update_handoff("sales-cs", owner="[b]Al[/]", deliverables="[@click=app.quit]x[/]")
    store.playbook.log_failfast("sales-cs", "[red]broken[/", cause="[/]")
    store.scorecard.update_metric("enps", name="NPS [/]")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("O", "down", "down")
        await settle(pilot)
        assert "[@click=app.quit]x[/]" in str(app.screen.query_one("#handoff-details", Static).render())
        await pilot.press("escape", "F", "escape", "M")
        await settle(pilot)
        assert app.is_running


async def test_palette_and_footer_list_the_playbook_keys(make_app) -> None:
    from textual.widgets import Footer

    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Scorecard", "Hand-offs", "Fail-fast log", "Statistics"} <= titles
        # Home's footer keeps to the keys used most; the rest are in the palette and `?` help.
        shown = {key.description for key in app.screen.query_one(Footer).query("FooterKey")}
        assert {"Start meeting", "Action items", "History", "Keys", "Quit"} <= shown
        for key, screen_id, actions in (
            ("M", "metrics-screen", {"Record", "Add", "Edit", "Archive"}),
            ("O", "handoffs-screen", {"Edit hand-off", "Log failure"}),
            ("F", "failfast-screen", {"Log failure"}),
            ("S", "stats-screen", {"More meetings", "Fewer meetings"}),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.id == screen_id
            assert actions <= {c.title for c in app.get_system_commands(app.screen)}
            await pilot.press("escape")
            await settle(pilot)
