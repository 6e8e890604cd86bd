"""The playbook from the command line: ``cadence digest``, ``stats``,
``metrics``, ``handoffs``, ``failfast`` and ``escalate``."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from cadence_tui.cli import (
    MEETING_ID,
    CommandError,
    IdType,
    db_option,
    now_fn,
    open_db,
    safe,
    safe_block,
    use_color,
)
from cadence_tui.core.wording import counted

FORMATS = ("markdown", "slack", "text")


def _config():
    from cadence_tui.integrations.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


def _today() -> date:
    return now_fn()().astimezone().date()


def _parse_day(value: str, what: str) -> date:
    """A date in the one grammar (``2026-11-18``, ``yesterday``, ``-7d``...: core/duedates.py)."""
    day = _parse_any_day(value, what)
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise CommandError(
            f"{what} must be a date between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}, "
            f"not {value.strip()[:30]!r}"
        )
    return day


# Dates a command accepts: far enough for any real record, near enough that
# the midnight of the day and a week either side stay inside Python's dates.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9000, 12, 31)


def _parse_any_day(value: str, what: str) -> date:
    from cadence_tui.core.duedates import DueDateError, parse_day

    try:
        return parse_day(value, _today())
    except DueDateError as exc:
        raise CommandError(f"{what}: {exc}") from None


# -- digest ---------------------------------------------------------------------
def _save_digest(text: str, fmt: str) -> Path:
    """Keep a digest that could not be posted; returns the file written."""
    from cadence_tui.integrations.atomic_write import write_new_file
    from cadence_tui.integrations.paths import data_dir

    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    suffix = ".md" if fmt == "markdown" else ".txt"
    for folder in (data_dir() / "digests", Path.cwd()):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Two digests saved in the same second get -2, -3...: never one over another.
            return write_new_file(folder, f"digest-{stamp}", suffix, text)
        except OSError:
            continue
    raise CommandError("could not post the digest, and could not save it either (no writable folder)")


@click.command()
@db_option
@click.option("--days", type=click.IntRange(1, 3660), default=None, help="The last N days (default 7).")
@click.option("--since", metavar="DATE", default=None, help="From DATE (2026-11-18, yesterday, -2w) until now.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: slack when posting, else summary_format from the config).",
)
@click.option("--owner", metavar="NAME", default=None, help="Only NAME's items, blockers and metrics.")
@click.option(
    "--post",
    "post",
    metavar="URL",
    is_flag=False,
    flag_value="",
    default=None,
    help="Send it to a Slack-compatible webhook (https://, or http:// to this machine). "
    "--post alone uses digest_webhook from the config file.",
)
@click.option(
    "--upcoming",
    "upcoming_days",
    type=click.IntRange(0, 90),
    default=7,
    show_default=True,
    help="Days of upcoming meetings to list.",
)
@click.pass_context
def digest(
    ctx: click.Context,
    days: int | None,
    since: str | None,
    fmt: str | None,
    owner: str | None,
    post: str | None,
    upcoming_days: int,
) -> None:
    """What changed in the period, and who owes what, grouped by owner.

    Items done and added, new and resolved blockers, decisions, metrics that
    moved, upcoming meetings. With --post the digest goes to a webhook as
    {"text": ...} (timeout CADENCE_WEBHOOK_TIMEOUT seconds, default 10, one
    retry); if that fails the command says why, saves the digest to a file it
    names and exits with status 1.
    """
    from cadence_tui.core.digest import render

    if days is not None and since is not None:
        raise CommandError("give --days N or --since DATE, not both")
    start = _parse_day(since, "--since") if since else _today() - timedelta(days=days or 7)
    config = _config() if (post is not None or fmt is None) else None
    url = None
    if post is not None:
        url = post or (config.digest_webhook if config else None)
        if not url:
            raise CommandError("--post needs a URL, or digest_webhook in the config file")
        from cadence_tui.integrations.webhook import WebhookError, check_url, default_timeout

        try:
            check_url(url)
            default_timeout()  # a bad CADENCE_WEBHOOK_TIMEOUT is refused before any work
        except WebhookError as exc:
            raise CommandError(str(exc)) from None
    if fmt is None:
        fmt = "slack" if post is not None else (config.summary_format if config else "markdown")
    store = open_db(ctx)
    try:
        text = render(store.digest.digest_data(start, owner=owner, upcoming_days=upcoming_days), fmt)
    finally:
        store.close()
    if url is None:
        # User text in a digest is cleaned already; this guards the terminal whatever a renderer misses.
        click.echo(safe_block(text), nl=False)
        return
    from cadence_tui.integrations.webhook import WebhookError, post_text

    try:
        post_text(url, text)
    except WebhookError as exc:
        saved = _save_digest(text, fmt)
        raise CommandError(f"could not post the digest: {exc}; saved it to {saved}") from None
    from urllib.parse import urlsplit

    click.echo(f"Posted the digest ({len(text.splitlines())} lines) to {urlsplit(url).hostname}.", err=True)


# -- stats --------------------------------------------------------------------------
def _stats_lines(s) -> list[str]:
    from cadence_tui.core.stats import minutes, percent

    lines = [f"{safe(s.cadence_name)} — last {counted(s.meetings, 'meeting')}"]
    if not s.meetings:
        return [*lines, "  no ended meetings yet"]
    lines.append(
        f"  duration   {minutes(s.avg_duration_min)} on average against a {s.avg_timebox_min:.0f} min timebox;"
        f" over in {s.over_timebox} of {s.meetings}"
        + (f" (by {s.avg_overrun_min:.1f} min on average)" if s.avg_overrun_min else "")
    )
    lines.append(
        f"  rating     {'—' if s.avg_rating is None else f'{s.avg_rating:.1f} / 10'} ({s.ratings} ratings)"
        f"   attendance {percent(s.attendance_rate)}"
    )
    lines.append(
        f"  actions    {s.actions_raised} raised, {s.actions_done} done ({percent(s.completion_rate)}),"
        f" on time {percent(s.on_time_rate)} of {s.on_time_base} with a due date,"
        f" median {'—' if s.median_days_to_close is None else f'{s.median_days_to_close:.1f} days'} to close"
    )
    if s.items:
        width = max(len(safe(i.title)) for i in s.items)
        lines.append(f"  {'agenda item':<{width}}  planned  actual  over")
        for i in s.items:
            flag = "  always over" if i.always_over else ""
            over = f"{i.over_count}/{i.meetings}" + (f" +{i.avg_over_min:.1f}" if i.over_count else "")
            lines.append(f"  {safe(i.title):<{width}}  {i.planned_min:>7.1f}  {i.actual_min:>6.1f}  {over}{flag}")
    return lines


@click.command()
@db_option
@click.option("--cadence", "cadence_key", metavar="KEY", help="Only this cadence.")
@click.option(
    "--last", "last", type=click.IntRange(1, 1000), default=12, show_default=True, help="How many recent meetings."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, cadence_key: str | None, last: int, as_json: bool) -> None:
    """Time statistics per cadence over its last meetings.

    Planned vs actual minutes per agenda item (which always run over, and by
    how much), duration against the timebox, average rating, attendance rate,
    and for action items raised in those meetings: completion rate (done ÷
    raised), share done by their due date (items without one left out) and
    median days to close.
    """
    store = open_db(ctx)
    try:
        results = [store.stats.cadence_stats(cadence_key, last)] if cadence_key else store.stats.all_cadence_stats(last)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([s.to_json() for s in results], indent=2, ensure_ascii=False))
        return
    out: list[str] = []
    for s in results:
        if out:
            out.append("")
        out += _stats_lines(s)
    click.echo("\n".join(out))


# -- metrics --------------------------------------------------------------------------
def _scorecard_lines(rows, color: bool) -> list[str]:
    from cadence_tui.core.scorecard import format_change, format_number

    if not rows:
        return ["No metrics. Add one with: cadence metrics add KEY NAME --target N"]
    width = max(len(safe(r.metric.name)) for r in rows)
    lines = []
    for r in rows:
        m = r.metric
        target = f"target {format_number(m.target)} ({m.direction} is better)" if m.target is not None else "no target"
        flag = "OFF TARGET" if r.off_target else ""
        line = (
            f"{safe(m.key):<6} {safe(m.name):<{width}}  {format_number(r.last, safe(m.unit)):>13} "
            f"{format_change(r.change):>8}  {r.sparkline:<12}  {target}  {flag}"
        ).rstrip()
        if color and r.off_target:
            line = click.style(line, fg="red")
        lines.append(line)
    return lines


@click.group(invoke_without_command=True)
@db_option
@click.option("--cadence", "cadence_key", metavar="KEY", help="Only metrics this cadence reviews.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def metrics(ctx: click.Context, cadence_key: str | None, as_json: bool) -> None:
    """The shared-metric scorecard: last value, change, trend, target.

    Subcommands record a value, add, edit or archive a metric.
    """
    if ctx.invoked_subcommand is not None:
        return
    store = open_db(ctx)
    try:
        if cadence_key:
            store.cadences.get_cadence(cadence_key)
        rows = store.scorecard.scorecard(cadence_key)
        warning = store.scorecard.focus_warning()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=2, ensure_ascii=False))
        return
    color = use_color()
    for line in _scorecard_lines(rows, color):
        click.echo(line, color=color)
    if warning:
        click.echo(f"cadence: warning: {warning}", err=True)


@metrics.command("record", context_settings={"ignore_unknown_options": True})
@db_option
@click.argument("key")
@click.argument("value")
@click.option("--date", "on", metavar="DATE", help="The day the value is for (default today).")
@click.option(
    "--meeting", "meeting_id", type=MEETING_ID, metavar="ID", help="Record it in meeting ID (takes its date)."
)
@click.pass_context
def metrics_record(ctx: click.Context, key: str, value: str, on: str | None, meeting_id: int | None) -> None:
    """Record VALUE for metric KEY (e.g. cadence metrics record cac 1180 --date 2026-11-20)."""
    if on and meeting_id is not None:
        raise CommandError("give --date or --meeting, not both")
    day = _parse_day(on, "--date") if on else None
    store = open_db(ctx)
    try:
        v = store.scorecard.record_metric_value(key, value, meeting_id=meeting_id, on=day)
        row = next(r for r in store.scorecard.scorecard() if r.metric.key == v.metric_key)
    finally:
        store.close()
    from cadence_tui.core.scorecard import format_change, format_number

    state = "off target" if row.off_target else "on target"
    click.echo(
        f"{safe(row.metric.name)}: {format_number(v.value, safe(row.metric.unit))} on {v.recorded_on.isoformat()}"
        f" ({state}{', ' + format_change(row.change) if row.change is not None else ''})"
    )


def _metric_options(f):
    for opt in reversed(
        [
            click.option("--unit", default=None, help="Unit shown after values (USD, days, %)."),
            click.option("--owner", default=None, help="Who owns the metric."),
            click.option("--target", default=None, help="The target value."),
            click.option(
                "--direction", type=click.Choice(["higher", "lower"]), default=None, help="Which way is better."
            ),
            click.option(
                "--cadence",
                "cadences",
                multiple=True,
                metavar="KEY",
                help="A cadence that reviews it (repeat for several).",
            ),
            click.option("--description", default=None, help="What it measures."),
        ]
    ):
        f = opt(f)
    return f


@metrics.command("add")
@db_option
@click.argument("key")
@click.argument("name")
@_metric_options
@click.pass_context
def metrics_add(ctx: click.Context, key: str, name: str, unit, owner, target, direction, cadences, description) -> None:
    """Add metric KEY called NAME (warns when the scorecard passes three metrics)."""
    store = open_db(ctx)
    try:
        m = store.scorecard.add_metric(
            key,
            name,
            unit=unit or "",
            owner=owner or "",
            target=target,
            direction=direction or "higher",
            cadence_keys=list(cadences),
            description=description or "",
        )
        warning = store.scorecard.focus_warning()
    finally:
        store.close()
    click.echo(f"Added {safe(m.key)}: {safe(m.name)}")
    if warning:
        click.echo(f"cadence: warning: {warning}", err=True)


@metrics.command("edit")
@db_option
@click.argument("key")
@click.option("--name", default=None, help="A new name.")
@_metric_options
@click.pass_context
def metrics_edit(ctx: click.Context, key: str, name, unit, owner, target, direction, cadences, description) -> None:
    """Change metric KEY: only the options given change."""
    changes = {
        k: v
        for k, v in dict(
            name=name, unit=unit, owner=owner, target=target, direction=direction, description=description
        ).items()
        if v is not None
    }
    if cadences:
        changes["cadence_keys"] = list(cadences)
    if not changes:
        raise CommandError("nothing to change: give at least one option (see --help)")
    store = open_db(ctx)
    try:
        m = store.scorecard.update_metric(key, **changes)
    finally:
        store.close()
    click.echo(f"Updated {safe(m.key)}: {safe(m.name)}")


@metrics.command("archive")
@db_option
@click.argument("key")
@click.option("--undo", is_flag=True, help="Bring an archived metric back.")
@click.pass_context
def metrics_archive(ctx: click.Context, key: str, undo: bool) -> None:
    """Archive metric KEY (its history is kept)."""
    store = open_db(ctx)
    try:
        m = store.scorecard.archive_metric(key, not undo)
    finally:
        store.close()
    click.echo(f"{'Restored' if undo else 'Archived'} {safe(m.key)}: {safe(m.name)}")


# -- hand-offs and the fail-fast log ---------------------------------------------------
@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def handoffs(ctx: click.Context, as_json: bool) -> None:
    """The hand-off register: owner, failures, latest health rating, ratings by quarter."""
    store = open_db(ctx)
    try:
        register = store.playbook.handoff_register()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([r.to_json() for r in register], indent=2, ensure_ascii=False))
        return
    width = max((len(safe(r.handoff.label)) for r in register), default=10)
    for r in register:
        h = r.handoff
        rating = f"{r.latest_rating}/5" if r.latest_rating is not None else "—"
        quarters = "  ".join(f"{q.quarter}: {q.average:.1f}" for q in r.quarters[-4:]) or "no ratings"
        click.echo(
            f"{safe(h.key):<20} {safe(h.label):<{width}}  owner {safe(h.owner or '—'):<8}  "
            f"failures {r.failures:>3}  latest {rating:>4}  {quarters}"
        )
        click.echo(f"{'':<20} packet: {safe(', '.join(h.packet_fields) or '—')}")


@click.group(invoke_without_command=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def failfast(ctx: click.Context, as_json: bool) -> None:
    """The fail-fast log grouped by hand-off and by cause (repeats are patterns)."""
    if ctx.invoked_subcommand is not None:
        return
    store = open_db(ctx)
    try:
        patterns = store.playbook.failfast_patterns()
        entries = store.playbook.failfast_entries(limit=20)
    finally:
        store.close()
    if as_json:

        def group(p):
            return {
                "label": p.label,
                "count": p.count,
                "last": p.last.isoformat(),
                "top": [{"label": k, "count": n} for k, n in p.detail],
            }

        click.echo(
            json.dumps(
                {
                    "total": patterns.total,
                    "by_handoff": [group(p) for p in patterns.by_handoff],
                    "by_cause": [group(p) for p in patterns.by_cause],
                    "recent": [
                        {
                            "id": e.id,
                            "handoff": e.handoff_key,
                            "what": e.what,
                            "cause": e.cause,
                            "fix": e.fix,
                            "created_at": e.created_at.isoformat(),
                            "meeting_id": e.meeting_id,
                        }
                        for e in entries
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not patterns.total:
        click.echo("The fail-fast log is empty.")
        return
    click.echo(f"{patterns.total} entries")
    for title, groups in (("By hand-off", patterns.by_handoff), ("By cause", patterns.by_cause)):
        click.echo(f"\n{title}")
        for p in groups:
            top = ", ".join(f"{safe(k)} ×{n}" for k, n in p.detail)
            click.echo(f"  {p.count:>3}  {safe(p.label)}{'  (pattern)' if p.repeated else ''}  — {top}")


@failfast.command("log")
@db_option
@click.argument("handoff_key", metavar="HANDOFF")
@click.argument("what")
@click.option("--cause", default="", help="Why it broke down.")
@click.option("--fix", default="", help="What changes so it does not happen again.")
@click.pass_context
def failfast_log(ctx: click.Context, handoff_key: str, what: str, cause: str, fix: str) -> None:
    """Log a hand-off that broke down (HANDOFF is a key from `cadence handoffs`)."""
    store = open_db(ctx)
    try:
        e = store.playbook.log_failfast(handoff_key, what, cause=cause, fix=fix)
        count = len(store.playbook.failfast_entries(handoff_key=handoff_key, limit=None))
    finally:
        store.close()
    click.echo(f"Logged #{e.id} for {safe(e.handoff_label)} ({counted(count, 'failure')} so far)")


@click.command()
@db_option
@click.argument("kind", type=click.Choice(["blocker", "action"]))
@click.argument("item_id", metavar="ID", type=IdType("item"))
@click.argument("cadence_key", metavar="CADENCE", required=False)
@click.option("--undo", is_flag=True, help="Take the escalation back.")
@click.pass_context
def escalate(ctx: click.Context, kind: str, item_id: int, cadence_key: str | None, undo: bool) -> None:
    """Escalate blocker or action item ID to CADENCE's next meeting."""
    if not undo and not cadence_key:
        raise CommandError("name the cadence to escalate to (or --undo)")
    store = open_db(ctx)
    try:
        fn = store.playbook.escalate_blocker if kind == "blocker" else store.playbook.escalate_action
        e = fn(item_id, None if undo else cadence_key)
    finally:
        store.close()
    if undo:
        click.echo(f"#{e.id} {safe(e.text)}: back in {safe(e.from_cadence)} only")
    else:
        click.echo(f"#{e.id} {safe(e.text)}: escalated from {safe(e.from_cadence)} to {safe(e.to_cadence)}")
