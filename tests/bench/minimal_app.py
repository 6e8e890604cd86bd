"""The baseline for the start-up benchmark: the smallest useful Textual app.

A ``Static`` and a ``Footer``, nothing else. ``bench_startup.py`` runs it in a
pseudo-terminal exactly as it runs ``cadence`` and waits for its text to be
painted.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

FIRST_FRAME_MARKER = "Hello from the minimal app"


class MinimalApp(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit", id="quit")]

    def compose(self) -> ComposeResult:
        yield Static(FIRST_FRAME_MARKER)
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
