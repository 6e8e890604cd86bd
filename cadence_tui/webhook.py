"""Posting text to a Slack-compatible incoming webhook (``{"text": ...}``).

Standard library only. ``https://`` URLs go anywhere; plain ``http://`` only to
this machine (127.0.0.1, localhost, ::1), so a digest never crosses a network
unencrypted. Redirects are refused: a webhook that redirects is misconfigured,
and following one could leave https. Every failure is a :class:`WebhookError`
whose message is one line saying why.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_TIMEOUT = 10.0
TIMEOUT_ENV_VAR = "CADENCE_WEBHOOK_TIMEOUT"
RETRY_PAUSE = 1.0


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
    value = os.environ.get(TIMEOUT_ENV_VAR)
    if value:
        try:
            seconds = float(value)
            if seconds > 0:
                return seconds
        except ValueError:
            pass
    return DEFAULT_TIMEOUT


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        raise urllib.error.HTTPError(req.full_url, code, f"redirected to {newurl} (not followed)", headers, fp)


def _post_once(url: str, body: bytes, timeout: float) -> None:
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "cadence-digest"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        reason = (exc.reason or "").strip() if isinstance(exc.reason, str) else ""
        detail = ""
        try:
            detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()[0][:120]
        except Exception:  # noqa: BLE001 - the body is a nicety
            pass
        why = f"HTTP {exc.code}" + (f" {reason}" if reason else "") + (f": {detail}" if detail else "")
        raise WebhookError(f"the webhook answered {why}") from None
    except (TimeoutError, socket.timeout):
        raise WebhookError(f"the webhook did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise WebhookError(f"the webhook did not answer within {timeout:g} s") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise WebhookError(f"cannot reach the webhook: {text}") from None
    except OSError as exc:
        raise WebhookError(f"cannot reach the webhook: {exc.strerror or exc}") from None


def post_text(url: str, text: str, *, timeout: float | None = None, retries: int = 1) -> int:
    """POST ``{"text": text}``; one retry after a failure. Returns the attempts made."""
    url = check_url(url)
    timeout = default_timeout() if timeout is None else timeout
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
