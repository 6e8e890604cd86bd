"""Cadences, their agenda templates, the home-screen overview and the schedule."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime, time, timedelta

from cadence_tui.core.model import AgendaTemplateItem, Cadence, CadenceOverview, Occurrence, Participant
from cadence_tui.core.textsafe import clean_line, strip_control
from cadence_tui.store.base import StorePart, from_ts, inserted_id, required_date, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound

_CADENCE_COLUMNS = (
    "id, key, name, purpose, rrule, anchor_date, start_time, tz, timebox_min, "
    "participants, variance_threshold, position, archived, kind"
)


def cadence_from_row(row: sqlite3.Row) -> Cadence:
    hh, mm = row["start_time"].split(":")
    return Cadence(
        id=row["id"],
        key=row["key"],
        name=row["name"],
        purpose=row["purpose"],
        rule=row["rrule"],
        anchor=required_date(row["anchor_date"]),
        start_time=time(int(hh), int(mm)),
        tz=row["tz"],
        timebox_min=row["timebox_min"],
        participants=[Participant(p["name"], p.get("role", "")) for p in json.loads(row["participants"])],
        variance_threshold=row["variance_threshold"],
        archived=bool(row["archived"]),
        position=row["position"],
        kind=row["kind"],
    )


def participants_json(participants: list[Participant] | tuple[Participant, ...]) -> str:
    return json.dumps([{"name": p.name, "role": p.role} for p in participants], ensure_ascii=False)


class CadenceStore(StorePart):
    def seed_defaults(self, tz: str | None = None) -> bool:
        """Insert the four default cadences, hand-offs and metrics once per file."""
        if self.get_setting("seeded"):
            return False  # every start but the first: core.seed (~2 ms to import) is not needed
        from cadence_tui.core import seed
        from cadence_tui.kinds import kind_for_key

        zone = tz or seed.local_timezone()
        created = to_ts(self.now())
        with self.write() as conn:
            if conn.execute("SELECT value FROM settings WHERE key = 'seeded'").fetchone():
                return False  # another process seeded it first
            for pos, c in enumerate(seed.CADENCES):
                cur = conn.execute(
                    "INSERT INTO cadences(key, name, purpose, rrule, anchor_date, start_time, tz,"
                    " timebox_min, participants, position, created_at, kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT DO NOTHING",
                    (
                        c.key,
                        c.name,
                        c.purpose,
                        c.rule,
                        c.anchor,
                        c.start_time,
                        zone,
                        c.timebox_min,
                        participants_json(c.participants),
                        pos,
                        created,
                        kind_for_key(c.key),
                    ),
                )
                if cur.rowcount:
                    conn.executemany(
                        "INSERT INTO agenda_templates(cadence_id, position, title, timebox_min) VALUES (?,?,?,?)",
                        [(cur.lastrowid, i.position, i.title, i.timebox_min) for i in c.agenda],
                    )
            for pos, h in enumerate(seed.HANDOFFS):
                conn.execute(
                    "INSERT INTO handoffs(key, from_dept, to_dept, owner, packet_fields, deliverables,"
                    " timeline, success_criteria, position) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                    (
                        h.key,
                        h.from_dept,
                        h.to_dept,
                        h.owner,
                        json.dumps(list(h.packet_fields)),
                        h.deliverables,
                        h.timeline,
                        h.success_criteria,
                        pos,
                    ),
                )
            for m in seed.METRICS:
                conn.execute(
                    "INSERT INTO metrics(key, name, unit, owner, target, direction, cadence_keys,"
                    " description) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                    (
                        m.key,
                        m.name,
                        m.unit,
                        m.owner,
                        m.target,
                        m.direction,
                        json.dumps(list(m.cadence_keys)),
                        m.description,
                    ),
                )
            conn.execute("INSERT INTO settings(key, value) VALUES ('seeded', ?)", (created,))
        return True

    # -- reading --------------------------------------------------------------
    def list_cadences(self, *, include_archived: bool = False) -> list[Cadence]:
        where = "" if include_archived else "WHERE archived = 0"
        rows = self.query(f"SELECT {_CADENCE_COLUMNS} FROM cadences {where} ORDER BY position, id")
        return [cadence_from_row(r) for r in rows]

    def get_cadence(self, key: str) -> Cadence:
        row = self.query_one(f"SELECT {_CADENCE_COLUMNS} FROM cadences WHERE key = ?", (key,))
        if row is None:
            known = ", ".join(c.key for c in self.list_cadences())
            raise NotFound(f"unknown cadence {key!r}; known cadences: {known}")
        return cadence_from_row(row)

    def get_cadence_by_id(self, cadence_id: int) -> Cadence:
        row = self.query_one(f"SELECT {_CADENCE_COLUMNS} FROM cadences WHERE id = ?", (cadence_id,))
        if row is None:
            raise NotFound(f"no cadence with id {cadence_id}")
        return cadence_from_row(row)

    def agenda_template(self, cadence_id: int) -> list[AgendaTemplateItem]:
        rows = self.query(
            "SELECT id, position, title, timebox_min FROM agenda_templates WHERE cadence_id = ? ORDER BY position, id",
            (cadence_id,),
        )
        return [AgendaTemplateItem(r["title"], r["timebox_min"], id=r["id"], position=r["position"]) for r in rows]

    def overview(self) -> list[CadenceOverview]:
        """Everything the home screen shows, in a handful of indexed queries."""
        cadences = self.list_cadences()
        today = self.today().isoformat()
        out = []
        for c in cadences:
            last = self.scalar(
                "SELECT max(started_at) FROM meetings WHERE cadence_id = ? AND status = 'ended'", (c.id,)
            )
            running = self.scalar(
                # The (cadence, status) index finds the few open meetings; `+`
                # keeps SQLite from walking every past meeting of the cadence in
                # started_at order instead (5 ms per cadence at 10k meetings).
                "SELECT id FROM meetings WHERE cadence_id = ? AND status IN ('running', 'paused')"
                " ORDER BY +started_at DESC LIMIT 1",
                (c.id,),
            )
            open_actions = self.scalar(
                "SELECT count(*) FROM action_items WHERE status = 'open' AND cadence_id = ?", (c.id,)
            )
            overdue = self.scalar(
                "SELECT count(*) FROM action_items WHERE status = 'open' AND cadence_id = ? AND due < ?",
                (c.id, today),
            )
            blockers = self.scalar("SELECT count(*) FROM blockers WHERE status = 'open' AND cadence_id = ?", (c.id,))
            topics = self.scalar("SELECT count(*) FROM topics WHERE cadence_id = ? AND state = 'open'", (c.id,))
            out.append(CadenceOverview(c, from_ts(last), running, open_actions, overdue, blockers, topics))
        return out

    def upcoming(self, days: int = 30, *, cadence_key: str | None = None) -> list[Occurrence]:
        """Occurrences of every active cadence from now to ``days`` ahead, in time order."""
        from cadence_tui.core.recurrence import occurrences_between

        start = self.now()
        end = start + timedelta(days=days)
        cadences = [self.get_cadence(cadence_key)] if cadence_key else self.list_cadences()
        out: list[Occurrence] = []
        for c in cadences:
            held = self.held_occurrences(c.id, start)  # held early: not upcoming any more
            out.extend(
                Occurrence(c.key, c.name, dt, c.timebox_min)
                for dt in occurrences_between(c.schedule, start, end)
                if dt.astimezone(UTC) not in held
            )
        out.sort(key=lambda o: (o.start, o.cadence_key))
        return out

    def held_occurrences(self, cadence_id: int, since: datetime) -> frozenset[datetime]:
        """The occurrences from ``since`` on that a meeting (running or ended)
        was recorded for, in UTC (what ``scheduled_for`` stores)."""
        rows = self.query(
            "SELECT DISTINCT scheduled_for FROM meetings WHERE cadence_id = ? AND scheduled_for >= ?",
            (cadence_id, to_ts(since)),
        )
        return frozenset(from_ts(r[0]) for r in rows)  # type: ignore[misc]

    def next_occurrence(self, cadence: Cadence, after: datetime | None = None) -> datetime | None:
        """The first occurrence from ``after`` (default now) not yet held: home's
        "Next" and ``cadence cadences``' next (recurrence.next_unheld_occurrence)."""
        from cadence_tui.core.recurrence import next_unheld_occurrence

        after = after or self.now()
        return next_unheld_occurrence(cadence.schedule, after, self.held_occurrences(cadence.id, after))

    # -- editing ----------------------------------------------------------------
    def update_cadence(
        self,
        key: str,
        *,
        name: str | None = None,
        purpose: str | None = None,
        rule: str | None = None,
        anchor: date | str | None = None,
        start_time: time | str | None = None,
        tz: str | None = None,
        timebox_min: int | str | None = None,
        participants: list[Participant] | str | None = None,
        variance_threshold: float | str | None = None,
    ) -> Cadence:
        """Change the given fields of a cadence; every value is validated first
        and nothing is stored if one is invalid (:class:`InvalidInput` names it)."""
        current = self.get_cadence(key)
        changes: dict[str, object] = {}
        if name is not None:
            changes["name"] = check_name(name)
        if purpose is not None:
            changes["purpose"] = check_purpose(purpose)
        if rule is not None:
            changes["rrule"] = check_rule(rule)
        if anchor is not None:
            changes["anchor_date"] = check_anchor(anchor).isoformat()
        if start_time is not None:
            changes["start_time"] = check_start_time(start_time).strftime("%H:%M")
        if tz is not None:
            changes["tz"] = check_timezone(tz)
        if timebox_min is not None:
            changes["timebox_min"] = check_minutes(timebox_min, "the meeting timebox")
        if participants is not None:
            if isinstance(participants, str):
                participants = parse_participants(participants)
            changes["participants"] = participants_json(check_participants(participants))
        if variance_threshold is not None:
            changes["variance_threshold"] = check_threshold(variance_threshold)
        if not changes:
            return current
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self.write() as conn:
            conn.execute(f"UPDATE cadences SET {assignments} WHERE id = ?", (*changes.values(), current.id))
        return self.get_cadence_by_id(current.id)

    def create_cadence(
        self,
        name: str,
        *,
        copy_from: str | None = None,
        key: str | None = None,
        rule: str = "FREQ=WEEKLY;BYDAY=MO",
        start_time: time | str = "09:00",
        tz: str | None = None,
        timebox_min: int = 30,
        purpose: str = "",
        kind: str | None = None,
    ) -> Cadence:
        """A new cadence, blank or a copy of ``copy_from`` (its schedule,
        participants, agenda template and kind; not its meetings). The key is
        made unique from the name unless given. ``kind`` (cadence_tui.kinds)
        defaults to the copied cadence's, else generic."""
        # The kinds registry loads for writing a cadence only (reading shows the stored name).
        from cadence_tui.kinds import GENERIC, check_kind

        clean = check_name(name)
        source = self.get_cadence(copy_from) if copy_from else None
        template = self.agenda_template(source.id) if source else []
        if source:
            rule, start, zone = source.rule, source.start_time, source.tz
            timebox, people = source.timebox_min, source.participants
            purpose = purpose or source.purpose
            threshold, anchor = source.variance_threshold, source.anchor
            new_kind = source.kind
        else:
            from cadence_tui.core import seed

            rule, start = check_rule(rule), check_start_time(start_time)
            zone = check_timezone(tz or seed.local_timezone())
            timebox, people = check_minutes(timebox_min, "the meeting timebox"), []
            threshold, anchor = 10.0, self.today()
            new_kind = GENERIC
        if kind is not None:
            try:
                new_kind = check_kind(kind)
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
        purpose = check_purpose(purpose)
        with self.write() as conn:
            taken = {r[0] for r in conn.execute("SELECT key FROM cadences")}
            if key is not None:
                new_key = check_key(key)
                if new_key in taken:
                    raise InvalidInput(f"the key {new_key!r} is taken by another cadence")
            else:
                new_key = unique_key(clean, taken)
            position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM cadences").fetchone()[0]
            cur = conn.execute(
                "INSERT INTO cadences(key, name, purpose, rrule, anchor_date, start_time, tz, timebox_min,"
                " participants, variance_threshold, position, created_at, kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    new_key,
                    clean,
                    purpose,
                    rule,
                    anchor.isoformat(),
                    start.strftime("%H:%M"),
                    zone,
                    timebox,
                    participants_json(people),
                    threshold,
                    position,
                    to_ts(self.now()),
                    new_kind,
                ),
            )
            conn.executemany(
                "INSERT INTO agenda_templates(cadence_id, position, title, timebox_min) VALUES (?,?,?,?)",
                [(cur.lastrowid, pos, item.title, item.timebox_min) for pos, item in enumerate(template)],
            )
        return self.get_cadence(new_key)

    def set_archived(self, key: str, archived: bool = True) -> Cadence:
        """Archive (hide from home and schedule) or bring back a cadence; its
        meetings, action items and blockers stay untouched."""
        cadence = self.get_cadence(key)
        if archived and self.scalar(
            "SELECT count(*) FROM meetings WHERE cadence_id = ? AND status IN ('running', 'paused')", (cadence.id,)
        ):
            raise InvalidInput(f"{cadence.name} has a meeting in progress; end it before archiving")
        with self.write() as conn:
            conn.execute("UPDATE cadences SET archived = ? WHERE id = ?", (int(archived), cadence.id))
        return self.get_cadence_by_id(cadence.id)

    def archive_cadence(self, key: str) -> Cadence:
        return self.set_archived(key, True)

    def unarchive_cadence(self, key: str) -> Cadence:
        return self.set_archived(key, False)

    # -- agenda template ----------------------------------------------------------
    def get_template_item(self, item_id: int) -> tuple[int, AgendaTemplateItem]:
        """(cadence id, item) of a template item."""
        row = self.query_one(
            "SELECT id, cadence_id, position, title, timebox_min FROM agenda_templates WHERE id = ?", (item_id,)
        )
        if row is None:
            raise NotFound(f"no agenda template item with id {item_id}")
        return row["cadence_id"], AgendaTemplateItem(
            row["title"], row["timebox_min"], id=row["id"], position=row["position"]
        )

    def add_template_item(
        self, cadence_key: str, title: str, timebox_min: int | str, *, position: int | None = None
    ) -> AgendaTemplateItem:
        """Add an agenda item to a cadence's template, at the end or at ``position``."""
        cadence = self.get_cadence(cadence_key)
        clean = check_item_title(title)
        minutes = check_minutes(timebox_min, "the item's timebox")
        with self.write() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM agenda_templates WHERE cadence_id = ? ORDER BY position, id", (cadence.id,)
                )
            ]
            if len(ids) >= TEMPLATE_MAX_ITEMS:
                raise InvalidInput(f"an agenda holds at most {TEMPLATE_MAX_ITEMS} items")
            cur = conn.execute(
                "INSERT INTO agenda_templates(cadence_id, position, title, timebox_min) VALUES (?,?,?,?)",
                (cadence.id, len(ids), clean, minutes),
            )
            at = len(ids) if position is None else max(0, min(position, len(ids)))
            ids.insert(at, cur.lastrowid)
            _renumber(conn, ids)
        return self.get_template_item(inserted_id(cur))[1]

    def update_template_item(
        self, item_id: int, *, title: str | None = None, timebox_min: int | str | None = None
    ) -> AgendaTemplateItem:
        self.get_template_item(item_id)
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = check_item_title(title)
        if timebox_min is not None:
            changes["timebox_min"] = check_minutes(timebox_min, "the item's timebox")
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            with self.write() as conn:
                conn.execute(f"UPDATE agenda_templates SET {assignments} WHERE id = ?", (*changes.values(), item_id))
        return self.get_template_item(item_id)[1]

    def remove_template_item(self, item_id: int) -> None:
        cadence_id, _item = self.get_template_item(item_id)
        with self.write() as conn:
            conn.execute("DELETE FROM agenda_templates WHERE id = ?", (item_id,))
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM agenda_templates WHERE cadence_id = ? ORDER BY position, id", (cadence_id,)
                )
            ]
            _renumber(conn, ids)

    def move_template_item(self, item_id: int, delta: int) -> AgendaTemplateItem:
        """Move an item ``delta`` places (negative: up); clamped at the ends."""
        cadence_id, _item = self.get_template_item(item_id)
        with self.write() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM agenda_templates WHERE cadence_id = ? ORDER BY position, id", (cadence_id,)
                )
            ]
            old = ids.index(item_id)
            new = max(0, min(old + delta, len(ids) - 1))
            ids.insert(new, ids.pop(old))
            _renumber(conn, ids)
        return self.get_template_item(item_id)[1]


