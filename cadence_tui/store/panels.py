"""Each cadence's own panel in a meeting: demos and feedback (Sprint Review),
pipeline metrics and campaign changes (Marketing–Sales Sync), budget vs
actual, threshold and re-forecast (Finance Business Review), wins and the
hand-off health check (All-Hands)."""

from __future__ import annotations

from collections.abc import Mapping

from cadence_tui.core.meeting import Entry
from cadence_tui.core.panels import parse_amount, parse_count, parse_percent, parse_rating
from cadence_tui.core.textsafe import strip_control
from cadence_tui.kinds.all_hands import HealthRow, Win
from cadence_tui.kinds.finance import BudgetLine
from cadence_tui.kinds.pipeline import STAGE_LABELS, STAGES, PipelineView
from cadence_tui.kinds.sprint import DemoItem
from cadence_tui.store.base import StorePart, from_ts, inserted_id, required_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound
from cadence_tui.store.meetings import at_field, clean_text, field_error

FEEDBACK_MAX = 20_000
COMMENT_MAX = 2000
DEPARTMENT_MAX = 60


def _title(text: str, what: str) -> str:
    from cadence_tui.store.actions import clean_title

    return clean_title(text, what)


def _name(text: str, what: str) -> str:
    from cadence_tui.store.actions import clean_name

    return clean_name(text, what)


