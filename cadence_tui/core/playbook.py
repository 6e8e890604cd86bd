"""The rest of the cross-department playbook as domain objects: hand-offs,
the fail-fast log and escalations (the shared-metric scorecard is in
``scorecard.py``). Plain dataclasses and pure helpers: no SQL, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Handoff:
    """A registered hand-off between two departments: its owner, the packet passed along
    and the one-page agreement (deliverables, timeline, success criteria)."""

    id: int
    key: str
    from_dept: str
    to_dept: str
    owner: str
    packet_fields: tuple[str, ...]
    deliverables: str = ""
    timeline: str = ""
    success_criteria: str = ""
    archived: bool = False

    @property
    def label(self) -> str:
        return f"{self.from_dept} → {self.to_dept}"

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "from": self.from_dept,
            "to": self.to_dept,
            "owner": self.owner,
            "packet_fields": list(self.packet_fields),
            "deliverables": self.deliverables,
            "timeline": self.timeline,
            "success_criteria": self.success_criteria,
        }


@dataclass(frozen=True)
class QuarterRating:
    """A hand-off's relationship-health ratings in one quarter (1–5)."""

    quarter: str  # "2026 Q3"
    average: float
    count: int


@dataclass(frozen=True)
class HandoffStatus:
    """A register line: the hand-off, its failures and its health ratings."""

    handoff: Handoff
    failures: int
    last_failure: datetime | None
    latest_rating: int | None
    latest_rating_on: date | None
    quarters: tuple[QuarterRating, ...] = field(default_factory=tuple)  # oldest first

    @property
    def rating_trend(self) -> float | None:
        """Change of the quarterly average against the quarter before."""
        if len(self.quarters) < 2:
            return None
        return self.quarters[-1].average - self.quarters[-2].average

    def to_json(self) -> dict:
        return {
            **self.handoff.to_json(),
            "failures": self.failures,
            "last_failure": self.last_failure.isoformat() if self.last_failure else None,
            "latest_rating": self.latest_rating,
            "latest_rating_on": self.latest_rating_on.isoformat() if self.latest_rating_on else None,
            "ratings_by_quarter": [
                {"quarter": q.quarter, "average": round(q.average, 2), "count": q.count} for q in self.quarters
            ],
        }


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class FailfastEntry:
    """A failure logged against a hand-off: what went wrong, cause, fix, and the meeting if logged in one."""

    id: int
    handoff_key: str
    handoff_label: str
    what: str
    cause: str
    fix: str
    created_at: datetime
    meeting_id: int | None = None
    cadence_name: str | None = None


@dataclass(frozen=True)
class Pattern:
    """A group of fail-fast entries sharing a hand-off or a cause."""

    label: str
    count: int
    last: datetime
    detail: tuple[tuple[str, int], ...] = ()  # the most frequent causes (or hand-offs) inside

    @property
    def repeated(self) -> bool:
        return self.count > 1


@dataclass(frozen=True)
class FailfastPatterns:
    """The fail-fast log grouped by hand-off and by cause, most frequent first."""

    by_handoff: tuple[Pattern, ...]
    by_cause: tuple[Pattern, ...]
    total: int


def normalise_cause(cause: str) -> str:
    """Causes typed by different people group together when they differ only in case or spacing."""
    return " ".join(cause.split()).casefold()


@dataclass(frozen=True)
class Escalated:
    """A blocker or action item raised in one cadence and escalated to another."""

    kind: str  # "blocker" | "action"
    id: int
    text: str
    owner: str
    status: str
    from_cadence: str
    to_cadence: str
    created_at: datetime
