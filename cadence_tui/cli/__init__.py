"""The ``cadence`` command line.

``cadence`` alone opens the app; subcommands serve scripts and team members
without a full TUI. Heavy modules (Textual, sqlite-utils, dateutil) are
imported inside the commands that need them, so every command starts fast.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from cadence_tui import __version__
from cadence_tui.launch import ERROR_PREFIX, LaunchError, clock, os_error_message, resolve_db
from cadence_tui.launch import run_app as launch_app
from cadence_tui.store.engines import DatabaseUrl
from cadence_tui.store.errors import StoreError, UnreadableValue


class CommandError(click.ClickException):
    """An expected failure: one line on stderr, exit status 1, no traceback."""

    def show(self, file: Any = None) -> None:
        # Messages name paths and server replies: control characters shown, not acted on.
        from cadence_tui.core.textsafe import show_controls

        click.echo(f"{ERROR_PREFIX}{show_controls(self.format_message())}", err=True)


class CadenceGroup(click.Group):
    """Turns store, schedule and date errors into :class:`CommandError`."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # click's lazy-group pattern: a command defined in its own module is
        # imported only when it is run (or listed by --help).
        target = LAZY_COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        import importlib

        module, name = target.split(":")
        command = getattr(importlib.import_module(f"cadence_tui.cli.{module}"), name)
        assert isinstance(command, click.Command), target
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (sqlite3.Error, UnicodeDecodeError, UnreadableValue) as exc:
            # Read straight from a connection (an export, a cursor) rather than
            # through the store's helpers, or a stored value a damaged page
            # made unreadable: a damaged file, said in one line.
            from cadence_tui.store.errors import store_failure

            failure = store_failure(exc, db_path(ctx))
            if failure is None:
                raise
            raise CommandError(str(failure)) from None
        except (StoreError, ValueError) as exc:
            from cadence_tui.core.duedates import DueDateError
            from cadence_tui.core.recurrence import ScheduleError

            if not isinstance(exc, (StoreError, DueDateError, ScheduleError)):
                raise
            raise CommandError(str(exc)) from None
        except BrokenPipeError:
            raise  # `cadence actions | head`: click stops quietly, as Unix tools do
        except OSError as exc:
            raise CommandError(os_error_message(exc)) from None


#: The largest id SQLite can store (a signed 64-bit integer).
ID_MAX = 2**63 - 1


class IdType(click.types.IntParamType):
    """An id argument or option: a malformed one is a usage error as for any
    integer; one out of SQLite's range cannot exist, said in one line."""

    name = "integer"

    def __init__(self, what: str) -> None:
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number = super().convert(value, param, ctx)
        if not 1 <= number <= ID_MAX:
            shown = str(number) if len(str(number)) <= 30 else str(number)[:29] + "…"
            raise CommandError(f"no {self.what} with id {shown} (ids are whole numbers from 1 to {ID_MAX})")
        return number


ACTION_ID = IdType("action item")
MEETING_ID = IdType("meeting")


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(dict)["db"] = value
    return value


def db_option(f: Callable) -> Callable:
    """``--db PATH`` on the group and on every subcommand."""
    return click.option(
        "--db",
        "db",
        metavar="PATH",
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_set_db,
        help="Database file (default: $CADENCE_DB, else the user data dir).",
    )(f)


def db_path(ctx: click.Context) -> Path | DatabaseUrl:
    try:
        return resolve_db((ctx.obj or {}).get("db"))
    except LaunchError as exc:
        raise CommandError(str(exc)) from None


def now_fn() -> Callable[[], datetime]:
    """The clock; ``CADENCE_NOW`` (ISO 8601) pins it for scripts and tests."""
    try:
        return clock()
    except LaunchError as exc:
        raise CommandError(str(exc)) from None


def open_db(ctx: click.Context, *, create: bool = False):
    """Open the database. Only the app, ``demo`` and ``import`` create one
    (``create=True``): any other command refuses a missing file, so a
    mistyped ``--db`` is reported instead of answered from a new, empty file."""
    from cadence_tui.launch import missing_db_message
    from cadence_tui.store import open_store

    path = db_path(ctx)
    if not create:
        missing = missing_db_message(path)
        if missing:
            raise CommandError(missing)
    store = open_store(path, now=now_fn())
    store.actor = me()
    return store


def me() -> str:
    """Who "me" is for what this command records: the config's ``me``, else the login name."""
    from cadence_tui.integrations.config import Config, ConfigError, env_me, load_config, who_am_i

    try:
        return who_am_i(load_config())
    except ConfigError:  # the commands that read the config report it; here $CADENCE_ME or the login name
        return who_am_i(Config(me=env_me() or ""))


