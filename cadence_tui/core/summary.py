"""A meeting's summary in Markdown, Slack mrkdwn or plain text.

The summary is what most people will ever see of a meeting, so it is short:
who was there, how long it took, what was decided, who does what by when,
what blocks whom, and the cadence's own part. Empty sections are left out.

The content is laid out once (:func:`layout`) as sections of spans that are
either our own text or user text; each writer escapes user text for its
target, so a title can never break the document, ping a channel, or carry a
terminal escape sequence. No Textual, no clipboard here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from cadence_tui.core.meeting_record import ActionLine, AgendaOutcome, BlockerLine, MeetingRecord
from cadence_tui.core.textsafe import BIDI_CONTROLS, strip_control
from cadence_tui.core.wording import counted
from cadence_tui.kinds import all_hands, finance, pipeline, sprint

FORMATS = ("markdown", "slack", "text")
FILE_EXTENSIONS = {"markdown": "md", "slack": "txt", "text": "txt"}
FORMAT_LABELS = {"markdown": "Markdown", "slack": "Slack", "text": "Plain text"}

LINE_MAX = 1000  # a single-line field longer than this is cut with "…"
BLOCK_MAX = 5000  # notes and other multi-line text
TEXT_WIDTH = 72  # plain text is wrapped for email
# Carried-over items and open blockers listed, oldest due date first; a
# neglected cadence can have hundreds, and a summary is read in a minute.
CARRIED_SHOWN = 25
FLAG = "⚑"  # a budget line beyond the variance threshold (as in the meeting's panel)


# -- user text: cleaning, shared by every format ---------------------------------
# Bidi embeddings/overrides/isolates (textsafe.BIDI_CONTROLS) can make a line
# display reversed ("Trojan source"); plain right-to-left text needs none.
def clean(text: str, *, multiline: bool = False, limit: int = LINE_MAX) -> str:
    """Control characters, escape sequences and bidi overrides removed; cut to ``limit``."""
    text = text or ""
    # Fast path: printable text holds no control, escape or bidi character
    # (all of those are unprintable), so only whitespace needs tidying.
    if not text.isprintable():
        text = re.sub(BIDI_CONTROLS, "", strip_control(text, multiline=multiline))
    if multiline:
        lines = [line.strip() for line in text.replace("\t", " ").split("\n")]
        text = "\n".join(line for line in lines if line)
    else:
        text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# -- mass mentions, in every format ---------------------------------------------
# Any format may end up pasted or posted into a chat (``digest --post
# --format text`` goes to Slack as it is): ``@here`` gets a zero-width space
# after the ``@`` in all three.
_SLACK_MENTION = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
ZWSP = "\u200b"


def break_mentions(text: str) -> str:
    """``@here``, ``@channel``, ``@everyone`` made inert (``@\u200bhere``)."""
    if "@" in text:
        text = _SLACK_MENTION.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)
    return text


# Plain text has no escapes, but is still read by chat apps and mail clients:
# a "<" that could open a Slack command (<!channel>, <@U123>, <#C1>) or an
# HTML tag (<img ...>) gets a zero-width space after it; it reads the same.
_TAG_START = re.compile(r"<(?=[!@#/?A-Za-z])")


def plain_escape(text: str) -> str:
    """One piece of user text for the plain-text format."""
    if "<" in text:
        text = _TAG_START.sub("<" + ZWSP, text)
    return break_mentions(text)


# -- Markdown escaping --------------------------------------------------------
_MD_ALWAYS = "\\`*[]<>|~#"  # backslash first: the others add backslashes
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def md_escape(text: str) -> str:
    """Escape one line of user text so it stays literal text in CommonMark/GFM."""
    for ch in _MD_ALWAYS:  # a few `in` tests beat translate() or a regex here
        if ch in text:
            text = text.replace(ch, "\\" + ch)
    if "_" in text:
        text = _MD_UNDERSCORE.sub(r"\\_", text)
    if "&" in text:
        text = _MD_ENTITY.sub(r"\\&", text)
    # Block starts: a list marker, a setext underline or "1." at the start of a line.
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    elif text[:1].isdigit():
        text = _MD_ORDERED.sub(r"\1\\\2", text)
    return break_mentions(text)


# -- Slack escaping -----------------------------------------------------------
def slack_escape(text: str) -> str:
    """Slack's three escapes, and no mass mention: ``@here`` gets a zero-width
    space after the ``@``; ``<!here>`` is inert once ``<`` is escaped."""
    text = break_mentions(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    # A run of backticks would open a code block that swallows the rest.
    return text.replace("```", f"`{ZWSP}`{ZWSP}`")


# -- layout -------------------------------------------------------------------
# A span is (kind, text): "t" our text, "b" our text in bold,
# "u" user text, "ub" user text in bold. User text may hold newlines.
Span = tuple[str, str]


@dataclass
class Item:
    """One entry of a section: a line of spans and its indented sub-lines."""

    spans: list[Span]
    sub: list[list[Span]] = field(default_factory=list)


@dataclass
class Section:
    """A headed list of items in a summary or a digest."""

    heading: str
    items: list[Item]


@dataclass
class Layout:
    """A summary or digest laid out once, for every writer: title, labelled meta lines and sections."""

    title: list[Span]
    meta: list[tuple[str, list[Span]]]
    sections: list[Section]


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(d: date, ref: date | None = None) -> str:
    """``Fri 4 Dec``; the year is added when it is not the meeting's.
    English names whatever the locale (and strftime is slow)."""
    text = f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return text if ref is not None and d.year == ref.year else f"{text} {d.year}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _mins(seconds: float) -> int:
    return round(seconds / 60)


def _pct(value: float) -> str:
    return f"{value:+.1f} %"


def _num(value: float) -> str:
    from cadence_tui.core.scorecard import PLAIN_LIMIT, format_number

    if abs(value) >= PLAIN_LIMIT:  # 1.7e+308, not 309 digits
        return format_number(value)
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 1000 else f"{value:,.1f}"


def _names(names: list[str]) -> list[Span]:
    spans: list[Span] = []
    for i, name in enumerate(names):
        if i:
            spans.append(("t", ", "))
        spans.append(("u", name))
    return spans


def _action_item(a: ActionLine, day: date, *, carried: bool) -> Item:
    spans: list[Span] = [("u", clean(a.title)), ("t", " — ")]
    spans.append(("ub", clean(a.owner)) if clean(a.owner) else ("t", "unassigned"))
    if a.due is not None:
        spans.append(("t", f", due {_day(a.due, day)}"))
        if a.overdue_on(day):
            spans += [("t", ", "), ("b", "overdue")]
    if a.redated:
        spans.append(("t", " (new due date)"))
    if carried:
        spans.append(("t", f", open {_days(a.age_days)}"))
    if a.origin_cadence:
        spans += [("t", " · from "), ("u", clean(a.origin_cadence))]
    if a.escalated_to:
        spans += [("t", " · escalated to "), ("u", clean(a.escalated_to))]
    if not carried and a.status != "open":
        spans.append(("t", f" ({a.status})"))
    spans += _since(a, day)
    return Item(spans)


def _since(a: ActionLine, day: date) -> list[Span]:
    """What changed after the meeting, marked as such: ``(now done)``, ``(now due Fri 11 Dec)``."""
    if a.now_status is not None and a.now_status != a.status:
        return [("t", f" (now {a.now_status})")]
    if a.due_changed and (a.now_status or a.status) == "open":
        return [("t", f" (now due {_day(a.now_due, day)})" if a.now_due else " (now no due date)")]
    return []


def _topic_item(a: AgendaOutcome, *, ended: bool) -> Item:
    """A proposed topic: who proposed it, and whether the meeting reached it."""
    spans: list[Span] = [("u", clean(a.title))]
    if a.proposed_by:
        spans += [("t", " — proposed by "), ("u", clean(a.proposed_by))]
    if a.reached:
        minutes = _mins(a.elapsed_seconds)
        spans.append(("t", f" (discussed, {minutes} min)" if minutes >= 1 else " (discussed)"))
    else:
        spans.append(("t", " (not reached: offered for the next meeting)" if ended else " (not reached yet)"))
    return Item(spans)


def _blocker_item(b: BlockerLine, *, carried: bool) -> Item:
    spans: list[Span] = [("u", clean(b.what))]
    if clean(b.unblocker):
        spans += [("t", " — unblock: "), ("ub", clean(b.unblocker))]
    if clean(b.raised_by):
        spans += [("t", " · raised by "), ("u", clean(b.raised_by))]
    spans.append(("t", f" · open {_days(b.age_days)}" if carried else " · new"))
    if b.origin_cadence:
        spans += [("t", " · from "), ("u", clean(b.origin_cadence))]
    if b.escalated_to:
        spans += [("t", " · escalated to "), ("u", clean(b.escalated_to))]
    spans += _blocker_since(b)
    return Item(spans)


def _blocker_since(b: BlockerLine) -> list[Span]:
    """``(now resolved)`` / ``(now open)`` when its status changed after the meeting."""
    return [("t", f" (now {b.now_status})")] if b.now_status not in (None, b.status) else []


def layout(r: MeetingRecord) -> Layout:
    """What the summary says, independent of the format."""
    day = r.day
    title: list[Span] = [("u", clean(r.cadence_name)), ("t", f" — {_day(day)}")]
    if r.in_progress:
        title.append(("t", " (in progress)"))

    # A meeting that began and ended in the same minute shows one time, not "21:15–21:15".
    end = f"–{r.local_end:%H:%M}" if r.local_end and f"{r.local_end:%H:%M}" != f"{r.local_start:%H:%M}" else ""
    over = _mins(r.over_seconds)
    length = "under 1 min" if r.duration_seconds < 60 else f"{_mins(r.duration_seconds)} min"
    duration = f"{length} (timebox {r.timebox_min} min"
    duration += f", {over} min over)" if over >= 1 else ")"
    meta: list[tuple[str, list[Span]]] = [("When", [("t", f"{r.local_start:%H:%M}{end} {r.zone_name}, {duration}")])]
    if r.ratings:
        meta.append(("Rating", [("t", f"{r.average_rating:.1f}/10 by {counted(len(r.ratings), 'attendee')}")]))
    if r.items_over:
        spans: list[Span] = []
        for i, a in enumerate(r.items_over):
            spans += [("t", ", ")] if i else []
            spans += [("u", clean(a.title)), ("t", f" ({_mins(a.elapsed_seconds)} of {a.timebox_min} min)")]
        meta.append(("Ran over", spans))
    label = lambda a: clean(a.name) + (" (guest)" if a.guest else "")  # noqa: E731
    if r.present:
        meta.append(("Present", _names([label(a) for a in r.present])))
    if r.absent:
        meta.append(("Absent", _names([label(a) for a in r.absent])))

    sections: list[Section] = []

    def add(heading: str, items: list[Item]) -> None:
        if items:
            sections.append(Section(heading, items))

    add("Decisions", [Item([("u", clean(d, multiline=True, limit=BLOCK_MAX))]) for d in r.decisions])
    add("Topics proposed", [_topic_item(a, ended=r.ended_at is not None) for a in r.agenda if a.topic])
    add("New action items", [_action_item(a, day, carried=False) for a in r.new_actions])
    carried = r.open_carried_actions
    items = [_action_item(a, day, carried=True) for a in carried[:CARRIED_SHOWN]]
    hidden = max(0, len(carried) - CARRIED_SHOWN) + r.more_carried_actions
    if hidden:
        items.append(Item([("t", f"…and {counted(hidden, 'more open item')}")]))
    add("Open items carried over", items)
    add(
        "Closed in this meeting",
        [
            Item(
                [
                    ("u", clean(a.title)),
                    ("t", " — "),
                    ("u", clean(a.owner) or "unassigned"),
                    ("t", f" ({a.status})"),
                    *_since(a, day),
                ]
            )
            for a in r.closed_actions
        ],
    )
    new_ids = {b.id for b in r.new_blockers}
    blockers = r.open_blockers
    items = [_blocker_item(b, carried=b.id not in new_ids) for b in blockers[:CARRIED_SHOWN]]
    if len(blockers) > CARRIED_SHOWN:
        items.append(Item([("t", f"…and {len(blockers) - CARRIED_SHOWN:,} more open blockers")]))
    add("Blockers", items)
    add("Resolved blockers", [Item([("u", clean(b.what)), *_blocker_since(b)]) for b in r.resolved_blockers])

    # The cadence's own part.
    demos = []
    for d in r.demos:
        spans = [("ub", clean(d.what))]
        if clean(d.presenter):
            spans += [("t", " — "), ("u", clean(d.presenter))]
        # Feedback is kept one piece per line (``who: text``).
        feedback = clean(d.feedback, multiline=True, limit=BLOCK_MAX)
        demos.append(Item(spans, [[("u", line)] for line in feedback.split("\n") if line]))
    add(sprint.SUMMARY_SECTION, demos)

    if r.pipeline:
        heading = pipeline.SUMMARY_SECTION + (
            f" (vs {_day(r.previous_sync.astimezone(r.zone).date(), day)})" if r.previous_sync else ""
        )
        items = []
        for s in r.pipeline:
            text = f"{s.value:,}"
            if s.change == 0:
                text += " (no change)"
            elif s.change is not None:
                text += f" ({s.change:+,}" + (f", {_pct(s.change_pct)}" if s.change_pct is not None else "") + ")"
            if s.conversion is not None:
                text += f" · {s.conversion:.1f} % of {r.pipeline[r.pipeline.index(s) - 1].label}"
                if s.previous_conversion is not None:
                    text += f" (was {s.previous_conversion:.1f} %)"
            items.append(Item([("b", s.label), ("t", f": {text}")]))
        add(heading, items)
    add(
        pipeline.CAMPAIGN_SECTION,
        [Item([("u", clean(c, multiline=True, limit=BLOCK_MAX))]) for c in r.campaign_changes],
    )

    if r.budget or r.reforecast is not None:
        items = []
        if r.budget:
            total_pct = (r.actual_total - r.budget_total) / r.budget_total * 100 if r.budget_total else None
            items.append(
                Item(
                    [
                        ("b", "Total"),
                        (
                            "t",
                            f": {_num(r.actual_total)} of {_num(r.budget_total)}"
                            + (f" ({_pct(total_pct)})" if total_pct is not None else ""),
                        ),
                    ]
                )
            )
            for b in r.budget_over:  # flagged as in the meeting's panel
                items.append(
                    Item(
                        [
                            ("t", f"{FLAG} "),
                            ("ub", clean(b.department)),
                            (
                                "t",
                                f": {_num(b.actual)} of {_num(b.budget)}"
                                + (f" ({_pct(b.variance_pct)})" if b.variance_pct is not None else ""),
                            ),
                        ]
                    )
                )
            within = len(r.budget) - len(r.budget_over)
            if r.budget_over and within:
                items.append(Item([("t", f"{counted(within, 'other line')} within ±{_num(r.variance_threshold)} %")]))
            elif not r.budget_over:
                items.append(Item([("t", f"Every line within ±{_num(r.variance_threshold)} %")]))
        if r.reforecast is not None:
            items.append(Item([("b", "Re-forecast"), ("t", f": {_num(r.reforecast)}")]))
        add(f"{finance.SUMMARY_SECTION} (threshold ±{_num(r.variance_threshold)} %)", items)

    wins = []
    for w in r.wins:
        spans = [("u", clean(w.text))]
        if clean(w.who):
            spans += [("t", " — "), ("u", clean(w.who))]
        wins.append(Item(spans))
    add(all_hands.SUMMARY_SECTION, wins)

    health = []
    for h in r.health:
        spans = [("ub", clean(h.label)), ("t", f": {h.rating}/5")]
        if h.previous is not None:
            trend = {"up": f"↑ from {h.previous}", "down": f"↓ from {h.previous}", "same": "unchanged"}[h.trend]
            spans.append(("t", f" ({trend})"))
        if clean(h.comment):
            spans += [("t", " — "), ("u", clean(h.comment))]
        health.append(Item(spans))
    add(all_hands.HEALTH_SECTION, health)

    metrics = []
    for mr in r.metrics:
        spans = [("ub", clean(mr.name)), ("t", f": {_num(mr.value)}")]
        if clean(mr.unit):  # user text like the name: escaped by each writer
            spans += [("t", " "), ("u", clean(mr.unit))]
        text = ""
        if mr.previous is not None:
            text += f" (was {_num(mr.previous)})"
        if mr.target is not None:
            sign = "≥" if mr.direction == "higher" else "≤"
            text += f" · target {sign} {_num(mr.target)}" + (" · on target" if mr.on_target else " · off target")
        metrics.append(Item([*spans, ("t", text)] if text else spans))
    add("Scorecard", metrics)

    add("Notes", [Item([("u", clean(n, multiline=True, limit=BLOCK_MAX))]) for n in r.notes])
    return Layout(title, meta, sections)


# -- writers ------------------------------------------------------------------
def _md_spans(spans: list[Span], indent: str) -> str:
    out = []
    for kind, text in spans:
        if kind in ("u", "ub"):
            if "\n" in text:
                text = ("\\\n" + indent).join(md_escape(line) for line in text.split("\n"))
            else:
                text = md_escape(text)
        if kind in ("b", "ub") and text:
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


def write_markdown(doc: Layout) -> str:
    """A layout as CommonMark (GitHub, Teams, wikis); user text escaped."""
    out = [f"## {_md_spans(doc.title, '')}", ""]
    out += [f"- **{label}:** {_md_spans(spans, '  ')}" for label, spans in doc.meta]
    for section in doc.sections:
        out += ["", f"### {section.heading}", ""]
        for item in section.items:
            out.append(f"- {_md_spans(item.spans, '  ')}")
            out += [f"  - {_md_spans(sub, '    ')}" for sub in item.sub]
    return "\n".join(out) + "\n"


def _slack_spans(spans: list[Span], indent: str) -> str:
    out = []
    for kind, text in spans:
        if kind in ("u", "ub"):
            text = slack_escape(text).replace("\n", "\n" + indent)
        if kind in ("b", "ub") and text:
            text = f"*{text}*"
        out.append(text)
    return "".join(out)


def write_slack(doc: Layout) -> str:
    """A layout as Slack mrkdwn; user text escaped, mass mentions broken."""
    out = [f"*{_slack_spans(doc.title, '')}*"]
    out += [f"*{label}:* {_slack_spans(spans, '   ')}" for label, spans in doc.meta]
    for section in doc.sections:
        out += ["", f"*{section.heading}*"]
        for item in section.items:
            out.append(f"• {_slack_spans(item.spans, '   ')}")
            out += [f"      ◦ {_slack_spans(sub, '        ')}" for sub in item.sub]
    return "\n".join(out) + "\n"


def cell_width(text: str) -> int:
    """Terminal cells: wide (CJK, most emoji) count two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch == ZWSP:
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _plain(spans: list[Span]) -> str:
    return "".join(plain_escape(text) if kind in ("u", "ub") else text for kind, text in spans)


