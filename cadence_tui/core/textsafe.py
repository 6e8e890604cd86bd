"""Make user-typed text safe to store and show.

Terminal escape sequences (CSI, OSC, ...) and other control characters are
removed; newlines and tabs are kept only where a field allows several lines.
"""

from __future__ import annotations

import re

# The patterns are strings: ``re`` compiles each on its first use (and keeps
# it), so importing this module, on the app's start-up path, compiles none.

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST),
# DCS/SOS/PM/APC (ESC P/X/^/_ ... ST) and two-character escapes.
_ESCAPE_SEQ = r"""(?x)
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, ended by BEL or ST
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?       # DCS, SOS, PM, APC
  | \x1b[@-Z\\-_]                       # 2-byte Fe escapes
  | \x9b[0-?]*[ -/]*[@-~]              # 8-bit CSI
    """
# C0 controls except \t \n, DEL, C1 controls. Bidi overrides are kept in
# stored text (right-to-left text is legitimate) and removed where it is shown.
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
_CONTROL_SINGLE_LINE = r"[\x00-\x1f\x7f-\x9f]"
# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) can
# make a line display reversed ("Trojan source"); plain right-to-left text
# needs none of them.
BIDI_CONTROLS = "[\u202a-\u202e\u2066-\u2069]"
# What the TUI guard removes: characters a terminal acts on or that reorder a
# line, all of zero cell width, so removing them never changes a layout.
_UNSHOWABLE = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def strip_control(text: str, *, multiline: bool = False) -> str:
    """Remove escape sequences and control characters.

    With ``multiline`` newlines and tabs survive (``\\r\\n`` becomes ``\\n``);
    otherwise every line break or tab becomes a single space.
    """
    text = re.sub(_ESCAPE_SEQ, "", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return re.sub(_CONTROL, "", text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    return re.sub(_CONTROL_SINGLE_LINE, "", text)


def clean_line(text: str, *, max_length: int | None = None) -> str:
    """A single-line field: control characters removed, whitespace trimmed."""
    cleaned = strip_control(text).strip()
    if max_length is not None and len(cleaned) > max_length:
        raise ValueError(f"is too long ({len(cleaned):,} characters; at most {max_length:,})")
    return cleaned


def terminal_safe(text: str, *, multiline: bool = False) -> str:
    """User text as printed to a terminal (CLI tables, messages, digests):
    no escape sequence, control character or bidi override survives.

    With ``multiline`` newlines and tabs are kept; otherwise they become spaces.
    Printable text (the usual case) is returned as it is.
    """
    text = "" if text is None else str(text)
    if text.isprintable():
        return text
    return re.sub(BIDI_CONTROLS, "", strip_control(text, multiline=multiline))


def excerpt(text: str, limit: int = 120) -> str:
    """A short single-line, terminal-safe excerpt of untrusted text (a server's
    reply, a path): whitespace runs collapsed, cut with "…" past ``limit``."""
    text = " ".join(terminal_safe(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def drop_unshowable(text: str) -> str:
    """Remove the zero-width characters a terminal would act on (C0/C1
    controls, ESC included, and bidi overrides) and nothing else.

    The cell width is unchanged, so a line already laid out stays aligned;
    what was an escape sequence shows as the harmless text after its ESC.
    The app's last line of defence (see ``widgets.safe_render``).
    """
    return text if text.isprintable() else re.sub(_UNSHOWABLE, "", text)


def show_controls(text: str) -> str:
    """Untrusted text in a one-line message (a path, a file name): every
    control character and bidi override shown as its escape (``\\x1b``,
    ``\\n``, ``\\u202e``) instead of acting on the terminal, so the user can
    still tell exactly which file is meant."""
    text = "" if text is None else str(text)
    if text.isprintable():
        return text
    return re.sub(_UNSHOWABLE, _escaped, text)


def _escaped(match: re.Match[str]) -> str:
    ch = match.group()
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch) or (
        f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    )
