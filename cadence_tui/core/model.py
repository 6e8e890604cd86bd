"""Cadences and what they plan: who takes part, the agenda template, the
next occurrence, the topics proposed for it. Plain dataclasses: no SQL, no
Textual. What a meeting records once it runs is in :mod:`cadence_tui.core.meeting`
(kept apart: the home screen's first frame needs only these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from cadence_tui.core.recurrence import Schedule


@dataclass(frozen=True)
class Participant:
    """Someone who attends a cadence's meetings, with the role they come in."""

    name: str
    role: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


@dataclass(frozen=True)
class AgendaTemplateItem:
    """One item of a cadence's standing agenda, copied into each new meeting."""

    title: str
    timebox_min: int
    id: int | None = None
    position: int = 0


@dataclass
class Cadence:
    """A recurring meeting: its schedule, timebox, purpose, people and kind."""

    id: int
    key: str
    name: str
    rule: str
    anchor: date
    start_time: time
    tz: str
    timebox_min: int
    purpose: str = ""
    participants: list[Participant] = field(default_factory=list)
    variance_threshold: float = 10.0
    archived: bool = False
    position: int = 0
    kind: str = "generic"  # cadence_tui.kinds: the panel its meetings get

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.rule, self.anchor, self.start_time, self.tz)


@dataclass(frozen=True)
class CadenceOverview:
    """One home-screen row: a cadence and the state of its work."""

    cadence: Cadence
    last_held: datetime | None
    running_meeting_id: int | None
    open_actions: int
    overdue_actions: int
    open_blockers: int
    waiting_topics: int = 0  # topics proposed for the next meeting (store/topics.py)


@dataclass
class Occurrence:
    """One scheduled meeting of a cadence (a calendar entry, not yet held)."""

    cadence_key: str
    cadence_name: str
    start: datetime  # zone-aware, in the cadence's zone
    timebox_min: int


@dataclass
class Topic:
    """A topic a team member proposed for a cadence's next meeting.

    ``open`` until a meeting starts; then ``joined`` (on that meeting's agenda,
    ``meeting_id``); when it ends, ``discussed`` if the agenda reached it, else
    ``open`` again for the following meeting. ``dropped`` by hand."""

    id: int
    cadence_key: str
    title: str
    minutes: int
    proposed_by: str
    created_at: datetime
    state: str
    meeting_id: int | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "cadence": self.cadence_key,
            "title": self.title,
            "minutes": self.minutes,
            "proposed_by": self.proposed_by,
            "created_at": self.created_at.isoformat(),
            "state": self.state,
            "meeting_id": self.meeting_id,
        }
