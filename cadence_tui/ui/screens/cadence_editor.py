"""Edit a cadence: name, schedule, time, zone, timebox, participants and its
agenda template; plus the dialogs to create a cadence and to archive one.

Every field is saved when it is submitted (Enter) or left (Tab, click), after
the store has validated it; an invalid value gets its message under the
field and nothing is stored. The next five occurrences are previewed from
what the fields hold while you type, before anything is saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from cadence_tui.core import recurrence_builder as rb
from cadence_tui.core.model import AgendaTemplateItem, Cadence
from cadence_tui.core.recurrence import Schedule, ScheduleError, next_occurrences
from cadence_tui.core.timefmt import relative_day
from cadence_tui.store.cadences import (
    check_anchor,
    check_item_title,
    check_minutes,
    check_start_time,
    check_timezone,
    format_participants,
)
from cadence_tui.store.errors import InvalidInput, StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.dialogs import ConfirmDialog
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.store_work import QUEUED, StoreWork, in_thread
from cadence_tui.ui.stylesheets import FORMS, css
from cadence_tui.ui.widgets.capture_forms import ClosesOnce

PREVIEW_COUNT = 5

# Plain fields: input id -> the update_cadence() argument it saves.
_PLAIN_FIELDS = {
    "field-name": "name",
    "field-purpose": "purpose",
    "field-anchor": "anchor",
    "field-time": "start_time",
    "field-tz": "tz",
    "field-timebox": "timebox_min",
    "field-participants": "participants",
    "field-threshold": "variance_threshold",
}
# Inputs and selects that together make the recurrence rule.
_RULE_INPUTS = ("rule-days", "rule-interval", "rule-monthday", "rule-raw")
_RULE_SELECTS = ("rule-kind", "rule-nth")
# Which recurrence rows each kind shows.
_RULE_ROWS = {
    rb.WEEKLY: {"row-rule-days"},
    rb.EVERY_N_WEEKS: {"row-rule-interval", "row-rule-days"},
    rb.MONTHLY_WEEKDAY: {"row-rule-nth", "row-rule-days"},
    rb.QUARTERLY: {"row-rule-nth", "row-rule-days"},
    rb.MONTHLY_DATE: {"row-rule-monthday"},
    rb.CUSTOM: {"row-rule-raw"},
}
_ALL_RULE_ROWS = set().union(*_RULE_ROWS.values())


PREVIEW_DELAY = 0.15  # seconds after the last keystroke


@dataclass(frozen=True)
class EditorFields:
    """The schedule fields as typed: all the preview needs, off the UI thread."""

    kind: str
    raw: str
    days: str
    interval: str
    month_day: str
    nth: int
    anchor: str
    start_time: str
    tz: str

    def choice(self) -> rb.RecurrenceChoice:
        """The recurrence the fields describe; ScheduleError names the problem."""
        kind = self.kind
        if kind == rb.CUSTOM:
            return rb.RecurrenceChoice(kind=kind, raw=self.raw.strip())
        days = rb.parse_weekdays(self.days) if kind != rb.MONTHLY_DATE else ("MO",)
        if kind in (rb.MONTHLY_WEEKDAY, rb.QUARTERLY) and len(days) != 1:
            raise ScheduleError("choose one weekday (e.g. Mon) for a monthly or quarterly meeting")
        interval = 1
        if kind == rb.EVERY_N_WEEKS:
            if not self.interval.strip().isdigit():
                raise ScheduleError("every N weeks: N must be a whole number from 2 to 52")
            interval = int(self.interval)
        month_day = 1
        if kind == rb.MONTHLY_DATE:
            text = self.month_day.strip()
            if not text.lstrip("-").isdigit():
                raise ScheduleError("the day of the month must be 1 to 31, or -1 for the last day")
            month_day = int(text)
        return rb.RecurrenceChoice(kind=kind, interval=interval, weekdays=days, nth=self.nth, month_day=month_day)


@dataclass(frozen=True)
class Preview:
    """The editor's schedule preview: the rule and zone the fields give, and the next dates or what stops them."""

    rule: str | None
    zone: str | None
    text: Text


