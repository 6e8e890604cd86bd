"""All-hands: wins to celebrate and the hand-off health check."""

from __future__ import annotations

from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Wins"

KIND = Kind(
    name="all-hands",
    label="All-hands (wins and hand-off health check)",
    seed_key="all-hands",
    meeting_screen="cadence_tui.ui.screens.meeting:AllHandsScreen",
    panel="Health",
    summary_section=SUMMARY_SECTION,
)
