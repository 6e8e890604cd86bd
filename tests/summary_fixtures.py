"""Meetings of each cadence, built through the store (and SQL for the panel
tables), on the pinned clock: the input of the summary tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cadence_tui.store import Store

CADENCE_KEYS = ("sprint-review", "sales-marketing-sync", "finance-review", "all-hands")


def _at(clock, when: datetime) -> None:
    clock.current = when


def _finish(store: Store, clock, meeting_id: int, minutes: int, agenda_minutes: list[float]) -> None:
    """End the meeting ``minutes`` after it started, with these agenda times."""
    clock.advance(minutes=minutes)
    store.meetings.end_meeting(meeting_id)
    with store.write() as conn:
        ids = [
            r[0]
            for r in conn.execute("SELECT id FROM agenda_items WHERE meeting_id = ? ORDER BY position", (meeting_id,))
        ]
        for item_id, spent in zip(ids, agenda_minutes, strict=False):
            conn.execute(
                "UPDATE agenda_items SET state = 'done', elapsed_seconds = ?, started_at = NULL WHERE id = ?",
                (spent * 60, item_id),
            )


def _absent(store: Store, meeting_id: int, person: str) -> None:
    with store.write() as conn:
        conn.execute("UPDATE attendance SET present = 0 WHERE meeting_id = ? AND person = ?", (meeting_id, person))


def build_meeting(store: Store, clock, key: str) -> int:
    """An earlier meeting of ``key`` (for carry-over and comparisons), then
    the meeting under test, ended at the fixed 'now'. Returns its id."""
    start = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    earlier = start - timedelta(days=14)

    # -- the earlier meeting ---------------------------------------------------------
    _at(clock, earlier)
    prev = store.meetings.start_meeting(key).id
    old = store.actions.add_action(
        "Update the onboarding checklist", owner="Lena", due=date(2026, 11, 20), meeting_id=prev
    )
    store.actions.add_action("Book the customer interviews", owner="Sam", due=date(2026, 12, 2), meeting_id=prev)
    done_here = store.actions.add_action("Send the recap deck", owner="Marco", meeting_id=prev)
    store.meetings.add_blocker("Staging database is down", raised_by="Marco", unblocker="Dana", meeting_id=prev)
    with store.write() as conn:
        if key == "sales-marketing-sync":
            conn.executemany(
                "INSERT INTO pipeline_metrics(meeting_id, stage, value) VALUES (?,?,?)",
                [(prev, "leads", 900), (prev, "mql", 270), (prev, "sql", 90), (prev, "won", 20)],
            )
        if key == "all-hands":
            conn.executemany(
                "INSERT INTO health_ratings(meeting_id, handoff_id, rating, comment) VALUES (?,?,?,?)",
                [(prev, 1, 4, ""), (prev, 2, 3, ""), (prev, 3, 3, "")],
            )
        metric = {"sprint-review": "ttv", "sales-marketing-sync": "cac", "finance-review": "cac", "all-hands": "enps"}[
            key
        ]
        conn.execute(
            "INSERT INTO metric_values(metric_id, meeting_id, value, recorded_on, created_at)"
            " SELECT id, ?, ?, ?, ? FROM metrics WHERE key = ?",
            (
                prev,
                {"ttv": 34.0, "cac": 1310.0, "enps": 28.0}[metric],
                earlier.date().isoformat(),
                earlier.isoformat(),
                metric,
            ),
        )
    _finish(store, clock, prev, 30, [3, 15, 7, 5, 10])

    # -- the meeting under test --------------------------------------------------------
    _at(clock, start)
    mid = store.meetings.start_meeting(key).id
    clock.advance(minutes=5)
    store.meetings.add_decision(mid, "Ship the new checkout to 10 % of users first")
    store.actions.add_action("Write the rollout plan", owner="Priya", due=date(2026, 12, 4), meeting_id=mid)
    store.actions.add_action("Ask legal about the data retention terms", meeting_id=mid)
    store.meetings.add_blocker("Waiting for the new API keys", raised_by="Lena", unblocker="Chris", meeting_id=mid)
    store.actions.set_action_status(done_here.id, "done", meeting_id=mid)
    store.meetings.add_note(mid, "Good turnout.\nNext time start with the numbers.")
    with store.write() as conn:
        if key == "sprint-review":
            conn.executemany(
                "INSERT INTO demo_items(meeting_id, what, presenter, feedback, created_at) VALUES (?,?,?,?,?)",
                [
                    (
                        mid,
                        "One-click checkout",
                        "Marco",
                        "Priya: Looks great\nSam: Button too small on mobile",
                        start.isoformat(),
                    ),
                    (mid, "Faster search", "Lena", "", start.isoformat()),
                ],
            )
        elif key == "sales-marketing-sync":
            conn.executemany(
                "INSERT INTO pipeline_metrics(meeting_id, stage, value) VALUES (?,?,?)",
                [(mid, "leads", 950), (mid, "mql", 300), (mid, "sql", 90), (mid, "won", 24)],
            )
            conn.execute(
                "INSERT INTO campaign_changes(meeting_id, text, created_at) VALUES (?,?,?)",
                (mid, "Move 10 % of paid search to the webinar series", start.isoformat()),
            )
        elif key == "finance-review":
            conn.executemany(
                "INSERT INTO budget_lines(meeting_id, department, budget, actual) VALUES (?,?,?,?)",
                [
                    (mid, "Engineering", 420000, 431000),
                    (mid, "Marketing", 180000, 205000),
                    (mid, "Sales", 260000, 221000),
                    (mid, "G&A", 90000, 88000),
                ],
            )
            conn.execute("UPDATE meetings SET reforecast = 1010000, variance_threshold = 10 WHERE id = ?", (mid,))
        elif key == "all-hands":
            conn.executemany(
                "INSERT INTO wins(meeting_id, text, who, created_at) VALUES (?,?,?,?)",
                [
                    (mid, "Closed the biggest deal of the year", "Alex", start.isoformat()),
                    (mid, "Support backlog at zero", "Kim", start.isoformat()),
                ],
            )
            conn.executemany(
                "INSERT INTO health_ratings(meeting_id, handoff_id, rating, comment) VALUES (?,?,?,?)",
                [
                    (mid, 1, 3, "Packets arrive late"),
                    (mid, 2, 4, "Stories are ready earlier"),
                    (mid, 3, 3, ""),
                    (mid, 4, 5, "Caps known by day 5"),
                ],
            )
        metric = {"sprint-review": "ttv", "sales-marketing-sync": "cac", "finance-review": "cac", "all-hands": "enps"}[
            key
        ]
        conn.execute(
            "INSERT INTO metric_values(metric_id, meeting_id, value, recorded_on, created_at)"
            " SELECT id, ?, ?, ?, ? FROM metrics WHERE key = ?",
            (
                mid,
                {"ttv": 31.5, "cac": 1180.0, "enps": 33.0}[metric],
                start.date().isoformat(),
                start.isoformat(),
                metric,
            ),
        )
    _absent(store, mid, store.cadences.get_cadence(key).participants[-1].name)
    agenda = {
        "sprint-review": [3, 19, 7, 5],
        "sales-marketing-sync": [8, 12, 8, 6],
        "finance-review": [22, 15, 12, 8],
        "all-hands": [15, 10, 10, 16, 10],
    }[key]
    _finish(store, clock, mid, sum(agenda) - 5, agenda)
    del old
    return mid
