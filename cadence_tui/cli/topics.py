"""`cadence topics`: topics proposed for a cadence's next meeting (store/topics.py)."""

from __future__ import annotations

import json
from typing import Any

import click

from cadence_tui.cli import CommandError, IdType, db_option, open_db, safe

TOPIC_ID = IdType("topic")


class _Minutes(click.ParamType):
    """``--minutes``: checked by the store's own rule, said in one line."""

    name = "minutes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from cadence_tui.store.errors import InvalidInput
        from cadence_tui.store.topics import parse_topic_minutes

        try:
            return parse_topic_minutes(value)
        except InvalidInput as exc:
            raise CommandError(str(exc)) from None


@click.group(invoke_without_command=True)
@db_option
@click.option("--cadence", "cadence_key", metavar="KEY", help="Only topics for this cadence.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def topics(ctx: click.Context, cadence_key: str | None, as_json: bool) -> None:
    """Topics waiting for each cadence's next meeting (subcommands add and drop them)."""
    if ctx.invoked_subcommand is not None:
        return
    store = open_db(ctx)
    waiting = store.topics.waiting_topics(cadence_key)
    if as_json:
        click.echo(json.dumps([t.to_json() for t in waiting], indent=2, ensure_ascii=False))
        return
    if not waiting:
        click.echo(
            "No topics wait for a next meeting." if cadence_key is None else "No topics wait for its next meeting."
        )
        return
    width = max(len(safe(t.cadence_key)) for t in waiting)
    for t in waiting:
        by = f"  ({safe(t.proposed_by)})" if t.proposed_by else ""
        click.echo(f"{t.id:>6}  {safe(t.cadence_key):<{width}}  {t.minutes:>2} min  {safe(t.title)}{by}")


@topics.command("add")
@db_option
@click.argument("cadence_key", metavar="CADENCE_KEY")
@click.argument("title")
@click.option("--minutes", type=_Minutes(), default=5, show_default=True, help="Minutes it needs (1 to 60).")
@click.option("--by", metavar="NAME", default=None, help="Who proposes it (default: me).")
@click.pass_context
def topics_add(ctx: click.Context, cadence_key: str, title: str, minutes: int, by: str | None) -> None:
    """Propose TITLE for the next meeting of CADENCE_KEY; prints its id."""
    store = open_db(ctx)
    topic = store.topics.add_topic(cadence_key, title, minutes=minutes, by=by)
    click.echo(topic.id)


@topics.command("drop")
@db_option
@click.argument("topic_id", metavar="ID", type=TOPIC_ID)
@click.pass_context
def topics_drop(ctx: click.Context, topic_id: int) -> None:
    """Withdraw topic ID (while it waits)."""
    store = open_db(ctx)
    topic = store.topics.drop_topic(topic_id)
    click.echo(f"#{topic.id} {safe(topic.title)}: dropped")
