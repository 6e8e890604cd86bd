"""What the home screen shows, read in one go off the UI thread.

:func:`read_home` gathers everything home paints — the cadences' overview,
each one's next occurrence and agenda template, the scorecard — so the
screen changes widgets from a finished :class:`HomeSnapshot` and never runs
a query itself. No Textual here: ``cadence`` (launch.py) starts
:func:`prefetch_home` in a thread as soon as the store is open, so the read
overlaps the ~0.1 s of importing Textual and the home screen's first frame
already has its rows.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cadence_tui.core.model import AgendaTemplateItem, CadenceOverview, Topic
    from cadence_tui.core.scorecard import ScorecardRow


@dataclass(frozen=True)
class HomeSnapshot:
    """Home's data at ``now``: rows in display order, the rest by cadence id."""

    now: datetime
    rows: list[CadenceOverview]
    next: dict[int, datetime | None]
    templates: dict[int, list[AgendaTemplateItem]]
    topics: dict[int, list[Topic]]  # the topics waiting for each cadence's next meeting
    scorecard: list[ScorecardRow]
    focus_warning: str | None


def read_home(store: Any) -> HomeSnapshot:
    """Read everything the home screen shows (run it in a thread)."""
    now = store.now()
    rows = store.cadences.overview()
    return HomeSnapshot(
        now=now,
        rows=rows,
        next={r.cadence.id: store.cadences.next_occurrence(r.cadence, now) for r in rows},
        templates={r.cadence.id: store.cadences.agenda_template(r.cadence.id) for r in rows},
        topics={r.cadence.id: store.topics.waiting_topics(r.cadence.key) for r in rows if r.waiting_topics},
        scorecard=store.scorecard.scorecard(None),
        focus_warning=store.scorecard.focus_warning(),
    )


def prefetch_home(store: Any) -> Future[HomeSnapshot]:
    """Start :func:`read_home` in a thread now; the home screen takes the result."""
    future: Future[HomeSnapshot] = Future()

    def run() -> None:
        try:
            future.set_result(read_home(store))
        except BaseException as exc:  # handed to the screen, which reports it
            future.set_exception(exc)

    threading.Thread(target=run, name="cadence-home", daemon=True).start()
    return future
