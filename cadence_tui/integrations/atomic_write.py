"""Writing an output file: the one routine behind every ``--out``, export,
saved summary, saved digest and backup.

The rules, in order:

* A path that is, or leads to, a file it must protect (the live database
  and its ``-wal``/``-shm``/``-journal`` files) is refused — by identity
  (device and inode: ``../``, symlinks and hard links count), not by spelling.
* A path that exists and is not a regular file (``/dev/null``,
  ``/dev/stdout``, a FIFO, a terminal) is written to as a stream, like a
  shell redirection would: it is never replaced by a renamed file.
* Anything else is written to a temporary file in the same folder, synced,
  then renamed into place: the path never holds half a file. A symlink to a
  regular file is followed (the link stays a link). With ``overwrite=False``
  an existing file is never replaced, even one that appears meanwhile.
* A missing folder is an error (unless ``make_folders``), as for ``backup``
  and a shell redirection.

Every failure is an :class:`OutputError` (an ``OSError``) whose message names
the path the caller was given, never a temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

#: Files SQLite keeps beside a database: writing over any of them corrupts it.
SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")


class OutputError(OSError):
    """The output could not be written. ``str()`` is one line naming the
    path as given; ``strerror`` the short reason."""

    def __init__(self, path: str, reason: str, code: int | None = None) -> None:
        super().__init__(code or 0, reason, path)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


class OutputIsADirectory(OutputError, IsADirectoryError):
    """The path is a folder."""


def database_files(db: object) -> list[Path]:
    """The database and the files SQLite keeps beside it (for ``protect``)."""
    if not isinstance(db, (Path, str)) or str(db) == ":memory:":
        return []  # none, in memory, or a database server's (a PostgreSQL URL)
    return [Path(f"{Path(db).expanduser()}{side}") for side in SQLITE_SIDE_FILES]


def is_protected(target: Path, protect: Iterable[Path]) -> bool:
    """Whether ``target`` is (or would become) one of the ``protect`` files:
    the same device and inode when both exist, else the same real path."""
    try:
        st = os.stat(target)
    except OSError:
        st = None
    real = os.path.realpath(target)
    for guarded in protect:
        try:
            gst = os.stat(guarded)
        except OSError:
            gst = None
        if st is not None and gst is not None:
            if (st.st_dev, st.st_ino) == (gst.st_dev, gst.st_ino):
                return True
        elif real == os.path.realpath(guarded):
            return True
    return False


def _through_fd_link(target: Path) -> bool:
    """Whether ``target`` names an open file descriptor (``/dev/stdout``,
    ``/dev/fd/1``, ``/proc/self/fd/1``, or a link to one): written to as the
    stream it is, even when that stream is a regular file."""
    path = os.path.abspath(target)
    for _ in range(40):
        if path.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(path):
            return False
        path = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
    return False


def _stream_target(target: Path) -> bool:
    """Whether ``target`` exists and is not a regular file (a device, FIFO...)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        return False
    return not stat.S_ISREG(mode) or _through_fd_link(target)


def _check(shown: str, target: Path, *, overwrite: bool, protect: Iterable[Path], make_folders: bool) -> Path:
    """Refusals common to every output; returns the file to replace (symlinks followed)."""
    if is_protected(target, protect):
        raise OutputError(shown, "that is the database itself; choose another file", errno.EINVAL)
    if target.is_dir():
        raise OutputIsADirectory(shown, "it is a directory; give a file name", errno.EISDIR)
    if _stream_target(target):
        return target
    if target.is_symlink() and target.exists():
        target = Path(os.path.realpath(target))  # write the file the link points to; the link stays
    if not overwrite and (target.exists() or target.is_symlink()):
        raise FileExistsError(errno.EEXIST, "already exists", shown)
    folder = target.parent
    if not folder.is_dir():
        if not make_folders:
            raise OutputError(shown, f"the folder {folder} does not exist", errno.ENOENT)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(shown, f"cannot create the folder {folder}: {exc.strerror or exc}", exc.errno) from None
    return target


