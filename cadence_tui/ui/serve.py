"""Browser mode: textual-serve's server with two guards of ours.

- The websocket that drives the app only accepts the served page's own origin
  (loopback under both names, the address listened on, and ``--public-url``):
  without that check any web page the user visits could open
  ``ws://127.0.0.1:PORT/ws`` and drive the app (cross-site websocket hijacking).
- The page gives the terminal the keyboard once the app has drawn, and the
  click that focuses the terminal only focuses it: it never reaches the app
  (clicking the highlighted row would otherwise start a meeting).

Imported by ``cadence serve`` only (textual-serve and aiohttp load there).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

log = logging.getLogger("textual-serve")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Listening on every address: the machine's own browser reaches it on loopback.
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, as a browser's ``Origin``
    header spells it (lower-case host, default port left out), or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == (80 if scheme == "http" else 443):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def public_url_or_error(value: str) -> str:
    """The ``--public-url`` value without its trailing slash; ValueError if it
    is not an http(s) address the page could be loaded from."""
    text = value.strip()
    parts = urlsplit(text)
    if origin_of(text) is None or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(
            f"--public-url must be the http:// or https:// address the page is opened at, "
            f"like https://cadence.example.com (got {value!r})"
        )
    return text.rstrip("/")


def allowed_origins(host: str, port: int, public_url: str | None = None) -> frozenset[str]:
    """The origins a browser page served by us can have."""
    names = {host}
    if host in LOOPBACK_HOSTS or host in WILDCARD_HOSTS:
        names.update(LOOPBACK_HOSTS)
    origins = {origin_of(f"http://{f'[{n}]' if ':' in n else n}:{port}") for n in names if n}
    if public_url:
        origins.add(origin_of(public_url))
    return frozenset(o for o in origins if o)


# Added to textual-serve's page (see the module docstring). The terminal's
# keyboard is xterm.js's hidden textarea; focusing it makes textual.js tell the
# app it has focus, so that waits until the app has drawn (body.-first-byte).
PAGE_SCRIPT = """
(() => {
  const textarea = () => document.querySelector("#terminal .xterm-helper-textarea");
  const focusOnceDrawn = () => {
    const t = textarea();
    if (t === null || !document.body.classList.contains("-first-byte")) return false;
    t.focus();
    return true;
  };
  window.addEventListener("load", () => {
    if (focusOnceDrawn()) return;
    const watch = new MutationObserver(() => { if (focusOnceDrawn()) watch.disconnect(); });
    watch.observe(document.body, {attributes: true, attributeFilter: ["class"]});
  });
  let swallowing = false;
  window.addEventListener("mousedown", (event) => {
    const t = textarea();
    if (t === null || document.activeElement === t) return;
    if (!(event.target instanceof Element) || event.target.closest("#terminal") === null) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    swallowing = true;
    t.focus();
  }, true);
  window.addEventListener("mouseup", (event) => {
    if (!swallowing) return;
    swallowing = false;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
})();
"""


class CadenceServer(Server):
    """textual-serve's ``Server`` with an origin check on the websocket and
    our focus script on the page."""

    def __init__(self, command: str, *, host: str, port: int, public_url: str | None = None) -> None:
        super().__init__(command, host=host, port=port, title="Cadence", public_url=public_url)
        self.allowed_origins = allowed_origins(host, port, public_url)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        response = await super().handle_index(request)
        if isinstance(response, web.Response) and response.text is not None:
            response.text = response.text.replace("</body>", f"<script>{PAGE_SCRIPT}</script>\n</body>", 1)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = origin_of(request.headers.get("Origin", ""))
        if origin is None or origin not in self.allowed_origins:
            log.warning("Refused a websocket from origin %r: not this server's page", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="This app only accepts connections from its own page.\n")
        return await super().handle_websocket(request)
