"""`cadence digest`: content, escaping, and posting to a local webhook server."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence_tui.cli import cli
from cadence_tui.core.digest import render
from cadence_tui.integrations.webhook import WebhookError, check_url

pytestmark = pytest.mark.both_engines

NOW = "2026-11-25T16:00:00+00:00"


@pytest.fixture
def busy_week(store, clock):
    """A week with a bit of everything, some of it hostile text."""
    clock.current = clock.current.replace(day=20)
    meeting = store.meetings.start_meeting("sprint-review")
    done = store.actions.add_action("Ship *export* <!here>", owner="Lena", meeting_id=meeting.id)
    store.actions.set_action_status(done.id, "done")
    store.actions.add_action(
        "Fix [login](http://x) @channel", owner="Marco", due=date(2026, 11, 22), meeting_id=meeting.id
    )
    store.actions.add_action("Write notes", owner="Lena", due=date(2026, 12, 1), meeting_id=meeting.id)
    blocker = store.meetings.add_blocker(
        "Cluster needs budget", raised_by="Marco", unblocker="Dana", meeting_id=meeting.id
    )
    store.playbook.escalate_blocker(blocker.id, "finance-review")
    store.meetings.add_decision(meeting.id, "Ship behind a flag")
    store.scorecard.record_metric_value("ttv", 34, on=date(2026, 11, 1))
    store.scorecard.record_metric_value("ttv", 28, meeting_id=meeting.id)
    store.meetings.end_meeting(meeting.id)
    clock.current = clock.current.replace(day=25)
    return store


def test_digest_data_and_three_formats(busy_week) -> None:
    data = busy_week.digest.digest_data(date(2026, 11, 18))
    assert [a.title for a in data.done] == ["Ship *export* <!here>"]
    assert len(data.added) == 3 and [b.escalated_to for b in data.new_blockers] == ["Finance Business Review"]
    assert [d.text for d in data.decisions] == ["Ship behind a flag"]
    assert [(m.name, m.before, m.after, m.off_target) for m in data.metrics] == [("Time-to-Value", 34, 28, False)]
    assert list(data.owes) == ["Marco", "Lena"]  # overdue work first
    assert [m.cadence for m in data.upcoming][:1] == ["Sprint Review"]

    md = render(data, "markdown")
    assert "Ship \\*export\\* \\<!here\\>" in md and "Fix \\[login\\](http://x)" in md
    assert "- **Marco** — 1 open, 1 overdue" in md and "escalated to Finance Business Review" in md
    assert "**Time-to-Value**: 34 → 28 days (−6)" in md
    slack = render(data, "slack")
    assert "&lt;!here&gt;" in slack and "@\u200bchannel" in slack and "<!here>" not in slack
    text = render(data, "text")
    assert text.startswith("Cadence digest: 18 Nov – 25 Nov 2026\n=====")
    owner_only = render(busy_week.digest.digest_data(date(2026, 11, 18), owner="Lena"), "text")
    assert "Marco" not in owner_only.split("Who owes what")[1] and "Write notes" in owner_only


def test_quiet_period_says_so(store) -> None:
    text = render(store.digest.digest_data(date(2026, 11, 24)), "text")
    assert "nothing changed in this period" in text


def test_url_rules() -> None:
    assert check_url("https://hooks.slack.com/services/x") == "https://hooks.slack.com/services/x"
    assert check_url("http://127.0.0.1:8080/hook")
    assert check_url("http://localhost/hook") and check_url("http://[::1]:9/x")
    for bad, why in (
        ("http://example.com/hook", "only allowed to this machine"),
        ("ftp://x/y", "https://"),
        ("https:///nohost", "no host"),
        ("https://a b", "spaces"),
    ):
        with pytest.raises(WebhookError, match=why):
            check_url(bad)


class Hook:
    """A local webhook: records each request, answers with ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.bodies: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(hook.status)
                if 300 <= hook.status < 400:
                    self.send_header("Location", "http://example.com/elsewhere")
                self.end_headers()
                self.wfile.write(b"ok" if hook.status == 200 else b"server_error")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Hook:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def run(db, busy_week, monkeypatch):
    monkeypatch.setenv("CADENCE_NOW", NOW)
    monkeypatch.setenv("CADENCE_WEBHOOK_TIMEOUT", "0.3")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [*args, "--db", str(db)], catch_exceptions=False)

    return invoke


def saved_file(stderr: str) -> Path:
    return Path(stderr.strip().rsplit("saved it to ", 1)[1])


def test_prints_digest_without_post(run) -> None:
    result = run("digest", "--days", "7", "--format", "text")
    assert result.exit_code == 0 and "Done (1)" in result.stdout
    assert run("digest", "--since", "2026-11-18", "--format", "text").stdout == result.stdout
    assert run("digest", "--days", "3", "--since", "2026-11-01").exit_code == 1


def test_good_post_sends_text_field(run) -> None:
    with Hook(200) as hook:
        result = run("digest", "--post", hook.url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "Posted the digest" in result.stderr
    assert len(hook.bodies) == 1 and list(hook.bodies[0]) == ["text"]
    text = hook.bodies[0]["text"]
    assert text.startswith("*Cadence digest: 18 Nov – 25 Nov 2026*") and "&lt;!here&gt;" in text  # slack by default


def test_post_url_from_config(run, tmp_path, monkeypatch) -> None:
    with Hook(200) as hook:
        config = tmp_path / "config.toml"
        config.write_text(f'digest_webhook = "{hook.url}"\n')
        monkeypatch.setenv("CADENCE_CONFIG", str(config))
        result = run("digest", "--post", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert hook.bodies[0]["text"].startswith("## Cadence digest")


def test_server_error_retries_once_then_saves(run) -> None:
    with Hook(500) as hook:
        result = run("digest", "--post", hook.url, "--format", "markdown")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cadence: error: could not post the digest: ")
    assert "HTTP 500" in lines[0] and "tried 2 times" in lines[0]
    assert len(hook.bodies) == 2  # one retry
    saved = saved_file(result.stderr)
    assert saved.suffix == ".md" and saved.read_text() == hook.bodies[0]["text"]


def test_server_that_never_answers_times_out(run) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # accepts connections into the backlog, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
        result = run("digest", "--post", url)
    finally:
        silent.close()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "did not answer within 0.3 s" in lines[0]
    saved = saved_file(result.stderr)
    assert "Cadence digest" in saved.read_text()


def test_refuses_plain_http_to_another_host(run) -> None:
    result = run("digest", "--post", "http://example.com/hook")
    assert result.exit_code == 1 and "only allowed to this machine" in result.stderr
    result = run("digest", "--post")
    assert result.exit_code == 1 and "needs a URL" in result.stderr


def test_redirects_are_not_followed(run) -> None:
    with Hook(302) as hook:
        result = run("digest", "--post", hook.url)
    assert result.exit_code == 1 and "HTTP 302" in result.stderr and "not followed" in result.stderr
    assert len(hook.bodies) == 2  # retried once, never sent to the redirect target
