"""Opening a meeting (home's ``s``): the screen's first frame is whole, and
nothing is built twice after it.

The first read (a thread worker) brings the agenda, log, carried items,
attendance, the cadence panel's data and the scorecard; the footer's keys
are built once, before that frame (not once per binding change after it,
each a re-layout of the screen), and the scorecard is not read and drawn a
second time when the first read brought it."""

from __future__ import annotations

from datetime import date

import pytest
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from cadence_tui.ui.screens.meeting import MeetingScreen
from cadence_tui.ui.widgets.agenda_list import AgendaList
from cadence_tui.ui.widgets.scorecard import Scorecard
from cadence_tui.ui.widgets.steady_footer import SteadyFooter
from tests.functional.meeting_pilot import start_from_home
from tests.settle import settle

SIZE = (120, 36)


class Frames:
    """What each repaint of a meeting screen showed: its footer keys, its agenda rows."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[tuple[tuple[str, ...], int]] = []
        refresh = Screen._compositor_refresh

        def recorded(screen: Screen) -> None:
            refresh(screen)
            if isinstance(screen, MeetingScreen) and screen.is_attached:
                keys = tuple(k.key for k in screen.query(FooterKey))
                self.seen.append((keys, len(screen.query_one(AgendaList).items)))

        monkeypatch.setattr(Screen, "_compositor_refresh", recorded)


class FooterBuilds:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        compose = SteadyFooter.compose

        def counted(footer: SteadyFooter):
            # The meeting's (home's has one too); the empty one of mount does not count.
            if footer._bindings_ready and isinstance(footer.screen, MeetingScreen):
                self.count += 1
            return compose(footer)

        monkeypatch.setattr(SteadyFooter, "compose", counted)


async def test_the_first_frame_of_a_meeting_shows_its_keys_and_agenda(make_app, store, monkeypatch) -> None:
    frames = Frames(monkeypatch)
    builds = FooterBuilds(monkeypatch)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        await settle(pilot)
        assert isinstance(screen, MeetingScreen)
        agenda = len(store.meetings.agenda(screen.meeting_id))
        assert agenda > 0
        first_keys, first_agenda = frames.seen[0]
        assert first_agenda == agenda
        # The footer as it ends up, already in the first frame.
        assert "n" in first_keys and "a" in first_keys
        assert first_keys == frames.seen[-1][0]
        assert builds.count == 1, f"the footer's keys were built {builds.count} times"


async def test_opening_a_meeting_reads_and_draws_its_scorecard_once(make_app, store, monkeypatch) -> None:
    store.scorecard.record_metric_value("ttv", 31, on=date(2026, 11, 1))
    part = store.scorecard
    reads: list[str] = []
    scorecard = part.scorecard

    def read(key: str | None, *args, **kwargs):
        if key is not None:  # None: home's scorecard (all metrics)
            reads.append(key)
        return scorecard(key, *args, **kwargs)

    monkeypatch.setattr(part, "scorecard", read)
    draws: list[int] = []
    show = Scorecard.show

    def drawn(card: Scorecard, rows, warning) -> None:
        if card.id == "meeting-scorecard":
            draws.append(len(rows))
        show(card, rows, warning)

    monkeypatch.setattr(Scorecard, "show", drawn)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_from_home(pilot, "sprint-review")
        await settle(pilot)
        card = screen.query_one("#meeting-scorecard", Scorecard)
        assert [r.metric.key for r in card.rows] == ["ttv"]
        assert reads == ["sprint-review"]
        assert draws == [1]
