"""Everything a summary needs to know about one meeting, as plain data.

The store builds a :class:`MeetingRecord` (``Store.meeting_record``); the
summary renderers (``cadence_tui.core.summary``) turn it into text. No SQL and no
Textual here. Text fields hold what users typed, unescaped: each renderer
makes it safe for its target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from cadence_tui.core.meeting import Attendee
from cadence_tui.kinds.finance import over_threshold, variance

PIPELINE_STAGES = ("leads", "mql", "sql", "won")
STAGE_LABELS = {"leads": "Leads", "mql": "MQL", "sql": "SQL", "won": "Won"}


@dataclass(frozen=True)
class AgendaOutcome:
    """One agenda item: planned against actual time."""

    title: str
    timebox_min: int
    elapsed_seconds: float
    state: str = "done"
    topic: bool = False  # a topic a team member proposed (store/topics.py)
    proposed_by: str = ""

    @property
    def reached(self) -> bool:
        """The meeting got to it (it was current once, or has time on it)."""
        return self.state != "pending" or self.elapsed_seconds > 0

    @property
    def over_seconds(self) -> float:
        return self.elapsed_seconds - self.timebox_min * 60

    @property
    def ran_over(self) -> bool:
        # A minute of grace: "3 min of 3" should not be called over time.
        return self.over_seconds >= 60


@dataclass(frozen=True)
class ActionLine:
    """An action item as the meeting saw it."""

    id: int
    title: str
    owner: str
    due: date | None
    status: str
    created_at: datetime
    age_days: int = 0  # how old it was when the meeting started
    closed_here: bool = False  # closed during this meeting
    origin_cadence: str = ""  # set for items escalated here from another cadence
    escalated_to: str = ""  # the cadence it was escalated to, if any
    redated: bool = False  # given a new due date in this meeting
    # Set when the line comes from the snapshot taken as the meeting ended
    # (title, owner, due and status above are then as they stood at the end):
    overdue: bool | None = None  # overdue at the meeting, as recorded
    now_status: str | None = None  # the item's status today, if it changed since
    now_due: date | None = None  # its due date today, if it changed since
    due_changed: bool = False  # (``now_due`` None + changed = the due date was removed)

    def overdue_on(self, day: date) -> bool:
        if self.overdue is not None:
            return self.overdue
        return self.status == "open" and self.due is not None and self.due < day


@dataclass(frozen=True)
class BlockerLine:
    """A blocker as the meeting saw it: raised here or carried over, resolved here or not."""

    id: int
    what: str
    raised_by: str
    unblocker: str
    status: str
    created_at: datetime
    age_days: int = 0
    resolved_here: bool = False
    origin_cadence: str = ""
    escalated_to: str = ""
    now_status: str | None = None  # its status today, if it changed since the meeting ended


@dataclass(frozen=True)
class DemoLine:
    """A sprint review's demo: what was shown, by whom, and the feedback on it."""

    what: str
    presenter: str = ""
    feedback: str = ""


@dataclass(frozen=True)
class PipelineStage:
    """One funnel stage, compared with the previous sync of the cadence."""

    stage: str
    value: int
    previous: int | None = None
    conversion: float | None = None  # % of the stage before it (None for leads)
    previous_conversion: float | None = None

    @property
    def label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        if self.previous in (None, 0):
            return None
        return (self.value - self.previous) / self.previous * 100


@dataclass(frozen=True)
class BudgetLine:
    """One department's budget against actual in a finance review, with the meeting's variance threshold."""

    department: str
    budget: float
    actual: float
    threshold_pct: float = 10.0

    @property
    def variance(self) -> float:
        return variance(self.budget, self.actual)[0]

    @property
    def variance_pct(self) -> float | None:
        return variance(self.budget, self.actual)[1]

    @property
    def over_threshold(self) -> bool:
        """Flagged as the meeting's Budget panel flags it (kinds/finance.py):
        the variance, either way, beyond the meeting's threshold, or any
        spending against a zero budget."""
        return over_threshold(self.variance_pct, self.threshold_pct, money=self.variance)


@dataclass(frozen=True)
class Win:
    """A win celebrated at an all-hands, and who it is credited to (may be blank)."""

    text: str
    who: str = ""


