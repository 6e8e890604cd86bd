"""Commands that connect Cadence to the tools around it: the cadence list,
calendar and JSON export, JSON import, the config file, browser mode and
shell completion."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import click

from cadence_tui.cli import CommandError, cli, db_option, db_path, open_db, progress_reporter, safe
from cadence_tui.integrations.atomic_write import OutputError
from cadence_tui.launch import os_error_message
from cadence_tui.store.engines import DatabaseUrl

SHELLS = ("bash", "zsh", "fish")


def write_output(data: bytes, out: str | None, *, database: object = None) -> None:
    """Write to ``out`` or to stdout when ``out`` is None or ``-``.

    A file is written atomically (a temp file renamed into place, so a failure
    never leaves half a file); a device or FIFO as a stream; ``database`` (the
    live one) and its side files are refused (``atomic_write``)."""
    if out is None or out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from cadence_tui.integrations.atomic_write import database_files, write_file

    try:
        write_file(out, data, protect=database_files(database))
    except OSError as exc:
        raise CommandError(str(exc) if isinstance(exc, OutputError) else os_error_message(exc)) from None
    click.echo(f"Wrote {safe(out)}", err=True)


# -- cadences ---------------------------------------------------------------------
@click.group(invoke_without_command=True)
@db_option
@click.option("--all", "include_archived", is_flag=True, help="Include archived cadences.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def cadences(ctx: click.Context, include_archived: bool, as_json: bool) -> None:
    """List the cadences with their schedule, timebox and next occurrence
    (subcommands archive and bring back a cadence)."""
    if ctx.invoked_subcommand is not None:
        return
    from cadence_tui.core.recurrence import describe

    store = open_db(ctx)
    items = store.cadences.list_cadences(include_archived=include_archived)
    rows = []
    for c in items:
        nxt = None if c.archived else store.cadences.next_occurrence(c)
        rows.append((c, nxt))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "key": c.key,
                        "name": c.name,
                        "kind": c.kind,
                        "purpose": c.purpose,
                        "rrule": c.rule,
                        "anchor": c.anchor.isoformat(),
                        "start_time": c.start_time.strftime("%H:%M"),
                        "tz": c.tz,
                        "timebox_min": c.timebox_min,
                        "participants": [{"name": p.name, "role": p.role} for p in c.participants],
                        "agenda": [
                            {"title": i.title, "timebox_min": i.timebox_min}
                            for i in store.cadences.agenda_template(c.id)
                        ],
                        "archived": c.archived,
                        "next": nxt.isoformat() if nxt else None,
                    }
                    for c, nxt in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not rows:
        click.echo("No cadences.")
        return
    key_width = max(len(safe(c.key)) for c, _ in rows)
    name_width = max(len(safe(c.name)) for c, _ in rows)
    for c, nxt in rows:
        when = f"{describe(c.rule)} at {c.start_time:%H:%M} {c.tz}"
        upcoming = "archived" if c.archived else (f"next {nxt:%a %Y-%m-%d %H:%M}" if nxt else "no next occurrence")
        click.echo(
            f"{safe(c.key):<{key_width}}  {safe(c.name):<{name_width}}  {c.timebox_min:>3} min  {safe(when)}  ({upcoming})"
        )


@cadences.command("archive")
@db_option
@click.argument("key", metavar="KEY")
@click.pass_context
def cadences_archive(ctx: click.Context, key: str) -> None:
    """Archive cadence KEY: off the home screen and the schedule, history kept."""
    cadence = open_db(ctx).cadences.archive_cadence(key)
    click.echo(f"{safe(cadence.name)} ({cadence.key}) archived; its meetings and action items are kept.")


@cadences.command("unarchive")
@db_option
@click.argument("key", metavar="KEY")
@click.pass_context
def cadences_unarchive(ctx: click.Context, key: str) -> None:
    """Bring archived cadence KEY back to the home screen and the schedule."""
    cadence = open_db(ctx).cadences.unarchive_cadence(key)
    click.echo(f"{safe(cadence.name)} ({cadence.key}) is active again.")


# -- export -----------------------------------------------------------------------
@click.group("export")
def export_group() -> None:
    """Export the schedule (iCalendar) or everything (JSON)."""


@export_group.command("ics")
@db_option
@click.option("--cadence", "cadence_key", metavar="KEY", help="Only this cadence (may be archived).")
@click.option("--out", metavar="FILE", help="Write to FILE instead of stdout.")
@click.pass_context
def export_ics(ctx: click.Context, cadence_key: str | None, out: str | None) -> None:
    """Write an iCalendar file: one recurring event per active cadence."""
    from cadence_tui.integrations.calendar_export import build_calendar

    store = open_db(ctx)
    chosen = [store.cadences.get_cadence(cadence_key)] if cadence_key else store.cadences.list_cadences()
    data = build_calendar([(c, store.cadences.agenda_template(c.id)) for c in chosen], stamp=store.now())
    write_output(data, out, database=store.path)


@export_group.command("json")
@db_option
@click.option("--out", metavar="FILE", help="Write to FILE instead of stdout.")
@click.pass_context
def export_json(ctx: click.Context, out: str | None) -> None:
    """Write everything (cadences, meetings and all their records) as JSON.

    The versioned format is described in the README ("Data portability").
    """
    from cadence_tui.store.portability import dumps_export

    store = open_db(ctx)
    with progress_reporter("Exporting") as report:
        data = store.portability.export_data(progress=report)
    write_output(dumps_export(data).encode("utf-8"), out, database=store.path)


# -- import -----------------------------------------------------------------------
@click.group("import")
def import_group() -> None:
    """Load a JSON export into a database."""


@import_group.command("json")
@db_option
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--replace",
    is_flag=True,
    help="Delete everything in the database first (without it, only an empty database is accepted).",
)
@click.pass_context
def import_json(ctx: click.Context, file: str, replace: bool) -> None:
    """Load FILE (from `cadence export json`) into the database.

    The database must be empty — no meetings, action items or blockers yet; a
    new one with only the seeded cadences counts as empty — unless --replace
    is given. The import is one transaction: on any error nothing changes.
    """
    from cadence_tui.store.portability import loads_export

    source = "stdin" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).expanduser().read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{source} is not a Cadence export: not UTF-8 text") from None
    data = loads_export(text, source)
    store = open_db(ctx, create=True)
    with progress_reporter("Importing") as report:
        counts = store.portability.import_data(data, replace=replace, progress=report)
    meetings = counts.get("meetings", 0)
    actions = counts.get("action_items", 0)
    click.echo(
        f"Imported {counts.get('cadences', 0)} cadences, {meetings:,} meetings and {actions:,} action items "
        f"into {store.path}",
        err=True,
    )


# -- config -----------------------------------------------------------------------
@click.group("config")
def config_group() -> None:
    """The config file (TOML): where it is and what it holds."""


@config_group.command("path")
def config_path_cmd() -> None:
    """Print where the config file is read from ($CADENCE_CONFIG overrides)."""
    from cadence_tui.integrations.config import config_path

    click.echo(str(config_path()))


@config_group.command("show")
def config_show() -> None:
    """Check the config file and print the settings in effect."""
    from cadence_tui.integrations.config import ConfigError, load_config, where

    try:
        config = load_config()
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    exists = config.path is not None and config.path.exists()
    click.echo(f"# {config.path}" + ("" if exists else " (not found: defaults)"))
    click.echo(f"me = {json.dumps(config.me, ensure_ascii=False)}")
    click.echo(f"variance_threshold = {config.variance_threshold:g}")
    click.echo(f"theme = {json.dumps(config.theme)}")
    click.echo(f"summary_format = {json.dumps(config.summary_format)}")
    if config.digest_webhook:
        click.echo(f"digest_webhook = {json.dumps(config.digest_webhook)}")
    if config.database_url:
        from cadence_tui.store.engines import redacted

        click.echo(f"database_url = {json.dumps(redacted(config.database_url))}")  # never the password
    if config.keymap:
        click.echo("[keymap]")
        for binding_id, keys in sorted(config.keymap.items()):
            click.echo(f"{json.dumps(binding_id)} = {json.dumps(keys)}")
        from cadence_tui.ui.app_config import known_binding_ids

        known = known_binding_ids()
        for binding_id in sorted(set(config.keymap) - known):
            click.echo(
                f"cadence: warning: {where(config, 'keymap')}: keymap {binding_id!r} is not a key binding id "
                "of Cadence (press ? in the app to see them); it has no effect",
                err=True,
            )


CONFIG_TEMPLATE = """\
# Cadence settings. Every line is optional; remove the # to use one.
# `cadence config show` checks this file and prints what is in effect.

