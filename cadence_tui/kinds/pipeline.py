"""Pipeline (the marketing–sales sync): funnel metrics vs the last sync, campaign changes."""

from __future__ import annotations

from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Pipeline"

KIND = Kind(
    name="pipeline",
    label="Pipeline (funnel metrics and campaign changes)",
    seed_key="sales-marketing-sync",
    meeting_screen="cadence_tui.ui.screens.meeting:SalesSyncScreen",
    panel="Pipeline",
    summary_section=SUMMARY_SECTION,
)
