"""`cadence history`: past meetings, or a full-text search over what they recorded."""

from __future__ import annotations

import json

import click

from cadence_tui.cli import db_option, open_db, safe
from cadence_tui.core.wording import counted


@click.command()
@db_option
@click.option("--cadence", "cadence_key", metavar="KEY", help="Only meetings of this cadence.")
@click.option(
    "--search", metavar="TEXT", help="Records (action items, decisions, notes, blockers) with every word of TEXT."
)
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 100_000), help="At most this many lines."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def history(ctx: click.Context, cadence_key: str | None, search: str | None, limit: int, as_json: bool) -> None:
    """Past meetings, newest first (with --search: matching records, newest first)."""
    store = open_db(ctx)
    if cadence_key:
        store.cadences.get_cadence(cadence_key)  # a clear error naming the known keys
    if search is not None:
        hits = store.history.search_history(search, cadence_key, limit=limit)
        if as_json:
            click.echo(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
            return
        if not hits:
            click.echo("Nothing recorded matches.")
            return
        for h in hits:
            when = h.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
            click.echo(f"{when}  {safe(h.cadence_key):<20}  #{h.meeting_id:<6} {h.kind:<8}  {safe(h.text)}")
        return
    meetings = store.history.past_meetings(cadence_key, limit=limit)
    if as_json:
        click.echo(json.dumps([m.to_json() for m in meetings], indent=2, ensure_ascii=False))
        return
    if not meetings:
        click.echo("No past meetings.")
        return
    for m in meetings:
        when = m.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        minutes = f"{round(m.duration_seconds / 60)}/{m.timebox_min} min" if m.duration_seconds is not None else "—"
        click.echo(
            f"#{m.id:<6} {when}  {safe(m.cadence_name):<24}  {minutes:>11}  "
            f"{counted(m.actions, 'action')}, {counted(m.decisions, 'decision')}, "
            f"{counted(m.notes, 'note')}, {counted(m.blockers, 'blocker')}"
        )
