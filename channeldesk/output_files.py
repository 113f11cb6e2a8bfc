"""Write an output file (export, backup, PDF, screenshot) without ever harming what is there.

Every writer in ChannelDesk goes through :func:`output_file` (a temporary path) or
:func:`open_output` (an open handle). What happens depends on what the path names:

* nothing yet, or a regular file: the content goes to a temporary file in the same folder,
  is flushed and fsynced, and only then renamed over the path (atomic on one file system),
  so a crash, a full disk or a cancel leaves the old file or nothing, never half a file; a
  failed write leaves no temporary file (nor an SQLite ``-journal`` beside it);
* a symbolic link: the file it points to is written as above; the link stays a link;
* a character device (``/dev/null``, a terminal): written in place, never replaced. Renaming
  onto ``/dev/null`` as root would turn the device into a regular file and break every
  program on the machine;
* a folder, a FIFO, a socket, a block device or a read-only file: refused with
  :class:`OutputRefused` before any work, with a sentence saying what to do instead.

Qt-free and below every layer, so the store's backups use it as the services do.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

# The process's umask, read once (reading it means setting it): a finished file gets the
# permissions a plain open() would give it, not mkstemp's private 0600.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
# What SQLite may leave beside a database file it wrote (the backup's temporary copy).
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


class OutputRefused(OSError):  # noqa: N818 -- a refusal worded for people
    """The path cannot be written as asked; nothing was written. ``str()`` is one line."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "The file cannot be written."


class OutputWriteError(OSError):
    """Writing failed part way (disk full, permission); nothing was left at the path."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "The file could not be written."


def check_output(path: Path | str, example: str = "export.csv") -> Path:
    """The path a writer will write (a link resolved), or OutputRefused saying why not.

    Called by :func:`output_file` and, earlier, by commands that want to refuse a mistyped
    ``--out`` before any work. ``example`` is a file name offered when a folder is given.
    """
    path = Path(path).expanduser().absolute()
    real = Path(os.path.realpath(path))
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputRefused(f"{path} cannot be checked ({error.strerror}). Choose another "
                            "file.") from error
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise OutputRefused(f"{path} is a folder. Give a file name, e.g. "
                                f"{path / example}.")
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise OutputRefused(f"{path} is a pipe or socket, not a file; ChannelDesk writes "
                                "only to files. Choose a file name.")
        if stat.S_ISBLK(mode):
            raise OutputRefused(f"{path} is a disk device; ChannelDesk will not write over "
                                "it. Choose a file name.")
        if stat.S_ISREG(mode) and not os.access(real, os.W_OK):
            raise OutputRefused(f"{path} is read-only, so ChannelDesk will not replace it. "
                                "Choose another file name, or make the file writable.")
        if stat.S_ISCHR(mode) or stat.S_ISREG(mode):
            return real
        raise OutputRefused(f"{path} is not a regular file. Choose a file name.")
    folder = real.parent
    if not folder.is_dir():
        raise OutputRefused(f"The folder {folder} does not exist. Create it first, or choose "
                            "another file.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputRefused(f"Cannot write to {folder}: it is read-only for you. Choose "
                            "another folder.")
    return real


def is_device(path: Path) -> bool:
    try:
        return stat.S_ISCHR(path.stat().st_mode)
    except OSError:
        return False


@contextmanager
def output_file(path: Path | str, suffix: str = ".part") -> Iterator[Path]:
    """A temporary path to write the whole output to; put in place when the block ends.

    Returns nothing to put in place if the block raises: the temporary file (and any
    SQLite side files beside it) is removed and the target is as it was. ``suffix`` ends
    the temporary file's name (a writer that picks the format from the name needs it).
    """
    target = check_output(path)
    device = is_device(target)
    folder = None if device else target.parent
    try:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.",
                                             suffix=suffix)
    except OSError as error:
        raise OutputWriteError(f"Cannot write to {target.parent} ({error.strerror}). Choose "
                               "another folder.") from error
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        if device:
            _copy_into_device(temp, target)
        else:
            _put_in_place(temp, target)
    except OSError as error:
        _remove(temp)
        if isinstance(error, OutputRefused | OutputWriteError):
            raise
        raise OutputWriteError(f"Writing {target} failed ({_reason(error)}); nothing was "
                               "left behind. Free some space or choose another folder, "
                               "then try again.") from error
    except BaseException:
        _remove(temp)
        raise
    _remove(temp)  # a device's copy went in place; the temporary file is spare


@contextmanager
def open_output(path: Path | str, mode: str = "wb", **kwargs: Any) -> Iterator[IO]:
    """:func:`output_file` as an open handle (``open()``'s mode and keyword arguments)."""
    with output_file(path) as temp, temp.open(mode, **kwargs) as handle:
        yield handle


def _put_in_place(temp: Path, target: Path) -> None:
    with temp.open("rb") as written:
        os.fsync(written.fileno())
    try:
        keep = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        keep = 0o666 & ~_UMASK
    os.chmod(temp, keep)
    os.replace(temp, target)
    _sync_folder(target.parent)


def _copy_into_device(temp: Path, target: Path) -> None:
    """Write a finished output into a character device, which stays the device."""
    with temp.open("rb") as source, open(target, "wb", buffering=0) as device:
        shutil.copyfileobj(source, device)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder."""
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove(temp: Path) -> None:
    temp.unlink(missing_ok=True)
    for side in SQLITE_SIDE_FILES:
        Path(f"{temp}{side}").unlink(missing_ok=True)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