def compute_preview(fields: EditorFields, now: datetime, today: date) -> Preview:
    """The next occurrences the fields describe, or what stops them."""
    problems = []
    rule = None
    try:
        rule = rb.to_rule(fields.choice())
    except ScheduleError as exc:
        problems.append(f"repeats: {exc}")
    values: list[Any] = []
    for what, check, value in (
        ("first date", check_anchor, fields.anchor),
        ("start time", check_start_time, fields.start_time),
        ("time zone", check_timezone, fields.tz),
    ):
        try:
            values.append(check(value))
        except InvalidInput as exc:
            problems.append(f"{what}: {exc}")
            values.append(None)
    anchor, start, zone = values
    if problems:
        return Preview(rule, zone, Text("\n".join(problems), style="red"))
    assert rule is not None  # to_rule either returned a rule or added a problem
    try:
        dates = next_occurrences(Schedule(rule, anchor, start, zone), now, PREVIEW_COUNT)
    except (ValueError, OverflowError) as exc:
        return Preview(rule, zone, Text(f"cannot compute the dates: {exc}", style="red"))
    if not dates:
        return Preview(rule, zone, Text("no further meeting: the rule has ended", style="yellow"))
    text = Text()
    for n, dt in enumerate(dates):
        if n:
            text.append("\n")
        text.append(f"{dt:%a %d %b %Y %H:%M}")
        text.append(f"  {relative_day(dt.date(), today)}", style="dim")
    return Preview(rule, zone, text)


def _flags_budget_variance(cadence: Cadence) -> bool:
    """Whether the cadence's meetings have the budget panel (its kind says so),
    whose lines are flagged over the cadence's variance threshold (each
    meeting starts with it)."""
    from cadence_tui.kinds import get_kind

    return get_kind(cadence.kind).flags_budget_variance


def _field_row(label: str, widget: Widget, name: str) -> Iterator[Widget]:
    """A labelled field with its error line beneath (``error-<name>``)."""
    with Vertical(classes="field", id=f"row-{name}"):
        with Horizontal(classes="field-line"):
            yield Label(label, classes="field-label")
            yield widget
        yield Static("", id=f"error-{name}", classes="field-error")


class AgendaTemplateTable(DataTable):
    """The agenda template; its keys work while it has focus."""

    BINDINGS = [
        Binding("a", "screen.add_item", "Add item", id="agenda-add-item"),
        Binding("e,enter", "screen.edit_item", "Edit item", id="agenda-edit-item"),
        Binding("x,delete", "screen.remove_item", "Remove item", id="agenda-remove-item"),
        Binding("shift+up,K", "screen.move_item(-1)", "Move up", id="agenda-move-up"),
        Binding("shift+down,J", "screen.move_item(1)", "Move down", id="agenda-move-down"),
    ]


