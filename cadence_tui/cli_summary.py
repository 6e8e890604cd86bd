"""`cadence summary` (issue: meeting summaries)."""

from __future__ import annotations

from cadence_tui.cli import cli  # noqa: F401  (commands register on this group)
