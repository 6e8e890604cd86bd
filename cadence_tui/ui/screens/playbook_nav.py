"""Keys that open the playbook screens. Home lists ``PLAYBOOK_BINDINGS`` in its
``BINDINGS`` and inherits :class:`PlaybookNavigation` for the actions, so the
shared home screen needs only a few lines for all of it."""

from __future__ import annotations

from textual.binding import Binding

PLAYBOOK_BINDINGS = [
    Binding("M", "open_metrics", "Scorecard", id="open-metrics", show=False),
    Binding("O", "open_handoffs", "Hand-offs", id="open-handoffs", show=False),
    Binding("F", "open_failfast", "Fail-fast log", id="open-failfast", show=False),
    Binding("S", "open_stats", "Statistics", id="open-stats", show=False),
]


class PlaybookNavigation:
    """Actions behind :data:`PLAYBOOK_BINDINGS` (mixed into a ``Screen``)."""

    def action_open_metrics(self) -> None:
        from cadence_tui.ui.screens.metrics import MetricsScreen

        self.app.push_screen(MetricsScreen())  # type: ignore[attr-defined]

    def action_open_handoffs(self) -> None:
        from cadence_tui.ui.screens.handoffs import HandoffsScreen

        self.app.push_screen(HandoffsScreen())  # type: ignore[attr-defined]

    def action_open_failfast(self) -> None:
        from cadence_tui.ui.screens.failfast import FailfastScreen

        self.app.push_screen(FailfastScreen())  # type: ignore[attr-defined]

    def action_open_stats(self) -> None:
        from cadence_tui.ui.screens.stats import StatsScreen

        selected = getattr(self, "selected", lambda: None)()
        cadence = getattr(getattr(selected, "cadence", None), "key", None)
        self.app.push_screen(StatsScreen(cadence))  # type: ignore[attr-defined]

    def reload_scorecard(self) -> None:
        from cadence_tui.ui.widgets.scorecard import Scorecard

        for card in self.query(Scorecard):  # type: ignore[attr-defined]
            card.reload()
