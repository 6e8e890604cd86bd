"""Topics for the next meeting and who did what: the store and the real CLI."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cadence_tui.core.summary import render
from cadence_tui.store import InvalidInput, NotFound, open_store
from cadence_tui.store.meetings import MeetingEnded
from tests.hostile.helpers import ESC_TITLE, assert_error, cadence

pytestmark = pytest.mark.both_engines


# -- store ------------------------------------------------------------------------
def test_topics_join_the_agenda_after_the_template_with_their_proposer(store) -> None:
    store.actor = "Lena"
    first = store.topics.add_topic("sprint-review", "Pricing page feedback", minutes=5, by="Marco")
    second = store.topics.add_topic("sprint-review", "Onboarding copy", minutes="8")
    other = store.topics.add_topic("finance-review", "Q1 budget")
    assert second.proposed_by == "Lena"  # "me" by default
    assert [t.id for t in store.topics.waiting_topics("sprint-review")] == [first.id, second.id]
    assert store.cadences.overview()[0].waiting_topics == 2

    meeting = store.meetings.start_meeting("sprint-review")
    agenda = store.meetings.agenda(meeting.id)
    template = store.cadences.agenda_template(meeting.cadence_id)
    assert [a.title for a in agenda] == [t.title for t in template] + ["Pricing page feedback", "Onboarding copy"]
    assert [(a.proposed_by, a.timebox_min, a.state) for a in agenda[-2:]] == [
        ("Marco", 5, "pending"),
        ("Lena", 8, "pending"),
    ]
    assert store.topics.waiting_topics("sprint-review") == []
    assert store.topics.get_topic(first.id).state == "joined"
    assert store.topics.get_topic(other.id).state == "open"  # another cadence's topic waits for its own meeting

    store.meetings.goto_item(meeting.id, agenda[-2].id)  # the facilitator_store reaches the first topic only
    store.meetings.end_meeting(meeting.id)
    assert store.topics.get_topic(first.id).state == "discussed"
    assert store.topics.get_topic(second.id).state == "open"  # not reached: offered for the following meeting
    text = " ".join(render(store.records.meeting_record(meeting.id), "text").split())  # unwrapped
    assert "Topics proposed" in text
    assert "Pricing page feedback — proposed by Marco (discussed)" in text
    assert "Onboarding copy — proposed by Lena (not reached: offered for the next meeting)" in text

    nxt = store.meetings.start_meeting("sprint-review")
    assert [a.title for a in store.meetings.agenda(nxt.id) if a.topic_id] == ["Onboarding copy"]


def test_a_cadence_without_template_starts_on_its_first_topic(store) -> None:
    store.topics.add_topic("sprint-review", "Only topic")
    with store.write() as conn:
        conn.execute("DELETE FROM agenda_templates")
    meeting = store.meetings.start_meeting("sprint-review")
    [item] = store.meetings.agenda(meeting.id)
    assert (item.title, item.state) == ("Only topic", "current")
    assert item.started_at is not None


@pytest.mark.parametrize(
    ("title", "minutes", "message"),
    [
        ("", 5, "cannot be empty"),
        ("   ", 5, "cannot be empty"),
        ("x" * 501, 5, "too long"),
        ("ok", 0, "1 to 60"),
        ("ok", 61, "1 to 60"),
        ("ok", "five", "whole number"),
        ("ok", "9" * 40, "whole number"),
    ],
)
def test_bad_topics_are_refused(store, title, minutes, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        store.topics.add_topic("sprint-review", title, minutes=minutes)
    assert store.topics.waiting_topics() == []


def test_drop_topic(store) -> None:
    topic = store.topics.add_topic("sprint-review", "Drop me")
    assert store.topics.drop_topic(topic.id).state == "dropped"
    with pytest.raises(InvalidInput, match="already dropped"):
        store.topics.drop_topic(topic.id)
    with pytest.raises(NotFound):
        store.topics.drop_topic(9999)
    joined = store.topics.add_topic("sprint-review", "On the agenda")
    store.meetings.start_meeting("sprint-review")
    with pytest.raises(InvalidInput, match="meeting in progress"):
        store.topics.drop_topic(joined.id)


def test_who_did_what_is_recorded(store) -> None:
    store.actor = "Lena"
    meeting = store.meetings.start_meeting("sprint-review")
    action = store.meetings.capture_action(meeting.id, "Write the plan", "Priya", "fri")
    blocker = store.meetings.capture_blocker(meeting.id, "Staging down", "Sam", "Ops")
    store.meetings.capture_decision(meeting.id, "Ship Monday")
    store.meetings.capture_note(meeting.id, "Good energy")
    assert store.actions.get_action(action.id).created_by == "Lena"
    assert store.meetings.get_blocker(blocker.id).created_by == "Lena"
    assert [
        e.created_by for e in store.meetings.meeting_decisions(meeting.id) + store.meetings.meeting_notes(meeting.id)
    ] == [
        "Lena",
        "Lena",
    ]
    store.actor = "Marco"
    done = store.actions.set_action_status(action.id, "done")
    assert (done.created_by, done.closed_by) == ("Lena", "Marco")
    assert store.meetings.set_blocker_status(blocker.id, "resolved").resolved_by == "Marco"
    reopened = store.actions.set_action_status(action.id, "open")
    assert reopened.closed_by == ""
    store.actions.undo_action_change()  # back to done, by Marco
    assert store.actions.get_action(action.id).closed_by == "Marco"


def test_a_capture_into_an_ended_meeting_is_refused(store, clock) -> None:
    meeting = store.meetings.start_meeting("sprint-review")
    elsewhere_store = open_store(store.path, now=clock)
    elsewhere_store.meetings.end_meeting(meeting.id)
    elsewhere_store.close()
    for capture in (
        lambda: store.meetings.capture_action(meeting.id, "Late", "", ""),
        lambda: store.meetings.capture_blocker(meeting.id, "Late", "", ""),
        lambda: store.meetings.capture_decision(meeting.id, "Late"),
        lambda: store.meetings.capture_note(meeting.id, "Late"),
    ):
        with pytest.raises(MeetingEnded, match="has ended"):
            capture()
    assert store.meetings.meeting_actions(meeting.id) == []


# -- CLI --------------------------------------------------------------------------
@pytest.fixture
def team_db(tmp_path):
    path = tmp_path / "team.db"
    s = open_store(path)
    s.close()
    return path


def test_cli_topics_add_list_json_drop(team_db) -> None:
    added = cadence(
        "topics", "add", "sprint-review", "Pricing page feedback", "--minutes", "7", "--by", "Lena", db=team_db
    )
    assert added.returncode == 0, added.stderr
    topic_id = int(added.stdout)
    mine = cadence("topics", "add", "finance-review", "Budget", db=team_db, env={"USER": "sam", "LOGNAME": "sam"})
    assert mine.returncode == 0, mine.stderr

    listed = cadence("topics", db=team_db)
    assert "Pricing page feedback" in listed.stdout and "(Lena)" in listed.stdout and "7 min" in listed.stdout
    only = json.loads(cadence("topics", "--cadence", "finance-review", "--json", db=team_db).stdout)
    assert [(t["title"], t["proposed_by"], t["minutes"], t["state"]) for t in only] == [("Budget", "sam", 5, "open")]
    data = json.loads(cadence("topics", "--json", db=team_db).stdout)
    assert set(data[0]) == {"id", "cadence", "title", "minutes", "proposed_by", "created_at", "state", "meeting_id"}

    dropped = cadence("topics", "drop", str(topic_id), db=team_db)
    assert dropped.returncode == 0 and "dropped" in dropped.stdout
    assert [t["title"] for t in json.loads(cadence("topics", "--json", db=team_db).stdout)] == ["Budget"]


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["add", "nope", "Title"], "unknown cadence 'nope'"),
        (["add", "sprint-review", ""], "cannot be empty"),
        (["add", "sprint-review", "x" * 10_000], "too long"),
        (["add", "sprint-review", "Ok", "--minutes", "0"], "1 to 60"),
        (["add", "sprint-review", "Ok", "--minutes", "abc"], "whole number"),
        (["add", "sprint-review", "Ok", "--by", "y" * 200], "proposer's name"),
        (["drop", "42"], "no topic with id 42"),
        (["drop", "0"], "no topic with id 0"),
        (["--cadence", "nope"], "unknown cadence"),
    ],
)
def test_cli_topics_errors_are_one_line(team_db, args, phrase) -> None:
    before = team_db.read_bytes()
    result = cadence("topics", *args, db=team_db)
    assert_error(result, phrase)
    assert len(result.stderr.strip().splitlines()) == 1
    assert team_db.read_bytes() == before


def test_cli_topic_title_control_characters_are_stripped(team_db) -> None:
    result = cadence("topics", "add", "sprint-review", ESC_TITLE, db=team_db)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(team_db)
    [(title,)] = conn.execute("SELECT title FROM topics").fetchall()
    conn.close()
    assert "\x1b" not in title and "\x07" not in title
    assert "\x1b" not in cadence("topics", db=team_db).stdout


def test_cli_actions_json_has_created_by_and_closed_by(team_db, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('me = "Lena"\n')
    env = {"CADENCE_CONFIG": str(config)}
    item_id = cadence(
        "actions", "add", "Write the plan", "--cadence", "sprint-review", db=team_db, env=env
    ).stdout.strip()
    config.write_text('me = "Marco"\n')
    assert cadence("actions", "done", item_id, db=team_db, env=env).returncode == 0
    [item] = json.loads(cadence("actions", "--all", "--json", db=team_db).stdout)
    assert (item["created_by"], item["closed_by"]) == ("Lena", "Marco")


def test_the_facilitator_can_remove_a_topic_from_the_agenda(store) -> None:
    topic = store.topics.add_topic("sprint-review", "Not today")
    meeting = store.meetings.start_meeting("sprint-review")
    agenda = store.meetings.agenda(meeting.id)
    with pytest.raises(InvalidInput, match="not yet started"):
        store.meetings.remove_agenda_item(agenda[0].id)  # the current item
    removed = store.meetings.remove_agenda_item(agenda[-1].id)
    assert removed.topic_id == topic.id
    assert [i.position for i in store.meetings.agenda(meeting.id)] == list(range(len(agenda) - 1))
    assert store.topics.get_topic(topic.id).state == "dropped"
    store.meetings.end_meeting(meeting.id)
    assert store.topics.get_topic(topic.id).state == "dropped"
    assert store.topics.waiting_topics() == []


def test_topics_and_who_survive_an_export_and_import(store, tmp_path) -> None:
    store.actor = "Lena"
    store.topics.add_topic("sprint-review", "Pricing page feedback", by="Marco")
    meeting = store.meetings.start_meeting("sprint-review")
    store.meetings.capture_action(meeting.id, "Write the plan", "Priya", "")
    data = store.portability.export_data()
    copy = open_store(tmp_path / "copy.db", seed=False)
    try:
        copy.portability.import_data(json.loads(json.dumps(data)))
        assert [(a.title, a.proposed_by) for a in copy.meetings.agenda(meeting.id) if a.topic_id] == [
            ("Pricing page feedback", "Marco")
        ]
        assert copy.meetings.meeting_actions(meeting.id)[0].created_by == "Lena"
        bad = json.loads(json.dumps(data))
        rows = bad["tables"]["topics"]["rows"]
        rows[0][bad["tables"]["topics"]["columns"].index("state")] = "lost"
        with pytest.raises(InvalidInput, match="topics"):
            copy.portability.import_data(bad, replace=True)
    finally:
        copy.close()
