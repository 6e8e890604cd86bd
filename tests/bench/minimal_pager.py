"""The baseline for "PageDown as seen in a terminal": the smallest Textual app
that repaints 20 rows of 90 columns on each PageDown (a Static holding the
page's text, and a Footer). ``bench_actions.measure_terminal`` runs it in a
pseudo-terminal exactly as it runs Cadence's action-items list."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

FIRST_FRAME_MARKER = "Minimal pager"
ROWS, COLUMNS = 20, 90


def page_text(page: int) -> str:
    return "\n".join(
        f"{page * ROWS + i:07d} " + f"row {page * ROWS + i} of the list ".ljust(COLUMNS - 8, "·") for i in range(ROWS)
    )


class MinimalPager(App[None]):
    BINDINGS = [Binding("pagedown", "next", "Next page"), Binding("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.page = 0

    def compose(self) -> ComposeResult:
        yield Static(FIRST_FRAME_MARKER)
        yield Static(page_text(0), id="page")
        yield Footer()

    def action_next(self) -> None:
        self.page += 1
        self.query_one("#page", Static).update(page_text(self.page))


if __name__ == "__main__":
    MinimalPager().run()