class PanelStore(StorePart):
    # -- Sprint Review: demos ---------------------------------------------------
    def demos(self, meeting_id: int) -> list[DemoItem]:
        rows = self.query(
            "SELECT id, what, presenter, feedback, created_at FROM demo_items WHERE meeting_id = ? ORDER BY id",
            (meeting_id,),
        )
        return [DemoItem(r["id"], r["what"], r["presenter"], r["feedback"], required_ts(r["created_at"])) for r in rows]

    def add_demo(self, meeting_id: int, what: str, presenter: str = "") -> DemoItem:
        what, presenter = check_demo(what, presenter)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO demo_items(meeting_id, what, presenter, created_at) VALUES (?,?,?,?)",
                (meeting_id, what, presenter, to_ts(self.now())),
            )
        return self.get_demo(inserted_id(cur))

    def get_demo(self, demo_id: int) -> DemoItem:
        r = self.query_one("SELECT id, what, presenter, feedback, created_at FROM demo_items WHERE id = ?", (demo_id,))
        if r is None:
            raise NotFound(f"no demo with id {demo_id}")
        return DemoItem(r["id"], r["what"], r["presenter"], r["feedback"], required_ts(r["created_at"]))

    def add_demo_feedback(self, demo_id: int, text: str, who: str = "") -> DemoItem:
        """Append one piece of feedback (a line, ``who: text`` when a name is given)."""
        line = check_demo_feedback(text, who)
        with self.write() as conn:
            row = conn.execute("SELECT feedback FROM demo_items WHERE id = ?", (demo_id,)).fetchone()
            if row is None:
                raise NotFound(f"no demo with id {demo_id}")
            feedback = f"{row[0]}\n{line}" if row[0] else line
            if len(feedback) > FEEDBACK_MAX:
                raise field_error("feedback", f"this demo already has {FEEDBACK_MAX:,} characters of feedback")
            conn.execute("UPDATE demo_items SET feedback = ? WHERE id = ?", (feedback, demo_id))
        return self.get_demo(demo_id)

    def update_demo(self, demo_id: int, what: str, presenter: str = "", feedback: str | None = None) -> DemoItem:
        """Correct a demo: its title, presenter and (when given) all its
        feedback, one piece a line; an emptied line is a deleted piece."""
        what, presenter = check_demo(what, presenter)
        lines = None if feedback is None else check_demo_feedback_lines(feedback)
        with self.write() as conn:
            if feedback is None:
                cur = conn.execute(
                    "UPDATE demo_items SET what = ?, presenter = ? WHERE id = ?", (what, presenter, demo_id)
                )
            else:
                cur = conn.execute(
                    "UPDATE demo_items SET what = ?, presenter = ?, feedback = ? WHERE id = ?",
                    (what, presenter, lines, demo_id),
                )
            if cur.rowcount == 0:
                raise NotFound(f"no demo with id {demo_id}")
        return self.get_demo(demo_id)

    def delete_demo(self, demo_id: int) -> DemoItem:
        """Remove a demo and its feedback; returns what was removed."""
        demo = self.get_demo(demo_id)
        with self.write() as conn:
            conn.execute("DELETE FROM demo_items WHERE id = ?", (demo_id,))
        return demo

    # -- Marketing–Sales Sync: pipeline and campaigns ------------------------------
    def pipeline(self, meeting_id: int) -> PipelineView:
        """This sync's stage values beside those of the previous sync that had any."""
        meeting = self.store.meetings.get_meeting(meeting_id)
        current = {
            r[0]: r[1]
            for r in self.query("SELECT stage, value FROM pipeline_metrics WHERE meeting_id = ?", (meeting_id,))
        }
        prev = self.query_one(
            "SELECT m.id, m.started_at FROM meetings m WHERE m.cadence_id = ? AND m.started_at < ? AND m.id != ?"
            " AND EXISTS (SELECT 1 FROM pipeline_metrics p WHERE p.meeting_id = m.id)"
            " ORDER BY m.started_at DESC LIMIT 1",
            (meeting.cadence_id, to_ts(meeting.started_at), meeting_id),
        )
        previous: dict[str, int | None] = {}
        if prev is not None:
            previous = {
                r[0]: r[1]
                for r in self.query("SELECT stage, value FROM pipeline_metrics WHERE meeting_id = ?", (prev["id"],))
            }
        return PipelineView(
            {s: current.get(s) for s in STAGES},
            {s: previous.get(s) for s in STAGES} if prev else {},
            from_ts(prev["started_at"]) if prev else None,
        )

    def set_pipeline(self, meeting_id: int, values: Mapping[str, str | int | None]) -> PipelineView:
        """Store the stage values typed in (empty text leaves a stage unset).

        Every field is checked before anything is written; the first bad one
        is reported at its field.
        """
        parsed = check_pipeline(values)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            for stage, value in parsed.items():
                if value is None:
                    conn.execute("DELETE FROM pipeline_metrics WHERE meeting_id = ? AND stage = ?", (meeting_id, stage))
                else:
                    conn.execute(
                        "INSERT INTO pipeline_metrics(meeting_id, stage, value) VALUES (?,?,?)"
                        " ON CONFLICT(meeting_id, stage) DO UPDATE SET value = excluded.value",
                        (meeting_id, stage, value),
                    )
        return self.pipeline(meeting_id)

    def campaign_changes(self, meeting_id: int) -> list[Entry]:
        return self.store.meetings._entries("campaign_changes", meeting_id)

    def add_campaign_change(self, meeting_id: int, text: str) -> int:
        text = check_campaign_change(text)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO campaign_changes(meeting_id, text, created_at) VALUES (?,?,?)",
                (meeting_id, text, to_ts(self.now())),
            )
        return inserted_id(cur)

    # -- Finance Business Review ------------------------------------------------------
    def budget_lines(self, meeting_id: int) -> list[BudgetLine]:
        rows = self.query(
            "SELECT id, department, budget, actual FROM budget_lines WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
        return [BudgetLine(r["id"], r["department"], r["budget"], r["actual"]) for r in rows]

    def set_budget_line(self, meeting_id: int, department: str, budget: str | float, actual: str | float) -> BudgetLine:
        """Add a department's line, or replace its figures if it is already there."""
        department, budget_value, actual_value = check_budget_line(department, budget, actual)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            conn.execute(
                "INSERT INTO budget_lines(meeting_id, department, budget, actual) VALUES (?,?,?,?)"
                " ON CONFLICT(meeting_id, department) DO UPDATE SET budget = excluded.budget, actual = excluded.actual",
                (meeting_id, department, budget_value, actual_value),
            )
        return next(line for line in self.budget_lines(meeting_id) if line.department == department)

    def previous_budget_departments(self, meeting_id: int) -> list[tuple[str, float]]:
        """Departments and budgets of the previous review of this cadence (to pre-fill)."""
        meeting = self.store.meetings.get_meeting(meeting_id)
        prev = self.scalar(
            "SELECT m.id FROM meetings m WHERE m.cadence_id = ? AND m.started_at < ? AND m.id != ?"
            " AND EXISTS (SELECT 1 FROM budget_lines b WHERE b.meeting_id = m.id)"
            " ORDER BY m.started_at DESC LIMIT 1",
            (meeting.cadence_id, to_ts(meeting.started_at), meeting_id),
        )
        if prev is None:
            return []
        return [
            (r[0], r[1])
            for r in self.query("SELECT department, budget FROM budget_lines WHERE meeting_id = ? ORDER BY id", (prev,))
        ]

    def set_variance_threshold(self, meeting_id: int, threshold: str | float) -> float:
        value = check_variance_threshold(threshold)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            conn.execute("UPDATE meetings SET variance_threshold = ? WHERE id = ?", (value, meeting_id))
        return value

    def set_reforecast(self, meeting_id: int, amount: str | float | None) -> float | None:
        """The re-forecast for the period; empty text clears it."""
        value = check_reforecast(amount)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            conn.execute("UPDATE meetings SET reforecast = ? WHERE id = ?", (value, meeting_id))
        return value

    # -- All-Hands ----------------------------------------------------------------------
    def wins(self, meeting_id: int) -> list[Win]:
        rows = self.query("SELECT id, text, who, created_at FROM wins WHERE meeting_id = ? ORDER BY id", (meeting_id,))
        return [Win(r["id"], r["text"], r["who"], required_ts(r["created_at"])) for r in rows]

    def add_win(self, meeting_id: int, text: str, who: str = "") -> Win:
        text, who = check_win(text, who)
        self.store.meetings.get_meeting(meeting_id)
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO wins(meeting_id, text, who, created_at) VALUES (?,?,?,?)",
                (meeting_id, text, who, to_ts(self.now())),
            )
        return next(w for w in self.wins(meeting_id) if w.id == cur.lastrowid)

    def health_check(self, meeting_id: int) -> list[HealthRow]:
        """Every registered (not archived) hand-off, this meeting's rating and the
        latest earlier one (from any meeting before this one)."""
        meeting = self.store.meetings.get_meeting(meeting_id)
        handoffs = self.store.playbook.list_handoffs()
        here = {
            r["handoff_id"]: r
            for r in self.query(
                "SELECT handoff_id, rating, comment FROM health_ratings WHERE meeting_id = ?", (meeting_id,)
            )
        }
        out = []
        for h in handoffs:
            prev = self.query_one(
                "SELECT r.rating, r.comment FROM health_ratings r JOIN meetings m ON m.id = r.meeting_id"
                " WHERE r.handoff_id = ? AND m.started_at < ? AND m.id != ? ORDER BY m.started_at DESC LIMIT 1",
                (h.id, to_ts(meeting.started_at), meeting_id),
            )
            cur = here.get(h.id)
            out.append(
                HealthRow(
                    h,
                    cur["rating"] if cur else None,
                    cur["comment"] if cur else "",
                    prev["rating"] if prev else None,
                    prev["comment"] if prev else "",
                )
            )
        return out

    def rate_handoff(self, meeting_id: int, handoff_id: int, rating: str | int, comment: str = "") -> HealthRow:
        value, comment = check_handoff_rating(rating, comment)
        self.store.meetings.get_meeting(meeting_id)
        if self.scalar("SELECT 1 FROM handoffs WHERE id = ?", (handoff_id,)) is None:
            raise NotFound(f"no hand-off with id {handoff_id}")
        with self.write() as conn:
            conn.execute(
                "INSERT INTO health_ratings(meeting_id, handoff_id, rating, comment) VALUES (?,?,?,?)"
                " ON CONFLICT(meeting_id, handoff_id) DO UPDATE SET rating = excluded.rating,"
                " comment = excluded.comment",
                (meeting_id, handoff_id, value, comment),
            )
        return next(r for r in self.health_check(meeting_id) if r.handoff.id == handoff_id)


