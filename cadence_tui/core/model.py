"""Domain objects. Plain dataclasses: no SQL, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from cadence_tui.core.recurrence import Schedule


@dataclass(frozen=True)
class Participant:
    name: str
    role: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


@dataclass(frozen=True)
class AgendaTemplateItem:
    title: str
    timebox_min: int
    id: int | None = None
    position: int = 0


@dataclass
class Cadence:
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
class Meeting:
    id: int
    cadence_id: int
    cadence_key: str
    cadence_name: str
    scheduled_for: datetime | None
    started_at: datetime
    ended_at: datetime | None
    status: str
    timebox_min: int
    paused_at: datetime | None = None
    paused_seconds: float = 0.0
    reforecast: float | None = None
    variance_threshold: float = 10.0
    cadence_kind: str = "generic"  # the cadence's kind (cadence_tui.kinds)


@dataclass
class AgendaItem:
    id: int
    meeting_id: int
    position: int
    title: str
    timebox_min: int
    state: str
    elapsed_seconds: float
    started_at: datetime | None
    topic_id: int | None = None  # a topic proposed for this meeting (store/topics.py)
    proposed_by: str = ""


@dataclass
class ActionItem:
    id: int
    title: str
    owner: str
    due: date | None
    status: str
    cadence_key: str
    meeting_id: int | None
    created_at: datetime
    closed_at: datetime | None = None
    created_by: str = ""  # who recorded it ("me" of that terminal); "" before schema v9
    closed_by: str = ""

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "cadence": self.cadence_key,
            "meeting_id": self.meeting_id,
            "created_at": self.created_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "created_by": self.created_by,
            "closed_by": self.closed_by,
        }


@dataclass
class Blocker:
    id: int
    what: str
    raised_by: str
    unblocker: str
    status: str
    cadence_key: str
    meeting_id: int | None
    created_at: datetime
    resolved_at: datetime | None = None
    created_by: str = ""
    resolved_by: str = ""


@dataclass
class Occurrence:
    cadence_key: str
    cadence_name: str
    start: datetime  # zone-aware, in the cadence's zone
    timebox_min: int


# -- meeting screen (issue 3) -------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """One person on a meeting's attendance list."""

    name: str
    role: str = ""
    present: bool = True
    guest: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


@dataclass(frozen=True)
class Entry:
    """A free-text record of a meeting: decision, note, campaign change."""

    id: int
    text: str
    created_at: datetime
    created_by: str = ""  # who recorded it; "" before schema v9 and for campaign changes


@dataclass(frozen=True)
class CarriedItem:
    """An open action item or blocker brought into a meeting for triage.

    ``outcome`` is what the facilitator decided in *this* meeting (``None``
    until triaged): actions ``done``/``open``/``dropped``/``redated``,
    blockers ``resolved``/``open``.
    """

    kind: str  # "action" | "blocker"
    id: int
    title: str
    who: str  # action owner, or who raised the blocker
    status: str
    origin_cadence_key: str
    origin_cadence_name: str
    created_at: datetime
    escalated_here: bool = False
    due: date | None = None
    unblocker: str = ""
    outcome: str | None = None

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due is not None and self.due < today


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
