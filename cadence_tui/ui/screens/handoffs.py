"""The hand-off register: each hand-off's failures and health rating side by
side, its ratings quarter by quarter, and its one-page agreement (editable)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from cadence_tui.core.playbook import HandoffStatus
from cadence_tui.core.wording import counted
from cadence_tui.store.errors import StoreError
from cadence_tui.ui.app_access import app_store
from cadence_tui.ui.screens.global_keys import quiet_global_keys
from cadence_tui.ui.store_work import StoreWork
from cadence_tui.ui.stylesheets import css


def rating_bar(average: float, width: int = 10) -> str:
    """A 1–5 rating as a bar of ``width`` cells, with eighths."""
    cells = max(0.0, min(5.0, average)) / 5 * width
    full = int(cells)
    part = "▏▎▍▌▋▊▉"[int((cells - full) * 7) - 1] if cells - full >= 1 / 7 else ""
    return "█" * full + part


def rating_style(rating: float | None) -> str:
    if rating is None:
        return "dim"
    return "bold red" if rating < 2.5 else ("yellow" if rating < 3.5 else "green")


class HandoffsScreen(StoreWork, Screen[None]):
    """List of hand-offs; details of the highlighted one below."""

    CSS_PATH = css("playbook.tcss")

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="handoffs-back"),
        Binding("e", "edit", "Edit hand-off", id="handoff-edit"),
        Binding("a", "add", "Add hand-off", id="handoff-add"),
        Binding("f", "log_failure", "Log failure", id="handoff-log-failure"),
        *quiet_global_keys(skip="a"),
    ]

    def __init__(self) -> None:
        super().__init__(id="handoffs-screen")
        self.register: list[HandoffStatus] = []
        self.entries: dict[str, list] = {}  # hand-off key -> its latest fail-fast entries, read when shown
        self.causes: list[str] = []  # causes logged so far (the fail-fast form's suggestions)

    @property
    def store(self):
        return app_store(self)

    def compose(self) -> ComposeResult:
        yield Static(Text("Hand-off register", style="bold"), id="handoffs-title", classes="pb-title")
        with Vertical(classes="pb-body"):
            yield DataTable(id="handoffs-table", cursor_type="row", classes="pb-table")
            with VerticalScroll(id="handoff-details-scroll", classes="pb-details"):
                yield Static(id="handoff-details")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#handoffs-table", DataTable)
        for label, key in (
            ("Hand-off", "label"),
            ("Owner", "owner"),
            ("Failures", "failures"),
            ("Latest", "latest"),
            ("By quarter", "quarters"),
        ):
            table.add_column(label, key=key)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the register again (in a worker), then redraw."""
        self.expect_data()
        current = select or (chosen.handoff.key if (chosen := self.selected()) else None)
        self.load_store(
            lambda store: (store.playbook.handoff_register(), list(store.playbook.failfast_causes())),
            lambda data: self._show(data[0], data[1], current),
            group="handoffs",
        )

    def _show(self, register: list[HandoffStatus], causes: list[str], current: str | None) -> None:
        table = self.query_one("#handoffs-table", DataTable)
        self.register = register
        self.causes = causes
        self.entries = {}
        table.clear()
        for r in self.register:
            h = r.handoff
            failures = Text(
                str(r.failures),
                justify="right",
                style="bold red" if r.failures > 2 else ("yellow" if r.failures else "dim"),
            )
            latest = Text(
                f"{r.latest_rating}/5" if r.latest_rating is not None else "—",
                justify="right",
                style=rating_style(r.latest_rating),
            )
            quarters = Text()
            for i, q in enumerate(r.quarters[-3:]):
                if i:
                    quarters.append(" · ", style="dim")
                quarters.append(f"{q.quarter[-2:]} ", style="dim")
                quarters.append(f"{q.average:.1f}", style=rating_style(q.average))
            trend = r.rating_trend
            if trend:
                quarters.append(" ▲" if trend > 0 else " ▼", style="green" if trend > 0 else "red")
            table.add_row(
                Text(h.label, style="bold"),
                Text(h.owner or "—"),
                failures,
                latest,
                quarters if r.quarters else Text("no ratings", style="dim"),
                key=h.key,
            )
        if current:
            for i, r in enumerate(self.register):
                if r.handoff.key == current:
                    table.move_cursor(row=i)
        self._show_details()
        self.data_shown()

    def selected(self) -> HandoffStatus | None:
        table = self.query_one("#handoffs-table", DataTable)
        if not self.register or table.cursor_row < 0:
            return None
        return self.register[min(table.cursor_row, len(self.register) - 1)]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_details()

    def _show_details(self) -> None:
        details = self.query_one("#handoff-details", Static)
        r = self.selected()
        if r is None:
            details.update(Text("No hand-offs registered. Press a to add one.", style="dim"))
            return
        h = r.handoff
        text = Text()
        text.append(h.label, style="bold")
        text.append(f"  owner {h.owner or '—'}  ({h.key})\n", style="dim")
        text.append("Packet: ", style="dim")
        text.append(", ".join(h.packet_fields) or "—")
        for label, value in (
            ("Deliverables", h.deliverables),
            ("Timeline", h.timeline),
            ("Success criteria", h.success_criteria),
        ):
            text.append(f"\n{label}: ", style="dim")
            text.append(value or "—")
        text.append("\n\nHealth by quarter (1–5)\n", style="bold")
        if not r.quarters:
            text.append("  not rated yet (the All-Hands health check rates it)\n", style="dim")
        for q in r.quarters[-8:]:
            text.append(f"  {q.quarter}  ")
            text.append(f"{rating_bar(q.average):<10}", style=rating_style(q.average))
            text.append(f" {q.average:.1f}", style=rating_style(q.average))
            text.append(f"  ({counted(q.count, 'rating')})\n", style="dim")
        entries = self.entries.get(h.key)
        if entries is None:  # read once, in a worker; shown when it arrives
            key = h.key
            self.load_store(
                lambda store: store.playbook.failfast_entries(handoff_key=key, limit=3),
                lambda found: self._got_entries(key, found),
                group="entries",
            )
            entries = []
        text.append(f"\nFailures: {r.failures}", style="bold")
        for e in entries:
            text.append(f"\n  {e.created_at.astimezone():%d %b %Y}  ", style="dim")
            text.append(e.what)
            if e.cause:
                text.append(f"  — {e.cause}", style="yellow")
        details.update(text)

    def _got_entries(self, key: str, entries: list) -> None:
        self.entries[key] = entries
        chosen = self.selected()
        if chosen is not None and chosen.handoff.key == key:
            self._show_details()

    # -- actions -------------------------------------------------------------------
    def _saved(self, result: object) -> None:
        if result is None:
            return
        key = getattr(result, "handoff_key", None) or getattr(result, "key", None)
        self.reload(select=key)
        if hasattr(result, "handoff_key"):
            self.notify("Logged in the fail-fast log", title="Hand-offs")
        else:
            self.notify(f"Saved {getattr(result, 'label', '')}", title="Hand-offs")

    def action_edit(self) -> None:
        self.when_shown(self._edit)

    def _edit(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import handoff_spec

        r = self.selected()
        if r is not None:
            self.open_write_form(handoff_spec(r.handoff), self._saved)

    def action_add(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import handoff_spec

        self.open_write_form(handoff_spec(), self._saved)

    def action_log_failure(self) -> None:
        self.when_shown(self._log_failure)

    def _log_failure(self) -> None:
        from cadence_tui.ui.widgets.playbook_forms import failfast_spec

        r = self.selected()
        active = [status.handoff for status in self.register if not status.handoff.archived]
        try:
            spec = failfast_spec(active, self.causes, handoff_key=r.handoff.key if r else None)
        except StoreError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.open_write_form(spec, self._saved)
