"""The meeting screen's title line: cadence, occurrence, start and timebox.

A narrow terminal gets a shorter wording, never a phrase cut in the middle:
the longest form that fits is shown, down to the cadence name alone.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static


def title_forms(
    name: str, occurrence: datetime | None, started: datetime, timebox_min: int
) -> list[list[tuple[str, str]]]:
    """The title's wordings, longest first, as (text, style) pieces."""
    started_day = f"{started:%a %d %b %H:%M}"
    started_time = f"{started:%H:%M}"
    if occurrence is not None and occurrence.date() == started.date():
        started_day = started_time  # the occurrence already names the day
    forms: list[list[tuple[str, str]]] = []
    if occurrence is not None:
        when = f"{occurrence:%a %d %b %H:%M}"
        forms += [
            [(name, "bold"), (f"  for {when} · started {started_day} · timebox {timebox_min} min", "dim")],
            [(name, "bold"), (f"  for {when} · started {started_time} · {timebox_min} min", "dim")],
            [(name, "bold"), (f"  {when} · {timebox_min} min", "dim")],
            [(name, "bold"), (f"  {occurrence:%a %d %b}", "dim")],
        ]
    else:
        forms += [
            [(name, "bold"), (f"  started {started_day} · timebox {timebox_min} min", "dim")],
            [(name, "bold"), (f"  started {started_time} · {timebox_min} min", "dim")],
        ]
    forms.append([(name, "bold")])
    return forms


def fit_title(forms: list[list[tuple[str, str]]], width: int) -> Text:
    """The first form that fits ``width`` cells (the last one, cut with "…", if none does)."""
    for pieces in forms:
        text = Text.assemble(*pieces)
        if text.cell_len <= width:
            return text
    text = Text.assemble(*forms[-1])
    text.truncate(max(1, width), overflow="ellipsis")
    return text


class MeetingTitle(Static):
    """Shows :func:`title_forms` at the widest wording that fits."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._forms: list[list[tuple[str, str]]] = []

    def show(self, name: str, occurrence: datetime | None, started: datetime, timebox_min: int) -> None:
        self._forms = title_forms(name, occurrence, started, timebox_min)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        if self._forms:
            self.update(fit_title(self._forms, self.content_size.width or 80))
