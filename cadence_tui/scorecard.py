"""The shared-metric scorecard as domain objects: metrics, their values and
one scorecard line each, with the sparkline and number formats the screens and
summaries share. Plain dataclasses and pure helpers: no SQL, no Textual.

Kept apart from the rest of the playbook (``playbook.py``) because the home
screen's first frame needs the scorecard only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DIRECTIONS = ("higher", "lower")
# Focus: a scorecard is read at a glance; past this many metrics it stops being one.
FOCUS_LIMIT = 3
SPARK_CHARS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 12


@dataclass(frozen=True)
class Metric:
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
        if self.last is None or self.previous is None:
            return None
        return self.last - self.previous

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
    low, high = min(shown), max(shown)
    if high == low:
        return SPARK_CHARS[3] * len(shown)
    top = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[round((v - low) / (high - low) * top)] for v in shown)


def format_number(value: float | None, unit: str = "") -> str:
    """``1234.5`` → ``1,234.5 USD``; whole numbers without decimals."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {unit}".strip() if unit else text


def format_change(change: float | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return "±0"
    sign = "+" if change > 0 else "−"
    return sign + format_number(abs(change))
