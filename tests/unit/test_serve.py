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

from cadence_tui.cli_portability import served_command


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
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100&height=30") as ws:
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
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
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


def test_serve_refuses_a_bad_database_before_listening(tmp_path: Path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    result = subprocess.run(
        [sys.executable, "-m", "cadence_tui", "serve", "--db", str(bad), "--port", str(free_port())],
        capture_output=True, text=True, timeout=60,
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
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == ["plain,export"]
    env.update(COMP_WORDS="cadence export ", COMP_CWORD="2")
    result = subprocess.run(
        [sys.executable, "-c", "from cadence_tui.cli import main; main()"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == ["plain,ics", "plain,json"]


def test_serve_says_when_the_port_is_taken(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cadence_tui", "serve", "--db", str(tmp_path / "s.db"), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"cadence: error: cannot listen on 127.0.0.1 port {port}: Address already in use; choose another with --port"
    ]
