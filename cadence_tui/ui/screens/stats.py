"""Time statistics per cadence: planned vs actual minutes per agenda item as
bars, duration against the timebox, rating, attendance, action items."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from cadence_tui.core.stats import CadenceStats, minutes, percent
from cadence_tui.core.wording import counted
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.store_work import StoreWork
from cadence_tui.ui.stylesheets import css

WINDOWS = (6, 12, 24, 52)
BAR_WIDTH = 24


def bar(value: float, scale: float, width: int = BAR_WIDTH) -> str:
    """``value`` as a bar of eighths, ``scale`` filling ``width`` cells."""
    if scale <= 0 or value <= 0:
        return ""
    cells = min(value / scale, 1.0) * width
    full = int(cells)
    rest = cells - full
    part = "▏▎▍▌▋▊▉"[min(6, int(rest * 8) - 1)] if rest >= 1 / 8 else ""
    return "█" * full + part


def summary_text(s: CadenceStats) -> Text:
    text = Text()
    if not s.meetings:
        text.append(f"{s.cadence_name}: no ended meetings yet.", style="dim")
        return text
    text.append(f"Last {counted(s.meetings, 'meeting')}", style="bold")
    text.append(f"  {s.first.astimezone():%d %b %Y} – {s.last.astimezone():%d %b %Y}\n", style="dim")  # type: ignore[union-attr]
    over = s.over_timebox
    text.append("Duration    ", style="dim")
    text.append(f"{minutes(s.avg_duration_min)} on average, timebox {s.avg_timebox_min:.0f} min; ")
    text.append(f"over in {over} of {s.meetings}", style="bold red" if over * 2 > s.meetings else "")
    if s.avg_overrun_min:
        text.append(f" (+{s.avg_overrun_min:.1f} min when over)", style="dim")
    text.append("\nRating      ", style="dim")
    if s.avg_rating is None:
        text.append("not rated", style="dim")
    else:
        text.append(f"{s.avg_rating:.1f} / 10", style="green" if s.avg_rating >= 7 else "yellow")
        text.append(f" from {s.ratings} ratings", style="dim")
    text.append("   Attendance ", style="dim")
    text.append(percent(s.attendance_rate))
    text.append("\nActions     ", style="dim")
    text.append(f"{s.actions_raised} raised, {s.actions_done} done ({percent(s.completion_rate)})")
    if s.on_time_base:
        # Only when there is something to say: "on time — of 0" read as noise.
        text.append(", ", style="dim")
        text.append(percent(s.on_time_rate))
        text.append(f" on time (of {counted(s.on_time_base, 'done item')} with a due date)", style="dim")
    if s.median_days_to_close is not None:
        text.append(", median ", style="dim")
        text.append(f"{s.median_days_to_close:.1f} days")
        text.append(" to close", style="dim")
    return text


def items_text(s: CadenceStats, width: int = BAR_WIDTH) -> Text:
    """Per agenda item: its title and how often it runs over, then the planned
    (dim) and actual (coloured) bars on a common scale."""
    text = Text()
    if not s.items:
        text.append("No agenda items timed in these meetings.", style="dim")
        return text
    scale = max(max(i.planned_min, i.actual_min) for i in s.items)
    for n, i in enumerate(s.items):
        if n:
            text.append("\n")
        ran_over = i.actual_min > i.planned_min
        style = "bold red" if i.always_over else ("yellow" if ran_over else "green")
        text.append(i.title, style="bold")
        if i.always_over:
            text.append(f"  always over, +{i.avg_over_min:.1f} min", style="bold red")
        elif i.over_count:
            text.append(
                f"  over in {i.over_count} of {i.meetings}, +{i.avg_over_min:.1f} min when over", style="yellow"
            )
        else:
            text.append("  never over", style="dim")
        text.append("\n  planned ", style="dim")
        text.append(bar(i.planned_min, scale, width).ljust(width), style="dim")
        text.append(f" {i.planned_min:5.1f} min", style="dim")
        text.append("\n  actual  ", style="dim")
        text.append(bar(i.actual_min, scale, width).ljust(width), style=style)
        text.append(f" {i.actual_min:5.1f} min", style=style)
    return text


def durations_text(s: CadenceStats, width: int = BAR_WIDTH) -> Text:
    """Each meeting's duration against its timebox, oldest first."""
    text = Text()
    if not s.durations:
        return text
    scale = max(max(s.durations), s.avg_timebox_min or 0)
    text.append("Meeting durations (oldest first; the mark is the timebox)\n", style="bold")
    mark = round((s.avg_timebox_min or 0) / scale * width) if scale else 0
    for d in s.durations:
        over = s.avg_timebox_min is not None and d > s.avg_timebox_min
        b = bar(d, scale, width)
        line = b.ljust(width)
        if 0 < mark <= width:
            line = line[: mark - 1] + ("┃" if len(b) < mark else "╋") + line[mark:]
        text.append("  " + line, style="red" if over else "green")
        text.append(f" {d:5.1f} min\n", style="red" if over else "dim")
    return text


