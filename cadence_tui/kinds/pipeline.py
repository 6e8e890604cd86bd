"""Pipeline (the marketing–sales sync): funnel metrics vs the last sync, campaign changes.

Its shapes and arithmetic: the funnel ``STAGES``, ``conversion_rates``, ``PipelineView``.
Its store part is PanelStore's pipeline (store/panels.py), its panel
ui/widgets/cadence_panels.py:PipelinePanel, its meeting screen ui/screens/meeting.py:SalesSyncScreen.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cadence_tui.core.panels import rate
from cadence_tui.kinds.base import Kind

SUMMARY_SECTION = "Pipeline"
CAMPAIGN_SECTION = "Campaign changes"

KIND = Kind(
    name="pipeline",
    label="Pipeline (funnel metrics and campaign changes)",
    seed_key="sales-marketing-sync",
    meeting_screen="cadence_tui.ui.screens.meeting:SalesSyncScreen",
    panel="Pipeline",
    summary_sections=(SUMMARY_SECTION, CAMPAIGN_SECTION),
)


STAGES = ("leads", "mql", "sql", "won")
STAGE_LABELS = {"leads": "Leads", "mql": "MQL", "sql": "SQL", "won": "Won"}


def conversion_rates(values: Mapping[str, int | None]) -> dict[str, float | None]:
    """Stage-to-stage conversion, keyed ``"leads>mql"``, ``"mql>sql"``, ``"sql>won"``."""
    return {f"{a}>{b}": rate(values.get(b), values.get(a)) for a, b in itertools.pairwise(STAGES)}


@dataclass(frozen=True)
class PipelineView:
    """This sync's funnel beside the previous sync's."""

    current: dict[str, int | None]
    previous: dict[str, int | None] = field(default_factory=dict)
    previous_when: datetime | None = None

    @property
    def rates(self) -> dict[str, float | None]:
        return conversion_rates(self.current)

    @property
    def previous_rates(self) -> dict[str, float | None]:
        return conversion_rates(self.previous)

    @property
    def complete(self) -> bool:
        return all(self.current.get(s) is not None for s in STAGES)