def _wrap_paragraph(text: str, first: str, rest: str) -> list[str]:
    """Greedy word wrap to :data:`TEXT_WIDTH`, like ``textwrap`` (without
    hyphen breaks) but several times faster; over-long words are cut."""
    words = text.split()
    joined = " ".join(words)
    if len(first) + len(joined) <= TEXT_WIDTH:  # most lines fit: no word walk
        return [first + joined]
    out: list[str] = []
    line, empty = first, True
    for word in words:
        while len(rest) + len(word) > TEXT_WIDTH:
            room = TEXT_WIDTH - len(line) - (0 if empty else 1)
            if room <= 0:
                out.append(line)
                line, empty = rest, True
                continue
            line += ("" if empty else " ") + word[:room]
            word = word[room:]
            out.append(line)
            line, empty = rest, True
        if not word:
            continue
        if empty:
            line += word
            empty = False
        elif len(line) + 1 + len(word) <= TEXT_WIDTH:
            line += " " + word
        else:
            out.append(line)
            line = rest + word
    if not empty or not out:
        out.append(line)
    return out


def _wrap(text: str, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for i, paragraph in enumerate(text.split("\n")):
        lines += _wrap_paragraph(paragraph, first if i == 0 else rest, rest)
    return lines


def write_text(doc: Layout) -> str:
    """A layout as plain text wrapped for email."""
    title = _wrap(_plain(doc.title), "", "")
    out = [*title, "=" * min(TEXT_WIDTH, max(cell_width(line) for line in title))]
    width = max(len(label) for label, _ in doc.meta) + 2
    for label, spans in doc.meta:
        out += _wrap(_plain(spans), f"{label + ':':<{width}}", " " * width)
    for section in doc.sections:
        out += ["", section.heading, "-" * len(section.heading)]
        for item in section.items:
            out += _wrap(_plain(item.spans), "  * ", "    ")
            for sub in item.sub:
                out += _wrap(_plain(sub), "      - ", "        ")
    return "\n".join(out) + "\n"


def render_markdown(r: MeetingRecord) -> str:
    return write_markdown(layout(r))


def render_slack(r: MeetingRecord) -> str:
    return write_slack(layout(r))


def render_text(r: MeetingRecord) -> str:
    return write_text(layout(r))


RENDERERS = {"markdown": render_markdown, "slack": render_slack, "text": render_text}


def render(record: MeetingRecord, fmt: str = "markdown") -> str:
    """The summary of ``record`` in ``fmt`` (one of :data:`FORMATS`)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown summary format {fmt!r} (use one of {', '.join(FORMATS)})") from None
    return renderer(record)


def suggested_filename(record: MeetingRecord, fmt: str) -> str:
    """``sprint-review-2026-11-19.md``: a file name safe on every system."""
    key = re.sub(r"[^a-z0-9-]+", "-", record.cadence_key.lower()).strip("-") or "meeting"
    return f"{key}-{record.day.isoformat()}.{FILE_EXTENSIONS[fmt]}"