# -- the panel forms' checks: no database, so a form can check before it closes ------
# (the store's methods above run the same checks first)
def check_demo(what: str, presenter: str = "") -> tuple[str, str]:
    with at_field("what"):
        what = _title(what, "demo")
    with at_field("presenter"):
        presenter = _name(presenter, "presenter")
    return what, presenter


def check_demo_feedback(text: str, who: str = "") -> str:
    """One piece of feedback as stored: ``who: text`` when a name is given."""
    with at_field("feedback"):
        text = clean_text(text, "feedback", COMMENT_MAX).replace("\n", " ")
    with at_field("who"):
        who = _name(who, "name")
    return f"{who}: {text}" if who else text


def check_demo_feedback_lines(feedback: str) -> str:
    """All of a demo's feedback, one piece a line (emptied lines dropped)."""
    kept = [" ".join(line.split()) for line in strip_control(feedback, multiline=True).splitlines()]
    lines = "\n".join(line for line in kept if line)
    if len(lines) > FEEDBACK_MAX:
        raise field_error("feedback", f"at most {FEEDBACK_MAX:,} characters of feedback ({len(lines):,} now)")
    return lines


def check_pipeline(values: Mapping[str, str | int | None]) -> dict[str, int | None]:
    parsed: dict[str, int | None] = {}
    for stage in STAGES:
        raw = values.get(stage)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            parsed[stage] = None
            continue
        with at_field(stage):
            try:
                parsed[stage] = raw if isinstance(raw, int) and raw >= 0 else parse_count(str(raw))
            except ValueError as exc:
                raise InvalidInput(f"{STAGE_LABELS[stage]}: {exc}") from None
    return parsed


