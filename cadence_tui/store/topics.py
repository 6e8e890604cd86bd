"""Topics for the next meeting: proposed by team members before a cadence's
meeting, joined to its agenda when it starts (after the template's items),
and offered again to the following meeting when the agenda did not reach them.

A topic's life (``topics.state``): ``open`` (waiting) → ``joined`` (on the
agenda of ``meeting_id``) → ``discussed`` when that meeting ends having
reached it, or ``open`` again if it did not; ``dropped`` by hand (from the CLI
or the app) while it waits. The agenda item a topic became remembers it
(``agenda_items.topic_id``) and its proposer (``agenda_items.proposed_by``).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from cadence_tui.core.model import Topic
from cadence_tui.store.base import StorePart, inserted_id, required_ts, to_ts
from cadence_tui.store.errors import InvalidInput, NotFound

TOPIC_MINUTES_MAX = 60
DEFAULT_TOPIC_MINUTES = 5
TOPIC_SELECT = (
    "SELECT t.id, t.title, t.minutes, t.proposed_by, t.created_at, t.state, t.meeting_id, c.key AS cadence_key"
    " FROM topics t JOIN cadences c ON c.id = t.cadence_id"
)


def topic_from_row(row: sqlite3.Row) -> Topic:
    return Topic(
        id=row["id"],
        cadence_key=row["cadence_key"],
        title=row["title"],
        minutes=row["minutes"],
        proposed_by=row["proposed_by"],
        created_at=required_ts(row["created_at"]),
        state=row["state"],
        meeting_id=row["meeting_id"],
    )


def parse_topic_minutes(value: str | int) -> int:
    """A topic's minutes: a whole number from 1 to 60."""
    raw = str(value).strip().lower().removesuffix("min").removesuffix("m").strip()
    if not raw:
        raise InvalidInput("enter the minutes the topic needs, e.g. 5")
    if not raw.isdigit() or not raw.isascii() or len(raw) > 6:
        raise InvalidInput("a topic's minutes are a whole number, e.g. 5")
    minutes = int(raw)
    if not 1 <= minutes <= TOPIC_MINUTES_MAX:
        raise InvalidInput(f"a topic's minutes must be 1 to {TOPIC_MINUTES_MAX}")
    return minutes


def check_topic(title: str, minutes: str | int, by: str) -> tuple[str, int, str]:
    """The cleaned title, minutes and proposer, or :class:`InvalidInput` naming the field."""
    from cadence_tui.store.actions import clean_name, clean_title
    from cadence_tui.store.meetings import at_field

    with at_field("title"):
        title = clean_title(title, "topic")
    with at_field("minutes"):
        minutes = parse_topic_minutes(minutes)
    with at_field("by"):
        by = clean_name(by, "proposer's name")
    return title, minutes, by


def join_topics(conn: sqlite3.Connection, cadence_id: int, meeting_id: int, first_position: int, now: datetime) -> int:
    """Inside the transaction that starts a meeting: its cadence's waiting
    topics, oldest first, become agenda items from ``first_position`` on. The
    first one is current when the agenda had no item before it. Returns how
    many joined."""
    rows = conn.execute(
        "SELECT id, title, minutes, proposed_by FROM topics WHERE cadence_id = ? AND state = 'open' ORDER BY id",
        (cadence_id,),
    ).fetchall()
    for offset, (topic_id, title, minutes, by) in enumerate(rows):
        position = first_position + offset
        current = position == 0
        conn.execute(
            "INSERT INTO agenda_items(meeting_id, position, title, timebox_min, state, started_at, topic_id, proposed_by)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                meeting_id,
                position,
                title,
                minutes,
                "current" if current else "pending",
                to_ts(now) if current else None,
                topic_id,
                by,
            ),
        )
        conn.execute("UPDATE topics SET state = 'joined', meeting_id = ? WHERE id = ?", (meeting_id, topic_id))
    return len(rows)


