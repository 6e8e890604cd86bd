"""`cadence backup PATH`: a consistent copy of the database, safe while the app runs."""

from __future__ import annotations

import click

from cadence_tui.cli import db_option, db_path, progress_reporter, safe

# Below this many pages (~8 MiB) the copy is too quick for a progress bar.
PROGRESS_MIN_PAGES = 2048


@click.command()
@db_option
@click.argument("target", metavar="PATH", type=click.Path(dir_okay=True, path_type=str))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.pass_context
def backup(ctx: click.Context, target: str, force: bool) -> None:
    """Copy the database to PATH, consistently, even while Cadence is running.

    The copy is taken from one snapshot (SQLite's backup API), checked with
    PRAGMA integrity_check, and only then moved to PATH. An existing PATH is
    left alone unless --force is given.
    """
    from cadence_tui.store.backup import backup_database

    source = db_path(ctx)
    from cadence_tui.store.engines import DatabaseUrl, pg_dump_backup

    if isinstance(source, DatabaseUrl):
        # PostgreSQL: pg_dump's custom format (restore with pg_restore).
        dumped = pg_dump_backup(source, target, overwrite=force)
        click.echo(f"Backed up {safe(str(source))} to {safe(dumped)} (pg_dump; restore with pg_restore)")
        return
    with progress_reporter("Backing up") as report:

        def progress(done: int, total: int) -> None:
            if total >= PROGRESS_MIN_PAGES:
                report(done, total)

        written = backup_database(source, target, overwrite=force, progress=progress)
    size = written.stat().st_size
    click.echo(f"Backed up {safe(str(source))} to {safe(str(written))} ({_human(size)}; integrity check ok)")


def _human(size: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"
