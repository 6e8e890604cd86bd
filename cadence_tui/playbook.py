"""The cross-department playbook as domain objects: shared metrics, hand-offs,
the fail-fast log and escalations. Plain dataclasses and pure helpers: no SQL,
no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

DIRECTIONS = ("higher", "lower")
# Focus: a scorecard is read at a glance; past this many metrics it stops being one.
FOCUS_LIMIT = 3
SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 12


@dataclass(frozen=True)
class Metric:
    id: int
    key: str
    name: str
    unit: str
    owner: str
    target: float | None
    direction: str
    cadence_keys: tuple[str, ...]
    description: str = ""
    archived: bool = False

    def on_target(self, value: float) -> bool:
        """Whether ``value`` meets the target (always True without a target)."""
        if self.target is None:
            return True
        return value >= self.target if self.direction == "higher" else value <= self.target

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "owner": self.owner,
            "target": self.target,
            "direction": self.direction,
            "cadences": list(self.cadence_keys),
            "description": self.description,
            "archived": self.archived,
        }


@dataclass(frozen=True)
class MetricValue:
    id: int
    metric_key: str
    value: float
    recorded_on: date
    meeting_id: int | None


@dataclass(frozen=True)
class ScorecardRow:
    """One scorecard line: the last value against target and the recent trend."""

    metric: Metric
    values: tuple[float, ...]  # oldest first, at most SPARK_POINTS
    last_on: date | None = None

    @property
    def last(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def previous(self) -> float | None:
        return self.values[-2] if len(self.values) > 1 else None

    @property
    def change(self) -> float | None:
        if self.last is None or self.previous is None:
            return None
        return self.last - self.previous

    @property
    def off_target(self) -> bool:
        return self.last is not None and not self.metric.on_target(self.last)

    @property
    def improving(self) -> bool | None:
        """Whether the last change went the good way (None: no change to judge)."""
        if not self.change:
            return None
        return (self.change > 0) == (self.metric.direction == "higher")

    @property
    def sparkline(self) -> str:
        return sparkline(self.values)

    def to_json(self) -> dict:
        return {
            **self.metric.to_json(),
            "last": self.last,
            "last_on": self.last_on.isoformat() if self.last_on else None,
            "previous": self.previous,
            "change": self.change,
            "off_target": self.off_target,
            "trend": list(self.values),
        }


def sparkline(values: tuple[float, ...] | list[float], width: int = SPARK_POINTS) -> str:
    """``▁▃▅█``: each value scaled between the minimum and the maximum shown."""
    shown = list(values)[-width:]
    if not shown:
        return ""
    low, high = min(shown), max(shown)
    if high == low:
        return SPARK_CHARS[3] * len(shown)
    top = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[round((v - low) / (high - low) * top)] for v in shown)


def format_number(value: float | None, unit: str = "") -> str:
    """``1234.5`` → ``1,234.5 USD``; whole numbers without decimals."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {unit}".strip() if unit else text


def format_change(change: float | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return "±0"
    sign = "+" if change > 0 else "−"
    return sign + format_number(abs(change))


@dataclass(frozen=True)
class Handoff:
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
