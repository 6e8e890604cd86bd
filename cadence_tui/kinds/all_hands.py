"""All-hands: wins to celebrate and the hand-off health check.

Its shapes: ``Win``, ``HealthRow``. Its store part is PanelStore's wins and health check
(store/panels.py), its panel ui/widgets/cadence_panels.py:HealthPanel, its meeting screen
ui/screens/meeting.py:AllHandsScreen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cadence_tui.core.panels import trend
from cadence_tui.kinds.base import Kind

if TYPE_CHECKING:  # the start-up store loads the kinds, not the playbook
    from cadence_tui.core.playbook import Handoff

SUMMARY_SECTION = "Wins"
HEALTH_SECTION = "Health check"

KIND = Kind(
    name="all-hands",
    label="All-hands (wins and hand-off health check)",
    seed_key="all-hands",
    meeting_screen="cadence_tui.ui.screens.meeting:AllHandsScreen",
    panel="Health",
    summary_sections=(SUMMARY_SECTION, HEALTH_SECTION),
)


@dataclass(frozen=True)
class Win:
    """A win logged in an all-hands meeting, as its panel lists it, and who it is credited to."""

    id: int
    text: str
    who: str
    created_at: datetime


@dataclass(frozen=True)
class HealthRow:
    """One hand-off's rating in this meeting beside the previous one."""

    handoff: Handoff
    rating: int | None = None
    comment: str = ""
    previous_rating: int | None = None
    previous_comment: str = ""

    @property
    def trend(self) -> str:
        return trend(self.rating, self.previous_rating)
