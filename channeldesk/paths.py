"""Where ChannelDesk keeps its database and its log, per user and per platform.

The locations come from platformdirs so that each OS gets its usual place (XDG folders on
Linux, ``AppData`` on Windows, ``Library`` on macOS). A database can be named explicitly
with ``--db PATH`` or the ``CHANNELDESK_DB`` environment variable, in that order.

The files ChannelDesk ships (fonts, branding, icons) live in the repository's top-level
``resources/`` folder, installed as the package ``channeldesk.resources``, and are found
through :func:`resource`, the one lookup every caller uses: importlib.resources finds
them the same way in an editable checkout, a venv, a ``pip install --user`` or system
install and the PyInstaller bundle.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from functools import cache
from importlib import resources as package_data
from pathlib import Path

import platformdirs

APP_NAME = "ChannelDesk"
DB_FILE_NAME = "channeldesk.sqlite3"
LOG_FILE_NAME = "channeldesk.log"
DB_ENV_VAR = "CHANNELDESK_DB"
RESOURCES_PACKAGE = "channeldesk.resources"


class MissingFolderError(Exception):
    """A database path whose folder cannot be created because a folder above it is
    missing too; ``str()`` names the missing folder and says what to do."""


@cache
def resources_root() -> Path:
    """The folder of the shipped resources, as a real path on disk.

    Installed packages (wheel, ``--user``, system, venv, editable, PyInstaller) keep
    package data as plain files, so this is the folder itself. Were the package ever
    imported from a zip, the folder is extracted once for the life of the process.

    A checkout used without installing it (``PYTHONPATH=.``) has no
    ``channeldesk.resources`` package, only the repository's ``resources/`` folder
    beside ``channeldesk/``: that folder is the answer then.
    """
    try:
        root = package_data.files(RESOURCES_PACKAGE)
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parent.parent / "resources"
        if (checkout / "fonts").is_dir():
            return checkout
        raise RuntimeError("ChannelDesk's shipped files (channeldesk.resources) are "
                           "missing: reinstall ChannelDesk.") from None
    if isinstance(root, Path):
        return root
    extracted = contextlib.ExitStack()
    atexit.register(extracted.close)
    return Path(extracted.enter_context(package_data.as_file(root)))


def resource(relative: str) -> Path:
    """A shipped file by its path under ``resources/`` (``"fonts/DejaVuSans.ttf"``).

    The path may not exist (a caller checks and reports a broken installation)."""
    return resources_root().joinpath(*relative.split("/"))


def data_dir() -> Path:
    """The per-user folder that holds the default database (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when the user names none."""
    return data_dir() / DB_FILE_NAME


def cache_dir() -> Path:
    """The per-user folder for what can be rebuilt at any time (not created here)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """The per-user folder for log files (not created here)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file_path() -> Path:
    """The log file that receives tracebacks, so users see one clear line instead."""
    return log_dir() / LOG_FILE_NAME


def resolve_db_path(cli_value: str | None) -> tuple[Path, bool]:
    """The database to use and whether it is the default one.

    ``--db`` wins over ``CHANNELDESK_DB``, which wins over the default. The default folder
    is created because a first run must just work; an explicit path's folder is not, since
    a missing folder there is more likely a typo that the user should hear about.
    """
    explicit = cli_value or os.environ.get(DB_ENV_VAR, "").strip()
    if explicit:
        return Path(explicit).expanduser().absolute(), False
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, True


def prepare_db_folder(path: Path) -> None:
    """Create the database's folder when the folder above it exists.

    ``--db ~/work/emea.sqlite3`` on a machine without ``~/work`` creates ``~/work``; a path
    two or more folders deep into nothing is more likely a typo, so it is refused with the
    first missing folder named (MissingFolderError).
    """
    folder = path.parent
    if folder.is_dir():
        return
    if folder.exists():
        raise MissingFolderError(f"{folder} is a file, not a folder, so the database {path.name} "
                                 "cannot go there. Choose another --db.")
    missing = folder
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent
    if missing != folder:
        raise MissingFolderError(
            f"The folder {missing} does not exist, so {folder} cannot be created for the "
            f"database. Create it first (mkdir -p {folder}) or choose another --db.")
    try:
        folder.mkdir()
    except OSError as error:
        raise MissingFolderError(f"Cannot create the folder {folder} for the database: "
                                 f"{error.strerror}. Choose another --db.") from error

