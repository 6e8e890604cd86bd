"""`cadence serve`: a real server on a free loopback port, its page fetched
over HTTP, then stopped. Every wait is bounded."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cadence_tui.cli.portability import served_command
from cadence_tui.ui.serve import allowed_origins, origin_of, public_url_or_error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, proc: subprocess.Popen, deadline: float) -> str:
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"cadence serve exited early: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                assert response.status == 200
                return response.read().decode("utf-8")
        except OSError as exc:
            last_error = exc
            time.sleep(0.2)
    raise AssertionError(f"no page at {url} in time: {last_error}")


async def read_app_screen(port: int, expected: str) -> str:
    """Open the websocket a browser tab opens and collect the app's output
    until ``expected`` shows up (escape sequences and all)."""
    import aiohttp  # textual-serve's own dependency

    received = ""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"ws://127.0.0.1:{port}/ws?width=100&height=30", headers={"Origin": f"http://127.0.0.1:{port}"}
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
            if expected in received and "All-Hands Strategy" in received:
                break
        await ws.close()
    return received


def start_server(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, int]:
    """`cadence serve` on a free port, its page answering. stdout: textual-serve's log."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_tui", "serve", "--db", str(tmp_path / "serve.db"), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=tmp_path,
    )
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", proc, time.monotonic() + 30)
    except BaseException:
        stop(proc)
        raise
    return proc, port


async def websocket_answer(port: int, origin: str | None) -> int | str:
    """What the app's websocket answers a client with this ``Origin`` header:
    the refusal's HTTP status, or "app" once the app's first output arrives."""
    import aiohttp

    headers = {} if origin is None else {"Origin": origin}
    async with aiohttp.ClientSession(skip_auto_headers=["Origin"]) as session:
        try:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24", headers=headers) as ws:
                message = await ws.receive(timeout=30)
                await ws.close()
                return "app" if message.type == aiohttp.WSMsgType.BINARY else f"closed: {message.type}"
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_serve_on_loopback_serves_the_textual_page(tmp_path: Path):
    db = tmp_path / "serve.db"
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cadence_tui", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        page = wait_for_page(f"http://127.0.0.1:{port}/", proc, time.monotonic() + 30)
        screen = asyncio.run(asyncio.wait_for(read_app_screen(port, "Sprint Review"), timeout=45))
    finally:
        stop(proc)
    stderr = proc.stderr.read()
    assert f"http://127.0.0.1:{port}/" in stderr
    assert "loopback only" in stderr
    # The textual-serve client page: xterm + textual.js, named after the app,
    # opening its websocket on the same loopback address.
    assert "js/textual.js" in page and "xterm.css" in page
    assert "<div>Cadence</div>" in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    assert db.exists()
    # A browser tab's websocket runs the real app on the same database: its
    # home screen (the seeded cadences) arrives as terminal output.
    assert "Sprint Review" in screen and "All-Hands Strategy" in screen


def test_served_command_passes_the_same_database(tmp_path: Path):
    command = served_command(tmp_path / "my team.db")
    assert command.startswith(sys.executable)
    assert "-m cadence_tui --db" in command
    assert "'" + str(tmp_path / "my team.db") + "'" in command


def test_served_command_keeps_a_postgresql_password_out_of_the_command_line():
    from cadence_tui.store.engines import DatabaseUrl

    command = served_command(DatabaseUrl("postgresql://lena:hunter2@db/cadence"))
    assert command.endswith("-m cadence_tui") and "hunter2" not in command  # the tabs inherit CADENCE_DB


