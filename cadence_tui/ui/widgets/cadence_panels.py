"""Each cadence's own panel on the meeting screen.

A panel only displays; the screen owns the keys and the forms. Each panel
has ``read(store, meeting_id)`` (a class method: what it shows, read on
whichever thread calls it: the meeting screen's thread worker) and
``show(data)`` (draws it, on the UI thread); ``load(store, meeting_id)``
does both at once. A resize redraws what was read, reading nothing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from cadence_tui.core.meeting import Entry, Meeting
from cadence_tui.core.panels import TREND_ARROWS, change, compact_money, money, signed
from cadence_tui.kinds.all_hands import HealthRow, Win
from cadence_tui.kinds.finance import BudgetLine, budget_totals
from cadence_tui.kinds.pipeline import STAGE_LABELS, STAGES, PipelineView
from cadence_tui.kinds.sprint import DemoItem
from cadence_tui.ui.widgets.agenda_list import truncate


def _pct(value: float | None, spaced: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} %" if spaced else f"{value:.1f}%"


class CadencePanel(Vertical):
    """Base of the four panels."""

    TAB_TITLE = "Panel"
    _shown: object = None  # the data last shown (redrawn on resize)

    @classmethod
    def read(cls, store, meeting_id: int) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def show(self, data: object) -> None:
        self._shown = data
        self._draw(data)

    def _draw(self, data: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def load(self, store, meeting_id: int) -> None:
        """Read and show at once (on the calling thread)."""
        self.show(self.read(store, meeting_id))

    def on_resize(self) -> None:
        # Column widths follow the panel's width (a hidden tab has none until shown).
        if self._shown is not None:
            self._draw(self._shown)

    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @staticmethod
    def _resize_first_text_column(table: DataTable, key: str, fixed: int) -> int:
        width = max(8, table.scrollable_content_region.width - fixed) if table.size.width else 24
        table.columns[ColumnKey(key)].width = width
        return width


# -- Sprint Review ------------------------------------------------------------------
class DemoPanel(CadencePanel):
    TAB_TITLE = "Demos"
    # Class defaults, not set in on_mount: the screen may show its first read
    # before this panel's on_mount runs.
    demos: list[DemoItem] = []

    def compose(self) -> ComposeResult:
        yield DataTable(id="demo-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="demo-feedback", classes="panel-detail")

    def on_mount(self) -> None:
        t = self.table()
        t.add_column("Demo", key="what", width=24)
        t.add_column("By", key="by", width=10)
        t.add_column("Fb", key="fb", width=3)

    @classmethod
    def read(cls, store, meeting_id: int) -> list[DemoItem]:
        return store.panels.demos(meeting_id)

    def _draw(self, data: list[DemoItem]) -> None:
        self.demos = data
        t = self.table()
        width = self._resize_first_text_column(t, "what", 10 + 3 + 8)
        cursor = t.cursor_row
        t.clear()
        for d in self.demos:
            t.add_row(
                Text(truncate(d.what, width)),
                Text(truncate(d.presenter or "—", 10)),
                Text(str(len(d.feedback_lines)), justify="right"),
                key=str(d.id),
            )
        if self.demos:
            t.move_cursor(row=min(max(cursor, 0), len(self.demos) - 1) if t.has_focus else len(self.demos) - 1)
        self.show_feedback()

    @property
    def highlighted(self) -> DemoItem | None:
        t = self.table()
        if not self.demos or t.cursor_row < 0:
            return None
        return self.demos[min(t.cursor_row, len(self.demos) - 1)]

    def show_feedback(self) -> None:
        demo = self.highlighted
        detail = self.query_one("#demo-feedback", Static)
        if demo is None:
            detail.update(Text("No demos yet: press m to add what is being shown.", style="dim"))
            return
        text = Text()
        text.append(demo.what, style="bold")
        text.append(f" — {demo.presenter}\n" if demo.presenter else "\n", style="dim")
        lines = demo.feedback_lines
        if not lines:
            text.append("No feedback yet: press f to capture some.\n", style="dim")
        for line in lines:
            text.append(f"• {line}\n")
        text.append("f feedback · enter/E edit demo & feedback · del delete", style="dim")
        detail.update(text)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_feedback()


# -- Marketing–Sales Sync -------------------------------------------------------------
class PipelinePanel(CadencePanel):
    TAB_TITLE = "Pipeline"
    view: PipelineView | None = None
    _wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="pipeline-caption", classes="panel-caption")
        yield DataTable(id="pipeline-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="campaign-changes", classes="panel-detail")

    def _columns(self, t: DataTable) -> bool:
        """(Re)build the columns for the width; narrow tables leave out last
        sync's conversion. Returns whether the table is wide."""
        wide = t.scrollable_content_region.width >= 62
        if wide != self._wide:
            self._wide = wide
            t.clear(columns=True)
            t.add_column("Stage", key="stage", width=5)
            t.add_column("Now", key="now", width=8 if wide else 7)
            t.add_column("Last", key="last", width=8 if wide else 7)
            t.add_column("Change", key="change", width=12 if wide else 10)
            t.add_column("Conv.", key="conv", width=7 if wide else 6)
            if wide:
                t.add_column("Last", key="last_conv", width=7)
        return wide

    @classmethod
    def read(cls, store, meeting_id: int) -> tuple[PipelineView, list[Entry]]:
        return store.panels.pipeline(meeting_id), store.panels.campaign_changes(meeting_id)

    def _draw(self, data: tuple[PipelineView, list[Entry]]) -> None:
        self.view = view = data[0]
        changes = data[1]
        caption = Text("This sync vs ", style="dim")
        caption.append(
            f"the sync of {view.previous_when:%d %b}" if view.previous_when else "no earlier sync", style="dim"
        )
        self.query_one("#pipeline-caption", Static).update(caption)
        t = self.table()
        wide = self._columns(t)
        t.clear()
        rates, prev_rates = view.rates, view.previous_rates
        for i, stage in enumerate(STAGES):
            now_v, last_v = view.current.get(stage), view.previous.get(stage)
            delta, pct = change(now_v, last_v)
            if delta is None:
                change_cell = Text("—", style="dim")
            else:
                style = "green" if delta > 0 else "red" if delta < 0 else "dim"
                change_cell = Text(f"{delta:+,.0f}" + (f" {pct:+.0f}%" if pct is not None else ""), style=style)
            conv_key = f"{STAGES[i - 1]}>{stage}" if i else None
            cells = [
                Text(STAGE_LABELS[stage], style="bold"),
                Text("—" if now_v is None else f"{now_v:,}", justify="right", style="" if now_v is not None else "dim"),
                Text("—" if last_v is None else f"{last_v:,}", justify="right", style="dim"),
                change_cell,
                Text(_pct(rates.get(conv_key), wide) if conv_key else "", justify="right"),
            ]
            if wide:
                cells.append(Text(_pct(prev_rates.get(conv_key)) if conv_key else "", justify="right", style="dim"))
            t.add_row(*cells, key=stage)
        text = Text("Campaign changes agreed", style="bold")
        if not changes:
            text.append("\nnone yet: press g to add one", style="dim")
        for c in changes:
            text.append(f"\n• {c.text}")
        if not view.complete:
            text.append("\nPress m to enter this period's leads, MQL, SQL and won.", style="dim")
        self.query_one("#campaign-changes", Static).update(text)


