"""Make user-typed text safe to store and show.

Terminal escape sequences (CSI, OSC, ...) and other control characters are
removed; newlines and tabs are kept only where a field allows several lines.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST),
# DCS/SOS/PM/APC (ESC P/X/^/_ ... ST) and two-character escapes.
_ESCAPE_SEQ = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, ended by BEL or ST
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?       # DCS, SOS, PM, APC
  | \x1b[@-Z\\-_]                       # 2-byte Fe escapes
  | \x9b[0-?]*[ -/]*[@-~]              # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 controls except \t \n, DEL, C1 controls; plus bidi overrides are kept
# (right-to-left text is legitimate).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def strip_control(text: str, *, multiline: bool = False) -> str:
    """Remove escape sequences and control characters.

    With ``multiline`` newlines and tabs survive (``\\r\\n`` becomes ``\\n``);
    otherwise every line break or tab becomes a single space.
    """
    text = _ESCAPE_SEQ.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _CONTROL.sub("", text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    return _CONTROL_SINGLE_LINE.sub("", text)


def clean_line(text: str, *, max_length: int | None = None) -> str:
    """A single-line field: control characters removed, whitespace trimmed."""
    cleaned = strip_control(text).strip()
    if max_length is not None and len(cleaned) > max_length:
        raise ValueError(f"is too long ({len(cleaned):,} characters; at most {max_length:,})")
    return cleaned
