"""Finance: budget vs actual per department, the variance threshold, the re-forecast."""

from __future__ import annotations

from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Budget vs actual"

KIND = Kind(
    name="finance",
    label="Finance (budget vs actual, re-forecast)",
    seed_key="finance-review",
    meeting_screen="cadence_tui.ui.screens.meeting:FinanceReviewScreen",
    panel="Budget",
    summary_section=SUMMARY_SECTION,
    flags_budget_variance=True,
)