def settle_topics(conn: sqlite3.Connection, meeting_id: int) -> None:
    """Inside the transaction that ends a meeting: a topic its agenda reached
    (current once, or timed) is discussed; one it did not reach waits again
    for the following meeting."""
    conn.execute(
        "UPDATE topics SET state = CASE WHEN EXISTS (SELECT 1 FROM agenda_items a WHERE a.topic_id = topics.id"
        " AND a.meeting_id = ? AND (a.state != 'pending' OR a.elapsed_seconds > 0)) THEN 'discussed' ELSE 'open' END"
        " WHERE meeting_id = ? AND state = 'joined'",
        (meeting_id, meeting_id),
    )


class TopicStore(StorePart):
    def add_topic(
        self, cadence_key: str, title: str, *, minutes: str | int = DEFAULT_TOPIC_MINUTES, by: str | None = None
    ) -> Topic:
        """Propose a topic for the cadence's next meeting; ``by`` defaults to "me" (:attr:`actor`)."""
        title, minutes, by = check_topic(title, minutes, self.actor if by is None else by)
        cadence = self.store.cadences.get_cadence(cadence_key)
        if cadence.archived:
            raise InvalidInput(f"the cadence {cadence.key!r} is archived; it has no next meeting")
        with self.write() as conn:
            cur = conn.execute(
                "INSERT INTO topics(cadence_id, title, minutes, proposed_by, created_at) VALUES (?,?,?,?,?)",
                (cadence.id, title, minutes, by, to_ts(self.now())),
            )
        return self.get_topic(inserted_id(cur))

    def get_topic(self, topic_id: int) -> Topic:
        row = self.query_one(f"{TOPIC_SELECT} WHERE t.id = ?", (topic_id,))
        if row is None:
            raise NotFound(f"no topic with id {topic_id}")
        return topic_from_row(row)

    def waiting_topics(self, cadence_key: str | None = None) -> list[Topic]:
        """Topics waiting for their cadence's next meeting, oldest first."""
        if cadence_key is None:
            rows = self.query(f"{TOPIC_SELECT} WHERE t.state = 'open' ORDER BY c.position, c.id, t.id")
        else:
            cadence = self.store.cadences.get_cadence(cadence_key)
            rows = self.query(
                f"{TOPIC_SELECT} WHERE t.cadence_id = ? AND t.state = 'open' ORDER BY t.id", (cadence.id,)
            )
        return [topic_from_row(r) for r in rows]

    def meeting_topics(self, meeting_id: int) -> list[tuple[Topic, str]]:
        """The topics that joined a meeting, in agenda order, with the state
        of their agenda item (``pending``: not reached)."""
        rows = self.query(
            "SELECT t.id, t.title, t.minutes, t.proposed_by, t.created_at, t.state, t.meeting_id, c.key AS cadence_key,"
            " a.state AS item_state, a.elapsed_seconds AS elapsed"
            " FROM agenda_items a JOIN topics t ON t.id = a.topic_id JOIN cadences c ON c.id = t.cadence_id"
            " WHERE a.meeting_id = ? ORDER BY a.position, a.id",
            (meeting_id,),
        )
        out = []
        for r in rows:
            reached = r["item_state"] != "pending" or (r["elapsed"] or 0) > 0
            out.append((topic_from_row(r), "reached" if reached else "not reached"))
        return out

    def drop_topic(self, topic_id: int) -> Topic:
        """Withdraw a waiting topic. One on the agenda of a meeting in progress is that meeting's to handle."""
        topic = self.get_topic(topic_id)
        if topic.state == "dropped":
            raise InvalidInput(f"topic {topic_id} was already dropped")
        if topic.state == "discussed":
            raise InvalidInput(f"topic {topic_id} was already discussed (meeting #{topic.meeting_id})")
        if topic.state == "joined":
            raise InvalidInput(
                f"topic {topic_id} is on the agenda of the meeting in progress (#{topic.meeting_id}); skip it there"
            )
        with self.write() as conn:
            cur = conn.execute("UPDATE topics SET state = 'dropped' WHERE id = ? AND state = 'open'", (topic_id,))
            if cur.rowcount == 0:
                raise InvalidInput(f"topic {topic_id} changed meanwhile (it joined a meeting); nothing was dropped")
        return self.get_topic(topic_id)