class CadenceEditorScreen(StoreWork, Screen[None]):
    """Edit one cadence; every valid change is saved at once (through the
    app's write queue: a locked file shows "saving…", never a frozen screen)."""

    CSS_PATH = css(*FORMS)

    help_title = "Edit cadence"
    BINDINGS = [
        Binding("escape", "close", "Back", id="editor-close"),
        Binding("ctrl+s", "save_all", "Save all", id="editor-save-all"),
        Binding("ctrl+t", "focus_agenda", "Agenda", id="editor-focus-agenda"),
        # `?` types into the fields; F1 opens the key help from anywhere here.
        Binding("f1", "app.help", "Keys", id="editor-help"),
        *quiet_global_keys(),
    ]

    def __init__(
        self, cadence_key: str, cadence: Cadence | None = None, template: list[AgendaTemplateItem] | None = None
    ) -> None:
        """``cadence`` and ``template`` as read off the UI thread (see
        :func:`open_editor`); without them they are read here, at once."""
        super().__init__()
        self.cadence_key = cadence_key
        if cadence is None:
            cadence = self.store.cadences.get_cadence(cadence_key)
        self.cadence: Cadence = cadence
        self.template: list[AgendaTemplateItem] = template or []
        self._template_read = template is not None
        self._leave_anyway = False
        self._preview_timer: Timer | None = None

    @property
    def store(self):
        return app_store(self)

    # -- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        c = self.cadence
        choice = rb.from_rule(c.rule)
        yield Static(id="editor-title")
        with Horizontal(id="editor-body"):
            with VerticalScroll(id="editor-form"):
                yield from _field_row("Name", Input(c.name, id="field-name", compact=True, max_length=80), "name")
                yield from _field_row(
                    "Purpose",
                    Input(c.purpose, id="field-purpose", compact=True, max_length=500, placeholder="what it is for"),
                    "purpose",
                )
                yield from _field_row(
                    "Repeats",
                    Select(
                        [(label, kind) for kind, label in rb.KINDS],
                        value=choice.kind,
                        allow_blank=False,
                        id="rule-kind",
                        compact=True,
                    ),
                    "rule-kind",
                )
                yield from _field_row(
                    "Every N weeks",
                    Input(str(max(choice.interval, 2)), id="rule-interval", compact=True, max_length=2),
                    "rule-interval",
                )
                yield from _field_row(
                    "Week",
                    Select(
                        [(f"{label} in the month", n) for n, label in rb.NTHS],
                        value=choice.nth,
                        allow_blank=False,
                        id="rule-nth",
                        compact=True,
                    ),
                    "rule-nth",
                )
                yield from _field_row(
                    "Weekdays",
                    Input(
                        rb.format_weekdays(choice.weekdays),
                        id="rule-days",
                        compact=True,
                        max_length=60,
                        placeholder="Thu, or Mon-Fri",
                    ),
                    "rule-days",
                )
                yield from _field_row(
                    "Day of month",
                    Input(
                        str(choice.month_day),
                        id="rule-monthday",
                        compact=True,
                        max_length=3,
                        placeholder="1-31, -1 = last",
                    ),
                    "rule-monthday",
                )
                yield from _field_row(
                    "RRULE",
                    Input(
                        choice.raw or c.rule,
                        id="rule-raw",
                        compact=True,
                        max_length=300,
                        placeholder="FREQ=WEEKLY;BYDAY=TU",
                    ),
                    "rule-raw",
                )
                yield Static(id="rule-text", classes="field-note")
                yield Static("", id="error-rule", classes="field-error")
                yield from _field_row(
                    "First date",
                    Input(
                        c.anchor.isoformat(), id="field-anchor", compact=True, max_length=10, placeholder="YYYY-MM-DD"
                    ),
                    "anchor",
                )
                yield from _field_row(
                    "Start time",
                    Input(f"{c.start_time:%H:%M}", id="field-time", compact=True, max_length=5, placeholder="HH:MM"),
                    "start_time",
                )
                yield from _field_row(
                    "Time zone",
                    Input(c.tz, id="field-tz", compact=True, max_length=64, placeholder="Europe/Berlin"),
                    "tz",
                )
                yield from _field_row(
                    "Timebox (min)",
                    Input(str(c.timebox_min), id="field-timebox", compact=True, max_length=3),
                    "timebox_min",
                )
                if _flags_budget_variance(c):
                    yield from _field_row(
                        "Variance %",
                        Input(
                            f"{c.variance_threshold:g}",
                            id="field-threshold",
                            compact=True,
                            max_length=6,
                            placeholder="budget lines over it are flagged",
                        ),
                        "variance_threshold",
                    )
                yield from _field_row(
                    "Participants",
                    Input(
                        format_participants(c.participants),
                        id="field-participants",
                        compact=True,
                        max_length=4000,
                        placeholder="Name (Role), Name, …",
                    ),
                    "participants",
                )
            with Vertical(id="editor-side"):
                yield Static("Next five meetings", id="preview-heading", classes="side-heading")
                yield Static(id="editor-preview")
                yield Static(id="agenda-heading", classes="side-heading")
                yield AgendaTemplateTable(id="agenda-table", cursor_type="row")
                yield Static(Text("a add · e edit · x remove · shift+↑↓ move", style="dim"), id="agenda-keys")
        yield Static(id="editor-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#agenda-table", DataTable)
        table.add_column("#", key="pos")
        table.add_column("Min", key="min")
        table.add_column("Item", key="title")
        self._show_rule_rows()
        self._refresh_title()
        if self._template_read:
            self._draw_agenda(self.template)
        else:
            self._refresh_agenda()
        self._update_preview()
        self.query_one("#field-name", Input).focus()

    # -- helpers ------------------------------------------------------------------
    def _refresh_title(self) -> None:
        c = self.cadence
        text = Text.assemble(("Edit cadence  ", "bold"), (c.name, "bold"), (f"  ({c.key})", "dim"))
        if c.archived:
            text.append("  archived", style="bold yellow")
        self.query_one("#editor-title", Static).update(text)

    def _status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(Text(message, style="bold red" if error else "green"))

    def _set_error(self, name: str, message: str) -> None:
        widget = self.query_one(f"#error-{name}", Static)
        widget.update(Text(message))
        widget.set_class(bool(message), "-visible")

    def _kind(self) -> str:
        value = self.query_one("#rule-kind", Select).value
        return value if isinstance(value, str) else rb.WEEKLY

    def _show_rule_rows(self) -> None:
        visible = _RULE_ROWS[self._kind()]
        for row_id in _ALL_RULE_ROWS:
            self.query_one(f"#{row_id}").set_class(row_id not in visible, "-hidden")
        days_label = self.query_one("#row-rule-days .field-label", Label)
        days_label.update("Weekdays" if self._kind() in (rb.WEEKLY, rb.EVERY_N_WEEKS) else "Weekday")

    def _fields(self) -> EditorFields:
        """What the schedule fields hold now (read on the UI thread)."""
        value = lambda wid: self.query_one(f"#{wid}", Input).value  # noqa: E731
        nth = self.query_one("#rule-nth", Select).value
        return EditorFields(
            kind=self._kind(),
            raw=value("rule-raw"),
            days=value("rule-days"),
            interval=value("rule-interval"),
            month_day=value("rule-monthday"),
            nth=nth if isinstance(nth, int) else 1,
            anchor=value("field-anchor"),
            start_time=value("field-time"),
            tz=value("field-tz"),
        )

    def _rule_from_fields(self) -> str:
        return rb.to_rule(self._fields().choice())

    # -- preview ------------------------------------------------------------------
    def _update_preview(self) -> None:
        """Recompute the preview shortly after the last keystroke, in a thread:
        a pathological custom rule can take seconds to evaluate and must not
        freeze typing."""
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._start_preview)

    def _start_preview(self) -> None:
        self._preview_timer = None
        self._preview_worker(self._fields(), self.store.now(), self.store.today())

    @work(thread=True, exclusive=True, group="editor-preview", exit_on_error=False)
    def _preview_worker(self, fields: EditorFields, now: datetime, today: date) -> None:
        result = compute_preview(fields, now, today)
        self.app.call_from_thread(self._show_preview, result)

    def _show_preview(self, result: Preview) -> None:
        if not self.is_attached:
            return
        self.query_one("#rule-text", Static).update(Text(f"= {result.rule}", style="dim") if result.rule else "")
        self.query_one("#preview-heading", Static).update(
            Text.assemble("Next five meetings", (f"  {result.zone}" if result.zone else "", "dim"))
        )
        self.query_one("#editor-preview", Static).update(result.text)

    # -- saving fields ------------------------------------------------------------
    def _save_field(self, input_id: str) -> bool:
        argument = _PLAIN_FIELDS[input_id]
        widget = self.query_one(f"#{input_id}", Input)
        current = self._current_text(argument)
        if widget.value.strip() == current:
            self._set_error(argument, "")
            return True
        typed = widget.value
        key = self.cadence_key

        def saved(cadence: Cadence) -> None:
            self.cadence = cadence
            self._set_error(argument, "")
            if widget.value == typed:  # show the value as stored (trimmed, normalised)
                widget.value = self._current_text(argument)
            self._status(f"Saved {argument.replace('_', ' ')}.")
            self._refresh_title()
            if argument == "timebox_min":
                self._draw_agenda(self.template)

        def failed(exc: StoreError) -> None:  # a queued write: the text stays in the field
            self._set_error(argument, str(exc))
            self._status(f"Not saved: {exc} (“{typed}”)", error=True)

        try:
            result = self.write_store(
                lambda store: store.cadences.update_cadence(key, **{argument: typed}),
                then=saved,
                what=argument.replace("_", " "),
                values={argument: typed},
                reopen=failed,
            )
        except InvalidInput as exc:
            self._set_error(argument, str(exc))
            self._status(f"Not saved: {exc}", error=True)
            return False
        if result is QUEUED:
            self._status("saving… (another program is writing to the database)")
        else:
            saved(result)
        return True

    def _current_text(self, argument: str) -> str:
        c = self.cadence
        return {
            "name": c.name,
            "purpose": c.purpose,
            "anchor": c.anchor.isoformat(),
            "start_time": f"{c.start_time:%H:%M}",
            "tz": c.tz,
            "timebox_min": str(c.timebox_min),
            "participants": format_participants(c.participants),
            "variance_threshold": f"{c.variance_threshold:g}",
        }[argument]

    def _save_rule(self) -> bool:
        try:
            rule = self._rule_from_fields()
        except ScheduleError as exc:
            self._set_error("rule", str(exc))
            self._status(f"Not saved: {exc}", error=True)
            return False
        if rule == self.cadence.rule:
            self._set_error("rule", "")
            return True
        key = self.cadence_key

        def saved(cadence: Cadence) -> None:
            self.cadence = cadence
            self._set_error("rule", "")
            self._status("Saved the schedule.")

        def failed(exc: StoreError) -> None:  # a queued write: the fields keep the rule
            self._set_error("rule", str(exc))
            self._status(f"Not saved: {exc}", error=True)

        try:
            result = self.write_store(
                lambda store: store.cadences.update_cadence(key, rule=rule),
                then=saved,
                what="schedule",
                values={"rule": rule},
                reopen=failed,
            )
        except InvalidInput as exc:
            self._set_error("rule", str(exc))
            self._status(f"Not saved: {exc}", error=True)
            return False
        if result is QUEUED:
            self._status("saving… (another program is writing to the database)")
        else:
            saved(result)
        return True

    def show_saving(self, pending: int) -> None:
        pass  # the status line says it (above)

    def _save(self, input_id: str) -> bool:
        if input_id in _PLAIN_FIELDS:
            return self._save_field(input_id)
        if input_id in _RULE_INPUTS:
            return self._save_rule()
        return True

    @on(Input.Changed)
    def _input_changed(self, _event: Input.Changed) -> None:
        self._update_preview()

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id and self._save(event.input.id):
            self.focus_next()

    @on(Input.Blurred)
    def _input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id and self.is_attached:
            self._save(event.input.id)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "rule-kind":
            raw = self.query_one("#rule-raw", Input)
            if self._kind() == rb.CUSTOM and not raw.value.strip():
                raw.value = self.cadence.rule
            self._show_rule_rows()
        self._update_preview()
        if event.select.id in _RULE_SELECTS:
            self._save_rule()

    def action_save_all(self) -> None:
        results = [self._save_field(i) for i in _PLAIN_FIELDS] + [self._save_rule()]
        if all(results):
            self._status("All fields saved.")
        else:
            self._status("Some fields were not saved: see the messages in red.", error=True)

    def action_close(self) -> None:
        # Leaving saves what is valid, like leaving a field does; an invalid
        # value keeps you here once, a second Esc leaves without it.
        focused = self.focused
        if not self._leave_anyway and isinstance(focused, Input) and focused.id and not self._save(focused.id):
            self._leave_anyway = True
            self._status("Not saved: fix the field, or press Esc again to leave without it.", error=True)
            return
        self.dismiss()

    def action_focus_agenda(self) -> None:
        self.query_one("#agenda-table", DataTable).focus()

    # -- agenda template -------------------------------------------------------------
    def _refresh_agenda(self, select_id: int | None = None) -> None:
        """Read the agenda template again (in a worker), then draw it."""
        self.expect_data()
        cadence_id = self.cadence.id
        self.load_store(
            lambda store: store.cadences.agenda_template(cadence_id),
            lambda template: self._draw_agenda(template, select_id),
            group="agenda",
        )

    def _draw_agenda(self, template: list[AgendaTemplateItem], select_id: int | None = None) -> None:
        table = self.query_one("#agenda-table", DataTable)
        cursor = table.cursor_row
        self.template = template
        table.clear()
        for n, item in enumerate(self.template, start=1):
            table.add_row(
                Text(str(n), justify="right"),
                Text(str(item.timebox_min), justify="right"),
                Text(item.title),
                key=str(item.id),
            )
        if self.template:
            row = cursor
            if select_id is not None:
                row = next((i for i, t in enumerate(self.template) if t.id == select_id), cursor)
            table.move_cursor(row=min(max(row, 0), len(self.template) - 1))
        total = sum(i.timebox_min for i in self.template)
        box = self.cadence.timebox_min
        heading = self.query_one("#agenda-heading", Static)
        text = Text.assemble(("Agenda template  ", ""), (f"{total} of {box} min", "bold"))
        if total > box:
            text.append(f"  {total - box} min over", style="bold red")
        elif total < box:
            text.append(f"  {box - total} min free", style="dim")
        heading.update(text)
        heading.set_class(total > box, "-over")
        self.data_shown()

    def _selected_item(self) -> AgendaTemplateItem | None:
        table = self.query_one("#agenda-table", DataTable)
        if not self.template or table.cursor_row < 0:
            return None
        return self.template[min(table.cursor_row, len(self.template) - 1)]

    def action_add_item(self) -> None:
        self.when_shown(self._add_item)

    def _add_item(self) -> None:
        selected = self._selected_item()
        position = None if selected is None else self.template.index(selected) + 1

        key = self.cadence_key

        def added(item: AgendaTemplateItem) -> None:
            self._refresh_agenda(select_id=item.id)
            self._status(f"Added agenda item {item.title}.")

        def save(title: str, minutes: str) -> None:
            self._write_item(
                lambda store: store.cadences.add_template_item(key, title, minutes, position=position),
                added,
                title,
                minutes,
            )

        self.app.push_screen(AgendaItemDialog("Add agenda item", "", "", save))

    def action_edit_item(self) -> None:
        self.when_shown(self._edit_item)

    def _edit_item(self) -> None:
        item = self._selected_item()
        if item is None:
            self._add_item()
            return

        def edited(_result: object) -> None:
            self._refresh_agenda(select_id=item.id)
            self._status("Saved agenda item.")

        def save(title: str, minutes: str) -> None:
            self._write_item(
                lambda store: store.cadences.update_template_item(item.id, title=title, timebox_min=minutes),
                edited,
                title,
                minutes,
            )

        self.app.push_screen(AgendaItemDialog("Edit agenda item", item.title, str(item.timebox_min), save))

    def _write_item(self, run: Any, then: Any, title: str = "", minutes: str = "") -> None:
        """An agenda change through the write queue; errors made at once are
        raised (the dialog shows them); a queued one that fails says what was
        typed in the status line."""

        def failed(exc: StoreError) -> None:
            typed = f" (“{title}”, {minutes} min)" if title else ""
            self._status(f"Not saved{typed}: {exc}", error=True)

        result = self.write_store(run, then=then, what="agenda item", values={"title": title}, reopen=failed)
        if result is QUEUED:
            self._status("saving… (another program is writing to the database)")
        else:
            then(result)

    def action_remove_item(self) -> None:
        self.when_shown(self._remove_item)

    def _remove_item(self) -> None:
        item = self._selected_item()
        if item is None:
            return

        def removed(_result: object) -> None:
            self._refresh_agenda()
            self._status(f"Removed agenda item {item.title}.")

        try:
            self._write_item(lambda store: store.cadences.remove_template_item(item.id), removed)
        except StoreError as exc:
            self._status(f"Not removed: {exc}", error=True)

    def action_move_item(self, delta: int) -> None:
        self.when_shown(lambda: self._move_item(delta))

    def _move_item(self, delta: int) -> None:
        item = self._selected_item()
        if item is None:
            return
        try:
            self._write_item(
                lambda store: store.cadences.move_template_item(item.id, delta),
                lambda _result: self._refresh_agenda(select_id=item.id),
            )
        except StoreError as exc:
            self._status(f"Not moved: {exc}", error=True)


