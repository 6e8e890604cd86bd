"""The summary of one meeting: preview, switch format, copy, save."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static


class SummaryScreen(Screen[None]):
    """A meeting's summary (minimal placeholder; being built out)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="summary-back")]

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id

    def compose(self) -> ComposeResult:
        yield Static(f"Summary of meeting {self.meeting_id}", id="summary-title", markup=False)
        yield Footer()
