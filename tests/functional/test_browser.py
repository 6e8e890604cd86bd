"""`cadence serve` in a real browser: headless Chromium (playwright) on the
served page, keys and clicks as a user gives them, the database checked after.

xterm.js draws on a canvas, so the screen is read from its own buffer: the
page's textual.js is patched on the way in to expose the terminal as
``window.__xterm``. One server per module; each test opens its own tab (its
own app process) on the shared database and works on its own cadence.

Skipped, with the reason, when playwright or chromium is missing
(`pip install playwright`, `apt-get install chromium`; never `playwright install`).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import FROZEN_NOW
from tests.unit.test_serve import free_port, stop, wait_for_page

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("no chromium on this machine (apt-get install chromium)", allow_module_level=True)

WIDTH, HEIGHT = 1000, 700  # CSS pixels: a 111x38 terminal
STEP_TIMEOUT_MS = 10000  # generous: the suite runs on 2 busy cores
XTERM_OPEN = "this.terminal.open(e),"


@contextmanager
def serving(root: Path, *args: str) -> Iterator[tuple[int, Path]]:
    """A real `cadence serve` on a free port with ``args``: (port, database)."""
    db = root / "browser.db"
    port = free_port()
    env = {
        **os.environ,
        # Module scope starts before conftest's per-test environment: the same pins here.
        "CADENCE_NOW": FROZEN_NOW.isoformat(),
        "TZ": "UTC",
        "HOME": str(root),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("CADENCE_DB", "CADENCE_ME", "NO_COLOR"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_tui", "serve", "--db", str(db), "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", proc, time.monotonic() + 30)
        yield port, db
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `cadence serve` on a free loopback port: (page URL, database)."""
    with serving(tmp_path_factory.mktemp("browser")) as (port, db):
        yield f"http://127.0.0.1:{port}/", db


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _expose_terminal(route) -> None:
    response = route.fetch()
    script = response.text()
    assert XTERM_OPEN in script, "textual.js changed: update the hook in tests/functional/test_browser.py"
    route.fulfill(response=response, body=script.replace(XTERM_OPEN, XTERM_OPEN + "window.__xterm=this.terminal,", 1))


SCREEN_JS = """() => {
  const term = window.__xterm;
  if (!term) return "";
  const lines = [];
  for (let y = 0; y < term.rows; y++) lines.push(term.buffer.active.getLine(y).translateToString(true));
  return lines.join("\\n");
}"""


def screen(page) -> str:
    return page.evaluate(SCREEN_JS)


def wait_for_text(page, text: str, timeout: int = STEP_TIMEOUT_MS) -> None:
    try:
        page.wait_for_function(f"text => ({SCREEN_JS})().includes(text)", arg=text, timeout=timeout)
    except sync_api.TimeoutError:
        raise AssertionError(f"{text!r} never showed; the screen:\n{screen(page)}") from None


def open_tab(browser, url: str, **context_options) -> tuple[object, object]:
    """A new tab on ``url`` with the home screen drawn: (context, page)."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, **context_options)
    tab = context.new_page()
    tab.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    tab.route("**/static/js/textual.js", _expose_terminal)
    tab.goto(url)
    wait_for_text(tab, "All-Hands Strategy", timeout=30000)
    return context, tab


@pytest.fixture
def page(served, browser) -> Iterator[object]:
    """A fresh tab on the served page, the home screen drawn. Nothing is
    focused by the test: what has focus is the page's own doing."""
    url, _db = served
    context, tab = open_tab(browser, url)
    yield tab
    context.close()


def terminal_focused(page) -> bool:
    return page.evaluate("() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false")


def click_text(page, text: str) -> None:
    """Click the middle of the first on-screen occurrence of ``text``."""
    lines = screen(page).split("\n")
    y = next(i for i, line in enumerate(lines) if text in line)
    x = lines[y].index(text) + len(text) // 2
    cols, rows = page.evaluate("() => [window.__xterm.cols, window.__xterm.rows]")
    box = page.locator(".xterm-screen").bounding_box()
    page.mouse.click(box["x"] + (x + 0.5) * box["width"] / cols, box["y"] + (y + 0.5) * box["height"] / rows)


def query(db: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, args).fetchall()


def meetings_of(db: Path, cadence_name: str) -> int:
    return query(
        db, "SELECT count(*) FROM meetings m JOIN cadences c ON c.id = m.cadence_id WHERE c.name = ?", cadence_name
    )[0][0]


def test_home_table_has_the_keyboard_from_the_start(page, served):
    """No Tab, no click: Down moves the home table's cursor and Enter starts
    the highlighted cadence's meeting."""
    _url, db = served
    assert meetings_of(db, "Marketing–Sales Sync") == 0
    page.keyboard.press("ArrowDown")
    wait_for_text(page, "Marketing–Sales Sync — ")  # the details panel follows the cursor
    page.keyboard.press("Enter")
    wait_for_text(page, "Marketing–Sales Sync  for ")
    assert meetings_of(db, "Marketing–Sales Sync") == 1