def check_campaign_change(text: str) -> str:
    with at_field("text"):
        return clean_text(text, "campaign change", COMMENT_MAX)


def check_budget_line(department: str, budget: str | float, actual: str | float) -> tuple[str, float, float]:
    with at_field("department"):
        department = _name(department, "department")
        if not department:
            raise InvalidInput("the department cannot be empty")
        if len(department) > DEPARTMENT_MAX:
            raise InvalidInput(f"the department is too long (at most {DEPARTMENT_MAX} characters)")
    with at_field("budget"):
        budget_value = float(budget) if isinstance(budget, (int, float)) else parse_amount(budget)
    with at_field("actual"):
        actual_value = float(actual) if isinstance(actual, (int, float)) else parse_amount(actual)
    return department, budget_value, actual_value


def check_variance_threshold(threshold: str | float) -> float:
    with at_field("threshold"):
        value = float(threshold) if isinstance(threshold, (int, float)) else parse_percent(threshold)
        if not 0 < value <= 1000:
            raise InvalidInput("the threshold must be above 0 and at most 1000 %")
    return value


def check_reforecast(amount: str | float | None) -> float | None:
    """The re-forecast typed; empty text clears it (None)."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return None
    with at_field("reforecast"):
        return float(amount) if isinstance(amount, (int, float)) else parse_amount(amount)


def check_win(text: str, who: str = "") -> tuple[str, str]:
    with at_field("text"):
        text = _title(text, "win")
    with at_field("who"):
        who = _name(who, "name")
    return text, who


def check_handoff_rating(rating: str | int, comment: str = "") -> tuple[int, str]:
    with at_field("rating"):
        value = parse_rating(str(rating))
    with at_field("comment"):
        comment = clean_text(comment, "comment", COMMENT_MAX) if comment and comment.strip() else ""
    return value, comment