def _temp_beside(target: Path, shown: str, *, private: bool) -> Path:
    """A new, empty temporary file in ``target``'s folder (created exclusively)."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(shown, exc.strerror or str(exc), exc.errno) from None
        os.close(fd)
        return tmp
    raise OutputError(shown, "cannot create a temporary file beside it", errno.EEXIST)  # pragma: no cover


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _commit(tmp: Path, target: Path, shown: str, *, overwrite: bool, mode: int | None) -> None:
    if mode is None and overwrite:
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(os.stat(target).st_mode)  # keep the replaced file's permissions
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    if mode is not None:
        os.chmod(tmp, mode)  # after the last write: a read-only mode must not stop it
    if overwrite:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target)  # fails if the target appeared meanwhile: never clobber
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, "already exists", shown) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            # A file system without hard links: claim the name, then replace it.
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                raise FileExistsError(errno.EEXIST, "already exists", shown) from None
            os.replace(tmp, target)
        else:
            os.unlink(tmp)
    _fsync_dir(target.parent)


def _as_output_error(exc: OSError, shown: str) -> OSError:
    if isinstance(exc, (OutputError, FileExistsError)):
        return exc
    return OutputError(shown, exc.strerror or str(exc), exc.errno)


@contextlib.contextmanager
def atomic_output(
    path: Path | str,
    *,
    overwrite: bool = True,
    protect: Iterable[Path | str] = (),
    mode: int | None = None,
    make_folders: bool = False,
    private: bool = False,
) -> Iterator[Path]:
    """Yield a temporary file to fill; on success it becomes ``path``.

    For a stream target (device, FIFO) the temporary file lives in the system
    temp folder and its bytes are copied into the stream. ``mode`` sets the
    final permissions (default: those of the file replaced, else the umask's);
    ``private`` keeps the temporary file 0600 while it is being filled.
    Errors raised inside the block propagate unchanged; the temporary file is
    always removed.
    """
    shown = os.fspath(path)
    target = Path(shown).expanduser()
    guarded = [Path(p).expanduser() for p in protect]
    real = _check(shown, target, overwrite=overwrite, protect=guarded, make_folders=make_folders)
    stream = _stream_target(real)
    if stream:
        fd, name = tempfile.mkstemp(prefix="cadence-", suffix=".partial")
        os.close(fd)
        tmp = Path(name)
    else:
        tmp = _temp_beside(real, shown, private=private)
    try:
        yield tmp
        try:
            if stream:
                with open(tmp, "rb") as src, open(real, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                _commit(tmp, real, shown, overwrite=overwrite, mode=mode)
        except OSError as exc:
            raise _as_output_error(exc, shown) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_file(
    path: Path | str,
    data: bytes | str,
    *,
    overwrite: bool = True,
    protect: Iterable[Path | str] = (),
    mode: int | None = None,
    make_folders: bool = False,
) -> Path:
    """Write ``data`` (``str`` as UTF-8 with ``\\n`` line ends) to ``path``
    by the rules above; returns the path written (``~`` expanded)."""
    shown = os.fspath(path)
    target = Path(shown).expanduser()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    guarded = [Path(p).expanduser() for p in protect]
    real = _check(shown, target, overwrite=overwrite, protect=guarded, make_folders=make_folders)
    if _stream_target(real):
        try:
            with open(real, "wb") as stream:
                stream.write(raw)
        except OSError as exc:
            raise _as_output_error(exc, shown) from None
        return target
    with atomic_output(shown, overwrite=overwrite, protect=guarded, mode=mode) as tmp:
        try:
            tmp.write_bytes(raw)
        except OSError as exc:
            raise _as_output_error(exc, shown) from None
    return target


def write_new_file(folder: Path, stem: str, suffix: str, data: bytes | str) -> Path:
    """Write ``data`` to ``folder/stem+suffix``, or ``stem-2+suffix``,
    ``stem-3``... : the first name free. Never replaces a file, even one
    written at the same moment by another process."""
    for n in range(1, 10_000):
        name = f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        try:
            return write_file(folder / name, data, overwrite=False)
        except FileExistsError:
            continue
    raise OutputError(str(folder / f"{stem}{suffix}"), "too many files with that name", errno.EEXIST)