class CadenceSwitcher(Static):
    """One line of cadence names, the active one highlighted; click one to pick it.

    (Textual's ``Tabs`` cost ~150 ms to mount here, most of the budget.)"""

    class Changed(Message):
        """The active cadence changed."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, cadences: list[tuple[str, str]], active: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._spans: list[tuple[int, int]] = []
        self.set_cadences(cadences, active)

    def set_cadences(self, cadences: list[tuple[str, str]], active: str | None = None) -> None:
        """Show ``cadences`` (key, name), ``active`` highlighted (the first if it is not among them)."""
        self.cadences = cadences
        keys = [k for k, _ in cadences]
        self.index = keys.index(active) if active in keys else 0
        if self.is_mounted:
            self._draw()

    @property
    def active(self) -> str | None:
        return self.cadences[self.index][0] if self.cadences else None

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        text = Text()
        self._spans = []
        for i, (_key, name) in enumerate(self.cadences):
            start = len(text)
            text.append(f" {name} ", style="reverse bold" if i == self.index else "dim")
            self._spans.append((start, len(text)))
            text.append(" ")
        self.update(text)

    def select(self, index: int) -> None:
        if not self.cadences:
            return
        index %= len(self.cadences)
        if index != self.index:
            self.index = index
            self._draw()
            self.post_message(self.Changed(self.cadences[index][0]))

    def on_click(self, event: events.Click) -> None:
        for i, (start, end) in enumerate(self._spans):
            if start <= event.x < end:
                self.select(i)


class StatsScreen(StoreWork, Screen[None]):
    """One tab per cadence; ``+``/``-`` change how many meetings are counted."""

    CSS_PATH = css("playbook.tcss")

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="stats-back"),
        Binding("left", "previous_cadence", "Previous", id="stats-previous", show=False),
        Binding("right", "next_cadence", "Next", id="stats-next", show=False),
        Binding("plus,equals_sign", "more", "More meetings", id="stats-more"),
        Binding("minus", "fewer", "Fewer meetings", id="stats-fewer"),
        *quiet_global_keys(),
    ]

    def __init__(self, cadence_key: str | None = None) -> None:
        super().__init__(id="stats-screen")
        self.initial = cadence_key
        self.window = 12
        self.stats: CadenceStats | None = None
        self._bar_width = 0

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield Static(Text("Time statistics", style="bold"), id="stats-title", classes="pb-title")
        yield CadenceSwitcher([], self.initial, id="stats-tabs")  # filled once read (on_mount)
        with VerticalScroll(id="stats-body", classes="pb-body"):
            yield Static(id="stats-summary")
            yield Static(
                Text("Agenda items: planned vs actual minutes (average)", style="bold"),
                id="stats-items-title",
                classes="pb-subtitle",
            )
            yield Static(id="stats-items")
            yield Static(id="stats-durations")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-body").focus()
        self.load_store(lambda store: store.cadences.list_cadences(), self._got_cadences, group="cadences")

    def _got_cadences(self, cadences: list) -> None:
        self.query_one("#stats-tabs", CadenceSwitcher).set_cadences([(c.key, c.name) for c in cadences], self.initial)
        self.show()

    @property
    def cadence_key(self) -> str | None:
        return self.query_one("#stats-tabs", CadenceSwitcher).active

    def on_cadence_switcher_changed(self, event: CadenceSwitcher.Changed) -> None:
        event.stop()
        self.show()

    def show(self) -> None:
        """Read the active cadence's statistics (in a worker), then draw them."""
        self.expect_data()
        key, window = self.cadence_key, self.window
        if key is None:
            self.data_shown()  # no cadence: nothing to wait for
            return
        self.load_store(lambda store: store.stats.cadence_stats(key, window), self._draw_stats, group="stats")

    def _draw_stats(self, s: CadenceStats) -> None:
        self.stats = s
        self._draw()
        self.data_shown()

    def _draw(self) -> None:
        s = self.stats
        if s is None:
            return
        self.query_one("#stats-title", Static).update(
            Text.assemble(("Time statistics", "bold"), "  ", (f"{s.cadence_name}, last {self.window} meetings", "dim"))
        )
        self.query_one("#stats-summary", Static).update(summary_text(s))
        width = self._bar_width = max(10, min(60, self.size.width - 28))
        self.query_one("#stats-items", Static).update(items_text(s, width))
        self.query_one("#stats-items-title").display = bool(s.meetings)
        self.query_one("#stats-durations", Static).update(durations_text(s, width))

    def on_resize(self) -> None:
        if self.stats is not None and max(10, min(60, self.size.width - 28)) != self._bar_width:
            self._draw()  # the same figures, drawn to the new width

    def action_previous_cadence(self) -> None:
        self.when_shown(self._previous_cadence)

    def _previous_cadence(self) -> None:
        switcher = self.query_one("#stats-tabs", CadenceSwitcher)
        switcher.select(switcher.index - 1)

    def action_next_cadence(self) -> None:
        self.when_shown(self._next_cadence)

    def _next_cadence(self) -> None:
        switcher = self.query_one("#stats-tabs", CadenceSwitcher)
        switcher.select(switcher.index + 1)

    def action_more(self) -> None:
        self.when_shown(self._more)

    def _more(self) -> None:
        bigger = [w for w in WINDOWS if w > self.window]
        if bigger:
            self.window = bigger[0]
            self.show()

    def action_fewer(self) -> None:
        self.when_shown(self._fewer)

    def _fewer(self) -> None:
        smaller = [w for w in WINDOWS if w < self.window]
        if smaller:
            self.window = smaller[-1]
            self.show()
