"""The playbook inside a running meeting: the scorecard of the metrics the
cadence reviews (a tab, and ``M`` records a value with the meeting's date),
``F`` logs a fail-fast entry, ``X`` escalates the highlighted blocker or
action item to another cadence, and when the meeting ends each attendee
present may rate it 1–10 (Esc skips).

``MeetingScreen`` inherits :class:`MeetingPlaybook`, lists
:data:`MEETING_PLAYBOOK_BINDINGS` in its ``BINDINGS`` and calls
:meth:`playbook_tabs`, :meth:`refresh_playbook` and :meth:`ask_ratings` from
its ``compose_extra_tabs``, ``refresh_extra`` and ``after_end`` hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import TabPane

from cadence_tui.core.wording import counted
from cadence_tui.ui.widgets.scorecard import Scorecard

# Capitals: the meeting screen and its panels use the lowercase letters.
MEETING_PLAYBOOK_BINDINGS = [
    # Out of the meeting footer (no room at 80 columns): in `?` and the palette.
    Binding(
        "M",
        "record_metric",
        "Metric",
        id="meeting-record-metric",
        show=False,
        tooltip="Record a scorecard value, dated by this meeting",
    ),
    Binding(
        "F",
        "log_failfast",
        "Fail-fast",
        id="meeting-log-failfast",
        show=False,
        tooltip="Log a hand-off that broke down",
    ),
    Binding(
        "X",
        "escalate",
        "Escalate",
        id="meeting-escalate",
        show=False,
        tooltip="Send the highlighted blocker or action item to another cadence's next meeting",
    ),
    Binding(
        "R",
        "rate_meeting",
        "Rate meeting",
        id="meeting-rate",
        show=False,
        tooltip="Rate this meeting, 1-10 per attendee present",
    ),
]


if TYPE_CHECKING:
    from textual.screen import Screen

    _Host = Screen[None]  # mixed into MeetingScreen, a Screen
else:
    _Host = object


class MeetingPlaybook(_Host):
    """Playbook actions for a meeting screen (``self.meeting_id``, ``self.store``)."""

    meeting_id: int
    if TYPE_CHECKING:  # what MeetingScreen provides

        @property
        def store(self) -> Any: ...

        def show_tab(self, pane_id: str, focus: str | None = None) -> None: ...

        def refresh_all(self) -> None: ...

    ask_ratings_on_end: bool = True

    # -- scorecard tab ------------------------------------------------------------
    def _cadence_key(self) -> str:
        return self.store.meetings.get_meeting(self.meeting_id).cadence_key

    def playbook_tabs(self) -> Iterable[TabPane]:
        """A "Scorecard" tab when the cadence reviews at least one metric."""
        key = self._cadence_key()
        if self.store.scorecard.scorecard(key):
            yield TabPane(
                "Scorecard", Scorecard(key, title="Reviewed here", id="meeting-scorecard"), id="tab-scorecard"
            )

    def refresh_playbook(self) -> None:
        for card in self.query(Scorecard):
            card.reload()

    # -- actions ----------------------------------------------------------------------
    def action_record_metric(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import record_metric_form

        key = self._cadence_key()
        form = record_metric_form(self.store, cadence_key=key, meeting_id=self.meeting_id)

        def saved(value: Any) -> None:
            if value is None:
                return
            self.refresh_playbook()
            if self.query("#tab-scorecard"):
                self.show_tab("tab-scorecard")
            metric = self.store.scorecard.get_metric(value.metric_key)
            from cadence_tui.core.scorecard import format_number

            self.notify(
                f"{metric.name}: {format_number(value.value, metric.unit)} recorded",
                timeout=3,
                markup=False,
            )

        self.app.push_screen(form, saved)

    def action_log_failfast(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import failfast_form

        def saved(entry: Any) -> None:
            if entry is not None:
                count = len(self.store.playbook.failfast_entries(handoff_key=entry.handoff_key, limit=None))
                self.notify(
                    f"Fail-fast: {entry.handoff_label} ({counted(count, 'failure')} logged)",
                    timeout=4,
                    markup=False,
                )

        self.app.push_screen(failfast_form(self.store, meeting_id=self.meeting_id), saved)

    def highlighted_record(self) -> tuple[str, int, str] | None:
        """The blocker or action item under the cursor: (kind, id, title) from
        the focused list, else from the Captured log."""
        from cadence_tui.ui.widgets.carry_over import CarryOverTable
        from cadence_tui.ui.widgets.meeting_log import MeetingLog

        focused = self.focused
        candidates = []
        if isinstance(focused, (CarryOverTable, MeetingLog)):
            candidates.append(focused)
        candidates += list(self.query(MeetingLog))
        for widget in candidates:
            if isinstance(widget, CarryOverTable):
                item = widget.highlighted_item
                if item is not None and item.status == "open":
                    return item.kind, item.id, item.title
            else:
                row = widget.highlighted
                if row is not None and row.kind in ("action", "blocker") and not row.closed:
                    return row.kind, row.id, row.text
        return None

    def action_escalate(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import escalate_form

        record = self.highlighted_record()
        if record is None:
            self.notify(
                "Highlight an open blocker or action item (Captured or Carry-over) to escalate it",
                severity="warning",
                timeout=5,
            )
            return
        kind, item_id, title = record
        origin = self._origin_cadence(kind, item_id)

        def saved(result: Any) -> None:
            if result is None:
                return
            self.refresh_all()
            self.notify(
                f"Escalated to {result.to_cadence}: it appears in that cadence's next meeting",
                timeout=5,
                markup=False,
            )

        form = escalate_form(
            self.store,
            kind,
            item_id,
            origin,
            exclude=(self._cadence_key(),),
            title=title,
        )
        self.app.push_screen(form, saved)

    def _origin_cadence(self, kind: str, item_id: int) -> str:
        item = self.store.meetings.get_blocker(item_id) if kind == "blocker" else self.store.actions.get_action(item_id)
        return item.cadence_key

    # -- ratings ------------------------------------------------------------------------
    def action_rate_meeting(self, then: Callable[[], None] | None = None) -> None:
        from cadence_tui.ui.widgets.playbook_forms import rate_meeting_form

        if not self.store.playbook.present_attendees(self.meeting_id):
            if then is not None:
                then()
            else:
                self.notify("Nobody is marked present: nobody to rate the meeting", severity="warning")
            return

        def rated(ratings: Any) -> None:
            if ratings:
                average = sum(ratings.values()) / len(ratings)
                self.notify(f"Rated {average:.1f}/10 by {len(ratings)}", timeout=3)
            if then is not None:
                then()

        self.app.push_screen(rate_meeting_form(self.store, self.meeting_id), rated)

    def ask_ratings(self, then: Callable[[], None]) -> None:
        """After the meeting ended: one rating per attendee present (Esc skips), then ``then``."""
        if self.ask_ratings_on_end:
            self.action_rate_meeting(then)
        else:
            then()
