"""Sprint review: demos and the feedback on each."""

from __future__ import annotations

from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Demos and feedback"

KIND = Kind(
    name="sprint-review",
    label="Sprint review (demos and feedback)",
    seed_key="sprint-review",
    meeting_screen="cadence_tui.ui.screens.meeting:SprintReviewScreen",
    panel="Demos",
    summary_section=SUMMARY_SECTION,
)