def test_serve_refuses_a_bad_database_before_listening(tmp_path: Path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    result = subprocess.run(
        [sys.executable, "-m", "cadence_tui", "serve", "--db", str(bad), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("cadence: error: ") and "not a Cadence database" in result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    from click.testing import CliRunner

    from cadence_tui.cli import cli

    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_CADENCE_COMPLETE" in result.output


def test_completion_answers_like_the_shell_asks(tmp_path):
    """What bash sends on <TAB> after `cadence exp`, in a real process."""
    env = {**os.environ, "_CADENCE_COMPLETE": "bash_complete", "COMP_WORDS": "cadence exp", "COMP_CWORD": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "from cadence_tui.cli import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["plain,export"]
    env.update(COMP_WORDS="cadence export ", COMP_CWORD="2")
    result = subprocess.run(
        [sys.executable, "-c", "from cadence_tui.cli import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["plain,ics", "plain,json"]


def test_serve_says_when_the_port_is_taken(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cadence_tui", "serve", "--db", str(tmp_path / "s.db"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"cadence: error: cannot listen on 127.0.0.1 port {port}: Address already in use; choose another with --port"
    ]


def test_websocket_refuses_other_origins(tmp_path: Path):
    """Cross-site websocket hijacking: a page on another site must not be able
    to open the websocket that drives the app; the served page's own origin
    (under either loopback name) still can."""
    proc, port = start_server(tmp_path)

    async def answers() -> list[int | str]:
        return [
            await websocket_answer(port, origin)
            for origin in (
                "http://evil.example",
                f"http://evil.example:{port}",
                "null",
                None,
                f"https://127.0.0.1:{port}",
                f"http://127.0.0.1:{port + 1}",
                f"http://127.0.0.1:{port}",
                f"http://localhost:{port}",
            )
        ]

    try:
        result = asyncio.run(asyncio.wait_for(answers(), timeout=90))
    finally:
        stop(proc)
    assert result == [403, 403, 403, 403, 403, 403, "app", "app"]
    log = " ".join(proc.stdout.read().split())  # Rich wraps the server's log lines
    assert "Refused a websocket from origin 'http://evil.example'" in log


def test_websocket_accepts_the_public_url_origin(tmp_path: Path):
    proc, port = start_server(tmp_path, "--public-url", "https://Cadence.Example.com:443/")

    async def answers() -> list[int | str]:
        return [await websocket_answer(port, o) for o in ("https://cadence.example.com", "http://cadence.example.com")]

    try:
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
        result = asyncio.run(asyncio.wait_for(answers(), timeout=60))
    finally:
        stop(proc)
    assert result == ["app", 403]
    assert 'data-session-websocket-url="wss://Cadence.Example.com:443/ws"' in page
    assert "Browsers open it at https://Cadence.Example.com:443/" in proc.stderr.read()


def test_allowed_origins():
    assert allowed_origins("127.0.0.1", 8000) == {
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
    }
    assert allowed_origins("0.0.0.0", 80) == {
        "http://0.0.0.0",
        "http://127.0.0.1",
        "http://localhost",
        "http://[::1]",
    }
    assert allowed_origins("192.168.1.5", 8000, "https://team.example/cadence") == {
        "http://192.168.1.5:8000",
        "https://team.example",
    }
    assert origin_of("HTTP://LocalHost:80/x") == "http://localhost"
    assert origin_of("null") is None and origin_of("http://x:notaport") is None and origin_of("") is None


@pytest.mark.parametrize(
    "bad",
    [
        "cadence.example.com",
        "ftp://x.example",
        "https://",
        "https://x.example/?a=1",
        "https://user:pw@x.example",
        "https://x.example:99999",
    ],
)
def test_public_url_must_be_an_http_address(tmp_path: Path, bad: str):
    with pytest.raises(ValueError):
        public_url_or_error(bad)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cadence_tui",
            "serve",
            "--db",
            str(tmp_path / "s.db"),
            "--port",
            str(free_port()),
            "--public-url",
            bad,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cadence: error: --public-url must be"), result.stderr


def test_served_page_focuses_the_terminal_and_swallows_the_focusing_click(tmp_path: Path):
    """The page carries our focus script (tests/functional/test_browser.py
    checks what it does in a real browser)."""
    proc, port = start_server(tmp_path)
    try:
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
    finally:
        stop(proc)
    script = page[page.rindex("<script>") : page.rindex("</body>")]
    assert "xterm-helper-textarea" in script and "-first-byte" in script and "stopImmediatePropagation" in script


async def test_app_told_blurred_before_its_first_focus_focuses_home_on_the_first_key(make_app) -> None:
    """textual-serve tells the app "blurred" as it starts, before the home
    table took focus: the first key (or the page's focus) must give the
    table focus, or arrows and Enter do nothing until Tab."""
    from textual import events

    from cadence_tui.ui.widgets.cadence_table import CadenceTable

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one("#cadence-table", CadenceTable)
        # What the web driver's start leaves: unfocused, nothing to restore.
        app.app_focus = False
        app.screen.set_focus(None)
        app._last_focused_on_app_blur = None
        await pilot.pause()
        assert app.screen.focused is None
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.screen.focused is table
        await pilot.press("down")
        assert table.cursor_row == 1
        # Blurred again with the table focused, a key brings it back too.
        app.post_message(events.AppBlur())
        await pilot.pause()
        app._last_focused_on_app_blur = None
        await pilot.press("down")
        assert app.screen.focused is table and table.cursor_row == 2