class AgendaItemDialog(ClosesOnce, ModalScreen[None]):
    """Title and timebox of one agenda template item (it saves and closes once:
    see ClosesOnce; Enter pressed again as it closes does not reach the editor)."""

    CSS_PATH = css(*FORMS)

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="agenda-item-cancel")]

    def __init__(self, heading: str, title: str, minutes: str, save) -> None:
        super().__init__()
        self.heading = heading
        self.initial_title = title
        self.initial_minutes = minutes
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="agenda-item-dialog", classes="dialog"):
            yield Static(self.heading, classes="dialog-heading", markup=False)
            yield from _field_row(
                "Item", Input(self.initial_title, id="item-title", compact=True, max_length=200), "item-title"
            )
            yield from _field_row(
                "Minutes", Input(self.initial_minutes, id="item-minutes", compact=True, max_length=3), "item-minutes"
            )
            yield Static(Text("Enter saves · Esc cancels", style="dim"))

    def _set_error(self, name: str, message: str) -> None:
        widget = self.query_one(f"#error-{name}", Static)
        widget.update(Text(message))
        widget.set_class(bool(message), "-visible")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.closing:  # a second Enter before the dialog closed
            return
        if event.input.id == "item-title" and not self.query_one("#item-minutes", Input).value.strip():
            self.query_one("#item-minutes", Input).focus()
            return
        title = self.query_one("#item-title", Input).value
        minutes = self.query_one("#item-minutes", Input).value
        ok = True
        for name, check, value in (
            ("item-title", check_item_title, title),
            ("item-minutes", lambda v: check_minutes(v, "the item's timebox"), minutes),
        ):
            try:
                check(value)
                self._set_error(name, "")
            except InvalidInput as exc:
                self._set_error(name, str(exc))
                ok = False
        if not ok:
            return
        try:
            self.save(title, minutes)
        except StoreError as exc:
            self._set_error("item-minutes", str(exc))
            return
        self.close_once()

    def action_cancel(self) -> None:
        self.close_once(submitted=False)


