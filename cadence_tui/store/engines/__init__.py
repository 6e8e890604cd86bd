"""Database engines: SQLite (a file, the default) and PostgreSQL (a URL).

Nothing here imports a driver: :mod:`.postgres` (and psycopg) load only when
a PostgreSQL URL is opened, so SQLite users pay nothing at start-up.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")
INSTALL_HINT = "pip install 'cadence-tui[postgres]'"


def url_scheme(value: str) -> str | None:
    """The scheme of a URL-looking value (``"postgresql"``), else None."""
    scheme, sep, _ = value.strip().partition("://")
    scheme = scheme.lower()
    if sep and scheme and scheme[0].isalpha() and all(c.isalnum() or c in "+-." for c in scheme):
        return scheme
    return None


def is_postgres_url(value: object) -> bool:
    return isinstance(value, DatabaseUrl) or (isinstance(value, str) and url_scheme(value) in POSTGRES_SCHEMES)


def redacted(url: str) -> str:
    """``url`` without its password (``postgresql://lena@db/cadence``): what
    every message shows. A password in the query string goes too."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "(an unreadable database URL)"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{host}" if user else host
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("password="))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class DatabaseUrl:
    """Where a PostgreSQL database is: the URL (credentials and all) for the
    driver in :attr:`url`; ``str()`` and ``repr()`` give it without the password,
    so it can go in any message."""

    engine = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url.strip()

    def __str__(self) -> str:
        return redacted(self.url)

    def __repr__(self) -> str:
        return f"DatabaseUrl({redacted(self.url)!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatabaseUrl) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)


def open_postgres(url: DatabaseUrl) -> object:
    """Connect to (and create or migrate) a PostgreSQL database; says how to
    install the driver when psycopg is missing."""
    from cadence_tui.store.errors import DatabaseUnavailable

    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseUnavailable(
            f"{url} is a PostgreSQL database and its driver (psycopg) is not installed: {INSTALL_HINT}"
        ) from None
    from cadence_tui.store.engines.postgres import connect

    return connect(url)


def pg_dump_backup(url: DatabaseUrl, target: str, *, overwrite: bool = False) -> str:
    """``cadence backup`` on PostgreSQL: ``pg_dump`` (custom format, one
    snapshot) into a temporary file beside ``target``, moved into place only
    when it succeeded. Without pg_dump installed it says so: never a partial
    copy of our own. Returns the absolute path written."""
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from cadence_tui.store.errors import DatabaseUnavailable, StoreError

    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise StoreError(
            f"backing up the PostgreSQL database {url} needs pg_dump, which is not installed: install the "
            "PostgreSQL client tools (e.g. apt install postgresql-client), or run pg_dump where it is"
        )
    dest = Path(target).expanduser().absolute()
    if dest.is_dir():
        raise StoreError(f"cannot write the backup to {dest}: it is a directory")
    if dest.exists() and not overwrite:
        from cadence_tui.store.backup import BackupExists

        raise BackupExists(f"{dest} already exists; pass --force to overwrite it")
    parts = urlsplit(url.url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password  # not on the command line, where `ps` shows it
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={redacted(url.url)}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            why = " ".join((done.stderr or "pg_dump failed").split())
            raise DatabaseUnavailable(f"pg_dump could not back up {url}: {why[:300]}")
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return str(dest)