# -- validation (shared by the store and the editor) -------------------------------
NAME_MAX = 80
PURPOSE_MAX = 500
ITEM_TITLE_MAX = 200
PARTICIPANTS_MAX = 200
TEMPLATE_MAX_ITEMS = 50
TIMEBOX_MAX_MIN = 480
_KEY = r"^[a-z0-9][a-z0-9-]{0,59}$"  # compiled by re on first use (not at start-up)


def _renumber(conn: sqlite3.Connection, ids: list[int]) -> None:
    conn.executemany("UPDATE agenda_templates SET position = ? WHERE id = ?", list(enumerate(ids)))


def _line(text: str, what: str, max_length: int) -> str:
    try:
        return clean_line(text, max_length=max_length)
    except ValueError as exc:
        raise InvalidInput(f"{what} {exc}") from None


def check_name(name: str) -> str:
    clean = _line(name, "the name", NAME_MAX)
    if not clean:
        raise InvalidInput("the name cannot be empty")
    return clean


def check_purpose(purpose: str) -> str:
    return _line(purpose, "the purpose", PURPOSE_MAX)


def check_item_title(title: str) -> str:
    clean = _line(title, "the agenda item", ITEM_TITLE_MAX)
    if not clean:
        raise InvalidInput("the agenda item needs a title")
    return clean


