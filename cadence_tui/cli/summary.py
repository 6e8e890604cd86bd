"""`cadence summary` (issue: meeting summaries)."""

from __future__ import annotations

import click

from cadence_tui.cli import MEETING_ID, CommandError, db_option, open_db


@click.command()
@db_option
@click.argument("meeting_id", metavar="[MEETING_ID]", type=MEETING_ID, required=False)
@click.option("--last", "last_key", metavar="CADENCE_KEY", help="The most recent meeting of this cadence.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "slack", "text"]),
    default=None,
    help="Output format (default: summary_format from the config file, else markdown).",
)
@click.option("--copy", is_flag=True, help="Copy to the clipboard instead of printing.")
@click.option(
    "--out",
    "out",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to FILE instead of printing (- prints).",
)
@click.pass_context
def summary(
    ctx: click.Context,
    meeting_id: int | None,
    last_key: str | None,
    fmt: str | None,
    copy: bool,
    out: str | None,
) -> None:
    """Print a meeting's summary (Markdown, Slack or plain text).

    MEETING_ID picks a meeting; --last CADENCE_KEY the most recent meeting of
    a cadence. With neither, the most recent meeting of any cadence is used.
    --copy puts it on the clipboard (the system clipboard, else the
    terminal's via OSC 52); --out writes it to a file.
    """
    from cadence_tui.core.summary import render

    to_stdout = out == "-"  # `--out -` is stdout, not a file named "-"
    if to_stdout:
        out = None

    if meeting_id is not None and last_key is not None:
        raise CommandError("give a MEETING_ID or --last CADENCE_KEY, not both")
    if fmt is None:
        fmt = _configured_format()
    store = open_db(ctx)
    try:
        if meeting_id is None:
            meeting_id = store.records.last_meeting_id(last_key)
        text = render(store.records.meeting_record(meeting_id), fmt)
    finally:
        store.close()

    if out is not None:
        from cadence_tui.integrations.atomic_write import database_files
        from cadence_tui.integrations.clipboard import save_text

        # An explicit --out FILE is written like a shell redirection would
        # (replacing a file, not creating folders), never over the database.
        try:
            result = save_text(out, text, overwrite=True, protect=database_files(store.path), make_folders=False)
        except OSError as exc:
            from cadence_tui.integrations.atomic_write import OutputError
            from cadence_tui.launch import os_error_message

            raise CommandError(str(exc) if isinstance(exc, OutputError) else os_error_message(exc)) from None
        click.echo(result.message, err=True)
    if copy:
        from cadence_tui.integrations.clipboard import copy_text, terminal_osc52_writer

        result = copy_text(text, osc52=terminal_osc52_writer())
        if not result.ok:
            raise CommandError(f"could not copy: {result.message}; use --out FILE to save it instead")
        click.echo(result.message, err=True)
    if to_stdout or (out is None and not copy):
        # The summary holds only cleaned user text: no escape sequence reaches the terminal.
        click.echo(text, nl=False)


def _configured_format() -> str:
    from cadence_tui.integrations.config import ConfigError, load_config

    try:
        return load_config().summary_format
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
