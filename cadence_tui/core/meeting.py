"""A meeting and what it records: its agenda, attendance, decisions and
notes, action items and blockers, and the open items carried into it for
triage. Plain dataclasses: no SQL, no Textual."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class Meeting:
    """One held (or running) meeting of a cadence, with its clock state."""

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
    """One item of a meeting's agenda: its timebox, time spent and state."""

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
    """Work someone took on in a meeting: open until done or dropped."""

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
    """Something in a team's way, raised in a meeting, open until resolved."""

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
