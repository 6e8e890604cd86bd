"""A compact shared-metric scorecard: one line per metric with its last value,
the change since the previous one, a sparkline of the last 12 values and the
target. Off-target values stand out (bold, error colour, "off target")."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cadence_tui.playbook import ScorecardRow, format_change, format_number


NARROW = 64  # below this many cells a metric takes two lines


def _cells(row: ScorecardRow) -> tuple[Text, Text, Text, Text, Text]:
    """Name, last value, change, trend and target of one line, styled."""
    m = row.metric
    off = row.off_target
    value_style = "bold red" if off else ("green" if row.last is not None and m.target is not None else "")
    last = Text(format_number(row.last, m.unit), style=value_style)
    if row.improving is None:
        change = Text(format_change(row.change), style="dim")
    else:
        change = Text(format_change(row.change), style="green" if row.improving else "yellow")
    trend = Text(row.sparkline or "no values", style=("red" if off else "cyan") if row.values else "dim")
    if m.target is None:
        target = Text("no target", style="dim")
    else:
        sign = "≥" if m.direction == "higher" else "≤"
        target = Text(f"{sign} {format_number(m.target)}", style="dim")
        if off:
            target.append("  off target", style="bold red")
    return Text(m.name, style="bold red" if off else "bold"), last, change, trend, target


def scorecard_text(rows: list[ScorecardRow], *, empty: str = "No metrics yet") -> Text:
    """Two lines per metric, for narrow places (a meeting's side panel)."""
    if not rows:
        return Text(empty, style="dim")
    out = Text()
    for i, row in enumerate(rows):
        name, last, change, trend, target = _cells(row)
        if i:
            out.append("\n")
        out.append_text(name)
        out.append("  ")
        out.append_text(target)
        out.append("\n  ")
        out.append_text(last)
        out.append(" ")
        out.append_text(change)
        out.append("  ")
        out.append_text(trend)
    out.no_wrap, out.overflow = True, "ellipsis"
    return out


def scorecard_table(rows: list[ScorecardRow], *, empty: str = "No metrics yet") -> Table | Text:
    """The scorecard as a Rich grid; user text goes in as ``Text`` (never markup)."""
    if not rows:
        return Text(empty, style="dim")
    grid = Table.grid(padding=(0, 2))
    grid.add_column("metric", no_wrap=True, overflow="ellipsis", min_width=8)
    grid.add_column("last", justify="right", no_wrap=True)
    grid.add_column("change", justify="right", no_wrap=True, min_width=6)
    grid.add_column("trend", no_wrap=True, width=12)
    grid.add_column("target", no_wrap=True)
    for row in rows:
        name, last, change, trend, target = _cells(row)
        if not row.off_target:
            name.stylize("not bold")
        grid.add_row(name, last, change, trend, target)
    return grid


class Scorecard(Static):
    """The scorecard of every active metric, or of those a cadence reviews.

    Call :meth:`reload` to read the store again (after recording a value).
    """

    DEFAULT_CLASSES = "scorecard"

    def __init__(self, cadence_key: str | None = None, *, title: str = "Scorecard", **kwargs) -> None:
        super().__init__(**kwargs)
        self.cadence_key = cadence_key
        self.rows: list[ScorecardRow] = []
        self.warning: str | None = None
        self.border_title = title

    def on_mount(self) -> None:
        # After the first frame: the home screen paints before the playbook part loads.
        self.call_after_refresh(self.reload)

    def reload(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        self.rows = store.scorecard(self.cadence_key)
        self.warning = store.focus_warning() if self.cadence_key is None else None
        self.border_subtitle = self.warning and "more than 3 metrics: keep the focus"
        self._draw()
        self.set_class(any(r.off_target for r in self.rows), "-off-target")

    def _draw(self) -> None:
        empty = "No metric reviewed here" if self.cadence_key else "No metrics yet"
        narrow = 0 < self.content_region.width < NARROW
        self._narrow = narrow
        self.update(scorecard_text(self.rows, empty=empty) if narrow else scorecard_table(self.rows, empty=empty))

    def on_resize(self) -> None:
        if self.is_mounted and getattr(self, "_narrow", None) is not None:
            if (0 < self.content_region.width < NARROW) != self._narrow:
                self._draw()

    def plain_lines(self) -> list[str]:
        """What the scorecard shows, one plain string per metric (for tests and summaries)."""
        out = []
        for r in self.rows:
            target = "" if r.metric.target is None else f" target {format_number(r.metric.target)}"
            flag = " off target" if r.off_target else ""
            out.append(f"{r.metric.name}: {format_number(r.last, r.metric.unit)} {format_change(r.change)}"
                       f" {r.sparkline}{target}{flag}".replace("  ", " ").strip())
        return out
