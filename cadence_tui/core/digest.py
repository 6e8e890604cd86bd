"""A status digest: what changed across every cadence in a period, and who owes what.

Pure rendering in Markdown, Slack mrkdwn or plain text. User text is cleaned
and escaped with the summary's own helpers (:mod:`cadence_tui.core.summary`:
``clean``, ``md_escape``, ``slack_escape``, ``plain_escape``), so a digest
follows exactly the same escaping rules as a meeting summary: every user field,
a metric's unit included, is a user-text span. The store gathers the data
(:meth:`cadence_tui.store.digest.DigestStore.digest_data`); posting lives in
:mod:`cadence_tui.integrations.webhook`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from cadence_tui.core.scorecard import difference, format_change, format_number
from cadence_tui.core.summary import (
    FORMATS,
    Item,
    Layout,
    Section,
    Span,
    clean,
    write_markdown,
    write_slack,
    write_text,
)

SECTION_MAX = 25  # items listed per section before "… and N more"
OWNER_MAX = 10  # open items listed per owner


@dataclass(frozen=True)
class DigestAction:
    """An action item as a digest lists it: done or added in the period, or still owed."""

    id: int
    title: str
    owner: str
    cadence: str
    due: date | None
    status: str
    created_at: datetime
    closed_at: datetime | None = None


@dataclass(frozen=True)
class DigestBlocker:
    """A blocker raised or resolved in a digest's period, with its cadence and people."""

    id: int
    what: str
    raised_by: str
    unblocker: str
    cadence: str
    status: str
    escalated_to: str = ""


@dataclass(frozen=True)
class DigestDecision:
    """A decision taken in a meeting of the digest's period: its cadence and day."""

    cadence: str
    day: date
    text: str


@dataclass(frozen=True)
class MetricMove:
    """A scorecard metric that moved in the period: its latest value against the last one before it."""

    name: str
    unit: str
    before: float | None  # the last value before the period (None: first value ever)
    after: float
    target: float | None
    off_target: bool


@dataclass(frozen=True)
class DigestMeeting:
    """A meeting coming up in the next few days, listed at the end of a digest."""

    cadence: str
    start: datetime
    timebox_min: int


@dataclass
class DigestData:
    """Everything a digest shows for one period (or one owner's share of it), as the store gathered it."""

    start: date
    end: date
    today: date
    owner: str | None = None
    done: list[DigestAction] = field(default_factory=list)
    added: list[DigestAction] = field(default_factory=list)
    new_blockers: list[DigestBlocker] = field(default_factory=list)
    resolved_blockers: list[DigestBlocker] = field(default_factory=list)
    decisions: list[DigestDecision] = field(default_factory=list)
    metrics: list[MetricMove] = field(default_factory=list)
    upcoming: list[DigestMeeting] = field(default_factory=list)
    owes: dict[str, list[DigestAction]] = field(default_factory=dict)  # open items by owner

    @property
    def changed(self) -> bool:
        return any((self.done, self.added, self.new_blockers, self.resolved_blockers, self.decisions, self.metrics))


def _day(d: date, today: date) -> str:
    return f"{d:%a %d %b}" if d.year == today.year else f"{d:%a %d %b %Y}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _period(data: DigestData) -> str:
    start, end = data.start, data.end
    if start.year == end.year:
        return f"{start:%d %b} – {end:%d %b %Y}"
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def _capped(items: list[Item], total: int) -> list[Item]:
    if total > len(items):
        items = [*items, Item([("t", f"… and {total - len(items)} more")])]
    return items


def _action(a: DigestAction, today: date, *, show_owner: bool = True, show_due: bool = True) -> Item:
    spans: list[Span] = [("u", clean(a.title))]
    if show_owner:
        spans += [("t", " — "), ("u", clean(a.owner) or "no owner")]
    if show_due and a.due is not None:
        late = a.status == "open" and a.due < today
        spans += [("t", f" · due {_day(a.due, today)}" + (" (overdue)" if late else ""))]
    spans += [("t", " · "), ("u", clean(a.cadence))]
    return Item(spans)


def _blocker(b: DigestBlocker) -> Item:
    spans: list[Span] = [("u", clean(b.what)), ("t", " · "), ("u", clean(b.cadence))]
    if b.raised_by:
        spans += [("t", " · raised by "), ("u", clean(b.raised_by))]
    if b.unblocker:
        spans += [("t", " · unblocker "), ("u", clean(b.unblocker))]
    if b.escalated_to:
        spans += [("t", " · escalated to "), ("u", clean(b.escalated_to))]
    return Item(spans)


