"""The ``cadence`` entry point, and opening the app without the command line.

Most starts are a bare ``cadence`` or ``cadence --db PATH``: those open the app
straight away, without importing click and building every subcommand (about
12 ms of a ~0.6 s start). Anything else goes to :mod:`cadence_tui.cli`, which
also opens the app through :func:`run_app`, so both paths behave the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

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
    """An OS error as one line: "Permission denied: /path/to/file"."""
    return f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")


def resolve_db(value: str | None) -> Path:
    """``--db`` as given (``~`` expanded), else ``$CADENCE_DB`` or the data dir."""
    if value:
        return Path(value).expanduser()
    from cadence_tui.paths import default_db_path

    return default_db_path()


def run_app(db: Path) -> int:
    """Open the app on ``db`` and run it; returns the exit status.

    Raises :class:`LaunchError` (or a ``StoreError``) when it cannot open.
    """
    import gc

    # Start-up allocates much and frees little: garbage collections during it
    # cost ~12 % of its CPU for nothing. The app turns the collector back on
    # (after a collect and a freeze) once the home screen is painted.
    gc.disable()
    from cadence_tui.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        raise LaunchError(str(exc)) from None
    now = clock()
    from cadence_tui.store import open_startup_store

    # Only the store parts the home screen needs; the rest load after its first frame.
    store = open_startup_store(db, now=now)
    from cadence_tui.app import make_app

    app = make_app(store, config)
    try:
        app.run()
    finally:
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
    if not bare:
        from cadence_tui.cli import main as cli_main

        cli_main()
        return
    from cadence_tui.store.errors import StoreError

    try:
        code = run_app(resolve_db(db))
    except (LaunchError, StoreError) as exc:
        print(f"{ERROR_PREFIX}{exc}", file=sys.stderr)
        sys.exit(1)
    except OSError as exc:
        print(f"{ERROR_PREFIX}{os_error_message(exc)}", file=sys.stderr)
        sys.exit(1)
    if code:
        sys.exit(code)