def use_color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def safe(text: str) -> str:
    """User text as printed to a terminal: no escape sequence, control
    character or bidi override (textsafe.terminal_safe). Every CLI printer
    passes each user field (titles, names, keys, units, owners) through it,
    and measures column widths on the result."""
    from cadence_tui.core.textsafe import terminal_safe

    return terminal_safe(text)


def safe_block(text: str) -> str:
    """Several lines of text for the terminal (a digest): as :func:`safe`, newlines kept."""
    from cadence_tui.core.textsafe import terminal_safe

    return terminal_safe(text, multiline=True)


@click.group(cls=CadenceGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cadence", message="%(prog)s %(version)s")
@db_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Cadence: run your meeting cadences from the terminal.

    Without a command, opens the app on the database.
    """
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand is None:
        run_app(ctx)


def run_app(ctx: click.Context) -> None:
    """``cadence`` without a command (a bare start skips click: launch.main)."""
    try:
        code = launch_app(db_path(ctx))
    except LaunchError as exc:
        raise CommandError(str(exc)) from None
    if code:
        sys.exit(code)


# -- schedule -------------------------------------------------------------------
@cli.command()
@db_option
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660), help="How far ahead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def schedule(ctx: click.Context, days: int, as_json: bool) -> None:
    """Upcoming occurrences of every cadence in the next N days, in order."""
    store = open_db(ctx)
    occurrences = store.cadences.upcoming(days)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "cadence": o.cadence_key,
                        "name": o.cadence_name,
                        "start": o.start.isoformat(),
                        "start_utc": o.start.astimezone(UTC).isoformat(),
                        "timebox_min": o.timebox_min,
                    }
                    for o in occurrences
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not occurrences:
        click.echo(f"No meetings in the next {days} days.")
        return
    width = max(len(safe(o.cadence_name)) for o in occurrences)
    for o in occurrences:
        when = o.start.strftime("%a %Y-%m-%d %H:%M %Z")
        click.echo(f"{when:<26}  {safe(o.cadence_name):<{width}}  {o.timebox_min} min")


# -- actions --------------------------------------------------------------------
def _parse_date_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from cadence_tui.core.duedates import DueDateError, parse_due

    try:
        # Relative to the same clock the store uses (CADENCE_NOW pins it).
        return parse_due(value, now_fn()().astimezone().date())
    except DueDateError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.group(invoke_without_command=True)
@db_option
@click.option("--owner", metavar="NAME", help="Only this owner's items.")
@click.option("--cadence", "cadence_key", metavar="KEY", help="Only items of this cadence.")
@click.option("--overdue", is_flag=True, help="Only open items past their due date.")
@click.option("--all", "all_statuses", is_flag=True, help="Every status, not only open items.")
@click.option("--search", metavar="TEXT", help="Only items whose title has every word of TEXT (words match by prefix).")
@click.option("--due-before", metavar="DATE", callback=_parse_date_option, help="Only items due before DATE.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def actions(
    ctx: click.Context,
    owner: str | None,
    cadence_key: str | None,
    overdue: bool,
    all_statuses: bool,
    search: str | None,
    due_before: date | None,
    as_json: bool,
) -> None:
    """List open action items, due date first (subcommands change them)."""
    if ctx.invoked_subcommand is not None:
        return
    from cadence_tui.store.actions import ActionFilter

    store = open_db(ctx)
    if cadence_key:
        store.cadences.get_cadence(cadence_key)  # a clear error for an unknown key
    items = store.actions.list_actions(
        ActionFilter(
            owner=owner,
            cadence_key=cadence_key,
            status=None if all_statuses else "open",
            overdue=overdue,
            due_before=due_before,
            search=search,
        )
    )
    if as_json:
        click.echo(json.dumps([i.to_json() for i in items], indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("No action items match.")
        return
    today = store.today()
    color = use_color()
    for item in items:
        due = item.due.isoformat() if item.due else "—"
        flag = "!" if item.is_overdue(today) else " "
        status = "" if item.status == "open" else f" [{item.status}]"
        line = f"{item.id:>6}  {flag}{due:<10}  {safe(item.owner or '—'):<12}  {safe(item.cadence_key):<20}  {safe(item.title)}{status}"
        if color and item.is_overdue(today):
            line = click.style(line, fg="red")
        click.echo(line, color=color)


def _change_action(ctx: click.Context, action_id: int, status: str) -> None:
    store = open_db(ctx)
    item = store.actions.set_action_status(action_id, status)
    click.echo(f"#{item.id} {safe(item.title)}: {item.status}")


@actions.command("done")
@db_option
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@click.pass_context
def actions_done(ctx: click.Context, action_id: int) -> None:
    """Mark action item ID done."""
    _change_action(ctx, action_id, "done")


@actions.command("drop")
@db_option
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@click.pass_context
def actions_drop(ctx: click.Context, action_id: int) -> None:
    """Drop action item ID (no longer needed)."""
    _change_action(ctx, action_id, "dropped")


@actions.command("reopen")
@db_option
@click.argument("action_id", metavar="ID", type=ACTION_ID)
@click.pass_context
def actions_reopen(ctx: click.Context, action_id: int) -> None:
    """Reopen action item ID."""
    _change_action(ctx, action_id, "open")


@actions.command("add")
@db_option
@click.argument("title")
@click.option("--cadence", "cadence_key", metavar="KEY", required=True, help="The cadence it belongs to.")
@click.option("--owner", metavar="NAME", default="", help="Who owns it.")
@click.option("--due", metavar="DATE", callback=_parse_date_option, help="Due date (2026-12-04, fri, +3d, ...).")
@click.pass_context
def actions_add(ctx: click.Context, title: str, cadence_key: str, owner: str, due: date | None) -> None:
    """Add an action item to a cadence; prints its id."""
    store = open_db(ctx)
    if owner.strip():
        # "marco" is filed under the "Marco" who already owns items (matched as
        # the owner filters match: case-insensitively, Unicode included).
        spellings = store.actions.owner_spellings(owner)
        if owner not in spellings:
            owner = spellings[0]
    item = store.actions.add_action(title, owner=owner, due=due, cadence_key=cadence_key)
    click.echo(item.id)


# -- demo -----------------------------------------------------------------------
@cli.command()
@db_option
@click.option(
    "--size",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: six months of history; large: 10,000 meetings and 100,000 action items.",
)
@click.option("--meetings", type=click.IntRange(1, 1_000_000), help="Exact number of meetings (overrides --size).")
@click.option("--actions", "n_actions", type=click.IntRange(0, 10_000_000), help="Exact number of action items.")
@click.option("--append", is_flag=True, help="Add to a database that already holds meetings.")
@click.pass_context
def demo(ctx: click.Context, size: str, meetings: int | None, n_actions: int | None, append: bool) -> None:
    """Fill a database with a realistic history of all four cadences."""
    from cadence_tui.store.demo import LARGE, SMALL, DemoSize

    chosen = LARGE if size == "large" else SMALL
    if meetings is not None or n_actions is not None:
        chosen = DemoSize(meetings=meetings, actions=n_actions, months=chosen.months)
    store = open_db(ctx, create=True)
    with progress_reporter("Generating meetings") as report:
        n_meetings, n_items = store.demo.generate_demo(chosen, progress=report, allow_existing=append)
    click.echo(f"Created {n_meetings:,} meetings and {n_items:,} action items in {store.path}", err=True)


class progress_reporter:
    """A store's ``progress(done, total)`` callback drawn as a click progress
    bar on stderr: shown in a terminal, hidden in a pipe (not even its label)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> Callable[[int, int], None]:
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, hidden=not sys.stderr.isatty()
            )
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


