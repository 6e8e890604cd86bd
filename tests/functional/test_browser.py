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

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real `cadence serve` on a free loopback port: (page URL, database)."""
    root = tmp_path_factory.mktemp("browser")
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
    env.pop("CADENCE_DB", None)
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_tui", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_page(url, proc, time.monotonic() + 30)
        yield url, db
    finally:
        stop(proc)


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


@pytest.fixture
def page(served, browser) -> Iterator[object]:
    """A fresh tab on the served page, the home screen drawn. Nothing is
    focused by the test: what has focus is the page's own doing."""
    url, _db = served
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    tab = context.new_page()
    tab.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    tab.route("**/static/js/textual.js", _expose_terminal)
    tab.goto(url)
    wait_for_text(tab, "All-Hands Strategy", timeout=30000)
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
