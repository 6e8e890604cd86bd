"""Sprint review: demos and the feedback on each.

Its shapes: ``DemoItem``. Its store part is PanelStore's demos (store/panels.py), its panel
ui/widgets/cadence_panels.py:DemoPanel, its meeting screen ui/screens/meeting.py:SprintReviewScreen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Demos and feedback"

KIND = Kind(
    name="sprint-review",
    label="Sprint review (demos and feedback)",
    seed_key="sprint-review",
    meeting_screen="cadence_tui.ui.screens.meeting:SprintReviewScreen",
    panel="Demos",
    summary_sections=(SUMMARY_SECTION,),
)


@dataclass(frozen=True)
class DemoItem:
    """A demo in a sprint review: what was shown, the presenter and the feedback (one piece a line)."""

    id: int
    what: str
    presenter: str
    feedback: str
    created_at: datetime

    @property
    def feedback_lines(self) -> list[str]:
        return [line for line in self.feedback.splitlines() if line.strip()]
