"""A hostile or broken webhook endpoint (``cadence digest --post``), through the real CLI.

Every server here listens on 127.0.0.1 in a thread of the test: an endpoint
whose error reply carries escape sequences, one that drips its answer a byte
at a time, and a fake proxy that records whether anything reached it.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cadence_tui.store import open_store
from tests.hostile.helpers import assert_error, cadence

HOSTILE_REASON = "Bad \x1b]0;pwned\x07 gateway \x1b[2J\x1b[31m"
HOSTILE_BODY = ("\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07 upstream \x00 said \x1b[?1049h no\u202e!" + "A" * 5000).encode()
BAD_BYTES = ("\x1b", "\x07", "\x00", "\x9b", "\u202e")


class Server:
    """A threaded HTTP server on 127.0.0.1 with ``handler`` for POST (and any proxied method)."""

    def __init__(self, handler) -> None:
        self.requests: list[str] = []
        self.bodies: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                server.requests.append(self.requestline)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    server.bodies.append(json.loads(raw))
                except ValueError:
                    server.bodies.append({"raw": raw.decode("utf-8", "replace")})
                handler(self)

            do_GET = do_POST
            do_CONNECT = do_POST

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def ok(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.end_headers()
    h.wfile.write(b"ok")


def hostile_error(h: BaseHTTPRequestHandler) -> None:
    h.send_response(500, HOSTILE_REASON)
    h.end_headers()
    h.wfile.write(HOSTILE_BODY)


def drip(h: BaseHTTPRequestHandler) -> None:
    """Answers one byte every 0.5 s: each read is quick, the whole never ends."""
    reply = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n" + b"X-Slow: " + b"y" * 200 + b"\r\n\r\nok"
    try:
        for byte in reply:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass  # the client gave up: what we want
    h.close_connection = True


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hook.db"
    store = open_store(path)
    store.actions.add_action("Ship the export", owner="Lena", cadence_key="sprint-review")
    store.close()
    return path


@pytest.fixture
def data_home(tmp_path: Path) -> Path:
    return tmp_path / "data"


def post(db: Path, url: str, data_home: Path, timeout: float = 30, **env: str):
    base = {"CADENCE_WEBHOOK_TIMEOUT": "1", "XDG_DATA_HOME": str(data_home)}
    return cadence("digest", "--post", url, "--format", "text", db=db, env={**base, **env}, timeout=timeout)


def saved_digests(data_home: Path) -> list[Path]:
    return sorted((data_home / "cadence" / "digests").glob("digest-*"))


def test_error_reply_is_shown_as_a_short_clean_excerpt(db: Path, data_home: Path) -> None:
    with Server(hostile_error) as hook:
        result = post(db, hook.url, data_home)
    assert_error(result, "could not post the digest", "HTTP 500", "saved it to")
    for bad in BAD_BYTES:
        assert bad not in result.stderr, repr(result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) < 400, lines
    assert "gateway" in lines[0] and "upstream" in lines[0]  # still says what the server said
    assert "A" * 130 not in lines[0] and "…" in lines[0]  # a short excerpt of the 5 kB body
    assert len(hook.bodies) == 2 and saved_digests(data_home)


def test_a_dripping_server_cannot_hold_the_post_past_its_deadline(db: Path, data_home: Path) -> None:
    with Server(drip) as hook:
        started = time.monotonic()
        result = post(db, hook.url, data_home, timeout=20)
        took = time.monotonic() - started
    # Two attempts of at most 1 s each, a 1 s pause, start-up: far below the 100 s of dripping.
    assert took < 8, took
    assert_error(result, "did not answer within 1 s", "saved it to")
    saved = saved_digests(data_home)
    assert len(saved) == 1 and "Ship the export" in saved[0].read_text()


@pytest.mark.parametrize("value", ["inf", "1e20", "nan", "-1", "ten"])
def test_a_timeout_that_is_no_number_of_seconds_is_refused_in_one_line(db: Path, data_home: Path, value: str) -> None:
    with Server(ok) as hook:
        result = post(db, hook.url, data_home, CADENCE_WEBHOOK_TIMEOUT=value)
    assert_error(result, "CADENCE_WEBHOOK_TIMEOUT")
    assert len(result.stderr.strip().splitlines()) == 1
    assert hook.bodies == []  # refused before anything is sent


def test_a_sane_timeout_still_posts(db: Path, data_home: Path) -> None:
    with Server(ok) as hook:
        result = post(db, hook.url, data_home, CADENCE_WEBHOOK_TIMEOUT="2.5")
    assert result.returncode == 0, result.stderr
    assert len(hook.bodies) == 1 and "Ship the export" in hook.bodies[0]["text"]


@pytest.fixture
def proxy() -> Iterator[Server]:
    with Server(ok) as fake:
        yield fake


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_posts_never_go_through_a_proxy(db: Path, data_home: Path, proxy: Server, host: str) -> None:
    proxy_url = f"http://127.0.0.1:{proxy.port}"
    env = {
        "http_proxy": proxy_url,
        "HTTP_PROXY": proxy_url,
        "https_proxy": proxy_url,
        "HTTPS_PROXY": proxy_url,
        "all_proxy": proxy_url,
        "ALL_PROXY": proxy_url,
        "no_proxy": "",
        "NO_PROXY": "",
    }
    with Server(ok) as hook:
        result = post(db, hook.url.replace("127.0.0.1", host), data_home, **env)
    assert result.returncode == 0, result.stderr
    assert proxy.requests == [], proxy.requests  # the plaintext digest never reached the proxy
    assert len(hook.bodies) == 1 and "Ship the export" in hook.bodies[0]["text"]
    assert f"to {host}" in result.stderr


def test_connection_refused_names_no_raw_control_text(db: Path, data_home: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    result = post(db, f"http://127.0.0.1:{port}/hook", data_home)
    assert_error(result, "cannot reach the webhook", "saved it to")


def test_a_name_lookup_that_hangs_is_cut_off_at_the_deadline(monkeypatch) -> None:
    """No socket exists yet to shut down while a name resolves: the attempt is abandoned."""
    from cadence_tui.integrations.webhook import WebhookError, post_text

    def slow_lookup(*args, **kwargs):
        time.sleep(5)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    started = time.monotonic()
    with pytest.raises(WebhookError, match=r"did not answer within 0\.5 s"):
        post_text("http://localhost:9/hook", "hi", timeout=0.5, retries=0)
    assert time.monotonic() - started < 2


def test_an_infinite_timeout_passed_in_code_is_refused() -> None:
    from cadence_tui.integrations.webhook import WebhookError, post_text

    with pytest.raises(WebhookError, match="timeout"):
        post_text("http://127.0.0.1:9/hook", "hi", timeout=float("inf"))
