"""The playbook's modal forms, built on the meeting screen's
:class:`~cadence_tui.ui.widgets.capture_forms.CaptureForm`: record a metric value,
add or edit a metric, edit a hand-off, log a fail-fast entry, escalate a
blocker or action item, rate a meeting.

Each ``*_spec`` function builds a :class:`FormSpec` from data a screen has
read in a worker (``*_data``); the screen opens it with
``StoreWork.open_write_form`` (ui/store_work.py): its write goes through the
app's ordered write queue, never waiting on the database lock. An
:class:`InvalidInput` is shown under the field it concerns and nothing closes,
so what was typed is kept. The ``*_form`` functions (the meeting's keys) read
and write at once: push them with ``app.push_screen(form, callback)``; the
callback receives the saved object, or ``None`` when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cadence_tui.core.textsafe import strip_control
from cadence_tui.kinds import ALL_HANDS, FINANCE
from cadence_tui.store.errors import InvalidInput, StoreError
from cadence_tui.ui.stylesheets import FORMS, css
from cadence_tui.ui.widgets.capture_forms import CaptureForm, ClosesOnce, FormField


class PlaybookForm(CaptureForm):
    """A capture form that can start with the cursor in a chosen field."""

    def __init__(self, *args: Any, focus: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial_focus = focus

    def on_mount(self) -> None:
        # CaptureForm's own on_mount (run too) focuses the first field; move on after it.
        if self.initial_focus and self.query(f"#field-{self.initial_focus}"):
            self.call_after_refresh(self.query_one(f"#field-{self.initial_focus}").focus)


def _on_field(fields: dict[str, str], fn: Callable[[], Any]) -> Any:
    """Run ``fn``; tag an ``InvalidInput`` with the field its message names
    (``{"value": "value", ...}``: message fragment → field), so the form
    shows it next to that field."""
    try:
        return fn()
    except InvalidInput as exc:
        message = str(exc)
        for fragment, name in fields.items():
            if fragment in message:
                exc.field = name  # type: ignore[attr-defined]
                break
        raise


def _parse_day(text: str, today: date) -> date | None:
    from cadence_tui.core.duedates import DueDateError, parse_day

    if not text.strip():
        return None
    try:
        return parse_day(text, today)
    except DueDateError as exc:
        error = InvalidInput(str(exc))
        error.field = "date"  # type: ignore[attr-defined]
        raise error from None


@dataclass
class FormSpec:
    """A form to open: its fields and its write, ``write(store, values)``
    (an ``InvalidInput`` tagged with the field it concerns). A screen opens
    it with ``StoreWork.open_write_form`` (the write goes through the app's
    write queue); :meth:`form` makes a form that writes at once."""

    title: str
    fields: list[FormField]
    write: Callable[[Any, dict[str, str]], Any]
    form_id: str
    focus: str | None = None
    what: str = "change"  # for messages: "metric value", "hand-off"

    def form(self, store: Any) -> CaptureForm:
        """The form, writing to ``store`` at once (a test of its stylesheet)."""
        return PlaybookForm(
            self.title, self.fields, lambda values: self.write(store, values), form_id=self.form_id, focus=self.focus
        )


@dataclass(frozen=True)
class RecordMetricData:
    """What the record form needs from the store (read in a worker)."""

    metrics: list[Any]
    done: set[str]  # metrics recorded in the meeting already
    today: date


def record_metric_data(
    store: Any, *, cadence_key: str | None = None, meeting_id: int | None = None
) -> RecordMetricData:
    metrics = [r.metric for r in store.scorecard.scorecard(cadence_key)] or store.scorecard.list_metrics()
    done = set(store.scorecard.meeting_metric_values(meeting_id)) if meeting_id is not None and metrics else set()
    return RecordMetricData(metrics, done, store.today())


def record_metric_spec(
    data: RecordMetricData, *, meeting_id: int | None = None, metric_key: str | None = None
) -> FormSpec:
    """Record a value: in a meeting (the meeting's date, only the metrics the
    cadence reviews) or for a date."""
    metrics = data.metrics
    if not metrics:
        raise InvalidInput("there are no metrics yet: add one first")
    choices = tuple((f"{m.name} ({m.unit})" if m.unit else m.name, m.key) for m in metrics)
    if metric_key is None and meeting_id is not None:
        # In a meeting: the first reviewed metric not recorded yet, cursor on the value.
        metric_key = next((m.key for m in metrics if m.key not in data.done), metrics[0].key)
    fields = [
        FormField("metric", "Metric", value=metric_key or metrics[0].key, choices=choices),
        FormField("value", "Value", placeholder="e.g. 1180 or 12.5"),
    ]
    if meeting_id is None:
        fields.append(FormField("date", "Date", value=data.today.isoformat(), placeholder="YYYY-MM-DD"))

    def write(store: Any, values: dict[str, str]):
        day = None if meeting_id is not None else _parse_day(values.get("date", ""), data.today)
        return _on_field(
            {"value": "value", "number": "value", "metric": "metric"},
            lambda: store.scorecard.record_metric_value(
                values["metric"], values["value"], meeting_id=meeting_id, on=day
            ),
        )

    where = "in this meeting" if meeting_id is not None else ""
    return FormSpec(
        f"Record a metric value {where}".strip(),
        fields,
        write,
        "record-metric-form",
        focus="value" if metric_key or len(metrics) == 1 else None,  # Shift+Tab: another metric
        what="metric value",
    )


def metric_spec(cadence_keys: list[str], metric: Any | None = None) -> FormSpec:
    """Add a metric, or edit one (its key stays); ``cadence_keys`` are the
    active cadences (shown as the example of "Reviewed in")."""
    cadences = ", ".join(metric.cadence_keys) if metric else ""
    fields = []
    if metric is None:
        fields.append(FormField("key", "Key", placeholder="short id, e.g. nrr"))
    fields += [
        FormField("name", "Name", value=metric.name if metric else ""),
        FormField("unit", "Unit", value=metric.unit if metric else "", placeholder="USD, days, %"),
        FormField("owner", "Owner", value=metric.owner if metric else ""),
        FormField("target", "Target", value="" if not metric or metric.target is None else f"{metric.target:g}"),
        FormField(
            "direction",
            "Better when",
            value=metric.direction if metric else "higher",
            choices=(("higher", "higher"), ("lower", "lower")),
        ),
        FormField("cadences", "Reviewed in", value=cadences, placeholder=", ".join(cadence_keys)),
        FormField("description", "Description", value=metric.description if metric else ""),
    ]
    errors = {
        "key": "key",
        "name": "name",
        "unit": "unit",
        "owner": "owner",
        "target": "target",
        "cadence": "cadences",
        "description": "description",
    }

    def write(store: Any, values: dict[str, str]):
        common = dict(
            unit=values["unit"],
            owner=values["owner"],
            target=values["target"] or None,
            direction=values["direction"],
            description=values["description"],
            cadence_keys=[k.strip() for k in values["cadences"].split(",") if k.strip()],
        )
        if metric is None:
            return _on_field(errors, lambda: store.scorecard.add_metric(values["key"], values["name"], **common))
        return _on_field(errors, lambda: store.scorecard.update_metric(metric.key, name=values["name"], **common))

    title = f"Edit metric {metric.key}" if metric else "Add a metric"
    return FormSpec(title, fields, write, "metric-form", what="metric")


def handoff_spec(handoff: Any | None = None) -> FormSpec:
    """Add a hand-off, or edit its owner, packet fields and one-page agreement."""
    h = handoff
    fields = []
    if h is None:
        fields.append(FormField("key", "Key", placeholder="short id, e.g. cs-product"))
    fields += [
        FormField("from_dept", "From", value=h.from_dept if h else ""),
        FormField("to_dept", "To", value=h.to_dept if h else ""),
        FormField("owner", "Owner", value=h.owner if h else ""),
        FormField(
            "packet_fields",
            "Packet fields",
            value=", ".join(h.packet_fields) if h else "",
            placeholder="comma-separated: lead score, timeline",
        ),
        FormField("deliverables", "Deliverables", value=h.deliverables if h else ""),
        FormField("timeline", "Timeline", value=h.timeline if h else ""),
        FormField("success_criteria", "Success criteria", value=h.success_criteria if h else ""),
    ]
    errors = {
        "key": "key",
        "'from'": "from_dept",
        "'to'": "to_dept",
        "owner": "owner",
        "packet": "packet_fields",
        "deliverables": "deliverables",
        "timeline": "timeline",
        "success": "success_criteria",
    }

    def write(store: Any, values: dict[str, str]):
        data = {k: v for k, v in values.items() if k != "key"}
        if h is None:
            return _on_field(
                errors,
                lambda: store.playbook.add_handoff(values["key"], data.pop("from_dept"), data.pop("to_dept"), **data),
            )
        return _on_field(errors, lambda: store.playbook.update_handoff(h.key, **data))

    title = f"Edit hand-off {h.label}" if h else "Add a hand-off"
    return FormSpec(title, fields, write, "handoff-form", what="hand-off")


def failfast_spec(
    handoffs: list[Any], causes: list[str], *, meeting_id: int | None = None, handoff_key: str | None = None
) -> FormSpec:
    """Log a hand-off that broke down: which, what happened, why, and the fix
    (``handoffs``: the active ones; ``causes``: the causes logged so far)."""
    if not handoffs:
        raise InvalidInput("there are no hand-offs in the register yet")
    fields = [
        FormField(
            "handoff",
            "Hand-off",
            value=handoff_key or handoffs[0].key,
            choices=tuple((h.label, h.key) for h in handoffs),
        ),
        FormField("what", "What happened", placeholder="e.g. leads arrived without intent signals"),
        FormField(
            "cause",
            "Why",
            placeholder="a short cause: missing data, late hand-off…",
            suggestions=tuple(causes),
        ),
        FormField("fix", "Fix", placeholder="what changes so it does not happen again"),
    ]

    def write(store: Any, values: dict[str, str]):
        return _on_field(
            {"what happened": "what", "cause": "cause", "fix": "fix", "hand-off": "handoff"},
            lambda: store.playbook.log_failfast(
                values["handoff"], values["what"], cause=values["cause"], fix=values["fix"], meeting_id=meeting_id
            ),
        )

    return FormSpec(
        "Fail-fast: log a hand-off that broke down",
        fields,
        write,
        "failfast-form",
        focus="what" if handoff_key else None,
        what="fail-fast entry",
    )


def failfast_data(store: Any) -> tuple[list[Any], list[str]]:
    """The active hand-offs and the causes logged so far (read in a worker)."""
    return store.playbook.list_handoffs(), list(store.playbook.failfast_causes())


class EscalateDialog(ClosesOnce, ModalScreen[Any]):
    """Pick the cadence to escalate to: arrows and Enter (Esc cancels)."""

    CSS_PATH = css(*FORMS, "playbook.tcss")

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="escalate-cancel")]

    def __init__(
        self, title: str, choices: list[tuple[str, str]], default: str | None, save: Callable[[str], Any]
    ) -> None:
        super().__init__(id="escalate-form", classes="escalate-dialog")
        self.dialog_title = title
        self.choices = choices  # (name, key)
        self.default = default
        self._save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="escalate-box"):
            yield Static(Text(self.dialog_title, style="bold"), id="escalate-title")
            yield OptionList(*[Option(Text(name), id=key) for name, key in self.choices], id="escalate-options")
            yield Static("", id="escalate-error", classes="field-error", markup=False)
            yield Static(Text("↑↓ choose · Enter escalates · Esc cancels", style="dim"), id="escalate-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        keys = [key for _name, key in self.choices]
        options.highlighted = keys.index(self.default) if self.default in keys else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.closing:  # a second Enter: escalated once already
            return
        try:
            result = self._save(str(event.option.id))
        except StoreError as exc:
            error = self.query_one("#escalate-error", Static)
            error.update(str(exc))
            error.add_class("-shown")
            return
        self.close_once(result)

    def action_cancel(self) -> None:
        self.close_once(None, submitted=False)


def escalate_dialog(
    cadences: list[Any],
    kind: str,
    from_cadence_key: str,
    save: Callable[[str], Any],
    *,
    exclude: tuple[str, ...] = (),
    title: str = "",
) -> EscalateDialog:
    """Escalate a blocker (``kind="blocker"``) or action item to another cadence
    (not its own, nor those in ``exclude``, e.g. the meeting it is shown in),
    chosen from ``cadences`` (read in a worker); ``save(key)`` escalates (or
    queues it). A blocker is proposed for the first finance cadence (budget),
    else the first all-hands one (cadence kinds, so copies count too)."""
    others = [c for c in cadences if c.key != from_cadence_key and c.key not in exclude]
    if not others:
        raise InvalidInput("there is no other cadence to escalate to")
    wanted = (FINANCE, ALL_HANDS) if kind == "blocker" else ()
    default = next((c.key for k in wanted for c in others if c.kind == k), None)
    what = "blocker" if kind == "blocker" else "action item"
    named = " ".join(strip_control(title).split())
    if len(named) > 60:
        named = named[:59] + "…"
    heading = f"Escalate the {what} “{named}” to" if named else f"Escalate this {what} to"
    return EscalateDialog(f"{heading} another cadence's next meeting", [(c.name, c.key) for c in others], default, save)


def rate_meeting_spec(people: list[str], current: dict[str, int], meeting_id: int) -> tuple[FormSpec, Any]:
    """The rating form for ``people`` (those present) with ``current``
    ratings, and its check (no database: a rating out of 1–10 is shown at
    its field before the form closes)."""
    from cadence_tui.store.playbook import check_meeting_ratings

    fields = [
        FormField(f"p{i}", person, value=str(current.get(person, "")), placeholder="1–10 (empty: skip)")
        for i, person in enumerate(people)
    ]
    by_field = {f"p{i}": person for i, person in enumerate(people)}
    errors = {person: name for name, person in by_field.items()}

    def ratings(values: dict[str, str]) -> dict[str, str]:
        return {by_field[name]: value for name, value in values.items()}

    def write(store: Any, values: dict[str, str]):
        return _on_field(errors, lambda: store.playbook.rate_meeting(meeting_id, ratings(values)))

    def check(values: dict[str, str]) -> None:
        _on_field(errors, lambda: check_meeting_ratings(ratings(values)))

    spec = FormSpec("Rate this meeting (Esc skips)", fields, write, "rate-meeting-form", what="rating")
    return spec, check
