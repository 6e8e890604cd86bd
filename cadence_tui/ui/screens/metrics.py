"""The shared-metric scorecard in full: record values, add, edit, archive."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cadence_tui.core.scorecard import Metric, ScorecardRow, format_change, format_number
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.stylesheets import css


class MetricsScreen(Screen[None]):
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

    @property
    def store(self):
        return self.app.store  # type: ignore[attr-defined]

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
        store = self.store
        table = self.query_one("#metrics-table", DataTable)
        current = select or (chosen.key if (chosen := self.selected()) else None)
        self.rows = {r.metric.key: r for r in store.scorecard.scorecard()}
        self.metrics = store.scorecard.list_metrics(include_archived=True)
        self.metrics.sort(key=lambda m: m.archived)
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
        warning = store.scorecard.focus_warning()
        self.query_one("#metrics-warning", Static).update(Text(f"⚠ {warning}", style="yellow") if warning else "")
        self.query_one("#metrics-warning", Static).display = bool(warning)
        self._show_details()

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
        names = {c.key: c.name for c in self.store.cadences.list_cadences(include_archived=True)}
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
        history = self.store.scorecard.metric_history(m.key)
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
            warning = self.store.scorecard.focus_warning()
            if warning and hasattr(result, "key") and not hasattr(result, "metric_key"):
                self.notify(warning, severity="warning", title="Focus")

    def action_record(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import record_metric_form

        m = self.selected()
        if m is not None and m.archived:
            self.notify("This metric is archived; restore it (x) to record values", severity="warning")
            return
        self.app.push_screen(record_metric_form(self.store, metric_key=m.key if m else None), self._after_save)

    def action_add(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import metric_form

        self.app.push_screen(metric_form(self.store), self._after_save)

    def action_edit(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import metric_form

        m = self.selected()
        if m is not None:
            self.app.push_screen(metric_form(self.store, m), self._after_save)

    def action_archive(self) -> None:
        m = self.selected()
        if m is None:
            return
        updated = self.store.scorecard.archive_metric(m.key, not m.archived)
        self.notify(f"{'Archived' if updated.archived else 'Restored'} {updated.name}", title="Scorecard")
        self.reload(select=m.key)