# Commands whose arguments are file paths (which need not be UTF-8), and the
# options that take one.
PATH_COMMANDS = {"backup", "import"}
PATH_OPTIONS = ("--db", "--out")


def non_utf8_argument(args: list[str]) -> str | None:
    """The first argument that is not valid UTF-8 text (Python keeps its bytes
    as lone surrogates), shown with escapes; paths are allowed any bytes."""
    command: str | None = None
    for index, arg in enumerate(args):
        after_path_option = bool(index) and args[index - 1] in PATH_OPTIONS
        if command is None and not arg.startswith("-") and not after_path_option:
            command = arg  # the first word that is not an option names the command
        if command in PATH_COMMANDS or after_path_option or arg.startswith(tuple(f"{o}=" for o in PATH_OPTIONS)):
            continue
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raw = arg.encode("utf-8", "surrogateescape")
            shown = repr(raw)[2:-1]
            return shown if len(shown) <= 60 else shown[:59] + "…"
    return None


def main() -> None:
    """Console-script entry point."""
    bad = non_utf8_argument(sys.argv[1:])
    if bad is not None:
        click.echo(f"{ERROR_PREFIX}the argument '{bad}' is not valid UTF-8 text; nothing was changed", err=True)
        sys.exit(1)
    cli(prog_name="cadence")


# Commands defined in their own modules (name -> "module:attribute" in
# cadence_tui/cli/): imported when click looks the command up, not when
# `cadence` just opens the app or runs another command.
LAZY_COMMANDS: dict[str, str] = {
    "backup": "backup:backup",
    "cadences": "portability:cadences",
    "completion": "portability:completion",
    "config": "portability:config_group",
    "digest": "playbook:digest",
    "escalate": "playbook:escalate",
    "export": "portability:export_group",
    "failfast": "playbook:failfast",
    "follow": "follow:follow",
    "handoffs": "playbook:handoffs",
    "history": "history:history",
    "import": "portability:import_group",
    "metrics": "playbook:metrics",
    "serve": "portability:serve",
    "stats": "playbook:stats",
    "summary": "summary:summary",
    "topics": "topics:topics",
}