# me = "Lena"                 # who "me" is in the action-item filters (default: $USER)
# variance_threshold = 10     # % over which a finance budget line is flagged
# theme = "dark"              # "dark", "light", or any Textual theme (nord, gruvbox, ...)
# summary_format = "markdown" # markdown | slack | text
# digest_webhook = "https://hooks.slack.com/services/..."
# database_url = "postgresql://lena@db.example.com/cadence"  # a team's shared database (default: a local file)

# [keymap]                    # binding id = "keys"; press ? in the app to see the ids
# edit-cadence = "ctrl+e"
"""


@config_group.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def config_init(force: bool) -> None:
    """Write a commented config file to start from (never overwrites without --force)."""
    from cadence_tui.integrations.config import config_path

    path = config_path()
    if path.exists() and not force:
        raise CommandError(f"{path} exists; edit it, or pass --force to start over")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    write_output(CONFIG_TEMPLATE.encode("utf-8"), str(path))


# -- browser mode ------------------------------------------------------------------
def served_command(database: Path | DatabaseUrl) -> str:
    """The shell command textual-serve runs for each browser tab: this same
    interpreter and package, on the same database. A PostgreSQL URL is not
    on it (a password would show in ``ps``): the tabs inherit ``CADENCE_DB``
    (:func:`serve` sets it)."""
    if isinstance(database, DatabaseUrl):
        return shlex.join([sys.executable, "-m", "cadence_tui"])
    return shlex.join([sys.executable, "-m", "cadence_tui", "--db", str(database)])


def _check_port_free(host: str, port: int) -> None:
    """Fail before announcing anything if the address cannot be bound."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CommandError(f"cannot listen on {host!r}: {exc.strerror}") from None
    family, _type, _proto, _name, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {host} port {port}: {exc.strerror or exc}; choose another with --port"
            ) from None


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--public-url",
    metavar="URL",
    default=None,
    help="The address browsers open the page at, when it is not this server's own (a proxy).",
)
@click.option(
    "--user-header",
    metavar="HEADER",
    default=None,
    help='Request header naming the tab\'s user ("me"), e.g. X-Forwarded-User. Only behind a proxy that sets it.',
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, public_url: str | None, user_header: str | None) -> None:
    """Serve the app in a web browser (textual-serve), one app per tab.

    Binds to loopback by default: only this machine can connect. There is no
    login: to share it, put it behind a proxy that adds login and TLS, and pass
    the address it serves with --public-url (and, if the proxy names the user
    in a header, that header with --user-header). Only pages from this server
    (or that address) may drive the app.
    """
    from cadence_tui.integrations.config import ConfigError, load_config
    from cadence_tui.ui.serve import public_url_or_error, user_header_or_error

    try:
        if public_url is not None:
            public_url = public_url_or_error(public_url)
        if user_header is not None:
            user_header = user_header_or_error(user_header)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    try:
        load_config()  # a bad config is reported here, not in every browser tab
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    location = db_path(ctx)
    database = location.resolve() if isinstance(location, Path) else location
    open_db(ctx, create=True).close()  # refuse a bad database now (each tab is the app: it may create it)
    _check_port_free(host, port)
    from cadence_tui.ui.serve import WILDCARD_HOSTS, CadenceServer, listen_url

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if host in WILDCARD_HOSTS:
        click.echo(
            f"Serving Cadence on every address of this machine, port {port}: {listen_url(host, port)}/ here "
            f"(database {database})",
            err=True,
        )
    else:
        click.echo(f"Serving Cadence on {listen_url(host, port)}/ (database {database})", err=True)
    if public_url is not None:
        click.echo(f"Browsers open it at {public_url}/", err=True)
    if user_header is not None:
        click.echo(
            f"Each tab's user is the {user_header} header: serve only behind a proxy that sets it.",
            err=True,
        )
    if loopback:
        click.echo("Listening on loopback only: other machines cannot connect.", err=True)
    else:
        click.echo(
            f"WARNING: listening on {host}: anyone who can reach this address can use the app; there is no login.",
            err=True,
        )
    click.echo("Press Ctrl+C to stop.", err=True)
    sys.stderr.flush()
    if isinstance(database, DatabaseUrl):
        from cadence_tui.integrations.paths import DB_ENV_VAR

        os.environ[DB_ENV_VAR] = database.url  # each tab's process inherits it (served_command)
    CadenceServer(
        served_command(database), host=host, port=port, public_url=public_url, user_header=user_header
    ).serve()


# -- shell completion ----------------------------------------------------------------
@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL.

    \b
    bash: eval "$(cadence completion bash)"   (in ~/.bashrc)
    zsh:  eval "$(cadence completion zsh)"    (in ~/.zshrc)
    fish: cadence completion fish > ~/.config/fish/completions/cadence.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click ships all three
        raise CommandError(f"no completion for {shell}")
    click.echo(cls(cli, {}, "cadence", "_CADENCE_COMPLETE").source())
