"""Checking what users type into the playbook's records (metrics, hand-offs,
fail-fast entries): one line of text, free text, keys and numbers. Each
failure is an ``InvalidInput`` that names the field."""

from __future__ import annotations

import math
import re

from cadence_tui.core.textsafe import clean_line, strip_control
from cadence_tui.store.errors import InvalidInput

KEY_RE = r"^[a-z0-9][a-z0-9-]{0,39}$"  # compiled by re on first use (not at start-up)
LINE_MAX = 200
TEXT_MAX = 2000
UNSET = object()  # "not given" in an update (None may mean "clear it")
# A metric value or target beyond this is a typo (or an attack), not a figure:
# the difference of two such values, their sums and the scorecard's bars must
# stay finite and printable.
NUMBER_LIMIT = 1e15


def line_field(value: str, what: str, *, required: bool = False, max_length: int = LINE_MAX) -> str:
    try:
        cleaned = clean_line(value, max_length=max_length)
    except ValueError as exc:
        raise InvalidInput(f"the {what} {exc}") from None
    if required and not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    return cleaned


def text_field(value: str, what: str, *, required: bool = False) -> str:
    cleaned = strip_control(value, multiline=True).strip()
    if required and not cleaned:
        raise InvalidInput(f"the {what} cannot be empty")
    if len(cleaned) > TEXT_MAX:
        raise InvalidInput(f"the {what} is too long ({len(cleaned):,} characters; at most {TEXT_MAX:,})")
    return cleaned


def key_field(value: str, what: str) -> str:
    key = value.strip().lower()
    if not re.match(KEY_RE, key):
        raise InvalidInput(f"the {what} key {value!r} must be 1–40 lowercase letters, digits or dashes (e.g. 'cac')")
    return key


def parse_number(value: str | float | int, what: str = "value") -> float:
    """A metric value or target typed by a user: ``1200``, ``1,200.5``, ``-3``, ``12%``."""
    if isinstance(value, bool):
        raise InvalidInput(f"the {what} must be a number")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int past float range
            number = math.inf
    else:
        text = strip_control(value).strip().replace(",", "").replace("_", "").rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise InvalidInput(f"the {what} must be a number (e.g. 1200 or 12.5), not {value!r}") from None
    if not math.isfinite(number):
        raise InvalidInput(f"the {what} must be a finite number, at most {NUMBER_LIMIT:,.0f} in size")
    if abs(number) > NUMBER_LIMIT:
        raise InvalidInput(f"the {what} is too large: at most {NUMBER_LIMIT:,.0f} in size (got {number:.3g})")
    return number
