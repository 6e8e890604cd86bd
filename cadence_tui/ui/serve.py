"""Browser mode: textual-serve's server with our guards and addresses.

- The page points its scripts and websocket at the address the browser opened
  it at: ``--public-url`` when given, else the request's own ``Host`` (so
  ``--host 0.0.0.0`` opened at ``http://192.168.1.5:8000/`` uses that, never
  ``0.0.0.0``; IPv6 hosts keep their brackets). textual-serve builds the URLs
  from ``self.public_url`` while rendering the page: here that attribute is
  the current request's URL (a context variable set around ``handle_index``).
- The websocket that drives the app only accepts the served page's own origin:
  loopback under both names, the address listened on, ``--public-url``, and
  a same-origin page (``Origin`` equal to the request's scheme and ``Host``)
  whose host is an IP address or one of this machine's own names. Without
  that check any web page the user visits could open ``ws://127.0.0.1:PORT/ws``
  and drive the app (cross-site websocket hijacking); other DNS names are
  refused because a site can point its own name at this address (DNS
  rebinding): reached under such a name, pass it as ``--public-url``.
- ``--user-header NAME``: the value of that request header (set by a login
  proxy) becomes the tab's "me": its app process runs with ``$CADENCE_ME``.
  textual-serve starts the process from ``self.command``; here that attribute
  prefixes the variable for the websocket being handled.
- The page gives the terminal the keyboard once the app has drawn, and the
  click that focuses the terminal only focuses it: it never reaches the app
  (clicking the highlighted row would otherwise start a meeting).

Imported by ``cadence serve`` only (textual-serve and aiohttp load there).
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import logging
import re
import shlex
import socket
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

from cadence_tui.core.textsafe import drop_unshowable, strip_control
from cadence_tui.integrations.config import ME_ENV_VAR, ME_MAX_LENGTH

log = logging.getLogger("textual-serve")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Listening on every address: the machine's own browser reaches it on loopback.
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
# A Host header: a DNS name or IPv4 address, or a bracketed IPv6 address, and a port.
_HOST_HEADER = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?")
# An HTTP header name (RFC 9110 token).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

# The page URL of the request being rendered, the user of the websocket being
# handled: set around textual-serve's handlers (see the module docstring).
_page_url: contextvars.ContextVar[str | None] = contextvars.ContextVar("cadence_page_url", default=None)
_session_me: contextvars.ContextVar[str | None] = contextvars.ContextVar("cadence_session_me", default=None)


def bracketed(host: str) -> str:
    """A host as a URL spells it: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def base_url(scheme: str, host: str, port: int) -> str:
    """``scheme://host[:port]`` (the default port left out)."""
    default = 80 if scheme == "http" else 443
    return f"{scheme}://{bracketed(host)}" + ("" if port == default else f":{port}")


def listen_url(host: str, port: int) -> str:
    """The address this machine's own browser opens when nothing better is
    known: a wildcard listens on loopback too."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return base_url("http", host, port)


def url_from_host(scheme: str, host_header: str | None) -> str | None:
    """``scheme://HOST`` for a request's ``Host`` header (as the browser
    reached the server), or None if the header is missing or not a host."""
    if not host_header or not _HOST_HEADER.fullmatch(host_header.strip()):
        return None
    return origin_of(f"{scheme}://{host_header.strip()}")


def page_url(scheme: str, host_header: str | None, *, public_url: str | None, host: str, port: int) -> str:
    """Where the page's scripts and websocket are: ``--public-url``, else the
    address the request came to, else (no usable Host) the listening address."""
    if public_url:
        return public_url
    return url_from_host(scheme, host_header) or listen_url(host, port)


def own_host_names() -> frozenset[str]:
    """This machine's own names (a page opened under one may drive the app)."""
    names = {"localhost"}
    for name in (socket.gethostname, socket.getfqdn):
        with contextlib.suppress(OSError):  # no name at all
            names.add(name().lower())
    return frozenset(n for n in names if n)


def same_origin(
    origin: str, scheme: str, host_header: str | None, own_names: frozenset[str] | set[str] = frozenset()
) -> bool:
    """Whether ``origin`` is the page's own address: the request's scheme and
    ``Host``, that host an IP address or one of ``own_names`` (not any DNS
    name: a site can point its own name at this address)."""
    if url_from_host(scheme, host_header) != origin:
        return False
    hostname = urlsplit(origin).hostname or ""
    if hostname in own_names:
        return True
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def session_user(value: str | None) -> str | None:
    """A ``--user-header`` value as a name: control characters out, trimmed,
    at most 80 characters; None when missing or blank."""
    if not value:
        return None
    text = value.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
    name = drop_unshowable(strip_control(text)).strip()[:ME_MAX_LENGTH].strip()
    return name or None


def user_header_or_error(value: str) -> str:
    """The ``--user-header`` value, or ValueError if it is no header name."""
    name = value.strip()
    if not _HEADER_NAME.fullmatch(name):
        raise ValueError(f"--user-header must be an HTTP header name, like X-Forwarded-User (got {value!r})")
    return name


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
    """textual-serve's ``Server`` with per-request page addresses, an origin
    check on the websocket, the tab's user from ``--user-header``, and our
    focus script on the page."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        public_url: str | None = None,
        user_header: str | None = None,
    ) -> None:
        self.fixed_public_url = public_url
        self.user_header = user_header
        super().__init__(
            command, host=host, port=port, title="Cadence", public_url=public_url or listen_url(host, port)
        )
        self.allowed_origins = allowed_origins(host, port, public_url)
        self.own_names = own_host_names() | {host.lower()}

    # textual-serve reads these two attributes while it builds the page and
    # while it starts a tab's app: they answer for the request in hand.
    @property
    def public_url(self) -> str:
        return _page_url.get() or self._public_url

    @public_url.setter
    def public_url(self, value: str) -> None:
        self._public_url = value

    @property
    def command(self) -> str:
        me = _session_me.get()
        return f"{ME_ENV_VAR}={shlex.quote(me)} {self._command}" if me else self._command

    @command.setter
    def command(self, value: str) -> None:
        self._command = value

    def page_url(self, request: web.Request) -> str:
        """The address the page served for ``request`` uses for its scripts and websocket."""
        return page_url(
            request.scheme,
            request.headers.get("Host"),
            public_url=self.fixed_public_url,
            host=self.host,
            port=self.port,
        )

    def origin_allowed(self, origin: str, request: web.Request) -> bool:
        return origin in self.allowed_origins or same_origin(
            origin, request.scheme, request.headers.get("Host"), self.own_names
        )

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        token = _page_url.set(self.page_url(request))
        try:
            response = await super().handle_index(request)
        finally:
            _page_url.reset(token)
        if isinstance(response, web.Response) and response.text is not None:
            response.text = response.text.replace("</body>", f"<script>{PAGE_SCRIPT}</script>\n</body>", 1)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = origin_of(request.headers.get("Origin", ""))
        if origin is None or not self.origin_allowed(origin, request):
            log.warning(
                "Refused a websocket from origin %r: not this server's page (opened under another name? "
                "pass that address as --public-url)",
                request.headers.get("Origin"),
            )
            raise web.HTTPForbidden(text="This app only accepts connections from its own page.\n")
        me = session_user(request.headers.get(self.user_header)) if self.user_header else None
        if self.user_header:
            log.info("A tab opened for %s", repr(me) if me else f"the default user (no {self.user_header} header)")
        token = _session_me.set(me)
        try:
            return await super().handle_websocket(request)
        finally:
            _session_me.reset(token)
