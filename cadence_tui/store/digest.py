"""Gathering a status digest: what changed since a date, across every cadence."""

from __future__ import annotations

from datetime import date, datetime, time

from cadence_tui.core.digest import (
    DigestAction,
    DigestBlocker,
    DigestData,
    DigestDecision,
    DigestMeeting,
    MetricMove,
)
from cadence_tui.core.scorecard import FINITE_SQL
from cadence_tui.store.actions import name_key, same_name
from cadence_tui.store.base import StorePart, from_date, from_ts, required_ts, to_ts
from cadence_tui.store.errors import InvalidInput

_ACTION_SQL = (
    "SELECT a.id, a.title, a.owner, a.due, a.status, a.created_at, a.closed_at, c.name AS cadence"
    " FROM action_items a JOIN cadences c ON c.id = a.cadence_id"
)
_BLOCKER_SQL = (
    "SELECT b.id, b.what, b.raised_by, b.unblocker, b.status, c.name AS cadence, e.name AS escalated"
    " FROM blockers b JOIN cadences c ON c.id = b.cadence_id LEFT JOIN cadences e ON e.id = b.escalated_to_cadence_id"
)


def _action(r) -> DigestAction:
    return DigestAction(
        r["id"],
        r["title"],
        r["owner"],
        r["cadence"],
        from_date(r["due"]),
        r["status"],
        required_ts(r["created_at"]),
        from_ts(r["closed_at"]),
    )


def _blocker(r) -> DigestBlocker:
    return DigestBlocker(
        r["id"], r["what"], r["raised_by"], r["unblocker"], r["cadence"], r["status"], r["escalated"] or ""
    )


class DigestStore(StorePart):
    def digest_data(self, since: date, *, owner: str | None = None, upcoming_days: int = 7) -> DigestData:
        """What changed from local midnight of ``since`` until now. With ``owner``:
        only that person's action items, the blockers they raised or can
        unblock, and the metrics they own; decisions and meetings stay."""
        now = self.now()
        today = self.today()
        if since > today:
            raise InvalidInput(f"the digest period cannot start in the future ({since.isoformat()})")
        start = to_ts(datetime.combine(since, time()).astimezone())
        end = to_ts(now)
        owner = owner.strip() if owner else None
        who_a, who_b = "", ""
        oa: tuple[str, ...] = ()
        ob: tuple[str, ...] = ()
        if owner:  # names match whatever their case ("marco" finds Marco's items)
            condition, spellings = self.store.actions.owner_condition("a.owner", owner)
            who_a, oa = f" AND {condition}", tuple(spellings)
            people = self.query("SELECT raised_by FROM blockers UNION SELECT unblocker FROM blockers")
            names = [r[0] for r in people if r[0] and same_name(r[0], owner)] or [owner]
            marks = ", ".join("?" * len(names))
            who_b, ob = f" AND (b.raised_by IN ({marks}) OR b.unblocker IN ({marks}))", (*names, *names)

        data = DigestData(start=since, end=today, today=today, owner=owner)
        data.done = [
            _action(r)
            for r in self.query(
                f"{_ACTION_SQL} WHERE a.status = 'done' AND a.closed_at >= ? AND a.closed_at <= ?{who_a}"
                " ORDER BY a.closed_at, a.id",
                (start, end, *oa),
            )
        ]
        data.added = [
            _action(r)
            for r in self.query(
                f"{_ACTION_SQL} WHERE a.created_at >= ? AND a.created_at <= ?{who_a} ORDER BY a.created_at, a.id",
                (start, end, *oa),
            )
        ]
        data.new_blockers = [
            _blocker(r)
            for r in self.query(
                f"{_BLOCKER_SQL} WHERE b.created_at >= ? AND b.created_at <= ?{who_b} ORDER BY b.created_at, b.id",
                (start, end, *ob),
            )
        ]
        data.resolved_blockers = [
            _blocker(r)
            for r in self.query(
                f"{_BLOCKER_SQL} WHERE b.status = 'resolved' AND b.resolved_at >= ? AND b.resolved_at <= ?{who_b}"
                " ORDER BY b.resolved_at, b.id",
                (start, end, *ob),
            )
        ]
        data.decisions = [
            DigestDecision(r["cadence"], required_ts(r["started_at"]).astimezone().date(), r["text"])
            for r in self.query(
                "SELECT d.text, m.started_at, c.name AS cadence FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
                " JOIN cadences c ON c.id = m.cadence_id WHERE m.started_at >= ? AND m.started_at <= ?"
                " ORDER BY m.started_at, d.id",
                (start, end),
            )
        ]
        data.metrics = self._metric_moves(since, today, owner)
        data.upcoming = [
            DigestMeeting(o.cadence_name, o.start, o.timebox_min) for o in self.store.cadences.upcoming(upcoming_days)
        ]
        owes: dict[str, list[DigestAction]] = {}
        spelling: dict[str, str] = {}  # one group per person, whatever the case of the name
        for r in self.query(
            f"{_ACTION_SQL} WHERE a.status = 'open'{who_a} ORDER BY a.owner, a.due IS NULL, a.due, a.id", oa
        ):
            label = spelling.setdefault(name_key(r["owner"]), r["owner"])
            owes.setdefault(label, []).append(_action(r))
        for items in owes.values():  # merged spellings: back in due order
            items.sort(key=lambda a: (a.due is None, a.due or today, a.id))
        # Owners with overdue work first, then by name; unowned items last.
        data.owes = dict(
            sorted(
                owes.items(),
                key=lambda kv: (
                    kv[0] == "",
                    -sum(1 for a in kv[1] if a.due is not None and a.due < today),
                    kv[0].casefold(),
                ),
            )
        )
        return data

    def _metric_moves(self, since: date, today: date, owner: str | None) -> list[MetricMove]:
        moves = []
        for metric in self.store.scorecard.list_metrics():
            if owner and not same_name(metric.owner, owner):
                continue
            last = self.query_one(
                "SELECT value FROM metric_values WHERE metric_id = ? AND recorded_on >= ? AND recorded_on <= ?"
                f" AND {FINITE_SQL.format('value')} ORDER BY recorded_on DESC, id DESC LIMIT 1",
                (metric.id, since.isoformat(), today.isoformat()),
            )
            if last is None:
                continue
            before = self.scalar(
                "SELECT value FROM metric_values WHERE metric_id = ? AND recorded_on < ?"
                f" AND {FINITE_SQL.format('value')} ORDER BY recorded_on DESC, id DESC LIMIT 1",
                (metric.id, since.isoformat()),
            )
            if before is not None and before == last["value"]:
                continue
            moves.append(
                MetricMove(
                    metric.name, metric.unit, before, last["value"], metric.target, not metric.on_target(last["value"])
                )
            )
        return moves
