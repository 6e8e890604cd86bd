"""The schema and its forward migrations, as SQLite SQL, one script per version.

The engines run them: :func:`cadence_tui.store.engines.sqlite.apply_migrations`
applies each in its own ``BEGIN IMMEDIATE`` transaction together with the
version bump in ``PRAGMA user_version``, so a crash leaves the file at a whole
version; :mod:`cadence_tui.store.engines.postgres` translates them. Never edit
a released migration: add a new one.
"""

from __future__ import annotations

# Times are ISO 8601 strings in UTC ("2026-11-25T16:03:00+00:00"); dates are
# "YYYY-MM-DD". Both sort correctly as text.
V1 = """
CREATE TABLE cadences (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    rrule TEXT NOT NULL,
    anchor_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    tz TEXT NOT NULL,
    timebox_min INTEGER NOT NULL,
    participants TEXT NOT NULL DEFAULT '[]',   -- JSON [{"name":..,"role":..}]
    variance_threshold REAL NOT NULL DEFAULT 10.0,
    position INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE agenda_templates (
    id INTEGER PRIMARY KEY,
    cadence_id INTEGER NOT NULL REFERENCES cadences(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    timebox_min INTEGER NOT NULL
);
CREATE INDEX idx_agenda_templates_cadence ON agenda_templates(cadence_id, position);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    cadence_id INTEGER NOT NULL REFERENCES cadences(id),
    scheduled_for TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused', 'ended')),
    paused_at TEXT,
    paused_seconds REAL NOT NULL DEFAULT 0,
    timebox_min INTEGER NOT NULL,
    reforecast REAL,
    variance_threshold REAL NOT NULL DEFAULT 10.0
);
CREATE INDEX idx_meetings_cadence_started ON meetings(cadence_id, started_at);
CREATE INDEX idx_meetings_started ON meetings(started_at);
CREATE INDEX idx_meetings_status ON meetings(status) WHERE status != 'ended';

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    timebox_min INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'current', 'done')),
    elapsed_seconds REAL NOT NULL DEFAULT 0,   -- time spent before started_at
    started_at TEXT                             -- set while the item is current and the clock runs
);
CREATE INDEX idx_agenda_items_meeting ON agenda_items(meeting_id, position);

CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    cadence_id INTEGER NOT NULL REFERENCES cadences(id),
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    created_at TEXT NOT NULL,
    closed_at TEXT,
    closed_in_meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    escalated_to_cadence_id INTEGER REFERENCES cadences(id)
);
CREATE INDEX idx_action_items_status_owner_due ON action_items(status, owner, due, id);
CREATE INDEX idx_action_items_status_cadence_due ON action_items(status, cadence_id, due, id);
CREATE INDEX idx_action_items_status_due ON action_items(status, due, id);
CREATE INDEX idx_action_items_meeting ON action_items(meeting_id);
CREATE INDEX idx_action_items_escalated ON action_items(escalated_to_cadence_id, status)
    WHERE escalated_to_cadence_id IS NOT NULL;

CREATE TABLE blockers (
    id INTEGER PRIMARY KEY,
    cadence_id INTEGER NOT NULL REFERENCES cadences(id),
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    what TEXT NOT NULL,
    raised_by TEXT NOT NULL DEFAULT '',
    unblocker TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_in_meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    escalated_to_cadence_id INTEGER REFERENCES cadences(id)
);
CREATE INDEX idx_blockers_status_cadence ON blockers(status, cadence_id, created_at);
CREATE INDEX idx_blockers_meeting ON blockers(meeting_id);
CREATE INDEX idx_blockers_escalated ON blockers(escalated_to_cadence_id, status)
    WHERE escalated_to_cadence_id IS NOT NULL;

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_decisions_meeting ON decisions(meeting_id);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_notes_meeting ON notes(meeting_id);

CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    present INTEGER NOT NULL DEFAULT 1,
    guest INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, person)
);

-- Sprint Review: what was shown, by whom, and the feedback on it.
CREATE TABLE demo_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    what TEXT NOT NULL,
    presenter TEXT NOT NULL DEFAULT '',
    feedback TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX idx_demo_items_meeting ON demo_items(meeting_id);

-- Marketing-Sales Sync: one row per meeting and funnel stage.
CREATE TABLE pipeline_metrics (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('leads', 'mql', 'sql', 'won')),
    value INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, stage)
);

CREATE TABLE campaign_changes (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_campaign_changes_meeting ON campaign_changes(meeting_id);

-- Finance Business Review: budget vs actual per department.
CREATE TABLE budget_lines (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    department TEXT NOT NULL,
    budget REAL NOT NULL,
    actual REAL NOT NULL,
    UNIQUE (meeting_id, department)
);

-- All-Hands: wins, and the relationship health check of registered hand-offs.
CREATE TABLE wins (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    who TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX idx_wins_meeting ON wins(meeting_id);

CREATE TABLE handoffs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    from_dept TEXT NOT NULL,
    to_dept TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    packet_fields TEXT NOT NULL DEFAULT '[]',  -- JSON list of what the packet must contain
    deliverables TEXT NOT NULL DEFAULT '',
    timeline TEXT NOT NULL DEFAULT '',
    success_criteria TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE health_ratings (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    handoff_id INTEGER NOT NULL REFERENCES handoffs(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, handoff_id)
);
CREATE INDEX idx_health_ratings_handoff ON health_ratings(handoff_id);

-- Shared-metric scorecard.
CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    target REAL,
    direction TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    cadence_keys TEXT NOT NULL DEFAULT '[]',  -- JSON list of cadence keys that review it
    description TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE metric_values (
    id INTEGER PRIMARY KEY,
    metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    value REAL NOT NULL,
    recorded_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_metric_values_metric ON metric_values(metric_id, recorded_on, id);
CREATE INDEX idx_metric_values_meeting ON metric_values(meeting_id);

-- Fail-fast log: a hand-off that broke down.
CREATE TABLE failfast_log (
    id INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoffs(id),
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    what TEXT NOT NULL,
    cause TEXT NOT NULL DEFAULT '',
    fix TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX idx_failfast_handoff ON failfast_log(handoff_id, created_at);

-- Per-attendee 1-10 rating of a meeting.
CREATE TABLE meeting_ratings (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
    PRIMARY KEY (meeting_id, person)
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# v2: full-text search over what meetings recorded (history search), kept in
# step by triggers. One FTS row per record: kind + record id + meeting.
V2 = """
CREATE VIRTUAL TABLE search_index USING fts5(
    body, kind UNINDEXED, record_id UNINDEXED, meeting_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

_FTS_SOURCES = {
    # kind: (table, text expression)
    "action": ("action_items", "new.title"),
    "decision": ("decisions", "new.text"),
    "note": ("notes", "new.text"),
    "blocker": ("blockers", "new.what"),
}


def _v2_triggers() -> str:
    out = []
    for kind, (table, expr) in _FTS_SOURCES.items():
        old_expr = expr.replace("new.", "old.")
        out.append(f"""
CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN
    INSERT INTO search_index(body, kind, record_id, meeting_id) VALUES ({expr}, '{kind}', new.id, new.meeting_id);
END;
CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN
    DELETE FROM search_index WHERE kind = '{kind}' AND record_id = old.id;
END;
CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {old_expr[4:]}, meeting_id ON {table} BEGIN
    DELETE FROM search_index WHERE kind = '{kind}' AND record_id = old.id;
    INSERT INTO search_index(body, kind, record_id, meeting_id) VALUES ({expr}, '{kind}', new.id, new.meeting_id);
END;
""")
        out.append(
            f"INSERT INTO search_index(body, kind, record_id, meeting_id) "
            f"SELECT {expr.replace('new.', '')}, '{kind}', id, meeting_id FROM {table};"
        )
    return "\n".join(out)


# v3: the action-items screen pages through up to 100,000 rows by keyset
# (WHERE key > last ORDER BY key LIMIT 64): every filter/sort combination it
# offers has an index whose leading columns are the equality filters and whose
# tail is the sort key + id. No due date sorts last (DUE_KEY). Titles get their
# own external-content FTS table: searching search_index for kind='action'
# reads each match's UNINDEXED columns and measured 5-10x slower.
DUE_KEY = "coalesce(due, '9999-12-31')"
V3 = f"""
CREATE INDEX idx_actions_status_duekey ON action_items(status, {DUE_KEY}, id);
CREATE INDEX idx_actions_status_owner_duekey ON action_items(status, owner, {DUE_KEY}, id);
CREATE INDEX idx_actions_status_cadence_duekey ON action_items(status, cadence_id, {DUE_KEY}, id);
CREATE INDEX idx_actions_status_cadence_owner ON action_items(status, cadence_id, owner, {DUE_KEY}, id);
CREATE INDEX idx_actions_duekey ON action_items({DUE_KEY}, id);
CREATE INDEX idx_actions_owner_duekey ON action_items(owner, {DUE_KEY}, id);
CREATE INDEX idx_actions_cadence_duekey ON action_items(cadence_id, {DUE_KEY}, id);
CREATE INDEX idx_actions_cadence_owner ON action_items(cadence_id, owner, {DUE_KEY}, id);
CREATE INDEX idx_actions_status_created ON action_items(status, created_at, id);
CREATE INDEX idx_actions_status_owner_created ON action_items(status, owner, created_at, id);
CREATE INDEX idx_actions_status_cadence_created ON action_items(status, cadence_id, created_at, id);
CREATE INDEX idx_actions_created ON action_items(created_at, id);
CREATE INDEX idx_actions_owner_created ON action_items(owner, created_at, id);
CREATE INDEX idx_actions_cadence_created ON action_items(cadence_id, created_at, id);
CREATE INDEX idx_meetings_status_started ON meetings(status, started_at, id);
CREATE INDEX idx_meetings_cadence_status_started ON meetings(cadence_id, status, started_at, id);
CREATE VIRTUAL TABLE action_title_fts USING fts5(
    title, content = 'action_items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER action_items_title_fts_ai AFTER INSERT ON action_items BEGIN
    INSERT INTO action_title_fts(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER action_items_title_fts_ad AFTER DELETE ON action_items BEGIN
    INSERT INTO action_title_fts(action_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER action_items_title_fts_au AFTER UPDATE OF title ON action_items BEGIN
    INSERT INTO action_title_fts(action_title_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO action_title_fts(rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO action_title_fts(action_title_fts) VALUES ('rebuild');
"""


# v4: what the facilitator decided about each carried-over item in a meeting
# (done / still open / dropped / new due date; blockers resolved / still open),
# so a reopened meeting shows which items were already triaged.
V4 = """
CREATE TABLE carry_over_triage (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('action', 'blocker')),
    record_id INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('done', 'open', 'dropped', 'redated', 'resolved')),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, kind, record_id)
);
"""


# v5: a meeting's summary lists the carried-over items closed since it
# started; without this a cadence's whole closed history was scanned.
V5 = """
CREATE INDEX idx_action_items_cadence_closed ON action_items(cadence_id, closed_at) WHERE closed_at IS NOT NULL;
"""


# v6: a past meeting's summary says what that meeting recorded. As a meeting
# ends, the action items and blockers it showed (new ones and those carried
# over into it) are copied as they stood then: title, owner, due date, status,
# whether they were overdue, and the summary's other details. Later edits
# (closing, re-dating, reassigning, escalating) change action_items and
# blockers, not this copy; the summary adds the current state beside it ("now
# done"). A meeting_end_snapshots row says the copy was taken (a meeting with
# no items has one too); meetings ended before v6 have none, and their
# summaries read the items as they are today, as before. action_id and
# blocker_id have no foreign key: the record of a meeting outlives the item.
V6 = """
CREATE TABLE meeting_end_snapshots (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    taken_at TEXT NOT NULL,
    more_carried_actions INTEGER NOT NULL DEFAULT 0  -- open carried items beyond those copied
);
CREATE TABLE meeting_action_snapshots (
    meeting_id INTEGER NOT NULL REFERENCES meeting_end_snapshots(meeting_id) ON DELETE CASCADE,
    action_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    section TEXT NOT NULL CHECK (section IN ('new', 'carried')),
    title TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    overdue INTEGER NOT NULL DEFAULT 0,
    closed_here INTEGER NOT NULL DEFAULT 0,
    redated INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    age_days INTEGER NOT NULL DEFAULT 0,
    origin_cadence TEXT NOT NULL DEFAULT '',
    escalated_to TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, action_id)
);
CREATE INDEX idx_meeting_action_snapshots_position ON meeting_action_snapshots(meeting_id, position);
CREATE TABLE meeting_blocker_snapshots (
    meeting_id INTEGER NOT NULL REFERENCES meeting_end_snapshots(meeting_id) ON DELETE CASCADE,
    blocker_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    section TEXT NOT NULL CHECK (section IN ('new', 'carried')),
    what TEXT NOT NULL,
    raised_by TEXT NOT NULL DEFAULT '',
    unblocker TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_here INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    age_days INTEGER NOT NULL DEFAULT 0,
    origin_cadence TEXT NOT NULL DEFAULT '',
    escalated_to TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, blocker_id)
);
CREATE INDEX idx_meeting_blocker_snapshots_position ON meeting_blocker_snapshots(meeting_id, position);
"""


# v7: a cadence has a kind (cadence_tui/kinds): which panel, keys and summary
# section its meetings get. Before, the seed key chose it, so a copied cadence
# lost its panel. Existing cadences take the kind their key gave them.
V7 = """
ALTER TABLE cadences ADD COLUMN kind TEXT NOT NULL DEFAULT 'generic'
    CHECK (kind IN ('sprint-review', 'pipeline', 'finance', 'all-hands', 'generic'));
UPDATE cadences SET kind = CASE key
    WHEN 'sprint-review' THEN 'sprint-review'
    WHEN 'sales-marketing-sync' THEN 'pipeline'
    WHEN 'finance-review' THEN 'finance'
    WHEN 'all-hands' THEN 'all-hands'
    ELSE 'generic' END;
"""


# v8: home's "Next" skips occurrences already held (held_occurrences): one
# index range per cadence instead of a walk over its meetings.
V8 = """
CREATE INDEX idx_meetings_cadence_scheduled ON meetings(cadence_id, scheduled_for);
"""

# v9: working as a team. Topics team members propose for a cadence's next
# meeting (open until a meeting starts; then they join its agenda, after the
# template's items, as agenda items that remember their topic); who recorded
# each capture and who closed an action item or resolved a blocker ("me":
# the config's `me`, else the login name; '' for rows written before v9).
V9 = """
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    cadence_id INTEGER NOT NULL REFERENCES cadences(id),
    title TEXT NOT NULL,
    minutes INTEGER NOT NULL DEFAULT 5,
    proposed_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,  -- the meeting it joined (last)
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'joined', 'discussed', 'dropped'))
);
CREATE INDEX idx_topics_cadence_state ON topics(cadence_id, state, id);
CREATE INDEX idx_topics_meeting ON topics(meeting_id);
ALTER TABLE agenda_items ADD COLUMN topic_id INTEGER;  -- topics(id); topics are never deleted (dropped is a state)
ALTER TABLE agenda_items ADD COLUMN proposed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE action_items ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE action_items ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE blockers ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE blockers ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
"""

MIGRATIONS: dict[int, str] = {
    1: V1,
    2: V2 + _v2_triggers(),
    3: V3,
    4: V4,
    5: V5,
    6: V6,
    7: V7,
    8: V8,
    9: V9,
}

SCHEMA_VERSION = max(MIGRATIONS)
