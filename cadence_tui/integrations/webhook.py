"""Posting text to a Slack-compatible incoming webhook (``{"text": ...}``).

Standard library only. ``https://`` URLs go anywhere; plain ``http://`` only to
this machine (127.0.0.1, localhost, ::1), so a digest never crosses a network
unencrypted, and never through a proxy (``http_proxy`` and friends apply only
to other hosts). Redirects are refused: a webhook that redirects is
misconfigured, and following one could leave https. The timeout is a deadline
for a whole attempt, connecting to the last byte, not per socket read: a server
that drips its answer cannot hold the command. Every failure is a
:class:`WebhookError` whose message is one line saying why; what the server
said is shown only as a short excerpt cleaned of control characters.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from cadence_tui.core.textsafe import excerpt

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 3600.0
TIMEOUT_ENV_VAR = "CADENCE_WEBHOOK_TIMEOUT"
RETRY_PAUSE = 1.0
REASON_MAX = 60  # characters of the server's reason phrase shown
DETAIL_MAX = 120  # characters of the server's reply body shown


class WebhookError(Exception):
    """Posting failed; ``str()`` is one line fit for the user."""


def check_url(url: str) -> str:
    """The URL if it may be posted to; otherwise a :class:`WebhookError` saying why."""
    url = (url or "").strip()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        raise WebhookError(f"the webhook URL is not valid: {exc}") from None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise WebhookError("the webhook URL must not contain spaces or control characters")
    host = (parts.hostname or "").lower()
    if not host:
        raise WebhookError(f"the webhook URL {url!r} has no host (expected https://...)")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http":
        if host in LOCAL_HOSTS:
            return url
        raise WebhookError("plain http:// is only allowed to this machine (127.0.0.1, localhost, ::1); use https://")
    raise WebhookError(f"the webhook URL must start with https:// (got {parts.scheme or 'no scheme'}://)")


def default_timeout() -> float:
    """``CADENCE_WEBHOOK_TIMEOUT`` in seconds (default 10); a :class:`WebhookError`
    when it is set to anything but a number of seconds above 0, at most an hour."""
    value = os.environ.get(TIMEOUT_ENV_VAR, "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise WebhookError(
            f"{TIMEOUT_ENV_VAR} must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}"
            f" (got {excerpt(value, 30)!r})"
        )
    return seconds


def is_local(url: str) -> bool:
    """True for a URL on this machine (a loopback post never uses a proxy)."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower() in LOCAL_HOSTS
    except ValueError:
        return False


class _Deadline:
    """Shuts down every socket an attempt opened once ``seconds`` have passed:
    a blocked read then returns at once, however slowly the server drips."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def connection_class(self, base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        deadline = self

        class Connection(base):  # type: ignore[misc, valid-type]
            def connect(self) -> None:
                super().connect()
                deadline.track(self.sock)

        return Connection


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"(not followed) redirected to {newurl}", headers, fp)


def _opener(url: str, deadline: _Deadline) -> urllib.request.OpenerDirector:
    deadline_http = deadline.connection_class(http.client.HTTPConnection)
    deadline_https = deadline.connection_class(http.client.HTTPSConnection)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(deadline_http, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        _context: ssl.SSLContext | None  # set by urllib's HTTPSHandler.__init__; typeshed doesn't declare it

        def https_open(self, req):
            return self.do_open(deadline_https, req, context=self._context)

    handlers: list = [_NoRedirect, HTTPHandler, HTTPSHandler]
    if is_local(url):
        handlers.append(urllib.request.ProxyHandler({}))  # a loopback post never leaves the machine
    return urllib.request.build_opener(*handlers)


def _http_error(exc: urllib.error.HTTPError) -> WebhookError:
    """The server's answer as a short, cleaned line: its reason and body are
    whatever it chose to send, escape sequences included."""
    reason = excerpt(exc.reason, REASON_MAX) if isinstance(exc.reason, str) else ""
    detail = ""
    with contextlib.suppress(Exception):
        detail = excerpt(exc.read(2048).decode("utf-8", "replace"), DETAIL_MAX)
    why = f"HTTP {exc.code}" + (f" {reason}" if reason else "") + (f": {detail}" if detail else "")
    return WebhookError(f"the webhook answered {why}")


DEADLINE_GRACE = 0.5  # seconds the attempt gets, past its deadline, to notice it


def _post_once(url: str, body: bytes, timeout: float) -> None:
    """One attempt, over within ``timeout`` seconds whatever the server (or a
    slow name lookup, which no socket shutdown interrupts) does: it runs in a
    daemon thread that is abandoned if it overstays."""
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            _attempt(url, body, timeout)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attempt, name="cadence-webhook", daemon=True)
    worker.start()
    worker.join(timeout + DEADLINE_GRACE)
    if not outcome:
        raise WebhookError(f"the webhook did not answer within {timeout:g} s")
    if outcome[0] is not None:
        raise outcome[0]


def _attempt(url: str, body: bytes, timeout: float) -> None:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "cadence-digest"},
    )
    late = WebhookError(f"the webhook did not answer within {timeout:g} s")
    with _Deadline(timeout) as deadline:
        try:
            with _opener(url, deadline).open(request, timeout=timeout) as response:
                response.read(65536)
        except urllib.error.HTTPError as exc:
            if deadline.expired:
                raise late from None
            raise _http_error(exc) from None
        except TimeoutError:
            raise late from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if deadline.expired or isinstance(reason, (TimeoutError, socket.timeout)):
                raise late from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise WebhookError(f"cannot reach the webhook: {excerpt(text, DETAIL_MAX)}") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            # A shut-down socket surfaces as a closed connection, a bad status
            # line or an incomplete read, depending on where the read was.
            if deadline.expired:
                raise late from None
            text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise WebhookError(f"cannot reach the webhook: {excerpt(text, DETAIL_MAX)}") from None


def post_text(url: str, text: str, *, timeout: float | None = None, retries: int = 1) -> int:
    """POST ``{"text": text}``; one retry after a failure. Returns the attempts made."""
    url = check_url(url)
    timeout = default_timeout() if timeout is None else timeout
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise WebhookError(f"the webhook timeout must be above 0 and at most {MAX_TIMEOUT:g} s (got {timeout!r})")
    body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
    last: WebhookError | None = None
    for attempt in range(1, retries + 2):
        try:
            _post_once(url, body, timeout)
            return attempt
        except WebhookError as exc:
            last = exc
            if attempt <= retries:
                time.sleep(min(RETRY_PAUSE, timeout))
    assert last is not None
    raise WebhookError(f"{last} (tried {retries + 1} times)")
