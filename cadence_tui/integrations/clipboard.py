"""The one place that copies text, and says where it went.

The chain: the system clipboard through pyperclip (xclip, xsel, wl-copy,
pbcopy, Windows); where there is none, the terminal's clipboard through an
OSC 52 escape (the app passes ``App.copy_to_clipboard``; the CLI writes it to
its own terminal); saving to a file always works. Every route returns a
:class:`CopyResult` whose ``message`` is what the user should be told.

Traps this module guards against (see PITFALLS.md): pyperclip raises
``PyperclipException`` without a display; with a stale ``DISPLAY`` xclip fails
while ``copy()`` returns normally, so a copy counts only if reading the
clipboard back gives the text; xclip's background process inherits stdout
and would keep a pipe open (``cadence summary --copy | cat`` never ends), so
pipes are swapped for /dev/null during the copy; and a copy that hangs is
given up after a timeout. Under textual-serve the system clipboard is the
server's, not the viewer's, so it is skipped there.

pyperclip is imported lazily; Textual never.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

COPY_TIMEOUT_S = 3.0
# Some terminals silently drop OSC 52 copies above a few KB.
OSC52_SAFE_BYTES = 8_000

# pyperclip's copy functions are named after their mechanism.
_MECHANISMS = {
    "copy_xclip": "xclip",
    "copy_xsel": "xsel",
    "copy_wl": "wl-copy",
    "copy_osx_pbcopy": "pbcopy",
    "copy_osx_pyobjc": "macOS pasteboard",
    "copy_qt": "Qt",
    "copy_klipper": "Klipper",
    "copy_windows": "Windows clipboard",
    "copy_wsl": "clip.exe",
    "copy_dev_clipboard": "/dev/clipboard",
}


@dataclass(frozen=True)
class CopyResult:
    """Where the text went: ``system``, ``osc52``, ``file`` or ``none``."""

    route: str
    message: str
    mechanism: str = ""
    path: Path | None = None

    @property
    def ok(self) -> bool:
        return self.route != "none"


def under_web_driver() -> bool:
    """True inside ``textual-serve``: the viewer is in a browser elsewhere."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "").lower()


@contextlib.contextmanager
def _quiet_pipes() -> Iterator[None]:
    """Give child processes /dev/null instead of our stdout/stderr where those
    are pipes or files: xclip's background process would otherwise hold a
    pipeline open. A terminal is left alone (the app is drawing on it)."""
    saved: list[tuple[int, int]] = []
    devnull = -1
    try:
        for fd in (1, 2):
            try:
                if os.isatty(fd):
                    continue
            except OSError:
                continue
            if devnull < 0:
                devnull = os.open(os.devnull, os.O_WRONLY)
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            saved.append((fd, os.dup(fd)))
            os.dup2(devnull, fd)
    except OSError:
        pass
    try:
        yield
    finally:
        for fd, copy in saved:
            with contextlib.suppress(OSError):
                os.dup2(copy, fd)
                os.close(copy)
        if devnull >= 0:
            os.close(devnull)


def _same_text(a: str, b: str) -> bool:
    norm = lambda s: s.replace("\r\n", "\n").rstrip("\n")  # noqa: E731
    return norm(a) == norm(b)


def copy_to_system(text: str, *, timeout: float = COPY_TIMEOUT_S) -> CopyResult:
    """Copy with pyperclip and check it by reading the clipboard back."""
    if under_web_driver():
        return CopyResult("none", "No system clipboard in a browser session")
    try:
        import pyperclip
    except ImportError:  # pragma: no cover - a declared dependency
        return CopyResult("none", "pyperclip is not installed")

    outcome: dict[str, object] = {}

    def attempt() -> None:
        try:
            with _quiet_pipes():
                pyperclip.copy(text)
                outcome["mechanism"] = _MECHANISMS.get(getattr(pyperclip.copy, "__name__", ""), "")
                outcome["pasted"] = pyperclip.paste()
        except Exception as exc:  # PyperclipException, OSError, anything a backend raises
            outcome["error"] = exc

    worker = threading.Thread(target=attempt, name="clipboard-copy", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return CopyResult("none", f"The system clipboard did not answer within {timeout:g} s")
    if "error" in outcome:
        return CopyResult("none", "No system clipboard here")
    mechanism = str(outcome.get("mechanism") or "")
    pasted = outcome.get("pasted")
    if not isinstance(pasted, str) or not _same_text(pasted, text):
        # e.g. a stale DISPLAY: xclip failed but pyperclip did not notice.
        return CopyResult(
            "none", f"The system clipboard{f' ({mechanism})' if mechanism else ''} did not take the text", mechanism
        )
    where = f" ({mechanism})" if mechanism else ""
    return CopyResult("system", f"Copied to the system clipboard{where}", mechanism)


def osc52_sequence(text: str) -> str:
    return f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"


def _osc52_message(text: str) -> str:
    message = "Sent to the terminal clipboard (OSC 52) — your terminal must allow it"
    if len(text.encode("utf-8")) > OSC52_SAFE_BYTES:
        message += "; some terminals drop a copy this large, so save it to a file if the paste is empty"
    return message


def copy_text(
    text: str,
    *,
    osc52: Callable[[str], None] | None = None,
    use_system: bool = True,
    timeout: float = COPY_TIMEOUT_S,
) -> CopyResult:
    """Copy ``text``: the system clipboard first, else ``osc52`` (the app's
    ``copy_to_clipboard``). Never raises; the result says what happened."""
    system = copy_to_system(text, timeout=timeout) if use_system else None
    if system is not None and system.ok:
        return system
    if osc52 is not None:
        try:
            osc52(text)
        except Exception as exc:  # a driver that cannot write
            return CopyResult("none", f"Could not copy: {exc}")
        return CopyResult("osc52", _osc52_message(text))
    reason = system.message if system is not None else "Copying is off"
    return CopyResult("none", reason)


def terminal_osc52_writer() -> Callable[[str], None] | None:
    """For the CLI: a function writing OSC 52 to our terminal, or None when
    neither stderr nor stdout is one (the sequence would land in a file)."""
    for stream in (sys.stderr, sys.stdout):
        try:
            if stream is not None and stream.isatty():
                target = stream

                def write(text: str, target=target) -> None:
                    target.write(osc52_sequence(text))
                    target.flush()

                return write
        except (AttributeError, ValueError, OSError):
            continue
    return None


# -- files ----------------------------------------------------------------------
def default_save_dir() -> Path:
    """The user's documents folder if it exists, else the home directory."""
    try:
        import platformdirs

        documents = Path(platformdirs.user_documents_dir())
        if documents.is_dir():
            return documents
    except Exception:
        pass
    return Path.home()


def save_text(
    path: Path | str,
    text: str,
    *,
    overwrite: bool = False,
    protect: Iterable[Path | str] = (),
    make_folders: bool = True,
) -> CopyResult:
    """Write ``text`` to ``path`` (UTF-8), never silently replacing a file.

    Raises ``FileExistsError`` if it exists and ``overwrite`` is false, and
    an ``OSError`` naming ``path`` for anything else (``atomic_write``: a
    temporary file renamed into place, so a failure never leaves half a
    summary behind; a device or FIFO written as a stream; ``protect``, the
    live database's files, refused).
    """
    from cadence_tui.integrations.atomic_write import write_file

    target = write_file(path, text, overwrite=overwrite, protect=protect, make_folders=make_folders)
    return CopyResult("file", f"Saved to {target}", path=target)
