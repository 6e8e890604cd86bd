"""`cadence serve` for a team: the page's addresses (``--host 0.0.0.0``,
``::1``, ``--public-url``), the websocket's origin check on a wildcard, and
``--user-header`` (the tab's "me", passed to its app as ``$CADENCE_ME``).

The pure functions first, then a real server on a free port, its page and
websocket asked with the Host/Origin headers a browser elsewhere would send."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cadence_tui.integrations.config import Config, load_config
from cadence_tui.ui.serve import (
    listen_url,
    page_url,
    same_origin,
    session_user,
    url_from_host,
    user_header_or_error,
)
from tests.unit.test_serve import free_port, start_server, stop, wait_for_page

SERVE = (sys.executable, "-m", "cadence_tui", "serve")

# -- the page's address ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("host_header", "expected"),
    [
        ("192.168.1.5:8000", "http://192.168.1.5:8000"),
        ("10.0.0.7:8000", "http://10.0.0.7:8000"),
        ("Team-Box.lan:8000", "http://team-box.lan:8000"),
        ("[fe80::1]:8000", "http://[fe80::1]:8000"),
        ("[::1]:8000", "http://[::1]:8000"),
        ("192.168.1.5", "http://192.168.1.5"),  # port 80: the browser leaves it out
        # No usable Host: this machine's own browser's address, never 0.0.0.0.
        (None, "http://127.0.0.1:8000"),
        ("", "http://127.0.0.1:8000"),
        ('"><script>x</script>', "http://127.0.0.1:8000"),
        ("a b:8000", "http://127.0.0.1:8000"),
        ("host:notaport", "http://127.0.0.1:8000"),
        ("::1:8000", "http://127.0.0.1:8000"),  # an IPv6 host needs its brackets
    ],
)
def test_wildcard_page_url_follows_the_host_header(host_header, expected):
    assert page_url("http", host_header, public_url=None, host="0.0.0.0", port=8000) == expected


def test_page_url_other_listeners_and_public_url():
    assert page_url("http", None, public_url=None, host="::1", port=8000) == "http://[::1]:8000"
    assert page_url("http", None, public_url=None, host="::", port=8000) == "http://[::1]:8000"
    assert page_url("http", None, public_url=None, host="192.168.1.5", port=80) == "http://192.168.1.5"
    assert page_url("http", "localhost:8000", public_url=None, host="127.0.0.1", port=8000) == "http://localhost:8000"
    # --public-url wins over whatever Host the proxy forwards.
    for host_header in ("127.0.0.1:8000", "192.168.1.5:8000", None):
        assert (
            page_url("http", host_header, public_url="https://team.example/cadence", host="0.0.0.0", port=8000)
            == "https://team.example/cadence"
        )
    assert listen_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert listen_url("::1", 443) == "http://[::1]:443"
    assert url_from_host("https", "team.example:443") == "https://team.example"


# -- the websocket's origin --------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "scheme", "host_header", "allowed"),
    [
        ("http://192.168.1.5:8000", "http", "192.168.1.5:8000", True),
        ("http://[fe80::1]:8000", "http", "[fe80::1]:8000", True),
        ("http://vm:8000", "http", "vm:8000", True),  # this machine's own name
        ("http://vm:8000", "http", "VM:8000", True),  # browsers lower-case the Origin
        # Another site's page, whatever Host the request came with.
        ("http://evil.example:8000", "http", "192.168.1.5:8000", False),
        ("http://192.168.1.5:8001", "http", "192.168.1.5:8000", False),
        ("https://192.168.1.5:8000", "http", "192.168.1.5:8000", False),
        ("http://192.168.1.6:8000", "http", "192.168.1.5:8000", False),
        ("http://192.168.1.5:8000", "http", None, False),
        # DNS rebinding: a site pointing its own name at this address sends a
        # matching Host; only IP addresses and this machine's names count.
        ("http://evil.example:8000", "http", "evil.example:8000", False),
    ],
)
def test_same_origin(origin, scheme, host_header, allowed):
    assert same_origin(origin, scheme, host_header, frozenset({"localhost", "vm"})) is allowed


# -- the tab's user ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ada", "ada"),
        ("  Ada Lovelace \t", "Ada Lovelace"),
        ("Ada\x1b[31m\x07 Lovelace\r\n", "Ada Lovelace"),
        ("Zoë \u202eevil", "Zoë evil"),
        ("x" * 200, "x" * 80),
        ("\ud800Ada", "?Ada"),
        ("", None),
        ("  \x00\t ", None),
        (None, None),
    ],
)
def test_session_user_is_cleaned(value, expected):
    assert session_user(value) == expected


def test_user_header_name():
    assert user_header_or_error(" X-Forwarded-User ") == "X-Forwarded-User"
    for bad in ("", "X Forwarded", "X-User:", "X\nY"):
        with pytest.raises(ValueError, match="--user-header must be an HTTP header name"):
            user_header_or_error(bad)


def test_cadence_me_overrides_the_config_me(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('me = "Lena"\n')
    assert (load_config(path).me, load_config(path).me_from_env) == ("Lena", False)
    monkeypatch.setenv("CADENCE_ME", " Ada\x1b[2J Lovelace ")
    config = load_config(path)
    assert (config.me, config.me_from_env) == ("Ada Lovelace", True)
    assert load_config(tmp_path / "missing.toml").me == "Ada Lovelace"
    monkeypatch.setenv("CADENCE_ME", "   ")
    assert load_config(path).me == "Lena"


async def test_cadence_me_outranks_the_me_saved_in_the_shared_database(store) -> None:
    """Another user's "me" saved in the database (M on action items) does
    not replace the tab's own user."""
    from textual.widgets import Static

    from cadence_tui.ui.app import make_app

    store.set_setting("actions.me", "Lena")
    for config, shown in ((Config(me="Ada", me_from_env=True), "me: Ada"), (Config(me="Ada"), "me: Lena")):
        app = make_app(store, config)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("a")
            await pilot.pause()
            assert shown in str(app.screen.query_one("#actions-title", Static).render())


