"""The fail-fast log grouped by hand-off and by cause: repeats are patterns."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cadence_tui.core.playbook import FailfastEntry, FailfastPatterns, Pattern
from cadence_tui.core.wording import counted
from cadence_tui.store.errors import StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.store_work import StoreWork
from cadence_tui.ui.stylesheets import css


class FailfastScreen(StoreWork, Screen[None]):
    """Two pattern tables (by hand-off, by cause); the entries of the
    highlighted group below."""

    CSS_PATH = css("playbook.tcss")

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="failfast-back"),
        Binding("n", "log", "Log failure", id="failfast-log"),
        *quiet_global_keys(),
    ]

    def __init__(self) -> None:
        super().__init__(id="failfast-screen")
        self.patterns = FailfastPatterns((), (), 0)
        self.entries: list[FailfastEntry] = []
        self._group: tuple[str, str] | None = None  # ("handoff"|"cause", label)
        self.handoffs: list = []  # every hand-off, archived too (labels -> keys)
        self.causes: list[str] = []  # causes logged so far (the form's suggestions)

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield Static(Text("Fail-fast log", style="bold"), id="failfast-title", classes="pb-title")
        with Vertical(classes="pb-body"):
            with Horizontal(id="failfast-groups"):
                yield DataTable(id="by-handoff", cursor_type="row", classes="pb-table")
                yield DataTable(id="by-cause", cursor_type="row", classes="pb-table")
            yield Static("", id="failfast-entries-title", classes="pb-subtitle")
            with VerticalScroll(id="failfast-entries", classes="pb-details"):
                yield Static(id="failfast-entries-text")
        yield Footer()

    def on_mount(self) -> None:
        by_handoff = self.query_one("#by-handoff", DataTable)
        by_handoff.border_title = "By hand-off"
        by_handoff.add_column("Hand-off", key="label")
        by_handoff.add_column("Failures", key="count")
        by_cause = self.query_one("#by-cause", DataTable)
        by_cause.border_title = "By cause"
        by_cause.add_column("Cause", key="label")
        by_cause.add_column("Failures", key="count")
        self.reload()

    def reload(self, then: Callable[[], object] | None = None) -> None:
        """Read the log again (in a worker), redraw, then ``then()``."""
        self.expect_data()

        def read(store) -> tuple:
            return (
                store.playbook.failfast_patterns(),
                store.playbook.list_handoffs(include_archived=True),
                list(store.playbook.failfast_causes()),
            )

        def show(data: tuple) -> None:
            self.patterns, self.handoffs, self.causes = data
            self._redraw()
            self.data_shown()
            if then is not None:
                then()

        self.load_store(read, show, group="failfast")

    def _redraw(self) -> None:
        self._fill(self.query_one("#by-handoff", DataTable), self.patterns.by_handoff)
        self._fill(self.query_one("#by-cause", DataTable), self.patterns.by_cause)
        total = self.patterns.total
        self.query_one("#failfast-title", Static).update(
            Text.assemble(
                ("Fail-fast log", "bold"),
                ("  ", ""),
                (f"{total} entr{'y' if total == 1 else 'ies'}; repeats are patterns", "dim"),
            )
        )
        self._show_entries()

    def _fill(self, table: DataTable, patterns: tuple[Pattern, ...]) -> None:
        table.clear()
        for p in patterns:
            table.add_row(
                Text(p.label, style="bold" if p.repeated else ""),
                Text(
                    str(p.count) + (" pattern" if p.repeated else ""),
                    style="bold red" if p.count > 2 else ("yellow" if p.repeated else "dim"),
                    justify="right",
                ),
                key=p.label,
            )

    def _selected_group(self) -> tuple[str, str] | None:
        focused = self.focused
        table_id = focused.id if isinstance(focused, DataTable) and focused.id in ("by-handoff", "by-cause") else None
        if table_id is None:
            return self._group
        patterns = self.patterns.by_handoff if table_id == "by-handoff" else self.patterns.by_cause
        table = self.query_one(f"#{table_id}", DataTable)
        if not patterns or table.cursor_row < 0:
            return None
        p = patterns[min(table.cursor_row, len(patterns) - 1)]
        return ("handoff" if table_id == "by-handoff" else "cause", p.label)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id in ("by-handoff", "by-cause") and event.data_table.has_focus:
            self._show_entries()

    def on_descendant_focus(self, _event: object) -> None:
        self._show_entries()

    def _handoff_key(self, label: str, *, active: bool = False) -> str | None:
        return next((h.key for h in self.handoffs if h.label == label and not (active and h.archived)), None)

    def _show_entries(self) -> None:
        """Read the highlighted group's entries (in a worker), then show them."""
        group = self._selected_group()
        self._group = group
        label = "" if group is None else group[1]
        title: Callable[[int], str]
        if group is None:
            title = lambda _n: "Latest entries"  # noqa: E731
            read = lambda store: store.playbook.failfast_entries(limit=100)  # noqa: E731
        elif group[0] == "handoff":
            key = self._handoff_key(group[1])
            read = lambda store: store.playbook.failfast_entries(handoff_key=key, limit=100) if key else []  # noqa: E731
            title = lambda n: f"{label}: {counted(n, 'failure')}"  # noqa: E731
        else:
            cause = "" if group[1] == "(no cause given)" else group[1]
            read = lambda store: store.playbook.failfast_entries(cause=cause, limit=100)  # noqa: E731
            title = lambda n: f"Cause “{label}”: {counted(n, 'failure')}"  # noqa: E731
        self.load_store(read, lambda entries: self._fill_entries(title, entries), group="entries")

    def _fill_entries(self, title: Callable[[int], str], entries: list[FailfastEntry]) -> None:
        self.entries = entries
        self.query_one("#failfast-entries-title", Static).update(Text(title(len(entries)), style="bold"))
        text = Text()
        for i, e in enumerate(self.entries):
            if i:
                text.append("\n")
            text.append(f"{e.created_at.astimezone():%d %b %Y}  ", style="dim")
            text.append(e.handoff_label, style="bold")
            if e.cadence_name:
                text.append(f"  (in {e.cadence_name})", style="dim")
            text.append("\n  ")
            text.append(e.what)
            text.append("\n  why: ", style="dim")
            text.append(e.cause or "—", style="yellow" if e.cause else "dim")
            text.append("  fix: ", style="dim")
            text.append(e.fix or "—", style="green" if e.fix else "dim")
        self.query_one("#failfast-entries-text", Static).update(text)
        if not self.entries:
            self.query_one("#failfast-entries-title", Static).update(
                Text("No entries yet. Press n to log a hand-off that broke down.", style="dim")
            )

    def action_log(self) -> None:
        self.when_shown(self._log)

    def _log(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import failfast_spec

        handoff_key = None
        if self._group and self._group[0] == "handoff":
            handoff_key = self._handoff_key(self._group[1], active=True)

        def saved(entry: FailfastEntry | None) -> None:
            if entry is not None:

                def counted_now() -> None:
                    count = next((p.count for p in self.patterns.by_handoff if p.label == entry.handoff_label), 1)
                    self.notify(
                        f"{entry.handoff_label}: {count} failure{'s' if count != 1 else ''} logged",
                        title="Fail-fast log",
                    )

                self.reload(then=counted_now)

        active = [h for h in self.handoffs if not h.archived]
        try:
            spec = failfast_spec(active, self.causes, handoff_key=handoff_key)
        except StoreError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.open_write_form(spec, saved)