def _unit(unit: str) -> list[Span]:
    """A metric's unit is user text like its name: escaped by each writer."""
    unit = clean(unit)
    return [("t", " "), ("u", unit)] if unit else []


def _metric(m: MetricMove) -> Item:
    spans: list[Span] = [("ub", clean(m.name)), ("t", ": ")]
    if m.before is None:
        spans += [("t", f"first value {format_number(m.after)}"), *_unit(m.unit)]
    else:
        change = difference(m.after, m.before)
        spans += [
            ("t", f"{format_number(m.before)} → {format_number(m.after)}"),
            *_unit(m.unit),
            ("t", f" ({format_change(change)})" if change is not None else ""),
        ]
    if m.target is not None:
        spans.append(
            ("t", f" · target {format_number(m.target)}" + (" · OFF TARGET" if m.off_target else " · on target"))
        )
    return Item(spans)


def layout(data: DigestData) -> Layout:
    title: list[Span] = [("t", f"Cadence digest: {_period(data)}")]
    meta: list[tuple[str, list[Span]]] = []
    if data.owner:
        meta.append(("Owner", [("u", clean(data.owner))]))
    counts = (
        f"{len(data.done)} done, {len(data.added)} added, "
        f"{_n(len(data.new_blockers), 'new blocker')}, {len(data.resolved_blockers)} resolved, "
        f"{_n(len(data.decisions), 'decision')}"
    )
    meta.append(("Changes", [("t", counts if data.changed else "nothing changed in this period")]))
    sections: list[Section] = []

    def add(heading: str, items: list[Item], total: int | None = None) -> None:
        if items:
            sections.append(Section(heading, _capped(items, total if total is not None else len(items))))

    today = data.today
    add(
        f"Done ({len(data.done)})", [_action(a, today, show_due=False) for a in data.done[:SECTION_MAX]], len(data.done)
    )
    add(f"Added ({len(data.added)})", [_action(a, today) for a in data.added[:SECTION_MAX]], len(data.added))
    add(
        f"New blockers ({len(data.new_blockers)})",
        [_blocker(b) for b in data.new_blockers[:SECTION_MAX]],
        len(data.new_blockers),
    )
    add(
        f"Resolved blockers ({len(data.resolved_blockers)})",
        [_blocker(b) for b in data.resolved_blockers[:SECTION_MAX]],
        len(data.resolved_blockers),
    )
    add(
        f"Decisions ({len(data.decisions)})",
        [
            Item([("u", clean(d.text)), ("t", " · "), ("u", clean(d.cadence)), ("t", f", {_day(d.day, today)}")])
            for d in data.decisions[:SECTION_MAX]
        ],
        len(data.decisions),
    )
    add("Metrics that moved", [_metric(m) for m in data.metrics])
    add(
        "Upcoming meetings",
        [
            Item([("t", f"{m.start:%a %d %b %H:%M} "), ("u", clean(m.cadence)), ("t", f" ({m.timebox_min} min)")])
            for m in data.upcoming
        ],
    )
    owes: list[Item] = []
    for owner, items in data.owes.items():
        overdue = sum(1 for a in items if a.due is not None and a.due < today)
        head: list[Span] = [
            ("ub", clean(owner) or "No owner"),
            ("t", f" — {len(items)} open" + (f", {overdue} overdue" if overdue else "")),
        ]
        sub = [_action(a, today, show_owner=False).spans for a in items[:OWNER_MAX]]
        if len(items) > OWNER_MAX:
            sub.append([("t", f"… and {len(items) - OWNER_MAX} more")])
        owes.append(Item(head, sub))
    add("Who owes what", owes)
    return Layout(title, meta, sections)


def render_markdown(data: DigestData) -> str:
    return write_markdown(layout(data))


def render_slack(data: DigestData) -> str:
    return write_slack(layout(data))


def render_text(data: DigestData) -> str:
    return write_text(layout(data))


RENDERERS = {"markdown": render_markdown, "slack": render_slack, "text": render_text}


def render(data: DigestData, fmt: str = "markdown") -> str:
    """The digest in ``fmt`` (markdown | slack | text)."""
    try:
        return RENDERERS[fmt](data)
    except KeyError:
        raise ValueError(f"unknown digest format {fmt!r} (use one of {', '.join(FORMATS)})") from None
