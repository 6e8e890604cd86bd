"""A compact shared-metric scorecard: one line per metric with its last value,
the change since the previous one, a sparkline of the last 12 values and the
target. Off-target values stand out (bold, error colour, "off target")."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cadence_tui.core.scorecard import ScorecardRow, format_change, format_number
from cadence_tui.ui.app_access import app_store

NARROW = 64  # below this many cells a metric takes two lines
COMPACT = 96  # below this, one line per metric with a short off-target mark


def _cells(row: ScorecardRow, *, compact: bool = False) -> tuple[Text, Text, Text, Text, Text]:
    """Name, last value, change, trend and target of one line, styled.

    Off target is said in words ("off target", or "✗" when compact), not only
    in colour, so it survives NO_COLOR."""
    m = row.metric
    off = row.off_target
    value_style = "bold red" if off else ("green" if row.last is not None and m.target is not None else "")
    last = Text(format_number(row.last, m.unit), style=value_style)
    if row.improving is None:
        change = Text(format_change(row.change), style="dim")
    else:
        change = Text(format_change(row.change), style="green" if row.improving else "yellow")
    spark = row.sparkline[-10:] if compact else row.sparkline  # the latest values when short of room
    trend = Text(spark or "no values", style=("red" if off else "cyan") if row.values else "dim")
    if m.target is None:
        target = Text("no target", style="dim")
    else:
        sign = "≥" if m.direction == "higher" else "≤"
        target = Text(f"{sign} {format_number(m.target)}", style="dim")
        if off:
            target.append(" ✗" if compact else "  off target", style="bold red")
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


def scorecard_table(rows: list[ScorecardRow], *, empty: str = "No metrics yet", compact: bool = False) -> Table | Text:
    """The scorecard as a Rich grid; user text goes in as ``Text`` (never markup)."""
    if not rows:
        return Text(empty, style="dim")
    grid = Table.grid(padding=(0, 2))
    grid.add_column("metric", no_wrap=True, overflow="ellipsis", min_width=8)
    grid.add_column("last", justify="right", no_wrap=True)
    grid.add_column("change", justify="right", no_wrap=True, min_width=6)
    grid.add_column("trend", no_wrap=True, width=10 if compact else 12)
    grid.add_column("target", no_wrap=True)
    for row in rows:
        name, last, change, trend, target = _cells(row, compact=compact)
        if not row.off_target:
            name.stylize("not bold")
        grid.add_row(name, last, change, trend, target)
    return grid


class Scorecard(Static):
    """The scorecard of every active metric, or of those a cadence reviews.

    Call :meth:`reload` to read the store again (after recording a value).
    """

    DEFAULT_CLASSES = "scorecard"

    def __init__(
        self, cadence_key: str | None = None, *, title: str = "Scorecard", read_on_mount: bool = True, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.cadence_key = cadence_key
        self.rows: list[ScorecardRow] = []
        self.warning: str | None = None
        self.border_title = title
        # False: the screen reads the rows off the UI thread and calls show() (home).
        self._read_on_mount = read_on_mount

    def on_mount(self) -> None:
        # Before the first frame, so the scorecard never pops in (the start-up
        # store has the playbook part).
        if self._read_on_mount:
            self.reload()

    def reload(self) -> None:
        store = app_store(self)
        self.show(
            store.scorecard.scorecard(self.cadence_key),
            store.scorecard.focus_warning() if self.cadence_key is None else None,
        )

    def show(self, rows: list[ScorecardRow], warning: str | None) -> None:
        """Show rows already read (``store.scorecard.scorecard``, ``store.scorecard.focus_warning``)."""
        self.rows = rows
        self.warning = warning
        self.border_subtitle = self.warning and "more than 3 metrics: keep the focus"
        self._draw()
        self.set_class(any(r.off_target for r in self.rows), "-off-target")

    def hold(self, rows: list[ScorecardRow], warning: str | None) -> None:
        """Keep the place :meth:`show` will fill (as many lines, the same border),
        without drawing the grid yet (home's first frame)."""
        self.border_subtitle = warning and "more than 3 metrics: keep the focus"
        self.set_class(any(r.off_target for r in rows), "-off-target")
        width = self.content_region.width
        per_row = 2 if 0 < width < NARROW else 1
        self.update(Text("\n" * (max(1, per_row * len(rows)) - 1)))

    def _draw(self) -> None:
        empty = "No metric reviewed here" if self.cadence_key else "No metrics yet"
        width = self.content_region.width
        narrow = 0 < width < NARROW
        self._mode = "narrow" if narrow else ("compact" if 0 < width < COMPACT else "wide")
        if narrow:
            self.update(scorecard_text(self.rows, empty=empty))
        else:
            self.update(scorecard_table(self.rows, empty=empty, compact=self._mode == "compact"))

    def on_resize(self) -> None:
        if self.is_mounted and getattr(self, "_mode", None) is not None:
            width = self.content_region.width
            mode = "narrow" if 0 < width < NARROW else ("compact" if 0 < width < COMPACT else "wide")
            if mode != self._mode:
                self._draw()

    def plain_lines(self) -> list[str]:
        """What the scorecard shows, one plain string per metric (for tests and summaries)."""
        out = []
        for r in self.rows:
            target = "" if r.metric.target is None else f" target {format_number(r.metric.target)}"
            flag = " off target" if r.off_target else ""
            out.append(
                f"{r.metric.name}: {format_number(r.last, r.metric.unit)} {format_change(r.change)}"
                f" {r.sparkline}{target}{flag}".replace("  ", " ").strip()
            )
        return out
