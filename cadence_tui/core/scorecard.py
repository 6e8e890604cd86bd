"""The shared-metric scorecard as domain objects: metrics, their values and
one scorecard line each, with the sparkline and number formats the screens and
summaries share. Plain dataclasses and pure helpers: no SQL, no Textual.

Kept apart from the rest of the playbook (``playbook.py``) because the home
screen's first frame needs the scorecard only."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

DIRECTIONS = ("higher", "lower")
# Focus: a scorecard is read at a glance; past this many metrics it stops being one.
FOCUS_LIMIT = 3
SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 12
# Past this size a number is shown as 1.7e+308 rather than with every digit.
PLAIN_LIMIT = 1e15


# SQL: the column holds a finite number (text and blobs sort above numbers, and
# infinity lies outside the doubles' range), e.g. FINITE_SQL.format("value").
FINITE_SQL = "{0} BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308"


def stored_number(value: object) -> float | None:
    """A number read from the database, or None when it is not a finite number.

    Input is checked where it is typed, but another tool can write anything:
    SQLite keeps text it cannot read as a number as text, 1e999 as infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def difference(after: float | None, before: float | None) -> float | None:
    """``after - before``, or None when either is missing or it overflows."""
    if after is None or before is None:
        return None
    change = after - before
    return change if math.isfinite(change) else None


@dataclass(frozen=True)
class Metric:
    """A number the company tracks, with its owner, unit and target."""

    id: int
    key: str
    name: str
    unit: str
    owner: str
    target: float | None
    direction: str
    cadence_keys: tuple[str, ...]
    description: str = ""
    archived: bool = False

    def on_target(self, value: float) -> bool:
        """Whether ``value`` meets the target (always True without a target)."""
        if self.target is None:
            return True
        return value >= self.target if self.direction == "higher" else value <= self.target

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "unit": self.unit,
            "owner": self.owner,
            "target": self.target,
            "direction": self.direction,
            "cadences": list(self.cadence_keys),
            "description": self.description,
            "archived": self.archived,
        }


@dataclass(frozen=True)
class MetricValue:
    """One recorded value of a metric, on a date (in a meeting, or not)."""

    id: int
    metric_key: str
    value: float
    recorded_on: date
    meeting_id: int | None


@dataclass(frozen=True)
class ScorecardRow:
    """One scorecard line: the last value against target and the recent trend."""

    metric: Metric
    values: tuple[float, ...]  # oldest first, at most SPARK_POINTS
    last_on: date | None = None

    @property
    def last(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def previous(self) -> float | None:
        return self.values[-2] if len(self.values) > 1 else None

    @property
    def change(self) -> float | None:
        return difference(self.last, self.previous)

    @property
    def off_target(self) -> bool:
        return self.last is not None and not self.metric.on_target(self.last)

    @property
    def improving(self) -> bool | None:
        """Whether the last change went the good way (None: no change to judge)."""
        if not self.change:
            return None
        return (self.change > 0) == (self.metric.direction == "higher")

    @property
    def sparkline(self) -> str:
        return sparkline(self.values)

    def to_json(self) -> dict:
        return {
            **self.metric.to_json(),
            "last": self.last,
            "last_on": self.last_on.isoformat() if self.last_on else None,
            "previous": self.previous,
            "change": self.change,
            "off_target": self.off_target,
            "trend": list(self.values),
        }


def sparkline(values: tuple[float, ...] | list[float], width: int = SPARK_POINTS) -> str:
    """``▁▃▅█``: each value scaled between the minimum and the maximum shown."""
    shown = list(values)[-width:]
    if not shown:
        return ""
    shown = [v for v in shown if math.isfinite(v)]
    if not shown:
        return ""
    # Halved, so that the span of two huge values of opposite sign stays finite.
    low, high = min(shown) / 2, max(shown) / 2
    if high == low:
        return SPARK_CHARS[3] * len(shown)
    top = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[round((v / 2 - low) / (high - low) * top)] for v in shown)


def format_number(value: float | None, unit: str = "") -> str:
    """``1234.5`` → ``1,234.5 USD``; whole numbers without decimals."""
    if value is None:
        return "—"
    value = float(value)
    if math.isnan(value):
        text = "?"
    elif math.isinf(value):
        text = "∞" if value > 0 else "−∞"
    elif abs(value) >= PLAIN_LIMIT:
        text = f"{value:.3g}"
    else:
        text = f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return f"{text} {unit}".strip() if unit else text


def format_change(change: float | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return "±0"
    sign = "+" if change > 0 else "−"
    return sign + format_number(abs(change))