# -- Finance Business Review ----------------------------------------------------------
class BudgetPanel(CadencePanel):
    TAB_TITLE = "Budget"
    lines: list[BudgetLine] = []
    threshold = 10.0
    reforecast: float | None = None

    def compose(self) -> ComposeResult:
        yield DataTable(id="budget-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="budget-summary", classes="panel-detail")

    def on_mount(self) -> None:
        t = self.table()
        t.add_column("Dept", key="dept", width=12)
        t.add_column("Budget", key="budget", width=10)
        t.add_column("Actual", key="actual", width=10)
        t.add_column("Var", key="var", width=10)
        t.add_column("Var %", key="pct", width=7)

    @classmethod
    def read(cls, store, meeting_id: int) -> tuple[Meeting, list[BudgetLine]]:
        return store.meetings.get_meeting(meeting_id), store.panels.budget_lines(meeting_id)

    def _draw(self, data: tuple[Meeting, list[BudgetLine]]) -> None:
        meeting, self.lines = data
        self.threshold = meeting.variance_threshold
        self.reforecast = meeting.reforecast
        t = self.table()
        # Narrow terminals get 420.5k instead of 420,512.
        narrow = t.scrollable_content_region.width < 70
        fmt = compact_money if narrow else money
        amount_width = 7 if narrow else 12
        for key in ("budget", "actual", "var"):
            t.columns[ColumnKey(key)].width = amount_width
        width = self._resize_first_text_column(t, "dept", amount_width * 3 + 7 + 10)
        cursor = t.cursor_row
        t.clear()
        for line in self.lines:
            flagged = line.flagged(self.threshold)
            style = "bold red" if flagged else ""
            pct = line.variance_pct
            dept = Text("⚑ " if flagged else "", style="bold red")
            dept.append(truncate(line.department, width - len(dept)), style="bold" if flagged else "")
            var = fmt(abs(line.variance))
            var = ("+" if line.variance > 0 else "-" if line.variance < 0 else "±") + var
            t.add_row(
                dept,
                Text(fmt(line.budget), justify="right"),
                Text(fmt(line.actual), justify="right"),
                Text(var, justify="right", style=style),
                Text("n/a" if pct is None else f"{pct:+.1f}%", justify="right", style=style),
                key=str(line.id),
            )
        if self.lines:
            t.move_cursor(row=min(max(cursor, 0), len(self.lines) - 1))
        totals = budget_totals(self.lines)
        text = Text()
        over = [line for line in self.lines if line.flagged(self.threshold)]
        text.append(f"Threshold ±{self.threshold:g} %", style="bold")
        text.append(
            f" · {len(over)} line{'s' if len(over) != 1 else ''} over it" if self.lines else "",
            style="bold red" if over else "dim",
        )
        text.append(" (press % to change)", style="dim")
        if self.lines:
            text.append(f"\nTotal budget {money(totals.budget)} · actual {money(totals.actual)} · variance ")
            text.append(signed(totals.variance))
            if totals.variance_pct is not None:
                text.append(f" ({totals.variance_pct:+.1f} %)")
        else:
            text.append("\nNo lines yet: press l to add a department's budget and actual.", style="dim")
        text.append("\nRe-forecast: ", style="bold")
        if meeting.reforecast is None:
            text.append("not set (press r)", style="dim")
        else:
            text.append(money(meeting.reforecast))
            if self.lines:
                text.append(f" ({signed(meeting.reforecast - totals.budget)} vs budget)", style="dim")
        self.query_one("#budget-summary", Static).update(text)

    @property
    def highlighted(self) -> BudgetLine | None:
        t = self.table()
        if not self.lines or t.cursor_row < 0:
            return None
        return self.lines[min(t.cursor_row, len(self.lines) - 1)]


# -- All-Hands ----------------------------------------------------------------------------
class HealthPanel(CadencePanel):
    TAB_TITLE = "Health"
    rows: list[HealthRow] = []

    def compose(self) -> ComposeResult:
        yield DataTable(id="health-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="health-comment", classes="panel-detail")
        yield Static(id="wins-list", classes="panel-detail")

    def on_mount(self) -> None:
        t = self.table()
        t.add_column("Hand-off", key="handoff", width=22)
        t.add_column("Now", key="now", width=3)
        t.add_column("Last", key="last", width=4)
        t.add_column("Trend", key="trend", width=5)

    @classmethod
    def read(cls, store, meeting_id: int) -> tuple[list[HealthRow], list[Win]]:
        return store.panels.health_check(meeting_id), store.panels.wins(meeting_id)

    def _draw(self, data: tuple[list[HealthRow], list[Win]]) -> None:
        self.rows, wins = data
        t = self.table()
        width = self._resize_first_text_column(t, "handoff", 3 + 4 + 5 + 8)
        cursor = t.cursor_row
        t.clear()
        for row in self.rows:
            trend = row.trend
            style = {"up": "green", "down": "bold red", "same": "dim", "new": "cyan"}.get(trend, "dim")
            t.add_row(
                Text(truncate(row.handoff.label, width)),
                Text(
                    "—" if row.rating is None else str(row.rating),
                    justify="right",
                    style="bold" if row.rating else "dim",
                ),
                Text("—" if row.previous_rating is None else str(row.previous_rating), justify="right", style="dim"),
                Text(TREND_ARROWS[trend], style=style),
                key=str(row.handoff.id),
            )
        if self.rows:
            t.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        self.show_comment()
        text = Text("Wins to celebrate", style="bold")
        if not wins:
            text.append("\nnone yet: press w to add one", style="dim")
        for w in wins:
            text.append(f"\n★ {w.text}")
            if w.who:
                text.append(f" — {w.who}", style="dim")
        self.query_one("#wins-list", Static).update(text)

    @property
    def highlighted(self) -> HealthRow | None:
        t = self.table()
        if not self.rows or t.cursor_row < 0:
            return None
        return self.rows[min(t.cursor_row, len(self.rows) - 1)]

    def show_comment(self) -> None:
        row = self.highlighted
        detail = self.query_one("#health-comment", Static)
        if row is None:
            detail.update("")
            return
        text = Text(f"{row.handoff.label}: ", style="bold")
        text.append(
            row.comment or ("not rated yet (press r)" if row.rating is None else "no comment"),
            style="" if row.comment else "dim",
        )
        if row.previous_comment:
            text.append(f"\nlast time: {row.previous_comment}", style="dim")
        detail.update(text)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_comment()