class NewCadenceDialog(StoreWork, ModalScreen[str | None]):
    """Name a new cadence — blank, copied from another — or bring back an
    archived one; returns the key of the cadence to edit. While the database
    is locked it stays open saying "saving…" (typing still works) and closes
    once the cadence exists; a failure shows under the name, text kept."""

    CSS_PATH = css(*FORMS)

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="new-cadence-cancel")]

    def __init__(self, copy_from: Cadence | None = None, archived: list[Cadence] | None = None) -> None:
        """``archived``: the archived cadences, as read off the UI thread (see
        :func:`new_cadence`); without it they are read here, at once."""
        super().__init__()
        self.copy_from = copy_from
        self.archived = archived
        self._saving = False

    def compose(self) -> ComposeResult:
        if self.archived is None:
            store = app_store(self)
            self.archived = [c for c in store.cadences.list_cadences(include_archived=True) if c.archived]
        # Option values: "" blank, "copy:KEY", "restore:KEY". Prompts are Text:
        # cadence names are user text, never markup.
        options: list[tuple[Text, str]] = [(Text("A blank cadence"), "")]
        if self.copy_from is not None:
            options.append((Text(f"A copy of {self.copy_from.name}"), f"copy:{self.copy_from.key}"))
        for cadence in self.archived:
            if cadence.archived:
                options.append((Text(f"Bring back {cadence.name} (archived)"), f"restore:{cadence.key}"))
        with Vertical(id="new-cadence-dialog", classes="dialog"):
            yield Static("New cadence", classes="dialog-heading")
            yield from _field_row(
                "Name", Input(id="new-name", compact=True, max_length=80, placeholder="e.g. Daily Stand-up"), "new-name"
            )
            yield from _field_row(
                "Start from", Select(options, value="", allow_blank=False, id="new-source", compact=True), "new-source"
            )
            yield Static(Text("Enter creates and opens the editor · Esc cancels", style="dim"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", variant="primary", id="new-create")
                yield Button("Cancel", id="new-cancel")

    @on(Select.Changed, "#new-source")
    def _source_changed(self, event: Select.Changed) -> None:
        # Bringing back an archived cadence keeps its name: nothing to type.
        restoring = isinstance(event.value, str) and event.value.startswith("restore:")
        self.query_one("#new-name", Input).disabled = restoring
        button = self.query_one("#new-create", Button)
        button.label = "Bring back" if restoring else "Create"
        if restoring:
            button.focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "new-create":
            self.action_create()
        else:
            self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_create()

    def action_create(self) -> None:
        if self._saving:  # a second Enter while the first waits for the lock
            return
        name = self.query_one("#new-name", Input).value
        source = self.query_one("#new-source", Select).value
        source = source if isinstance(source, str) else ""

        def create(store: Any) -> Cadence:
            if source.startswith("restore:"):
                return store.cadences.unarchive_cadence(source.removeprefix("restore:"))
            if source.startswith("copy:"):
                return store.cadences.create_cadence(name, copy_from=source.removeprefix("copy:"))
            return store.cadences.create_cadence(name)

        try:
            result = self.write_store(
                create, then=self._created, what="cadence", values={"name": name}, reopen=self._failed
            )
        except StoreError as exc:
            self._failed(exc)
            return
        if result is QUEUED:
            self._saving = True
            self._show_error("saving… (another program is writing to the database)")
        else:
            self._created(result)

    def show_saving(self, pending: int) -> None:
        pass  # said under the name (above)

    def _show_error(self, message: str) -> None:
        error = self.query_one("#error-new-name", Static)
        error.update(Text(message))
        error.set_class(bool(message), "-visible")

    def _created(self, cadence: Cadence) -> None:
        # The dialog stays up (still "saving", so keys typed meanwhile land
        # here, not on home, where Enter would start a meeting) until the
        # editor's data is read; then it closes and the editor opens in one
        # handler, with no gap for a key between them.
        self._saving = True

        def show(data: tuple[Cadence, list[AgendaTemplateItem]]) -> None:
            self._saving = False
            if self.app.screen is self:
                self.dismiss(None)
                self.app.push_screen(CadenceEditorScreen(cadence.key, *data))

        in_thread(self, lambda store: editor_data(store, cadence.key), show, group="open-editor", failed=self._failed)

    def _failed(self, exc: StoreError) -> None:
        self._saving = False
        self._show_error(str(exc))

    def on_write_failed(self, event: Any) -> None:
        event.stop()  # shown under the name, the dialog still open with the text
        reopen = event.job.data.get("reopen")
        if reopen is not None:
            reopen(event.error)

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- entry points used by the home screen --------------------------------------------
def editor_data(store: Any, cadence_key: str) -> tuple[Cadence, list[AgendaTemplateItem]]:
    """What the editor shows: the cadence and its agenda template (read in a worker)."""
    cadence = store.cadences.get_cadence(cadence_key)
    return cadence, store.cadences.agenda_template(cadence.id)


def open_editor(screen: Screen, cadence_key: str) -> None:
    """Push the editor for ``cadence_key`` on the app of ``screen``, once the
    cadence and its agenda template are read (in a thread worker)."""

    def show(data: tuple[Cadence, list[AgendaTemplateItem]]) -> None:
        screen.app.push_screen(CadenceEditorScreen(cadence_key, *data))

    in_thread(screen, lambda store: editor_data(store, cadence_key), show, group="open-editor")


def new_cadence(screen: Screen, copy_from: Cadence | None) -> None:
    """Ask for a name, create the cadence and open its editor."""

    def show(archived: list[Cadence]) -> None:
        # The dialog itself opens the new cadence's editor (NewCadenceDialog._created).
        screen.app.push_screen(NewCadenceDialog(copy_from, archived))

    in_thread(
        screen,
        lambda store: [c for c in store.cadences.list_cadences(include_archived=True) if c.archived],
        show,
        group="new-cadence",
    )


def archive_cadence(screen: Screen, cadence: Cadence, done=None) -> None:
    """Confirm, then archive: hidden from home and schedule, history kept."""

    def answered(yes: bool | None) -> None:
        if not yes:
            return

        def archived(_result: object) -> None:
            screen.app.notify(
                f"{cadence.name} archived; its meetings and action items are kept (N brings it back)",
                title="Archived",
                markup=False,
            )
            if done is not None:
                done()

        def failed(exc: StoreError) -> None:
            screen.app.notify(str(exc), title="Not archived", severity="error", markup=False)

        # In a thread worker: a locked file never freezes the screen.
        in_thread(
            screen, lambda store: store.cadences.archive_cadence(cadence.key), archived, failed=failed, group="archive"
        )

    screen.app.push_screen(
        ConfirmDialog(
            f"Archive {cadence.name}?",
            "It leaves the home screen and the schedule; its meetings, action items and blockers stay in the history.",
            confirm_label="Archive",
            confirm_id="archive-confirm",
        ),
        answered,
    )
