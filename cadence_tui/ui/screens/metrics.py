"""The shared-metric scorecard in full: record values, add, edit, archive."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cadence_tui.core.scorecard import Metric, ScorecardRow, format_change, format_number
from cadence_tui.store.errors import StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.store_work import QUEUED, StoreWork
from cadence_tui.ui.stylesheets import css


class MetricsScreen(StoreWork, Screen[None]):
    """Every metric with its last value, change, trend and target."""

    CSS_PATH = css("playbook.tcss")

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="metrics-back"),
        # Short words: the footer fits 80 columns; the tooltips say it in full.
        Binding("r", "record", "Record", id="metric-record", tooltip="Record a value for the highlighted metric"),
        Binding("a", "add", "Add", id="metric-add", tooltip="Add a metric to the scorecard"),
        Binding("e", "edit", "Edit", id="metric-edit", tooltip="Edit the highlighted metric"),
        Binding("x", "archive", "Archive", id="metric-archive", tooltip="Archive or restore the highlighted metric"),
        *quiet_global_keys(skip="a"),
    ]

    def __init__(self) -> None:
        super().__init__(id="metrics-screen")
        self.metrics: list[Metric] = []
        self.rows: dict[str, ScorecardRow] = {}
        self.cadence_names: dict[str, str] = {}  # every cadence's key -> name
        self.active_cadences: list[str] = []  # keys, the metric form's example
        self.warning: str | None = None
        self.history: dict[str, list] = {}  # metric key -> values, read as they are shown

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield Static(Text("Scorecard — shared metrics", style="bold"), id="metrics-title", classes="pb-title")
        with Vertical(classes="pb-body"):
            yield Static("", id="metrics-warning", classes="pb-warning")
            yield DataTable(id="metrics-table", cursor_type="row", classes="pb-table")
            with VerticalScroll(id="metric-details-scroll", classes="pb-details"):
                yield Static(id="metric-details")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#metrics-table", DataTable)
        for label, key in (
            ("Metric", "name"),
            ("Last", "last"),
            ("Change", "change"),
            ("Trend", "trend"),
            ("Target", "target"),
        ):
            table.add_column(label, key=key)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the scorecard again (in a worker), then redraw."""
        self.expect_data()
        current = select or (chosen.key if (chosen := self.selected()) else None)
        self.load_store(_read_scorecard, lambda data: self._show(data, current), group="metrics")

    def _show(self, data: tuple, current: str | None) -> None:
        rows, metrics, cadences, warning = data
        table = self.query_one("#metrics-table", DataTable)
        self.rows = {r.metric.key: r for r in rows}
        self.metrics = sorted(metrics, key=lambda m: m.archived)
        self.cadence_names = {c.key: c.name for c in cadences}
        self.active_cadences = [c.key for c in cadences if not c.archived]
        self.warning = warning
        self.history = {}
        table.clear()
        for m in self.metrics:
            row = self.rows.get(m.key, ScorecardRow(m, ()))
            dim = "dim" if m.archived else ""
            off = row.off_target and not m.archived
            target = "—" if m.target is None else f"{'≥' if m.direction == 'higher' else '≤'} {format_number(m.target)}"
            change_style = "dim" if row.improving is None else ("green" if row.improving else "yellow")
            table.add_row(
                Text(m.name + (" (archived)" if m.archived else ""), style="bold red" if off else dim),
                Text(format_number(row.last, m.unit), style="bold red" if off else dim, justify="right"),
                Text(format_change(row.change), style=change_style, justify="right"),
                Text(row.sparkline or "—", style="red" if off else ("cyan" if row.values else "dim")),
                Text(target + (" OFF" if off else ""), style="bold red" if off else "dim"),
                key=m.key,
            )
        if current:
            for i, m in enumerate(self.metrics):
                if m.key == current:
                    table.move_cursor(row=i)
        self.query_one("#metrics-warning", Static).update(Text(f"⚠ {warning}", style="yellow") if warning else "")
        self.query_one("#metrics-warning", Static).display = bool(warning)
        self._show_details()
        self.data_shown()

    def selected(self) -> Metric | None:
        table = self.query_one("#metrics-table", DataTable)
        if not self.metrics or table.cursor_row < 0:
            return None
        return self.metrics[min(table.cursor_row, len(self.metrics) - 1)]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_details()

    def _show_details(self) -> None:
        details = self.query_one("#metric-details", Static)
        m = self.selected()
        if m is None:
            details.update(Text("No metrics. Press a to add one.", style="dim"))
            return
        text = Text()
        text.append(m.name, style="bold")
        text.append(f"  ({m.key})", style="dim")
        names = self.cadence_names
        text.append("\nOwner: ", style="dim")
        text.append(m.owner or "—")
        text.append("  Better: ", style="dim")
        text.append(m.direction)
        text.append("  Reviewed in: ", style="dim")
        text.append(", ".join(names.get(k, k) for k in m.cadence_keys) or "—")
        row = self.rows.get(m.key)
        if row is not None and row.off_target:
            text.append("\nOff target: ", style="bold red")
            text.append(f"last value {format_number(row.last, m.unit)} against {format_number(m.target, m.unit)}")
        if m.description:
            text.append("\n" + m.description)
        history = self.history.get(m.key)
        if history is None:  # read once, in a worker; shown when it arrives
            key = m.key
            self.load_store(
                lambda store: store.scorecard.metric_history(key), lambda h: self._got_history(key, h), group="history"
            )
            history = []
        if not history:
            text.append("\nNo values yet — press r to record one", style="dim")
        else:
            text.append("\n\nLast values (newest first)\n", style="bold")
            scale = max(max(abs(v.value) for v in history), abs(m.target or 0)) or 1
            for v in reversed(history):
                off = not m.on_target(v.value)
                bar = "█" * max(1, round(abs(v.value) / scale * 18))
                text.append(f"  {v.recorded_on:%a %d %b %Y}  ", style="dim")
                text.append(f"{format_number(v.value, m.unit):>14}  ", style="bold red" if off else "")
                text.append(bar, style="red" if off else "green")
                text.append(" " * (19 - len(bar)) + "(meeting)\n" if v.meeting_id else "\n", style="dim")
        details.update(text)

    def _got_history(self, key: str, history: list) -> None:
        self.history[key] = history
        chosen = self.selected()
        if chosen is not None and chosen.key == key:
            self._show_details()

    # -- actions ------------------------------------------------------------------
    def _after_save(self, result: object) -> None:
        if result is not None:
            key = getattr(result, "metric_key", None) or getattr(result, "key", None)
            self.reload(select=key)
            if hasattr(result, "metric_key"):
                self.notify(
                    f"Recorded {format_number(result.value)} on {result.recorded_on:%d %b}",  # type: ignore[attr-defined]
                    title="Scorecard",
                )
            if hasattr(result, "key") and not hasattr(result, "metric_key"):
                # One more active metric may break the focus: say so (read in a worker).
                self.load_store(lambda store: store.scorecard.focus_warning(), self._warn_focus, group="focus")

    def _warn_focus(self, warning: str | None) -> None:
        if warning:
            self.notify(warning, severity="warning", title="Focus")

    def action_record(self) -> None:
        self.when_shown(self._record)

    def _record(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import RecordMetricData, record_metric_spec

        m = self.selected()
        if m is not None and m.archived:
            self.notify("This metric is archived; restore it (x) to record values", severity="warning")
            return
        active = [r.metric for r in self.rows.values()]
        today = self.store.today()  # the clock, not the database
        try:
            spec = record_metric_spec(RecordMetricData(active, set(), today), metric_key=m.key if m else None)
        except StoreError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.open_write_form(spec, self._after_save)

    def action_add(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import metric_spec

        self.open_write_form(metric_spec(self.active_cadences), self._after_save)

    def action_edit(self) -> None:
        self.when_shown(self._edit)

    def _edit(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import metric_spec

        m = self.selected()
        if m is not None:
            self.open_write_form(metric_spec(self.active_cadences, m), self._after_save)

    def action_archive(self) -> None:
        self.when_shown(self._archive)

    def _archive(self) -> None:
        m = self.selected()
        if m is None:
            return
        key, archive = m.key, not m.archived

        def archived(updated: Metric) -> None:
            self.notify(f"{'Archived' if updated.archived else 'Restored'} {updated.name}", title="Scorecard")
            self.reload(select=key)

        try:
            updated = self.write_store(
                lambda store: store.scorecard.archive_metric(key, archive), then=archived, what="metric"
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if updated is not QUEUED:  # made at once (else ``archived`` runs when it lands)
            archived(updated)


def _read_scorecard(store) -> tuple:
    """Everything the screen shows, read in one go (in a worker)."""
    return (
        store.scorecard.scorecard(),
        store.scorecard.list_metrics(include_archived=True),
        store.cadences.list_cadences(include_archived=True),
        store.scorecard.focus_warning(),
    )
