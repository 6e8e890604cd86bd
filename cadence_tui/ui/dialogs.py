"""The yes/no confirmation every screen uses.

One behaviour everywhere: Enter or y confirms, Esc or n cancels, and the
dialog says so. It submits once (:class:`ClosesOnce`): a second Enter typed
before it has closed does nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cadence_tui.ui.stylesheets import FORMS, css
from cadence_tui.ui.widgets.capture_forms import ClosesOnce

CONFIRM_HINT = "Enter or y confirms · Esc or n cancels"


class ConfirmDialog(ClosesOnce, ModalScreen[bool]):
    """Ask before something that cannot be undone from the keyboard."""

    CSS_PATH = css(*FORMS)

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(
        self,
        question: str,
        detail: str = "",
        *,
        confirm_label: str = "Yes",
        confirm_id: str = "confirm-dialog",
    ) -> None:
        super().__init__(id=confirm_id, classes="confirm-dialog")
        self.question = question
        self.detail = detail
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.detail:
                yield Static(Text(self.detail), id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.confirm_label} (y)", id="confirm-yes-button", variant="error", compact=True)
                yield Button("No (n)", id="confirm-no-button", compact=True)
            yield Static(CONFIRM_HINT, id="confirm-hint", markup=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.close_once(event.button.id == "confirm-yes-button")

    def action_answer(self, answer: bool) -> None:
        self.close_once(answer)