# -- a real server -----------------------------------------------------------------------


def fetch_page(port: int, host_header: str | None = None) -> str:
    headers = {} if host_header is None else {"Host": host_header}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


async def websocket_answer(port: int, origin: str, host_header: str) -> int | str:
    """The refusal's HTTP status, or "app" once the app's first output arrives."""
    import aiohttp

    headers = {"Origin": origin, "Host": host_header}
    async with aiohttp.ClientSession(skip_auto_headers=["Origin"]) as session:
        try:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24", headers=headers) as ws:
                message = await ws.receive(timeout=30)
                await ws.close()
                return "app" if message.type == aiohttp.WSMsgType.BINARY else f"closed: {message.type}"
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def test_wildcard_server_pages_and_origins(tmp_path: Path):
    """`--host 0.0.0.0`: the page opened at a LAN address points its scripts
    and websocket there; the websocket takes that page and refuses others."""
    proc, port = start_server(tmp_path, "--host", "0.0.0.0")
    lan = f"192.168.1.5:{port}"
    name = socket.gethostname().lower()
    cases = [
        (f"http://{lan}", lan, "app"),
        (f"http://{name}:{port}", f"{name}:{port}", "app"),
        (f"http://127.0.0.1:{port}", f"127.0.0.1:{port}", "app"),
        (f"http://evil.example:{port}", f"evil.example:{port}", 403),
        ("http://evil.example", lan, 403),
        (f"http://192.168.1.5:{port + 1}", lan, 403),
        (f"https://{lan}", lan, 403),
    ]

    async def answers() -> list[int | str]:
        return [await websocket_answer(port, origin, host) for origin, host, _ in cases]

    try:
        pages = {host: fetch_page(port, host) for host in (lan, f"[fe80::1]:{port}", "<bad>")}
        result = asyncio.run(asyncio.wait_for(answers(), timeout=120))
    finally:
        stop(proc)
    assert f'data-session-websocket-url="ws://{lan}/ws"' in pages[lan]
    assert f'<script src="http://{lan}/static/js/textual.js">' in pages[lan]
    assert f'data-session-websocket-url="ws://[fe80::1]:{port}/ws"' in pages[f"[fe80::1]:{port}"]
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in pages["<bad>"]
    assert not any("0.0.0.0" in page for page in pages.values())
    assert result == [expected for *_, expected in cases]
    stderr = proc.stderr.read()
    assert f"Serving Cadence on every address of this machine, port {port}: http://127.0.0.1:{port}/ here" in stderr
    assert "WARNING: listening on 0.0.0.0" in stderr


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_ipv6_loopback_page_uses_brackets(tmp_path: Path):
    port = free_port()
    proc = subprocess.Popen(
        [*SERVE, "--db", str(tmp_path / "s.db"), "--host", "::1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = wait_for_page(f"http://[::1]:{port}/", proc, time.monotonic() + 30)
    finally:
        stop(proc)
    assert f'data-session-websocket-url="ws://[::1]:{port}/ws"' in page
    assert f"Serving Cadence on http://[::1]:{port}/ " in proc.stderr.read()


async def app_output_after_keys(port: int, headers: dict[str, str], keys: str, expected: str) -> str:
    """Open a tab's websocket with ``headers``, type ``keys`` once the home
    screen is drawn, and collect the app's output until ``expected`` shows."""
    import aiohttp

    received = ""
    sent = False
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"ws://127.0.0.1:{port}/ws?width=100&height=30",
            headers={"Origin": f"http://127.0.0.1:{port}", **headers},
        ) as ws,
    ):
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data.decode("utf-8", "replace")
            elif message.type == aiohttp.WSMsgType.TEXT:
                received += message.data
            else:
                break
            if not sent and "All-Hands Strategy" in received:
                await ws.send_json(["stdin", keys])
                sent = True
            if sent and expected in received.split("All-Hands Strategy", 1)[-1]:
                break
        await ws.close()
    return received


def test_user_header_sets_me_in_the_tabs_app(tmp_path: Path):
    """The header's value, cleaned, is "me" in that tab's app; a tab without
    it has the normal "me"."""
    proc, port = start_server(tmp_path, "--user-header", "x-forwarded-user")
    try:
        shown = asyncio.run(
            asyncio.wait_for(app_output_after_keys(port, {"X-Forwarded-User": "  Ada\tLovelace  "}, "a", "me: "), 60)
        )
        plain = asyncio.run(asyncio.wait_for(app_output_after_keys(port, {}, "a", "me: "), 60))
    finally:
        stop(proc)
    assert "me: Ada Lovelace" in shown
    assert "Ada" not in plain
    assert "Each tab's user is the x-forwarded-user header: serve only behind a proxy that sets it." in (
        proc.stderr.read()
    )


def test_serve_refuses_a_bad_user_header(tmp_path: Path):
    result = subprocess.run(
        [*SERVE, "--db", str(tmp_path / "s.db"), "--port", str(free_port()), "--user-header", "X User"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "cadence: error: --user-header must be an HTTP header name, like X-Forwarded-User (got 'X User')"
    ]
    assert not (tmp_path / "s.db").exists()
