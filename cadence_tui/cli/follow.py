"""`cadence follow [CADENCE_KEY]`: the meeting in progress, read-only (ui/screens/follow.py)."""

from __future__ import annotations

import sys

import click

from cadence_tui.cli import CommandError, db_option, db_path, now_fn


@click.command()
@db_option
@click.argument("cadence_key", metavar="[CADENCE_KEY]", required=False)
@click.pass_context
def follow(ctx: click.Context, cadence_key: str | None) -> None:
    """Follow the meeting in progress (of CADENCE_KEY, else any), read-only;
    waits for one to start. For a participant's laptop or the room's screen."""
    from cadence_tui.integrations.config import ConfigError, load_config
    from cadence_tui.launch import missing_db_message
    from cadence_tui.store import open_store

    path = db_path(ctx)
    missing = missing_db_message(path)
    if missing:
        raise CommandError(missing)
    try:
        config = load_config()
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    store = open_store(path, now=now_fn())
    try:
        if cadence_key is not None:
            store.cadences.get_cadence(cadence_key)  # an unknown key: one line naming the known ones
        from cadence_tui.ui.app import make_app
        from cadence_tui.ui.screens.follow import FollowScreen

        app = make_app(store, config)
        app.first_screen = lambda: FollowScreen(cadence_key)
        app.run()
    finally:
        store.close()
    if app.return_code:
        sys.exit(app.return_code)
