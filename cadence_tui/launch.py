"""The ``cadence`` entry point, and opening the app without the command line.

Most starts are a bare ``cadence`` or ``cadence --db PATH``: those open the app
straight away, without importing click and building every subcommand (about
12 ms of a ~0.6 s start). Anything else goes to :mod:`cadence_tui.cli`, which
also opens the app through :func:`run_app`, so both paths behave the same.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cadence_tui.store.engines import DatabaseUrl

#: What the command line says when it fails: one line, exit status 1.
ERROR_PREFIX = "cadence: error: "


#: The years CADENCE_NOW may pin the clock to.
CLOCK_YEARS = (1970, 9000)


class LaunchError(Exception):
    """The app cannot open (bad config, clock or database): say why in one line."""


def clock() -> Callable[[], datetime]:
    """The clock; ``CADENCE_NOW`` (ISO 8601) pins it for scripts and tests."""
    pinned = os.environ.get("CADENCE_NOW")
    if pinned:
        try:
            fixed = datetime.fromisoformat(pinned)
        except ValueError:
            raise LaunchError(f"CADENCE_NOW={pinned!r} is not an ISO 8601 time") from None
        if fixed.tzinfo is None:
            fixed = fixed.astimezone()
        if not CLOCK_YEARS[0] <= fixed.year <= CLOCK_YEARS[1]:
            # Years ahead of it (a schedule, a due date) must stay within Python's dates.
            raise LaunchError(
                f"CADENCE_NOW={pinned!r} is out of range: the year must be {CLOCK_YEARS[0]}–{CLOCK_YEARS[1]}"
            )
        return lambda: fixed
    from cadence_tui.store.base import utcnow

    return utcnow


def os_error_message(exc: OSError) -> str:
    """An OS error as one line: "Permission denied: /path/to/file" (control
    characters in the path shown as escapes: a file name can hold any)."""
    from cadence_tui.core.textsafe import show_controls

    return show_controls(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))


def check_db_value(value: str, given_as: str = "--db") -> None:
    """Refuse a database "path" that is not one: empty, ``:memory:``, an
    SQLite ``file:`` URI or a URL of a scheme Cadence does not know
    (``postgresql://`` and ``postgres://`` are PostgreSQL databases)."""
    from cadence_tui.store.engines import is_postgres_url, redacted, url_scheme

    shown = repr(value)
    if not value.strip():
        raise LaunchError(
            f"{given_as} is empty: give the database file's path (or leave {given_as} out for the default)"
        )
    if value.strip() == ":memory:":
        raise LaunchError(f"{given_as} :memory: keeps nothing once the command ends: give a database file's path")
    if is_postgres_url(value):
        return
    low = value.strip().lower()
    if low.startswith("file:"):
        raise LaunchError(
            f"{given_as} takes a file path, not an SQLite URI ({shown}); for a file named like that, write ./{value}"
        )
    scheme = url_scheme(value)
    if scheme:
        raise LaunchError(
            f"{given_as} takes a file path or a postgresql:// URL, not a {scheme}:// URL ({redacted(value)!r})"
        )


def db_location(value: str) -> Path | DatabaseUrl:
    """A checked ``--db`` value as what the store opens: a file path, or a PostgreSQL URL."""
    from cadence_tui.store.engines import DatabaseUrl, is_postgres_url

    return DatabaseUrl(value) if is_postgres_url(value) else Path(value).expanduser()


def configured_database_url() -> str | None:
    """``database_url`` from the config file, if it sets one (the file is read only when there is one)."""
    from cadence_tui.integrations.config import ConfigError, config_path, load_config

    path = config_path()
    if not path.is_file():
        return None
    try:
        return load_config(path).database_url
    except ConfigError as exc:
        raise LaunchError(str(exc)) from None


def resolve_db(value: str | None) -> Path | DatabaseUrl:
    """``--db`` as given (``~`` expanded), else ``$CADENCE_DB``, else the config
    file's ``database_url``, else the data dir's file.

    Raises :class:`LaunchError` for a value that is neither a file path nor a
    PostgreSQL URL (:func:`check_db_value`); an empty ``$CADENCE_DB`` counts as unset."""
    from cadence_tui.integrations.paths import DB_ENV_VAR, default_db_path

    if value is not None:
        check_db_value(value)
        return db_location(value)
    env = os.environ.get(DB_ENV_VAR)
    if env:
        check_db_value(env, DB_ENV_VAR)
        return db_location(env)
    url = configured_database_url()
    if url:
        return db_location(url)
    return default_db_path()


def missing_db_message(path: Path | DatabaseUrl) -> str | None:
    """Why a command that does not create databases cannot use ``path``
    (None when a file is there, or for a PostgreSQL database: the server has it)."""
    if not isinstance(path, Path) or path.exists():
        return None
    import shlex

    return (
        f"there is no database at {path}; to create one, run `cadence --db {shlex.quote(str(path))}` "
        "(or fill a new one with `cadence demo` or `cadence import json`)"
    )


def run_app(db: Path | DatabaseUrl) -> int:
    """Open the app on ``db`` and run it; returns the exit status.

    Raises :class:`LaunchError` (or a ``StoreError``) when it cannot open.
    """
    # Start-up allocates much and frees little: garbage collections during it
    # cost ~12 % of its CPU for nothing. The app turns the collector back on
    # (after a collect and a freeze) once the home screen is painted.
    gc.disable()
    from cadence_tui.integrations.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        raise LaunchError(str(exc)) from None
    now = clock()
    from cadence_tui.store import open_store

    # Only the store parts the home screen needs; the rest load after its first frame.
    store = open_store(db, now=now)
    # Read what the home screen shows in a thread while Textual is imported
    # (screens/home_data.py): its first frame then has its rows.
    from cadence_tui.ui.screens.home_data import prefetch_home

    home = prefetch_home(store)
    from cadence_tui.ui.app import make_app

    app = make_app(store, config)
    app.home_prefetch = home
    try:
        app.run()
    finally:
        # A thread worker's query may still be running as the app exits:
        # close once it is done (the store's lock), never under it.
        with store._lock:
            store.close()
    return app.return_code or 0


def bare_app_db(args: list[str]) -> tuple[bool, str | None]:
    """Whether ``args`` only open the app, and the ``--db`` value if one is given."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return True, args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > 5:
        return True, args[0][5:]
    return False, None


def main() -> None:
    """Console-script entry point."""
    bare, db = bare_app_db(sys.argv[1:])
    if bare:
        gc.disable()  # from the first import on: see run_app
    else:
        from cadence_tui.cli import main as cli_main

        cli_main()
        return
    from cadence_tui.store.errors import StoreError

    try:
        code = run_app(resolve_db(db))
    except (LaunchError, StoreError) as exc:
        from cadence_tui.core.textsafe import show_controls

        print(f"{ERROR_PREFIX}{show_controls(str(exc))}", file=sys.stderr)
        sys.exit(1)
    except OSError as exc:
        print(f"{ERROR_PREFIX}{os_error_message(exc)}", file=sys.stderr)
        sys.exit(1)
    if code:
        sys.exit(code)
