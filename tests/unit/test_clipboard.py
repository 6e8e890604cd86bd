"""The clipboard chain: system clipboard (real, under Xvfb, and a recorder),
the OSC 52 fallback with the user told, and saving to a file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyperclip
import pytest

from cadence_tui.integrations import clipboard
from cadence_tui.integrations.clipboard import (
    copy_text,
    default_save_dir,
    osc52_sequence,
    save_text,
    terminal_osc52_writer,
)

SAMPLE = "Sprint Review — Wed 25 Nov 2026\n• Ship it 🚀 — *Priya*\nשלום\n"


class Recorder:
    """Stands in for pyperclip's copy/paste; named like pyperclip's xclip backend."""

    def __init__(self, keeps: bool = True) -> None:
        self.copied: list[str] = []
        self.keeps = keeps

        def copy_xclip(text: str) -> None:
            self.copied.append(text)

        self.copy = copy_xclip

    def paste(self) -> str:
        return self.copied[-1] if self.copied and self.keeps else ""


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(pyperclip, "copy", rec.copy)
    monkeypatch.setattr(pyperclip, "paste", rec.paste)
    return rec


@pytest.fixture
def no_pyperclip(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyperclip's own no-clipboard mode, undone after the test."""
    monkeypatch.setattr(pyperclip, "copy", pyperclip.copy)
    monkeypatch.setattr(pyperclip, "paste", pyperclip.paste)
    pyperclip.set_clipboard("no")


# -- system clipboard ------------------------------------------------------------------
def test_recorder_takes_the_text_and_the_route_is_named(recorder: Recorder) -> None:
    osc: list[str] = []
    result = copy_text(SAMPLE, osc52=osc.append)
    assert result.route == "system" and result.mechanism == "xclip"
    assert result.message == "Copied to the system clipboard (xclip)"
    assert recorder.copied == [SAMPLE] and osc == []


@pytest.mark.skipif(not (shutil.which("xvfb-run") and shutil.which("xclip")), reason="needs xvfb-run and xclip")
def test_real_clipboard_round_trip_under_xvfb(tmp_path: Path) -> None:
    """A real X clipboard: copy through the chain, read back with xclip -o.
    stdout is a pipe here, so this also shows xclip does not hold it open."""
    script = tmp_path / "clipboard_round_trip.py"
    script.write_text(
        "import json, subprocess, sys\n"
        "from cadence_tui.integrations.clipboard import copy_text\n"
        f"text = {SAMPLE!r}\n"
        "result = copy_text(text)\n"
        "pasted = subprocess.run(['xclip', '-selection', 'clipboard', '-o'], capture_output=True).stdout.decode()\n"
        "print(json.dumps({'route': result.route, 'message': result.message, 'pasted': pasted}))\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    started = time.monotonic()
    proc = subprocess.run(
        ["xvfb-run", "-a", sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env
    )
    if proc.returncode != 0 and "xvfb" in proc.stderr.lower():
        pytest.skip(f"Xvfb did not start: {proc.stderr.strip()[:200]}")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["route"] == "system" and out["message"] == "Copied to the system clipboard (xclip)"
    assert out["pasted"] == SAMPLE
    assert time.monotonic() - started < 30


# -- fallbacks ---------------------------------------------------------------------------
def test_no_clipboard_falls_back_to_osc52_and_says_so(no_pyperclip: None) -> None:
    osc: list[str] = []
    result = copy_text(SAMPLE, osc52=osc.append)
    assert osc == [SAMPLE]
    assert result.route == "osc52"
    assert result.message == "Sent to the terminal clipboard (OSC 52) — your terminal must allow it"


def test_stale_display_is_not_claimed_as_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """copy() returns normally but nothing reached the clipboard (xclip failed)."""
    rec = Recorder(keeps=False)
    monkeypatch.setattr(pyperclip, "copy", rec.copy)
    monkeypatch.setattr(pyperclip, "paste", rec.paste)
    osc: list[str] = []
    result = copy_text(SAMPLE, osc52=osc.append)
    assert result.route == "osc52" and osc == [SAMPLE]


def test_a_hanging_clipboard_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def copy_xclip(text: str) -> None:
        time.sleep(3)

    monkeypatch.setattr(pyperclip, "copy", copy_xclip)
    osc: list[str] = []
    started = time.monotonic()
    result = copy_text(SAMPLE, osc52=osc.append, timeout=0.2)
    assert time.monotonic() - started < 2
    assert result.route == "osc52" and osc == [SAMPLE]


def test_nowhere_to_copy(no_pyperclip: None) -> None:
    result = copy_text(SAMPLE)
    assert not result.ok and result.route == "none"
    assert result.message == "No system clipboard here"


def test_large_osc52_copy_warns(no_pyperclip: None) -> None:
    result = copy_text("x" * 20_000, osc52=lambda _t: None)
    assert result.route == "osc52" and "save it to a file" in result.message


def test_browser_session_skips_the_servers_clipboard(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    osc: list[str] = []
    result = copy_text(SAMPLE, osc52=osc.append)
    assert recorder.copied == [] and result.route == "osc52" and osc == [SAMPLE]


def test_cli_writes_osc52_only_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert terminal_osc52_writer() is None
    master, slave = os.openpty()
    try:
        tty = os.fdopen(slave, "w", encoding="utf-8")
        monkeypatch.setattr(sys, "stderr", tty)
        write = terminal_osc52_writer()
        assert write is not None
        write("héllo")
        received = os.read(master, 1000).decode()
        assert received == osc52_sequence("héllo") == "\x1b]52;c;aMOpbGxv\x07"
    finally:
        tty.close()
        os.close(master)


def test_quiet_pipes_restores_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    with clipboard._quiet_pipes():
        os.write(1, b"swallowed\n")
    os.write(1, b"visible\n")
    out, _err = capfd.readouterr()
    assert out == "visible\n"


# -- files --------------------------------------------------------------------------------
def test_save_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "summary.md"
    result = save_text(target, SAMPLE)
    assert result.route == "file" and result.message == f"Saved to {target}" and result.path == target
    assert target.read_text(encoding="utf-8") == SAMPLE
    with pytest.raises(FileExistsError):
        save_text(target, "other")
    assert target.read_text(encoding="utf-8") == SAMPLE
    save_text(target, "other", overwrite=True)
    assert target.read_text(encoding="utf-8") == "other"
    assert [p.name for p in target.parent.iterdir()] == ["summary.md"]  # no temporary left behind
    with pytest.raises(IsADirectoryError):
        save_text(tmp_path, "x")


def test_default_save_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    assert default_save_dir() == tmp_path
    (tmp_path / "Documents").mkdir()
    assert default_save_dir() == tmp_path / "Documents"
