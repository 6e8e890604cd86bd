"""What a cadence kind is: the domain side of a kind's own part of a meeting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A cadence kind: what its meetings add to the shared meeting screen.

    ``name`` is stored in ``cadences.kind`` and carried by copies and exports.
    ``meeting_screen`` is the dotted path (``module:Class``) of the meeting
    screen the UI plugs in, resolved lazily by the UI so this package imports
    no Textual. ``summary_sections`` are the headings of the summary sections the
    kind's panel fills, in summary order (none for a generic cadence)."""

    name: str
    label: str
    seed_key: str | None
    meeting_screen: str
    panel: str | None = None
    summary_sections: tuple[str, ...] = ()
    flags_budget_variance: bool = False
