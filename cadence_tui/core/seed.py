"""What a new database starts with: the four cadences of DESIGN.md, the
registered hand-offs and the shared-metric scorecard. Pure data."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cadence_tui.core.model import AgendaTemplateItem, Participant

PEOPLE = {
    "priya": Participant("Priya", "Product"),
    "marco": Participant("Marco", "Engineering"),
    "lena": Participant("Lena", "Engineering"),
    "sam": Participant("Sam", "Design"),
    "jordan": Participant("Jordan", "Marketing"),
    "alex": Participant("Alex", "Sales Ops"),
    "riley": Participant("Riley", "SDR Lead"),
    "dana": Participant("Dana", "Finance"),
    "chris": Participant("Chris", "CEO"),
    "kim": Participant("Kim", "Customer Success"),
}


@dataclass(frozen=True)
class CadenceSeed:
    """One of the cadences a new database starts with, and its standing agenda."""

    key: str
    name: str
    purpose: str
    rule: str
    anchor: str
    start_time: str
    timebox_min: int
    participants: tuple[Participant, ...]
    agenda: tuple[AgendaTemplateItem, ...] = field(default_factory=tuple)


def _agenda(*items: tuple[str, int]) -> tuple[AgendaTemplateItem, ...]:
    return tuple(AgendaTemplateItem(title, minutes, position=i) for i, (title, minutes) in enumerate(items))


P = PEOPLE
CADENCES: tuple[CadenceSeed, ...] = (
    CadenceSeed(
        key="sprint-review",
        name="Sprint Review",
        purpose="Show what was built, capture immediate feedback",
        rule="FREQ=WEEKLY;BYDAY=TH",
        anchor="2026-01-01",
        start_time="15:00",
        timebox_min=30,
        participants=(P["priya"], P["marco"], P["lena"], P["sam"]),
        agenda=_agenda(
            ("Sprint goal and scope recap", 3),
            ("Demos", 15),
            ("Stakeholder feedback", 7),
            ("Next sprint preview", 5),
        ),
    ),
    CadenceSeed(
        key="sales-marketing-sync",
        name="Marketing–Sales Sync",
        purpose="Pipeline health, adjust campaigns, lead hand-off quality",
        rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        anchor="2026-01-06",
        start_time="10:00",
        timebox_min=30,
        participants=(P["jordan"], P["alex"], P["riley"]),
        agenda=_agenda(
            ("Pipeline metrics vs last sync", 8),
            ("Lead hand-off quality", 8),
            ("Campaign adjustments", 8),
            ("Owners and next steps", 6),
        ),
    ),
    CadenceSeed(
        key="finance-review",
        name="Finance Business Review",
        purpose="Budget vs actual, re-forecast, variance thresholds",
        rule="FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1",
        anchor="2026-01-05",
        start_time="14:00",
        timebox_min=60,
        participants=(P["dana"], P["priya"], P["marco"], P["jordan"], P["alex"]),
        agenda=_agenda(
            ("Budget vs actual by department", 20),
            ("Variances over threshold", 15),
            ("Re-forecast", 15),
            ("Decisions and asks", 10),
        ),
    ),
    CadenceSeed(
        key="all-hands",
        name="All-Hands Strategy",
        purpose="Revisit vision, celebrate wins, surface blockers, relationship health check",
        rule="FREQ=MONTHLY;INTERVAL=3;BYDAY=TH;BYSETPOS=1",
        anchor="2026-01-01",
        start_time="16:00",
        timebox_min=60,
        participants=tuple(PEOPLE.values()),
        agenda=_agenda(
            ("Vision and strategy check-in", 15),
            ("Wins to celebrate", 10),
            ("Surface blockers", 10),
            ("Relationship health check", 15),
            ("Open Q&A", 10),
        ),
    ),
)


@dataclass(frozen=True)
class HandoffSeed:
    """A hand-off a new database registers, with its packet fields and one-page agreement."""

    key: str
    from_dept: str
    to_dept: str
    owner: str
    packet_fields: tuple[str, ...]
    deliverables: str
    timeline: str
    success_criteria: str


HANDOFFS: tuple[HandoffSeed, ...] = (
    HandoffSeed(
        "marketing-sales",
        "Marketing",
        "Sales",
        "Jordan",
        ("lead score", "intent signals", "content touched", "timeline"),
        "Qualified leads (MQL) with a complete packet in the CRM",
        "Within 24 hours of a lead reaching MQL",
        "Sales accepts 80 % of MQLs; under 10 % returned for missing data",
    ),
    HandoffSeed(
        "product-engineering",
        "Product",
        "Engineering",
        "Priya",
        ("user stories", "acceptance criteria", "priority ranking", "success metrics"),
        "Ready stories for the next sprint, ranked",
        "Two working days before sprint planning",
        "No story pulled back in sprint for unclear scope",
    ),
    HandoffSeed(
        "sales-cs",
        "Sales",
        "Customer Success",
        "Alex",
        ("contract terms", "customer goals", "stakeholders", "promised dates"),
        "Closed-won account brief and a kick-off call",
        "Within 3 working days of signature",
        "Kick-off held within a week; no promise unknown to CS",
    ),
    HandoffSeed(
        "finance-all",
        "Finance",
        "All",
        "Dana",
        ("budget caps", "forecast assumptions", "variance thresholds"),
        "Monthly budget caps and forecast assumptions per department",
        "By the fifth working day of the month",
        "Every department knows its cap; no surprise over-spend above threshold",
    ),
)


@dataclass(frozen=True)
class MetricSeed:
    """A shared metric a new database's scorecard starts with, and the cadences that review it."""

    key: str
    name: str
    unit: str
    owner: str
    target: float
    direction: str
    cadence_keys: tuple[str, ...]
    description: str


METRICS: tuple[MetricSeed, ...] = (
    MetricSeed(
        "cac",
        "Customer Acquisition Cost",
        "USD",
        "Jordan",
        1200.0,
        "lower",
        ("sales-marketing-sync", "finance-review"),
        "Marketing and sales spend over new customers in the period",
    ),
    MetricSeed(
        "ttv",
        "Time-to-Value",
        "days",
        "Priya",
        30.0,
        "lower",
        ("sprint-review", "finance-review"),
        "Days from a feature's release to revenue from it",
    ),
    MetricSeed(
        "enps",
        "Employee NPS",
        "",
        "Chris",
        30.0,
        "higher",
        ("all-hands",),
        "Employee net promoter score from the quarterly pulse survey",
    ),
)


def local_timezone() -> str:
    """The user's IANA zone (from ``$TZ`` or /etc/localtime), else UTC."""
    from cadence_tui.core.recurrence import ScheduleError, validate_timezone

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    for name in candidates:
        if not name:
            continue
        try:
            return validate_timezone(name)
        except ScheduleError:
            continue
    return "UTC"