def check_key(key: str) -> str:
    clean = key.strip()
    if not re.match(_KEY, clean):
        raise InvalidInput(f"{key!r} is not a cadence key; use lower-case letters, digits and dashes")
    return clean


def unique_key(name: str, taken: set[str]) -> str:
    """A key from a name (``Daily Stand-up`` → ``daily-stand-up``), made unique
    with ``-2``, ``-3``, …"""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "cadence"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def check_rule(rule: str) -> str:
    from cadence_tui.core.recurrence import ScheduleError, validate_rule

    try:
        return validate_rule(rule)
    except ScheduleError as exc:
        raise InvalidInput(str(exc)) from None


def check_start_time(value: time | str) -> time:
    from cadence_tui.core.recurrence import ScheduleError, parse_time

    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return parse_time(value)
    except ScheduleError as exc:
        raise InvalidInput(str(exc)) from None


def check_timezone(name: str) -> str:
    from cadence_tui.core.recurrence import ScheduleError, validate_timezone

    try:
        return validate_timezone(name)
    except ScheduleError as exc:
        raise InvalidInput(str(exc)) from None


def check_anchor(value: date | str) -> date:
    """The first day the rule counts from (it fixes e.g. which weeks "every
    other week" falls on)."""
    if isinstance(value, date):
        return value
    try:
        anchor = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date; use YYYY-MM-DD") from None
    if not 1970 <= anchor.year <= 2200:
        raise InvalidInput("the start date must be between 1970 and 2200")
    return anchor


