"""What the cadence kinds' panels share: parsing what people type (amounts,
counts, percentages, ratings), changes and trends, and money as shown.

Pure: no SQL, no Textual. Each kind's own shapes and arithmetic are in its
module of cadence_tui/kinds/ (demos: sprint, funnel: pipeline, budget:
finance, wins and health check: all_hands).
"""

from __future__ import annotations

import math
import re

AMOUNT_MAX = 1e15
COUNT_MAX = 1_000_000_000


# -- parsing what people type ---------------------------------------------------
_AMOUNT = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)([km]?)$")


def parse_amount(text: str, *, allow_negative: bool = False) -> float:
    """``"12,500"``, ``"12 500.50"``, ``"$12.5k"``, ``"1.2m"`` → a number.

    Raises ``ValueError`` with a message fit for the field.
    """
    raw = re.sub(r"[\s,_'’]", "", str(text)).lower()
    raw = raw.lstrip("$€£¥")
    if not raw:
        raise ValueError("enter an amount, e.g. 12500 or 12.5k")
    m = _AMOUNT.match(raw)
    if not m or len(raw) > 24:
        raise ValueError(f"{_shown(text)!r} is not an amount; use digits, e.g. 12500 or 12.5k")
    sign, digits, suffix = m.groups()
    value = float(digits) * {"": 1, "k": 1e3, "m": 1e6}[suffix]
    if sign == "-":
        value = -value
    if value < 0 and not allow_negative:
        raise ValueError("the amount cannot be negative")
    if not math.isfinite(value) or abs(value) > AMOUNT_MAX:
        raise ValueError("the amount is too large")
    return value


def parse_count(text: str) -> int:
    """A whole, non-negative number: ``"1,200"`` → 1200."""
    raw = re.sub(r"[\s,_'’]", "", str(text))
    if not raw:
        raise ValueError("enter a number")
    if not raw.isdigit() or not raw.isascii():
        raise ValueError(f"{_shown(text)!r} is not a whole number")
    value = int(raw)
    if value > COUNT_MAX:
        raise ValueError("the number is too large")
    return value


def parse_percent(text: str) -> float:
    """A threshold in percent: ``"10"``, ``"12.5 %"``; above 0, at most 1000."""
    raw = str(text).strip().rstrip("%").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{_shown(text)!r} is not a percentage; e.g. 10 or 12.5") from None
    if not math.isfinite(value) or value <= 0 or value > 1000:
        raise ValueError("the threshold must be above 0 and at most 1000 %")
    return value


def parse_rating(text: str) -> int:
    raw = str(text).strip()
    if raw not in ("1", "2", "3", "4", "5"):
        raise ValueError("rate from 1 (poor) to 5 (great)")
    return int(raw)


def _shown(text: object) -> str:
    from cadence_tui.core.textsafe import strip_control

    shown = strip_control(str(text)).strip()
    return shown if len(shown) <= 20 else shown[:19] + "…"


# -- arithmetic -------------------------------------------------------------------
def rate(numerator: int | None, denominator: int | None) -> float | None:
    """``numerator / denominator`` in %, or None when it cannot be computed."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100.0


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """Difference to the previous value, absolute and in %."""
    if current is None or previous is None:
        return None, None
    delta = current - previous
    return delta, (delta / previous * 100.0 if previous else None)


def trend(current: float | None, previous: float | None) -> str:
    """``up``, ``down``, ``same``, ``new`` (no earlier value) or ``none``."""
    if current is None:
        return "none"
    if previous is None:
        return "new"
    if current > previous:
        return "up"
    if current < previous:
        return "down"
    return "same"


TREND_ARROWS = {"up": "▲", "down": "▼", "same": "=", "new": "new", "none": ""}


def money(value: float) -> str:
    """``12500.0`` → ``12,500``; cents shown only when there are some."""
    return f"{value:,.2f}" if value != round(value) else f"{value:,.0f}"


def compact_money(value: float) -> str:
    """At most 7 characters: ``9,999``, ``420.5k``, ``1.25m``, ``-12.3k``."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v < 10_000:
        return f"{sign}{v:,.0f}"
    if v < 1_000_000:
        return f"{sign}{v / 1e3:.1f}k" if v < 100_000 else f"{sign}{v / 1e3:.0f}k"
    if v < 1e9:
        return f"{sign}{v / 1e6:.2f}m" if v < 1e8 else f"{sign}{v / 1e6:.0f}m"
    return f"{sign}{v / 1e9:.1f}bn"


def signed(value: float, *, pct: bool = False) -> str:
    text = f"{value:+,.1f} %" if pct else ("+" if value > 0 else "-" if value < 0 else "±") + money(abs(value))
    return text


# -- shapes -----------------------------------------------------------------------
