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
    """Playbook actions for a meeting screen (``self.meeting_id``, ``self.store``).

    Nothing here reads or writes the database on the UI thread: what a form
    needs is read in a thread worker (``in_thread``) and the form opens with
    it; what it saves goes through the meeting's ordered write queue
    (``open_capture``, ``write``)."""

    meeting_id: int
    if TYPE_CHECKING:  # what MeetingScreen provides

        @property
        def store(self) -> Any: ...

        meeting: Any
        _first_read: Any

        def show_tab(self, pane_id: str, focus: str | None = None) -> None: ...

        def refresh_all(self) -> None: ...

        def open_capture(self, *args: Any, **kwargs: Any) -> None: ...

        def write(
            self, what: str, run: Callable[[Any], Any], done: Callable[[Any], object], failed: Any = None
        ) -> None: ...

    ask_ratings_on_end: bool = True

    # -- scorecard tab ------------------------------------------------------------
    def _read_playbook(self, read: Callable[[Any, str], Any], then: Callable[[Any], object]) -> None:
        """``read(store, cadence_key)`` in a thread worker, then ``then(result)`` here."""
        from cadence_tui.ui.store_work import in_thread

        mid = self.meeting_id
        known = self.meeting.cadence_key if self.meeting is not None else None

        def run(store: Any) -> Any:
            key = known or store.meetings.get_meeting(mid).cadence_key
            return read(store, key)

        in_thread(self, run, then, group="playbook-read")

    def playbook_tabs(self) -> Iterable[TabPane]:
        """A "Scorecard" tab when the cadence reviews at least one metric (as
        read before the screen opened; else the tab is added when its
        worker's read finds metrics: :meth:`refresh_playbook`)."""
        first = getattr(self, "_first_read", None)
        if first is not None and first.scorecard and first.meeting is not None:
            yield self._scorecard_pane(first.meeting.cadence_key)

    def _scorecard_pane(self, key: str | None) -> TabPane:
        return TabPane(
            "Scorecard",
            Scorecard(key, title="Reviewed here", read_on_mount=False, id="meeting-scorecard"),
            id="tab-scorecard",
        )

    def refresh_playbook(self) -> None:
        self._read_playbook(lambda store, key: (key, store.scorecard.scorecard(key)), self._show_scorecard)

    def _show_scorecard(self, read: tuple[str, list[Any]]) -> None:
        key, rows = read
        if not self.is_attached:
            return
        cards = self.query(Scorecard)
        if cards:
            card = cards.first()
            card.cadence_key = key
            card.show(rows, None)
        elif rows:
            from textual.widgets import TabbedContent

            pane = self._scorecard_pane(key)
            self.query_one("#meeting-tabs", TabbedContent).add_pane(pane)
            self.call_after_refresh(lambda: pane.query_one(Scorecard).show(rows, None))

    # -- actions ----------------------------------------------------------------------
    def _open_spec(self, spec: Any, then: Callable[[Any], object], *, check: Any = None, **kwargs: Any) -> None:
        """A playbook form on the meeting's write queue (see ``open_form``)."""
        self.open_capture(
            spec.title,
            spec.fields,
            check or (lambda _values: None),
            spec.write,
            saved=None,
            then=then,
            form_id=spec.form_id,
            at_once=False,
            offer_action=False,
            focus=spec.focus,
            **kwargs,
        )

    def action_record_metric(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import record_metric_data

        mid = self.meeting_id
        self._read_playbook(
            lambda store, key: record_metric_data(store, cadence_key=key, meeting_id=mid), self._open_record_metric
        )

    def _open_record_metric(self, data: Any) -> None:
        from cadence_tui.core.scorecard import format_number
        from cadence_tui.store.errors import InvalidInput
        from cadence_tui.ui.widgets.playbook_forms import record_metric_spec

        try:
            spec = record_metric_spec(data, meeting_id=self.meeting_id)
        except InvalidInput as exc:  # no metrics yet
            self.notify(str(exc), severity="warning", markup=False)
            return
        names = {m.key: m for m in data.metrics}

        def saved(value: Any) -> None:
            self.refresh_playbook()
            if self.query("#tab-scorecard"):
                self.show_tab("tab-scorecard")
            metric = names[value.metric_key]
            self.notify(
                f"{metric.name}: {format_number(value.value, metric.unit)} recorded",
                timeout=3,
                markup=False,
            )

        self._open_spec(spec, saved)

    def action_log_failfast(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import failfast_data

        self._read_playbook(lambda store, _key: failfast_data(store), self._open_failfast)

    def _open_failfast(self, data: tuple[list[Any], list[str]]) -> None:
        from dataclasses import replace

        from cadence_tui.store.errors import InvalidInput
        from cadence_tui.ui.widgets.playbook_forms import failfast_spec

        try:
            spec = failfast_spec(*data, meeting_id=self.meeting_id)
        except InvalidInput as exc:  # no hand-offs yet
            self.notify(str(exc), severity="warning", markup=False)
            return
        write = spec.write

        def write_and_count(store: Any, values: dict[str, str]) -> tuple[Any, int]:
            entry = write(store, values)
            return entry, len(store.playbook.failfast_entries(handoff_key=entry.handoff_key, limit=None))

        def saved(result: tuple[Any, int]) -> None:
            entry, count = result
            self.notify(
                f"Fail-fast: {entry.handoff_label} ({counted(count, 'failure')} logged)",
                timeout=4,
                markup=False,
            )

        self._open_spec(replace(spec, write=write_and_count), saved)

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
        record = self.highlighted_record()
        if record is None:
            self.notify(
                "Highlight an open blocker or action item (Captured or Carry-over) to escalate it",
                severity="warning",
                timeout=5,
            )
            return
        kind, item_id, _title = record

        def read(store: Any, key: str) -> tuple[str, str, list[Any]]:
            item = store.meetings.get_blocker(item_id) if kind == "blocker" else store.actions.get_action(item_id)
            return key, item.cadence_key, store.cadences.list_cadences()

        self._read_playbook(read, lambda data: self._open_escalate(record, *data))

    def _open_escalate(self, record: tuple[str, int, str], key: str, origin: str, cadences: list[Any]) -> None:
        from cadence_tui.store.errors import InvalidInput
        from cadence_tui.ui.widgets.capture_forms import QUEUED
        from cadence_tui.ui.widgets.playbook_forms import escalate_dialog

        kind, item_id, title = record

        def done(result: Any) -> None:
            self.refresh_all()
            self.notify(
                f"Escalated to {result.to_cadence}: it appears in that cadence's next meeting",
                timeout=5,
                markup=False,
            )

        def save(to_key: str) -> Any:
            def run(store: Any) -> Any:
                playbook = store.playbook
                escalate = playbook.escalate_blocker if kind == "blocker" else playbook.escalate_action
                return escalate(item_id, to_key)

            self.write("escalate", run, done)
            return QUEUED

        try:
            dialog = escalate_dialog(cadences, kind, origin, save, exclude=(key,), title=title)
        except InvalidInput as exc:  # no other cadence
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.app.push_screen(dialog)

    # -- ratings ------------------------------------------------------------------------
    def action_rate_meeting(self, then: Callable[[], None] | None = None, present: list[str] | None = None) -> None:
        mid = self.meeting_id

        def read(store: Any, _key: str) -> tuple[list[str], dict[str, int]]:
            people = present if present is not None else store.playbook.present_attendees(mid)
            return list(people), (store.playbook.meeting_ratings(mid) if people else {})

        self._read_playbook(read, lambda data: self._open_ratings(data[0], data[1], then))

    def _open_ratings(self, people: list[str], current: dict[str, int], then: Callable[[], None] | None) -> None:
        from cadence_tui.ui.widgets.playbook_forms import rate_meeting_spec

        if not people:
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

        spec, check = rate_meeting_spec(people, current, self.meeting_id)
        self._open_spec(spec, rated, check=check, closed=then)

    def ask_ratings(self, then: Callable[[], None], present: list[str] | None = None) -> None:
        """After the meeting ended: one rating per attendee present (Esc skips),
        then ``then``. ``present``: who was present, if already read."""
        if self.ask_ratings_on_end:
            self.action_rate_meeting(then, present)
        else:
            then()