@dataclass(frozen=True)
class HealthRating:
    """A hand-off's 1–5 rating, with the rating it got at the previous meeting."""

    from_dept: str
    to_dept: str
    rating: int
    comment: str = ""
    previous: int | None = None

    @property
    def label(self) -> str:
        return f"{self.from_dept} → {self.to_dept}"

    @property
    def trend(self) -> str:
        """``up``, ``down``, ``same`` or ``new`` (no earlier rating)."""
        if self.previous is None:
            return "new"
        if self.rating > self.previous:
            return "up"
        if self.rating < self.previous:
            return "down"
        return "same"


@dataclass(frozen=True)
class MetricReading:
    """A scorecard metric value recorded in the meeting."""

    name: str
    unit: str
    value: float
    previous: float | None = None
    target: float | None = None
    direction: str = "higher"

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def on_target(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.direction == "higher" else self.value <= self.target


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting, complete enough to summarise it."""

    meeting_id: int
    cadence_key: str
    cadence_name: str
    status: str  # running | paused | ended
    started_at: datetime
    ended_at: datetime | None
    zone: tzinfo
    zone_name: str
    timebox_min: int
    duration_seconds: float
    attendees: list[Attendee] = field(default_factory=list)
    agenda: list[AgendaOutcome] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_actions: list[ActionLine] = field(default_factory=list)
    carried_actions: list[ActionLine] = field(default_factory=list)
    more_carried_actions: int = 0  # still open but beyond what was read
    new_blockers: list[BlockerLine] = field(default_factory=list)
    carried_blockers: list[BlockerLine] = field(default_factory=list)
    demos: list[DemoLine] = field(default_factory=list)
    pipeline: list[PipelineStage] = field(default_factory=list)
    previous_sync: datetime | None = None
    campaign_changes: list[str] = field(default_factory=list)
    budget: list[BudgetLine] = field(default_factory=list)
    variance_threshold: float = 10.0
    reforecast: float | None = None
    wins: list[Win] = field(default_factory=list)
    health: list[HealthRating] = field(default_factory=list)
    metrics: list[MetricReading] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)  # the attendees' 1–10 ratings of the meeting
    # True when the action items and blockers come from the snapshot taken as
    # the meeting ended; False for a running meeting, or one ended before
    # that snapshot existed (schema v6), whose items are read as they are today.
    as_recorded: bool = False

    # -- derived ------------------------------------------------------------
    @property
    def local_start(self) -> datetime:
        return self.started_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime | None:
        return self.ended_at.astimezone(self.zone) if self.ended_at else None

    @property
    def day(self) -> date:
        return self.local_start.date()

    @property
    def in_progress(self) -> bool:
        return self.status != "ended"

    @property
    def over_seconds(self) -> float:
        return self.duration_seconds - self.timebox_min * 60

    @property
    def present(self) -> list[Attendee]:
        return [a for a in self.attendees if a.present]

    @property
    def absent(self) -> list[Attendee]:
        return [a for a in self.attendees if not a.present]

    @property
    def items_over(self) -> list[AgendaOutcome]:
        return [a for a in self.agenda if a.ran_over]

    @property
    def open_carried_actions(self) -> list[ActionLine]:
        return [a for a in self.carried_actions if not a.closed_here]

    @property
    def closed_actions(self) -> list[ActionLine]:
        """Carried items closed during this meeting."""
        return [a for a in self.carried_actions if a.closed_here]

    @property
    def open_blockers(self) -> list[BlockerLine]:
        """Blockers still open when the meeting ended (new or carried)."""
        return [b for b in self.new_blockers + self.carried_blockers if not b.resolved_here]

    @property
    def resolved_blockers(self) -> list[BlockerLine]:
        return [b for b in self.new_blockers + self.carried_blockers if b.resolved_here]

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def budget_total(self) -> float:
        return sum(b.budget for b in self.budget)

    @property
    def actual_total(self) -> float:
        return sum(b.actual for b in self.budget)

    @property
    def budget_over(self) -> list[BudgetLine]:
        return [b for b in self.budget if b.over_threshold]


_ONE_DAY = timedelta(days=1)


def age_in_days(created: datetime, at: datetime) -> int:
    return max(0, (at - created) // _ONE_DAY)
