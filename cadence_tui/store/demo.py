"""A realistic history for a newcomer (``cadence demo``) and, with a size
argument, the large database used to check speed.

Rows are written with ``executemany`` in a few big transactions (not
sqlite-utils' ``insert_all``, which import uses: here, with many small lists
per chunk, it measured ~25 % slower on the 100,000-item demo: 19.5 s against
15.4 s, medians of three interleaved runs); the ``progress`` callback
receives how many meetings are done so far.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cadence_tui import kinds
from cadence_tui.core.model import Cadence
from cadence_tui.store.base import StorePart, to_ts
from cadence_tui.store.errors import InvalidInput

# Share of meetings per cadence when the size is given explicitly.
_WEIGHTS = {"sprint-review": 0.58, "sales-marketing-sync": 0.27, "finance-review": 0.12, "all-hands": 0.03}

_ACTION_TEMPLATES = {
    "sprint-review": [
        "Fix {thing} regression found in demo",
        "Write acceptance tests for {thing}",
        "Share {thing} prototype with design",
        "Split {thing} story into smaller tickets",
        "Measure load time of {thing}",
        "Update release notes for {thing}",
    ],
    "sales-marketing-sync": [
        "Re-score leads from {thing} campaign",
        "Send {thing} deck to SDR team",
        "Clean up duplicate contacts from {thing}",
        "Draft nurture email for {thing}",
        "Review lost deals tagged {thing}",
        "Align MQL definition for {thing}",
    ],
    "finance-review": [
        "Explain {thing} variance",
        "Re-forecast {thing} spend for Q{q}",
        "Get quote for {thing} renewal",
        "Cap {thing} travel budget",
        "Move {thing} invoice to next month",
        "Check {thing} accruals",
    ],
    "all-hands": [
        "Publish {thing} strategy one-pager",
        "Set up {thing} mentoring pairs",
        "Run pulse survey on {thing}",
        "Share {thing} roadmap in the wiki",
    ],
}
_THINGS = [
    "checkout",
    "onboarding",
    "search",
    "billing",
    "SSO",
    "mobile app",
    "reporting",
    "webinar",
    "partner",
    "Q-launch",
    "pricing page",
    "data export",
    "API v2",
    "trial",
    "renewals",
    "events",
    "hiring",
    "cloud hosting",
    "tooling",
    "EMEA",
]
_DECISIONS = [
    "Ship {thing} behind a feature flag first",
    "Pause {thing} spend until the next sync",
    "Move {thing} to next quarter",
    "Keep {thing} scope as planned",
    "Hire a contractor for {thing}",
    "Raise the {thing} budget by 10 %",
    "Drop {thing} from the roadmap",
]
_BLOCKERS = [
    ("Waiting for legal review of {thing}", "Chris"),
    ("{thing} needs budget approval", "Dana"),
    ("No test environment for {thing}", "Marco"),
    ("{thing} leads missing intent data", "Jordan"),
    ("Design for {thing} not final", "Sam"),
    ("Vendor contract for {thing} unsigned", "Dana"),
]
_NOTES = [
    "Good energy today; demos ran long.",
    "Two stakeholders asked for a follow-up session.",
    "Numbers look better than last time.",
    "We need to keep the timebox on feedback.",
]
_WINS = [
    "Closed the biggest deal of the year",
    "Launched {thing} on time",
    "Support backlog at zero",
    "Zero downtime during the {thing} migration",
    "New hire onboarding rated 9/10",
]
_DEPARTMENTS = {"Engineering": 420_000, "Marketing": 180_000, "Sales": 260_000, "Product": 120_000, "G&A": 90_000}
_CAUSES = ["missing data", "late hand-off", "unclear scope", "wrong owner", "tool outage"]
# Realistic patterns: some agenda items nearly always run over, some rarely do.
_OVER_ODDS = {
    "Demos": 0.85,
    "Variances over threshold": 0.7,
    "Lead hand-off quality": 0.6,
    "Open Q&A": 0.5,
    "Stakeholder feedback": 0.15,
    "Owners and next steps": 0.1,
}
# Each hand-off tends to break in its own way (the fail-fast log shows it as a pattern).
_TYPICAL_FAILURE = {
    "marketing-sales": (
        "missing data",
        "{thing} leads arrived without intent signals",
        "Intent field made required in CRM",
    ),
    "product-engineering": (
        "unclear scope",
        "{thing} story pulled back mid-sprint",
        "Acceptance criteria reviewed at refinement",
    ),
    "sales-cs": ("late hand-off", "{thing} customer kick-off held two weeks late", "Kick-off booked at signature"),
    "finance-all": ("late hand-off", "{thing} budget caps shared after spend started", "Caps published by day 5"),
}
_FAILURES_SEEN_IN = {
    "sprint-review": ("product-engineering",),
    "sales-marketing-sync": ("marketing-sales", "sales-cs"),
    "finance-review": ("finance-all",),
}
# Health ratings drift: +1 improving, -1 declining over the history.
_HEALTH_DRIFT = {"marketing-sales": 1, "product-engineering": -1, "sales-cs": 0, "finance-all": 1}


@dataclass(frozen=True)
class DemoSize:
    """How much history ``cadence demo`` makes: meetings, action items and months back."""

    meetings: int | None = None  # None: the natural number for `months`
    actions: int | None = None
    months: int = 6


SMALL = DemoSize()
LARGE = DemoSize(meetings=10_000, actions=100_000, months=36)


class DemoStore(StorePart):
    def generate_demo(
        self,
        size: DemoSize = SMALL,
        *,
        seed: int = 7,
        progress: Callable[[int, int], None] | None = None,
        allow_existing: bool = False,
    ) -> tuple[int, int]:
        """Fill the database with history up to now. Returns (meetings, action items) created."""
        from cadence_tui.core.recurrence import occurrences_between

        existing = self.scalar("SELECT count(*) FROM meetings")
        if existing and not allow_existing:
            raise InvalidInput(
                f"{self.path} already holds {existing} meetings; use a new --db path for the demo (or --append)"
            )
        rng = random.Random(seed)
        now = self.now().astimezone(UTC)
        today = self.today()
        span_start = now - timedelta(days=int(size.months * 30.5))
        cadences = self.store.cadences.list_cadences()
        plan: list[tuple[Cadence, datetime]] = []
        for c in cadences:
            natural = list(occurrences_between(c.schedule, span_start, now - timedelta(hours=2)))
            if size.meetings is not None:
                want = max(1, round(size.meetings * _WEIGHTS.get(c.key, 1 / len(cadences))))
                if want > len(natural):
                    step = (now - timedelta(hours=2) - span_start) / want
                    natural = [(span_start + step * i).replace(second=0, microsecond=0) for i in range(want)]
                else:
                    natural = natural[-want:]
            plan.extend((c, dt) for dt in natural)
        plan.sort(key=lambda p: p[1])
        if size.meetings is not None:
            plan = plan[-size.meetings :] if len(plan) > size.meetings else plan
        total = len(plan)
        # actions=0 means none (not "the natural number", which is None). An
        # exact number is spread evenly: meeting i gets the items that bring the
        # running total to floor((i + 1) * actions / total), so they add up.
        wanted = size.actions if total else None

        handoff_keys = {r[0]: r[1] for r in self.query("SELECT id, key FROM handoffs ORDER BY position")}
        handoffs = list(handoff_keys)
        cadence_ids = {c.key: c.id for c in cadences}
        metrics = {
            r[1]: (r[0], r[2], json.loads(r[3]))
            for r in self.query("SELECT id, key, target, cadence_keys FROM metrics")
        }
        # Where each seeded metric starts relative to its target: CAC and eNPS start
        # off target and improve, Time-to-Value starts well inside it.
        start_at = {"cac": 1.45, "ttv": 0.8, "enps": 0.6}
        metric_state = {k: (v[1] or 1.0) * start_at.get(k, rng.uniform(0.8, 1.3)) for k, v in metrics.items()}
        pipeline = {"leads": 900, "mql": 260, "sql": 90, "won": 22}
        # The walk drifts up (a growing business); past ten times its start it
        # drifts down, so a long history stays believable and within what the
        # panel accepts (a 100,000-item demo otherwise reached 10^12 leads,
        # which its own export could not import).
        pipeline_cap = {stage: 10 * value for stage, value in pipeline.items()}

        next_id = (self.scalar("SELECT max(id) FROM meetings") or 0) + 1
        created_actions = 0
        chunk = 500
        for start in range(0, total, chunk):
            rows: dict[str, list[tuple]] = {
                t: []
                for t in (
                    "meetings",
                    "agenda",
                    "attendance",
                    "actions",
                    "blockers",
                    "decisions",
                    "notes",
                    "demos",
                    "pipeline",
                    "campaigns",
                    "budget",
                    "wins",
                    "health",
                    "metric_values",
                    "ratings",
                    "failfast",
                )
            }
            for index, (cadence, when) in enumerate(plan[start : start + chunk], start):
                mid = next_id
                next_id += 1
                thing = lambda: rng.choice(_THINGS)  # noqa: E731
                template = self.store.cadences.agenda_template(cadence.id)
                t = when
                for pos, item in enumerate(template):
                    over = rng.random() < _OVER_ODDS.get(item.title, 0.3)
                    secs = item.timebox_min * 60 * (rng.uniform(1.05, 1.6) if over else rng.uniform(0.6, 1.0))
                    rows["agenda"].append((mid, pos, item.title, item.timebox_min, "done", round(secs), None))
                    t += timedelta(seconds=secs)
                ended = t
                rows["meetings"].append(
                    (
                        mid,
                        cadence.id,
                        to_ts(when),
                        to_ts(when),
                        to_ts(ended),
                        "ended",
                        0,
                        cadence.timebox_min,
                        None,
                        cadence.variance_threshold,
                    )
                )
                present_people = []
                for p in cadence.participants:
                    present = rng.random() < 0.88
                    rows["attendance"].append((mid, p.name, p.role, int(present), 0))
                    if present:
                        present_people.append(p.name)
                age_days = (now - when).days
                if wanted is not None:
                    n_actions = (index + 1) * wanted // total - index * wanted // total
                    rng.random()  # drawn as before: the rest of a seeded demo stays the same
                else:
                    n_actions = rng.randint(2, 5)
                owners = [p.name for p in cadence.participants] or ["Chris"]
                for _ in range(n_actions):
                    title = rng.choice(_ACTION_TEMPLATES.get(cadence.key, _ACTION_TEMPLATES["sprint-review"]))
                    title = title.format(thing=thing(), q=rng.randint(1, 4))
                    due: date | None = (when + timedelta(days=rng.choice([3, 5, 7, 10, 14, 21]))).date()
                    if rng.random() < 0.08:
                        due = None
                    r = rng.random()
                    closing_odds = min(0.95, age_days / 40)
                    if r < closing_odds * 0.9:
                        status = "done"
                    elif r < closing_odds:
                        status = "dropped"
                    else:
                        status = "open"
                    closed = None
                    if status != "open":
                        late = rng.random() < 0.25
                        base = due or (when + timedelta(days=7)).date()
                        close_day = base + timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 3))
                        closed_dt = datetime.combine(close_day, when.timetz())
                        closed = to_ts(min(max(closed_dt, ended), now))
                    rows["actions"].append(
                        (
                            cadence.id,
                            mid,
                            title,
                            rng.choice(owners),
                            due.isoformat() if due else None,
                            status,
                            to_ts(ended),
                            closed,
                        )
                    )
                    created_actions += 1
                if rng.random() < 0.35:
                    what, unblocker = rng.choice(_BLOCKERS)
                    resolved = age_days > 20 and rng.random() < 0.85
                    # Escalation across cadences: budget questions go to the Finance
                    # Business Review, some cross-team blockers to the All-Hands.
                    escalated = None
                    if "budget" in what and cadence.key != "finance-review" and rng.random() < 0.7:
                        escalated = cadence_ids.get("finance-review")
                    elif cadence.key != "all-hands" and rng.random() < 0.08:
                        escalated = cadence_ids.get("all-hands")
                    rows["blockers"].append(
                        (
                            cadence.id,
                            mid,
                            what.format(thing=thing()),
                            rng.choice(owners),
                            unblocker,
                            "resolved" if resolved else "open",
                            to_ts(ended),
                            to_ts(ended + timedelta(days=rng.randint(2, 15))) if resolved else None,
                            escalated,
                        )
                    )
                for _ in range(rng.randint(0, 2)):
                    rows["decisions"].append((mid, rng.choice(_DECISIONS).format(thing=thing()), to_ts(ended)))
                if rng.random() < 0.4:
                    rows["notes"].append((mid, rng.choice(_NOTES), to_ts(ended)))
                if cadence.kind == kinds.SPRINT_REVIEW:
                    for _ in range(rng.randint(1, 3)):
                        rows["demos"].append(
                            (
                                mid,
                                f"{thing().capitalize()} improvements",
                                rng.choice(owners),
                                rng.choice(
                                    [
                                        "Looks great",
                                        "Needs clearer empty state",
                                        "Customers asked for this",
                                        "Too many clicks",
                                        "",
                                    ]
                                ),
                                to_ts(ended),
                            )
                        )
                elif cadence.kind == kinds.PIPELINE:
                    for stage in pipeline:
                        low, high = (0.9, 1.12) if pipeline[stage] < pipeline_cap[stage] else (0.85, 1.05)
                        pipeline[stage] = max(1, int(pipeline[stage] * rng.uniform(low, high)))
                    pipeline["mql"] = min(pipeline["mql"], pipeline["leads"])
                    pipeline["sql"] = min(pipeline["sql"], pipeline["mql"])
                    pipeline["won"] = min(pipeline["won"], pipeline["sql"])
                    rows["pipeline"].extend((mid, s, v) for s, v in pipeline.items())
                    if rng.random() < 0.6:
                        rows["campaigns"].append((mid, f"Shift 10 % of spend to {thing()} campaign", to_ts(ended)))
                elif cadence.kind == kinds.FINANCE:
                    for dept, budget in _DEPARTMENTS.items():
                        actual = round(budget * rng.uniform(0.82, 1.18), -2)
                        rows["budget"].append((mid, dept, budget, actual))
                elif cadence.kind == kinds.ALL_HANDS:
                    for _ in range(rng.randint(2, 4)):
                        rows["wins"].append(
                            (mid, rng.choice(_WINS).format(thing=thing()), rng.choice(owners), to_ts(ended))
                        )
                    progress_share = 1 - min(1.0, age_days / (size.months * 30.5))
                    for hid in handoffs:
                        drift = _HEALTH_DRIFT.get(handoff_keys[hid], 0)
                        centre = 3.2 + drift * (progress_share - 0.5) * 2.4
                        rating = max(1, min(5, round(centre + rng.uniform(-0.8, 0.8))))
                        rows["health"].append(
                            (mid, hid, rating, rng.choice(["", "Improving", "Late packets", "Smooth"]))
                        )
                for key, (metric_id, target, reviewers) in metrics.items():
                    if cadence.key in reviewers and rng.random() < 0.8:
                        # A random walk with a slow pull towards the target: trends, not noise.
                        pull = (target - metric_state[key]) * 0.04 if target else 0.0
                        metric_state[key] = (metric_state[key] + pull) * rng.uniform(0.95, 1.05)
                        rows["metric_values"].append(
                            (metric_id, mid, round(metric_state[key], 1), when.date().isoformat(), to_ts(ended))
                        )
                for name in present_people:
                    if rng.random() < 0.6:
                        rows["ratings"].append((mid, name, rng.randint(5, 10)))
                # A broken hand-off is logged in the meeting where it surfaces.
                reviewed_here = [
                    h
                    for h in handoffs
                    if handoff_keys[h] in _FAILURES_SEEN_IN.get(cadence.key, tuple(handoff_keys.values()))
                ]
                if reviewed_here and rng.random() < (0.12 if cadence.key == "sprint-review" else 0.35):
                    hid = rng.choice(reviewed_here)
                    cause, what, fix = _TYPICAL_FAILURE.get(
                        handoff_keys[hid], ("missing data", "{thing} hand-off arrived incomplete", "Checklist added")
                    )
                    if rng.random() < 0.35:
                        cause, what, fix = (
                            rng.choice(_CAUSES),
                            "{thing} hand-off arrived incomplete",
                            "Checklist added to the packet",
                        )
                    rows["failfast"].append(
                        (hid, mid, what.format(thing=thing().capitalize()), cause, fix, to_ts(ended))
                    )
            self._write_demo_rows(rows)
            if progress:
                progress(min(start + chunk, total), total)
        del today
        self._ensure_open_escalation(cadence_ids)
        return total, created_actions

    def _ensure_open_escalation(self, cadence_ids: dict[str, int]) -> None:
        """A newcomer should see at least one open escalated blocker waiting in
        the next Finance Business Review."""
        finance = cadence_ids.get("finance-review")
        if finance is None or self.scalar(
            "SELECT 1 FROM blockers WHERE escalated_to_cadence_id IS NOT NULL AND status = 'open'"
        ):
            return
        with self.write() as conn:
            conn.execute(
                "UPDATE blockers SET escalated_to_cadence_id = ? WHERE id = (SELECT id FROM blockers"
                " WHERE status = 'open' AND cadence_id != ? ORDER BY created_at DESC LIMIT 1)",
                (finance, finance),
            )

    def _write_demo_rows(self, rows: dict[str, list[tuple]]) -> None:
        statements = {
            "meetings": "INSERT INTO meetings(id, cadence_id, scheduled_for, started_at, ended_at, status,"
            " paused_seconds, timebox_min, reforecast, variance_threshold) VALUES (?,?,?,?,?,?,?,?,?,?)",
            "agenda": "INSERT INTO agenda_items(meeting_id, position, title, timebox_min, state, elapsed_seconds,"
            " started_at) VALUES (?,?,?,?,?,?,?)",
            "attendance": "INSERT INTO attendance(meeting_id, person, role, present, guest) VALUES (?,?,?,?,?)",
            "actions": "INSERT INTO action_items(cadence_id, meeting_id, title, owner, due, status, created_at,"
            " closed_at) VALUES (?,?,?,?,?,?,?,?)",
            "blockers": "INSERT INTO blockers(cadence_id, meeting_id, what, raised_by, unblocker, status,"
            " created_at, resolved_at, escalated_to_cadence_id) VALUES (?,?,?,?,?,?,?,?,?)",
            "decisions": "INSERT INTO decisions(meeting_id, text, created_at) VALUES (?,?,?)",
            "notes": "INSERT INTO notes(meeting_id, text, created_at) VALUES (?,?,?)",
            "demos": "INSERT INTO demo_items(meeting_id, what, presenter, feedback, created_at) VALUES (?,?,?,?,?)",
            "pipeline": "INSERT INTO pipeline_metrics(meeting_id, stage, value) VALUES (?,?,?)",
            "campaigns": "INSERT INTO campaign_changes(meeting_id, text, created_at) VALUES (?,?,?)",
            "budget": "INSERT INTO budget_lines(meeting_id, department, budget, actual) VALUES (?,?,?,?)",
            "wins": "INSERT INTO wins(meeting_id, text, who, created_at) VALUES (?,?,?,?)",
            "health": "INSERT INTO health_ratings(meeting_id, handoff_id, rating, comment) VALUES (?,?,?,?)",
            "metric_values": "INSERT INTO metric_values(metric_id, meeting_id, value, recorded_on, created_at)"
            " VALUES (?,?,?,?,?)",
            "ratings": "INSERT INTO meeting_ratings(meeting_id, person, rating) VALUES (?,?,?)",
            "failfast": "INSERT INTO failfast_log(handoff_id, meeting_id, what, cause, fix, created_at)"
            " VALUES (?,?,?,?,?,?)",
        }
        with self.write() as conn:
            for name, sql in statements.items():
                if rows[name]:
                    conn.executemany(sql, rows[name])
            if rows["meetings"] and self.engine != "sqlite":
                # The meetings came with their ids: PostgreSQL's counter goes on after them.
                from cadence_tui.store.engines import postgres

                postgres.reset_identities(conn, ["meetings"])  # type: ignore[arg-type]