def test_the_click_that_focuses_the_page_does_not_reach_the_app(page, served):
    _url, db = served
    before = query(db, "SELECT count(*) FROM meetings")[0][0]
    # The user clicks elsewhere: the page loses the keyboard (the app is told)…
    page.evaluate("() => document.activeElement.blur()")
    assert not terminal_focused(page)
    # …then clicks back, on the highlighted row: that click only focuses.
    click_text(page, "Sprint Review")
    page.keyboard.press("ArrowDown")  # handled after whatever the click did
    wait_for_text(page, "Marketing–Sales Sync — ")
    assert terminal_focused(page)
    assert "started" not in screen(page)
    assert query(db, "SELECT count(*) FROM meetings")[0][0] == before
    # Once focused, a click does reach the app: the highlighted row starts its meeting.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    wait_for_text(page, "All-Hands Strategy — ")
    click_text(page, "All-Hands Strategy")
    wait_for_text(page, "All-Hands Strategy  for ")
    assert meetings_of(db, "All-Hands Strategy") == 1


def test_action_item_typed_at_full_speed_is_saved_whole(page, served):
    _url, db = served
    wait_for_text(page, "Sprint Review — ")
    page.keyboard.press("Enter")
    wait_for_text(page, "Sprint Review  for ")
    page.keyboard.press("a")
    wait_for_text(page, "New action item")
    # One burst, no waits: as fast as a person who knows the form types.
    page.keyboard.type("Ship the beta")
    page.keyboard.press("Tab")
    page.keyboard.type("Sam")
    page.keyboard.press("Tab")
    page.keyboard.type("+3d")
    page.keyboard.press("Enter")
    wait_for_text(page, "Action item saved")
    rows = query(
        db,
        "SELECT a.title, a.owner, a.due FROM action_items a JOIN cadences c ON c.id = a.cadence_id "
        "WHERE c.name = 'Sprint Review'",
    )
    assert rows == [("Ship the beta", "Sam", "2026-11-28")]


# -- a team's server: every address, the user from a login proxy's header ---------------


def non_loopback_address() -> str | None:
    """An IPv4 address of this machine other machines could reach it at."""
    try:
        out = subprocess.run(
            ["ip", "-4", "-o", "addr", "show", "scope", "global"], capture_output=True, text=True, timeout=10
        ).stdout
        for word in out.split():
            if word.count(".") == 3 and "/" in word:
                return word.split("/")[0]
    except (OSError, subprocess.SubprocessError):
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # no packet is sent
        try:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if ipaddress.ip_address(address).is_loopback or address == "0.0.0.0" else address


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """`cadence serve --host 0.0.0.0 --user-header X-Forwarded-User`: (port, database)."""
    with serving(tmp_path_factory.mktemp("team"), "--host", "0.0.0.0", "--user-header", "X-Forwarded-User") as served:
        yield served


def test_page_opened_at_a_lan_address_of_a_wildcard_server_draws_the_app(team_server, browser):
    """`--host 0.0.0.0` opened from another machine, at this machine's
    address: the page's scripts and websocket use that address (not 0.0.0.0)
    and the app draws and takes keys."""
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    port, _db = team_server
    context, tab = open_tab(browser, f"http://{address}:{port}/")
    try:
        websocket_url = tab.evaluate(
            "() => document.querySelector('[data-session-websocket-url]').dataset.sessionWebsocketUrl"
        )
        assert websocket_url == f"ws://{address}:{port}/ws"
        page_source = tab.content()
        assert "0.0.0.0" not in page_source and f"http://{address}:{port}/static/js/textual.js" in page_source
        assert "Sprint Review" in screen(tab)
        tab.keyboard.press("a")
        wait_for_text(tab, "Action items")
    finally:
        context.close()


def test_user_header_makes_that_user_me_in_the_tab(team_server, browser):
    """Behind a login proxy that names the user in X-Forwarded-User, each
    tab's "me" (the action items' mine filter) is that user; a tab without
    the header gets the normal "me"."""
    port, _db = team_server
    url = f"http://127.0.0.1:{port}/"
    context, tab = open_tab(browser, url, extra_http_headers={"X-Forwarded-User": "  Ada Lovelace  "})
    other_context, other = open_tab(browser, url)
    try:
        tab.keyboard.press("a")
        wait_for_text(tab, "me: Ada Lovelace")
        tab.keyboard.press("m")  # mine: Ada owns nothing in the demo data
        wait_for_text(tab, "owner:Ada Lovelace")
        other.keyboard.press("a")
        wait_for_text(other, "me: ")
        assert "Ada" not in screen(other)
    finally:
        context.close()
        other_context.close()


def test_user_header_is_ignored_without_the_option(served, browser):
    url, _db = served
    context, tab = open_tab(browser, url, extra_http_headers={"X-Forwarded-User": "Mallory"})
    try:
        tab.keyboard.press("a")
        wait_for_text(tab, "me: ")
        assert "Mallory" not in screen(tab)
    finally:
        context.close()