def check_minutes(value: int | str, what: str) -> int:
    if isinstance(value, str):
        text = value.strip().removesuffix("min").removesuffix("m").strip()
        if not text.isdigit():
            raise InvalidInput(f"{what} must be a whole number of minutes")
        value = int(text)
    if isinstance(value, bool) or not 1 <= value <= TIMEBOX_MAX_MIN:
        raise InvalidInput(f"{what} must be between 1 and {TIMEBOX_MAX_MIN} minutes")
    return int(value)


def check_threshold(value: float | str) -> float:
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise InvalidInput("the variance threshold must be a number of percent") from None
    if not 0 < number <= 1000:
        raise InvalidInput("the variance threshold must be between 0 and 1000 %")
    return number


def parse_participants(text: str) -> list[Participant]:
    """``"Priya (Product), Marco (Engineering), Sam"`` → participants."""
    people = []
    for chunk in strip_control(text).replace(";", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        match = re.match(r"^(.*?)\s*\(([^()]*)\)$", chunk)
        name, role = (match.group(1), match.group(2)) if match else (chunk, "")
        people.append(Participant(name.strip(), role.strip()))
    return people


def format_participants(participants: list[Participant] | tuple[Participant, ...]) -> str:
    return ", ".join(p.label for p in participants)


def check_participants(participants: list[Participant] | tuple[Participant, ...]) -> list[Participant]:
    if len(participants) > PARTICIPANTS_MAX:
        raise InvalidInput(f"at most {PARTICIPANTS_MAX} participants")
    seen: set[str] = set()
    out = []
    for p in participants:
        name = _line(p.name, "a participant's name", NAME_MAX)
        role = _line(p.role, "a participant's role", NAME_MAX)
        if not name:
            raise InvalidInput("a participant needs a name (write: Name (Role), Name, …)")
        if name.casefold() in seen:
            raise InvalidInput(f"{name} is listed twice")
        seen.add(name.casefold())
        out.append(Participant(name, role))
    return out
